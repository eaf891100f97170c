"""Rule-based extraction: article text → entities, posts, events, agreements, relations.

The rules are general patterns over the lexicons in ``data/lexicon`` and the gazetteer in
``data/gazetteer``: titles before or after names, organisation head words, parenthetical
acronyms, trigger words for events and agreements, locative prepositions, date
expressions. Every statement keeps the sentence it came from, the rule's name and a
confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import find_dates
from .lexicon import HANGUL, Lexicon, load_lexicon
from .model import Agreement, Article, Entity, Event, Evidence, Extraction, Post, Relation
from .resolve import resolve_mentions

# --------------------------------------------------------------------------- text layout

_ABBREV = re.compile(
    r"(?:\b(?:Co|Ltd|Corp|Inc|Dr|Mr|Mrs|Ms|Prof|St|Jl|No|Pj|Plt|Plh|Kab|Prov|vs|Jr|Sr|Gov|"
    r"Rep|Sen|Gen|Lt|Col|Capt|Adm|Drs|Ir|H|Hj|S|M|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec|Agt|Okt|Des|etc|U\.S|U\.K|dkk|dll|dsb|tsb|yth)|\b[A-Z])\.$"
)
_SENT_END = re.compile(r"[.!?。]+[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9\uac00-\ud7a3])|[.!?。]+[\"'”’)]*$")
_BYLINE_LINE = re.compile(
    r"^[ \t\u00a0]*(?:[•·*\-][ \t\u00a0]*)?(?:Oleh|By|Penulis|Reporter|Pewarta|Editor|"
    r"Redaktur|Writer|Foto|Photo|Sumber|Source|URL|Baca juga|Read more|Copyright|©)\b.*$",
    re.I | re.M,
)
_CREDIT = re.compile(r"\b(?:Redaktur|Editor|Pewarta|Reporter)\s*:\s*[^\n|]*")
_DATELINE = re.compile(
    r"^[ \t\u00a0]*[A-Z][A-Za-z .]{1,25}(?:,\s*[A-Za-z][\w.]*(?:\s+[\w.]+){0,2}"
    r"(?:\s*\([^)\n]{1,30}\))?|\s*\([^)\n]{1,30}\))\s*[-–—]{1,2}\s",
    re.M,
)
_DATELINE_UPPER = re.compile(r"^[ \t\u00a0]*[A-Z][A-Z .]{2,25},[^\n]{0,40}?[-–—]{1,2}\s", re.M)
_RELATED = re.compile(
    r"^[ \t\u00a0]*(?:Berita Terkait|Baca Juga|Artikel Terkait|Related News|Related Articles|"
    r"Read Also|관련기사)\b.*$",
    re.I | re.M,
)


_CAPTION = re.compile(r"(?:\||\(|^)[ \t]*(?:Foto|Photo|Photograph|Dok\.|Dokumentasi)[ \t]*:", re.I)


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    related: bool  # in a "related news" list at the bottom, or a photo caption


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; line breaks end sentences too (headlines, list items)."""
    related_from = len(text)
    m = _RELATED.search(text)
    if m:
        related_from = m.start()
    out: list[Sentence] = []
    para = 0
    pos = 0
    for block in re.split(r"(\n)", text):
        if block == "\n":
            pos += 1
            continue
        if not block.strip():
            para += 1
            pos += len(block)
            continue
        start = pos
        i = 0
        # a photo caption ("... Rabu (8/2/2023). | Foto: X") shows another moment: its
        # names count, its events and dates do not
        side = bool(_CAPTION.search(block))
        for end_m in _SENT_END.finditer(block):
            cut = end_m.end()
            if _ABBREV.search(block[i : end_m.start() + 1]):
                continue
            seg = block[i:cut]
            if seg.strip():
                s = start + i + (len(seg) - len(seg.lstrip()))
                e = start + cut - (len(seg) - len(seg.rstrip()))
                out.append(Sentence(s, e, text[s:e], para, side or s >= related_from))
            i = cut
        seg = block[i:]
        if seg.strip():
            s = start + i + (len(seg) - len(seg.lstrip()))
            e = start + len(block) - (len(seg) - len(seg.rstrip()))
            out.append(Sentence(s, e, text[s:e], para, side or s >= related_from))
        pos += len(block)
        para += 1
    return out


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Bylines, credits and datelines: never a source of entities."""
    spans = [m.span() for m in _BYLINE_LINE.finditer(text)]
    spans += [m.span() for m in _CREDIT.finditer(text)]
    spans += [m.span() for m in _DATELINE.finditer(text)]
    spans += [m.span() for m in _DATELINE_UPPER.finditer(text)]
    return spans


# --------------------------------------------------------------------------- mentions


@dataclass
class Mention:
    start: int
    end: int
    text: str
    type: str
    key: str | None = None  # gazetteer key
    country: str | None = None
    rule: str = ""
    confidence: float = 0.8
    aliases: list[str] = field(default_factory=list)  # extra surface forms (acronyms)
    name: str | None = None  # preferred name when it differs from the text

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


_TOKEN = r"(?:[A-Z][a-z]?\.(?:[A-Z]\.)*|[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*)"
_NAME = re.compile(rf"{_TOKEN}(?:[ \u00a0]+{_TOKEN}){{0,3}}")
_CAP_SEQ = re.compile(
    r"(?:[A-Z][\w&'’.]*(?:-[\w]+)*|&)(?:[ \u00a0]+(?:[A-Z0-9][\w&'’.]*(?:-[\w]+)*|&|dan|and|of|"
    r"for|untuk|de|du|del)(?=[ \u00a0]+[A-Z&]|[ \u00a0]*$|[^\w]))*"
)
_CAP_SEQ_LOC = re.compile(
    r"(?:[A-Z][\w&'’.]*(?:-[\w]+)*|&)(?:[ \u00a0]+(?:[A-Z0-9][\w&'’.]*(?:-[\w]+)*|&|dan|and|of|"
    r"for|untuk|di|in|to|de|du|del)(?=[ \u00a0]+[A-Z&]|[ \u00a0]*$|[^\w]))*"
)
_EMBASSY = re.compile(r"(?i)kedutaan|kedubes|konsulat|embassy|consulate")
_OTHER_ORG = re.compile(
    r"\b(?:Corp\.?|Corporation|Company|Co\.|Inc\.|Ltd\.|Group|University|Universitas|Agency|"
    r"Institute|Association|Foundation|Bank|PT)(?![\w])"
)
_SPEECH_AFTER = re.compile(
    r"\b(?:said|says|told|added|explained|noted|stressed|mengatakan|menyampaikan|menjelaskan|"
    r"mengungkapkan|menegaskan|menuturkan|menambahkan|mengapresiasi|menyambut)\b"
)
_SPEECH_BEFORE = re.compile(r"\b(?:kata|ujar|ucap|tutur|jelas|said|according to|menurut)\s+$", re.I)
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+$|\b(?:[Pp]ak|[Bb]apak|[Ii]bu|Bu)\s+$")
_EXTRA_STOP = frozenset(
    "Meanwhile However Also Earlier Later Besides Under According Both Each Other Several Many "
    "Two Three Four Five During Following Through Among Despite Since Following Apart "
    "Sebelum Setelah Usai Seusai Melalui Terkait Pihaknya Kedua Para Beberapa Sejumlah "
    "Selasa Rabu Kamis Jumat Sabtu Minggu Senin".split()
)
_ORG_CONTINUATION = re.compile(r"^(?:[ \u00a0]+(?:of|for|di|in|to|untuk)[ \u00a0]+" + _TOKEN + ")")


def _is_stop(lex: Lexicon, token: str) -> bool:
    return token in lex.stopwords or token in _EXTRA_STOP or token in _role_words(lex)


_ROLE_WORDS: dict[int, frozenset[str]] = {}


def _role_words(lex: Lexicon) -> frozenset[str]:
    """Capitalised words of role titles ('Ketua', 'Umum', 'Luar', 'Negeri'): never name parts."""
    got = _ROLE_WORDS.get(id(lex))
    if got is None:
        words = {w for r in lex.roles for w in r.split() if w[:1].isupper() and len(w) > 2}
        got = _ROLE_WORDS[id(lex)] = frozenset(words)
    return got


class _Finder:
    """Collects candidate mentions for one article."""

    def __init__(self, text: str, lex: Lexicon, excluded: list[tuple[int, int]]):
        self.text = text
        self.lex = lex
        self.excluded = excluded
        self.items: list[Mention] = []
        self.gaz: list[Mention] = []

    def allowed(self, s: int, e: int) -> bool:
        return not any(s < xe and xs < e for xs, xe in self.excluded)

    def add(self, m: Mention) -> None:
        if self.allowed(m.start, m.end) and m.text.strip():
            self.items.append(m)

    # gazetteer -----------------------------------------------------------
    def gazetteer(self) -> None:
        lex = self.lex
        roles = [r.span() for r in lex.role_regex.finditer(self.text)]

        def matches(rx: re.Pattern[str]):
            pos = 0
            while True:
                m = rx.search(self.text, pos)
                if m is None:
                    return
                # "Wali Kota Solo": the title owns "Kota"; match again after the title
                clash = next((r for r in roles if r[0] < m.start() < r[1] < m.end()), None)
                if clash is not None:
                    again = rx.match(self.text, clash[1] + 1)
                    if again is not None:
                        yield again
                        pos = again.end()
                        continue
                yield m
                pos = m.end()

        def found(m: re.Match[str], group: int, key: str, rule: str, conf: float) -> None:
            entry = lex.entries[key]
            mm = Mention(
                m.start(group),
                m.end(group),
                m.group(group),
                entry.type,
                key=entry.key,
                country=entry.country,
                rule=rule,
                confidence=conf,
            )
            self.gaz.append(mm)
            self.add(mm)

        if lex.context_regex is not None:
            for m in lex.context_regex.finditer(self.text):
                found(m, 1, lex.context_names[m.group(1)], "gazetteer-in-context", 0.85)
        for rx in (lex.gaz_regex, lex.hangul_regex):
            if rx is None:
                continue
            for m in matches(rx):
                # currencies: "US$5 million", "1,1 miliar dolar AS"
                if self.text.startswith("$", m.end()) or re.search(
                    r"(?i)\b(?:dolar|dollars?)[ \u00a0]+$",
                    self.text[max(0, m.start() - 9) : m.start()],
                ):
                    continue
                keys = lex.surface_index.get(m.group(0), [])
                if len(keys) != 1:
                    continue  # ambiguous surface: leave it to context rules
                found(m, 0, keys[0], "gazetteer", 0.95)

    def gaz_at(self, pos: int) -> Mention | None:
        for g in self.gaz:
            if g.start == pos:
                return g
        return None

    # organisations by head word -----------------------------------------
    def organisations(self) -> None:
        text = self.text
        for etype, _lang, position, word in self.lex.org_heads:
            if HANGUL.search(word):
                continue
            w = re.escape(word)
            if position == "prefix":
                rx = re.compile(rf"(?<![\w-]){w}(?=[ \u00a0]+[A-Z(])")
                seq = _CAP_SEQ_LOC if _EMBASSY.search(word) else _CAP_SEQ
                for m in rx.finditer(text):
                    tail = seq.match(text, m.end() + 1)
                    if not tail:
                        continue
                    end = self._cut_tail(m.end() + 1, tail.end(), etype, m.start())
                    self._org(m.start(), end, etype, f"org-head:{word}")
            else:
                rx = re.compile(rf"(?<![\w]){w}(?![\w])")
                for m in rx.finditer(text):
                    start = self._extend_left(m.start())
                    if start == m.start() and not word[0].isupper():
                        continue
                    if start == m.start() and " " not in word:
                        continue  # a bare head word ("Group", "Agency") is not a name
                    end = m.end()
                    cont = _ORG_CONTINUATION.match(text, end)
                    if cont and etype in ("Organization", "GovernmentOrganization"):
                        end = cont.end()
                        more = _CAP_SEQ.match(text, end + 1)
                        if more and text[end] == " ":
                            end = more.end()
                    self._org(start, end, etype, f"org-head:{word}")

    def _cut_tail(self, start: int, end: int, etype: str, head: int | None = None) -> int:
        """'Universitas Mataram Bambang Hari' → stop after the place; 'PT A and B' → 'PT A';
        'KBRI Seoul Sigit Aris' (a known name that starts with the head word) → 'KBRI Seoul'."""
        text = self.text
        if etype == "Company":
            m = re.search(r"[ \u00a0]+(?:and|dan|&)[ \u00a0]", text[start:end])
            if m:
                end = start + m.start()
        # "Ministry of Energy and Korea Electric Power Corp.": two names joined by "and"
        for cm in re.finditer(r"[ \u00a0]+(?:and|dan|&)[ \u00a0]+", text[start:end]):
            rest = text[start + cm.end() : end]
            if _OTHER_ORG.search(rest) or any(
                g.start == start + cm.end() and g.type != "Country" for g in self.gaz
            ):
                end = start + cm.start()
                break
        first = start if head is None else head
        for g in self.gaz:
            if (
                first <= g.start
                and start < g.end < end
                and re.match(r"[ \u00a0]+[A-Z]", text[g.end : end])
            ):
                return g.end
        # a person's name after a one-word org name: "KBRI Seoul Sigit Aris" is caught above;
        # a role word inside the tail ends the name ("Komisi X DPR RI Ketua ...")
        rm = self.lex.role_regex.search(text, start, end)
        if rm and rm.start() > start:
            return rm.start() - 1
        return end

    def _extend_left(self, pos: int) -> int:
        """Start of the run of capitalised words before ``pos`` (same line)."""
        text = self.text
        start = pos
        while True:
            m = re.search(
                r"([A-Z0-9][\w&'’.]*(?:-[\w]+)*|&|of|and|dan)[ \u00a0]+$",
                text[max(0, start - 60) : start],
            )
            if not m:
                break
            tok = m.group(1)
            if (
                tok.endswith(("'s", "’s"))
                or tok == "dan"  # Indonesian names put the head first: "X dan Y Corp" is a list
                or (_is_stop(self.lex, tok.rstrip(".")) and not self.lex.surface_index.get(tok))
                or self.lex.role_regex.fullmatch(tok)
            ):
                break
            if tok in ("and", "&"):
                # "Trade and Investment Promotion Agency" goes on; "Indonesia and Hyundai
                # Motor Company" is a list of two names
                prev = re.search(
                    r"(\S+)[ \u00a0]+$",
                    text[max(0, start - len(m.group(0)) - 40) : start - len(m.group(0))],
                )
                if prev and self.lex.surface_index.get(prev.group(1).rstrip(",")):
                    break
            start = start - len(m.group(0))
        # connecting words cannot start a name
        while True:
            m2 = re.match(r"(?:of|and|dan|&)[ \u00a0]+", text[start:pos])
            if not m2:
                break
            start += m2.end()
        return start

    def _org(self, start: int, end: int, etype: str, rule: str) -> None:
        text = self.text
        raw = text[start:end].rstrip(" ,.")
        end = start + len(raw)
        # drop trailing connectors and trailing locative phrases with lowercase words
        raw2 = re.sub(r"[ \u00a0]+(?:dan|and|of|for|untuk|di|in|to|&)$", "", raw)
        end = start + len(raw2)
        raw = raw2
        if len(raw.split()) < 2 and etype != "Company":
            return
        name = raw
        aliases: list[str] = []
        # "Kawasan Industri Terpadu (KIT) Batang" -> name without the parenthesis,
        # alias "KIT Batang"
        paren = re.search(r"[ \u00a0]*\(([A-Z][\w&.-]{1,12})\)[ \u00a0]*", raw)
        if paren:
            before, after = raw[: paren.start()], raw[paren.end() :]
            if after:
                name = f"{before} {after}"
                aliases.append(f"{paren.group(1)} {after}")
            else:
                name = before
                aliases.append(paren.group(1))
        country = None
        for g in self.gaz:
            if start <= g.start and g.end <= end and g.country:
                country = g.country
                break
        self.add(
            Mention(
                start,
                end,
                raw,
                etype,
                rule=rule,
                confidence=0.7,
                country=country,
                aliases=aliases,
                name=name,
            )
        )

    # acronyms in parentheses after a name ---------------------------------
    def acronyms(self) -> None:
        for m in re.finditer(r"\(([A-Z][A-Za-z&.-]{1,11})\)", self.text):
            acr = m.group(1)
            if not re.search(r"[A-Z].*[A-Z]", acr):
                continue
            before = [x for x in self.items if x.end <= m.start() and m.start() - x.end <= 2]
            before += [x for x in self.items if x.start < m.start() and x.end == m.end()]
            if before:
                host = max(before, key=lambda x: x.end - x.start)
                if acr not in host.aliases and host.type != "Person":
                    host.aliases.append(acr)
                    host.end = max(host.end, host.end)
            else:
                continue
            # later bare uses of the acronym are mentions of the same thing
            for u in re.finditer(rf"(?<![\w-]){re.escape(acr)}(?![\w-])", self.text):
                if u.start() == m.start() + 1:
                    continue
                self.add(
                    Mention(
                        u.start(),
                        u.end(),
                        acr,
                        host.type,
                        key=host.key,
                        country=host.country,
                        rule="acronym",
                        confidence=0.8,
                        name=host.name or host.text,
                    )
                )

    # "the Indonesian government", "Seoul's government": the state ------------
    def governments(self) -> None:
        lex = self.lex
        words = [w for w in lex.demonyms if not HANGUL.search(w) and " " not in w or "Korean" in w]
        rx = re.compile(
            r"\b(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")"
            r"[ \u00a0]+(?:central[ \u00a0]+)?government\b"
        )
        for m in rx.finditer(self.text):
            iso = lex.demonyms[m.group(1)]
            key = f"country/{iso}"
            if key in lex.entries:
                self.add(
                    Mention(
                        m.start(),
                        m.end(),
                        m.group(0),
                        "Country",
                        key=key,
                        country=iso,
                        rule="demonym-government",
                        confidence=0.8,
                    )
                )

    # programmes in quotes -------------------------------------------------
    def programmes(self) -> None:
        rx = re.compile(
            r"\b(?:program|programme|gerakan|kebijakan|policy|campaign|kampanye)\s+"
            r"[\"“”']([A-Z][^\"“”'\n]{2,60})[\"“”']",
            re.I,
        )
        for m in rx.finditer(self.text):
            self.add(
                Mention(
                    m.start(1),
                    m.end(1),
                    m.group(1),
                    "Program",
                    rule="programme-quoted",
                    confidence=0.75,
                )
            )

    # persons without titles --------------------------------------------------
    def persons(self) -> None:
        text = self.text
        sur = "|".join(sorted(self.lex.korean_surnames, key=len, reverse=True))
        rx = re.compile(
            rf"(?<![\w-])({sur})[ \u00a0]+([A-Z][a-z]+(?:-[a-z]+)?)"
            r"(?:[ \u00a0]+([A-Z][a-z]+))?(?![\w-])"
        )
        for m in rx.finditer(text):
            given = [g for g in (m.group(2), m.group(3)) if g]
            if any(_is_stop(self.lex, g) or self.lex.surface_index.get(g) for g in given):
                given = given[:1]
                if _is_stop(self.lex, given[0]) or self.lex.surface_index.get(given[0]):
                    continue
            end = m.start(2) + len(" ".join(given)) if len(given) == 1 else m.end()
            if len(given) == 1 and "-" not in given[0] and not self._name_context(m.start(), end):
                # "Kim Min" is fine, but a two-token "Park Hotel" is not: need context
                if not re.match(r"[A-Z][a-z]{1,5}$", given[0]):
                    continue
            self.add(
                Mention(
                    m.start(),
                    end,
                    text[m.start() : end],
                    "Person",
                    country="KR",
                    rule="korean-name",
                    confidence=0.75,
                )
            )
        # Western order with a hyphenated given name: "Hong-Koo Kim"
        rx2 = re.compile(
            rf"(?<![\w-])([A-Z][a-z]{{1,5}}-[A-Za-z][a-z]{{1,5}})[ \u00a0]+({sur})(?![\w-])"
        )
        for m in rx2.finditer(text):
            if self.lex.surface_index.get(m.group(1)):
                continue
            self.add(
                Mention(
                    m.start(),
                    m.end(),
                    m.group(0),
                    "Person",
                    country="KR",
                    rule="korean-name",
                    confidence=0.7,
                )
            )
        # names before speech verbs / after "kata", honorifics
        for m in _NAME.finditer(text):
            toks = m.group(0).split()
            while toks and (
                _is_stop(self.lex, toks[0].rstrip("."))
                or self.lex.surface_index.get(toks[0])
                or toks[0] in self.lex.roles
            ):
                toks = toks[1:]
            if not toks:
                continue
            start = m.end() - len(" ".join(toks)) if toks != m.group(0).split() else m.start()
            span_text = text[start : m.end()]
            if any(_is_stop(self.lex, t) for t in toks) or self.lex.surface_index.get(span_text):
                continue
            after = text[m.end() : m.end() + 40]
            before = text[max(0, start - 30) : start]
            ok = False
            if re.match(r",?[ \u00a0]+", after) and _SPEECH_AFTER.match(after.lstrip(", \u00a0")):
                ok = True
            if _SPEECH_BEFORE.search(before) or _HONORIFIC.search(before):
                ok = True
            if ok:
                self.add(
                    Mention(
                        start,
                        m.end(),
                        span_text,
                        "Person",
                        rule="speech-or-honorific",
                        confidence=0.6,
                    )
                )

    def _name_context(self, start: int, end: int) -> bool:
        before = self.text[max(0, start - 40) : start]
        after = self.text[end : end + 40]
        return bool(
            self.lex.role_regex.search(before[-25:])
            or _SPEECH_BEFORE.search(before)
            or _SPEECH_AFTER.match(after.lstrip(", "))
        )


# --------------------------------------------------------------------------- titles and posts


@dataclass
class TitleHit:
    person: Mention
    role_surface: str
    role_key: str
    role_en: str
    scope: str
    org: Mention | None
    modifier: str | None
    sentence: Sentence | None = None
    rule: str = "title"


def _select(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first; gazetteer wins ties."""
    rank = {"gazetteer": 0, "acronym": 2}
    chosen: list[Mention] = []
    for m in sorted(
        mentions,
        key=lambda x: (-(x.end - x.start), rank.get(x.rule, 1), x.start),
    ):
        if not any(m.overlaps(c) for c in chosen):
            chosen.append(m)
    chosen.sort(key=lambda x: x.start)
    return chosen


