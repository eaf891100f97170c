"""The gazetteer matcher finds exactly what the regex alternation it replaced found."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from kg.lexicon import HANGUL, SurfaceMatcher, load_lexicon

ROOT = Path(__file__).resolve().parents[1]


def _alternation(surfaces: list[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))


@pytest.fixture(scope="module")
def engines():
    """(matcher, the regex it stands for) for the Latin and the Hangul surfaces."""
    lex = load_lexicon()
    latin = [s for s in lex.surface_index if not HANGUL.search(s)]
    hangul = [s for s in lex.surface_index if HANGUL.search(s)]
    return [
        (lex.gaz_regex, re.compile(r"(?<![\w])(?:" + _alternation(latin) + r")(?![\w])"), latin),
        (
            lex.hangul_regex,
            re.compile(r"(?<![\uac00-\ud7a3])(?:" + _alternation(hangul) + ")"),
            hangul,
        ),
    ]


def _texts(surfaces: list[str], seed: int, n: int) -> list[str]:
    """Surfaces glued by separators that make or break word boundaries, plus truncations
    and extensions of surfaces (shorter and longer candidates at one position)."""
    rng = random.Random(seed)
    glue = [" ", "", "-", "_", "é", "2", "서", "는", ".", ", ", "\n", "a", "(", " dan ", "시"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 12)):
            s = rng.choice(surfaces)
            r = rng.random()
            if r < 0.2:
                s = s[: rng.randint(1, len(s))]
            elif r < 0.4:
                s = s + rng.choice(glue) + rng.choice(surfaces)
            parts.append(s)
            parts.append(rng.choice(glue))
        out.append("".join(parts))
    return out


def _spans(it) -> list[tuple[int, int]]:
    return [m.span() for m in it]


def test_same_matches_as_the_regex_on_the_project_articles(engines):
    files = [
        f
        for d in ("data/articles", "tests/articles")
        for f in sorted((ROOT / d).iterdir())
        if f.suffix in (".txt", ".html", ".jsonl")
    ]
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        for matcher, rx, _surfaces in engines:
            assert _spans(matcher.finditer(text)) == _spans(rx.finditer(text)), f.name


def test_same_search_and_match_as_the_regex_on_glued_surfaces(engines):
    rng = random.Random(7)
    for seed, (matcher, rx, surfaces) in enumerate(engines):
        for text in _texts(surfaces, seed, 300):
            assert _spans(matcher.finditer(text)) == _spans(rx.finditer(text)), text
            for pos in rng.sample(range(len(text) + 1), min(8, len(text) + 1)):
                got, want = matcher.search(text, pos), rx.search(text, pos)
                assert (got and got.span()) == (want and want.span()), (text, pos)
                got, want = matcher.match(text, pos), rx.match(text, pos)
                assert (got and (got.span(), got.group(0))) == (
                    want and (want.span(), want.group(0))
                ), (text, pos)


def test_match_on_a_fresh_text_looks_only_at_its_position():
    m = SurfaceMatcher(["Jawa", "Jawa Barat", "Barat"], lambda t, s, e: True)
    text = "di Jawa Barat"
    assert m.match(text, 3).group(0) == "Jawa Barat"  # no scan of this text yet
    assert m.match(text, 0) is None
    assert m.search(text).span() == (3, 13)
    assert m.match(text, 8).group() == "Barat"  # from the scan now cached
    assert m.match("Barat", 0).span() == (0, 5)


def test_no_surfaces_finds_nothing():
    m = SurfaceMatcher([], lambda t, s, e: True)
    assert m.search("anything") is None and m.match("anything") is None
    assert list(m.finditer("anything")) == []


def test_a_match_has_only_group_zero():
    m = SurfaceMatcher(["Seoul"], lambda t, s, e: True).search("in Seoul")
    assert (m.start(), m.end(), m.group(0)) == (3, 8, "Seoul")
    with pytest.raises(IndexError):
        m.group(1)
