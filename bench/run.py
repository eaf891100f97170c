"""Benchmark: ingest throughput, memory, store size, and named-query latency against rdflib.

    python bench/run.py                      # 1,000 articles (the default, "1k")
    python bench/run.py --size 10k --workers 2
    python bench/run.py --size 100k --workers 2 --rdflib-max-quads 3000000

What it does, all in one run:

1. Generates the articles with ``bench/generate.py`` (seeded; cached in the work folder).
2. Ingests them with ``kg ingest`` (the command itself, as a user runs it) into a fresh
   embedded store (a folder) in a child process, timing extraction + writing and the
   consolidation step separately, and
   sampling the resident memory of that process and its workers every 0.1 s (peak RSS).
3. Runs ``kg optimize`` on the store (timed; ``--no-optimize`` skips it) and measures the
   store folder on disk.
4. Runs every named query in ``queries/`` with realistic parameters (the most reported
   Indonesian and Korean regions, a year, an agreement type …) ``--repeat`` times against
   the store and reports p50/p95 latency.
5. Dumps the dataset as N-Quads, loads it into rdflib's in-memory ``Dataset`` (union
   default graph) in another child process, and runs the same queries with the same
   parameters (as VALUES blocks, as for a SPARQL server), each under a per-query
   timeout (``--rdflib-timeout``; reported as "> N s" instead of hanging). The ratio is
   rdflib's p50 over Oxigraph's. Skipped above ``--rdflib-max-quads`` (rdflib holds
   ~1.2 GiB per million triples).

Prints a Markdown report (and ``--json FILE`` writes the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package)

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}

# realistic parameter values: the generator's most reported places (the head of its
# popularity order), a year in its range, common types
ENTITY_A = "Aceh"
ENTITY_B = "Seoul"
PARAMS_BY_NAME = {"year": "2020", "on": "2020", "role": "governor", "organization": ENTITY_A}


def query_params(name: str, params) -> dict[str, str]:
    values: dict[str, str] = {}
    for p in params:
        if p.kind == "entity":
            values[p.name] = ENTITY_B if p.name == "b" else ENTITY_A
        elif p.name == "type":
            values[p.name] = {
                "most-connected": "Province",
                "single-source-events": "Signing",
            }.get(name, "MoU")
        elif p.name in PARAMS_BY_NAME:
            values[p.name] = PARAMS_BY_NAME[p.name]
    return values


# --------------------------------------------------------------------------- memory


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def cpu_of_children() -> float:
    """User + system CPU seconds of every finished descendant (workers included)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_measured(cmd: list[str], timeout: float | None = None) -> tuple[str, float, int]:
    """Run ``cmd``; return its stdout, wall time and peak RSS of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed ({proc.returncode}): {' '.join(cmd)}")
    return out, wall, peak


# --------------------------------------------------------------------------- children


def child_ingest(store: str, path: str, workers: int) -> None:
    """In a child process: ``kg --store STORE ingest PATH --workers N`` as a user runs it
    (the click command, in this process), timing the consolidation apart."""
    import kg.consolidate as consolidation
    import kg.pipeline as pipeline
    from kg.cli import main as kg_main

    timings: dict[str, float] = {}
    consolidate = consolidation.consolidate  # the pipeline imports it when it runs it
    run_ingest = pipeline.ingest  # the command imports it when it runs
    summaries = []

    def timed_consolidate(*args, **kwargs):
        t = time.perf_counter()
        try:
            return consolidate(*args, **kwargs)
        finally:
            timings["consolidate"] = time.perf_counter() - t

    def kept_ingest(*args, **kwargs):
        summaries.append(run_ingest(*args, **kwargs))
        return summaries[-1]

    consolidation.consolidate = timed_consolidate
    pipeline.ingest = kept_ingest
    t0 = time.perf_counter()
    args = ["--store", store, "ingest", path, "--workers", str(workers), "--quiet"]
    try:
        kg_main(args, standalone_mode=False)
    except SystemExit as exc:  # some articles failed: reported below
        if exc.code not in (0, 1, None):
            raise
    total = time.perf_counter() - t0
    (summary,) = summaries
    print(
        json.dumps(
            {
                "articles": summary.articles,
                "failed": summary.failed,
                "triples": summary.triples,
                "entities": summary.entities,
                "events": summary.events,
                "seconds": total,
                "consolidate_seconds": timings.get("consolidate", 0.0),
            }
        )
    )


class QueryTimeout(BaseException):
    """Raised by the alarm; a BaseException because rdflib swallows Exception subclasses
    while it evaluates FILTERs (see /work/shared/stack-facts.md)."""


def child_rdflib(nquads: str, plan_file: str, timeout: float, repeat: int) -> None:
    """In a child process: load the dump into rdflib's Dataset and run the query plan."""
    from rdflib import Dataset

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    load = time.perf_counter() - t
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))

    def on_alarm(signum, frame):
        raise QueryTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    results = {}
    for name, sparql in plan.items():
        times: list[float] = []
        rows = None
        status = "ok"
        for _ in range(repeat):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            t = time.perf_counter()
            try:
                rows = len(list(ds.query(sparql)))
            except QueryTimeout:
                status = "timeout"
                break
            except Exception as exc:  # report rdflib's failure, go on with the next query
                status = f"error: {type(exc).__name__}: {str(exc)[:80]}"
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - t)
            if sum(times) > 3 * timeout:
                break  # enough samples of a slow query
        results[name] = {"status": status, "times": times, "rows": rows}
    print(json.dumps({"load_seconds": load, "quads": len(ds), "queries": results}))