def _find_titles(
    text: str,
    lex: Lexicon,
    finder: _Finder,
    base: list[Mention],
    unnamed: list[tuple[Mention, str]] | None = None,
) -> list[TitleHit]:
    """Role title patterns: 'Gubernur DKI Jakarta Pramono Anung', 'Jakarta Governor X',
    'X, Gubernur DKI Jakarta', 'Governor X of Y', and Korean '김태흠 충남도지사'.

    Titles with an organisation but no name ('kunjungan Gubernur Provinsi Jeollanamdo ke
    Palu') add the organisation to ``unnamed``: it stands in for its official."""
    hits: list[TitleHit] = []
    by_start = {m.start: m for m in base if m.type != "Person"}

    def org_at(pos: int) -> Mention | None:
        m = re.match(r"[ \u00a0]*", text[pos:])
        p = pos + (m.end() if m else 0)
        return by_start.get(p)

    def name_at(pos: int) -> tuple[int, int] | None:
        m = re.match(r"[ \u00a0]*,?[ \u00a0]*", text[pos:])
        p = pos + (m.end() if m else 0)
        nm = _NAME.match(text, p)
        if not nm:
            return None
        toks = nm.group(0).split()
        keep: list[str] = []
        cursor = p
        for i, t in enumerate(toks):
            tpos = text.index(t, cursor)
            bare = t.rstrip(".,")
            # "Ali An Sun Guen": a surname inside a name is not the article "An"
            stop = _is_stop(lex, bare) and not (i > 0 and bare in lex.korean_surnames)
            if stop or tpos in by_start or lex.surface_index.get(t):
                break
            if lex.role_regex.match(text, tpos):
                break
            keep.append(t)
            cursor = tpos + len(t)
            if t.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", t):
                break  # "Lee Seung Ha. Menjajaki ...": a full stop after a word ends the name
        if not keep:
            return None
        end = cursor
        if text[end - 1] == "." and not re.search(r"(?:^|\s|\.)[A-Z]\.$", text[p:end]):
            end -= 1
        return p, end

    paren = re.compile(r"[ \u00a0]*\([A-Za-z][\w&.-]{1,11}\)")
    joiner = re.compile(
        r"[ \u00a0]*(?:/|,?[ \u00a0]+(?:merangkap|sekaligus|serta|dan|and|&))[ \u00a0]*"
    )

    def orgs_from(pos: int) -> tuple[list[Mention], int]:
        """The organisation phrase after a title: orgs, demonyms, '(ABBR)', 'untuk/to X'."""
        found: list[Mention] = []
        while True:
            pm = paren.match(text, pos)
            if pm:
                pos = pm.end()
                continue
            o = org_at(pos)
            if o is not None:
                found.append(o)
                pos = o.end
                continue
            link = re.match(r"[ \u00a0]+(?:untuk|for|to|di|in)(?=[ \u00a0])", text[pos:])
            if link:
                o2 = org_at(pos + link.end())
                if o2 is not None:
                    pos = o2.end  # the place of posting or the host country, not the post's org
                    continue
            dm = re.match(r"[ \u00a0]+(RI|Korsel|Korea Selatan|Indonesia|Korea)\b", text[pos:])
            if dm and not found:
                pos += dm.end()
                iso = lex.demonyms.get(dm.group(1), "ID")
                found.append(
                    Mention(
                        pos - len(dm.group(1)),
                        pos,
                        dm.group(1),
                        "Country",
                        key=f"country/{iso}",
                        country=iso,
                        rule="demonym",
                    )
                )
                continue
            return found, pos

    headlines = _titlecase_lines(text)

    def in_headline(p: int) -> bool:
        return any(s <= p < e for s, e in headlines)

    consumed: set[int] = set()
    for rm in lex.role_regex.finditer(text):
        if rm.start() in consumed or not finder.allowed(rm.start(), rm.end()):
            continue
        before = text[max(0, rm.start() - 40) : rm.start()]
        modifier = None
        for tok in re.findall(r"(\S+)[ \u00a0]+", before)[-2:]:
            if tok in lex.modifiers:
                modifier = lex.modifiers[tok]
        # T2: "<Org/Demonym> Governor Name"
        pre_org = None
        for m in base:
            if m.type != "Person" and 0 <= rm.start() - m.end <= 1:
                pre_org = m
        # T1: Role [Org ...] [(/|merangkap|sekaligus|dan) Role [Org ...]]* [,] Name
        chain: list[tuple[re.Match[str], list[Mention]]] = []
        cur = rm
        while True:
            orgs_after, pos = orgs_from(cur.end())
            chain.append((cur, orgs_after))
            j = joiner.match(text, pos)
            nxt = lex.role_regex.match(text, j.end()) if j else None
            if nxt is None or not finder.allowed(nxt.start(), nxt.end()):
                break
            consumed.add(nxt.start())
            cur = nxt
        nm = name_at(pos)
        if nm is not None and not chain[-1][1]:
            # "Counselor Politik KBRI Seoul Sigit ...": a word between the title and an
            # organisation qualifies the title; the name comes after the organisation
            follow, after = orgs_from(nm[1])
            if follow and re.match(r"[ \u00a0]*,?[ \u00a0]*[A-Z]", text[after : after + 3]):
                nm2 = name_at(after)
                if nm2 is not None:
                    chain[-1] = (chain[-1][0], follow)
                    nm, pos = nm2, after
        person_span = None
        rule = "title-before-name"
        first_org = chain[0][1][0] if chain[0][1] else None
        if nm:
            person_span = nm
            # T4: "Governor Kim Tae-heum of South Chungcheong Province"
            if first_org is None and len(chain) == 1:
                of = re.match(r"[ \u00a0]+(?:of|dari)[ \u00a0]+", text[nm[1] :])
                if of:
                    o = org_at(nm[1] + of.end() - 1) or by_start.get(nm[1] + of.end())
                    if o is not None:
                        chain[0] = (chain[0][0], [o])
            if chain[0][1] == [] and pre_org is not None:
                chain[0] = (chain[0][0], [pre_org])
                rule = "org-title-name"
        if nm and in_headline(rm.start()) and "," in text[pos : nm[0]]:
            nm = None  # "Bertemu Dubes Korea, Gibran Ungkap ...": a headline lists two actors
            person_span = None
        if nm:
            pass
        elif len(chain) == 1 and first_org is not None:
            # T3 apposition: "Pramono Anung, Gubernur DKI Jakarta"
            app = re.search(
                r"(" + _NAME.pattern + r"),[ \u00a0]*(?:the[ \u00a0]+)?$",
                text[max(0, rm.start() - 60) : rm.start()],
            )
            if app:
                s = max(0, rm.start() - 60) + app.start(1)
                e = s + len(app.group(1))
                toks = app.group(1).split()
                if toks and not any(_is_stop(lex, t) for t in toks) and s not in by_start:
                    person_span = (s, e)
                    rule = "name-comma-title"
        if person_span is None:
            if nm is None and first_org is not None and unnamed is not None:
                unnamed.append((first_org, lex.roles[rm.group(0)].role))
            continue
        s, e = person_span
        if not finder.allowed(s, e):
            continue
        pm = Mention(s, e, text[s:e], "Person", rule=rule, confidence=0.85)
        for i, (match, orgs) in enumerate(chain):
            role = lex.roles[match.group(0)]
            hits.append(
                TitleHit(
                    pm,
                    match.group(0),
                    role.role,
                    role.role_en,
                    role.scope,
                    orgs[0] if orgs else None,
                    modifier if i == 0 else None,
                    rule=rule,
                )
            )
    # lowercase English appositions: "Kim Tae-heum, governor of South Chungcheong Province"
    for m in re.finditer(
        r"("
        + _NAME.pattern
        + r"),[ \u00a0]+(?:the[ \u00a0]+)?(?:(acting|former|deputy|vice)[ \u00a0]+)?"
        r"(governor|mayor|minister|ambassador|president|chairman|chief executive|head|rector|"
        r"regent)"
        r"[ \u00a0]+(?:of|for|to)[ \u00a0]+(?:the[ \u00a0]+)?",
        text,
    ):
        org = by_start.get(m.end())
        if org is None:
            continue
        role = lex.roles.get(m.group(3).title()) or lex.roles.get(m.group(3).capitalize())
        if role is None:
            continue
        toks = m.group(1).split()
        if any(_is_stop(lex, t) for t in toks):
            continue
        pm = Mention(
            m.start(1), m.end(1), m.group(1), "Person", rule="name-comma-role-of", confidence=0.8
        )
        hits.append(
            TitleHit(
                pm,
                m.group(3),
                role.role,
                role.role_en,
                role.scope,
                org,
                m.group(2),
                rule="name-comma-role-of",
            )
        )
    # Korean: "김태흠 충남도지사", "박보생 김천시장", "조현 외교부 장관"
    ko_roles = sorted((r for r in lex.roles if HANGUL.search(r)), key=len, reverse=True)
    if ko_roles:
        rx = re.compile(
            r"([\uac00-\ud7a3]{2,4})[ \u00a0]+([\uac00-\ud7a3]{1,12}?)[ \u00a0]?("
            + "|".join(map(re.escape, ko_roles))
            + r")(?![\uac00-\ud7a3]{2})"
        )
        for m in rx.finditer(text):
            org_text = m.group(2)
            org = None
            for g in finder.gaz:
                if g.start >= m.start(2) and g.start < m.end(2) + 1:
                    org = g
                    break
            if org is None and org_text:
                keys = (
                    lex.surface_index.get(org_text)
                    or lex.surface_index.get(org_text + "시")
                    or (lex.surface_index.get(org_text + "도"))
                )
                if keys and len(keys) == 1:
                    e = lex.entries[keys[0]]
                    org = Mention(
                        m.start(2),
                        m.end(2),
                        org_text,
                        e.type,
                        key=e.key,
                        country=e.country,
                        rule="gazetteer",
                    )
            role = lex.roles[m.group(3)]
            pm = Mention(
                m.start(1),
                m.end(1),
                m.group(1),
                "Person",
                rule="korean-title",
                confidence=0.8,
                country=org.country if org else None,
            )
            hits.append(
                TitleHit(
                    pm,
                    m.group(3),
                    role.role,
                    role.role_en,
                    role.scope,
                    org,
                    None,
                    rule="korean-title",
                )
            )
    return hits


