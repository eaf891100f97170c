"""Benchmark of ``kg view`` on synthetic graphs of 500, 2,000 and 5,000 entities.

For each size: build a synthetic store (articles with entities, posts, cooperation links,
agreements and events, each statement with an evidence sentence), then measure

- project: RDF → networkx (the SPARQL queries of kg/project.py),
- write: layout + pyvis network + HTML file (what ``kg view`` does after projecting),
- drawn: headless Chromium (Debian chromium, network blocked) from navigation until the
  page has drawn the network and is ready (``body[data-ready]``),
- click / search: a real mouse click on a node until the side panel shows it, and a
  search (type + Enter) until the node is selected and focused, each including a redraw.

Targets (issue 3): 5,000 nodes written in under 5 s, drawn and responsive in under 5 s.
Run: ``.venv/bin/python bench/bench_view.py [--sizes 500,2000,5000]``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from kg.project import project
from kg.store import KGStore
from kg.view import ViewOptions, write_view

B = "https://w3id.org/idkr/resource/"
IDKR = "https://w3id.org/idkr/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
CONCEPT = "https://w3id.org/idkr/concept/"
TYPES = ["Person", "Province", "City", "Organization", "Company", "GovernmentOrganization"]
SECTORS = ["trade", "culture", "education", "investment", "energy", "defense"]
FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def synthetic_nquads(n_entities: int, seed: int = 7) -> tuple[str, list[str]]:
    """N-Quads of a synthetic corpus in which every entity has at least one link."""
    rng = random.Random(seed)
    ents = []
    for i in range(n_entities):
        t = TYPES[i % len(TYPES)]
        ents.append((f"{B}ent/{t.lower()}-{i}", t, "ID" if i % 2 else "KR", f"{t} {i}"))
    people = [e for e in ents if e[1] == "Person"]
    orgs = [e for e in ents if e[1] != "Person"]
    weights = [1.0 / (r + 1) ** 0.8 for r in range(len(ents))]  # a few are very popular
    out: list[str] = []
    n_articles = int(n_entities * 0.6)
    order = list(range(n_entities))
    rng.shuffle(order)
    cursor = 0
    q = out.append
    for a in range(n_articles):
        g = f"<{B}graph/s{a}>"
        art = f"<{B}article/s{a}>"
        year = 2018 + a % 8
        q(f"{art} <{RDF_TYPE}> <{SCHEMA}NewsArticle> {g} .")
        q(f"{art} <{SCHEMA}headline> {_lit(f'Synthetic article {a} about cooperation')} {g} .")
        q(f'{art} <{SCHEMA}datePublished> "{year}-0{1 + a % 9}-1{a % 10}"^^<{XSD}date> {g} .')
        q(f"{art} <{SCHEMA}url> <https://news.example/{a}> {g} .")
        # each article: two entities in turn (so every entity appears) and two popular ones
        own = [ents[order[(cursor + k) % n_entities]] for k in range(2)]
        cursor += 2
        picked = own + rng.choices(ents, weights=weights, k=2)
        for iri, t, c, label in picked:
            q(f"<{iri}> <{IDKR}entityType> {_lit(t)} {g} .")
            q(f"<{iri}> <{LABEL}> {_lit(label)} {g} .")
            q(f"<{iri}> <{IDKR}country> <{B}country/{c}> {g} .")
        sentence = f"Sentence {a}: " + ", ".join(p[3] for p in picked) + " agreed to cooperate."

        def statement(st: str, kind: str, g=g, art=art, sentence=sentence, a=a, q=q) -> None:
            ev = f"{st[:-1]}-ev>"
            q(f"{st} <{RDF_TYPE}> {kind} {g} .")
            q(f"{st} <{PROV}wasDerivedFrom> {art} {g} .")
            q(f'{st} <{IDKR}confidence> "0.{7 + a % 3}"^^<{XSD}decimal> {g} .')
            q(f"{st} <{IDKR}evidence> {ev} {g} .")
            q(f"{ev} <{OA}hasTarget> {ev[:-1]}#t> {g} .")
            q(f"{ev[:-1]}#t> <{OA}hasSource> {art} {g} .")
            q(f"{ev[:-1]}#t> <{OA}hasSelector> {ev[:-1]}#q> {g} .")
            q(f"{ev[:-1]}#q> <{OA}exact> {_lit(sentence)} {g} .")

        x, y = picked[0][0], picked[1][0]
        st = f"<{B}relation/s{a}-c>"
        statement(st, f"<{IDKR}CooperationLink>")
        q(f"{st} <{IDKR}partner> <{x}> {g} .")
        q(f"{st} <{IDKR}partner> <{y}> {g} .")
        p = picked[2] if picked[2][1] == "Person" else rng.choice(people)
        o = picked[3] if picked[3][1] != "Person" else rng.choice(orgs)
        st = f"<{B}membership/s{a}>"
        statement(st, f"<{ORG}Membership>")
        q(f"{st} <{ORG}member> <{p[0]}> {g} .")
        q(f"{st} <{ORG}organization> <{o[0]}> {g} .")
        q(f'{st} <{IDKR}roleLabel> "Governor" {g} .')
        if a % 3 == 0:
            st = f"<{B}agreement/s{a}>"
            statement(st, f"<{IDKR}Agreement>")
            q(f"{st} <{IDKR}party> <{picked[1][0]}> {g} .")
            q(f"{st} <{IDKR}party> <{picked[3][0]}> {g} .")
            q(f"{st} <{IDKR}agreementType> <{CONCEPT}agreement-type/MoU> {g} .")
            q(f"{st} <{IDKR}sector> <{CONCEPT}sector/{SECTORS[a % 6]}> {g} .")
    return "\n".join(out) + "\n", [e[0] for e in ents]


def chromium_times(html: Path, node_id: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        blocked: list[str] = []

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t0 = time.perf_counter()
        page.goto(html.resolve().as_uri(), timeout=120_000)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=120_000)
        drawn = time.perf_counter() - t0

        # a real click on a node, until the side panel names the node under the pointer
        page.evaluate("id => kgView.network.focus(id, {scale: 1.5, animation: false})", node_id)
        pt = page.evaluate(
            "id => kgView.network.canvasToDOM(kgView.network.getPosition(id))", node_id
        )
        under = page.evaluate("pt => kgView.network.getNodeAt(pt)", pt)
        label = page.evaluate("id => kgView.nodes.get(id).label", under)
        box = page.locator("#kg-network").bounding_box()
        page.evaluate(FRAME)
        t0 = time.perf_counter()
        page.mouse.click(box["x"] + pt["x"], box["y"] + pt["y"])
        page.wait_for_selector(f"#kg-panel h2:text-is('{label}')", timeout=60_000)
        click = time.perf_counter() - t0
        label = page.evaluate("id => kgView.nodes.get(id).label", node_id)

        # search by name, until selected and focused (with a redraw)
        page.evaluate("kgView.network.fit({animation: false})")
        t0 = time.perf_counter()
        page.fill("#kg-search", label)
        page.press("#kg-search", "Enter")
        page.evaluate(FRAME)
        selected = page.evaluate("kgView.network.getSelectedNodes()")
        search = time.perf_counter() - t0
        browser.close()
    if blocked or errors or selected != [node_id]:
        raise SystemExit(f"page problem: blocked={blocked} errors={errors} selected={selected}")
    return {"drawn": drawn, "click": click, "search": search}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,2000,5000")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            data, _ = synthetic_nquads(n)
            dump = Path(tmp) / f"s{n}.nq"
            dump.write_text(data, encoding="utf-8")
            store = KGStore("memory")
            store.load(dump, "nquads")
            t0 = time.perf_counter()
            graph = project(store)
            t_project = time.perf_counter() - t0
            out = Path(tmp) / f"view-{n}.html"
            res = write_view(graph, out, ViewOptions())
            hub = max(graph, key=graph.degree)
            times = chromium_times(out, hub)
            rows.append(
                (
                    graph.number_of_nodes(),
                    graph.number_of_edges(),
                    len(store),
                    t_project,
                    res.layout_seconds,
                    res.seconds,
                    t_project + res.seconds,
                    out.stat().st_size / 1e6,
                    times["drawn"],
                    times["click"],
                    times["search"],
                )
            )
            print(f"done {n}", file=sys.stderr)
    head = (
        "nodes",
        "edges",
        "quads",
        "project s",
        "layout s",
        "write s",
        "total s",
        "HTML MB",
        "drawn s",
        "click s",
        "search s",
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} cores")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [str(r[0]), str(r[1]), str(r[2])] + [f"{x:.2f}" for x in r[3:]]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
