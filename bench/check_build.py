"""Check that the RDF builder gives the same triples as a saved baseline.

    python bench/check_build.py save BASELINE.pkl ARTICLES...   # on the reference code
    python bench/check_build.py check BASELINE.pkl              # on the code under test

``save`` reads and extracts every article under ARTICLES (files or folders, as
``kg ingest`` takes them) and stores each extraction with the triples the builder made
of it (or the builder's error). ``check`` builds the same extractions again with the
current code, both through :func:`kg.build.build_graph` (an rdflib Graph) and through
:func:`kg.build.build_ntriples` (the ingest path) when it exists, and reports every
article whose triples differ. Extraction is not rerun, so changes to the extractor do
not show up here: this checks the builder alone.

Triples are compared as parsed by pyoxigraph and written back as canonical N-Triples, so
escaping and order do not matter. The builder makes no blank nodes.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg import build  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.lexicon import load_lexicon  # noqa: E402
from kg.read import iter_articles  # noqa: E402


def canonical(ntriples: bytes) -> tuple[str, ...]:
    """Sorted canonical lines of an N-Triples document."""
    return tuple(sorted({str(t) for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)}))


def _graph_triples(extraction) -> tuple[str, str | tuple[str, ...]]:
    try:
        g = build.build_graph(extraction)
    except ValueError as exc:
        return "error", str(exc)
    return str(g.identifier), canonical(g.serialize(format="nt", encoding="utf-8"))


def _fast_triples(extraction) -> tuple[str, str | tuple[str, ...]] | None:
    fast = getattr(build, "build_ntriples", None)
    if fast is None:
        return None
    try:
        iri, nt, _n = fast(extraction)
    except ValueError as exc:
        return "error", str(exc)
    return iri, canonical(nt)


def save(out: Path, paths: list[str]) -> None:
    lex = load_lexicon()
    n = 0
    with out.open("wb") as fh:
        for item in iter_articles(paths):
            if not hasattr(item, "text"):
                continue
            ex = extract(item, lex)
            pickle.dump((item.source, ex, _graph_triples(ex)), fh)
            n += 1
    print(f"saved {n} articles to {out}")


def check(baseline: Path, limit: int | None) -> int:
    n = bad = 0
    t_graph = t_fast = 0.0
    with baseline.open("rb") as fh:
        while limit is None or n < limit:
            try:
                source, ex, expected = pickle.load(fh)
            except EOFError:
                break
            n += 1
            t0 = time.process_time()
            got = _graph_triples(ex)
            t1 = time.process_time()
            fast = _fast_triples(ex)
            t2 = time.process_time()
            t_graph += t1 - t0
            t_fast += t2 - t1
            for what, value in (("build_graph", got), ("build_ntriples", fast)):
                if value is None or value == expected:
                    continue
                bad += 1
                print(f"{source}: {what} differs from the baseline")
                if value[0] != expected[0]:
                    print(f"  graph/error: {value[0]!r} != {expected[0]!r}")
                if isinstance(value[1], tuple) and isinstance(expected[1], tuple):
                    for line in sorted(set(expected[1]) - set(value[1]))[:5]:
                        print(f"  missing: {line[:200]}")
                    for line in sorted(set(value[1]) - set(expected[1]))[:5]:
                        print(f"  extra:   {line[:200]}")
                else:
                    print(f"  {value[1]!r:.200} != {expected[1]!r:.200}")
    ms = 1000 / max(n, 1)
    print(
        f"{n} articles, {bad} differences; CPU per article: build_graph {t_graph * ms:.2f} ms, "
        f"build_ntriples {t_fast * ms:.2f} ms"
    )
    return 1 if bad or n == 0 else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save", help="extract and build with this code; save as the baseline")
    s.add_argument("baseline", type=Path)
    s.add_argument("paths", nargs="+")
    c = sub.add_parser("check", help="build the saved extractions again and compare")
    c.add_argument("baseline", type=Path)
    c.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    if args.cmd == "save":
        save(args.baseline, args.paths)
        return 0
    return check(args.baseline, args.limit)


if __name__ == "__main__":
    sys.exit(main())