# --------------------------------------------------------------------------- the extractor

_COOP_CUE = re.compile(
    r"kerja ?sama|bekerja ?sama|kolaborasi|berkolaborasi|kemitraan|bermitra|hubungan|bilateral|"
    r"cooperation|cooperate|collaborat\w*|partnership|partners?\b|team(?:s|ed)? up|join(?:s|ed)? "
    r"hands|relations|ties|sister|kembar|bersaudara|협력|교류|자매|우호",
    re.I,
)
_LOCATIVE = re.compile(
    r"(?:\bdi|\bin|\bat|\bke|\bto|\bfrom|\bdari)[ \u00a0]+(?:the[ \u00a0]+)?"
    r"(?:(?:kota|kabupaten|provinsi|pulau|city of|province of|island of)[ \u00a0]+)?$",
    re.I,
)
_WITH = re.compile(
    r"\b(?:kerja ?sama|bekerja ?sama|berkolaborasi|bermitra|kemitraan|hubungan|cooperate|"
    r"cooperation|partner(?:ship)?|team up|collaborat\w*|relations?|sister \w+)\b[^.;]{0,40}?"
    r"\b(?:dengan|with)\b",
    re.I,
)
_BETWEEN = re.compile(r"\b(?:antara|between)\b", re.I)
_PLACE_TYPES = ("Facility", "City", "Province", "Country")


