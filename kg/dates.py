"""Dates in news text: header date lines and event dates inside sentences.

Fast regexes over the month/weekday tables in ``data/lexicon/dates.csv`` handle the
forms news uses ("Selasa, 27 Mei 2025 | 19:21 WIB", "Selasa (27/5/2025)", "Nov. 14,
2022", "2025년 5월 27일", "pada 2021", "kemarin", a bare weekday); dateparser is the
fallback for a header line the regexes miss. Relative forms resolve against the
article's publication date. Results are ISO strings, possibly partial: ``YYYY-MM-DD``,
``YYYY-MM``, ``YYYY`` or a range ``A/B``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .lexicon import _EXOTIC, Lexicon, WordIndex


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    value: str  # ISO, maybe partial or a range
    exact: bool  # stated explicitly (not inferred from a weekday / relative word)


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    try:
        if d is not None and m is not None:
            return date(y, m, d).isoformat()
    except ValueError:
        return None
    if m is not None:
        if not 1 <= m <= 12:
            return None
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


# the words before a year ("pada 2021") and before a weekday ("hari Selasa")
_YEAR_CUES = ("pada", "tahun", "sejak", "since", "in", "on", "sepanjang", "awal", "akhir")
_WEEKDAY_CUES = ("on", "hari", "pada")


@lru_cache(maxsize=4)
def _patterns(lex_id: int, months: tuple[str, ...], weekdays: tuple[str, ...]) -> dict:
    mon = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    wd = "|".join(re.escape(w) for w in sorted(weekdays, key=len, reverse=True))
    year = r"(?:19|20)\d\d"
    wd_cue = "|".join(rf"{w}\s+" for w in _WEEKDAY_CUES)
    patterns = {
        # 29 September - 2 Oktober 2009 / 29 Sept–2 Oct 2009
        "range_dmy": re.compile(
            rf"(?<!\d)(\d{{1,2}})\s+({mon})\.?\s*(?:[-–—]|s\.d\.|sampai|hingga|to|until)\s*"
            rf"(\d{{1,2}})\s+({mon})\.?,?\s+({year})",
            re.I,
        ),
        "range_dd": re.compile(
            rf"(?<!\d)(\d{{1,2}})\s*[-–—]\s*(\d{{1,2}})\s+({mon})\.?,?\s+({year})", re.I
        ),
        "dmy": re.compile(rf"(?<!\d)(\d{{1,2}})\s+({mon})\.?,?\s*({year})(?!\d)", re.I),
        "mdy": re.compile(
            rf"\b({mon})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)({year})(?!\d)", re.I
        ),
        "md": re.compile(rf"\b({mon})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})", re.I),
        "dm": re.compile(rf"(?<!\d)(\d{{1,2}})\s+({mon})\b(?!\.?,?\s+\d{{4}})", re.I),
        "my": re.compile(rf"\b({mon})\.?,?\s+({year})(?!\d)", re.I),
        "numeric": re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)(?![\d/])"),
        "numeric_dm": re.compile(r"\((\d{1,2})/(\d{1,2})\)"),
        "iso": re.compile(r"(?<!\d)((?:19|20)\d\d)([-.])(\d\d?)\2(\d\d?)(?![\d.])"),
        "ko_full": re.compile(r"((?:19|20)\d\d)년\s*(\d{1,2})월\s*(\d{1,2})일"),
        "ko_md": re.compile(r"(?<!\d)(\d{1,2})월\s*(\d{1,2})일"),
        "ko_d": re.compile(r"(?:지난\s*)?(?<![\d월])(\d{1,2})일"),
        "ko_ym": re.compile(r"((?:19|20)\d\d)년\s*(\d{1,2})월(?!\s*\d)"),
        "year": re.compile(
            rf"(?:\b(?:{'|'.join(_YEAR_CUES)})\s+|(?<=\())({year})(?!\d)(?!\s*년)", re.I
        ),
        "ko_year": re.compile(rf"({year})년(?!\s*\d+월)"),
        "weekday": re.compile(rf"\b(?:{wd_cue})?({wd})\b", re.I),
        # "Agustus lalu", "bulan Mei silam", "last August": that month, the latest one past
        "month_past": re.compile(
            rf"\b(?:(?:bulan\s+)?({mon})\s+(?:lalu|silam|kemarin)|last\s+({mon}))\b", re.I
        ),
        "ko_weekday": re.compile(r"(월|화|수|목|금|토|일)요일"),
    }
    return patterns


# What every match of a pattern holds: a digit, a month or weekday name (as listed in
# dates.csv, any case), or the given characters. A pattern is scanned only over text that
# holds all of it (most clauses hold little of it; one holding none has no date). Every
# pattern is listed. ("relative", a relative word such as "kemarin" or "last year", gates
# the word-by-word scans; "past", one of _PAST_WORDS, is in every "month_past" match.)
# tests/test_matcher.py checks each entry against the project's articles.
_NEEDS: dict[str, frozenset[str]] = {
    name: frozenset(needs.split())
    for name, needs in {
        "range_dmy": "digit month",
        "range_dd": "digit month",
        "dmy": "digit month",
        "mdy": "digit month",
        "md": "digit month",
        "dm": "digit month",
        "my": "digit month",
        "month_past": "month past",
        "numeric": "digit /",
        "numeric_dm": "digit /",
        "iso": "digit",
        "ko_full": "digit 년",
        "ko_md": "digit 월",
        "ko_d": "digit 일",
        "ko_ym": "digit 년",
        "year": "digit",
        "ko_year": "digit 년",
        "weekday": "weekday",
        "ko_weekday": "요일",
    }.items()
}
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
# the words of "month_past" after or before its month ("Agustus lalu", "last August")
_PAST_WORDS = ("lalu", "silam", "kemarin", "last")
_CHARS = ("/", "년", "월", "일", "요일")
_compiled_for: tuple[Lexicon, dict, WordIndex, dict] | None = None


def _compiled(lex: Lexicon) -> tuple[dict, WordIndex]:
    """The patterns for ``lex``'s month and weekday names, and an index of the names."""
    global _compiled_for
    if _compiled_for is None or _compiled_for[0] is not lex:
        p = _patterns(id(lex), tuple(lex.months), tuple(lex.weekdays))
        relative = [*lex.relative, *lex.relative_periods]
        names = WordIndex([list(lex.months), list(lex.weekdays), relative, list(_PAST_WORDS)])
        months = tuple(m.lower() for m in lex.months)
        # (words, characters a match starts right after, whether it starts a digit run);
        # patterns with the same starts share one tuple, so a text's are found once
        at_month = (months, (), False)
        at_digits = ((), (), True)
        starts = {
            "mdy": at_month,
            "md": at_month,
            "my": at_month,
            "month_past": ((*months, "bulan", "last"), (), False),
            "weekday": ((*(w.lower() for w in lex.weekdays), *_WEEKDAY_CUES), (), False),
            "year": (_YEAR_CUES, ("(",), False),
            "range_dmy": at_digits,
            "range_dd": at_digits,
            "dmy": at_digits,
            "dm": at_digits,
            "iso": at_digits,
        }
        _compiled_for = (lex, p, names, starts)
    return _compiled_for[1], _compiled_for[2]


