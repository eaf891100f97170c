"""Where an ingest's CPU goes: per stage, per thread and per process.

    python bench/profile_ingest.py stages CORPUS.jsonl [-n 1000] [--cprofile FILE]
    python bench/profile_ingest.py pipeline CORPUS.jsonl --store DIR [--workers N] [--consolidate]

``stages`` runs the ingest path one stage at a time in this one process over the first
``-n`` articles and prints the CPU time of each (``time.process_time``: every thread of
the process, so RocksDB's background work is counted where it happens): reading and
parsing the input, extraction, building the N-Triples, and writing them into a fresh
store folder in batches as ``kg ingest`` does (then flushing it).

``pipeline`` runs :func:`kg.pipeline.ingest` as ``kg ingest`` does (DIR must not exist)
and splits the CPU time: start-up (imports, lexicon), the gazetteer graph, the main
thread (reading, handing articles to the workers, collecting their results), the writer
thread (store calls), the other threads of this process (RocksDB compaction and
flushes, snapshots), the worker processes, and consolidation. All figures are CPU
seconds (user + system) and milliseconds per stored article, so they hold on a loaded
machine; ``2000 / (ms per article)`` is the ceiling in articles/s on two busy cores.
"""

from __future__ import annotations

import argparse
import cProfile
import re
import resource
import sys
import threading
import time
from pathlib import Path

T0 = time.process_time()

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import pipeline  # noqa: E402
from kg.build import DEFAULT_BASE, build_ntriples  # noqa: E402
from kg.errors import InputError  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.lexicon import load_lexicon  # noqa: E402
from kg.read import iter_articles  # noqa: E402
from kg.store import KGStore  # noqa: E402

