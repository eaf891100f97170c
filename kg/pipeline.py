"""The only orchestration: read → extract → build → store."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .build import DEFAULT_BASE, GraphFacts, build_ntriples
from .errors import InputError, KGError
from .extract import extract
from .lexicon import load_lexicon
from .model import Article
from .read import MAX_BYTES, iter_articles
from .reference import GAZETTEER_GRAPH, gazetteer_ntriples

if TYPE_CHECKING:  # the worker processes import this module: only what they need
    from .consolidate import ConsolidationSummary, Overrides, WrittenGraphs
    from .store import KGStore


@dataclass
class IngestSummary:
    articles: int = 0
    triples: int = 0
    entities: int = 0
    events: int = 0
    agreements: int = 0
    failures: list[InputError] = field(default_factory=list)
    seen_entities: set[str] = field(default_factory=set)
    consolidation: ConsolidationSummary | None = None
    workers: int = 0  # extraction processes started (0: extracted in this process)

    @property
    def failed(self) -> int:
        return len(self.failures)


@dataclass(frozen=True)
class _Built:
    """One article, extracted and serialised (what a worker process hands back)."""

    source: str
    graph_iri: str
    ntriples: bytes
    triples: int
    entities: tuple[str, ...]
    events: int
    agreements: int
    facts: GraphFacts | None  # what the consolidation reads from it (if it runs)


def _build(item: Article, base: str, facts: bool = False) -> _Built | InputError:
    """Extract one article and serialise its graph (with ``facts``, also what the
    consolidation reads from it); a bad article becomes an InputError."""
    try:
        ex = extract(item, load_lexicon())
        built = build_ntriples(ex, base, facts=facts)
    except InputError as exc:  # names the article already
        return exc
    except KGError as exc:
        return InputError(item.source, str(exc))
    except ValueError as exc:  # a statement the RDF builder refuses: report, go on
        return InputError(item.source, f"could not build the article's graph ({exc})")
    return _Built(
        item.source,
        built.iri,
        built.ntriples,
        built.triples,
        tuple(ex.entities),
        len(ex.events),
        sum(1 for e in ex.events if e.agreement is not None),
        built.facts,
    )


def _build_chunk(chunk: list[Article], base: str, facts: bool) -> list[_Built | InputError]:
    return [_build(a, base, facts) for a in chunk]


def _init_worker() -> None:
    load_lexicon()  # once per process, before the first article
    # The lexicon (and the modules) live as long as the process: out of the garbage
    # collector's sight, its full collections no longer walk them (~3% of the CPU of an
    # extraction)
    gc.freeze()


def _chunks(
    items: Iterable[Article | InputError], size: int
) -> Iterator[list[Article | InputError]]:
    chunk: list[Article | InputError] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cores() -> int:
    """Processor cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _built_in_order(
    items: Iterable[Article | InputError],
    base: str,
    workers: int | None,
    on_pool: Callable[[int], None] | None = None,
    facts: bool = False,
) -> Iterator[_Built | InputError]:
    """Each item extracted and serialised, in input order.

    With ``workers > 1`` extraction runs in that many processes; at most ``2 × workers``
    chunks of articles are in flight, so memory stays bounded however long the input.
    ``workers=None``: one process per core, started only once :data:`AUTO_AFTER`
    articles have been extracted here (small inputs do not pay the processes' start-up,
    about 2 s of CPU each). ``on_pool`` is told how many processes were started.
    ``facts``: also what the consolidation reads from each graph.
    """
    items = iter(items)
    if workers is None:
        workers = cores()
        done = 0
        for item in items:
            yield item if isinstance(item, InputError) else _build(item, base, facts)
            done += 1
            if done >= AUTO_AFTER:
                break
        else:
            return  # the input ended first: no processes needed
    if workers <= 1:
        for item in items:
            yield item if isinstance(item, InputError) else _build(item, base, facts)
        return
    if on_pool is not None:
        on_pool(workers)
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding store threads
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker) as pool:
        pending: deque[tuple[list[Article | InputError], Future | None]] = deque()

        def drain_one() -> Iterator[_Built | InputError]:
            chunk, fut = pending.popleft()
            done = iter(fut.result()) if fut is not None else iter(())
            for item in chunk:
                yield item if isinstance(item, InputError) else next(done)

        try:
            for chunk in _chunks(items, _CHUNK):
                articles = [a for a in chunk if not isinstance(a, InputError)]
                fut = pool.submit(_build_chunk, articles, base, facts) if articles else None
                pending.append((chunk, fut))
                while len(pending) > 2 * workers:
                    yield from drain_one()
            while pending:
                yield from drain_one()
        finally:
            for _chunk, fut in pending:  # stopped early (fail-fast): drop the rest
                if fut is not None:
                    fut.cancel()


