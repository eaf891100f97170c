"""Several kg processes on one store folder (real subprocesses): a second writer fails with
a clear message or waits (--wait), readers keep working during an ingest (on the read
snapshots the writer publishes, never on the folder it writes), old snapshots are
collected but never one a reader holds, and the store ends up exactly as one ingest alone
makes it."""

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
from kg.store.snapshots import published

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


# the same, publishing a read snapshot every 0.2 s (not 2 s) and pausing 0.3 s per batch
FAST_PUBLISHER = [
    sys.executable,
    "-c",
    "import time, kg.pipeline, kg.store, kg.store.snapshots as s; "
    "kg.pipeline.BATCH_ARTICLES = 5; s.PUBLISH_INTERVAL = 0.2; "
    "write = kg.store.KGStore.replace_graphs; "
    "kg.store.KGStore.replace_graphs = lambda self, g: (write(self, g), time.sleep(0.3)); "
    "from kg.cli import main; main()",
]
# a reader process: opens the store, says what it opened and (next line) how many article graphs it
# sees, waits for a line on stdin, then counts again through the same open store
HOLDING_READER = [
    sys.executable,
    "-c",
    "import re, sys; from kg.store import KGStore; "
    "s = KGStore(sys.argv[1], read_only=True); "
    "n = lambda: sum(1 for g in s.graph_names() if re.search('/graph/[0-9a-f]{16}$', g)); "
    "print(s.location, flush=True); print(n(), flush=True); sys.stdin.readline(); "
    "print(len(s), n(), flush=True); s.close()",
]


