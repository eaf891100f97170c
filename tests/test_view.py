"""The HTML network view: self-contained and offline, checked as text and in real headless
Chromium (Debian ``chromium`` driven by Playwright, every non-file request aborted)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.build import DEFAULT_BASE
from kg.cli import main
from kg.project import project
from kg.store import KGStore
from kg.view import ViewOptions, build_network, render_html, write_view
from kg.vocab import IDKR, OA, PROV, SCHEMA

B = DEFAULT_BASE
JAKARTA = B + "region/ID-JK"
CEPA = B + "org/kr-cepa"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
XSS = "<img src=x onerror=window.__xss=1>"


@pytest.fixture(scope="module")
def graph(sample_store: KGStore) -> nx.MultiDiGraph:
    return project(sample_store)


@pytest.fixture(scope="module")
def page_file(graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("view") / "graph.html"
    write_view(graph, out)
    return out


# ----------------------------------------------------------------- the file as text


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action", "poster") and value:
                self.refs.append((tag, name, value))


def test_html_is_self_contained(page_file: Path) -> None:
    text = page_file.read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(text)
    assert parser.refs == []  # no src/href at all: nothing is loaded from anywhere
    assert not re.search(r"<(script|link|img|iframe)[^>]*https?:", text, re.I)
    assert "cdn" not in " ".join(re.findall(r"<(?:script|link)[^>]*>", text)).lower()
    assert "bootstrap" not in text.lower()
    assert "vis.Network" in text and "vis-network" in text  # inlined from the pyvis wheel
    assert parser.tags.count("script") == 3  # vis-network, data, our code


def test_network_is_filled_without_from_nx(graph) -> None:
    net, payload = build_network(graph)
    assert len(net.nodes) == graph.number_of_nodes()
    assert len(net.edges) == graph.number_of_edges()
    node = next(n for n in net.nodes if n["id"] == JAKARTA)
    assert node["label"] == "DKI Jakarta" and node["kgCountry"] == "ID"
    assert node["value"] == graph.to_undirected().degree(JAKARTA)
    assert "DKI Jakarta" in node["title"] and "Province" in node["title"]
    assert payload["physics"] is True and "x" not in node
    big, payload = build_network(graph, ViewOptions(layout_threshold=10))
    assert payload["physics"] is False and big.options["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in big.nodes)


def test_data_cannot_close_its_script(graph) -> None:
    g = graph.copy()
    g.nodes[JAKARTA]["label"] = "</script><script>window.__xss=1</script>"
    net, payload = build_network(g)
    page = render_html(net, payload, "t </title><script>x</script>")
    assert page.count("</script>") == 3
    assert "<script>window.__xss" not in page and "<script>x</script>" not in page
    data = re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1)
    parsed = json.loads(data)
    labels = {n["id"]: n["label"] for n in parsed["nodes"]}
    assert labels[JAKARTA] == "</script><script>window.__xss=1</script>"


# ----------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is needed: apt-get install -y chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A view opened offline; records console errors and every request that left file://."""

    def __init__(self, browser, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1300, "height": 850})
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)

    def node_point(self, node_id: str) -> tuple[float, float]:
        pt = self.page.evaluate(
            "id => kgView.network.canvasToDOM(kgView.network.getPosition(id))", node_id
        )
        box = self.page.locator("#kg-network").bounding_box()
        return box["x"] + pt["x"], box["y"] + pt["y"]

    def click_node(self, node_id: str) -> str:
        """Click where the node is drawn; returns the node under the pointer (the topmost
        one when nodes overlap)."""
        self.page.evaluate(
            "id => kgView.network.focus(id, {scale: 1.5, animation: false})", node_id
        )
        x, y = self.node_point(node_id)
        box = self.page.locator("#kg-network").bounding_box()
        under = self.page.evaluate(
            "pt => kgView.network.getNodeAt(pt)", {"x": x - box["x"], "y": y - box["y"]}
        )
        self.page.mouse.click(x, y)
        return under

    def search(self, text: str) -> None:
        self.page.fill("#kg-search", text)
        self.page.press("#kg-search", "Enter")

    def close(self) -> None:
        self.context.close()


def test_page_loads_offline_with_every_node(browser, page_file, graph) -> None:
    p = Page(browser, page_file)
    try:
        assert p.page.evaluate("typeof vis") == "object"
        assert p.page.evaluate("kgView.nodes.length") == graph.number_of_nodes()
        assert p.page.evaluate("kgView.edges.length") == graph.number_of_edges()
        assert p.page.evaluate("kgView.network.getPositions().length") is None  # an object
        positions = p.page.evaluate("Object.keys(kgView.network.getPositions()).length")
        assert positions == graph.number_of_nodes()
        assert p.blocked == [] and p.errors == []
        # the legend lists the types that occur, with counts
        legend = p.page.inner_text("#kg-filter-types")
        assert "province / region" in legend and "person" in legend
    finally:
        p.close()


