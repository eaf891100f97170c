"""The gazetteer matcher finds exactly what the regex alternation it replaced found."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from kg.lexicon import HANGUL, SurfaceMatcher, load_lexicon

ROOT = Path(__file__).resolve().parents[1]


def project_texts() -> list[str]:
    """The project's own articles (data/articles, tests/articles), whole files."""
    return [
        f.read_text(encoding="utf-8")
        for d in ("data/articles", "tests/articles")
        for f in sorted((ROOT / d).iterdir())
        if f.suffix in (".txt", ".html", ".jsonl")
    ]


def _alternation(surfaces: list[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))


@pytest.fixture(scope="module")
def engines():
    """(matcher, the regex it stands for) for the Latin and the Hangul surfaces and the
    Latin role titles."""
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
        # role titles: the matcher for scans of whole texts, the regex for the rest
        (lex.role_matcher, lex.role_regex, [r for r in lex.roles if not HANGUL.search(r)]),
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


def _reference_trigger_rx(pattern: str, flags: int) -> re.Pattern[str]:
    """How trigger and sector patterns were compiled before the boundaries were factored
    out of the alternation: one alternative per word, longest first."""
    parts = sorted((p.strip() for p in pattern.split("|") if p.strip()), key=len, reverse=True)
    return re.compile(
        "|".join(
            re.escape(p) if HANGUL.search(p) else r"(?<![\w])" + re.escape(p) + r"(?:nya)?(?![\w])"
            for p in parts
        ),
        flags,
    )


def _patterns(name: str) -> list[str]:
    with (ROOT / "data" / "lexicon" / name).open(encoding="utf-8", newline="") as fh:
        return [r["pattern"] for r in csv.DictReader(fh)]


def test_trigger_patterns_match_like_one_alternative_per_word():
    lex = load_lexicon()
    events = [(rx, re.I) for _t, _l, rx, _c in lex.event_triggers]
    agreements = [(rx, 0) for _t, rx in lex.agreement_triggers]
    sectors = [(rx, re.I) for _s, rx in lex.sectors]
    compiled = list(zip(_patterns("event_triggers.csv"), events, strict=True))
    compiled += zip(_patterns("agreement_triggers.csv"), agreements, strict=True)
    compiled += zip(_patterns("sectors.csv"), sectors, strict=True)
    assert len(compiled) > 50
    for n, (pattern, (rx, flags)) in enumerate(compiled):
        ref = _reference_trigger_rx(pattern, flags)
        words = [w.strip() for w in pattern.split("|") if w.strip()]
        variants = words + [w.upper() for w in words] + [w + "nya" for w in words]
        for text in _texts(variants, n, 40):
            assert _spans(rx.finditer(text)) == _spans(ref.finditer(text)), (pattern, text)


def test_date_patterns_skipped_without_what_they_need_need_it():
    """find_dates scans a pattern listed in _NEEDS only over text holding what it needs (a
    digit, a month or weekday name, a Korean date unit): each of its matches on the
    project's articles holds all of it."""
    from kg.dates import _NEEDS, _compiled, _present

    lex = load_lexicon()
    p, names = _compiled(lex)
    assert set(_NEEDS) == set(p)  # (a clause holding nothing any pattern needs is skipped)
    assert all(_NEEDS.values())
    texts = project_texts()
    texts.append("Selasa (27/5), 2025년 5월 27일(화요일), 29 Sept - 2 Oktober 2009, last August")
    seen = {name: 0 for name in _NEEDS}
    for name, needs in _NEEDS.items():
        for text in texts:
            for m in p[name].finditer(text):
                seen[name] += 1
                assert needs <= _present(m.group(0), names), (name, m.group(0))
    assert all(seen.values()), seen
    assert _present("Selasa, dua puluh tujuh Mei", names) == {"month", "weekday"}
    assert list(p["dmy"].finditer("Selasa, dua puluh tujuh Mei")) == []