# --------------------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=list(SIZES), default="1k", help="corpus size (1k)")
    ap.add_argument("--articles", type=int, help="any other number of articles")
    ap.add_argument("--workers", type=int, default=2, help="kg ingest --workers (2)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=20, help="runs per query (20)")
    ap.add_argument(
        "--query-budget", type=float, default=30.0, help="seconds of repeats per query (30)"
    )
    ap.add_argument("--oxigraph-timeout", type=float, default=60.0, help="seconds per query (60)")
    ap.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds per query")
    ap.add_argument("--rdflib-max-quads", type=int, default=3_000_000)
    ap.add_argument("--workdir", type=Path, help="keep corpus and store here")
    ap.add_argument(
        "--reuse-store",
        action="store_true",
        help="with --workdir: query the store a previous run left there (no ingest)",
    )
    ap.add_argument(
        "--no-optimize",
        dest="optimize",
        action="store_false",
        help="time the queries right after the ingest, without `kg optimize` first",
    )
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--_child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        kind, *rest = args._child
        if kind == "ingest":
            child_ingest(rest[0], rest[1], int(rest[2]))
        else:
            child_rdflib(rest[0], rest[1], float(rest[2]), int(rest[3]))
        return

    n = args.articles or SIZES[args.size]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"articles-{n}-seed{args.seed}.jsonl"
    if not corpus.exists():
        print(f"generating {n} articles → {corpus}", file=sys.stderr)
        generate.write_jsonl(corpus, n, args.seed)
    store_dir = work / "store"
    me = [sys.executable, str(Path(__file__).resolve())]
    reused = args.reuse_store and store_dir.is_dir()
    if reused:  # queries only: the ingest figures come from the run that built it
        print(f"reusing the store in {store_dir} (no ingest)", file=sys.stderr)
        ing = {"articles": n, "failed": 0, "triples": 0, "entities": 0, "events": 0}
        ing.update(seconds=0.0, consolidate_seconds=0.0)
        wall = cpu = 0.0
        peak = 0
    else:
        shutil.rmtree(store_dir, ignore_errors=True)
        print(f"ingesting with {args.workers} worker(s) …", file=sys.stderr)
        cpu0 = cpu_of_children()
        out, wall, peak = run_measured(
            me + ["--_child", "ingest", str(store_dir), str(corpus), str(args.workers)]
        )
        cpu = cpu_of_children() - cpu0
        ing = json.loads(out.strip().splitlines()[-1])
    optimize_wall = optimize_cpu = 0.0
    if args.optimize and not reused:
        # `kg optimize`, as a user runs it after a large ingest: RocksDB would otherwise
        # merge the files the bulk loads wrote in the background of the query process,
        # and the queries timed below would vary with how far it had got
        print("kg optimize …", file=sys.stderr)
        cpu0 = cpu_of_children()
        kg = Path(sys.executable).with_name("kg")
        _out, optimize_wall, _peak = run_measured([str(kg), "--store", str(store_dir), "optimize"])
        optimize_cpu = cpu_of_children() - cpu0
    size = folder_size(store_dir)

    from kg.errors import QueryError
    from kg.query import bind_params, list_queries, run_query, run_query_with_timeout
    from kg.store import open_store
    from kg.store.bind import inject_values

    store = open_store(str(store_dir), read_only=True)
    quads = len(store)
    queries = list_queries()
    print(f"running {len(queries)} named queries on Oxigraph …", file=sys.stderr)
    ox_times: dict[str, list[float]] = {}
    ox_cpu: dict[str, list[float]] = {}
    ox_rows: dict[str, int] = {}
    plan: dict[str, str] = {}
    for q in queries:
        bindings = bind_params(store, q, query_params(q.name, q.params))
        hide = tuple(p.name for p in q.params)
        plan[q.name] = inject_values(q.text, bindings)
        # first in a child process that is stopped after --oxigraph-timeout: a query
        # cannot be interrupted in this process
        try:
            run_query_with_timeout(str(store_dir), q.text, bindings, hide, args.oxigraph_timeout)
        except QueryError as exc:
            if "stopped after" not in str(exc):
                raise
            print(f"  {q.name}: > {args.oxigraph_timeout:g} s (timeout)", file=sys.stderr)
            del plan[q.name]  # not run on rdflib either
            ox_times[q.name], ox_cpu[q.name], ox_rows[q.name] = [], [], -1
            continue
        run_query(store, q.text, bindings, hide)  # warm-up in this process
        times: list[float] = []
        cpu_times: list[float] = []
        for _ in range(args.repeat):
            c = time.process_time()
            t = time.perf_counter()
            res = run_query(store, q.text, bindings, hide)
            times.append(time.perf_counter() - t)
            cpu_times.append(time.process_time() - c)
            if len(times) >= 3 and sum(times) > args.query_budget:
                break  # a slow query: fewer samples
        print(f"  {q.name}: p50 {ms(pct(times, 50))} ms ({len(times)} runs)", file=sys.stderr)
        ox_times[q.name] = times
        ox_cpu[q.name] = cpu_times
        ox_rows[q.name] = len(res.rows)

    rdf: dict | None = None
    rdf_wall = rdf_peak = 0.0
    if quads <= args.rdflib_max_quads:
        dump = work / "dump.nq"
        with dump.open("wb") as fh:
            store.dump(fh, "nquads")
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        print(f"rdflib: loading {quads} quads and running the queries …", file=sys.stderr)
        out, rdf_wall, rdf_peak = run_measured(
            me
            + [
                "--_child",
                "rdflib",
                str(dump),
                str(plan_file),
                str(args.rdflib_timeout),
                str(min(args.repeat, 5)),
            ]
        )
        rdf = json.loads(out.strip().splitlines()[-1])
    store.close()

    # ---------------------------------------------------------------- the report
    ingest_s = max(1e-9, ing["seconds"] - ing["consolidate_seconds"])
    figures = {
        "articles": ing["articles"],
        "failed": ing["failed"],
        "workers": args.workers,
        "triples": ing["triples"],
        "quads_in_store": quads,
        "wall_seconds": wall,
        "ingest_seconds": ingest_s,
        "consolidate_seconds": ing["consolidate_seconds"],
        "articles_per_s_end_to_end": ing["articles"] / wall,
        "articles_per_s_ingest": ing["articles"] / ingest_s,
        "triples_per_s_ingest": ing["triples"] / ingest_s,
        "peak_rss_bytes": peak,
        "cpu_seconds": cpu,
        "store_bytes": size,
        "optimize_seconds": optimize_wall,
        "optimize_cpu_seconds": optimize_cpu,
        "queries": {},
        "rdflib": None,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
    }
    lines = [
        f"### {ing['articles']:,} articles (seed {args.seed}, {args.workers} worker(s))",
        "",
        "| ingest | value |",
        "|---|---|",
        f"| articles stored / failed | {ing['articles']:,} / {ing['failed']} |",
        f"| article triples / quads in store | {ing['triples']:,} / {quads:,} |",
        f"| wall time, whole `kg ingest` | {wall:.1f} s |",
        f"| … extraction + writes | {ingest_s:.1f} s |",
        f"| … consolidation | {ing['consolidate_seconds']:.1f} s |",
        f"| articles/s end to end | {ing['articles'] / wall:.1f} |",
        f"| articles/s, triples/s (extraction + writes) | "
        f"{ing['articles'] / ingest_s:.1f}, {ing['triples'] / ingest_s:,.0f} |",
        f"| CPU time, all processes | {cpu:.1f} s ({cpu / max(1, ing['articles']) * 1000:.1f} ms "
        "per article) |",
        f"| peak RSS (all processes) | {peak / 2**20:,.0f} MiB |",
        f"| store size on disk | {size / 2**20:,.1f} MiB |",
        *(
            [
                f"| then `kg optimize` (compaction), wall / CPU | {optimize_wall:.1f} s / "
                f"{optimize_cpu:.1f} s |",
                f"| articles/s counting `kg optimize` too | "
                f"{ing['articles'] / (wall + optimize_wall):.1f} |",
            ]
            if args.optimize and not reused
            else []
        ),
        "",
    ]
    if reused:
        lines = [lines[0], "", f"Store reused from an earlier run ({size / 2**20:,.1f} MiB).", ""]
    header = "| query | rows | Oxigraph p50 ms | p95 ms | CPU p50 ms | ≤ 200 ms? |"
    sep = "|---|---|---|---|---|---|"
    if rdf is not None:
        header += " rdflib p50 ms | rdflib p95 ms | rdflib ÷ Oxigraph |"
        sep += "---|---|---|"
    lines += [header, sep]
    ox_total = rdf_total = 0.0
    rdf_lower_bound = False
    ox_lower_bound = False
    ox_done = 0.0  # the queries that finished on Oxigraph (the ratio is over these)
    for q in queries:
        t = ox_times[q.name]
        if t:
            p50, p95 = pct(t, 50), pct(t, 95)
            cpu50 = pct(ox_cpu[q.name], 50)
            ok = "yes" if p50 <= 0.2 else ("CPU only" if cpu50 <= 0.2 else "no")
            row = f"| {q.name} | {ox_rows[q.name]} | {ms(p50)} | {ms(p95)} | {ms(cpu50)} | {ok} |"
        else:  # stopped after the timeout
            p50 = p95 = args.oxigraph_timeout
            ox_lower_bound = True
            row = f"| {q.name} | ? | > {ms(p50)} (timeout) | – | – | no |"
        ox_total += p50
        ox_done += p50 if t else 0.0
        entry = {"rows": ox_rows[q.name], "p50": p50, "p95": p95, "timeout": not t}
        if rdf is not None:
            r = rdf["queries"].get(q.name, {})
            if not t:
                rdf_p50 = 0.0
                row += " not run | – | – |"
            elif r["status"] == "timeout":
                rdf_p50 = args.rdflib_timeout
                rdf_lower_bound = True
                row += (
                    f" > {args.rdflib_timeout * 1000:.0f} (timeout) | – | > {rdf_p50 / p50:,.0f}× |"
                )
            elif r["status"] != "ok":
                rdf_p50 = 0.0
                row += f" {r['status']} | – | – |"
            else:
                rdf_p50 = statistics.median(r["times"])
                same = "" if r["rows"] == ox_rows[q.name] else f" ({r['rows']} rows)"
                row += f" {ms(rdf_p50)}{same} | {ms(pct(r['times'], 95))} | {rdf_p50 / p50:,.1f}× |"
            rdf_total += rdf_p50
            entry["rdflib"] = {"status": r.get("status"), "p50": rdf_p50, "rows": r.get("rows")}
        figures["queries"][q.name] = entry
        lines.append(row)
    if rdf is not None:
        more = "> " if rdf_lower_bound else ""
        ox_more = "> " if ox_lower_bound else ""
        lines.append(
            f"| **whole suite (sum of p50)** | | {ox_more}{ms(ox_total)} | | | | "
            f"{more}{ms(rdf_total)} | | {more}{rdf_total / ox_done:,.0f}× |"
        )
        figures["rdflib"] = {
            "load_seconds": rdf["load_seconds"],
            "quads": rdf["quads"],
            "peak_rss_bytes": rdf_peak,
            "suite_ratio": rdf_total / ox_done,
            "suite_ratio_is_lower_bound": rdf_lower_bound,
        }
        lines += [
            "",
            f"rdflib `Dataset(default_union=True)` loaded the N-Quads dump "
            f"({rdf['quads']:,} triples in the union) in {rdf['load_seconds']:.1f} s, "
            f"peak RSS {rdf_peak / 2**20:,.0f} MiB; per-query timeout {args.rdflib_timeout:.0f} s.",
        ]
    else:
        lines.append(f"| **whole suite (sum of p50)** | | {ms(ox_total)} | | | |")
        lines += ["", f"rdflib skipped: {quads:,} quads > --rdflib-max-quads."]
    if ox_lower_bound:
        lines += [
            "",
            f"Oxigraph queries marked timeout were stopped after {args.oxigraph_timeout:g} s "
            "and not run on rdflib; the suite ratio is over the others.",
        ]
    lines += ["", f"Machine: {figures['machine']}."]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
