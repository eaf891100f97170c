"""The entity link summary (kg/summary.py): right after every change to the set of graphs —
ingest, a second ingest, kg load, a --min-confidence copy, a server store — and the same
whether consolidation hands it its snapshot or it reads everything itself.

Links are checked against plain SPARQL over the union of all graphs (the definitions the
queries used before the summary existed), not against the summary code.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
from cli_runner import run

from kg.build import DEFAULT_BASE
from kg.confidence import filtered_store
from kg.consolidate import consolidate, consolidated_triples, read_overrides, read_snapshot
from kg.errors import StoreError
from kg.pipeline import ingest
from kg.query import bind_params, find_query, parse_query_file, run_query
from kg.store import KGStore, RemoteOptions
from kg.summary import SUMMARY_GRAPH, compute_summary, statement_links

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
TEST_ARTICLES = ROOT / "tests" / "articles"
B = DEFAULT_BASE
SUMMARY = B + SUMMARY_GRAPH

_P = """PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# every link of an entity, as most-connected counted them before the summary (plain
# SPARQL over the union of all graphs but the summary)
LINKS = (
    _P
    + """SELECT DISTINCT ?entity ?other WHERE {
  GRAPH ?g1 { ?entity idkr:entityType ?t1 } GRAPH ?g2 { ?other idkr:entityType ?t2 }
  FILTER(?g1 != <SUMMARY> && ?g2 != <SUMMARY>)
  { ?entity schema:location|schema:parentOrganization|idkr:cooperatesWith ?other }
  UNION { ?other schema:location|schema:parentOrganization|idkr:cooperatesWith ?entity }
  UNION { ?entity org:holds ?post . ?post org:postIn ?other }
  UNION { ?other org:holds ?post . ?post org:postIn ?entity }
  UNION { ?m org:member ?entity ; org:organization ?other }
  UNION { ?m org:member ?other ; org:organization ?entity }
  UNION { ?n idkr:party ?entity , ?other }
  UNION { ?n schema:attendee ?entity , ?other }
  FILTER(?entity != ?other)
}""".replace("SUMMARY", SUMMARY)
)
MENTIONS = _P + "SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?e } GROUP BY ?e"
# the one-hop wordings of connection.rq before the summary (a and b bound)
WORDINGS = (
    _P
    + """SELECT DISTINCT ?r1 WHERE {
  { VALUES (?pr1 ?r1) { (schema:location "located in") (schema:parentOrganization "part of")
                       (idkr:cooperatesWith "cooperates with") }
    ?a ?pr1 ?b }
  UNION { VALUES (?pr1 ?r1) { (schema:location "location of")
                             (schema:parentOrganization "has part") }
    ?b ?pr1 ?a }
  UNION { ?a org:holds ?n1 . ?n1 org:postIn ?b ; org:role ?cr1 .
    BIND(CONCAT(STRAFTER(STR(?cr1), "/role/"), " of") AS ?r1) }
  UNION { ?b org:holds ?n1 . ?n1 org:postIn ?a ; org:role ?cr1 .
    BIND(CONCAT("has ", STRAFTER(STR(?cr1), "/role/")) AS ?r1) }
  UNION { ?n1 org:member ?a ; org:organization ?b ; org:role ?cr1 .
    BIND(CONCAT(STRAFTER(STR(?cr1), "/role/"), " of") AS ?r1) }
  UNION { ?n1 org:organization ?a ; org:member ?b ; org:role ?cr1 .
    BIND(CONCAT("has ", STRAFTER(STR(?cr1), "/role/")) AS ?r1) }
  UNION { ?n1 idkr:party ?a , ?b ; idkr:agreementType ?cr1 . FILTER(?a != ?b)
    BIND(CONCAT("in an agreement (", STRAFTER(STR(?cr1), "/agreement-type/"), ") with") AS ?r1) }
  UNION { ?n1 schema:attendee ?a , ?b ; idkr:eventType ?cr1 . FILTER(?a != ?b)
    BIND(CONCAT("at an event (", STRAFTER(STR(?cr1), "/event-type/"), ") with") AS ?r1) }
}"""
)


