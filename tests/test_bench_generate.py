"""The benchmark's article generator: seedable, varied, and readable by the pipeline."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from kg.extract import extract
from kg.read import read_file

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_same_seed_same_articles_other_seed_other_articles():
    gen = _generator()
    a = list(gen.generate(30, seed=7))
    assert a == list(gen.generate(30, seed=7))
    assert a[10:20] == list(gen.generate(10, seed=7, start=10))  # any slice alone
    b = list(gen.generate(30, seed=8))
    assert [x["text"] for x in a] != [x["text"] for x in b]


def test_articles_vary_in_language_kind_and_wording():
    gen = _generator()
    arts = list(gen.generate(200, seed=1))
    assert {a["lang"] for a in arts} == {"id", "en"}
    assert len({a["url"] for a in arts}) == 200
    assert len({a["text"] for a in arts}) == 200
    first_lines = {a["text"].split("\n")[0].split(" - ")[-1][:25] for a in arts}
    assert len(first_lines) > 60  # many different leads, not one template
    assert all("{" not in a["text"] and "{" not in a["headline"] for a in arts)
    assert 800 < sum(len(a["text"]) for a in arts) / len(arts) < 4000


def test_the_pipeline_reads_people_places_and_events_from_them(tmp_path):
    gen = _generator()
    path = gen.write_jsonl(tmp_path / "a.jsonl", 12, seed=3)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12 and all(json.loads(x)["published"] for x in lines)
    types: set[str] = set()
    events = posts = 0
    for art in read_file(path):
        ex = extract(art)
        types |= {e.type for e in ex.entities.values()}
        events += len(ex.events)
        posts += len(ex.posts)
    assert {"Person", "Province"} <= types
    assert events >= 8 and posts >= 8
