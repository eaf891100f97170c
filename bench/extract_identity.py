"""Check that extraction output stays byte-identical while the extractor is optimised.

    python bench/extract_identity.py dump -o /tmp/base.dump  SYNTH.jsonl [GOLD_DIR ...]
    python bench/extract_identity.py compare /tmp/base.dump SYNTH.jsonl [GOLD_DIR ...]

For every article it records the extraction's full dataclass contents (offsets, rules,
confidences, evidence), the gold-schema JSON (what ``kg extract --format json`` prints)
and the built graph's sorted N-Triples. Inputs: the JSONL/txt/html files or folders
given, the project's own articles (``tests/articles``, ``data/articles``) always, and
gold folders (``<id>.txt`` beside ``<id>.json``; read with the gold file's url, as
``kg eval`` does). Besides the articles themselves it extracts seeded mixtures of their
paragraphs, so rules meet neighbours they never meet in one article. ``compare`` prints
the first differing article and exits 1 on any difference. Dumps may hold third-party
text: keep them outside the project.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.build import build_graph  # noqa: E402
from kg.errors import InputError  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.lexicon import load_lexicon  # noqa: E402
from kg.model import Article  # noqa: E402
from kg.read import article_from_text, iter_articles, read_file  # noqa: E402

MIXES = 300


_given: tuple[str, ...] = ()


def _articles(paths: list[str]) -> Iterator[Article]:
    global _given
    files: list[str] = [str(ROOT / "tests" / "articles"), str(ROOT / "data" / "articles")]
    gold_dirs = []
    for p in paths:
        path = Path(p)
        if path.is_dir() and any(path.rglob("*.json")):
            gold_dirs.append(path)
        else:
            files.append(p)
    _given = tuple(str(Path(p)) for p in files[2:])
    for item in iter_articles(files, 10**8):
        if not isinstance(item, InputError):
            yield item
    for folder in gold_dirs:
        for js in sorted(folder.rglob("*.json")):
            txt = js.with_suffix(".txt")
            if not txt.exists():
                continue
            url = json.loads(js.read_text(encoding="utf-8")).get("url")
            for item in read_file(txt, url=url if isinstance(url, str) else None):
                if not isinstance(item, InputError):
                    yield item


def _mixtures(arts: list[Article]) -> Iterator[Article]:
    rng = random.Random(5)
    # the hand-written and real articles, plus a few synthetic ones
    pool = [a for a in arts if not a.source.startswith(_given)][:200] + [
        a for a in arts if a.source.startswith(_given)
    ][:50]
    paras = [p for a in pool for p in a.text.split("\n\n")]
    paras = [p for p in paras if p.strip()]
    for i in range(MIXES if paras else 0):
        text = "\n\n".join(rng.sample(paras, min(len(paras), rng.randint(2, 8))))
        try:
            yield article_from_text(text, f"mix-{i}")
        except InputError:
            continue


def _record(art: Article) -> str:
    ex = extract(art, load_lexicon())
    full = repr(dataclasses.asdict(ex))
    js = json.dumps(ex.to_json(), ensure_ascii=False, indent=2)
    nt = "\n".join(sorted(build_graph(ex).serialize(format="nt").splitlines()))
    return f"{art.source}\n{full}\n{js}\n{nt}\n"


def _run(paths: list[str]) -> tuple[list[str], float]:
    arts = list(_articles(paths))
    arts += list(_mixtures(arts))
    t0 = time.process_time()
    out = [_record(a) for a in arts]
    return out, time.process_time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("-o", "--output", required=True)
    d.add_argument("paths", nargs="*")
    c = sub.add_parser("compare")
    c.add_argument("baseline")
    c.add_argument("paths", nargs="*")
    args = ap.parse_args()
    records, cpu = _run(args.paths)
    digest = hashlib.sha256("".join(records).encode()).hexdigest()
    print(f"{len(records)} articles, {cpu:.1f} s CPU (extract+build+nt), sha256 {digest[:16]}")
    if args.cmd == "dump":
        Path(args.output).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return 0
    base = json.loads(Path(args.baseline).read_text(encoding="utf-8"))
    if len(base) != len(records):
        print(f"DIFFERENT: {len(base)} articles in the baseline, {len(records)} now")
        return 1
    bad = [i for i, (a, b) in enumerate(zip(base, records, strict=True)) if a != b]
    if not bad:
        print("identical")
        return 0
    i = bad[0]
    print(f"DIFFERENT: {len(bad)} articles, first {records[i].splitlines()[0]}")
    import difflib

    diff = difflib.unified_diff(base[i].splitlines(), records[i].splitlines(), lineterm="", n=1)
    print("\n".join(list(diff)[:60]))
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