def summary_of(store: KGStore) -> dict:
    """What the stored summary graph says, as plain Python values."""
    out: dict = {"links": defaultdict(set), "counts": {}, "wordings": defaultdict(set)}
    for e, n, m in store.select_values(
        _P + f"SELECT ?e ?n ?m WHERE {{ GRAPH <{SUMMARY}> {{ ?e idkr:linkCount ?n ; "
        "idkr:mentionCount ?m } }"
    ):
        out["counts"][e] = (int(n), int(m))
    for e, o in store.select_values(
        _P + f"SELECT ?e ?o WHERE {{ GRAPH <{SUMMARY}> {{ ?e idkr:linkedTo ?o }} }}"
    ):
        out["links"][e].add(o)
    for e, w, o in store.select_values(
        _P + f"SELECT ?e ?w ?o WHERE {{ GRAPH <{SUMMARY}> {{ ?e ?p ?o . "
        "?p rdfs:subPropertyOf idkr:linkedTo ; rdfs:label ?w } }"
    ):
        out["wordings"][(e, o)].add(w)
    return out


def expected_links(store: KGStore) -> dict[str, set[str]]:
    links: dict[str, set[str]] = defaultdict(set)
    for e, o in store.select_values(LINKS):
        links[e].add(o)
    return links


def check_summary(store: KGStore, wordings: bool = True) -> dict:
    """The stored summary against plain SPARQL over the other graphs; returns it."""
    got = summary_of(store)
    links = expected_links(store)
    assert links, "the store has links: the comparison says something"
    assert dict(got["links"]) == dict(links)
    mentions = {e: int(n) for e, n in store.select_values(MENTIONS)}
    for e, (n, m) in got["counts"].items():
        assert n == len(links.get(e, ())), e
        assert m == mentions.get(e, 0), e
    for e in mentions:  # every mentioned entity is counted
        if e in links or got["counts"].get(e):
            assert e in got["counts"]
    merged = {
        (m, k)
        for m, k in store.select_values(
            "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT DISTINCT ?m ?k WHERE { "
            f"GRAPH <{B}graph/consolidated> {{ ?m owl:sameAs ?s "
            f"OPTIONAL {{ GRAPH <{B}graph/consolidated> {{ ?s owl:sameAs ?t }} }} }} "
            "BIND(COALESCE(?t, ?s) AS ?k) }"
        )
    }
    stated = set(
        store.select_values(
            _P + f"SELECT ?m ?k WHERE {{ GRAPH <{SUMMARY}> {{ ?m idkr:mergedInto ?k }} }}"
        )
    )
    assert stated == {(m, k) for m, k in merged if m in got["counts"]}
    if wordings:
        from rdflib import URIRef

        for e, others in links.items():
            for o in others:
                expected = {
                    str(r[0]) for r in store.select(WORDINGS, {"a": URIRef(e), "b": URIRef(o)}).rows
                }
                assert got["wordings"].get((e, o), set()) == expected, (e, o)
    return got


def stored_lines(store: KGStore) -> list[str]:
    return sorted(
        f"{s} {p} {o}"
        for s, p, o in store.select_values(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{SUMMARY}> {{ ?s ?p ?o }} }}"
        )
    )


# --- after ingest --------------------------------------------------------------------------


def test_summary_after_ingest_matches_plain_sparql(sample_store: KGStore) -> None:
    got = check_summary(sample_store)
    jakarta, chungnam = B + "region/ID-JK", B + "region/KR-44"
    assert chungnam in got["links"][jakarta]  # the sister provinces' agreement
    assert jakarta in got["links"][chungnam]
    assert got["counts"][jakarta][1] >= 3  # several articles name Jakarta
    # an entity merged by consolidation is linked under both names (most-connected
    # always counted them so); an entity nobody links has a count of 0
    assert any(n == 0 for n, _m in got["counts"].values())
    merged = set(
        sample_store.select_values(
            _P + f"SELECT ?m ?k WHERE {{ GRAPH <{SUMMARY}> {{ ?m idkr:mergedInto ?k }} }}"
        )
    )
    assert (B + "person/김태흠", B + "person/kim-tae-heum") in merged


def test_snapshot_and_store_give_the_same_summary(sample_store: KGStore) -> None:
    """Consolidation hands the summary its snapshot and its own lines; a --min-confidence
    copy reads everything by SPARQL. Both must say the same."""
    snap = read_snapshot(sample_store)
    lines = consolidated_triples(snap, read_overrides(sample_store), B)
    from_snapshot, counts = compute_summary(sample_store, B, statement_links(snap, lines))
    from_store, _ = compute_summary(sample_store, B)
    assert sorted(from_snapshot) == sorted(from_store)
    assert counts.links > 10 and counts.triples == len(from_store)


def test_second_ingest_updates_the_summary(tmp_path: Path) -> None:
    store = KGStore(str(tmp_path / "store"))
    try:
        ingest([ARTICLES], store)
        first = check_summary(store, wordings=False)
        ingest([TEST_ARTICLES], store)
        second = check_summary(store)
        assert sum(map(len, second["links"].values())) > sum(map(len, first["links"].values()))
        # the same as one ingest of both, in the other order
        both = KGStore("memory")
        ingest([TEST_ARTICLES, ARTICLES], both)
        assert stored_lines(both) == stored_lines(store)
    finally:
        store.close()