def test_word_index_folds_case_as_re_does():
    """WordIndex compares lower-cased text; the characters that re.IGNORECASE matches to a
    word's letters without lower() giving that letter are the ones it checks for."""
    from kg.dates import _PAST_WORDS, _WEEKDAY_CUES, _YEAR_CUES
    from kg.lexicon import _FOLD_EXOTIC

    lex = load_lexicon()
    words = [
        w
        for rows in ("event_triggers.csv", "agreement_triggers.csv", "sectors.csv")
        for pattern in _patterns(rows)
        for w in pattern.split("|")
    ]
    words += [*lex.months, *lex.weekdays, *lex.relative, *lex.relative_periods]
    words += [*_YEAR_CUES, *_WEEKDAY_CUES, *_PAST_WORDS, "bulan"]  # (kg.dates' start words)
    letters = {c for w in words for c in w}
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for ch in sorted(letters):
        for hit in re.findall(re.escape(ch), everything, re.I):
            assert hit.lower() == ch.lower() or _FOLD_EXOTIC.match(hit), (ch, hit)


def test_word_index_candidates_find_what_every_pattern_finds():
    lex = load_lexicon()
    texts = project_texts()
    texts += ["SIGNED THE MOU", "ſigned", "vİsited", "kunjungannya", "협약식을"]
    groups = [
        (lex.event_words, [t[2] for t in lex.event_triggers]),
        (lex.agreement_words, [t[1] for t in lex.agreement_triggers]),
        (lex.sector_words, [t[1] for t in lex.sectors]),
    ]
    hits = 0
    for index, patterns in groups:
        for text in texts:
            for part in [text, *text.split("\n")]:
                cands = set(index.candidates(part))
                for i, rx in enumerate(patterns):
                    if rx.search(part):
                        hits += 1
                        assert i in cands, (rx.pattern[:60], part[:80])
    assert hits > 500


ANCHORED_CUES = [
    ("kg.extract.common", "_COOP_CUE"),
    ("kg.extract.events", "_ANAPHOR"),
    ("kg.extract.events", "_EARLIER"),
    ("kg.extract.events", "_SAID"),
    ("kg.extract.events", "_ASIDE_CUE"),
    ("kg.extract.events", "_SCOPE_WORD"),
    ("kg.extract.mentions", "_QUOTED_PROGRAMME"),
    ("kg.extract.mentions", "_AGREEMENT_NAMED"),
]


@pytest.mark.parametrize(("module", "name"), ANCHORED_CUES)
def test_anchored_cue_finds_what_its_pattern_finds(module: str, name: str):
    """Every string hypothesis builds to match the pattern holds one of the anchors, and
    on the project's articles the cue and its bare pattern agree line by line."""
    import importlib

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    cue = getattr(importlib.import_module(module), name)

    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(st.from_regex(cue.rx))
    def prop(text: str) -> None:
        m = cue.rx.search(text)
        assert m is not None
        got = cue.search(text)
        assert got is not None and got.span() == m.span(), text
        assert _spans(cue.finditer(text)) == _spans(cue.rx.finditer(text))
        assert bool(cue.match(text)) == bool(cue.rx.match(text))

    prop()
    lines = [
        line
        for d in ("data/articles", "tests/articles")
        for f in sorted((ROOT / d).iterdir())
        if f.suffix in (".txt", ".html", ".jsonl")
        for line in f.read_text(encoding="utf-8").split("\n")
    ]
    lines.append("Kedua pihak meneken MoU tentang Pengembangan Energi Hijau di Karawang.")
    found = 0
    for line in lines:
        m = cue.rx.search(line)
        got = cue.search(line)
        assert (m and m.span()) == (got and got.span()), line
        found += m is not None
    assert found > 0


def test_abbreviation_is_found_in_the_end_of_a_segment():
    """split_sentences looks for an abbreviation only in a segment's last characters."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from kg.extract.text import _ABBREV, _ABBREV_WINDOW

    @settings(
        max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(st.from_regex(_ABBREV), st.text(alphabet='aZ .,-("', max_size=12))
    def prop(text: str, head: str) -> None:
        m = _ABBREV.search(text)
        assert m is not None and m.end() - m.start() < _ABBREV_WINDOW
        for seg in (text, head + text):
            assert bool(_ABBREV.search(seg)) == bool(_ABBREV.search(seg[-_ABBREV_WINDOW:]))

    prop()
    for seg in ("xCo.", "The U.S.", "dkk.", "Gedung A.", "menurut dia.", "x.", "oleh Dr."):
        for cut in range(len(seg)):
            part = seg[cut:]
            assert bool(_ABBREV.search(part)) == bool(_ABBREV.search(part[-_ABBREV_WINDOW:]))


def test_clause_cuts_are_the_comma_and_semicolon_breaks():
    """_clauses once kept the matches of a wider pattern (conjunctions without a comma
    too) that start with ',' or ';': the narrower pattern finds exactly those."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kg.extract.text import _CLAUSE_CUT

    wider = re.compile(
        r",?[ \u00a0]+(?:and|while|whereas|sedangkan|sementara|serta|dan)[ \u00a0]+(?=\S)"
        r"|;[ \u00a0]+"
    )

    def kept(text: str) -> list[tuple[int, int]]:
        return [m.span() for m in wider.finditer(text) if m.group(0).startswith((",", ";"))]

    words = st.sampled_from(["and", "dan", "serta", "while", ",", ";", " ", "\u00a0", "x"])

    @settings(max_examples=500, deadline=None, database=None)
    @given(st.lists(words, max_size=20).map("".join))
    def prop(text: str) -> None:
        assert _spans(_CLAUSE_CUT.finditer(text)) == kept(text)

    prop()
    for d in ("data/articles", "tests/articles"):
        for f in sorted((ROOT / d).iterdir()):
            text = f.read_text(encoding="utf-8")
            assert _spans(_CLAUSE_CUT.finditer(text)) == kept(text)


