"""The RDF → networkx projection on the sample articles: nodes, edges, labels, weights,
filters, sub-views (ego, paths, query) and the GraphML/GEXF export — no HTML involved."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path

import networkx as nx
import pytest

from kg.build import DEFAULT_BASE
from kg.errors import KGError
from kg.project import (
    ProjectionOptions,
    ViewError,
    cap,
    ego,
    paths,
    project,
    write_network,
)
from kg.store import KGStore, open_store
from kg.view import ViewSpec, view_graph

B = DEFAULT_BASE
JAKARTA = B + "region/ID-JK"
CHUNGNAM = B + "region/KR-44"
CEPA = B + "org/kr-cepa"
SURABAYA = B + "city/id-surabaya"
BUSAN = B + "region/KR-26"
# The three articles about the Jakarta–Chungcheongnam-do letter of intent, by URL host
# (data/articles/README.md).
LOI_SOURCES = {"kabar-ibukota", "nusantara-wire", "hanbit-news"}


@pytest.fixture(scope="module")
def graph(sample_store: KGStore) -> nx.MultiDiGraph:
    return project(sample_store)


def _edges(g: nx.MultiDiGraph, a: str, b: str) -> dict[str, dict]:
    """Edges between a and b in either direction, by relation."""
    out = {}
    for u, v in ((a, b), (b, a)):
        for k, d in (g.get_edge_data(u, v) or {}).items():
            out[k] = d
    return out


def _hosts(g: nx.MultiDiGraph, articles: list[str]) -> set[str]:
    urls = [g.graph["articles"][a]["url"] for a in articles]
    return {u.split("//", 1)[1].split(".", 2)[1] for u in urls}


def test_nodes_are_entities_with_label_type_and_country(graph, sample_store) -> None:
    typed = {
        str(r[0])
        for r in sample_store.select(
            "SELECT DISTINCT ?e WHERE { ?e <https://w3id.org/idkr/ontology#entityType> ?t }"
        ).rows
    }
    assert set(graph) <= typed  # no articles, statements, events or agreements as nodes
    assert graph.nodes[JAKARTA]["label"] == "DKI Jakarta"
    assert graph.nodes[JAKARTA]["type"] == "Province"
    assert graph.nodes[JAKARTA]["country"] == "ID"
    assert graph.nodes[CHUNGNAM]["country"] == "KR"
    assert graph.nodes[CEPA]["label"] == "Chungcheongnam-do Economic Promotion Agency"
    assert "CEPA" in graph.nodes[CEPA]["aliases"]
    assert not any(nx.isolates(graph))
    pramono = B + "person/pramono-anung"
    assert any("Jakarta" in p for p in graph.nodes[pramono]["posts"])


def test_seed_case_edges_weights_and_evidence(graph, sample_store) -> None:
    loi = _edges(graph, JAKARTA, CHUNGNAM)["agreement with"]
    assert "LoI" in loi["detail"]
    assert loi["directed"] is False
    assert loi["weight"] == len(loi["articles"]) == 3
    assert _hosts(graph, loi["articles"]) == LOI_SOURCES
    assert _edges(graph, CEPA, JAKARTA)["located in"]["directed"] is True
    assert graph.has_edge(CEPA, JAKARTA, "located in")
    assert graph.has_edge(CEPA, CHUNGNAM, "office of")
    # every evidence sentence is a passage of the article it cites
    texts = {
        str(a): str(t)
        for a, t in sample_store.select(
            "SELECT ?a ?t WHERE { ?a <https://schema.org/text> ?t }"
        ).rows
    }
    assert loi["evidence"]
    for u, v, d in graph.edges(data=True):
        assert d["weight"] == len(d["articles"]) >= 1
        assert 0 < d["confidence"] <= 1
        for ev in d["evidence"]:
            assert ev["article"] in d["articles"]
            assert ev["sentence"] and ev["sentence"] in texts[ev["article"]], (u, v)


def test_relations_in_both_event_modes(graph, sample_store) -> None:
    relations = {d["relation"] for _, _, d in graph.edges(data=True)}
    assert {"holds post in", "located in", "office of", "cooperates with"} <= relations
    assert {"agreement with", "signed with", "met"} <= relations
    nodes_mode = project(sample_store, ProjectionOptions(events="nodes"))
    kinds = {d["type"] for _, d in nodes_mode.nodes(data=True)}
    assert {"Agreement", "Event"} <= kinds
    relations = {d["relation"] for _, _, d in nodes_mode.edges(data=True)}
    assert {"party to", "signed", "attended", "signed at"} <= relations
    assert "met" not in relations
    loi = [
        n
        for n in nodes_mode.successors(JAKARTA)
        if nodes_mode.nodes[n]["type"] == "Agreement" and nodes_mode.has_edge(CHUNGNAM, n)
    ]
    assert loi, "the LoI is a node both provinces are party to"
    signers = {u for u, _, k in nodes_mode.in_edges(loi[0], keys=True) if k == "signed"}
    assert B + "person/pramono-anung" in signers


def test_merged_entities_share_one_node(graph) -> None:
    # consolidation states <person/김태흠> owl:sameAs <person/kim-tae-heum>
    kim = B + "person/kim-tae-heum"
    assert B + "person/김태흠" not in graph
    assert "김태흠" in graph.nodes[kim]["aliases"]
    assert graph.graph["same_as"][B + "person/김태흠"] == kim
    signed = _edges(graph, kim, B + "person/pramono-anung")["signed with"]
    assert _hosts(graph, signed["articles"]) == LOI_SOURCES  # the Korean report counts too
    assert set(ego(graph, B + "person/김태흠", 1)) == set(ego(graph, kim, 1))


def test_paths_for_the_seed_case(graph) -> None:
    sub = paths(graph, JAKARTA, CHUNGNAM, max_hops=2)
    assert sub.graph["shortest"] == 1
    assert CEPA in sub  # Jakarta – CEPA – Chungcheongnam-do
    assert sub.nodes[JAKARTA]["focus"] and sub.nodes[CHUNGNAM]["focus"]
    assert all(d.get("on_path") for _, _, d in sub.edges(data=True))
    und = nx.Graph(sub.to_undirected())
    assert [JAKARTA, CEPA, CHUNGNAM] in list(nx.all_simple_paths(und, JAKARTA, CHUNGNAM, 2))
    one = paths(graph, JAKARTA, CHUNGNAM, max_hops=1)
    assert set(one) == {JAKARTA, CHUNGNAM}
    with pytest.raises(ViewError, match="no path"):
        paths(graph.subgraph([JAKARTA, SURABAYA, BUSAN]).copy(), JAKARTA, BUSAN)


def test_ego_network(graph) -> None:
    sub = ego(graph, CEPA, 1)
    assert set(sub) == {CEPA, JAKARTA, CHUNGNAM}
    assert sub.nodes[CEPA]["focus"]
    two = ego(graph, CEPA, 2)
    assert set(two) > set(sub)
    assert set(two) == set(nx.ego_graph(graph.to_undirected(), CEPA, radius=2))


def test_filters(sample_store, graph) -> None:
    strict = project(sample_store, ProjectionOptions(min_confidence=0.9))
    assert 0 < strict.number_of_edges() < graph.number_of_edges()
    assert all(d["confidence"] >= 0.9 for _, _, d in strict.edges(data=True))

    recent = project(sample_store, ProjectionOptions(since="2025"))
    assert all(y >= "2025" for _, _, d in recent.edges(data=True) for y in d["years"])
    assert SURABAYA not in recent and JAKARTA in recent
    old = project(sample_store, ProjectionOptions(until="2019-12"))
    assert all(y <= "2019" for _, _, d in old.edges(data=True) for y in d["years"])

    people = project(sample_store, ProjectionOptions(types=("person",)))
    assert people.number_of_nodes() > 0
    assert {d["type"] for _, d in people.nodes(data=True)} == {"Person"}
    korean = project(sample_store, ProjectionOptions(countries=("kr",)))
    assert {d["country"] for _, d in korean.nodes(data=True)} == {"KR"}

    defence = project(sample_store, ProjectionOptions(sectors=("defense",)))
    agreements = {
        frozenset((u, v)) for u, v, k in defence.edges(keys=True) if k == "agreement with"
    }
    assert frozenset((B + "country/ID", B + "country/KR")) in agreements
    assert frozenset((JAKARTA, CHUNGNAM)) not in agreements
    assert JAKARTA not in defence


@pytest.mark.parametrize(
    "opts",
    [{"events": "both"}, {"min_confidence": 1.5}, {"since": "May 2025"}, {"until": "2025/05"}],
)
def test_bad_options_are_errors(opts) -> None:
    with pytest.raises(ViewError):
        ProjectionOptions(**opts)


def test_cap_keeps_the_best_connected(graph) -> None:
    capped, dropped = cap(graph, 10)
    assert capped.number_of_nodes() == 10
    assert dropped == graph.number_of_nodes() - 10
    und = graph.to_undirected()
    lowest_kept = min(und.degree(n) for n in capped)
    assert all(und.degree(n) <= lowest_kept for n in set(graph) - set(capped))
    same, none = cap(graph, 10_000)
    assert same is graph and none == 0


def test_view_graph_resolves_names_and_reports(sample_store) -> None:
    g, msg = view_graph(sample_store, ViewSpec(focus="CEPA"))
    assert set(g) == {CEPA, JAKARTA, CHUNGNAM} and msg == ""
    g, msg = view_graph(sample_store, ViewSpec(path=("Jakarta", "Chungnam"), hops=2))
    assert CEPA in g and "path(s) between DKI Jakarta and Chungcheongnam-do" in msg
    with pytest.raises(KGError, match="close matches: .*Jakarta"):
        view_graph(sample_store, ViewSpec(focus="Jakrta"))
    with pytest.raises(ViewError, match="unknown type 'Dragon'.*Person"):
        view_graph(sample_store, ViewSpec(projection=ProjectionOptions(types=("Dragon",))))
    with pytest.raises(ViewError, match="one of --focus"):
        view_graph(sample_store, ViewSpec(focus="CEPA", path=("Jakarta", "Chungnam")))
    g, msg = view_graph(sample_store, ViewSpec(max_nodes=5))
    assert g.number_of_nodes() == 5 and "best-connected" in msg


def test_view_of_a_query(sample_store) -> None:
    spec = ViewSpec(query="connection", params=(("a", "DKI Jakarta"), ("b", "Chungnam")))
    g, msg = view_graph(sample_store, spec)
    assert {JAKARTA, CHUNGNAM, CEPA} <= set(g)
    assert "connection" in msg


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network(graph, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"kg.{fmt}"
    write_network(graph, out, fmt)
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes[JAKARTA]["label"] == "DKI Jakarta"
    weights = {
        int(d["weight"]) for u, v, d in back.edges(data=True) if {u, v} == {JAKARTA, CHUNGNAM}
    }
    assert 3 in weights


def test_same_projection_on_a_sparql_server(sample_store, graph, oxigraph_server: str) -> None:
    """Only the store's query API is used, so a real Oxigraph server gives the same graph."""
    dump = io.BytesIO()
    sample_store.dump(dump, "nquads")
    for url, body, ctype in (
        (f"{oxigraph_server}/update", b"update=CLEAR%20ALL", "application/x-www-form-urlencoded"),
        (f"{oxigraph_server}/store", dump.getvalue(), "application/n-quads"),
    ):
        req = urllib.request.Request(url, data=body, method="POST")
        req.add_header("Content-Type", ctype)
        with urllib.request.urlopen(req, timeout=30):
            pass
    remote = project(open_store(oxigraph_server, read_only=True))

    def summary(g: nx.MultiDiGraph) -> tuple:
        nodes = {n: (d["label"], d["type"], d["country"]) for n, d in g.nodes(data=True)}
        edges = {
            (u, v, k): (d["weight"], len(d["evidence"]))
            for u, v, k, d in g.edges(keys=True, data=True)
        }
        return nodes, edges

    assert summary(remote) == summary(graph)
