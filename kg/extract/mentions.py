"""Candidate mentions: gazetteer names, organisations by head word, acronyms, programmes,
states named by "the X government", persons by name patterns."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..lexicon import HANGUL, Anchored, Lexicon, WordIndex, _is_word
from .text import _titlecase_lines


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
# (the first token's capital, then what is before it: a pattern opening with a character
# class lets re skip ahead to the capitals; the alternatives of _TOKEN after their capital)
_FIRST_TOKEN = r"[A-Z](?<![\w'’.-].)(?:[a-z]?\.(?:[A-Z]\.)*|[\w'’]*(?:-[A-Za-z][\w'’]*)*)"
_NAME = re.compile(rf"{_FIRST_TOKEN}(?:[ \u00a0]+{_TOKEN}){{0,3}}")


def _capitalised_run(connectors: str) -> re.Pattern[str]:
    """Capitalised words, joined by the given lowercase connectors when a capital follows."""
    word = r"[A-Z][\w&'’.]*(?:-[\w]+)*"
    return re.compile(
        rf"(?:{word}|&)(?:[ \u00a0]+(?:[A-Z0-9][\w&'’.]*(?:-[\w]+)*|&|{connectors})"
        r"(?=[ \u00a0]+[A-Z&]|[ \u00a0]*$|[^\w]))*"
    )


_CAP_SEQ = _capitalised_run("dan|and|of|for|untuk|de|du|del")
# embassies take their seat into the name: "Kedutaan Besar Republik Indonesia di Seoul"
_CAP_SEQ_LOC = _capitalised_run("dan|and|of|for|untuk|di|in|to|de|du|del")
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
_COUNTERPART = re.compile(r"\b(?:counterparts?|mitranya|sejawatnya|koleganya)[ \u00a0]+$")
_EXTRA_STOP = frozenset(
    "Meanwhile However Also Earlier Later Besides Under According Both Each Other Several Many "
    "Two Three Four Five During Following Through Among Despite Since Following Apart "
    "Sebelum Setelah Usai Seusai Melalui Terkait Pihaknya Kedua Para Beberapa Sejumlah "
    "Selasa Rabu Kamis Jumat Sabtu Minggu Senin".split()
)
_ORG_CONTINUATION = re.compile(r"^(?:[ \u00a0]+(?:of|for|di|in|to|untuk)[ \u00a0]+" + _TOKEN + ")")


_KO_MEDIA = ("일보", "신문", "방송", "일간", "매일", "뉴스", "타임스", "타임즈", "경제신문")


def _initials_fit(acronym: str, name: str) -> bool:
    """'CEPA' fits 'Chungcheongnam-do Economic Promotion Agency', 'HMMI' fits 'PT Hyundai
    Motor Manufacturing Indonesia'; 'HLI' does not fit 'Indonesia'."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    initials = [w[0].upper() for w in words]
    letters = [c for c in acronym.upper() if c.isalpha()]
    if not letters or letters[0] not in initials[:2]:
        return False
    return sum(1 for c in letters if c in initials) >= len(letters) / 2


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
        self.local_places: dict[str, Mention] = {}  # Hangul place names found in this text

    def allowed(self, s: int, e: int) -> bool:
        return not any(s < xe and xs < e for xs, xe in self.excluded)

    def add(self, m: Mention) -> None:
        if self.allowed(m.start, m.end) and m.text.strip():
            self.items.append(m)

    # gazetteer -----------------------------------------------------------
    def gazetteer(self) -> None:
        lex = self.lex
        roles = [r.span() for r in lex.role_matcher.finditer(self.text)]
        role_starts = [r[0] for r in roles]

        def matches(rx: re.Pattern[str]):
            pos = 0
            while True:
                m = rx.search(self.text, pos)
                if m is None:
                    return
                # "Wali Kota Solo": the title owns "Kota"; match again after the title
                # the one title that could start before this match (titles never overlap)
                i = bisect.bisect_left(role_starts, m.start()) - 1
                clash = roles[i] if i >= 0 and m.start() < roles[i][1] < m.end() else None
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
                if self.text.startswith("$", m.end()) or _CURRENCY_BEFORE.search(
                    self.text[max(0, m.start() - 9) : m.start()]
                ):
                    continue
                if self.text.startswith(_KO_MEDIA, m.end()):
                    continue  # "경북일보", "부산일보": a newspaper named after the place
                keys = lex.surface_index.get(m.group(0), [])
                if len(keys) != 1:
                    continue  # ambiguous surface: leave it to context rules
                found(m, 0, keys[0], "gazetteer", 0.95)

    # organisations by head word -----------------------------------------
    def organisations(self) -> None:
        text = self.text
        heads, index = self.lex.derived("org-heads", lambda: _org_heads(self.lex))
        for i in index.candidates(text):
            etype, position, word, rx = heads[i]
            if word not in text:  # both patterns need the word
                continue
            if position == "prefix":
                seq = _CAP_SEQ_LOC if _EMBASSY.search(word) else _CAP_SEQ
                for m in rx.finditer(text):
                    tail = seq.match(text, m.end() + 1)
                    if not tail:
                        continue
                    if word in ("Komisi", "Komite") and re.match(r"[IVXL]+\b|\d", tail.group(0)):
                        continue  # "Komisi X DPR RI": part of a member's title, not a body
                    end = self._cut_tail(m.end() + 1, tail.end(), etype, m.start())
                    end = self._over_acronym(end)
                    self._org(m.start(), end, etype, f"org-head:{word}")
                    if etype == "Company":
                        self._listed_company(end)
            else:
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
            if etype == "Company" and g.type == "Country":
                continue  # "PT Hyundai LG Indonesia Green Power": the country is in the name
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

    def _listed_company(self, end: int) -> None:
        """'PT Hanwoo and Bahana Cipta': the name listed after a company is a company."""
        m = re.match(
            r"[ \u00a0]+(?:and|dan|&)[ \u00a0]+([A-Z][\w&'’-]*(?:[ \u00a0]+[A-Z][\w&'’-]*){0,3})",
            self.text[end:],
        )
        if m is None:
            return
        name = m.group(1)
        toks = name.split()
        if (
            len(toks) < 2
            or any(_is_stop(self.lex, t) or t in self.lex.roles for t in toks)
            or any(self.lex.surface_index.get(t) for t in toks)
            or self.lex.role_regex.search(name)
        ):
            return
        s = end + m.start(1)
        self.add(Mention(s, s + len(name), name, "Company", rule="company-list", confidence=0.6))

    def _over_acronym(self, end: int) -> int:
        """'Kedutaan Besar Republik Indonesia (KBRI) di Seoul', 'Kawasan Industri Terpadu
        (KIT) Batang': a name goes on past its acronym when a known place follows."""
        m = re.match(
            r"[ \u00a0]*\([A-Z][\w&.-]{1,11}\)[ \u00a0]+((?:di|in)[ \u00a0]+)?([A-Z][\w-]*)",
            self.text[end:],
        )
        if m is None:
            return end
        place = m.group(2)
        keys = self.lex.surface_index.get(place, [])
        # a country after the acronym qualifies the name ("(BUFS) Korea Selatan") unless
        # it is the seat ("… (KBRI) di Korea Selatan")
        types = ("City", "Province", "Country") if m.group(1) else ("City", "Province")
        known = place in self.lex.context_names or any(
            self.lex.entries[k].type in types for k in keys
        )
        return end + m.end() if known else end

    def _extend_left(self, pos: int) -> int:
        """Start of the run of capitalised words before ``pos`` (same line)."""
        text = self.text
        start = pos
        while True:
            m = re.search(
                r"([A-Z0-9][\w&'’.]*(?:-[\w]+)*|&|of|and|dan|[-–])[ \u00a0]+$",
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
            m2 = re.match(r"(?:of|and|dan|&|[-–])[ \u00a0]+", text[start:pos])
            if not m2:
                break
            start += m2.end()
        return start

    def _org(self, start: int, end: int, etype: str, rule: str) -> None:
        text = self.text
        # a full stop after a word ends the name: "PT HKML Battery Indonesia. Pabrik ..."
        stop = re.search(r"[a-z]{2}\.[ \u00a0]+[A-Z]", text[start:end])
        if stop:
            end = start + stop.start() + 2
        raw = text[start:end].rstrip(" ,.")
        end = start + len(raw)
        # drop trailing connectors and trailing locative phrases with lowercase words
        raw2 = re.sub(r"[ \u00a0]+(?:dan|and|of|for|untuk|di|in|to|&)$", "", raw)
        end = start + len(raw2)
        raw = raw2
        if len(raw.split()) < 2 and etype != "Company":
            return
        if raw[:1].isdigit():
            return  # "2025 Expo & Forum": a year is not the start of a name
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
        key = None
        known = self.lex.surface_index.get(name, [])
        if len(known) == 1 and raw != name:
            # the name without its inline acronym is one the gazetteer knows
            entry = self.lex.entries[known[0]]
            key, etype, country = entry.key, entry.type, entry.country
        self.add(
            Mention(
                start,
                end,
                raw,
                etype,
                key=key,
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
            before = [x for x in before if _initials_fit(acr, x.name or x.text)]
            if not before:
                continue
            host = max(before, key=lambda x: x.end - x.start)
            if acr not in host.aliases and host.type != "Person":
                host.aliases.append(acr)
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
        if "government" not in self.text:  # every match ends with the word
            return
        rx = lex.derived("demonym-government", lambda: _demonym_government_rx(lex))
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
    def foreign_hangul_places(self) -> None:
        """'인도네시아 수방시는': after a country's name, a word ending in 시/군/주 is a place
        of that country, even when the gazetteer does not know it."""
        countries = [g for g in self.gaz if g.type == "Country" and HANGUL.search(g.text)]
        rx = re.compile(r"[ \u00a0]+([\uac00-\ud7a3]{1,6}?(?:시|군|주))(?![\uac00-\ud7a3]{2})")
        for c in countries:
            m = rx.match(self.text, c.end)
            if m is None or self.lex.surface_index.get(m.group(1)):
                continue
            name = m.group(1)
            ptype = "Province" if name.endswith("주") else "City"
            self.local_places[name] = Mention(
                0,
                0,
                name,
                ptype,
                country=c.country,
                rule="hangul-place-after-country",
                confidence=0.7,
            )
        for name, proto in self.local_places.items():
            for u in re.finditer(re.escape(name), self.text):
                mm = Mention(
                    u.start(),
                    u.end(),
                    name,
                    proto.type,
                    country=proto.country,
                    rule=proto.rule,
                    confidence=proto.confidence,
                )
                self.gaz.append(mm)
                self.add(mm)

    def hangul_bodies(self) -> None:
        """'수방시의회' (a council), '김천시청' (a city hall): Hangul words made of a place
        name and a body's suffix."""
        if "의회" not in self.text and "청" not in self.text:  # no body's suffix
            return
        for m in _HANGUL_BODY.finditer(self.text):
            place = m.group(1) + m.group(2)
            known = self.lex.surface_index.get(place) or place in self.local_places
            if not known:
                continue
            etype = "GovernmentOrganization" if m.group(3) == "의회" else "Facility"
            keys = self.lex.surface_index.get(place)
            country = (
                self.lex.entries[keys[0]].country if keys else self.local_places[place].country
            )
            self.add(
                Mention(
                    m.start(),
                    m.end(),
                    m.group(0),
                    etype,
                    country=country,
                    rule="hangul-body",
                    confidence=0.75,
                )
            )

    def agreement_names(self) -> None:
        """'MoU untuk Pengembangan Sumber daya Alam', 'Memorandum of Understanding on
        Maritime Cooperation': an agreement word, a preposition and a capitalised title is
        the name of that agreement."""
        for m in _AGREEMENT_NAMED.finditer(self.text):
            t = _TITLE_WORDS.match(self.text, m.end())
            if t is None:
                continue
            name = self.text[m.start() : t.end()]
            # "… dan MoU untuk B": a second agreement starts a new name
            cut = re.search(r"[ \u00a0]+(?:dan|and)[ \u00a0]+(?=MoU|MOU|LoI|Perjanjian)", name)
            if cut:
                name = name[: cut.start()]
            if len(name[m.end() - m.start() :].split()) < 2:
                continue  # "MoU on Tuesday": one word is no title
            self.add(
                Mention(
                    m.start(),
                    m.start() + len(name),
                    name,
                    "Agreement",
                    rule="agreement-name",
                    confidence=0.7,
                )
            )

    def programmes(self) -> None:
        for m in _QUOTED_PROGRAMME.finditer(self.text):
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
        rx, rx2 = self.lex.derived("korean-name", lambda: _korean_name_rx(self.lex))
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
            if _COMMA_SPACE.match(after) and _SPEECH_AFTER.match(after.lstrip(", \u00a0")):
                ok = True
            if _SPEECH_BEFORE.search(before) or _HONORIFIC.search(before):
                ok = True
            if _COUNTERPART.search(before):
                ok = True  # "his Indonesian counterpart Retno Marsudi"
            if ok and len(toks) == 1 and _SENTENCE_START.search(before):
                # "Officials said", "Pengamat mengatakan": one capitalised word at a
                # sentence start is a name only if the article also writes it with
                # another name part ("Prabowo Subianto ... Prabowo said")
                ok = _with_name_part(text, toks[0])
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


_HANGUL_BODY = re.compile(
    r"(?<![\uac00-\ud7a3])([\uac00-\ud7a3]{1,8}?)([시군도구])(의회|청)"
    r"(?=[ \u00a0.,]|[은는이가을를와과의에]|$)"
)
_AGREEMENT_NAMED = Anchored(
    re.compile(
        r"\b(?:MoU|MOU|LoI|LOI|Memorandum of Understanding|Letter of Intent|Nota "
        r"Kesepahaman|Perjanjian|Agreement)[ \u00a0]+(?:untuk|tentang|mengenai|bidang|on|"
        r"for|about|concerning)[ \u00a0]+(?=[A-Z])"
    ),
    "mou loi memorandum letter nota perjanjian agreement".split(),
)
_TITLE_WORD = r"[A-Z][\w&'’-]*"
_TITLE_WORDS = re.compile(
    rf"{_TITLE_WORD}(?:[ \u00a0]+(?:{_TITLE_WORD}|(?:[a-z][\w-]*)(?=[ \u00a0]+[A-Z])))*"
)


def _demonym_government_rx(lex: Lexicon) -> re.Pattern[str]:
    """'the Indonesian government', 'South Korean central government'."""
    # one-word demonyms, plus "South Korean"
    words = [w for w in lex.demonyms if (not HANGUL.search(w) and " " not in w) or "Korean" in w]
    return re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")"
        r"[ \u00a0]+(?:central[ \u00a0]+)?government\b"
    )


_QUOTED_PROGRAMME = Anchored(
    re.compile(
        r"\b(?:program|programme|gerakan|kebijakan|policy|campaign|kampanye)\s+"
        r"[\"“”']([a-z][^\"“”'\n]{2,60})[\"“”']",  # ([a-z]: any letter, as [A-Z] here)
        re.I,
    ),
    "program gerakan kebijakan policy campaign kampanye".split(),
)


def _org_heads(lex: Lexicon) -> tuple[list[tuple[str, str, str, re.Pattern[str]]], WordIndex]:
    """The Latin organisation head words, each with its pattern ('Kementerian' before a
    name, 'Agency' after one), and an index to find the ones a text may hold."""
    heads = []
    for etype, _lang, position, word in lex.org_heads:
        if HANGUL.search(word):
            continue
        # the word first, then what is before it (a look-behind over the word and the
        # character before): a pattern opening with a literal lets re jump from one
        # occurrence to the next instead of trying every position
        w, n = re.escape(word), len(word)
        if position == "prefix":
            rx = re.compile(rf"{w}(?<![\w-](?s:.){{{n}}})(?=[ \u00a0]+[A-Z(])")
        else:
            rx = re.compile(rf"{w}(?<![\w](?s:.){{{n}}})(?![\w])")
        heads.append((etype, position, word, rx))
    return heads, WordIndex([[word] for _t, _p, word, _rx in heads])


_CURRENCY_BEFORE = re.compile(r"(?i)\b(?:dolar|dollars?)[ \u00a0]+$")
_COMMA_SPACE = re.compile(r",?[ \u00a0]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n][\"'“”’)]*[ \u00a0]*|[\"“‘][ \u00a0]*)$")


def _with_name_part(text: str, token: str) -> bool:
    """Whether ``token`` appears somewhere in ``text`` next to another capitalised word
    (a fuller form of the name: "Prabowo Subianto", "Presiden Prabowo"): what
    ``[A-Z][\\w'’-]*[ \\u00a0]+TOKEN\\b|\\bTOKEN[ \\u00a0]+[A-Z][\\w'’-]+`` finds, checked at
    each occurrence of the token (a pattern per token would be compiled for each)."""
    i = text.find(token)
    while i >= 0:
        end = i + len(token)
        if _boundary(text, end):  # a capitalised word, spaces, the token
            k = i
            while k > 0 and text[k - 1] in " \u00a0":
                k -= 1
            w = k
            while w > 0 and (_is_word(text[w - 1]) or text[w - 1] in "'’-"):
                w -= 1
            if k < i and any("A" <= c <= "Z" for c in text[w:k]):
                return True
        if _boundary(text, i) and _NAME_PART_AFTER.match(text, end):
            return True
        i = text.find(token, i + 1)
    return False


_NAME_PART_AFTER = re.compile(r"[ \u00a0]+[A-Z][\w'’-]+")


def _boundary(text: str, i: int) -> bool:
    """Whether ``\\b`` holds at ``i``."""
    return (i > 0 and _is_word(text[i - 1])) != (i < len(text) and _is_word(text[i]))


def _korean_name_rx(lex: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """'Park Heong-joon', 'Kim Min' (surname first) and 'Hong-Koo Kim' (surname last)."""
    sur = "|".join(sorted(lex.korean_surnames, key=len, reverse=True))
    # (?=[A-Z]) first: a name starts with a capital (the surnames are romanised), and the
    # look-ahead turns most positions down before the look-behind and the alternation are
    # tried (a third less time; the same matches)
    initial = (
        "(?=[A-Z])" if all(s[:1].isascii() and s[:1].isupper() for s in lex.korean_surnames) else ""
    )
    return (
        re.compile(
            rf"{initial}(?<![\w-])({sur})[ \u00a0]+([A-Z][a-z]+(?:-[a-z]+)?)"
            r"(?:[ \u00a0]+([A-Z][a-z]+))?(?![\w-])"
        ),
        re.compile(
            r"(?=[A-Z])"
            rf"(?<![\w-])([A-Z][a-z]{{1,5}}-[A-Za-z][a-z]{{1,5}})[ \u00a0]+({sur})(?![\w-])"
        ),
    )


# --------------------------------------------------------------------------- titles and posts


def _select(mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, longest first; gazetteer wins ties."""
    rank = {"gazetteer": 0, "acronym": 2}
    starts: list[int] = []  # chosen spans, sorted by start; they never overlap each other
    spans: list[Mention] = []
    for m in sorted(
        mentions,
        key=lambda x: (-(x.end - x.start), rank.get(x.rule, 1), x.start),
    ):
        i = bisect.bisect_left(starts, m.start)
        if i > 0 and spans[i - 1].end > m.start:
            continue
        if i < len(spans) and spans[i].start < m.end:
            continue
        starts.insert(i, m.start)
        spans.insert(i, m)
    return spans


def _drop_headline_guesses(mentions: list[Mention], text: str) -> list[Mention]:
    """In a Title Case line a person name is kept only as far as the body confirms it."""
    lines = _titlecase_lines(text)
    if not lines:
        return mentions
    body = text
    for s, e in lines:
        body = body[:s] + " " * (e - s) + body[e:]
    out = []
    seen: dict[str, bool] = {}

    def in_body(name: str) -> bool:
        # (what (?<![\w])NAME(?![\w]) finds, occurrence by occurrence: no pattern per name)
        if name not in seen:
            i = body.find(name)
            while i >= 0 and (
                (i > 0 and _is_word(body[i - 1]))
                or (i + len(name) < len(body) and _is_word(body[i + len(name)]))
            ):
                i = body.find(name, i + 1)
            seen[name] = i >= 0
        return seen[name]

    line_starts = [s for s, _e in lines]
    for m in mentions:
        i = bisect.bisect_right(line_starts, m.start) - 1
        if m.type == "Person" and not m.key and i >= 0 and m.start < lines[i][1]:
            toks = m.text.split()
            while toks and not in_body(" ".join(toks)):
                toks = toks[:-1]
            if not toks:
                continue
            m.text = " ".join(toks)
            m.end = m.start + len(m.text)
        out.append(m)
    return out