def test_search_focuses_and_click_shows_evidence(browser, page_file, graph) -> None:
    p = Page(browser, page_file)
    try:
        p.search("CEPA")  # an alias
        assert p.page.evaluate("kgView.network.getSelectedNodes()") == [CEPA]
        panel = p.page.inner_text("#kg-panel")
        assert "Chungcheongnam-do Economic Promotion Agency" in panel
        p.page.evaluate("kgView.network.unselectAll()")

        assert p.click_node(JAKARTA) == JAKARTA
        assert p.page.evaluate("kgView.network.getSelectedNodes()") == [JAKARTA]
        panel = p.page.inner_text("#kg-panel")
        assert panel.startswith("DKI Jakarta")
        # the evidence sentences and headlines of the node's links are shown
        sentence = next(
            ev["sentence"]
            for u, v, d in graph.edges(data=True)
            if JAKARTA in (u, v)
            for ev in d["evidence"]
        )
        assert " ".join(sentence.split()) in " ".join(panel.split())
        headline = graph.graph["articles"][next(iter(graph.nodes[JAKARTA]["articles"]))]
        assert headline["headline"] in panel
        links = p.page.eval_on_selector_all("#kg-panel a", "as => as.map(a => a.href)")
        assert links and all(h.startswith("https://") for h in links)

        p.search("no such entity at all")
        assert "no entity matches" in p.page.inner_text("#kg-search-status")
        assert p.errors == [] and p.blocked == []
    finally:
        p.close()


def test_client_side_filters_hide_nodes(browser, page_file, graph) -> None:
    p = Page(browser, page_file)
    try:
        people = sum(1 for _, d in graph.nodes(data=True) if d["type"] == "Person")
        p.page.uncheck("#kg-filter-types input[value=Person]")
        hidden = p.page.evaluate("kgView.nodes.get({filter: n => n.hidden}).length")
        assert hidden == people > 0
        p.page.check("#kg-filter-types input[value=Person]")
        assert p.page.evaluate("kgView.nodes.get({filter: n => n.hidden}).length") == 0
        p.page.uncheck("#kg-filter-countries input[value=KR]")
        korean = sum(1 for _, d in graph.nodes(data=True) if d["country"] == "KR")
        assert p.page.evaluate("kgView.nodes.get({filter: n => n.hidden}).length") == korean
        years = p.page.eval_on_selector_all("#kg-filter-years input", "xs => xs.map(x => x.value)")
        for y in years:
            p.page.uncheck(f"#kg-filter-years input[value='{y}']")
        assert p.page.evaluate("kgView.edges.get({filter: e => !e.hidden}).length") == 0
        assert p.errors == []
    finally:
        p.close()


def test_large_view_has_layout_and_no_physics(browser, graph, tmp_path: Path) -> None:
    out = tmp_path / "big.html"
    res = write_view(graph, out, ViewOptions(layout_threshold=10, message="capped for the test"))
    assert res.physics is False
    p = Page(browser, out)
    try:
        assert p.page.evaluate("kgView.network.physics.options.enabled") is False
        assert p.page.inner_text("#kg-message") == "capped for the test"
        under = p.click_node(CEPA)
        assert p.page.evaluate("kgView.network.getSelectedNodes()") == [under]
        label = graph.nodes[under]["label"]
        assert p.page.inner_text("#kg-panel").startswith(label)
        assert p.errors == [] and p.blocked == []
    finally:
        p.close()


def _hostile_store() -> KGStore:
    """An article whose entity label, alias, headline, URL and evidence are markup."""
    g = Graph()
    art = URIRef(B + "article/hostile")
    bad = URIRef(B + "org/hostile")
    jkt = URIRef(JAKARTA)
    rel = URIRef(B + "relation/hostile")
    ev = URIRef(B + "evidence/hostile")
    target = URIRef(str(ev) + "#target")
    quote = URIRef(str(ev) + "#quote")
    g.add((art, RDF.type, SCHEMA.NewsArticle))
    g.add((art, SCHEMA.headline, Literal("<b onmouseover=window.__xss=5>Headline</b>")))
    g.add((art, SCHEMA.datePublished, Literal("2025-05-27", datatype=XSD.date)))
    g.add((art, SCHEMA.url, Literal("javascript:window.__xss=6")))
    g.add((bad, IDKR.entityType, Literal("Organization")))
    g.add((bad, RDFS.label, Literal(XSS)))
    g.add((bad, SKOS.altLabel, Literal("<script>window.__xss=2</script>")))
    g.add((bad, IDKR.country, URIRef(B + "country/KR")))
    g.add((jkt, IDKR.entityType, Literal("Province")))
    g.add((jkt, RDFS.label, Literal("DKI Jakarta <svg onload=window.__xss=3>")))
    g.add((rel, RDF.type, IDKR.CooperationLink))
    g.add((rel, IDKR.partner, bad))
    g.add((rel, IDKR.partner, jkt))
    g.add((rel, PROV.wasDerivedFrom, art))
    g.add((rel, IDKR.confidence, Literal("0.9", datatype=XSD.decimal)))
    g.add((rel, IDKR.evidence, ev))
    g.add((ev, RDF.type, OA.Annotation))
    g.add((ev, OA.hasTarget, target))
    g.add((target, OA.hasSource, art))
    g.add((target, OA.hasSelector, quote))
    g.add((quote, OA.exact, Literal("It said </script><script>window.__xss=4</script> & " + XSS)))
    store = KGStore("memory")
    store.replace_graph(B + "graph/hostile", g)
    return store