def test_load_recomputes_the_summary(tmp_path: Path) -> None:
    """kg load replaces graphs: the summary follows (and a dump's own summary graph does
    not survive a load that consolidates)."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    run("--store", str(src), "ingest", str(ARTICLES))
    dump = tmp_path / "all.nq"
    run("--store", str(src), "export", "--format", "nquads", "-o", str(dump))
    # the destination already holds another article: its summary must cover both
    run("--store", str(dst), "ingest", str(TEST_ARTICLES / "karawang-baterai-2021.txt"))
    store = KGStore(str(dst))
    try:
        before = {e for e, n in store.select_values(MENTIONS)}
    finally:
        store.close()
    out = run("--store", str(dst), "load", str(dump))
    assert "link summary" in out.output
    store = KGStore(str(dst))
    try:
        got = check_summary(store, wordings=False)
        assert before and before <= set(got["counts"])
        assert len(got["counts"]) > len(before)
    finally:
        store.close()


def test_min_confidence_copy_recomputes_the_summary(sample_store: KGStore) -> None:
    full = summary_of(sample_store)
    copy = filtered_store(sample_store, 0.9)
    got = check_summary(copy)
    assert sum(map(len, got["links"].values())) < sum(map(len, full["links"].values()))


def test_summary_on_a_server_store(oxigraph_server: str, sample_store: KGStore) -> None:
    data = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{oxigraph_server}/update", data=data)):
        pass
    store = KGStore(oxigraph_server, remote=RemoteOptions())
    try:
        ingest([ARTICLES], store)
        check_summary(store, wordings=False)
        assert stored_lines(store) == stored_lines(sample_store)
    finally:
        store.close()


def test_summary_is_derived_data_in_exports_and_stats(tmp_path: Path) -> None:
    """Like the consolidated graph: exported with the rest (a dump restores it), counted
    in kg stats' graphs and quads, and no change for kg diff."""
    store_dir = tmp_path / "s"
    run("--store", str(store_dir), "ingest", str(ARTICLES))
    dump = tmp_path / "all.trig"
    run("--store", str(store_dir), "export", "-o", str(dump))
    assert SUMMARY in dump.read_text(encoding="utf-8")
    stats = json.loads(run("--store", str(store_dir), "stats", "--json").output)
    assert stats["named graphs"] >= 3
    out = run("diff", str(store_dir), str(dump))
    assert "no differences" in out.output


# --- connection and most-connected on the summary ------------------------------------------

REFERENCE = ROOT / "tests" / "data" / "reference_queries"
ENDS = {
    "sample": ["DKI Jakarta", "Chungcheongnam-do", "Indonesia", "Busan", "Jawa Barat"],
    "test": ["Joko Widodo", "Seoul", "Hyundai Motor Company", "DKI Jakarta", "Kabupaten Karawang"],
}


def query_rows(store: KGStore, query, values: dict[str, str]) -> list[tuple[str, ...]]:
    res = run_query(
        store, query.text, bind_params(store, query, values), tuple(p.name for p in query.params)
    )
    return [tuple("" if t is None else str(t) for t in r) for r in res.rows]


@pytest.fixture(scope="module")
def test_articles_store() -> KGStore:
    store = KGStore("memory")
    ingest([TEST_ARTICLES], store)
    return store


def test_connection_gives_the_rows_of_the_query_before_the_summary(
    sample_store: KGStore, test_articles_store: KGStore
) -> None:
    """On the sample and test articles no entity has more than 20 links, so the hub rule
    leaves every path: the rows are those of the old query, for every pair of ends."""
    new, old = find_query("connection"), parse_query_file(REFERENCE / "connection.rq")
    assert [p.name for p in new.params] == [p.name for p in old.params]
    found = 0
    for store, ends in ((sample_store, ENDS["sample"]), (test_articles_store, ENDS["test"])):
        counts = [
            int(n)
            for (n,) in store.select_values(
                _P + f"SELECT ?n WHERE {{ GRAPH <{SUMMARY}> {{ ?e idkr:linkCount ?n }} }}"
            )
        ]
        assert max(counts) <= 20
        for a in ends:
            for b in ends:
                if a != b:
                    expected = query_rows(store, old, {"a": a, "b": b})
                    assert query_rows(store, new, {"a": a, "b": b}) == expected, (a, b)
                    found += bool(expected) and any(r[0] == "3" for r in expected)
    assert found >= 3  # 3-hop paths were compared


