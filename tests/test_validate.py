"""kg validate in parts: the same violations as validating the union of all graphs at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_runner import run

from kg.errors import DataError
from kg.pipeline import ingest
from kg.store import KGStore
from kg.validate import validate_graph, validate_store

_FOCUS = re.compile(r"^\tFocus Node: (.*)$", re.M)
_MESSAGE = re.compile(r"^\tMessage: (.*)$", re.M)

STATEMENT = "https://w3id.org/idkr/resource/"
PREFIXES = """
PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def violations(report: str) -> list[tuple[str, str]]:
    """(focus node, message) of every result in a pySHACL-style report, sorted."""
    blocks = re.split(r"^Constraint Violation in ", report, flags=re.M)[1:]
    out = []
    for b in blocks:
        focus, message = _FOCUS.search(b), _MESSAGE.search(b)
        assert focus and message, b
        out.append((focus.group(1), message.group(1)))
    return sorted(out)


@pytest.fixture(scope="module")
def broken_store(repo_root: Path) -> KGStore:
    """The samples, with violations planted at several depths and across graphs."""
    store = KGStore("memory")
    ingest([repo_root / "data" / "articles"], store, consolidate_after=False)
    graphs = [g for g in store.graph_names() if "/graph/" in g and "gazetteer" not in g]
    first, second = graphs[0], graphs[1]
    # 1. a statement loses its confidence (depth 1, in its own graph)
    # 2. a statement of the first article gets a second confidence in ANOTHER graph:
    #    only a check of the union sees two values (maxCount 1)
    # 3. a text quote selector loses its exact text (depth 3: statement → evidence →
    #    target → selector)
    # 4. an event's attendee becomes a literal (nodeKind IRI)
    store.update(
        PREFIXES
        + f"""
DELETE {{ GRAPH ?g {{ ?st idkr:confidence ?c }} }}
WHERE {{ {{ SELECT ?g ?st ?c WHERE {{ GRAPH ?g {{ ?st a idkr:CooperationLink ;
  idkr:confidence ?c }} FILTER(?g = <{first}>) }} ORDER BY ?st LIMIT 1 }} }} ;
INSERT {{ GRAPH <{second}> {{ ?st idkr:confidence 0.5 }} }}
WHERE {{ {{ SELECT ?st WHERE {{ GRAPH <{first}> {{ ?st a schema:Event }} }}
  ORDER BY ?st LIMIT 1 }} }} ;
DELETE {{ GRAPH ?g {{ ?sel oa:exact ?x }} }}
WHERE {{ {{ SELECT ?g ?sel ?x WHERE {{ GRAPH ?g {{ ?sel a oa:TextQuoteSelector ;
  oa:exact ?x }} FILTER(?g = <{second}>) }} ORDER BY ?sel LIMIT 1 }} }} ;
DELETE {{ GRAPH ?g {{ ?e schema:attendee ?a }} }}
INSERT {{ GRAPH ?g {{ ?e schema:attendee "somebody" }} }}
WHERE {{ {{ SELECT ?g ?e ?a WHERE {{ GRAPH ?g {{ ?e a schema:Event ; schema:attendee ?a }}
  FILTER(?g = <{graphs[2]}>) }} ORDER BY ?e ?a LIMIT 1 }} }}
"""
    )
    return store


def test_parts_give_the_violations_of_the_whole(broken_store: KGStore) -> None:
    conforms, whole = validate_graph(broken_store.to_rdflib_graph())
    expected = violations(whole)
    assert not conforms
    messages = " ".join(m for _f, m in expected)
    # every planted violation is there (so the comparison below means something)
    for needle in ("idkr:confidence", "idkr:evidence", "schema:attendee"):
        assert needle in messages, (needle, expected)
    assert sum("idkr:confidence" in m for _f, m in expected) >= 2  # incl. the cross-graph one
    for size in (1, 7, 100_000):
        ok, report = validate_store(broken_store, chunk_size=size)
        assert not ok
        assert violations(report) == expected, size
        assert f"Results ({len(expected)}):" in report


def test_conforming_store_reports_focus_nodes(sample_store: KGStore) -> None:
    ok, report = validate_store(sample_store, chunk_size=50)
    assert ok, report
    m = re.match(r"conforms: (\d+) focus nodes checked against shapes.ttl .*?(\d+) parts", report)
    assert m and int(m.group(1)) > 50 and int(m.group(2)) == -(-int(m.group(1)) // 50)


def test_blank_nodes_are_validated_in_one_go(repo_root: Path) -> None:
    store = KGStore("memory")
    ingest([repo_root / "data" / "articles" / "kabar-ibukota-2025-jakarta-chungnam.txt"], store)
    store.update(
        PREFIXES + "INSERT DATA { GRAPH <urn:x:g> { _:e a schema:Event ; idkr:confidence 2.0 } }"
    )
    ok, report = validate_store(store, chunk_size=1)
    assert not ok
    assert violations(report) == violations(validate_graph(store.to_rdflib_graph())[1])


def test_closed_shapes_fetch_every_predicate(tmp_path: Path, sample_store: KGStore) -> None:
    shapes = tmp_path / "closed.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <https://schema.org/> .
@prefix ex: <urn:x:> .
ex:ArticleShape a sh:NodeShape ; sh:targetClass schema:NewsArticle ; sh:closed true ;
  sh:property [ sh:path schema:headline ; sh:minCount 1 ] .
""",
        encoding="utf-8",
    )
    ok, report = validate_store(sample_store, shapes, chunk_size=3)
    whole_ok, whole = validate_graph(sample_store.to_rdflib_graph(), shapes)
    assert not ok and not whole_ok  # articles have more properties than the headline
    assert violations(report) == violations(whole)


def test_bad_part_size(sample_store: KGStore) -> None:
    with pytest.raises(DataError, match="at least 1"):
        validate_store(sample_store, chunk_size=0)


def test_cli_part_size(tmp_path: Path, repo_root: Path) -> None:
    folder = str(tmp_path / "s")
    run(
        "--store",
        folder,
        "ingest",
        str(repo_root / "data" / "articles" / "suara-pesisir-2019-surabaya-busan.txt"),
    )
    res = run("--store", folder, "validate", "--part-size", "4")
    assert res.output.startswith("conforms: ") and " parts)" in res.output
    res = run("--store", folder, "validate", "--part-size", "0", ok=False)
    assert res.exit_code == 2 and "--part-size" in res.output
