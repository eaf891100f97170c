"""Queries cannot be turned against the store: parameters are RDF terms, never query text;
SPARQL Update needs --allow-update; --timeout stops an expensive query."""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDFS, Graph, Literal, URIRef

from kg.build import DEFAULT_BASE
from kg.cli import main
from kg.errors import QueryError
from kg.query import (
    bind_params,
    find_query,
    list_queries,
    parse_query_file,
    run_query,
    run_query_with_timeout,
    update_operation,
)
from kg.store import LAYOUTS, KGStore
from kg.store.remote import query_fields

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
JAKARTA = DEFAULT_BASE + "region/ID-JK"
CHUNGNAM = DEFAULT_BASE + "region/KR-44"

# Values that would break out of a string, an IRI or a number if spliced into query text.
PROBES = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    'x"@en } } ; CLEAR ALL ; SELECT * { ?s ?p ?o } #',
    "http://x> } ; DROP ALL ; #",
    'https://w3id.org/idkr/resource/region/ID-JK> ?p ?o } UNION { ?s ?p "',
    "2025 || true",
    "1) } ; DROP ALL ; #",
    'x\\" } ; DROP ALL ; #',
]
# The same kind of value with nothing in it: what a probe must not do better than.
HARMLESS = {"string": "no such value", "entity": "No Such Entity", "integer": "1800"}
HARMLESS.update({"date": "1800", "iri": "https://example.org/no-such-thing"})


def digest(store: KGStore) -> str:
    """A fingerprint of everything in the store."""
    return hashlib.sha256("\n".join(sorted(map(str, store.quads()))).encode()).hexdigest()


def required(query) -> dict[str, str]:
    """Valid values for the parameters a query needs."""
    needs = [
        p for p in query.params if p.default is None and "optional" not in p.description.lower()
    ]
    return {p.name: (JAKARTA, CHUNGNAM)[i % 2] for i, p in enumerate(needs)}


def outcome(store: KGStore, query, values: dict[str, str]):
    """Result rows, or 'refused' when the value is not a valid parameter."""
    try:
        bound = bind_params(store, query, values)
    except QueryError:
        return "refused"
    res = run_query(store, query.text, bound, hide=tuple(p.name for p in query.params))
    return sorted(tuple(map(str, row)) for row in res.rows)


CASES = [(q.name, p.name) for q in list_queries() for p in q.params]


def test_every_parameter_kind_is_probed() -> None:
    kinds = {p.kind for q in list_queries() for p in q.params}
    assert kinds >= {"entity", "string", "integer", "date"}  # 'iri' has its own test below


@pytest.mark.parametrize(("name", "param"), CASES)
def test_probe_finds_nothing_and_changes_nothing(
    sample_store: KGStore, name: str, param: str
) -> None:
    query = find_query(name)
    kind = next(p.kind for p in query.params if p.name == param)
    before = digest(sample_store)
    baseline = outcome(sample_store, query, {**required(query), param: HARMLESS[kind]})
    for probe in PROBES:
        got = outcome(sample_store, query, {**required(query), param: probe})
        # refused, or exactly what a value matching nothing gives: never extra rows
        assert got == "refused" or got == baseline, (probe, got)
    assert digest(sample_store) == before


def test_iri_parameters_are_checked_and_bound(sample_store: KGStore, tmp_path: Path) -> None:
    rq = tmp_path / "labels.rq"
    rq.write_text(
        "# Labels of one resource\n# @param target iri  The resource\n"
        "SELECT ?label ?target WHERE { ?target <http://www.w3.org/2000/01/rdf-schema#label> "
        "?label }\n",
        encoding="utf-8",
    )
    query = parse_query_file(rq)
    assert "DKI Jakarta" in {r[0] for r in outcome(sample_store, query, {"target": JAKARTA})}
    before = digest(sample_store)
    for probe in PROBES:
        got = outcome(sample_store, query, {"target": probe})
        assert got in ("refused", []), (probe, got)
    assert digest(sample_store) == before


def test_an_iri_looking_entity_value_is_checked(sample_store: KGStore) -> None:
    query = find_query("timeline")
    with pytest.raises(QueryError, match="not a valid IRI"):
        bind_params(sample_store, query, {"entity": 'http://x" } ; DROP ALL ; #'})


# --- the command line on a store folder ---------------------------------------------------


def kg(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("safety") / "kg-store")
    res = kg("--store", path, "ingest", str(ARTICLES))
    assert res.exit_code == 0, res.output
    return path


def export(store: str) -> str:
    res = kg("--store", store, "export", "--format", "nquads")
    assert res.exit_code == 0, res.output
    return "\n".join(sorted(res.output.splitlines()))