@dataclass
class _SentInfo:
    sent: Sentence
    mentions: list[Mention]
    dates: list


def _evidence(s: Sentence, rule: str, conf: float) -> Evidence:
    return Evidence(s.start, s.end, s.text, rule, conf)


def extract(article: Article, lex: Lexicon | None = None) -> Extraction:
    """Extract everything from one article."""
    lex = lex or load_lexicon()
    text = article.text
    excluded = excluded_spans(text)
    sentences = split_sentences(text)
    finder = _Finder(text, lex, excluded)
    finder.gazetteer()
    finder.organisations()
    finder.programmes()
    finder.governments()
    finder.persons()
    pre = _select(list(finder.items))
    finder.items = pre
    finder.acronyms()
    base = _select(finder.items)
    unnamed: list[tuple[Mention, str]] = []
    titles = _find_titles(text, lex, finder, base, unnamed)
    for t in titles:
        finder.items.append(t.person)
        if t.org is not None and t.org.rule == "demonym":
            finder.items.append(t.org)
    mentions = _drop_headline_guesses(_select(finder.items), text)
    # a person named once with a title is the same person wherever the name recurs
    known = {m.text for m in mentions if m.type == "Person" and len(m.text.split()) >= 2}
    # "Widodo", "Khofifah": a first or last name alone, when only one known person has it
    short: dict[str, set[str]] = {}
    for name in known:
        toks = name.split()
        for t in {toks[0], toks[-1]}:
            if (
                len(t) >= 4
                and t.isalpha()
                and t not in lex.korean_surnames
                and not _is_stop(lex, t)
                and not lex.surface_index.get(t)
            ):
                short.setdefault(t, set()).add(name)
    known |= {t for t, names in short.items() if len(names) == 1}
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for name in sorted(known, key=len, reverse=True):
        for hit in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            s, e = hit.span()
            if any(s < te and ts < e for ts, te in taken) or not finder.allowed(s, e):
                continue
            taken.append((s, e))
            extra.append(Mention(s, e, name, "Person", rule="repeated-name", confidence=0.8))
    mentions = sorted(mentions + extra, key=lambda m: m.start)
    # a title's person wins over any other reading of the same span
    entities, key_of = resolve_mentions(mentions, lex, article)
    ref = _ref_date(article)

    def sent_of(pos: int) -> Sentence | None:
        for s in sentences:
            if s.start <= pos < s.end:
                return s
        return None

    ex = Extraction(article=article, entities=entities)

    # posts -----------------------------------------------------------------
    seen_posts: dict[tuple, Post] = {}
    for t in titles:
        pkey = key_of.get((t.person.start, t.person.end))
        if pkey is None:
            continue
        okey = None
        if t.org is not None:
            okey = key_of.get((t.org.start, t.org.end)) or t.org.key
        if okey is None and t.scope == "country":
            okey = _implied_country(t, ex, lex, article)
        if okey is None or okey not in entities:
            continue
        s = sent_of(t.person.start)
        ev = [_evidence(s, t.rule, 0.85)] if s else []
        k = (pkey, t.role_key, okey)
        if k in seen_posts:
            seen_posts[k].evidence.extend(ev)
            continue
        post = Post(pkey, t.role_surface, t.role_key, t.role_en, okey, t.modifier, ev)
        seen_posts[k] = post
        ex.posts.append(post)
        person = entities[pkey]
        org_country = entities[okey].country
        if person.country is None and org_country:
            person.country = org_country

    # per-sentence view -------------------------------------------------------
    infos: list[_SentInfo] = []
    for s in sentences:
        for part in _clauses(s, lex):
            ms = [
                m
                for m in mentions
                if part.start <= m.start < part.end and (m.start, m.end) in key_of
            ]
            infos.append(_SentInfo(part, ms, find_dates(part.text, lex, ref)))

    _events(ex, infos, lex, key_of, ref, unnamed)
    _cooperation(ex, infos, lex, key_of)
    _affiliations(ex, lex, sentences)
    return ex


