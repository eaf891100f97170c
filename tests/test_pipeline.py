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
    assert len([g for g in articles if not g.endswith(("consolidated", "overrides"))]) == 3
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
