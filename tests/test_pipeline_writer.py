"""The writer thread: an article is reported only once its graph is in the store, a
failure only once everything before it is stored, and a store error stops the ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pipeline import _articles

import kg.pipeline as pipeline
from kg.errors import StoreError
from kg.store import KGStore


def _article_graphs(store: KGStore) -> int:
    return sum(1 for g in store.graph_names() if "/graph/" in g and "gazetteer" not in g)


@pytest.mark.parametrize("workers", [1, 2])
def test_reported_articles_are_stored(tmp_path: Path, monkeypatch, workers: int) -> None:
    monkeypatch.setattr(pipeline, "BATCH_ARTICLES", 2)  # several batches, one in flight
    path = _articles(tmp_path, n=9)
    store = KGStore("memory")
    stored_when_reported: list[tuple[bool, int, int]] = []
    reported = 0

    def on_article(source: str, problem: object) -> None:
        nonlocal reported
        stored_when_reported.append((problem is None, reported, _article_graphs(store)))
        reported += problem is None

    summary = pipeline.ingest(
        [path], store, on_article=on_article, workers=workers, consolidate_after=False
    )
    assert summary.articles == 10 and summary.failed == 1
    for ok, before, graphs in stored_when_reported:
        # every article reported so far (and this one, if it is an article) is stored;
        # the last line repeats the first article's URL, so it replaces, not adds
        assert graphs >= min(before + ok, 9)


def test_store_error_in_the_writer_stops_the_ingest(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "BATCH_ARTICLES", 2)
    store = KGStore("memory")
    path = _articles(tmp_path, n=9)
    seen: list[str] = []

    def on_article(source: str, problem: object) -> None:
        seen.append(source)
        store.read_only = True  # from now on every write is refused (in the writer thread)

    with pytest.raises(StoreError, match="read-only"):
        pipeline.ingest([path], store, on_article=on_article)
    assert len(seen) == 2  # the first batch, stored and reported; nothing after it
    assert _article_graphs(store) == 2


def test_default_workers_start_only_for_long_inputs(tmp_path: Path, monkeypatch) -> None:
    """workers=None (the CLI default): small inputs are extracted in this process; longer
    ones by one process per core once AUTO_AFTER articles are done; the same graph."""
    path = _articles(tmp_path, n=9)
    one = KGStore("memory")
    pipeline.ingest([path], one, workers=1, consolidate_after=False)
    small = KGStore("memory")
    s_small = pipeline.ingest([path], small, workers=None, consolidate_after=False)
    assert s_small.workers == 0
    monkeypatch.setattr(pipeline, "AUTO_AFTER", 3)
    monkeypatch.setattr(pipeline, "_CHUNK", 2)
    long = KGStore("memory")
    s_long = pipeline.ingest([path], long, workers=None, consolidate_after=False)
    cores = pipeline.cores()
    assert s_long.workers == (cores if cores > 1 else 0)
    assert s_small.articles == s_long.articles == 10
    assert sorted(map(str, small.quads())) == sorted(map(str, one.quads()))
    assert sorted(map(str, long.quads())) == sorted(map(str, one.quads()))


def test_batches_grow_to_the_largest_and_end_early_at_the_byte_limit(
    tmp_path: Path, monkeypatch
) -> None:
    path = _articles(tmp_path, n=16)  # a broken 4th line: what came before it is written
    store = KGStore("memory")
    sizes: list[int] = []
    write = store.replace_graphs
    monkeypatch.setattr(store, "replace_graphs", lambda g: (sizes.append(len(g)), write(g)))
    monkeypatch.setattr(pipeline, "FIRST_BATCH", 2)
    monkeypatch.setattr(pipeline, "BATCH_ARTICLES", 5)
    summary = pipeline.ingest([path], store, consolidate_after=False)
    assert summary.articles == 17 and summary.failed == 1
    # the gazetteer; 2; the 3rd, written before the failure is reported; then 4 → 5 (each
    # batch may hold twice the last one's limit), 5, and the rest
    assert sizes == [1, 2, 1, 5, 5, 4]
    sizes.clear()
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1)  # every graph exceeds it: one by one
    pipeline.ingest([path], store, consolidate_after=False)
    assert sizes[1:] == [1] * 17
