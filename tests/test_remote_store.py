"""The same commands on every kind of store: a folder, memory, and a real Oxigraph server.

The server is started by the ``oxigraph_server`` fixture (tests/conftest.py). Results are
compared between the three stores: they must be identical, not merely similar.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from cli_runner import run
from rdflib import Dataset, Graph, Literal, URIRef
from test_queries import INJECTION, SAMPLE_PARAMS

from kg.errors import QueryError, StoreError
from kg.explain import explain
from kg.project import project
from kg.query import bind_params, find_query, format_result, list_queries, run_query
from kg.stats import store_stats
from kg.store import KGStore, RemoteOptions
from kg.store.bind import inject_values
from kg.validate import validate_store
from kg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"


def clear(url: str) -> None:
    data = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{url}/update", data=data)) as r:
        r.read()


def normal_csv(text: str) -> list[list[str]]:
    """CSV rows; the evidence query's ``rules`` list is a GROUP_CONCAT without a sort
    order, so its items are compared as a set."""
    rows = list(csv.reader(io.StringIO(text)))
    if rows and "rules" in rows[0]:
        i = rows[0].index("rules")
        for r in rows[1:]:
            r[i] = ", ".join(sorted(r[i].split(", ")))
    return rows


def outcome_cli(spec: str, tmp: Path) -> dict:
    """What each command gives on ``spec``, run through the CLI."""
    out: dict = {"stats": json.loads(run("--store", spec, "stats", "--json").output)}
    for q in list_queries():
        args = [f"{k}={v}" for k, v in SAMPLE_PARAMS[q.name].items()]
        cmd = ["--store", spec, "query", q.name, "--format", "csv"]
        for a in args:
            cmd += ["--param", a]
        out[q.name] = normal_csv(run(*cmd).output)
    by_label = run(
        "--store", spec, "query", "timeline", "--param", "entity=Pramono", "--format", "csv"
    )
    out["timeline-by-label"] = normal_csv(by_label.output)
    for fmt in ("nquads", "ntriples"):
        path = tmp / f"{spec.replace('/', '_').replace(':', '_')}.{fmt}"
        run("--store", spec, "export", "--format", fmt, "-o", str(path))
        out[fmt] = sorted(path.read_text(encoding="utf-8").splitlines())
    ttl = run("--store", spec, "export", "--format", "turtle").output
    out["turtle"] = len(Graph().parse(data=ttl, format="turtle"))
    res = run("--store", spec, "validate", ok=False)
    out["validate"] = (res.exit_code, res.output.split(":")[0])
    out["view"] = projection(KGStore(spec, read_only=True))
    out["explain"] = _explained(
        json.loads(run("--store", spec, "explain", "DKI Jakarta", "--json").output)
    )
    return out


def outcome_lib(store: KGStore) -> dict:
    """The same through the library functions the commands call (for a memory store)."""
    out: dict = {"stats": json.loads(json.dumps(store_stats(store)))}
    for q in list_queries():
        res = run_query(
            store,
            q.text,
            bind_params(store, q, SAMPLE_PARAMS[q.name]),
            hide=tuple(p.name for p in q.params),
        )
        out[q.name] = normal_csv(format_result(res, "csv"))
    q = find_query("timeline")
    res = run_query(store, q.text, bind_params(store, q, {"entity": "Pramono"}), hide=("entity",))
    out["timeline-by-label"] = normal_csv(format_result(res, "csv"))
    for fmt in ("nquads", "ntriples"):
        buf = io.BytesIO()
        store.dump(buf, fmt, PREFIXES)
        out[fmt] = sorted(buf.getvalue().decode("utf-8").splitlines())
    buf = io.BytesIO()
    store.dump(buf, "turtle", PREFIXES)
    out["turtle"] = len(Graph().parse(data=buf.getvalue().decode("utf-8"), format="turtle"))
    conforms, report = validate_store(store)
    out["validate"] = (0 if conforms else 1, report.split(":")[0])
    out["view"] = projection(store)
    out["explain"] = _explained(explain(store, "DKI Jakarta").as_dict())
    return out


def projection(store: KGStore) -> tuple[list, list]:
    """Nodes and edges of the network that 'kg view' draws (kg/project.py), with lists in
    a canonical order: the projection keeps the order SPARQL gives its rows, which differs
    between a store on disk and one in memory."""
    graph = project(store)
    nodes = sorted((n, _canon(d)) for n, d in graph.nodes(data=True))
    edges = sorted((u, v, _canon(d)) for u, v, d in graph.edges(data=True))
    return nodes, edges


def _explained(data: dict) -> str:
    """'kg explain' output; a consolidated node with several labels shows whichever the
    store returns first (order of rows), so those labels are left out."""
    for item in data.get("consolidated", []):
        item.pop("label", None)
    return _canon(data)


def _canon(value: object) -> str:
    def walk(v: object) -> object:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, (list, tuple, set)):
            return sorted((walk(x) for x in v), key=lambda x: json.dumps(x, default=str))
        if isinstance(v, str) and ", " in v:  # "holds post in (Governor, Gubernur)"
            return sorted(re.split(r"[(),]\s*", v))
        return v

    return json.dumps(walk(value), sort_keys=True, default=str)


@pytest.fixture(scope="module")
def remote(oxigraph_server: str) -> str:
    """The server, holding the sample articles ingested through ``kg ingest``."""
    clear(oxigraph_server)
    res = run("--store", oxigraph_server, "ingest", str(ARTICLES))
    assert "10 articles" in res.output and "0 failed" in res.output
    return oxigraph_server


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("parity") / "kg-store")
    run("--store", path, "ingest", str(ARTICLES))
    return path


def test_every_command_gives_the_same_on_folder_memory_and_server(
    remote: str, folder: str, sample_store: KGStore, tmp_path: Path
) -> None:
    on_folder = outcome_cli(folder, tmp_path)
    on_server = outcome_cli(remote, tmp_path)
    in_memory = outcome_lib(sample_store)
    assert on_folder["stats"]["articles"] == 10
    assert on_folder["validate"] == (0, "conforms")
    assert len(on_folder["view"][0]) > 20 and len(on_folder["view"][1]) > 20
    assert all(on_folder[q.name][1:] for q in list_queries()), "every query gives rows"
    for key in on_folder:
        assert on_server[key] == on_folder[key], f"server differs from folder on {key}"
        assert in_memory[key] == on_folder[key], f"memory differs from folder on {key}"


def test_values_block_equals_oxigraph_substitution(sample_store: KGStore) -> None:
    """The fallback way of binding parameters on a server (VALUES blocks) gives the rows
    embedded substitution gives, for every named query (both run on the same embedded
    store; constants are compared with substitution in test_query_binding.py)."""
    for q in list_queries():
        bindings = bind_params(sample_store, q, SAMPLE_PARAMS[q.name])
        substituted = sample_store._backend.query(q.text, bindings)
        injected = sample_store.select(inject_values(q.text, bindings))
        assert injected.variables == substituted.variables
        assert len(injected.rows) == len(substituted.rows) > 0, q.name
        key = sorted if q.name == "evidence" else list  # unordered GROUP_CONCAT there
        assert key(map(_norm, injected.rows)) == key(map(_norm, substituted.rows)), q.name


def test_constants_on_the_server_give_the_substitution_rows(
    remote: str, sample_store: KGStore
) -> None:
    """Parameters go to the server as constants in the query text; the rows are those of
    embedded substitution, and a query a constant cannot serve falls back to VALUES."""
    store = KGStore(remote, read_only=True)
    for q in list_queries():
        bindings = bind_params(store, q, SAMPLE_PARAMS[q.name])
        on_server = store.select(q.text, bindings)
        substituted = sample_store._backend.query(q.text, bindings)
        assert on_server.variables == substituted.variables
        key = sorted if q.name == "evidence" else list  # unordered GROUP_CONCAT there
        assert key(map(_norm, on_server.rows)) == key(map(_norm, substituted.rows)), q.name
    jakarta = URIRef(SAMPLE_PARAMS["timeline"]["entity"])
    star = "SELECT * WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    rows = store.select(star, {"e": jakarta}).rows
    assert rows and {r[0] for r in rows} == {jakarta}


def _norm(row: tuple) -> tuple:
    return tuple(
        ", ".join(sorted(str(t).split(", "))) if isinstance(t, Literal) else str(t) for t in row
    )


@pytest.mark.parametrize(
    ("name", "param"),
    [("cooperation-by-sector", "type"), ("most-connected", "type"), ("post-holders", "role")],
)
def test_injection_probe_changes_nothing_on_the_server(remote: str, name: str, param: str) -> None:
    store = KGStore(remote, read_only=True)
    before = len(store)
    graphs = store.graph_names()
    q = find_query(name)
    res = run_query(store, q.text, bind_params(store, q, {param: INJECTION}))
    assert res.rows == []
    assert len(store) == before and store.graph_names() == graphs


def test_injection_probe_is_one_escaped_literal() -> None:
    text = inject_values("SELECT ?x ?t WHERE { ?x ?p ?t }", {"t": Literal(INJECTION)})
    assert text.count("DROP ALL") == 1
    assert 'VALUES (?t) { ("x\\" } ; DROP ALL ; #") }' in text
    with pytest.raises(QueryError):
        inject_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": URIRef("x> } ; DROP ALL ; #")})


def test_values_skip_templates_data_blocks_and_other_scopes() -> None:
    q = """CONSTRUCT { ?s <urn:p> ?v } WHERE {
             VALUES ?k { "{" } ?s <urn:q> ?v .
             { SELECT ?s WHERE { ?s <urn:r> ?v } }   # this ?v is another variable
             FILTER(?v != "?v }") }"""
    out = inject_values(q, {"v": Literal(1)})
    assert out.count("VALUES (?v)") == 1
    assert out.index("VALUES (?v)") > out.index("WHERE {")
    assert "CONSTRUCT { ?s <urn:p> ?v }" in out


def test_remote_replace_is_atomic_and_complete(remote: str) -> None:
    g_iri = "https://w3id.org/idkr/resource/graph/replace-test"
    for mode in ("gsp", "update"):
        store = KGStore(remote, remote=RemoteOptions(replace=mode))
        before = len(store)
        old = Graph(identifier=URIRef(g_iri))
        old.add((URIRef("urn:a"), URIRef("urn:p"), Literal("old")))
        old.add((URIRef("urn:a"), URIRef("urn:q"), Literal("kept only in old")))
        store.replace_graph(g_iri, old)
        new = Graph(identifier=URIRef(g_iri))
        new.add((URIRef("urn:a"), URIRef("urn:p"), Literal("new", lang="id")))
        store.replace_graph(g_iri, new)
        rows = store.select("SELECT ?p ?o WHERE { GRAPH ?g { <urn:a> ?p ?o } }").rows
        assert rows == [(URIRef("urn:p"), Literal("new", lang="id"))], mode
        assert len(store) == before + 1
        # a body the server refuses leaves the graph as it was
        with pytest.raises(StoreError, match="writing graph"):
            store._backend.replace_graph(g_iri, b"<urn:a> <urn:p> broken .")
        kept = store.select("SELECT ?o WHERE { <urn:a> ?p ?o }").rows
        assert kept == [(Literal("new", lang="id"),)]
        store.remove_graph(g_iri)
        assert g_iri not in store.graph_names() and len(store) == before


def test_read_only_remote_refuses_writes(remote: str) -> None:
    store = KGStore(remote, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.replace_graph("urn:g", Graph())


def test_unreachable_server_and_unknown_layout_are_clear_errors() -> None:
    res = run("--store", "http://127.0.0.1:9/", "stats", ok=False)
    assert res.exit_code == 1 and "cannot reach the server" in res.output
    res = run("--store", "http://127.0.0.1:9", "--store-layout", "nope", "stats", ok=False)
    assert res.exit_code == 2 and "nope" in res.output


def test_wrong_layout_says_which_url_was_not_found(oxigraph_server: str) -> None:
    res = run("--store", oxigraph_server, "--store-layout", "graphdb", "stats", ok=False)
    assert res.exit_code == 1
    assert "not found (HTTP 404)" in res.output and "--store-layout" in res.output


def test_the_oxigraph_commands_in_docs_stores_md_work(
    remote: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = (ROOT / "docs" / "stores.md").read_text(encoding="utf-8")
    block = re.search(r"### Oxigraph server.*?```bash\n(.*?)```", doc, re.S)
    assert block, "docs/stores.md has an Oxigraph section with a bash block"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert any(line.startswith("oxigraph serve --location") for line in lines)
    commands = [line for line in lines if line.startswith("kg ")]
    assert len(commands) >= 5
    for line in commands:
        line = line.replace("http://127.0.0.1:7878", remote)
        line = line.replace("data/articles", str(ARTICLES))
        res = run(*shlex.split(line)[1:])
        assert "error" not in res.output.lower(), line
    assert "no differences" in res.output
    exported = Dataset()
    exported.parse(tmp_path / "kg.trig", format="trig")
    assert sum(1 for _ in exported.quads((None, None, None, None))) > 1000


def test_the_portable_paths_give_the_same_results(
    folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Fuseki, GraphDB and Virtuoso use, exercised on an Oxigraph server: the union
    default graph by server configuration (``--union-default-graph``), no whole-dataset
    endpoint (exports read quads with a SELECT, loads go graph by graph) and replacing
    articles with one SPARQL update instead of the Graph Store Protocol."""
    from conftest import oxigraph_serve

    with oxigraph_serve(tmp_path / "db", "--union-default-graph") as url:
        monkeypatch.setenv("KG_STORE_UNION", "server")
        monkeypatch.setenv("KG_STORE_DATASET_URL", "none")
        monkeypatch.setenv("KG_STORE_REPLACE", "update")
        store = KGStore(url)
        assert store._backend.layout.union == "server" and "dataset" not in store._backend.urls
        store.close()
        run("--store", url, "ingest", "-q", str(ARTICLES))
        portable = outcome_cli(url, tmp_path)
        on_folder = outcome_cli(folder, tmp_path)
        for key in on_folder:
            assert portable[key] == on_folder[key], key
        dump = tmp_path / "folder.trig"
        run("--store", folder, "export", "--format", "trig", "-o", str(dump))
        clear(url)
        run("--store", url, "load", str(dump), "--no-consolidate")
        assert outcome_cli(url, tmp_path)["nquads"] == on_folder["nquads"]