def _starts(lex: Lexicon) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]]:
    """For the patterns every match of which starts where one of some words starts (any
    case), right after one of some characters, or where a run of digits starts: those
    words, those characters, and whether at digit runs. ``re`` cannot skip ahead in a
    pattern that opens with a look-behind or a case-insensitive word boundary and
    alternation, so it tries every position (~40 µs over a sentence for the month-first
    ones, ~9 µs for each digit-first one); these are tried only where they can start.
    tests/test_matcher.py checks them."""
    _compiled(lex)
    assert _compiled_for is not None
    return _compiled_for[3]


def _start_positions(
    text: str, low: str, words: tuple[str, ...], after: tuple[str, ...], digit_runs: bool
) -> list[int]:
    """Where one of ``words`` starts in ``low`` (``text`` lower-cased, as long as
    ``text``), right after one of ``after``, and (``digit_runs``) where a run of digits
    starts, in order."""
    starts: set[int] = {m.start() for m in _DIGITS.finditer(text)} if digit_runs else set()
    for w in words:
        i = low.find(w)
        while i >= 0:
            starts.add(i)
            i = low.find(w, i + 1)
    for ch in after:
        i = low.find(ch)
        while i >= 0:
            starts.add(i + len(ch))
            i = low.find(ch, i + 1)
    return sorted(starts)