def test_cli_probes_leave_the_store_as_it_was(store_dir: str) -> None:
    before = export(store_dir)
    for name, param in CASES:
        query = find_query(name)
        args = [f"{k}={v}" for k, v in required(query).items() if k != param]
        for probe in PROBES[:3]:
            argv = ["--store", store_dir, "query", name, "--format", "json"]
            for a in [*args, f"{param}={probe}"]:
                argv += ["--param", a]
            res = kg(*argv)
            # a clean answer or a one-line error, never a traceback
            assert res.exit_code in (0, 1), res.output
            assert isinstance(res.exception, SystemExit | None), res.exception
    assert export(store_dir) == before


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("DROP ALL", "DROP"),
        ("  # drop it\n  clear default", "CLEAR"),
        ("PREFIX ex: <urn:x#> INSERT DATA { ex:a ex:b ex:c }", "INSERT"),
        ("BASE <http://x/>\nPREFIX : <http://y#>\n\nDELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("LOAD <http://example.org/x.ttl>", "LOAD"),
        ("SELECT * WHERE { ?s ?p ?o } # DROP ALL", None),
        ("# INSERT DATA\nASK { ?s ?p ?o }", None),
        ("PREFIX drop: <urn:drop#>\nSELECT ?drop WHERE { ?drop drop:x ?y }", None),
    ],
)
def test_update_operation(text: str, op: str | None) -> None:
    assert update_operation(text) == op


def test_updates_are_refused(store_dir: str, tmp_path: Path) -> None:
    before = export(store_dir)
    for text in (
        "DROP ALL",
        "# tidy\nCLEAR ALL",
        "PREFIX ex: <urn:x:>\nINSERT DATA { ex:a ex:b ex:c }",
    ):
        res = kg("--store", store_dir, "query", "--sparql", text)
        assert res.exit_code == 1
        assert "SPARQL Update is not allowed" in res.output and "--allow-update" in res.output
    rq = tmp_path / "wipe.rq"
    rq.write_text("# Wipe everything\nDROP ALL\n", encoding="utf-8")
    res = kg("--store", store_dir, "query", str(rq))
    assert res.exit_code == 1 and "--allow-update" in res.output
    # update text that hides behind something the check does not read is still no update:
    # the read path only knows the query grammar
    res = kg("--store", store_dir, "query", "--sparql", "SELECT * {} ; DROP ALL")
    assert res.exit_code == 1 and "invalid SPARQL" in res.output
    assert export(store_dir) == before


def test_allow_update_changes_the_store(store_dir: str, tmp_path: Path) -> None:
    before = export(store_dir)
    graph = "<urn:x:scratch>"
    add = f"INSERT DATA {{ GRAPH {graph} {{ <urn:x:a> <urn:x:b> 'c' }} }}"
    res = kg("--store", store_dir, "query", "--allow-update", "--sparql", add)
    assert res.exit_code == 0, res.output
    assert "update done" in res.output
    ask = kg("--store", store_dir, "query", "--sparql", "ASK { <urn:x:a> <urn:x:b> 'c' }")
    assert "true" in ask.output
    rq = tmp_path / "tidy.rq"
    rq.write_text(f"# Remove the scratch graph\nDROP GRAPH {graph}\n", encoding="utf-8")
    res = kg("--store", store_dir, "query", "--allow-update", str(rq))
    assert res.exit_code == 0, res.output
    assert export(store_dir) == before
    # a plain query with --allow-update still just reads
    res = kg("--store", store_dir, "query", "--allow-update", "--sparql", "ASK { ?s ?p ?o }")
    assert res.exit_code == 0 and "true" in res.output
    res = kg("--store", store_dir, "query", "--allow-update", "--sparql", "DROP GRAPH <urn:x")
    assert res.exit_code == 1 and "invalid SPARQL Update" in res.output


# Every triple joined with every triple, three times over: hours of work on any store.
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_timeout_stops_an_expensive_query(store_dir: str) -> None:
    start = time.monotonic()
    with pytest.raises(QueryError, match=r"stopped after 1 s \(--timeout\)"):
        run_query_with_timeout(store_dir, EXPENSIVE, timeout=1.0)
    assert time.monotonic() - start < 20  # start-up of the child plus the 1 s
    assert multiprocessing.active_children() == []  # the query process is gone
    res = kg("--store", store_dir, "query", "--timeout", "0.5", "--sparql", EXPENSIVE)
    assert res.exit_code == 1
    assert "stopped after 0.5 s (--timeout)" in res.output