def test_lower_keeps_positions_except_for_the_exotic_folds():
    """Positions found in text.lower() are positions in the text (kg.dates and the word
    indexes rely on it) unless the text holds one of the exotic characters."""
    from kg.lexicon import _EXOTIC

    changed = {
        chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and len(chr(c).lower()) != 1
    }
    assert changed <= set(_EXOTIC)


def test_date_patterns_tried_at_their_starts_find_what_a_scan_finds():
    """A date pattern tried only where one of its start words starts finds exactly what
    scanning every position finds (same spans and groups, same order)."""
    from kg.dates import _compiled, _matches_at, _start_positions, _starts

    lex = load_lexicon()
    patterns, _names = _compiled(lex)
    starts = _starts(lex)
    assert {"mdy", "md", "my", "weekday", "year", "month_past", "dmy", "iso"} <= set(starts)
    texts = project_texts()
    texts += [
        "Selasa, 27 Mei 2025; on Tuesday, May 27th, 2025 and MEI 2025, Sept. 14 2022",
        "pada tahun 2021 (2022) sejak 1998, since 2004 in 2019; awal 2020 akhir 2021",
        "bulan Mei lalu, Agustus silam, last August, hari Senin, pada Rabu (28/5)",
        "minggu ini, Mayday 2025, Marching 12, Senin2025, 2025 (2026(2027)",
        "29 September - 2 Oktober 2009, 1-3 Juni 2024, 2025-05-27, 2025.5.27, 12345 Mei",
        "x27 Mei 2025, 2025-05-27-01, ١٢ Mei 2025, 31 Feb 2024 / 7 Juli",
    ]
    compared = 0
    for name, (words, after, digit_runs) in starts.items():
        rx = patterns[name]
        for text in texts:
            scanned = [(m.span(), m.groups()) for m in rx.finditer(text)]
            tried = [
                (m.span(), m.groups())
                for m in _matches_at(
                    rx, text, _start_positions(text, text.lower(), words, after, digit_runs)
                )
            ]
            assert tried == scanned, name
            compared += len(scanned)
    assert compared > 50


def test_line_patterns_tried_at_line_starts_find_what_a_scan_finds():
    """The byline, dateline and related-news patterns (``^`` in MULTILINE mode) tried at
    line starts only find what scanning every position finds."""
    from kg.extract import text as T

    texts = project_texts()
    texts += [
        "",
        "\n",
        "JAKARTA, 27/5 (ANTARA) - Gubernur\nOleh: Redaksi\n\nBaca juga: x\n",
        "Bandung - Pemerintah\r\nBy Reporter\r\nSEOUL, May 28 -- text\n  Related News\nend",
    ]
    found = 0
    for rx in (T._BYLINE_LINE, T._DATELINE, T._DATELINE_UPPER, T._DATELINE_PLAIN, T._RELATED):
        assert rx.pattern.startswith("^") and rx.flags & re.M
        for text in texts:
            scanned = [m.span() for m in rx.finditer(text)]
            assert [m.span() for m in T.line_matches(rx, text)] == scanned, rx.pattern
            found += len(scanned)
    assert found > 10