IMPORTS = time.process_time() - T0


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class ThreadSampler:
    """CPU seconds of every thread of this process by thread name, read from /proc every
    0.2 s (a thread's figures are kept after it ends); Linux only."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._tick = 100.0
        try:
            import os

            self._tick = float(os.sysconf("SC_CLK_TCK"))
        except (ValueError, OSError, AttributeError):
            pass
        self._thread = threading.Thread(target=self._run, name="profile-sampler", daemon=True)

    def sample(self) -> None:
        python_names = {t.native_id: t.name for t in threading.enumerate()}
        for task in Path("/proc/self/task").iterdir():
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            tid = int(task.name)
            if tid in python_names:
                name = python_names[tid]
            elif tid in self.seen:
                name = self.seen[tid][0]
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu = (int(fields[11]) + int(fields[12])) / self._tick
            self.seen[tid] = (name, cpu)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def __enter__(self) -> ThreadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def by_name(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, cpu in self.seen.values():
            key = re.sub(r"\d+", "N", name)
            out[key] = out.get(key, 0.0) + cpu
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _row(name: str, seconds: float, n: int) -> str:
    per = 1000 * seconds / n if n else 0.0
    return f"| {name} | {seconds:.2f} | {per:.2f} |"


def stages(args: argparse.Namespace) -> None:
    t = time.process_time()
    lex = load_lexicon()
    t_lex = time.process_time() - t
    t = time.process_time()
    articles = []
    for item in iter_articles([args.corpus]):
        if isinstance(item, InputError):
            continue
        articles.append(item)
        if len(articles) >= args.n:
            break
    t_read = time.process_time() - t
    n = len(articles)
    prof = cProfile.Profile() if args.cprofile else None
    t = time.process_time()
    if prof:
        prof.enable()
    extractions = [extract(a, lex) for a in articles]
    if prof:
        prof.disable()
        prof.dump_stats(args.cprofile)
    t_extract = time.process_time() - t
    t = time.process_time()
    built = [build_ntriples(ex, DEFAULT_BASE) for ex in extractions]
    t_build = time.process_time() - t
    store_dir = Path(args.store or f"/tmp/profile-ingest-{time.time_ns()}")
    store = KGStore(str(store_dir))
    t = time.process_time()
    batch = pipeline.BATCH_ARTICLES
    for i in range(0, n, batch):
        store.replace_graphs([(b.iri, b.ntriples) for b in built[i : i + batch]])
    t_write = time.process_time() - t
    t = time.process_time()
    store.flush()
    store.close()
    t_close = time.process_time() - t
    print(f"{n} articles, {sum(b.triples for b in built)} triples (one process)\n")
    print("| stage | CPU s | ms per article |\n|---|---|---|")
    print(_row("imports (once)", IMPORTS, n))
    print(_row("lexicon (once)", t_lex, n))
    print(_row("read", t_read, n))
    print(_row("extract", t_extract, n))
    print(_row("build N-Triples", t_build, n))
    print(_row(f"store writes ({batch} per batch)", t_write, n))
    print(_row("flush + close", t_close, n))


def run_pipeline(args: argparse.Namespace) -> None:
    if args.batch:
        pipeline.BATCH_ARTICLES = args.batch
    store_dir = Path(args.store)
    if store_dir.exists():
        sys.exit(f"{store_dir} exists; give a new folder")
    writer_cpu = 0.0
    writer_lock = threading.Lock()
    gaz = [0.0]
    n_calls = [0]
    store = KGStore(str(store_dir))
    original = store.replace_graphs

    def timed_replace(graphs):  # runs in the writer thread (and once for the gazetteer)
        nonlocal writer_cpu
        t = time.thread_time()
        try:
            return original(graphs)
        finally:
            with writer_lock:
                n_calls[0] += 1
                if n_calls[0] == 1 and threading.current_thread() is threading.main_thread():
                    gaz[0] += time.thread_time() - t
                else:
                    writer_cpu += time.thread_time() - t

    store.replace_graphs = timed_replace  # type: ignore[method-assign]
    from kg import reference

    gaz_build = [0.0]
    original_gaz = reference.gazetteer_ntriples

    def timed_gaz(*a, **kw):
        t = time.thread_time()
        try:
            return original_gaz(*a, **kw)
        finally:
            gaz_build[0] += time.thread_time() - t

    pipeline.gazetteer_ntriples = timed_gaz  # type: ignore[attr-defined]
    consol = [0.0, 0.0]  # process, thread
    from kg import consolidate as consolidation

    original_consolidate = consolidation.consolidate

    def timed_consolidate(*a, **kw):
        p, t = time.process_time(), time.thread_time()
        try:
            return original_consolidate(*a, **kw)
        finally:
            consol[0] += time.process_time() - p
            consol[1] += time.thread_time() - t

    consolidation.consolidate = timed_consolidate  # type: ignore[assignment]
    p0, m0, c0, w0 = time.process_time(), time.thread_time(), _children_cpu(), time.monotonic()
    with ThreadSampler() as threads:
        summary = pipeline.ingest(
            [args.corpus], store, workers=args.workers, consolidate_after=args.consolidate
        )
        wall_ingest = time.monotonic() - w0
        p1, m1 = time.process_time(), time.thread_time()
        store.close()
    p2, c2, wall = time.process_time(), _children_cpu(), time.monotonic() - w0
    n = summary.articles
    main_thread = (m1 - m0) - gaz_build[0] - gaz[0] - consol[1]
    process = (p2 - p0) - consol[0]
    other = process - main_thread - writer_cpu - gaz_build[0] - gaz[0]
    workers = c2 - c0
    total = IMPORTS + process + workers + consol[0]
    print(
        f"{n} articles, {summary.triples} triples, workers {summary.workers}; "
        f"wall {wall:.1f} s ({wall_ingest:.1f} s in ingest())\n"
    )
    print("| where | CPU s | ms per article |\n|---|---|---|")
    print(_row("imports (main process)", IMPORTS, n))
    print(_row("gazetteer graph built", gaz_build[0], n))
    print(_row("gazetteer graph written", gaz[0], n))
    print(_row("main thread: read, hand out, collect, extract before workers", main_thread, n))
    print(_row("writer thread: store writes", writer_cpu, n))
    print(_row("other threads of the main process (RocksDB, snapshots, close)", other, n))
    print(_row("worker processes (start-up + extract + build)", workers, n))
    print(_row("consolidation (all threads)", consol[0], n))
    print(_row("**total**", total, n))
    print("\nThreads of the main process by name (CPU s, sampled from /proc):")
    for name, cpu in threads.by_name().items():
        print(f"  {name}: {cpu:.2f} s ({1000 * cpu / n:.2f} ms per article)")
    if total:
        print(f"\n2-core ceiling: {2000 / (1000 * total / n):.0f} articles/s")
    _ = p1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stages")
    s.add_argument("corpus")
    s.add_argument("-n", type=int, default=1000)
    s.add_argument("--store", help="store folder to write (default: a new one in /tmp)")
    s.add_argument("--cprofile", metavar="FILE", help="cProfile the extraction into FILE")
    p = sub.add_parser("pipeline")
    p.add_argument("corpus")
    p.add_argument("--store", required=True)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--consolidate", action="store_true")
    p.add_argument(
        "--batch",
        type=int,
        help=f"articles per store write (pipeline.BATCH_ARTICLES, {pipeline.BATCH_ARTICLES})",
    )
    args = ap.parse_args()
    if args.cmd == "stages":
        stages(args)
    else:
        run_pipeline(args)


if __name__ == "__main__":
    main()