def test_connection_passes_a_hub_only_as_the_middle_of_two_hops() -> None:
    """A 3-hop path whose first step is an entity linked to more than 20 entities is not
    listed; one through entities with few links is; the hub stays the middle of a 2-hop
    path. (The old query listed all three.)"""
    store = KGStore("memory")
    e = {n: f"{B}org/hub-test-{n}" for n in ("a", "b", "hub", "x", "y", "z")}
    spokes = [f"{B}org/hub-test-spoke-{i}" for i in range(21)]
    typed = " ".join(
        f'<{iri}> idkr:entityType "Organization" ; rdfs:label "{name.upper()}" .'
        for name, iri in [*e.items(), *((f"s{i}", s) for i, s in enumerate(spokes))]
    )
    links = [("a", "hub"), ("hub", "x"), ("x", "b"), ("hub", "b"), ("a", "y"), ("y", "z")]
    links.append(("z", "b"))
    coop = " ".join(f"<{e[p]}> idkr:cooperatesWith <{e[q]}> ." for p, q in links)
    coop += " ".join(f"<{e['hub']}> idkr:cooperatesWith <{s}> ." for s in spokes)
    store.update(_P + f"INSERT DATA {{ GRAPH <{B}graph/hub-test> {{ {typed} {coop} }} }}")
    consolidate(store)
    got = query_rows(store, find_query("connection"), {"a": e["a"], "b": e["b"]})
    via = {(r[0], r[2]) for r in got}
    assert ("2", e["hub"]) in via  # a hub in the middle of 2 hops
    assert ("3", f"{e['y']} {e['z']}") in via  # 3 hops through entities with few links
    assert ("3", f"{e['hub']} {e['x']}") not in via  # 3 hops through the hub: left out
    old = query_rows(
        store, parse_query_file(REFERENCE / "connection.rq"), {"a": e["a"], "b": e["b"]}
    )
    assert ("3", f"{e['hub']} {e['x']}") in {(r[0], r[2]) for r in old}
    assert {r for r in old if r[2] != f"{e['hub']} {e['x']}"} == set(got)


def test_query_notes_a_store_without_summary(tmp_path: Path) -> None:
    """A store ingested without consolidation (or by an earlier version) has no summary:
    the queries that read it say so instead of silently answering less."""
    store_dir = str(tmp_path / "s")
    run("--store", store_dir, "ingest", "--no-consolidate", str(ARTICLES))
    out = run("--store", store_dir, "query", "most-connected")
    assert "no link summary graph" in out.output and "kg consolidate" in out.output
    run("--store", store_dir, "consolidate")
    out = run("--store", store_dir, "query", "most-connected")
    assert "no link summary graph" not in out.output
    assert "DKI Jakarta" in out.output
    out = run("--store", store_dir, "query", "agreements")
    assert "no link summary graph" not in out.output


def test_query_notes_a_summary_without_the_terms_it_reads(tmp_path: Path) -> None:
    """A summary made by an earlier version (no idkr:displayCountry) is named in a note by
    the queries that read the missing term, instead of their answering nothing silently."""
    store_dir = str(tmp_path / "s")
    run("--store", store_dir, "ingest", str(ARTICLES))
    out = run("--store", store_dir, "query", "presence")
    assert "note:" not in out.output
    store = KGStore(store_dir)
    store.update(
        "DELETE WHERE { GRAPH ?g { ?s <https://w3id.org/idkr/ontology#displayCountry> ?o } }"
    )
    store.close()
    out = run("--store", store_dir, "query", "presence")
    assert "idkr:displayCountry" in out.output and "kg consolidate" in out.output
    out = run("--store", store_dir, "query", "most-connected")  # reads other terms only
    assert "note:" not in out.output
    run("--store", store_dir, "consolidate")
    out = run("--store", store_dir, "query", "presence")
    assert "note:" not in out.output


def test_optimize_keeps_the_store_as_it_is(tmp_path: Path) -> None:
    """kg optimize compacts a store folder: the same quads and answers after; a server
    store is refused with a message, a memory store has nothing to do."""
    store_dir = str(tmp_path / "s")
    run("--store", store_dir, "ingest", str(ARTICLES))
    store = KGStore(store_dir)
    before = sorted(str(q) for q in store.quads())
    store.close()
    out = run("--store", store_dir, "optimize")
    assert "optimized" in out.output
    store = KGStore(store_dir)
    assert sorted(str(q) for q in store.quads()) == before
    store.close()
    KGStore("memory").optimize()
    with pytest.raises(StoreError, match="read-only"):
        KGStore(store_dir, read_only=True).optimize()
