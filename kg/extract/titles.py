"""Role titles before or after names ("Gubernur DKI Jakarta Pramono Anung", "Pramono
Anung, Gubernur DKI Jakarta", "김태흠 충남도지사"): persons and the posts they hold."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..lexicon import HANGUL, Lexicon, Role
from .mentions import _NAME, Mention, _Finder, _is_stop
from .text import Sentence, _titlecase_lines


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

    @classmethod
    def of(
        cls,
        person: Mention,
        surface: str,
        role: Role,
        org: Mention | None,
        modifier: str | None,
        rule: str,
    ) -> TitleHit:
        """A hit for ``person`` holding ``role`` (written ``surface``) in ``org``."""
        return cls(person, surface, role.role, role.role_en, role.scope, org, modifier, rule=rule)


def _posted_to(word: str, lex: Lexicon) -> bool:
    """'주인도네시아', '주한': an envoy's posting ('주' + the host country)."""
    if word == "주한":
        return True
    keys = lex.surface_index.get(word[1:], []) if word.startswith("주") else []
    return any(lex.entries[k].type == "Country" for k in keys)


def _name_despite_ending(
    text: str, start: int, word: str, org: Mention | None, lex: Lexicon
) -> bool:
    """'조코 위도도 인도네시아 대통령': a foreign name may end in a syllable that is also a
    particle (도, 이, 고 …); so may a Korean name ('김영도 시장')."""
    if org is None or not org.country:
        return False
    if org.country != "KR":
        prev = re.search(r"([\uac00-\ud7a3]{2,6})[ \u00a0]+$", text[max(0, start - 10) : start])
        return bool(
            prev
            and not _KO_NOT_NAME.search(prev.group(1))
            and not lex.surface_index.get(prev.group(1))
            and prev.group(1) not in lex.roles
        )
    return len(word) == 3 and word[0] in lex.hangul_surnames


_COMMITTEE = re.compile(
    r"[ \u00a0]+(?:Komisi|Komite|Fraksi|Pansus|Panja)[ \u00a0]+(?:[IVXL]+|\d{1,2})(?![\w])"
)
_SERVING_BODIES = ("GovernmentOrganization", "Organization", "Company", "Ministry")


def _skip_back(text: str, pos: int, chars: str) -> int:
    """The position before ``pos`` once the given characters (one comma at most) are
    skipped backwards: where a preceding mention would end."""
    p = pos
    while p > 0 and text[p - 1] in " \u00a0":
        p -= 1
    if p > 0 and text[p - 1] == "," and "," in chars:
        p -= 1
    else:
        return -1
    return p


# words that end a Korean noun phrase with a particle, or dates and time words: not names
_KO_NOT_NAME = re.compile(
    r"(?:는|은|이|가|을|를|와|과|의|에서|에|도|로|으로|고|며|면|다)$|^(?:이날|지난|오는|오늘|어제|당시|또한|한편)$"
)