def test_markup_in_the_data_never_runs(browser, tmp_path: Path) -> None:
    store = _hostile_store()
    g = project(store)
    bad = B + "org/hostile"
    assert g.nodes[bad]["label"] == XSS
    out = tmp_path / "hostile.html"
    write_view(g, out, ViewOptions(title="<img src=x onerror=window.__xss=7>"))
    p = Page(browser, out)
    try:
        page = p.page
        assert page.evaluate("id => kgView.nodes.get(id).label", bad) == XSS
        page.mouse.move(*p.node_point(bad))  # tooltip
        page.wait_for_timeout(400)
        tooltip = page.locator("div.vis-tooltip")
        if tooltip.count():
            assert tooltip.inner_text().startswith(XSS) or not tooltip.is_visible()
        p.click_node(bad)  # side panel
        assert page.evaluate("typeof window.__xss") == "undefined"
        panel = page.inner_text("#kg-panel")
        assert XSS in panel and "window.__xss=4" in panel and "Headline</b>" in panel
        assert page.eval_on_selector_all("#kg-panel a", "as => as.length") == 0  # no javascript:
        assert page.eval_on_selector_all("#kg-panel img, #kg-panel script", "x => x.length") == 0
        p.search("<script>window.__xss=2</script>")  # by the hostile alias
        assert page.evaluate("kgView.network.getSelectedNodes()") == [bad]
        p.search(XSS)
        page.hover("#kg-panel .kg-headline")
        edge = page.evaluate("kgView.edges.getIds()[0]")
        page.evaluate("id => kgView.network.selectEdges([id])", edge)
        page.evaluate(
            "id => kgView.network.body.emitter.emit('click', {nodes: [], edges: [id]})", edge
        )
        assert page.inner_text("h1") == "<img src=x onerror=window.__xss=7>"
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("document.querySelectorAll('img, svg').length") == 0
        assert p.blocked == []
    finally:
        p.close()


# ----------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def disk_store(sample_store: KGStore, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample store copied to a folder, for the CLI."""
    tmp = tmp_path_factory.mktemp("viewcli")
    dump = tmp / "kg.nq"
    with dump.open("wb") as fh:
        sample_store.dump(fh, "nquads")
    path = tmp / "store"
    with KGStore(str(path)) as st:
        st.load(dump, "nquads")
    return str(path)


def _run(*args: str, ok: bool = True):
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert (res.exit_code == 0) == ok, res.output
    return res


def test_cli_view_and_export(disk_store: str, tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    res = _run("--store", disk_store, "view", "--path", "DKI Jakarta", "Chungnam", "-o", str(out))
    assert "path(s) between DKI Jakarta and Chungcheongnam-do" in res.output
    assert re.search(r"wrote .*seed.html: \d+ entities, \d+ links", res.output)
    assert "Chungcheongnam-do Economic Promotion Agency" in out.read_text(encoding="utf-8")
    res = _run("--store", disk_store, "view", "--focus", "Jakrta", "-o", str(out), ok=False)
    assert "close matches" in res.output and "Jakarta" in res.output
    res = _run("--store", disk_store, "view", "--type", "Dragon", "-o", str(out), ok=False)
    assert "unknown type 'Dragon'" in res.output
    res = _run("--store", disk_store, "view", "--since", "last week", ok=False)
    assert "YYYY" in res.output
    res = _run("--store", disk_store, "view", "--max-nodes", "5", "-o", str(out))
    assert "best-connected" in res.output
    for fmt in ("graphml", "gexf"):
        net = tmp_path / f"kg.{fmt}"
        _run("--store", disk_store, "export", "--format", fmt, "-o", str(net))
        back = nx.read_graphml(net) if fmt == "graphml" else nx.read_gexf(net)
        assert JAKARTA in back and back.number_of_edges() > 0