def _matches_at(rx: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What ``rx.finditer(text)`` gives when every match starts at one of ``starts``
    (ascending): the leftmost match, then the leftmost from its end, and so on."""
    pos = 0
    for s in starts:
        if s < pos:
            continue
        m = rx.match(text, s)
        if m is not None:
            yield m
            pos = m.end() if m.end() > s else s + 1


@lru_cache(maxsize=256)
def _skipped(have: frozenset[str]) -> frozenset[str]:
    """The patterns that need more than ``have``."""
    return frozenset(name for name, needs in _NEEDS.items() if not needs <= have)


def _present(text: str, names: WordIndex) -> frozenset[str]:
    """Which of the things patterns need (see ``_NEEDS``) ``text`` holds."""
    have = {c for c in _CHARS if c in text}
    if _DIGIT.search(text):
        have.add("digit")
    for i in names.candidates(text):
        have.add(("month", "weekday", "relative", "past")[i])
    return frozenset(have)


@lru_cache(maxsize=256)
def _word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])", re.I)


def find_dates(
    text: str, lex: Lexicon, ref: date | None, ref_is_publication: bool = True
) -> list[DateMention]:
    """All date expressions in ``text``, left to right, longest first on overlap.

    A day and month without a year take the year that puts them nearest before the
    publication date; when ``ref`` is only the latest date the article states
    (``ref_is_publication=False``), the year that puts them nearest to it either way.
    """
    nearest = _nearest_past if ref_is_publication else _nearest
    p, cues = _compiled(lex)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], value: str | None, exact: bool = True) -> None:
        if value is None:
            return
        s, e = m.span()
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        found.append(DateMention(s, e, value, exact))

    have = _present(text, cues)
    if not have:  # no digit, month, weekday or relative word: no date (most clauses)
        return found
    skip = _skipped(have)
    starts = _starts(lex)
    # (text re folds to ASCII letters differently from lower(): every pattern everywhere)
    low = None if any(ch in text for ch in _EXOTIC) else text.lower()

    positions: dict[int, list[int]] = {}  # per start tuple (see _starts)

    def scan(name: str) -> Iterator[re.Match[str]]:
        if name in skip:
            return iter(())
        at = starts.get(name)
        if at is None or low is None:
            return p[name].finditer(text)
        where = positions.get(id(at))
        if where is None:
            where = positions[id(at)] = _start_positions(text, low, *at)
        return _matches_at(p[name], text, where)

    mon = lex.months
    for m in scan("range_dd"):
        y, mo = int(m.group(4)), mon[m.group(3).lower()]
        a, b = _iso(y, mo, int(m.group(1))), _iso(y, mo, int(m.group(2)))
        add(m, f"{a}/{b}" if a and b else None)
    for m in scan("range_dmy"):
        if m.group(5) is None:
            continue
        y = int(m.group(5))
        a = _iso(y, mon[m.group(2).lower()], int(m.group(1)))
        b = _iso(y, mon[m.group(4).lower()], int(m.group(3)))
        add(m, f"{a}/{b}" if a and b else None)
    for m in scan("iso"):  # 2025-05-27, and Korean sites' 2025.05.27
        add(m, _iso(int(m.group(1)), int(m.group(3)), int(m.group(4))))
    for m in scan("ko_full"):
        add(m, _iso(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in scan("dmy"):
        add(m, _iso(int(m.group(3)), mon[m.group(2).lower()], int(m.group(1))))
    for m in scan("mdy"):
        add(m, _iso(int(m.group(3)), mon[m.group(1).lower()], int(m.group(2))))
    for m in scan("numeric"):
        y = int(m.group(3))
        y = y + 2000 if y < 100 else y
        add(m, _iso(y, int(m.group(2)), int(m.group(1))))
    for m in scan("ko_ym"):
        add(m, _iso(int(m.group(1)), int(m.group(2))))
    for m in scan("my"):
        # "May" alone is too ambiguous in English ("may 2025" is rare, "May 2025" fine)
        if m.group(1) == "may":
            continue
        add(m, _iso(int(m.group(2)), mon[m.group(1).lower()]))
    if ref is not None:
        for m in scan("month_past"):
            mo = mon[(m.group(1) or m.group(2)).lower()]
            add(m, _iso(ref.year if mo <= ref.month else ref.year - 1, mo), exact=False)
        for m in scan("numeric_dm"):
            add(m, _iso(ref.year, int(m.group(2)), int(m.group(1))))
        for m in scan("md"):
            if m.group(1).lower() == "may" and m.group(1) != "May":
                continue
            add(m, nearest(ref, mon[m.group(1).lower()], int(m.group(2))))
        for m in scan("dm"):
            add(m, nearest(ref, mon[m.group(2).lower()], int(m.group(1))))
        for m in scan("ko_md"):
            add(m, nearest(ref, int(m.group(1)), int(m.group(2))))
        for m in scan("ko_d"):
            add(m, _day_of_month(ref, int(m.group(1))))
    for m in scan("year"):
        add(m, m.group(1))
    for m in scan("ko_year"):
        add(m, m.group(1))
    if ref is not None:
        # the index tells whether any relative word is there before looking word by word
        relative = lex.relative if "relative" in have else {}
        periods = lex.relative_periods if "relative" in have else {}
        for word, delta in relative.items():
            for m in _word(word).finditer(text):
                add(m, (ref + timedelta(days=delta)).isoformat(), exact=False)
        for word, (unit, delta) in periods.items():
            # "tahun lalu", "last year", "지난해": the year (or month) before the reference
            for m in _word(word).finditer(text):
                if unit == "year":
                    add(m, f"{ref.year + delta:04d}", exact=False)
                else:
                    y, mo = divmod(ref.year * 12 + ref.month - 1 + delta, 12)
                    add(m, f"{y:04d}-{mo + 1:02d}", exact=False)
        for m in scan("weekday"):
            # "Selasa (27/5/2025)", "Tuesday, May 27": the explicit date says it all
            if any(0 <= d.start - m.end() <= 3 for d in found):
                continue
            add(m, _last_weekday(ref, lex.weekdays[m.group(1).lower()]), exact=False)
        for m in scan("ko_weekday"):
            add(m, _last_weekday(ref, "월화수목금토일".index(m.group(1))), exact=False)
    found.sort(key=lambda d: d.start)
    return found


def _nearest_past(ref: date, month: int, day: int) -> str | None:
    """A day-month without year: the latest such date not after the reference (+2 days)."""
    for year in (ref.year, ref.year - 1):
        v = _iso(year, month, day)
        if v and date.fromisoformat(v) <= ref + timedelta(days=2):
            return v
    return None


def _nearest(ref: date, month: int, day: int) -> str | None:
    """A day-month without year: the year that puts it closest to the reference."""
    best = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        v = _iso(year, month, day)
        if v and (
            best is None or abs(date.fromisoformat(v) - ref) < abs(date.fromisoformat(best) - ref)
        ):
            best = v
    return best


def _day_of_month(ref: date, day: int) -> str | None:
    """Korean '27일': the 27th of the reference month, or of the month before if in the future."""
    v = _iso(ref.year, ref.month, day)
    if v and date.fromisoformat(v) <= ref + timedelta(days=2):
        return v
    prev = ref.replace(day=1) - timedelta(days=1)
    return _iso(prev.year, prev.month, day)


def _last_weekday(ref: date, weekday: int) -> str:
    """A bare weekday in a report: the latest such day on or before the reference date."""
    delta = (ref.weekday() - weekday) % 7
    return (ref - timedelta(days=delta)).isoformat()


_TIME = re.compile(r"(\d{1,2})[:.](\d{2})\s*(WIB|WITA|WIT|KST)?")


def parse_header_date(line: str, lex: Lexicon) -> tuple[str, str | None] | None:
    """Publication date from a byline/date line: (ISO date, ISO datetime or None)."""
    dates = [d for d in find_dates(line, lex, None) if d.exact and len(d.value) == 10]
    if not dates:
        return _dateparser_fallback(line)
    day = dates[0].value
    tm = _TIME.search(line[dates[0].end :])
    if tm and int(tm.group(1)) < 24:
        tz = lex.timezones.get(tm.group(3) or "", "")
        return day, f"{day}T{int(tm.group(1)):02d}:{tm.group(2)}:00{tz}"
    return day, None


def _dateparser_fallback(line: str) -> tuple[str, str | None] | None:
    if not re.search(r"\d", line) or len(line) > 120:
        return None
    import dateparser  # slow import; only for lines the regexes cannot read

    parsed = dateparser.parse(
        line,
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True},
    )
    if parsed is None:
        return None
    return parsed.date().isoformat(), None