# Garbage collection during an ingest: objects allocated before a young collection (700 by
# default). An ingest allocates many objects that live on (the consolidation's snapshot of
# the written graphs grows with the input) and each full collection walks all of them: on
# 8,500 articles the collections took ~0.7 s of CPU with the defaults, ~0.2 s with this.
GC_YOUNG = 50_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while an ingest runs, and never walk what lived before
    it (the lexicon, the modules: ``gc.freeze``); the process's settings come back after."""
    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count() > 0  # (by the caller: left as it is)
    if not frozen:
        gc.freeze()
    gc.set_threshold(max(GC_YOUNG, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen:
            gc.unfreeze()


# Articles per task sent to a worker process: each task is a message each way and a wake-up
# of the thread collecting the results (on 3,000 articles, 32 instead of 8 took ~0.1 ms
# less CPU per article, most of it in that thread and the workers).
_CHUNK = 32

# Article graphs written per store transaction. The first batch holds FIRST_BATCH, each
# next one twice as many as the last, up to BATCH_ARTICLES, and a batch ends early once
# its N-Triples reach BATCH_BYTES (memory stays bounded for long articles). An embedded
# store bulk-loads each batch as sorted files that RocksDB then merges in the background;
# fewer, larger batches mean much less merging (8,500 articles: 1.6 → 0.2 ms of CPU per
# article with batches of 2,048 instead of 256), while small inputs still get their
# first graphs written early, alongside the extraction.
FIRST_BATCH = 256
BATCH_ARTICLES = 2048
BATCH_BYTES = 64 * 1024 * 1024
AUTO_AFTER = 256  # workers=None: articles extracted in this process before workers start


def ingest(
    paths: Iterable[str | Path],
    store: KGStore,
    base: str = DEFAULT_BASE,
    on_article: Callable[[str, InputError | None], None] | None = None,
    fail_fast: bool = False,
    overrides: Overrides | None = None,
    max_bytes: int = MAX_BYTES,
    workers: int | None = 1,
    consolidate_after: bool = True,
) -> IngestSummary:
    """Extract every article under ``paths`` and replace its named graph in ``store``.

    A bad file is recorded in ``failures`` and the batch goes on (unless ``fail_fast``);
    articles already stored are never touched by another article's failure. Afterwards the
    consolidated graph is recomputed (with ``overrides`` if given, else the stored ones),
    unless ``consolidate_after`` is false (a bulk load in batches consolidates once, at the end).

    Input is streamed. ``workers`` > 1 extracts in that many processes while this one
    writes (``None``: one per core, once the input has proved longer than
    :data:`AUTO_AFTER` articles; ``summary.workers`` says how many ran); either way
    article graphs are written in input order, up to :data:`BATCH_ARTICLES` per store
    transaction, so each article is either fully stored or not at all, and the result is
    the same for any number of workers.
    """
    lex = load_lexicon()
    with _fewer_collections():
        summary = IngestSummary()
        written_graphs: WrittenGraphs | None = None
        if consolidate_after:
            # the consolidation takes the graphs written here as they were built, instead of
            # reading them back from the store (when they are all the store's article graphs)
            from .consolidate import WrittenGraphs

            written_graphs = WrittenGraphs(base)
        # a fresh store: one load; a store already holding the same gazetteer: no write
        store.replace_graphs([(base + GAZETTEER_GRAPH, gazetteer_ntriples(lex, base))])
        batch: list[_Built] = []
        batch_bytes = 0
        limit = min(FIRST_BATCH, BATCH_ARTICLES)  # articles in this batch, at most
        # One batch is written by a thread of its own while the next is extracted (pyoxigraph
        # and HTTP release the GIL), so the worker processes never wait for the store.
        writing: tuple[Future, list[_Built]] | None = None

        def written() -> None:
            """Wait for the batch being written; count it and report its articles."""
            nonlocal writing
            if writing is None:
                return
            fut, done = writing
            writing = None
            fut.result()  # a store error surfaces here, before anything later is reported
            for b in done:
                if written_graphs is not None:
                    written_graphs.add(b.graph_iri, b.facts)
                summary.articles += 1
                summary.triples += b.triples
                summary.seen_entities.update(b.entities)
                summary.events += b.events
                summary.agreements += b.agreements
                if on_article:
                    on_article(b.source, None)

        def write() -> None:
            nonlocal writing, batch_bytes, limit
            if not batch:
                return
            written()
            graphs = [(b.graph_iri, b.ntriples) for b in batch]
            writing = (writer.submit(store.replace_graphs, graphs), batch.copy())
            batch.clear()
            batch_bytes = 0
            limit = min(2 * limit, BATCH_ARTICLES)

        def started(n: int) -> None:
            summary.workers = n

        results = _built_in_order(
            iter_articles(paths, max_bytes), base, workers, started, facts=consolidate_after
        )
        with ThreadPoolExecutor(1, thread_name_prefix="kg-writer") as writer, closing(results):
            for result in results:  # closing: on fail-fast, stop the workers, drop the rest
                if isinstance(result, _Built):
                    batch.append(result)
                    batch_bytes += len(result.ntriples)
                    if len(batch) >= limit or batch_bytes >= BATCH_BYTES:
                        write()
                    continue
                write()  # what came before the failure is stored before it is reported
                written()
                summary.failures.append(result)
                if on_article:
                    on_article(result.path, result)
                if fail_fast:
                    break
            write()
            written()
        summary.entities = len(summary.seen_entities)
        # cross-article merges, events and tenures, recomputed from every article graph
        if consolidate_after:
            from .consolidate import consolidate

            summary.consolidation = consolidate(store, base, overrides, written_graphs)
        store.flush()
        return summary