# lowercase English titles: "Kim Tae-heum, governor of South Chungcheong Province",
# "Acting Jakarta governor Heru Budi Hartono", "the governor of West Java, Ridwan Kamil"
_NAME_COMMA_ROLE_OF = re.compile(
    r"("
    + _NAME.pattern
    + r"),[ \u00a0]+(?:the[ \u00a0]+)?(?:(acting|former|deputy|vice)[ \u00a0]+)?"
    r"(governor|mayor|minister|ambassador|president|chairman|chief executive|head|rector|"
    r"regent)"
    r"[ \u00a0]+(?:of|for|to)[ \u00a0]+(?:the[ \u00a0]+)?"
)
_ORG_LOWER_ROLE = re.compile(
    r"[ \u00a0]+(governor|mayor|regent|minister|ambassador|vice governor|deputy governor|"
    r"vice mayor|deputy mayor)[ \u00a0]+(?=[A-Z])"
)
# every match of _ORG_LOWER_ROLE holds one of these
_ORG_LOWER_ROLE_WORDS = ("governor", "mayor", "regent", "minister", "ambassador")
_ROLE_OF = re.compile(
    r"\b(?:the[ \u00a0]+)?(?:(acting|former|deputy|vice)[ \u00a0]+)?"
    r"(governor|mayor|regent|minister|ambassador|president|chairman|head|rector)"
    r"[ \u00a0]+(?:of|for|to)[ \u00a0]+(?:the[ \u00a0]+)?"
)
# what every match of the first and the last holds (a cheap scan: most articles have none)
_LOWER_ROLE_OF = re.compile(
    r"(?:governor|mayor|minister|ambassador|president|chairman|chief executive|head|rector|"
    r"regent)[ \u00a0]+(?:of|for|to)[ \u00a0]"
)


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
    by_end = {m.end: m for m in base if m.type != "Person"}

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
        if text.startswith(("'s", "’s"), end - 2) and end - 2 > p:
            end -= 2  # "President Yoon Suk Yeol's message": the possessive is not the name
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
    headline_starts = [s for s, _e in headlines]

    def in_headline(p: int) -> bool:
        i = bisect.bisect_right(headline_starts, p) - 1
        return i >= 0 and p < headlines[i][1]

    def skip_portfolio(pos: int) -> int:
        """After 'Coordinating Minister', 'Menteri Koordinator': the remit ('for Maritime
        Affairs and Investment', ', Industry and Energy') belongs to the title."""
        end = pos
        for m in re.finditer(
            r"(?:[ \u00a0]+(?:for|of|Bidang|bidang)(?=[ \u00a0]))?(?:,|[ \u00a0]+(?:and|dan|&))?"
            r"[ \u00a0]+([A-Z][\w-]*)",
            text[pos : pos + 120],
        ):
            if m.start() != end - pos or m.group(1) not in lex.portfolio_words:
                break
            end = pos + m.end()
        return end

    consumed: set[int] = set()
    for rm in lex.role_matcher.finditer(text):
        if rm.start() in consumed or not finder.allowed(rm.start(), rm.end()):
            continue
        # "Kepala Dinas Pariwisata Provinsi Bali": the organisation owns "Dinas"
        inside = next((by_start[p] for p in range(rm.start() + 1, rm.end()) if p in by_start), None)
        if inside is not None:
            shorter = lex.role_regex.fullmatch(text, rm.start(), inside.start - 1)
            if shorter is None:
                continue
            rm = shorter
        before = text[max(0, rm.start() - 40) : rm.start()]
        modifier = None
        for tok in re.findall(r"(\S+)[ \u00a0]+", before)[-2:]:
            if tok in lex.modifiers:
                modifier = lex.modifiers[tok]
        # T2: "<Org/Demonym> Governor Name"
        pre_org = by_end.get(rm.start() - 1) or by_end.get(rm.start())
        if pre_org is None and re.search(
            r"\b(?:Ltd|Co|Inc|Corp|Bhd|Tbk|Plc|LLC)\.[ \u00a0]$",
            text[max(0, rm.start() - 8) : rm.start()],
        ):
            pre_org = by_end.get(rm.start() - 2)  # "PEM Korea Co. Ltd. President Director"
        # T1: Role [Org ...] [(/|merangkap|sekaligus|dan) Role [Org ...]]* [,] Name
        chain: list[tuple[re.Match[str], list[Mention]]] = []
        cur = rm
        remit: dict[int, str] = {}  # title start -> title with its remit, as written
        while True:
            role_end = skip_portfolio(cur.end())
            # "Ketua Komisi III DPR RI", "Anggota Komisi X": a numbered committee is part of
            # the title; the post is in the legislature
            cm = _COMMITTEE.match(text, role_end)
            if cm:
                role_end = cm.end()
            remit[cur.start()] = text[cur.start() : role_end].lstrip()
            orgs_after, pos = orgs_from(role_end)
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
        if nm and in_headline(rm.start()) and "," in text[pos : nm[0]]:
            nm = None  # "Bertemu Dubes Korea, Gibran Ungkap ...": a headline lists two actors
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
            if chain[0][1] == [] and lex.roles[chain[0][0].group(0)].scope == "org":
                # "perwakilan KBRI di Seoul, Atase Pendidikan Gogot Suharwoto": the body
                # before the comma is where the titled person serves
                app_org = by_end.get(_skip_back(text, rm.start(), ", \u00a0"))
                if app_org is not None and app_org.type in _SERVING_BODIES:
                    chain[0] = (chain[0][0], [app_org])
                    rule = "org-comma-title-name"
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
                TitleHit.of(
                    pm,
                    remit.get(match.start(), match.group(0)),
                    role,
                    orgs[0] if orgs else None,
                    modifier if i == 0 else None,
                    rule,
                )
            )
    # lowercase English appositions: "Kim Tae-heum, governor of South Chungcheong Province"
    lower_role_of = _LOWER_ROLE_OF.search(text) is not None
    for m in _NAME_COMMA_ROLE_OF.finditer(text) if lower_role_of else ():
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
        hits.append(TitleHit.of(pm, m.group(3), role, org, m.group(2), "name-comma-role-of"))
    # "Acting Jakarta governor Heru Budi Hartono": a place, a lowercase title, the name
    lower_role = any(w in text for w in _ORG_LOWER_ROLE_WORDS)  # (most texts: no scan)
    for m in _ORG_LOWER_ROLE.finditer(text) if lower_role else ():
        org = by_end.get(m.start())
        role = lex.roles.get(m.group(1).title())
        nm = name_at(m.end())
        if org is None or role is None or nm is None:
            continue
        mod = re.search(r"(\S+)[ \u00a0]+$", text[max(0, org.start - 20) : org.start])
        modifier = lex.modifiers.get(mod.group(1)) if mod else None
        s, e = nm
        pm = Mention(s, e, text[s:e], "Person", rule="org-lowercase-title-name", confidence=0.8)
        hits.append(TitleHit.of(pm, m.group(1), role, org, modifier, "org-lowercase-title-name"))
    # "the governor of West Java, Ridwan Kamil," — role, organisation, then the name
    for m in _ROLE_OF.finditer(text) if lower_role_of else ():
        org = by_start.get(m.end())
        if org is None or not text.startswith(",", org.end):
            continue
        nm = name_at(org.end + 1)
        role = lex.roles.get(m.group(2).title())
        if nm is None or role is None:
            continue
        s, e = nm
        pm = Mention(s, e, text[s:e], "Person", rule="role-of-org-comma-name", confidence=0.8)
        hits.append(TitleHit.of(pm, m.group(2), role, org, m.group(1), "role-of-org-comma-name"))
    # Korean: "김태흠 충남도지사", "박보생 김천시장", "조현 외교부 장관"
    rx = lex.derived("korean-title", lambda: _korean_title_rx(lex))
    if rx is not None and HANGUL.search(text):
        for m in rx.finditer(text):
            org_text = m.group(2)
            role = lex.roles[m.group(3)]
            if role.role in ("ambassador", "consul-general") and _posted_to(org_text, lex):
                # "이상덕 주인도네시아 대사": the ambassador *to* Indonesia serves the state
                # that sent them, implied by the article's side
                pm = Mention(m.start(1), m.end(1), m.group(1), "Person", rule="korean-title")
                hits.append(TitleHit.of(pm, m.group(3), role, None, None, "korean-envoy"))
                continue
            if _posted_to(m.group(1), lex):
                # "다르마완 주한 인도네시아 대사": the name is the word before the posting
                prev = re.search(r"([\uac00-\ud7a3]{2,6})[ \u00a0]+$", text[: m.start(1)])
                org = next((g for g in finder.gaz if g.start == m.start(2)), None)
                if prev and not _KO_NOT_NAME.search(prev.group(1)):
                    pm = Mention(
                        prev.start(1), prev.end(1), prev.group(1), "Person", rule="korean-title"
                    )
                    hits.append(TitleHit.of(pm, m.group(3), role, org, None, "korean-envoy"))
                continue
            # the whole word first ("수방시의회"), then a known place inside it ("수방시")
            org = next(
                (i for i in finder.items if i.start == m.start(2) and i.end == m.end(2)), None
            )
            for g in [] if org is not None else finder.gaz:
                if g.start >= m.start(2) and g.start < m.end(2) + 1:
                    org = g
                    break
            if org is None and org_text:
                keys = (
                    lex.surface_index.get(org_text)
                    or lex.surface_index.get(org_text + "시")
                    or (lex.surface_index.get(org_text + "도"))
                )
                local = finder.local_places.get(org_text + "시") or finder.local_places.get(
                    org_text
                )
                if local is not None:
                    at = text.find(local.text, m.start(2))
                    org = next((g for g in finder.gaz if g.start == at), None)
                elif keys and len(keys) == 1:
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
            start, end = m.start(1), m.end(1)
            if org is None and not _KO_NOT_NAME.search(org_text) and len(org_text) >= 2:
                # "전라남도는 김영록 지사가": the word before the title is the name, and the
                # place (if any) comes before it with its particle
                start, end = m.start(2), m.end(2)
                org = next(
                    (g for g in finder.gaz if g.start == m.start(1) and g.end <= m.end(1)), None
                )
            elif _KO_NOT_NAME.search(m.group(1)) and not _name_despite_ending(
                text, m.start(1), m.group(1), org, lex
            ):
                if org is not None and unnamed is not None:
                    unnamed.append((org, role.role))  # "협약식에는 중부자바주 부지사와"
                continue
            if org is not None and org.country and org.country != "KR":
                # a foreign name in Hangul has several words: "리드완 카밀 서자바주지사"
                for _ in range(2):
                    prev = re.search(
                        r"([\uac00-\ud7a3]{2,6})[ \u00a0]+$", text[max(0, start - 10) : start]
                    )
                    if prev is None or _KO_NOT_NAME.search(prev.group(1)):
                        break
                    if lex.surface_index.get(prev.group(1)) or prev.group(1) in lex.roles:
                        break
                    start -= len(prev.group(0))
            pm = Mention(
                start,
                end,
                text[start:end],
                "Person",
                rule="korean-title",
                confidence=0.8,
                country=org.country if org else None,
            )
            hits.append(
                TitleHit.of(
                    pm, m.group(3), role, org, lex.modifiers.get(m.group(4) or ""), "korean-title"
                )
            )
    return hits


def _korean_title_rx(lex: Lexicon) -> re.Pattern[str] | None:
    """'김태흠 충남도지사': a name, an organisation word, a Korean role title."""
    ko_roles = sorted((r for r in lex.roles if HANGUL.search(r)), key=len, reverse=True)
    if not ko_roles:
        return None
    return re.compile(
        r"(?<![\uac00-\ud7a3])([\uac00-\ud7a3]{2,6})[ \u00a0]+"
        r"([\uac00-\ud7a3]{1,12}?)[ \u00a0]?("
        + "|".join(map(re.escape, ko_roles))
        + r")(?:[ \u00a0]?(권한대행|대행))?(?![\uac00-\ud7a3]{2})"
    )


# --------------------------------------------------------------------------- the extractor