def test_timeout_gives_the_same_answer_when_in_time(store_dir: str) -> None:
    query = find_query("timeline")
    argv = ["--store", store_dir, "query", "timeline", "--param", "entity=DKI Jakarta"]
    plain = kg(*argv, "--format", "csv")
    timed = kg(*argv, "--format", "csv", "--timeout", "60")
    assert plain.exit_code == 0 and timed.exit_code == 0, timed.output
    assert timed.output == plain.output and len(plain.output.splitlines()) > 2
    store = KGStore(store_dir, read_only=True)
    try:
        bound = bind_params(store, query, {"entity": JAKARTA})
    finally:
        store.close()
    with pytest.raises(QueryError, match="SPARQL Update is not allowed"):
        run_query_with_timeout(store_dir, "DROP ALL", timeout=5)
    with pytest.raises(QueryError, match="invalid SPARQL"):
        run_query_with_timeout(store_dir, "SELECT nonsense", bound, timeout=30)
    with pytest.raises(QueryError, match="in-memory"):
        run_query_with_timeout("memory", "ASK {}", timeout=5)


def test_timeout_with_min_confidence(store_dir: str) -> None:
    """--timeout and --min-confidence together: the child process makes the filtered copy
    and runs the query on it, all under the timeout."""
    low = (
        "PREFIX idkr: <https://w3id.org/idkr/ontology#> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?s idkr:confidence ?c FILTER(?c < 0.86) }"
    )
    argv = ["--store", store_dir, "query", "--sparql", low, "--format", "csv"]
    everything = kg(*argv, "--timeout", "60")
    assert everything.exit_code == 0, everything.output
    assert int(everything.output.splitlines()[1]) > 0  # there is something to leave out
    filtered = kg(*argv, "--min-confidence", "0.86")
    both = kg(*argv, "--min-confidence", "0.86", "--timeout", "60")
    assert both.exit_code == 0, both.output
    assert both.output == filtered.output and both.output.splitlines()[1] == "0"

    named = ["--store", store_dir, "query", "timeline", "--param", "entity=DKI Jakarta"]
    plain = kg(*named, "--format", "csv", "--min-confidence", "0.9")
    timed = kg(*named, "--format", "csv", "--min-confidence", "0.9", "--timeout", "60")
    assert plain.exit_code == 0 and timed.output == plain.output

    start = time.monotonic()
    res = kg(*argv[:3], "--sparql", EXPENSIVE, "--min-confidence", "0.5", "--timeout", "1")
    assert res.exit_code == 1 and "stopped after 1 s (--timeout)" in res.output
    assert time.monotonic() - start < 30
    assert multiprocessing.active_children() == []
    with pytest.raises(QueryError, match="--min-confidence must be from 0 to 1"):
        run_query_with_timeout(store_dir, "ASK {}", timeout=5, min_confidence=1.5)


# Every triple joined with every triple, twice over: Oxigraph's own time limit (oxigraph
# serve --timeout-s) interrupts this one (it did not interrupt EXPENSIVE within minutes)
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_timeout_on_a_server_store(tmp_path: Path) -> None:
    """On a real Oxigraph server started with its own time limit: --timeout stops waiting
    at once and says so; the server stops the abandoned query at its limit; a query that
    reaches the server's limit gets a clear error, not a cut-off answer."""
    from conftest import oxigraph_serve

    with oxigraph_serve(tmp_path / "server", "--timeout-s", "3") as url:
        store = KGStore(url)
        data = Graph(identifier=URIRef("https://example.org/graph/big"))
        for i in range(3000):
            data.add((URIRef(f"https://example.org/s{i}"), RDFS.label, Literal(f"n{i}")))
        store.replace_graph("https://example.org/graph/big", data)
        store.close()

        start = time.monotonic()
        res = kg("--store", url, "query", "--timeout", "1", "--sparql", CROSS)
        assert res.exit_code == 1 and "stopped after 1 s (--timeout)" in res.output
        assert time.monotonic() - start < 20
        assert multiprocessing.active_children() == []

        start = time.monotonic()
        res = kg("--store", url, "query", "--sparql", CROSS)
        assert res.exit_code == 1
        assert "the server stopped the query at its own time limit" in res.output
        assert "Traceback" not in res.output
        assert time.monotonic() - start < 30
        res = kg("--store", url, "query", "--sparql", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        assert res.exit_code == 0 and "3000" in res.output  # the server still answers


def test_servers_that_take_a_time_limit_per_request_get_it() -> None:
    text = "ASK {}"
    assert query_fields(LAYOUTS["oxigraph"], text, 2.5) == {"query": text}  # has none
    assert query_fields(LAYOUTS["fuseki"], text, 2.5) == {"query": text, "timeout": "3"}
    assert query_fields(LAYOUTS["graphdb"], text, 0.2) == {"query": text, "timeout": "1"}
    assert query_fields(LAYOUTS["virtuoso"], text, 2.5) == {"query": text, "timeout": "2500"}
    assert query_fields(LAYOUTS["fuseki"], text, None) == {"query": text}
