"""Bulk ingest: parallel extraction and batched writes give the graph one-by-one gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kg.pipeline as pipeline
from kg.store import KGStore

ROOT = Path(__file__).resolve().parents[1]


def _quads(store: KGStore) -> list[str]:
    return sorted(str(q) for q in store.quads())


def _articles(tmp_path: Path, n: int = 6) -> Path:
    """A JSONL file of small articles, one broken line and one article given twice."""
    lines = []
    for i in range(n):
        lines.append(
            json.dumps(
                {
                    "url": f"https://example.org/2024/05/{i + 1:02d}/article-{i}",
                    "published": f"2024-05-{i + 1:02d}",
                    "text": f"Gubernur Jawa Barat Budi Santoso bertemu Gubernur "
                    f"Gyeongsangbuk-do Lee Min-jun di Bandung pada Selasa ({i + 1}/5/2024). "
                    "Pertemuan itu membahas kerja sama perdagangan dan pariwisata.",
                }
            )
        )
    lines.insert(3, "{not json")
    lines.append(lines[0].replace("Budi Santoso", "Agus Hidayat"))  # same URL: replaces
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_workers_and_batches_give_the_sequential_graph(tmp_path, monkeypatch):
    inputs = [ROOT / "data" / "articles", ROOT / "tests" / "articles", _articles(tmp_path)]
    one = KGStore("memory")
    # the reference: one article per transaction, in this process
    monkeypatch.setattr(pipeline, "BATCH_ARTICLES", 1)
    s1 = pipeline.ingest(inputs, one)
    monkeypatch.undo()
    two = KGStore("memory")
    monkeypatch.setattr(pipeline, "_CHUNK", 3)  # several chunks in flight
    s2 = pipeline.ingest(inputs, two, workers=2)
    assert s1.articles == s2.articles > 15
    assert (s1.triples, s1.entities, s1.events) == (s2.triples, s2.entities, s2.events)
    assert [str(f) for f in s1.failures] == [str(f) for f in s2.failures]
    assert len(s2.failures) == 1 and "articles.jsonl:4:" in str(s2.failures[0])
    assert _quads(one) == _quads(two)
    # the article given twice ends as the later version
    url = "https://example.org/2024/05/01/article-0"
    graph = {q.graph_name for q in two.quads() if getattr(q.object, "value", "") == url}
    assert len(graph) == 1
    text = " ".join(str(q.object) for q in two.quads() if q.graph_name in graph)
    assert "Agus Hidayat" in text and "Budi Santoso" not in text


def test_reingest_replaces_stored_graphs(tmp_path):
    path = _articles(tmp_path)
    store = KGStore("memory")
    pipeline.ingest([path], store)
    before = _quads(store)
    pipeline.ingest([path], store, workers=2)  # every graph exists: replaced, not added to
    assert _quads(store) == before


def test_fail_fast_stores_what_came_before_and_stops(tmp_path):
    path = _articles(tmp_path)
    seen: list[str] = []
    store = KGStore("memory")
    summary = pipeline.ingest(
        [path], store, fail_fast=True, workers=2, on_article=lambda s, p: seen.append(s)
    )
    assert summary.articles == 3 and summary.failed == 1
    articles = {g for g in store.graph_names() if "/graph/" in g and "gazetteer" not in g}
    derived = ("consolidated", "overrides", "summary")
    assert len([g for g in articles if not g.endswith(derived)]) == 3
    assert seen[-1] == str(path)


def test_replace_graphs_refuses_a_bad_graph_name_and_writes_nothing():
    store = KGStore("memory")
    with pytest.raises(Exception, match="graph name"):
        store.replace_graphs(
            [
                ("https://example.org/g1", b"<https://e/s> <https://e/p> <https://e/o> .\n"),
                ("not an iri>", b"<https://e/s> <https://e/p> <https://e/o> .\n"),
            ]
        )
    assert len(store) == 0


def test_gazetteer_graph_has_labels_codes_parents_and_wikidata():
    from kg.lexicon import load_lexicon
    from kg.reference import gazetteer_graph, gazetteer_ntriples

    base = "https://w3id.org/idkr/resource/"
    lines = set(gazetteer_ntriples(load_lexicon(), base).decode("utf-8").splitlines())
    jabar = f"<{base}region/ID-JB>"
    for expected in (
        f"{jabar} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/idkr/ontology#Province> .",
        f'{jabar} <http://www.w3.org/2004/02/skos/core#prefLabel> "West Java"@en .',
        f'{jabar} <http://www.w3.org/2004/02/skos/core#notation> "ID-JB" .',
        f"{jabar} <https://schema.org/containedInPlace> <{base}country/ID> .",
        f"{jabar} <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q3724> .",
    ):
        assert expected in lines
    graph = gazetteer_graph(load_lexicon(), base)
    assert len(graph) == len(lines) > 1000


def _record_replacements(store: KGStore, monkeypatch) -> list[str]:
    replaced: list[str] = []
    backend = store._backend
    write = backend.replace_graph
    monkeypatch.setattr(backend, "replace_graph", lambda g, nt: (replaced.append(g), write(g, nt)))
    return replaced


def test_replace_graphs_writes_nothing_for_a_graph_stored_with_the_same_triples(monkeypatch):
    store = KGStore("memory")
    g = "https://example.org/g1"
    a = b"<https://e/s> <https://e/p> <https://e/o> .\n"
    b = b'<https://e/s> <https://e/p> "b" .\n'
    store.replace_graphs([(g, a + b)])
    replaced = _record_replacements(store, monkeypatch)
    store.replace_graphs([(g, b + a)])  # same triples, another order: nothing to write
    assert replaced == []
    store.replace_graphs([(g, a)])  # fewer triples
    store.replace_graphs([(g, a + b + b'<https://e/s> <https://e/p> "c" .\n')])  # more
    assert replaced == [g, g]
    assert sorted(str(q.object) for q in store.quads()) == ['"b"', '"c"', "<https://e/o>"]


def test_a_second_ingest_does_not_rewrite_an_unchanged_gazetteer(tmp_path, monkeypatch):
    path = _articles(tmp_path)
    store = KGStore(str(tmp_path / "store"))
    try:
        pipeline.ingest([path], store, consolidate_after=False)
        before = _quads(store)
        replaced = _record_replacements(store, monkeypatch)
        pipeline.ingest([path], store, consolidate_after=False)
        # only the article given twice (two versions: each replaces the other) is written
        gazetteer = pipeline.DEFAULT_BASE + pipeline.GAZETTEER_GRAPH
        assert gazetteer not in replaced and len(replaced) == 2 and len(set(replaced)) == 1
        assert _quads(store) == before
        replaced.clear()
        # a gazetteer graph that differs from the data files is written again
        store.update(
            f"DELETE WHERE {{ GRAPH <{gazetteer}> {{ ?s <https://w3id.org/idkr/ontology#"
            'entityType> "Province" }}'
        )
        assert _quads(store) != before
        pipeline.ingest([path], store, consolidate_after=False)
        assert replaced[0] == gazetteer and gazetteer not in replaced[1:]
        assert _quads(store) == before
    finally:
        store.close()


def test_ingest_collects_garbage_less_often_and_gives_the_settings_back() -> None:
    import gc

    during: list[tuple[int, int]] = []
    before = (gc.get_threshold(), gc.get_freeze_count())

    def seen(_source: str, _error: object) -> None:
        during.append((gc.get_threshold()[0], gc.get_freeze_count()))

    articles = sorted((ROOT / "tests" / "articles").glob("xa-*.txt"))[:2]
    pipeline.ingest(articles, KGStore("memory"), on_article=seen)
    assert len(during) == 2
    assert all(young >= pipeline.GC_YOUNG and frozen > 0 for young, frozen in during)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