def _titlecase_lines(text: str) -> list[tuple[int, int]]:
    """Lines Written Like Headlines, where capitalisation says nothing about names."""
    out = []
    pos = 0
    for line in text.split("\n"):
        words = re.findall(r"[^\W\d_][\w'’-]*", line)
        short = len(line) <= 160 and not line.rstrip().endswith((".", "!", "?", '"', "”"))
        if short and len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _drop_headline_guesses(mentions: list[Mention], text: str) -> list[Mention]:
    """In a Title Case line a person name is kept only as far as the body confirms it."""
    lines = _titlecase_lines(text)
    if not lines:
        return mentions
    body = text
    for s, e in lines:
        body = body[:s] + " " * (e - s) + body[e:]
    out = []
    for m in mentions:
        if m.type == "Person" and not m.key and any(s <= m.start < e for s, e in lines):
            toks = m.text.split()
            while toks and not re.search(rf"(?<![\w]){re.escape(' '.join(toks))}(?![\w])", body):
                toks = toks[:-1]
            if not toks:
                continue
            m.text = " ".join(toks)
            m.end = m.start + len(m.text)
        out.append(m)
    return out


_CLAUSE_BREAK = re.compile(
    r",?[ \u00a0]+(?:and|while|whereas|sedangkan|sementara|serta|dan)[ \u00a0]+(?=\S)|;[ \u00a0]+"
)


def _clauses(s: Sentence, lex: Lexicon) -> list[Sentence]:
    """'A signed an MoU with B, and C clinched a separate MoU with D': one clause per
    agreement, so each gets its own parties. Other sentences stay whole."""
    cuts = [m for m in _CLAUSE_BREAK.finditer(s.text) if m.group(0).startswith((",", ";"))]
    if not cuts:
        return [s]
    bounds = [0, *(m.end() for m in cuts), len(s.text)]
    parts = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    with_agr = [
        p for p in parts if any(rx.search(s.text[p[0] : p[1]]) for _, rx in lex.agreement_triggers)
    ]
    if len(with_agr) < 2 or len(with_agr) != len(parts):
        return [s]
    return [
        Sentence(s.start + a, s.start + b, s.text[a:b], s.paragraph, s.related) for a, b in parts
    ]


