"""Load the gazetteer and lexicons from ``data/`` and compile the matchers the extractor uses.

Everything the extractor knows about names, titles, trigger words, sectors and dates
comes from the CSV files; this module only turns them into lookups and regexes.
"""

from __future__ import annotations

import bisect
import csv
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import ahocorasick
import pycountry

from .errors import DataError
from .resources import resource_dir

T = TypeVar("T")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
_GOVERNMENT = re.compile(r"(?i)\bpemerintah\b|\bgovernment\b|주정부|도청|시청")


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
            for n, row in enumerate(reader, start=2):
                if None in row or any(v is None for v in row.values()):
                    raise DataError(f"{path}:{n}: wrong number of fields")
                yield {k: (v or "").strip() for k, v in row.items()}
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from exc


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


@dataclass
class GazEntry:
    """One known entity: region, city, country or organisation."""

    key: str
    name: str
    type: str
    country: str | None
    wikidata: str | None = None
    parent: str | None = None  # entity key
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label
    surfaces: set[str] = field(default_factory=set)
    notation: str | None = None  # ISO code
    aliases: set[str] = field(default_factory=set)  # as listed in the data file


def _is_word(ch: str) -> bool:
    """What ``\\w`` matches in a ``str`` pattern (CPython: alphanumeric or underscore)."""
    return ch.isalnum() or ch == "_"


def _latin_boundaries(text: str, start: int, end: int) -> bool:
    # (?<![\w]) … (?![\w])
    return (start == 0 or not _is_word(text[start - 1])) and (
        end == len(text) or not _is_word(text[end])
    )


def _hangul_boundaries(text: str, start: int, end: int) -> bool:
    # (?<![\uac00-\ud7a3]) …: Korean particles follow a name directly ("서울시는")
    return start == 0 or not ("\uac00" <= text[start - 1] <= "\ud7a3")