def _folded_patterns():
    """Every Folded pattern of the extractor (alone or inside an Anchored cue)."""
    import kg.extract as X
    from kg.extract import common, events, mentions, relations, text, titles
    from kg.lexicon import Anchored, Folded

    out = {}
    for mod in (X, common, events, mentions, relations, text, titles):
        for name, value in vars(mod).items():
            if isinstance(value, Anchored) and isinstance(value._scan, Folded):
                out[f"{mod.__name__}.{name}"] = value._scan
            elif isinstance(value, Folded):
                out[f"{mod.__name__}.{name}"] = value
    return out


def test_folded_patterns_find_what_the_case_insensitive_ones_find():
    """Searched over lower-cased text, a Folded pattern finds what the case-insensitive
    pattern finds over the text: the same matches (spans and groups), in order."""
    from kg.extract.text import split_sentences

    folded = _folded_patterns()
    assert len(folded) >= 8
    texts = project_texts()
    texts += [s.text for t in list(texts) for s in split_sentences(t)]
    texts += [
        "KERJA SAMA Bilateral, Cooperation and PARTNERSHIP; Sebelum Bertemu, THE MEETING",
        "ſister city, kerja ſama, dıplomatic tıes, İş birliği, KELVIN \u212a hubungan",
        "ſister city and kerja sama",  # (no İ: lower() keeps the positions)
        "dıplomatic tıes before the signing, setelah bertemu",
        "Duta Besar RI untuk Korea Selatan di Seoul: AMBASSADOR TO the",
    ]
    hits = 0
    for name, f in folded.items():
        for t in texts:
            want = [(m.span(), m.groups()) for m in f.rx.finditer(t)]
            assert [(m.span(), m.groups()) for m in f.finditer(t)] == want, name
            first = f.search(t)
            assert (first.span() if first else None) == (want[0][0] if want else None), name
            hits += len(want)
    assert hits > 100


def test_folded_patterns_fold_case_as_re_does():
    """Each letter of a Folded pattern: what re.IGNORECASE matches it with is what
    lower-cases to it, but for the characters the Folded search leaves to re."""
    from kg.lexicon import _EXOTIC

    letters = {c for f in _folded_patterns().values() for c in re.sub(r"\\.", "", f.pattern)}
    letters = {c for c in letters if c.isalpha()}
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for ch in sorted(letters):
        for hit in re.findall(re.escape(ch), everything, re.I):
            assert hit.lower() == ch or hit in _EXOTIC, (ch, hit)
    for cls in (r"\w", r"\s", r"\d"):
        rx = re.compile(cls)
        odd = [c for c in everything if bool(rx.match(c)) != bool(rx.match(c.lower()))]
        assert odd == [], cls


def test_with_name_part_answers_as_its_pattern():
    """The occurrence-by-occurrence check answers as the pattern it stands for, on
    random strings of names, spaces, capitals, hyphens and quotes."""
    from kg.extract.mentions import _with_name_part

    def pattern(text: str, token: str) -> bool:
        t = re.escape(token)
        return bool(re.search(rf"[A-Z][\w'’-]*[ \u00a0]+{t}\b|\b{t}[ \u00a0]+[A-Z][\w'’-]+", text))

    rnd = random.Random(7)
    parts = ["Kim", "kim", " ", "\u00a0", "A", "b", "-", "’", "'", ".", "Park", "\n", "É", "_", "1"]
    both = 0
    for _ in range(30000):
        text = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 9)))
        token = rnd.choice(["Kim", "A.", "Park", "É", "-x"])
        want = pattern(text, token)
        assert _with_name_part(text, token) == want, (text, token)
        both += want
    assert both > 50


def test_org_head_patterns_find_what_look_behind_first_finds():
    """The organisation head patterns (the word first, the look-behind after it) find what
    the same patterns with the look-behind first find, on random strings of the word,
    spaces, capitals, hyphens and letters."""
    from kg.extract.mentions import _org_heads

    heads, _index = _org_heads(load_lexicon())
    rnd = random.Random(3)
    hits = 0
    for _etype, position, word, rx in heads:
        w = re.escape(word)
        plain = (
            re.compile(rf"(?<![\w-]){w}(?=[ \u00a0]+[A-Z(])")
            if position == "prefix"
            else re.compile(rf"(?<![\w]){w}(?![\w])")
        )
        parts = [word, word, " ", "\u00a0", "A", "(", "-", "x", "\n", "É", "_"]
        for _ in range(300):
            s = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 7)))
            want = [m.span() for m in plain.finditer(s)]
            assert [m.span() for m in rx.finditer(s)] == want, (word, s)
            hits += len(want)
    assert hits > 1000