def _ref_date(article: Article) -> date | None:
    if article.published and len(article.published) == 10:
        try:
            return date.fromisoformat(article.published)
        except ValueError:
            return None
    return None


def _implied_country(t: TitleHit, ex: Extraction, lex: Lexicon, article: Article) -> str | None:
    """'Menteri Luar Negeri Sugiono': the post's organisation is the country."""
    before = article.text[max(0, t.person.start - 40) : t.person.start]
    before = re.split(r"[.;:!?\n]|\b(?:dan|and|dengan|with)\b", before)[-1]
    for word, iso in sorted(lex.demonyms.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", before):
            return _ensure_country(ex, lex, iso)
    if t.rule == "korean-name" or re.match(
        rf"(?:{'|'.join(lex.korean_surnames)})\b", t.person.text
    ):
        return _ensure_country(ex, lex, "KR")
    lang_country = {"id": "ID", "ko": "KR"}.get(article.lang or "")
    if lang_country:
        return _ensure_country(ex, lex, lang_country)
    return None


def _ensure_country(ex: Extraction, lex: Lexicon, iso: str) -> str | None:
    """The country entity, added from the gazetteer when only implied ("South Korean
    President Yoon"): the post's organisation is the state."""
    key = f"country/{iso}"
    if key not in ex.entities:
        entry = lex.entries.get(key)
        if entry is None:
            return None
        name = entry.labels.get(ex.article.lang or "", entry.name)  # "South Korea" in English
        ex.entities[key] = Entity(key, name, "Country", iso, [], [], entry.wikidata, True)
    return key


def _key(m: Mention, key_of: dict) -> str | None:
    return key_of.get((m.start, m.end))


def _events(
    ex: Extraction,
    infos: list[_SentInfo],
    lex: Lexicon,
    key_of: dict,
    ref: date | None,
    unnamed: list[tuple[Mention, str]],
) -> None:
    ents = ex.entities
    events: list[Event] = []
    order = ["LoI", "MoU", "SisterCity", "JointDeclaration", "Agreement"]

    def agreement_type(text: str) -> tuple[str | None, int]:
        found, at = None, len(text)
        for atype, rx in lex.agreement_triggers:
            m = rx.search(text)
            if m and (found is None or order.index(atype) < order.index(found)):
                found, at = atype, m.start()
        return found, at

    pair = _dominant_pair(ex)
    for idx, info in enumerate(infos):
        s = info.sent
        if s.related:
            continue
        hits = []
        for etype, _lang, rx, conf in lex.event_triggers:
            m = rx.search(s.text)
            if m:
                hits.append((etype, m.start(), conf, m.group(0).lower()))
        if not hits:
            continue
        agr_type, agr_pos = agreement_type(s.text)
        types = {h[0] for h in hits}
        if "Signing" in types:
            etype = "Signing"
        elif "Opening" in types:
            etype = "Opening"
        elif "Visit" in types:
            etype = "Visit"
        elif "Meeting" in types:
            etype = "Meeting"
        else:
            etype = hits[0][0]
        conf, word = max((h[2], h[3]) for h in hits if h[0] == etype)
        word = next((h[3] for h in hits if h[0] == etype and h[3] in _GATHERINGS), word)
        keyed = [(m, _key(m, key_of)) for m in info.mentions]
        keyed = [(m, k) for m, k in keyed if k in ents]
        # location: a place right after a locative preposition
        location = None
        for m, k in keyed:
            if ents[k].type in _PLACE_TYPES and _LOCATIVE.search(s.text[: m.start - s.start]):
                location = k
                break
            after = s.text[m.end - s.start : m.end - s.start + 24]
            if ents[k].type in _PLACE_TYPES and re.match(r"(?:\([^)]{0,20}\))?에(?:서)?", after):
                location = k  # Korean locative particle: "자카르타 시청(Balai Kota)에서"
                break
        persons = [k for m, k in keyed if ents[k].type == "Person"]
        places = _locative(keyed, ex.article.text, s)
        actors = [
            k
            for m, k in keyed
            if ents[k].type not in ("Person", "Facility", "Program")
            and k != location
            and m.start not in places
            and not ex.article.text.startswith(("'s", "’s"), m.end)
        ]
        actors = _most_specific(actors, ents, ex)
        participants = list(dict.fromkeys(persons))
        if etype == "Opening":
            participants = list(
                dict.fromkeys(
                    persons
                    + [
                        k
                        for k in actors
                        if ents[k].type in ("Company", "GovernmentOrganization", "Organization")
                    ]
                )
            )
        stand_ins = []
        for o, role in unnamed:
            okey = key_of.get((o.start, o.end))
            if not (s.start <= o.start < s.end) or okey is None or okey == location:
                continue
            # "Gubernur Sulawesi Tengah" without a name: the person the article says holds it
            holders = {p.person for p in ex.posts if p.organization == okey and p.role_key == role}
            stand_ins.append(holders.pop() if len(holders) == 1 else okey)
        if stand_ins and not persons:
            persons = [k for k in stand_ins if ents[k].type == "Person"]
        if not participants and stand_ins:
            participants = list(dict.fromkeys(stand_ins))  # "Gubernur Jeollanamdo" unnamed
        if not participants:
            participants = [k for k in actors if ents[k].type != "Country" or etype == "Signing"]
            participants = list(dict.fromkeys(participants))
        if etype in ("Meeting", "Visit") and not persons and not stand_ins:
            continue  # a meeting/visit needs a named person (or an unnamed official's body)
        if etype == "Opening" and not any(
            ents[k].type in ("Company", "GovernmentOrganization", "Organization", "Facility")
            for k in participants + ([location] if location else [])
        ):
            continue  # "membuka babak baru": an opening needs something that was opened
        if not participants:
            continue
        date_v = None
        for d in info.dates:
            date_v = d.value
            break
        if date_v is None:
            # '"...," kata Gibran, Rabu (15/2/2023).': a dated statement by a participant
            for nxt in infos[idx + 1 : idx + 9]:
                if nxt.sent.related or not nxt.dates:
                    continue
                if any(_key(m, key_of) in persons for m in nxt.mentions):
                    date_v = nxt.dates[0].value
                    break
        ev = Event(
            etype,
            date_v,
            location,
            participants,
            evidence=[_evidence(s, f"trigger:{etype}:{word}", conf)],
        )
        if etype == "Signing":
            if agr_type is None:
                # "The MoU covers ... It was signed by ...": the agreement named just before
                for prev in reversed(infos[max(0, idx - 2) : idx]):
                    agr_type, _ = agreement_type(prev.sent.text)
                    if agr_type:
                        break
            parties = _parties(s, keyed, ents, ex, persons)
            if pair and _BOTH.search(s.text):
                # "kedua gubernur menandatangani ...": the article's two regions, their heads
                parties = list(pair)
                for post in ex.posts:
                    if post.organization in pair and post.person not in ev.participants:
                        ev.participants.append(post.person)
                ev.participants = [p for p in ev.participants if p not in pair]
            if len({ents[p].country for p in parties} - {None}) == 1 and all(
                ents[p].country for p in parties
            ):
                parties = []  # all on one side: co-attendees, not the two sides of a deal
            if len(parties) >= 2:
                ev.agreement = Agreement(
                    agr_type or "Agreement", parties, [], signatories=list(persons)
                )
            elif not persons:
                continue  # a signing with neither signatories nor two parties says too little
            elif "Meeting" in types:
                ev.type = "Meeting"  # people of one side at a meeting where others signed
        events.append(ev)
    merged = _merge_events(events, {k for k, e in ents.items() if e.type == "Person"}, ents)
    merged = _attach_signatories(merged, ents)
    for ev in merged:
        # signatories named: the parties no longer stand in for them
        if ev.agreement is not None and any(ents[p].type == "Person" for p in ev.participants):
            ev.participants = [
                p
                for p in ev.participants
                if ents[p].type == "Person" or p not in ev.agreement.parties
            ]
    _assign_sectors(merged, infos, lex)
    ex.events = merged
    # opening of an office: organisation located in the place since the date
    for ev in merged:
        if ev.type == "Opening" and ev.location:
            for p in ev.participants:
                if ents[p].type in ("GovernmentOrganization", "Organization", "Company"):
                    ex.relations.append(
                        Relation("located_in", p, ev.location, ev.date, list(ev.evidence))
                    )


_BOTH = re.compile(
    r"\b(?:kedua|both|the two)[ \u00a0]+(?:gubernur|wali ?kota|bupati|pemerintah|provinsi|kota|"
    r"daerah|wilayah|pihak|governors|mayors|provinces|cities|regions|sides|governments)\b",
    re.I,
)


def _dominant_pair(ex: Extraction) -> tuple[str, str] | None:
    """The Indonesian and the Korean region or city an article mentions most."""
    best: dict[str, tuple[int, str]] = {}
    for k, e in ex.entities.items():
        if e.type in ("Province", "City") and e.country in ("ID", "KR"):
            n = len(e.mentions)
            if n > best.get(e.country, (0, ""))[0]:
                best[e.country] = (n, k)
    if "ID" in best and "KR" in best:
        return best["ID"][1], best["KR"][1]
    return None


def _locative(keyed: list[tuple[Mention, str]], text: str, s: Sentence) -> set[int]:
    """Starts of mentions used as places: after "di/in/at/ke…", and the places that
    qualify them ("di Gedung Negara Grahadi, Surabaya")."""
    out: set[int] = set()
    prev: Mention | None = None
    for m, _k in keyed:
        if _LOCATIVE.search(text[max(s.start, m.start - 12) : m.start]) or (
            prev is not None
            and prev.start in out
            and re.fullmatch(r",[ \u00a0]*", text[prev.end : m.start])
        ):
            out.add(m.start)
        prev = m
    return out


def _most_specific(keys: list[str], ents: dict[str, Entity], ex: Extraction) -> list[str]:
    """Drop a country when a region, city or body of that country is also named, and a
    province when a city inside it is named ("Kabupaten Bangli, Bali")."""
    lex = load_lexicon()
    parents = {lex.entries[o].parent for o in keys if o in lex.entries and ents[o].type == "City"}
    out = []
    for k in keys:
        e = ents[k]
        if e.type == "Country" and any(
            ents[o].country == e.country and ents[o].type != "Country" and ents[o].type != "Person"
            for o in keys
        ):
            continue
        if e.type == "Province" and k in parents:
            continue
        out.append(k)
    return list(dict.fromkeys(out))


def _parties(s: Sentence, keyed: list, ents: dict, ex: Extraction, persons: list[str]) -> list[str]:
    text = ex.article.text
    places = _locative(keyed, text, s)
    cands = [
        k
        for m, k in keyed
        if ents[k].type not in ("Person", "Facility", "Program")
        and m.start not in places
        # "Jakarta's capital relocation project": a possessive modifies, it does not sign
        and not text.startswith(("'s", "’s"), m.end)
    ]
    cands = _most_specific(cands, ents, ex)
    # signatories' organisations
    post_orgs = []
    for p in persons:
        for post in ex.posts:
            if post.person == p and post.organization and post.organization not in post_orgs:
                post_orgs.append(post.organization)
    if len(post_orgs) >= 2:
        return post_orgs
    bm = _BETWEEN.search(s.text)
    if bm:
        after = [k for m, k in keyed if m.start - s.start > bm.start() and k in cands]
        if len(after) >= 2:
            return (
                list(dict.fromkeys(after))[:2]
                if len(set(after)) == 2
                else list(dict.fromkeys(after))
            )
    merged = list(dict.fromkeys(post_orgs + cands))
    return merged


def _compatible_dates(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    return a.startswith(b) or b.startswith(a)


def _attach_signatories(events: list[Event], ents: dict[str, Entity]) -> list[Event]:
    """A signing with named people but no agreement, and exactly one agreement signing that
    names no people: one ceremony told twice ("X dan Y menandatangani ... ; kedua kota
    resmi menjadi kota kembar")."""
    with_agr = [e for e in events if e.type == "Signing" and e.agreement is not None]
    bare = [e for e in events if e.type == "Signing" and e.agreement is None]
    if len(with_agr) != 1 or not bare:
        return events
    target = with_agr[0]
    if any(ents[p].type == "Person" for p in target.participants):
        return events
    out = []
    for ev in events:
        if ev in bare and _compatible_dates(ev.date, target.date):
            target.participants = [p for p in ev.participants] + [
                p for p in target.participants if p not in target.agreement.parties
            ]
            target.agreement.signatories = list(ev.participants)
            target.date = target.date or ev.date
            target.location = target.location or ev.location
            target.evidence.extend(ev.evidence)
            continue
        out.append(ev)
    return out


_GATHERINGS = frozenset(
    "symposium simposium conference konferensi seminar workshop lokakarya forum summit ktt "
    "roundtable 심포지엄 포럼 세미나".split()
)


def _gathering(ev: Event) -> str | None:
    """The named kind of gathering an event was read from (symposium, forum …), if any."""
    for e in ev.evidence:
        word = e.rule.rsplit(":", 1)[-1]
        if word in _GATHERINGS:
            return word
    return None


def _same_parties(a: list[str], b: list[str], ents: dict[str, Entity]) -> bool:
    """Party lists that name the same sides: equal, one inside the other, or differing only
    by names of the same country ("South Korea" / "Seoul" used for the state)."""
    sa, sb = set(a), set(b)
    if sa == sb or sa < sb or sb < sa:
        return True
    if not sa & sb:
        return False
    places = ("Country", "Province", "City")
    if any(ents[k].type not in places for k in sa ^ sb):
        return False
    ca = {ents[k].country for k in sa - sb}
    cb = {ents[k].country for k in sb - sa}
    return len(ca) == 1 and ca == cb and None not in ca


def _merge_events(
    events: list[Event], persons: set[str], ents: dict[str, Entity] | None = None
) -> list[Event]:
    """One event per happening: mentions of the same type, compatible dates and a shared
    person (or the same agreement) are merged."""
    out: list[Event] = []
    for ev in events:
        target = None
        for o in out:
            if o.type != ev.type or not _compatible_dates(o.date, ev.date):
                continue
            same_agr = (
                o.agreement is not None
                and ev.agreement is not None
                and (
                    o.agreement.type == ev.agreement.type
                    or "Agreement" in (o.agreement.type, ev.agreement.type)
                )
                and (
                    set(o.agreement.parties) == set(ev.agreement.parties)
                    or (
                        ents is not None
                        and not {*o.participants, *ev.participants} & persons
                        and _same_parties(o.agreement.parties, ev.agreement.parties, ents)
                    )
                )
            )
            overlap = {p for p in set(o.participants) & set(ev.participants) if p in persons}
            if overlap and o.type in ("Meeting", "Visit"):
                # a minister meeting one counterpart, then another: two meetings
                po = {p for p in o.participants if p in persons}
                pe = {p for p in ev.participants if p in persons}
                if len(overlap) < 2 and not (po <= pe or pe <= po):
                    overlap = set()
            if o.type == "Meeting" and _gathering(o) and _gathering(o) == _gathering(ev):
                overlap = {"same gathering"}  # "... also spoke at the symposium"
            if not overlap and o.agreement is None and ev.agreement is None:
                overlap = set(o.participants) & set(ev.participants)
            if (
                o.agreement is not None
                and ev.agreement is not None
                and "Agreement" not in (o.agreement.type, ev.agreement.type)
                and o.agreement.type != ev.agreement.type
            ):
                continue  # an LoI and the MoU that followed it are two signings
            if same_agr or overlap:
                target = o
                break
        if target is None:
            out.append(ev)
            continue
        for p in ev.participants:
            if p not in target.participants:
                target.participants.append(p)
        if target.date is None or (ev.date and len(ev.date) > len(target.date)):
            target.date = ev.date or target.date
        target.location = target.location or ev.location
        if target.agreement is None:
            target.agreement = ev.agreement
        elif ev.agreement is not None:
            if (
                ev.participants
                and set(ev.participants) != set(target.participants)
                and all(p in target.agreement.parties for p in target.participants)
            ):
                # the earlier mention named only the parties: the signatories replace them
                target.participants = [
                    p for p in target.participants if p not in target.agreement.parties
                ] + [p for p in ev.participants if p not in target.participants]
            for p in ev.agreement.signatories:
                if p not in target.agreement.signatories:
                    target.agreement.signatories.append(p)
            if target.agreement.type == "Agreement" and ev.agreement.type != "Agreement":
                target.agreement.type = ev.agreement.type
        target.evidence.extend(ev.evidence)
    return out


def _assign_sectors(events: list[Event], infos: list[_SentInfo], lex: Lexicon) -> None:
    with_agr = [e for e in events if e.agreement is not None]
    if not with_agr:
        return

    def sectors_in(text: str) -> list[str]:
        found = []
        for slug, rx in lex.sectors:
            m = rx.search(text)
            if m:
                found.append((m.start(), slug))
        return [slug for _, slug in sorted(found)]

    body = [i for i in infos if not i.sent.related]
    scope_word = re.compile(
        r"\b(?:sektor|bidang|sector|sectors|fields|areas|mencakup|meliputi|covers?|covering|"
        r"including|includes)\b",
        re.I,
    )
    # "Isi LoI mencakup empat bidang. Pertama, ... Kedua, perdagangan ...": an enumeration
    # after a scope sentence continues it
    ordinal = re.compile(
        r"^(?:Pertama|Kedua|Ketiga|Keempat|Kelima|Keenam|Terakhir|First|Second|Third|Fourth|"
        r"Fifth|Sixth|Finally|Lastly)\b,",
    )
    enumerated: set[int] = set()
    open_scope = False
    for i in body:
        if scope_word.search(i.sent.text):
            open_scope = True
        elif open_scope and ordinal.match(i.sent.text):
            enumerated.add(i.sent.start)
        elif not ordinal.match(i.sent.text):
            open_scope = False
    for ev in with_agr:
        secs: list[str] = []
        own = {e.start for e in ev.evidence}
        if len(with_agr) == 1:
            scope = [
                i
                for i in body
                if i.sent.start in own
                or i.sent.start in enumerated
                or _COOP_CUE.search(i.sent.text)
                or scope_word.search(i.sent.text)
            ]
        else:
            scope = [i for i in body if i.sent.start in own]
        for i in scope:
            for slug in sectors_in(i.sent.text):
                if slug not in secs:
                    secs.append(slug)
        ev.agreement.sectors = secs


def _cooperation(ex: Extraction, infos: list[_SentInfo], lex: Lexicon, key_of: dict) -> None:
    ents = ex.entities
    pairs: dict[frozenset, Relation] = {}

    def add(a: str, b: str, s: Sentence, rule: str, conf: float) -> None:
        if a == b or a not in ents or b not in ents:
            return
        k = frozenset((a, b))
        if k in pairs:
            pairs[k].evidence.append(_evidence(s, rule, conf))
            return
        pairs[k] = Relation("cooperation", a, b, None, [_evidence(s, rule, conf)])

    for ev in ex.events:
        if ev.agreement is not None and len(ev.agreement.parties) >= 2:
            ps = ev.agreement.parties
            s = ev.evidence[0]
            sent = Sentence(s.start, s.end, s.text, 0, False)
            for i in range(len(ps)):
                for j in range(i + 1, len(ps)):
                    ca, cb = ents[ps[i]].country, ents[ps[j]].country
                    if len(ps) > 2 and {ca, cb} != {"ID", "KR"}:
                        continue
                    add(ps[i], ps[j], sent, "agreement-parties", 0.9)
    for info in infos:
        s = info.sent
        if not _COOP_CUE.search(s.text) and not re.search(r"\w[-–]\w", s.text):
            continue
        keyed = [(m, _key(m, key_of)) for m in info.mentions]
        keyed = [
            (m, k)
            for m, k in keyed
            if k in ents and ents[k].type not in ("Person", "Facility", "Program")
        ]
        # "Indonesia-Korea", "Jakarta–Chungnam": a hyphen or dash joining two names
        for (m1, k1), (m2, k2) in zip(keyed, keyed[1:], strict=False):
            gap = ex.article.text[m1.end : m2.start]
            if re.fullmatch(r"[ \u00a0]*[-–—/][ \u00a0]*", gap):
                add(k1, k2, s, "hyphen-pair", 0.8)
        if not _COOP_CUE.search(s.text):
            continue
        # "PEM Korea will cooperate with PT Hanwoo and Bahana Cipta": subject × partners
        wm = _WITH.search(s.text)
        if wm:
            cut = s.start + wm.end()
            before_ents = [k for m, k in keyed if m.end <= s.start + wm.start()]
            after_ents = [
                k
                for m, k in keyed
                if m.start >= cut and not ex.article.text.startswith(("'s", "’s"), m.end)
            ]
            explicit = False
            if before_ents and after_ents:
                subject = before_ents[-1]
                for k in dict.fromkeys(after_ents[:3]):
                    if k != subject:
                        add(subject, k, s, "cooperate-with", 0.75)
                        explicit = True
            if explicit:
                continue  # the sentence says who cooperates with whom
        # "antara Indonesia dan Korea Selatan", "BUFS dan KBRI Seoul sepakat ...": two names
        # joined by a conjunction in a sentence about cooperation
        for (m1, k1), (m2, k2) in zip(keyed, keyed[1:], strict=False):
            gap = ex.article.text[m1.end : m2.start]
            if not re.fullmatch(r"[ \u00a0]*(?:dan|and|&|serta|with|dengan)[ \u00a0]+", gap):
                continue
            c1, c2 = ents[k1].country, ents[k2].country
            if c1 and c2 and c1 == c2:
                continue
            if (ents[k1].type == "Country") != (ents[k2].type == "Country"):
                continue  # "Pemprov DKI dengan pemerintah provinsi asal Korea Selatan"
            add(k1, k2, s, "conjunction-pair", 0.7)
        text = ex.article.text
        partners = [k for m, k in keyed if m.start not in _locative(keyed, text, s)]
        cands = _most_specific(partners, ents, ex)
        for i, a in enumerate(cands):
            for b in cands[i + 1 :]:
                ca, cb = ents[a].country, ents[b].country
                if ca and cb and ca != cb and {ca, cb} <= {"ID", "KR"}:
                    # regions with regions, countries with countries; organisations
                    # are paired only by agreements and explicit "X-Y" forms
                    ta, tb = ents[a].type, ents[b].type
                    if ta != tb or ta not in ("Country", "Province", "City"):
                        continue  # province with province, city with city, state with state
                    add(a, b, s, "cooperation-sentence", 0.7)
    ex.relations.extend(pairs.values())


def _affiliations(ex: Extraction, lex: Lexicon, sentences: list[Sentence]) -> None:
    """An agency named after a region belongs to it (CEPA → Chungcheongnam-do), and so does
    an organisation whose gazetteer entry names a parent."""
    ents = ex.entities
    for key, e in list(ents.items()):
        if e.type not in ("GovernmentOrganization", "Organization"):
            continue
        parent = None
        entry = lex.entries.get(key)
        if entry and entry.parent and entry.parent.startswith(("region/", "city/")):
            parent = entry.parent
        else:
            m = lex.gaz_regex.match(e.name)
            if m and re.search(
                r"(?i)agency|office|promotion|center|centre|badan|dinas|kantor", e.name
            ):
                keys = lex.surface_index.get(m.group(0), [])
                if len(keys) == 1 and keys[0].startswith(("region/", "city/")):
                    parent = keys[0]
        if parent is None:
            continue
        if parent not in ents:
            g = lex.entries[parent]
            ents[parent] = Entity(parent, g.name, g.type, g.country, [], [], g.wikidata, True)
        first = min(e.mentions, default=None)
        sent = next((s for s in sentences if first and s.start <= first[0] < s.end), None)
        if sent is None:
            continue
        rule = "gazetteer-parent" if entry and entry.parent else "named-after-region"
        ev = _evidence(sent, rule, 0.9 if entry else 0.7)
        ex.relations.append(Relation("part_of", key, parent, None, [ev]))