class SurfaceMatch:
    """One hit of a :class:`SurfaceMatcher`, with the ``re.Match`` methods callers use."""

    __slots__ = ("_start", "_end", "_text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def start(self, group: int = 0) -> int:
        self._group(group)
        return self._start

    def end(self, group: int = 0) -> int:
        self._group(group)
        return self._end

    def span(self, group: int = 0) -> tuple[int, int]:
        self._group(group)
        return self._start, self._end

    def group(self, group: int = 0) -> str:
        self._group(group)
        return self._text[self._start : self._end]

    @staticmethod
    def _group(group: int) -> None:
        if group != 0:
            raise IndexError("no such group")

    def __repr__(self) -> str:
        return f"<SurfaceMatch span={self.span()!r} match={self.group()!r}>"


class SurfaceMatcher:
    """The gazetteer's surface forms found in a text, the way a regex alternation of them
    sorted longest-first finds them: the leftmost position where a surface starts with
    its boundaries holding, and there the longest such surface.

    An Aho–Corasick automaton (pyahocorasick) finds every occurrence of ~10,000 surfaces
    in one pass over the text; Python's ``re`` tried each alternative at every position.
    ``search``/``match``/``finditer`` mirror ``re.Pattern``; one text's hits are computed
    once and reused while the same text is searched again.
    """

    def __init__(
        self, surfaces: list[str], boundaries, needs: re.Pattern[str] | None = None
    ) -> None:
        self._boundaries = boundaries
        # a character every surface holds (Hangul): text without one has no hit, unscanned
        self._needs = needs
        self._automaton = ahocorasick.Automaton()
        for s in surfaces:
            self._automaton.add_word(s, len(s))
        self._empty = not surfaces
        if not self._empty:
            self._automaton.make_automaton()
        self._longest = max((len(s) for s in surfaces), default=0)
        self._cache: tuple[str, list[int], dict[int, int]] | None = None

    def _hits(
        self, text: str, lo: int = 0, hi: int | None = None
    ) -> tuple[list[int], dict[int, int]]:
        """Sorted start positions and, for each, the end of the longest surface there."""
        best: dict[int, int] = {}
        if self._empty or (
            self._needs is not None
            and self._needs.search(text, lo, len(text) if hi is None else hi) is None
        ):
            return [], best
        boundaries = self._boundaries
        it = self._automaton.iter(text, lo, len(text) if hi is None else hi)
        for last, length in it:
            end = last + 1
            start = end - length
            if end > best.get(start, -1) and boundaries(text, start, end):
                best[start] = end
        return sorted(best), best

    def _scan(self, text: str) -> tuple[list[int], dict[int, int]]:
        cached = self._cache
        if cached is not None and cached[0] is text:
            return cached[1], cached[2]
        starts, ends = self._hits(text)
        self._cache = (text, starts, ends)
        return starts, ends

    def search(self, text: str, pos: int = 0) -> SurfaceMatch | None:
        starts, ends = self._scan(text)
        i = bisect.bisect_left(starts, pos)
        if i == len(starts):
            return None
        return SurfaceMatch(text, starts[i], ends[starts[i]])

    def match(self, text: str, pos: int = 0) -> SurfaceMatch | None:
        cached = self._cache
        if cached is not None and cached[0] is text:
            end = cached[2].get(pos)
        else:  # one position: look at a window, not the whole text
            end = self._hits(text, pos, min(len(text), pos + self._longest))[1].get(pos)
        return None if end is None else SurfaceMatch(text, pos, end)

    def finditer(self, text: str) -> Iterator[SurfaceMatch]:
        starts, ends = self._scan(text)
        pos = 0
        for s in starts:
            if s >= pos:
                yield SurfaceMatch(text, s, ends[s])
                pos = ends[s]


# Characters that re.IGNORECASE matches to an ASCII letter although str.lower() does not
# turn them into it (dotted and dotless i, long s); tests/test_matcher.py checks the list
# against re over every code point.
_FOLD_EXOTIC = re.compile("[\u0130\u0131\u017f]")
_EXOTIC = tuple(_FOLD_EXOTIC.pattern[1:-1])  # (tested one by one: `in` beats a regex scan)


class _SharedScan:
    """One Aho–Corasick pass per text for every live :class:`WordIndex`.

    The extractor asks a dozen indexes (dates, triggers, sectors, cue anchors) about the
    same sentences, interleaved, so each index alone would lower-case and scan one text
    about ten times. Here every index's words sit in one automaton (each word with the
    ``(index slot, bit set)`` pairs of the indexes holding it); a text is scanned once and
    its bit sets per index are kept for the next few texts asked about."""

    _KEEP = 64  # texts remembered: a sentence, its clauses and the article around them

    def __init__(self) -> None:
        self._indexes: dict[int, weakref.ref[WordIndex]] = {}
        self._next_slot = 0
        self._automaton: ahocorasick.Automaton | None = None
        self._empty = True
        self._seen: dict[str, list[int]] = {}

    def register(self, index: WordIndex) -> int:
        slot = self._next_slot
        self._next_slot += 1
        self._indexes[slot] = weakref.ref(index, lambda _ref, slot=slot: self._forget(slot))
        self._automaton = None  # rebuilt when next asked
        return slot

    def _forget(self, slot: int) -> None:
        self._indexes.pop(slot, None)
        self._automaton = None

    def _build(self) -> ahocorasick.Automaton:
        owners: dict[str, dict[int, int]] = {}
        for slot, ref in list(self._indexes.items()):
            index = ref()
            if index is None:
                continue
            for word, bits in index.owners.items():
                owned = owners.setdefault(word, {})
                owned[slot] = owned.get(slot, 0) | bits
        automaton = ahocorasick.Automaton()
        for word, owned in owners.items():
            automaton.add_word(word, tuple(owned.items()))
        self._empty = not owners
        if not self._empty:
            automaton.make_automaton()
        self._seen = {}
        self._automaton = automaton
        return automaton

    def bits(self, text: str, slot: int) -> int:
        """The bit set of index ``slot`` for ``text``: which of its patterns have a word
        in it (-1: all of them, for text ``re`` case-folds differently)."""
        found = self._seen.get(text)
        if found is None or self._automaton is None or slot >= len(found):
            automaton = self._automaton if self._automaton is not None else self._build()
            found = [0] * self._next_slot
            if any(ch in text for ch in _EXOTIC):
                found = [-1] * self._next_slot
            elif not self._empty:
                for _end, owned in automaton.iter(text.lower()):
                    for s, b in owned:
                        found[s] |= b
            if len(self._seen) >= self._KEEP:
                self._seen.clear()
            self._seen[text] = found
        return found[slot]


_SHARED = _SharedScan()


class WordIndex:
    """Which of several word-list patterns (one per row of a trigger or sector file) could
    match a text: those one of whose words occurs in it, compared lower-cased.

    Every match of such a pattern contains one of its words, equal to it up to case, so a
    pattern none of whose words occurs cannot match: the caller searches only the
    candidates, in their original order, and finds what searching all of them finds. One
    Aho–Corasick pass (shared by all indexes, see :class:`_SharedScan`) replaces a regex
    scan per pattern.
    """

    def __init__(self, word_lists: list[list[str]]) -> None:
        self._all = tuple(range(len(word_lists)))
        self._last: tuple[str, tuple[int, ...]] = ("", ())
        #: word (lower-cased) -> bit set of the patterns holding it
        self.owners: dict[str, int] = {}
        for i, words in enumerate(word_lists):
            for w in words:
                self.owners[w.lower()] = self.owners.get(w.lower(), 0) | 1 << i
        self._empty = not self.owners
        self._slot = _SHARED.register(self)

    def candidates(self, text: str) -> tuple[int, ...]:
        """Indexes (ascending) of the patterns that may match ``text``."""
        if self._empty:
            return ()
        if self._last[0] is text:  # rules often ask twice about one sentence
            return self._last[1]
        found = _SHARED.bits(text, self._slot)
        if found < 0:
            return self._all
        out = []
        while found:
            low = found & -found
            out.append(low.bit_length() - 1)
            found ^= low
        self._last = (text, tuple(out))
        return self._last[1]


_lowered: tuple[str, str] = ("", "")


def _lower(text: str) -> str:
    """``text.lower()``, kept for the last text (patterns are tried on one text in turn)."""
    global _lowered
    if _lowered[0] is not text:
        _lowered = (text, text.lower())
    return _lowered[1]


class Folded:
    """A case-insensitive pattern of lower-case words (and classes such as ``\\w`` or
    ``\\b``), searched as a case-sensitive one over the lower-cased text: ``re`` cannot
    skip ahead in a case-insensitive alternation and tries every word at every position
    (~8× slower over an article). Each hit is matched again with the pattern itself at
    the same position, so callers get the ``re.Match`` the pattern gives, on their text;
    text that ``re`` case-folds otherwise than ``str.lower()`` does (dotted and dotless i,
    long s) is searched with the pattern itself. tests/test_matcher.py compares both."""

    def __init__(self, rx: re.Pattern[str]) -> None:
        pattern = rx.pattern.removeprefix("(?i)")
        if not rx.flags & re.IGNORECASE or re.search(r"[A-Z]", re.sub(r"\\.", "", pattern)):
            raise ValueError(f"not a case-insensitive pattern of lower-case words: {rx.pattern}")
        self.rx = rx
        self.pattern = rx.pattern
        self.flags = rx.flags
        self._folded = re.compile(pattern, rx.flags & ~re.IGNORECASE)

    def _hits(self, text: str, first: bool) -> list[re.Match[str]]:
        if any(ch in text for ch in _EXOTIC):
            found = self.rx.finditer(text)
            return [next(found)] if first else list(found)  # type: ignore[list-item]
        low, out, pos = _lower(text), [], 0
        while pos <= len(text):
            hit = self._folded.search(low, pos)
            if hit is None:
                break
            m = self.rx.match(text, hit.start())
            if m is None or m.end() != hit.end():  # (not seen: re's own answer then)
                found = self.rx.finditer(text)
                return [next(found)] if first else list(found)  # type: ignore[list-item]
            out.append(m)
            if first:
                break
            pos = m.end() if m.end() > m.start() else m.start() + 1
        return out

    def search(self, text: str) -> re.Match[str] | None:
        try:
            hits = self._hits(text, True)
        except StopIteration:
            return None
        return hits[0] if hits else None

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.rx.match(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return iter(self._hits(text, False))


class Anchored:
    """A case-insensitive cue pattern (``re`` scans those slowly: it cannot skip ahead to a
    first letter) behind a cheap test: ``anchors`` are words of which every match holds
    one, any case, so text holding none of them has no match. tests/test_matcher.py
    checks the anchors against strings generated from each pattern. A pattern of
    lower-case words is searched as a :class:`Folded` one."""

    def __init__(self, rx: re.Pattern[str], anchors: list[str]) -> None:
        self.rx = rx
        self.pattern = rx.pattern
        self._index = WordIndex([anchors])
        try:
            self._scan: re.Pattern[str] | Folded = Folded(rx)
        except ValueError:
            self._scan = rx

    def possible(self, text: str) -> bool:
        return bool(self._index.candidates(text))

    def search(self, text: str) -> re.Match[str] | None:
        return self._scan.search(text) if self._index.candidates(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        return self.rx.match(text) if self._index.candidates(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._scan.finditer(text) if self._index.candidates(text) else iter(())


@dataclass(frozen=True)
class Role:
    surface: str
    lang: str
    role: str
    role_en: str
    scope: str  # region | city | country | org


@dataclass
class Lexicon:
    entries: dict[str, GazEntry]
    surface_index: dict[str, list[str]]  # surface -> entry keys
    gaz_regex: SurfaceMatcher  # Latin-script surfaces, \\w boundaries on both sides
    hangul_regex: SurfaceMatcher | None  # Hangul surfaces, particles may follow
    roles: dict[str, Role]
    role_regex: re.Pattern[str]
    role_matcher: SurfaceMatcher  # what role_regex finds, for scans of a whole text
    modifiers: dict[str, str]
    event_triggers: list[tuple[str, str, re.Pattern[str], float]]
    agreement_triggers: list[tuple[str, re.Pattern[str]]]
    sectors: list[tuple[str, re.Pattern[str]]]
    # the words of each pattern above, to search only the patterns a text may match
    event_words: WordIndex
    agreement_words: WordIndex
    sector_words: WordIndex
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    timezones: dict[str, str]
    org_heads: list[tuple[str, str, str, str]]  # type, lang, position, word
    affixes: list[tuple[str, str, str]]
    context_regex: Anchored | None  # bare city names that need a preposition or title
    context_names: dict[str, str]
    korean_surnames: frozenset[str]
    stopwords: frozenset[str]
    portfolio_words: frozenset[str]  # "Maritime Affairs and Investment": a minister's remit
    capitals: dict[str, str]  # region key -> country ISO ("Seoul and Jakarta sign …")
    demonyms: dict[str, str]  # adjective -> country ISO
    # "tahun lalu", "last month", "지난해": word -> ("year" | "month", offset)
    relative_periods: dict[str, tuple[str, int]] = field(default_factory=dict)
    hangul_surnames: dict[str, str] = field(default_factory=dict)  # "김" -> "Kim"
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """What a rule module builds from the lexicon (a pattern over all Korean role
        titles …), built on first use and kept with the lexicon."""
        try:
            return self._derived[name]
        except KeyError:
            value = self._derived[name] = build()
            return value


def _affixed(name: str, etype: str, affixes: list[tuple[str, str, str]]) -> set[str]:
    out = set()
    for applies, _lang, template in affixes:
        if applies == etype and not HANGUL.search(name):
            out.add(template.format(name=name))
    return out


def _compile_alternation(surfaces: list[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))


def _load_gazetteer(gdir: Path, affixes: list[tuple[str, str, str]]) -> dict[str, GazEntry]:
    entries: dict[str, GazEntry] = {}

    def add(entry: GazEntry, aliases: list[str], affix_kind: str | None = None) -> None:
        if entry.key in entries:
            raise DataError(f"{gdir}: duplicate gazetteer key {entry.key}")
        base = {entry.name, *aliases, *entry.labels.values()}
        base = {b for b in base if b}
        surfaces = set(base)
        kind = affix_kind or entry.type
        if entry.type in ("Province", "City"):
            for b in base:
                # "Provinsi Jawa Tengah", "Kota Gimhae": not for names that already carry one
                if not re.match(
                    r"(?i)(kota|kabupaten|kab\.?|provinsi|prov\.|pemprov|pemkot|pemkab|pemerintah)\b",
                    b,
                ) and not re.search(r"(?i)\b(city|regency|county|province|government)$", b):
                    surfaces |= _affixed(b, kind, affixes)
        entry.surfaces = surfaces
        entry.aliases = base - {entry.name}
        entries[entry.key] = entry

    path = gdir / "countries.csv"
    if path.exists():
        for r in _rows(path, ("iso2", "name", "aliases")):
            labels = {k: r.get(f"name_{k}", "") for k in ("id", "en", "ko")}
            add(
                GazEntry(
                    key=f"country/{r['iso2']}",
                    name=r["name"],
                    type="Country",
                    country=r["iso2"],
                    wikidata=r.get("wikidata") or None,
                    labels={k: v for k, v in labels.items() if v},
                    notation=r["iso2"],
                ),
                _split(r["aliases"]),
            )
    path = gdir / "regions.csv"
    if path.exists():
        for r in _rows(path, ("iso", "country", "name", "aliases")):
            if pycountry.subdivisions.get(code=r["iso"]) is None:
                raise DataError(f"{path}: {r['iso']} is not an ISO 3166-2 code")
            labels = {k: r.get(f"name_{k}", "") for k in ("id", "en", "ko")}
            add(
                GazEntry(
                    key=f"region/{r['iso']}",
                    name=r["name"],
                    type="Province",
                    country=r["country"],
                    wikidata=r.get("wikidata") or None,
                    parent=f"country/{r['country']}",
                    labels={k: v for k, v in labels.items() if v},
                    notation=r["iso"],
                ),
                _split(r["aliases"]),
            )
    path = gdir / "cities.csv"
    if path.exists():
        for r in _rows(path, ("key", "country", "name", "aliases", "region")):
            labels = {k: r.get(f"name_{k}", "") for k in ("en", "ko")}
            add(
                GazEntry(
                    key=f"city/{r['key']}",
                    name=r["name"],
                    type="City",
                    country=r["country"],
                    wikidata=r.get("wikidata") or None,
                    parent=f"region/{r['region']}" if r["region"] else None,
                    labels={k: v for k, v in labels.items() if v},
                ),
                _split(r["aliases"]),
                "Regency" if r.get("kind") in ("regency", "county") else "City",
            )
    path = gdir / "organizations.csv"
    if path.exists():
        for r in _rows(path, ("key", "type", "country", "name", "aliases")):
            labels = {k: r.get(f"name_{k}", "") for k in ("id", "en", "ko")}
            parent = r.get("parent") or None
            if parent:
                parent = (
                    f"region/{parent}"
                    if re.fullmatch(r"[A-Z]{2}-\w+", parent)
                    else (f"org/{parent}")
                )
            add(
                GazEntry(
                    key=f"org/{r['key']}",
                    name=r["name"],
                    type=r["type"],
                    country=r["country"] or None,
                    wikidata=r.get("wikidata") or None,
                    parent=parent,
                    labels={k: v for k, v in labels.items() if v},
                ),
                _split(r["aliases"]),
            )
    return entries


@lru_cache(maxsize=4)
def load_lexicon(gazetteer_dir: str | None = None, lexicon_dir: str | None = None) -> Lexicon:
    """Read every data file once and compile the matchers."""
    gdir = Path(gazetteer_dir) if gazetteer_dir else resource_dir("gazetteer")
    ldir = Path(lexicon_dir) if lexicon_dir else resource_dir("lexicon")

    affixes = [
        (r["applies_to"], r["lang"], r["template"])
        for r in _rows(ldir / "affixes.csv", ("applies_to", "lang", "template"))
    ]
    entries = _load_gazetteer(gdir, affixes)
    index: dict[str, list[str]] = {}
    for e in entries.values():
        # "Pemerintah Provinsi DKI Jakarta", "자카르타 주정부": by the convention we follow,
        # a region's own government is the region
        target = e.key
        if e.parent and e.parent.startswith(("region/", "city/")) and _GOVERNMENT.search(e.name):
            target = e.parent
        for s in e.surfaces:
            index.setdefault(s, []).append(target)
    for s, keys in index.items():
        index[s] = list(dict.fromkeys(keys))
    # "Pemprov Jatim" names both the province and its government body; by the
    # convention we follow, the government is an alias of the region itself
    for surface, keys in index.items():
        if len(keys) > 1:
            regions = [k for k in keys if k.startswith(("region/", "city/"))]
            bodies = [k for k in keys if entries[k].parent in regions]
            if len(regions) == 1 and len(bodies) == len(keys) - 1:
                index[surface] = regions
    latin = [s for s in index if not HANGUL.search(s)]
    hangul = [s for s in index if HANGUL.search(s)]
    gaz_regex = SurfaceMatcher(latin, _latin_boundaries)
    hangul_regex = SurfaceMatcher(hangul, _hangul_boundaries, HANGUL) if hangul else None

    # "Batang", "Kudus", "Palu" are also common words: the gazetteer lists them only as
    # "Kabupaten Batang" etc. After "di", "ke", "Walikota" … the bare name is the place.
    context_names: dict[str, str] = {}
    for e in entries.values():
        if e.type != "City":
            continue
        m = re.fullmatch(r"(?:Kota|Kabupaten)\s+(.+)", e.name) or re.fullmatch(
            r"(.+?)\s+(?:City|Regency)", e.name
        )
        bare = m.group(1) if m else None
        if bare and bare not in index and not HANGUL.search(bare):
            context_names.setdefault(bare, e.key)
    # a bare name shared by a city and a regency (Kota/Kabupaten Bandung) is ambiguous
    for e in entries.values():
        m = re.fullmatch(r"(?:Kota|Kabupaten)\s+(.+)", e.name)
        if m and context_names.get(m.group(1)) not in (None, e.key):
            context_names[m.group(1)] = ""
    context_names = {k: v for k, v in context_names.items() if v}
    context_regex = (
        Anchored(  # most texts hold none of the names: no scan
            re.compile(
                r"(?:\bdi|\bke|\bdari|\bin|\bto|\bat|\bfrom|Walikota|Wali Kota|Bupati|Mayor of)"
                r"[ \u00a0](" + _compile_alternation(list(context_names)) + r")(?![\w-])"
            ),
            list(context_names),
        )
        if context_names
        else None
    )

    roles: dict[str, Role] = {}
    for r in _rows(ldir / "roles.csv", ("surface", "lang", "role", "role_en", "scope")):
        roles[r["surface"]] = Role(r["surface"], r["lang"], r["role"], r["role_en"], r["scope"])
    latin_roles = [s for s in roles if not HANGUL.search(s)]
    role_regex = re.compile(r"(?<![\w])(?:" + _compile_alternation(latin_roles) + r")(?![\w])")
    modifiers = {
        r["surface"]: r["modifier"]
        for r in _rows(ldir / "role_modifiers.csv", ("surface", "lang", "modifier"))
    }

    def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
        """Longest word first; Latin words whole (Indonesian enclitics attach to the
        trigger: "pertemuannya", "kerja samanya"), Hangul words anywhere."""
        parts = sorted(_split(pattern), key=len, reverse=True)
        latin = [p for p in parts if not HANGUL.search(p)]
        hangul = [p for p in parts if HANGUL.search(p)]
        if not all(HANGUL.match(p) for p in hangul):
            # a Hangul word starting with another script could tie with a Latin one at
            # the same position: keep the one alternation in length order
            return re.compile(
                "|".join(
                    re.escape(p)
                    if HANGUL.search(p)
                    else rf"(?<![\w]){re.escape(p)}(?:nya)?(?![\w])"
                    for p in parts
                ),
                flags,
            )
        # Otherwise no Latin and Hangul word can match at one position, and the shared
        # boundary checks are factored out of the alternation (4× faster in re, same
        # matches: alternatives are still tried longest first at each position).
        alts = []
        if latin:
            words = "|".join(map(re.escape, latin))
            alts.append(rf"(?<![\w])(?:{words})(?:nya)?(?![\w])")
        alts += [re.escape(p) for p in hangul]
        return re.compile("|".join(alts), flags)

    event_rows = list(_rows(ldir / "event_triggers.csv", ("event_type", "lang", "pattern")))
    event_triggers = [
        (r["event_type"], r["lang"], rx(r["pattern"], re.IGNORECASE), float(r["confidence"]))
        for r in event_rows
    ]
    agreement_rows = list(_rows(ldir / "agreement_triggers.csv", ("agreement_type", "pattern")))
    agreement_triggers = [(r["agreement_type"], rx(r["pattern"])) for r in agreement_rows]
    sector_rows = list(_rows(ldir / "sectors.csv", ("sector", "lang", "pattern")))
    sectors = [(r["sector"], rx(r["pattern"], re.IGNORECASE)) for r in sector_rows]
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    relative: dict[str, int] = {}
    timezones: dict[str, str] = {}
    periods: dict[str, tuple[str, int]] = {}
    for r in _rows(ldir / "dates.csv", ("kind", "lang", "word", "value")):
        target = {"month": months, "weekday": weekdays, "relative": relative}.get(r["kind"])
        if r["kind"] in ("relative_year", "relative_month"):
            periods[r["word"].lower()] = (r["kind"].split("_")[1], int(r["value"]))
        elif target is not None:
            target[r["word"].lower()] = int(r["value"])
        elif r["kind"] == "timezone":
            timezones[r["word"]] = r["value"]
    org_heads = [
        (r["type"], r["lang"], r["position"], r["word"])
        for r in _rows(ldir / "org_heads.csv", ("type", "lang", "position", "word"))
    ]
    surname_rows = list(_rows(ldir / "korean_surnames.csv", ("romanized",)))
    surnames = frozenset(r["romanized"] for r in surname_rows)
    hangul_surnames: dict[str, str] = {}
    for r in surname_rows:  # the first romanisation listed is the usual one ("이" → Lee)
        if r.get("hangul"):
            hangul_surnames.setdefault(r["hangul"], r["romanized"])
    stopwords = frozenset(r["word"] for r in _rows(ldir / "stopwords.csv", ("word",)))
    demonyms = {r["word"]: r["country"] for r in _rows(ldir / "demonyms.csv", ("word", "country"))}
    portfolio = frozenset(r["word"] for r in _rows(ldir / "portfolio_words.csv", ("word",)))
    capitals = {
        r["capital"]: r["country"]
        for r in _rows(ldir / "capitals.csv", ("country", "capital"))
        if r["capital"]
    }
    return Lexicon(
        entries=entries,
        surface_index=index,
        gaz_regex=gaz_regex,
        hangul_regex=hangul_regex,
        roles=roles,
        role_regex=role_regex,
        role_matcher=SurfaceMatcher(latin_roles, _latin_boundaries),
        modifiers=modifiers,
        event_triggers=event_triggers,
        agreement_triggers=agreement_triggers,
        sectors=sectors,
        event_words=WordIndex([_split(r["pattern"]) for r in event_rows]),
        agreement_words=WordIndex([_split(r["pattern"]) for r in agreement_rows]),
        sector_words=WordIndex([_split(r["pattern"]) for r in sector_rows]),
        months=months,
        weekdays=weekdays,
        relative=relative,
        timezones=timezones,
        org_heads=org_heads,
        affixes=affixes,
        context_regex=context_regex,
        context_names=context_names,
        korean_surnames=surnames,
        stopwords=stopwords,
        portfolio_words=portfolio,
        capitals=capitals,
        demonyms=demonyms,
        relative_periods=periods,
        hangul_surnames=hangul_surnames,
    )