def holding_reader(path: Path, procs: list[subprocess.Popen]) -> tuple[subprocess.Popen, Path]:
    """Start a HOLDING_READER on ``path`` (added to ``procs``, for stopping); return it and
    the folder it opened."""
    reader = subprocess.Popen(
        [*HOLDING_READER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    procs.append(reader)
    return reader, Path(reader.stdout.readline().strip())


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


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream and not stream.closed:
                stream.close()


def test_readers_see_growing_whole_snapshots_during_an_ingest(
    corpus: Path, alone: dict[str, frozenset[str]], tmp_path: Path
) -> None:
    """Read again and again while a real ingest runs: each read is a published snapshot
    (never the folder being written), holds only whole articles, and never fewer than
    the read before."""
    path = tmp_path / "kg-store"
    writer = kg("--store", str(path), "ingest", "-q", str(corpus), cmd=FAST_PUBLISHER)
    counts: list[int] = []
    snapshots_read: set[Path] = set()
    try:
        deadline = time.monotonic() + 180
        while writer.poll() is None:
            assert time.monotonic() < deadline
            try:
                store = KGStore(str(path), read_only=True)
            except StoreError:
                time.sleep(0.05)  # not created yet
                continue
            try:
                location = store.location
                graphs = graphs_of(store.quads())
            finally:
                store.close()
            articles = {g: t for g, t in graphs.items() if ARTICLE_GRAPH.search(g)}
            if len(articles) < N_ARTICLES:
                # the ingest is surely still running (holding the write lock): this read
                # came from a snapshot, not the live folder
                assert location != path and location.parent.parent == path / ".snapshots"
                snapshots_read.add(location)
            for iri, triples in articles.items():
                assert triples == alone[iri], "a snapshot holds part of an article"
            assert not counts or len(articles) >= counts[-1], "articles disappeared"
            counts.append(len(articles))
        code, _, err = finish(writer)
        assert code == 0, err
    finally:
        stop([writer])
    between = {n for n in counts if 0 < n < N_ARTICLES}
    assert len(between) >= 2, f"too few reads landed mid-ingest: {counts}"
    assert len(snapshots_read) >= 2
    assert not (path / ".snapshots").exists(), "the writer removes its snapshots at the end"
    store = KGStore(str(path), read_only=True)
    try:
        assert store.location == path
    finally:
        store.close()


def test_collection_never_deletes_a_snapshot_a_reader_holds(tmp_path: Path) -> None:
    path = tmp_path / "kg-store"
    articles = tmp_path / "articles"
    write_articles(articles, 6, seed=5)
    writer = KGStore(str(path))
    procs: list[subprocess.Popen] = []
    try:
        ingest([articles / "artikel-0000.txt", articles / "artikel-0001.txt"], writer)
        writer.flush()  # publishes
        reader, held = holding_reader(path, procs)
        assert held.parent.parent == path / ".snapshots"
        assert int(reader.stdout.readline()) == 2  # articles it sees

        # the in-process reader, too, gets a snapshot and not the folder being written
        local = KGStore(str(path), read_only=True)
        assert local.location != path
        local.close()

        for i in range(2, 6):  # four more publishes: each collects what nobody holds
            ingest([articles / f"artikel-{i:04d}.txt"], writer)
            writer.flush()
            assert held.is_dir(), "collected while a reader held it"
            assert len(published(path)) == 2  # the held one and the newest

        reader.stdin.write("go\n")
        reader.stdin.flush()
        quads, again = reader.stdout.readline().split()
        assert int(again) == 2 and int(quads) > 0  # still reads its own snapshot, whole
        assert reader.wait(30) == 0, reader.stderr.read()
        ingest([articles / "artikel-0005.txt"], writer)
        writer.flush()
        assert not held.exists(), "collected once its reader let go"
        assert len(published(path)) == 1
    finally:
        stop(procs)
        writer.close()
    assert not (path / ".snapshots").exists()


def test_a_writer_waits_for_readers_of_the_live_folder(corpus: Path, tmp_path: Path) -> None:
    """A reader that opened the folder while no writer ran keeps it to itself: a writer
    starting meanwhile opens the folder only after that reader has closed it."""
    path = tmp_path / "kg-store"
    extra = tmp_path / "extra"
    write_articles(extra, 2, seed=99)
    store = KGStore(str(path))
    ingest([extra], store)
    store.close()
    reader = KGStore(str(path), read_only=True)
    procs: list[subprocess.Popen] = []
    try:
        assert reader.location == path
        before = len(reader)
        writer = kg("--store", str(path), "ingest", "-q", str(corpus))
        procs.append(writer)
        time.sleep(3)
        assert writer.poll() is None
        assert not (path / ".snapshots").exists(), "the writer opened the folder"
        assert len(reader) == before
        reader.close()
        code, _, err = finish(writer)
        assert code == 0, err
    finally:
        reader.close()
        stop(procs)
    assert article_graphs(path) == N_ARTICLES + 2


def test_a_writer_gives_up_on_a_reader_that_never_closes(tmp_path: Path) -> None:
    """A reader holding the live folder longer than the writer waits for it (60 s, here
    1 s): the writer fails with a clear message and writes nothing."""
    path = tmp_path / "kg-store"
    extra = tmp_path / "extra"
    write_articles(extra, 2, seed=99)
    store = KGStore(str(path))
    ingest([extra / "artikel-0000.txt"], store)
    store.close()
    impatient = [
        sys.executable,
        "-c",
        "import kg.store.snapshots as s; s.READERS_WAIT = 1.0; from kg.cli import main; main()",
    ]
    reader = KGStore(str(path), read_only=True)
    try:
        code, _, err = finish(kg("--store", str(path), "ingest", "-q", str(extra), cmd=impatient))
    finally:
        reader.close()
    assert code == 1
    assert "another kg process has been reading the store" in err and "--wait" in err
    assert article_graphs(path) == 1


def test_a_snapshot_held_past_its_writer_is_never_read_again_and_then_removed(
    tmp_path: Path,
) -> None:
    """The writer ends while a reader still holds its newest snapshot: the snapshot stays
    for that reader, new readers open the store folder (newer) instead, and the last
    reader removes the snapshot when it lets go."""
    path = tmp_path / "kg-store"
    articles = tmp_path / "articles"
    write_articles(articles, 3, seed=8)
    writer = KGStore(str(path))
    procs: list[subprocess.Popen] = []
    try:
        ingest([articles / "artikel-0000.txt"], writer)
        writer.flush()
        reader, held = holding_reader(path, procs)
        assert held.parent.parent == path / ".snapshots"
        assert int(reader.stdout.readline()) == 1  # articles it sees
        ingest([articles / "artikel-0001.txt", articles / "artikel-0002.txt"], writer)
        writer.close()
        assert published(path) == [held], "only the held snapshot is left"

        fresh = KGStore(str(path), read_only=True)
        try:
            assert fresh.location == path  # the folder, with all three articles
            assert sum(1 for g in fresh.graph_names() if ARTICLE_GRAPH.search(g)) == 3
        finally:
            fresh.close()

        reader.stdin.write("go\n")
        reader.stdin.flush()
        _quads, again = reader.stdout.readline().split()
        assert int(again) == 1  # its own snapshot, unchanged
        assert reader.wait(30) == 0, reader.stderr.read()
    finally:
        stop(procs)
        writer.close()
    assert not (path / ".snapshots").exists(), "the last reader removed the snapshot"


def test_a_write_in_several_transactions_is_published_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside KGStore.unpublished() (kg load: drop, then load) the writer publishes no
    snapshot, however long it takes; readers see the store before or after, never half."""
    import kg.store.snapshots as snapshots

    monkeypatch.setattr(snapshots, "PUBLISH_INTERVAL", 0.1)
    path = tmp_path / "kg-store"
    articles = tmp_path / "articles"
    write_articles(articles, 3, seed=8)
    writer = KGStore(str(path))
    try:
        ingest([articles / "artikel-0000.txt"], writer)
        writer.flush()
        assert article_graphs(path) == 1
        with writer.unpublished():
            ingest([articles / "artikel-0001.txt"], writer, consolidate_after=False)
            time.sleep(0.5)  # five publishing intervals
            assert article_graphs(path) == 1
            ingest([articles / "artikel-0002.txt"], writer, consolidate_after=False)
        deadline = time.monotonic() + 30
        while article_graphs(path) != 3:
            assert time.monotonic() < deadline, "not published after the block"
            time.sleep(0.05)
    finally:
        writer.close()
