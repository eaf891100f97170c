"""Crash safety: an ingest killed with SIGKILL leaves a store that opens and holds only
complete article graphs; running the ingest again gives the uninterrupted result (which
also re-ingests the articles stored before the kill: re-ingest is idempotent; see also
test_cli.py::test_reingest_is_idempotent). The read snapshots the killed writer left are
never read and the next writer removes them."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from synthetic import graphs_of, write_articles

from kg.build import build_graph
from kg.errors import StoreError
from kg.extract import extract
from kg.pipeline import ingest
from kg.read import read_file
from kg.store import KGStore
from kg.store.snapshots import published
from kg.vocab import IDKR

N_ARTICLES = 50  # a few seconds of ingest: time to kill it midway
ARTICLE_GRAPH = re.compile(r"/graph/[0-9a-f]{16}$")  # not gazetteer, consolidated …
# kg, writing 5 articles per transaction instead of 256 with a pause after each, and
# publishing read snapshots every 0.1 s instead of 2 s, so that a few seconds of ingest
# hold many transactions and snapshots to kill or read between
KG = [
    sys.executable,
    "-c",
    "import time, kg.pipeline, kg.store, kg.store.snapshots as s; "
    "kg.pipeline.BATCH_ARTICLES = 5; s.PUBLISH_INTERVAL = 0.1; "
    "write = kg.store.KGStore.replace_graphs; "
    "kg.store.KGStore.replace_graphs = lambda self, g: (write(self, g), time.sleep(0.2)); "
    "from kg.cli import main; main()",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "articles"
    write_articles(folder, N_ARTICLES)
    return folder


@pytest.fixture(scope="module")
def uninterrupted(corpus: Path) -> dict[str, frozenset[str]]:
    store = KGStore("memory")
    summary = ingest([corpus], store)
    assert summary.articles == N_ARTICLES and summary.failed == 0
    return graphs_of(store.quads())


def article_graphs(path: Path) -> int:
    """How many article graphs a reader sees in the store at ``path`` right now."""
    try:
        store = KGStore(str(path), read_only=True)
    except StoreError:
        return 0  # not created yet
    try:
        return sum(1 for g in store.graph_names() if ARTICLE_GRAPH.search(g))
    finally:
        store.close()


def fresh_graph(source: str) -> Graph:
    """The article graph of ``source`` as a new extraction makes it."""
    (article,) = list(read_file(Path(source)))
    return build_graph(extract(article))


def test_sigkill_midway_leaves_complete_articles_and_rerun_completes(
    corpus: Path, uninterrupted: dict[str, frozenset[str]], tmp_path: Path
) -> None:
    path = tmp_path / "kg-store"
    proc = subprocess.Popen(
        [*KG, "--store", str(path), "ingest", "-q", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while article_graphs(path) < N_ARTICLES // 5:
            assert proc.poll() is None, "ingest ended before the kill: give it more articles"
            assert time.monotonic() < deadline, "no article graph appeared in 120 s"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # the killed writer left its read snapshots behind; with its lock gone a reader opens
    # the store folder itself (which holds at least what the snapshots did), never them
    stale = published(path)
    assert stale, "the writer published no snapshot before the kill"
    reader = KGStore(str(path), read_only=True)
    try:
        assert reader.location == path
        seen = sum(1 for g in reader.graph_names() if ARTICLE_GRAPH.search(g))
    finally:
        reader.close()
    assert seen >= N_ARTICLES // 5

    store = KGStore(str(path))  # opens (RocksDB recovers from its log)
    try:
        assert not set(published(path)) & set(stale), "the next writer collects them"
        stored = graphs_of(store.quads())
        articles = {g: t for g, t in stored.items() if ARTICLE_GRAPH.search(g)}
        assert len(articles) == seen
        assert 0 < len(articles) < N_ARTICLES, "the kill did not land midway"
        for iri, triples in articles.items():
            # every stored article graph is whole: its article node and every statement
            assert triples == uninterrupted[iri]
            g = Graph()
            g.parse(data="\n".join(f"{t} ." for t in triples), format="nt")
            ((article, source),) = g.subject_objects(IDKR.sourceFile)
            assert isinstance(article, URIRef) and isinstance(source, Literal)
            assert isomorphic(g, fresh_graph(str(source)))

        summary = ingest([corpus], store)  # run again: the same as never interrupted
        assert summary.articles == N_ARTICLES and summary.failed == 0
        assert graphs_of(store.quads()) == uninterrupted
    finally:
        store.close()
    assert not (path / ".snapshots").exists(), "a writer that ends removes its snapshots"
