"""The consolidation of an ingest takes the graphs it wrote as they were built
(kg.build.graph_facts, kg.consolidate.WrittenGraphs) instead of reading them back: the
snapshot and the consolidated graph must be those read_snapshot gives, and whenever the
store holds other article graphs (or one was written twice, or the store is a server)
the graphs are read back as before."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.consolidate as consolidation
from kg.build import DEFAULT_BASE, GraphFacts, graph_facts
from kg.consolidate import Snapshot, WrittenGraphs, read_snapshot
from kg.pipeline import ingest
from kg.store import KGStore

FIELDS = [
    f.name for f in dataclasses.fields(Snapshot) if f.name not in ("load_articles", "name_index")
]


def _same_snapshot(a: Snapshot, b: Snapshot) -> None:
    for name in FIELDS:
        assert getattr(a, name) == getattr(b, name), name


def _spy(monkeypatch) -> list[tuple[WrittenGraphs | None, Snapshot | None, Snapshot]]:
    """Record, at each consolidation, the in-hand snapshot and the one read back."""
    seen = []
    original = consolidation.consolidate

    def spy(store, base=DEFAULT_BASE, overrides=None, written=None):
        fast = written.snapshot(store) if written is not None else None
        slow = read_snapshot(store)
        seen.append((written, fast, slow))
        if fast is not None:  # the same snapshot, and the same consolidated graph from each
            _same_snapshot(fast, slow)
            lines = consolidation.consolidated_triples(fast, None, base)
            assert sorted(lines) == sorted(consolidation.consolidated_triples(slow, None, base))
        return original(store, base, overrides, None)

    monkeypatch.setattr(consolidation, "consolidate", spy)
    return seen


def test_the_graphs_an_ingest_wrote_give_the_snapshot_read_back(repo_root, monkeypatch):
    seen = _spy(monkeypatch)
    store = KGStore("memory")
    summary = ingest([repo_root / "data" / "articles", repo_root / "tests" / "articles"], store)
    assert summary.articles > 20 and summary.failed == 0
    ((_written, fast, _slow),) = seen
    assert fast is not None and len(fast.events) > 20 and len(fast.memberships) > 5
    assert any(e.wikidata for e in fast.entities.values())
    assert any(e.gazetteer_label for e in fast.entities.values())


def test_facts_of_a_stored_graph_are_those_of_the_built_one(sample_store):
    """graph_facts over the terms the store gives back (literals in their canonical
    form) equals the facts made while building: the snapshot does not depend on it."""
    raw = sample_store._backend._store
    written = WrittenGraphs()
    n = 0
    for g in sample_store.graph_names():
        quads = raw.quads_for_pattern(None, None, None, ox.NamedNode(g))
        facts = graph_facts(g, [(q.subject, q.predicate, q.object) for q in quads])
        derived = ("/graph/gazetteer", "/graph/consolidated", "/graph/overrides", "/graph/summary")
        if g.endswith(derived):
            assert facts is None
            continue
        assert isinstance(facts, GraphFacts)
        written.add(g, facts)
        n += 1
    assert n >= 10
    fast = written.snapshot(sample_store)
    assert fast is not None
    _same_snapshot(fast, read_snapshot(sample_store))


def _article(folder: Path, name: str, city: str) -> Path:
    text = (
        f"Gubernur Jawa Barat Ridwan Kamil bertemu Wali Kota {city} di Bandung pada "
        "12 Maret 2024. Keduanya menandatangani nota kesepahaman kerja sama perdagangan "
        "antara Jawa Barat dan Gyeonggi. Duta Besar Korea Selatan untuk Indonesia hadir."
    )
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_older_article_graphs_are_read_back(tmp_path, monkeypatch):
    first = _article(tmp_path, "a.txt", "Busan")
    second = _article(tmp_path, "b.txt", "Seoul")
    store = KGStore("memory")
    ingest([first], store)
    seen = _spy(monkeypatch)
    ingest([second], store)
    ((written, fast, _slow),) = seen
    assert written is not None and fast is None  # a.txt's graph was not written this time
    # re-ingesting both: every article graph is this run's again
    ingest([first, second], store)
    assert seen[-1][1] is not None  # (and the spy found it the same as read back)


def test_a_graph_written_twice_in_one_run_is_read_back(tmp_path, monkeypatch):
    first = _article(tmp_path, "a.txt", "Busan")
    seen = _spy(monkeypatch)
    store = KGStore("memory")
    ingest([first, first], store)
    assert seen[0][1] is None


def test_no_consolidation_no_facts(tmp_path, monkeypatch):
    built = []
    import kg.pipeline as pipeline

    original = pipeline.build_ntriples

    def record(ex, base, facts=False):
        built.append(facts)
        return original(ex, base, facts=facts)

    monkeypatch.setattr(pipeline, "build_ntriples", record)
    store = KGStore("memory")
    ingest([_article(tmp_path, "a.txt", "Busan")], store, consolidate_after=False)
    assert built == [False]


def _ox(term: str):
    return ox.NamedNode(term) if term.startswith("http") else ox.Literal(term)


SCHEMA = "https://schema.org/"
IDKR = "https://w3id.org/idkr/ontology#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_rows_about_another_graphs_event_are_joined_as_sparql_joins_them(order):
    """An event's attendees and agreement told in a graph other than the one that types
    and dates it (not what kg builds, but what SPARQL over the union would join): the
    same snapshot whichever graph is taken in first."""
    ex = "http://example.org/"
    ev, agr = ex + "event/1", ex + "agreement/1"
    graphs = {
        ex + "graph/a": [
            (ex + "graph/a", PROV_DERIVED, ex + "article/a"),
            (ex + "p/1", IDKR + "entityType", "Person"),
            (ex + "p/1", LABEL, "Budi"),
            (ev, RDF_TYPE, SCHEMA + "Event"),
            (ev, IDKR + "eventType", ex + "event-type/Signing"),
            (ev, SCHEMA + "startDate", "2024"),
        ],
        ex + "graph/b": [
            (ex + "graph/b", PROV_DERIVED, ex + "article/b"),
            (ex + "p/1", IDKR + "entityType", "Person"),
            (ex + "p/1", LABEL, "Budi"),
            (ex + "p/2", IDKR + "entityType", "Person"),
            (ev, RDF_TYPE, SCHEMA + "Event"),
            (ev, SCHEMA + "attendee", ex + "p/2"),
            (ev, IDKR + "agreement", agr),
            (agr, IDKR + "agreementType", ex + "agreement-type/MoU"),
            (agr, IDKR + "party", ex + "p/2"),
        ],
    }
    store = KGStore("memory")
    for g, triples in graphs.items():
        nt = "".join(f"{_ox(s)} {_ox(p)} {_ox(o)} .\n" for s, p, o in triples).encode("utf-8")
        store.replace_graphs([(g, nt)])
    written = WrittenGraphs(ex)
    names = list(graphs)
    for i in order:
        g = names[i]
        written.add(g, graph_facts(g, [tuple(_ox(t) for t in triple) for triple in graphs[g]]))
    fast = written.snapshot(store)
    assert fast is not None
    slow = read_snapshot(store)
    _same_snapshot(fast, slow)
    assert fast.events[ev].attendees == {ex + "p/2"}
    assert fast.events[ev].agreements[0].parties == {ex + "p/2"}
    assert fast.entities[ex + "p/1"].labels["Budi"] == 2
    assert fast.entities[ex + "p/1"].article_count == 2


def test_a_server_store_is_read_back():
    class Remote:
        remote = True

    assert WrittenGraphs().snapshot(Remote()) is None  # type: ignore[arg-type]


def _consolidated(store: KGStore) -> set[str]:
    import io

    buf = io.BytesIO()
    assert store.dump_graph(DEFAULT_BASE + consolidation.CONSOLIDATED_GRAPH, buf)
    return set(buf.getvalue().decode("utf-8").splitlines())


def test_a_first_consolidation_stored_part_by_part_is_the_graph_written_whole(
    repo_root, tmp_path, monkeypatch
):
    """A fresh store gets its consolidated graph in parts, stored while the next part is
    computed: the same triples as computing it whole and writing the difference."""
    paths = [repo_root / "data" / "articles", repo_root / "tests" / "articles"]
    monkeypatch.setattr(consolidation, "WRITE_CHUNK", 200)  # many parts
    parts = []
    original = consolidation.consolidated_triples

    def counting(snap, overrides, base, summary, on_lines=None):
        def part(lines):
            parts.append(len(lines))
            on_lines(lines)

        return original(snap, overrides, base, summary, part if on_lines else None)

    monkeypatch.setattr(consolidation, "consolidated_triples", counting)
    streamed = KGStore(str(tmp_path / "streamed"))
    summary = ingest(paths, streamed)
    assert len(parts) > 5 and summary.consolidation is not None
    assert sum(parts) == summary.consolidation.triples
    whole = KGStore("memory")
    ingest(paths, whole, consolidate_after=False)
    consolidation.consolidate(whole)
    assert _consolidated(streamed) == _consolidated(whole)
    assert summary.consolidation.triples > 1000
    # a second ingest of the same articles: the stored graph is compared, nothing changes
    again = ingest(paths, streamed)
    assert again.consolidation == summary.consolidation
    assert _consolidated(streamed) == _consolidated(whole)
    streamed.close()
