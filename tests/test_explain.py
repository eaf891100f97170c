"""kg explain and --min-confidence on export and query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL

from kg.build import DEFAULT_BASE
from kg.cli import main
from kg.confidence import filter_graph, filtered_store
from kg.errors import QueryError
from kg.explain import explain, format_explanation
from kg.pipeline import ingest
from kg.store import KGStore
from kg.vocab import IDKR, ORG, SCHEMA

B = DEFAULT_BASE
ARTICLES = Path(__file__).parent / "articles"
DATA = Path(__file__).resolve().parents[1] / "data" / "articles"
ANTARA = ARTICLES / "xa-antara-2025-jakarta-chungnam-loi.txt"
WIRE = ARTICLES / "xa-koreawire-2025-chungnam-jakarta-loi.txt"
HANBIT = DATA / "hanbit-news-2025-chungnam-jakarta.txt"


@pytest.fixture(scope="module")
def store() -> KGStore:
    st = KGStore("memory")
    ingest([ANTARA, WIRE, HANBIT], st)
    return st


def test_explain_groups_statements_with_evidence(store: KGStore) -> None:
    ex = explain(store, "김태흠")  # the Hangul name: merged with Kim Tae-heum
    assert ex.iri == f"{B}person/kim-tae-heum" or f"{B}person/kim-tae-heum" in {
        m.other for m in ex.same_as
    }
    assert {"posts", "events", "agreements"} <= set(ex.groups)
    # three articles, each with its own membership statement and evidence sentence
    posts = ex.groups["posts"]
    assert len(posts) == 3
    assert all(s.evidence and s.rules and s.confidence for s in posts)
    sentences = {e.sentence for s in posts for e in s.evidence}
    assert any("Kim Tae Heum" in x for x in sentences)
    assert any("김태흠" in x for x in sentences)
    assert any(m.rule in ("romanisation", "alias-of") for m in ex.same_as)
    text = format_explanation(ex)
    assert "posts (3):" in text and "same as: " in text
    assert "koreawire.example" in text  # the source of each sentence


def test_explain_unknown_entity_lists_close_matches(store: KGStore) -> None:
    with pytest.raises(QueryError, match="close matches: .*Kim Tae"):
        explain(store, "Kim Tae Hem")


def test_cli_explain_json(tmp_path: Path) -> None:
    runner = CliRunner()
    st = str(tmp_path / "st")
    assert runner.invoke(main, ["--store", st, "ingest", "-q", str(ANTARA)]).exit_code == 0
    res = runner.invoke(main, ["--store", st, "explain", "Pramono Anung", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["entity"] == f"{B}person/pramono-anung"
    events = data["statements"]["events"]
    sentences = [e["sentence"] for s in events for e in s["evidence"]]
    assert any(x.startswith("Jakarta (ANTARA) - Gubernur DKI Jakarta") for x in sentences)
    res = runner.invoke(main, ["--store", st, "explain", "Nobody Here"])
    assert res.exit_code == 1 and "no entity called 'Nobody Here'" in res.output


def small_graph() -> Graph:
    g = Graph(identifier=URIRef(B + "graph/x"))
    a, b, post = URIRef(B + "person/a"), URIRef(B + "region/ID-JK"), URIRef(B + "post/x")
    hi, lo = URIRef(B + "relation/hi"), URIRef(B + "relation/lo")
    m_lo, ev_lo = URIRef(B + "membership/lo"), URIRef(B + "evidence/lo")
    for s, conf in ((hi, "0.9"), (lo, "0.4"), (m_lo, "0.5")):
        g.add((s, IDKR.confidence, Literal(conf, datatype=URIRef(str(Literal(1.5).datatype)))))
    g.add((hi, RDF.type, IDKR.Presence))
    g.add((hi, IDKR.organization, a))
    g.add((hi, SCHEMA.location, b))
    g.add((lo, RDF.type, IDKR.CooperationLink))
    g.add((lo, IDKR.partner, a))
    g.add((lo, IDKR.partner, b))
    g.add((a, IDKR.cooperatesWith, b))
    g.add((b, IDKR.cooperatesWith, a))
    g.add((a, SCHEMA.location, b))
    g.add((m_lo, RDF.type, ORG.Membership))
    g.add((m_lo, ORG.member, a))
    g.add((m_lo, IDKR.post, post))
    g.add((m_lo, IDKR.evidence, ev_lo))
    g.add((ev_lo, RDF.type, URIRef("http://www.w3.org/ns/oa#Annotation")))
    g.add((a, ORG.holds, post))
    merge = URIRef(B + "merge/m")
    g.add((a, OWL.sameAs, b))
    g.add((merge, RDF.type, RDF.Statement))
    g.add((merge, RDF.subject, a))
    g.add((merge, RDF.predicate, OWL.sameAs))
    g.add((merge, RDF.object, b))
    g.add((merge, IDKR.confidence, Literal("0.6", datatype=URIRef(str(Literal(1.5).datatype)))))
    return g


def test_filter_drops_statements_and_what_only_they_support() -> None:
    g = small_graph()
    kept = filter_graph(g, 0.7)
    a, b = URIRef(B + "person/a"), URIRef(B + "region/ID-JK")
    assert (URIRef(B + "relation/hi"), IDKR.organization, a) in kept
    assert (a, SCHEMA.location, b) in kept  # still stated by the kept presence
    assert not set(kept.triples((URIRef(B + "relation/lo"), None, None)))
    assert (a, IDKR.cooperatesWith, b) not in kept and (b, IDKR.cooperatesWith, a) not in kept
    assert (a, ORG.holds, URIRef(B + "post/x")) not in kept
    assert not set(kept.triples((URIRef(B + "evidence/lo"), None, None)))
    assert (a, OWL.sameAs, b) not in kept  # the merge itself was below the threshold
    assert len(filter_graph(g, 0.0)) == len(g)
    assert len(filter_graph(g, 0.55)) < len(g) and (a, OWL.sameAs, b) in filter_graph(g, 0.55)
    with pytest.raises(QueryError):
        filter_graph(g, 1.5)


def test_filtered_store_and_cli_options(store: KGStore, tmp_path: Path) -> None:
    count = (
        "PREFIX idkr: <https://w3id.org/idkr/ontology#> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?s idkr:confidence ?c }"
    )
    low = (
        "PREFIX idkr: <https://w3id.org/idkr/ontology#> "
        "SELECT (COUNT(*) AS ?n) WHERE { ?s idkr:confidence ?c FILTER(?c < 0.86) }"
    )
    assert int(store.select(low).rows[0][0]) > 0
    filtered = filtered_store(store, 0.86)
    assert int(filtered.select(low).rows[0][0]) == 0
    assert 0 < int(filtered.select(count).rows[0][0]) < int(store.select(count).rows[0][0])

    runner = CliRunner()
    st = str(tmp_path / "st")
    assert runner.invoke(main, ["--store", st, "ingest", "-q", str(ANTARA)]).exit_code == 0
    res = runner.invoke(
        main,
        ["--store", st, "query", "--sparql", low, "--format", "csv", "--min-confidence", "0.86"],
    )
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[1] == "0"
    out = tmp_path / "kg.trig"
    res = runner.invoke(
        main,
        ["--store", st, "export", "--format", "trig", "-o", str(out), "--min-confidence", "0.86"],
    )
    assert res.exit_code == 0, res.output
    ds = Dataset()
    ds.parse(out, format="trig")
    confidences = [float(o) for _s, _p, o, _g in ds.quads((None, IDKR.confidence, None, None))]
    assert confidences and min(confidences) >= 0.86
    res = runner.invoke(main, ["--store", st, "export", "--min-confidence", "2"])
    assert res.exit_code == 2 and "--min-confidence" in res.output
