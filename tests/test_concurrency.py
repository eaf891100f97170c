"""Several kg processes on one store folder (real subprocesses): a second writer fails with
a clear message or waits (--wait), readers keep working during an ingest, and the store
ends up exactly as one ingest alone makes it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from synthetic import graphs_of, write_articles

from kg.errors import StoreError
from kg.pipeline import ingest
from kg.store import KGStore

N_ARTICLES = 50
ARTICLE_GRAPH = re.compile(r"/graph/[0-9a-f]{16}$")
KG = [sys.executable, "-c", "from kg.cli import main; main()"]
# kg as a long ingest: 5 articles per transaction (not 256) and a pause of a second after
# each, so that the other processes surely start while it holds the store
SLOW_WRITER = [
    sys.executable,
    "-c",
    "import time, kg.pipeline, kg.store; kg.pipeline.BATCH_ARTICLES = 5; "
    "write = kg.store.KGStore.replace_graphs; "
    "kg.store.KGStore.replace_graphs = lambda self, g: (write(self, g), time.sleep(1.0)); "
    "from kg.cli import main; main()",
]


def kg(*args: str, cmd: list[str] = KG) -> subprocess.Popen:
    return subprocess.Popen(
        [*cmd, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def article_graphs(path: Path) -> int:
    try:
        store = KGStore(str(path), read_only=True)
    except StoreError:
        return 0
    try:
        return sum(1 for g in store.graph_names() if ARTICLE_GRAPH.search(g))
    finally:
        store.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("concurrency") / "articles"
    write_articles(folder, N_ARTICLES, seed=11)
    return folder


@pytest.fixture(scope="module")
def alone(corpus: Path) -> dict[str, frozenset[str]]:
    """The graphs one uninterrupted ingest makes."""
    store = KGStore("memory")
    ingest([corpus], store)
    return graphs_of(store.quads())


def test_writers_and_readers_during_an_ingest(
    corpus: Path, alone: dict[str, frozenset[str]], tmp_path: Path
) -> None:
    path = tmp_path / "kg-store"
    extra = tmp_path / "extra"
    write_articles(extra, 2, seed=99)
    writer = kg("--store", str(path), "ingest", "-q", str(corpus), cmd=SLOW_WRITER)
    procs = [writer]
    try:
        deadline = time.monotonic() + 120
        while article_graphs(path) < 3:
            assert writer.poll() is None, "the ingest ended too early: give it more articles"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # readers and a second writer, all while the first ingest is running
        count = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        readers = {
            "query": kg("--store", str(path), "query", "--sparql", count, "--format", "csv"),
            "export": kg("--store", str(path), "export", "--format", "nquads"),
            "stats": kg("--store", str(path), "stats", "--json"),
        }
        second = kg("--store", str(path), "ingest", "-q", str(extra))
        patient = kg("--store", str(path), "--wait", "300", "ingest", "-q", str(extra))
        impatient = kg("--store", str(path), "--wait", "0.5", "ingest", "-q", str(extra))
        procs += [*readers.values(), second, patient, impatient]
        assert writer.poll() is None, "the ingest ended before the others started"

        code, _, err = finish(second)
        assert code == 1
        assert "in use by another kg process" in err and "--wait" in err
        code, _, err = finish(impatient)
        assert code == 1 and "(waited 0.5 s)" in err

        code, out, err = finish(readers["query"])
        assert code == 0, err
        assert int(out.splitlines()[1]) >= 1  # the gazetteer at least: a snapshot
        code, out, err = finish(readers["export"])
        assert code == 0, err
        snapshot = graphs_of(ox.parse(out.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        for iri, triples in snapshot.items():
            if ARTICLE_GRAPH.search(iri):
                assert triples == alone[iri]  # whole articles only, even mid-ingest
        code, out, err = finish(readers["stats"])
        assert code == 0, err
        assert json.loads(out)

        code, _, err = finish(writer)
        assert code == 0, err
        code, out, err = finish(patient)  # waited for the lock, then ran
        assert code == 0, err
        assert "2 articles" in out
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream and not stream.closed:
                    stream.close()

    store = KGStore(str(path), read_only=True)
    try:
        final = graphs_of(store.quads())
    finally:
        store.close()
    # nothing lost or mangled: every article of the first ingest as one ingest makes it,
    # plus the two extra articles
    articles = {g: t for g, t in final.items() if ARTICLE_GRAPH.search(g)}
    assert len(articles) == N_ARTICLES + 2
    for iri, triples in alone.items():
        if ARTICLE_GRAPH.search(iri):
            assert articles[iri] == triples
