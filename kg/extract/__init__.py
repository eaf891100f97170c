"""Rule-based extraction: article text → entities, posts, events, agreements, relations.

The rules are general patterns over the lexicons in ``data/lexicon`` and the gazetteer in
``data/gazetteer``: titles before or after names, organisation head words, parenthetical
acronyms, trigger words for events and agreements, locative prepositions, date
expressions. Every statement keeps the sentence it came from, the rule's name and a
confidence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from datetime import date

from ..dates import find_dates
from ..lexicon import Lexicon, load_lexicon
from ..model import Article, Extraction, Post
from ..resolve import resolve_mentions
from .common import _country, _evidence, _SentInfo
from .events import _events
from .mentions import Mention, _drop_headline_guesses, _Finder, _is_stop, _select
from .relations import _affiliations, _cooperation
from .romanise import romanise_name
from .text import Sentence, _clauses, excluded_spans, split_sentences
from .titles import TitleHit, _find_titles

__all__ = ["extract", "excluded_spans", "split_sentences"]


def extract(article: Article, lex: Lexicon | None = None) -> Extraction:
    """Extract everything from one article."""
    lex = lex or load_lexicon()
    text = article.text
    excluded = excluded_spans(text)
    sentences = split_sentences(text)
    finder = _Finder(text, lex, excluded)
    finder.gazetteer()
    finder.organisations()
    finder.foreign_hangul_places()
    finder.hangul_bodies()
    finder.programmes()
    finder.agreement_names()
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
    _link_glosses(mentions, text)
    _link_variants(mentions)
    mentions = [m for m in mentions if not _continent_list(m, text)]
    # a person named once with a title is the same person wherever the name recurs
    known = {m.text for m in mentions if m.type == "Person" and len(m.text.split()) >= 2}
    known |= _nicknames(mentions, text, lex)
    _typo_aliases(mentions, lex)
    # "Widodo", "Khofifah": a first or last name alone, when only one known person has it
    short: dict[str, set[str]] = {}
    surnames: dict[str, set[str]] = {}
    for name in known:
        toks = name.split()
        if toks[0] in lex.korean_surnames and len(toks) > 1:
            surnames.setdefault(toks[0], set()).add(name)  # "Park" for "Park Heong-joon"
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
    lone_surnames = {t for t, names in surnames.items() if len(names) == 1}
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for name in sorted(known | lone_surnames, key=len, reverse=True):
        # a Korean surname alone refers back only when no given name follows it
        for s, e in _occurrences(text, name, name in lone_surnames):
            if any(s < te and ts < e for ts, te in taken) or not finder.allowed(s, e):
                continue
            taken.append((s, e))
            extra.append(Mention(s, e, name, "Person", rule="repeated-name", confidence=0.8))
    mentions = sorted(mentions + extra, key=lambda m: m.start)
    # a title's person wins over any other reading of the same span
    entities, key_of = resolve_mentions(mentions, lex, article)
    for ent in entities.values():
        # "김태흠" is also "Kim Tae-heum": the romanised form, for readers and for matching
        # across scripts
        if ent.type == "Person" and ent.country in (None, "KR"):
            roman = romanise_name(ent.name, lex)
            if roman and roman not in ent.aliases:
                ent.aliases.append(roman)
    ref = _ref_date(article, lex)
    published_ref = bool(article.published and len(article.published) == 10)

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
        if okey is None and t.rule == "korean-envoy":
            okey = _country(ex, lex, "KR")  # "주인도네시아 대사": Korea's envoy
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
    keyed = [m for m in mentions if (m.start, m.end) in key_of]  # sorted by start
    keyed_starts = [m.start for m in keyed]
    for s in sentences:
        for part in _clauses(s, lex):
            lo = bisect.bisect_left(keyed_starts, part.start)
            hi = bisect.bisect_left(keyed_starts, part.end)
            ms = keyed[lo:hi]
            dates = find_dates(part.text, lex, ref, published_ref)
            # a date in a dateline ("HONGSEONG, May 28 (Korea Wire) --") is the day the story
            # was filed: any date the clause itself states comes first
            dates.sort(key=lambda d: _inside(part.start + d.start, excluded))
            infos.append(_SentInfo(part, ms, dates))

    _events(ex, infos, lex, key_of, unnamed)
    _cooperation(ex, infos, lex, key_of)
    _affiliations(ex, lex, sentences)
    return ex


def _occurrences(text: str, name: str, alone: bool) -> Iterator[tuple[int, int]]:
    r"""Where ``name`` stands as a word (no word character or hyphen on either side), and,
    when ``alone``, no capitalised word follows it: what
    ``(?<![\w-])NAME(?![\w-])`` (and ``(?![ \u00a0]+[A-Z])``) finds, without a pattern
    per name."""
    pos = text.find(name)
    n = len(name)
    while pos >= 0:
        end = pos + n
        ok = (pos == 0 or not _word_or_hyphen(text[pos - 1])) and (
            end == len(text) or not _word_or_hyphen(text[end])
        )
        if ok and alone:
            after = end
            while after < len(text) and text[after] in " \u00a0":
                after += 1
            ok = after == end or after == len(text) or not "A" <= text[after] <= "Z"
        if ok:
            yield pos, end
            pos = text.find(name, end)
        else:
            pos = text.find(name, pos + 1)


def _word_or_hyphen(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(lo <= pos < hi for lo, hi in spans)


_BODY_TYPES = ("Ministry", "GovernmentOrganization", "Organization", "Company")
_NICK = re.compile(
    r"[ \u00a0]*\((?:akrab disapa |biasa disapa |dikenal sebagai |known as |)"
    r"([A-Z][a-z][\w'’-]*(?:[ \u00a0][A-Z][a-z][\w'’-]*)?)\)"
)


_SPELLING = [
    (re.compile(r"(?i)centre\b"), "center"),
    (re.compile(r"(?i)organisation"), "organization"),
    (re.compile(r"(?i)programme\b"), "program"),
    (re.compile(r"(?i)defence\b"), "defense"),
    (re.compile(r"(?i)labour\b"), "labor"),
]


def _link_variants(mentions: list[Mention]) -> None:
    """One body under two spellings ('Indonesia Centre' / 'Indonesia Center'), and a
    company's short name inside its full one ('KCC Glass' in 'PT KCC Glass Indonesia'):
    the later forms take the first form's name, so they resolve to one entity."""
    seen: dict[tuple[str, str], str] = {}
    bodies = [m for m in mentions if m.type in _BODY_TYPES and not m.key]
    for m in bodies:
        label = m.name or m.text
        norm = label.casefold()
        for rx, repl in _SPELLING:
            norm = rx.sub(repl, norm)
        norm = re.sub(r"[\s\-]+", " ", norm).strip()
        first = seen.setdefault((m.type, norm), label)
        if first != label:
            m.name = first
    companies = [m for m in bodies if m.type == "Company"]
    for m in companies:
        toks = (m.name or m.text).split()
        if len(toks) < 2:
            continue
        for o in companies:
            full = (o.name or o.text).split()
            if len(full) <= len(toks):
                continue
            if any(full[i : i + len(toks)] == toks for i in range(len(full) - len(toks) + 1)):
                m.name = o.name or o.text
                break


_CONTINENT = (
    r"(?:Asia(?: Tenggara| Timur| Selatan| Pasifik)?|Eropa|Europe|Afrika|Africa|Amerika Latin|"
    r"Latin America|Timur Tengah|Middle East|Oseania|Oceania|아시아|유럽|아프리카)"
)
_CONTINENT_LIST = re.compile(
    rf"{_CONTINENT}(?:,?[ \u00a0]+(?:dan|and|serta|및)[ \u00a0]+|,[ \u00a0]*)$"
)


def _continent_list(m: Mention, text: str) -> bool:
    """'negara-negara Asia, Eropa, dan Amerika': a country's name among continents is
    the continent (America), not the state."""
    if m.type != "Country":
        return False
    return bool(_CONTINENT_LIST.search(text[max(0, m.start - 40) : m.start]))


def _typo_aliases(mentions: list[Mention], lex: Lexicon) -> None:
    """'Dedi Mulyadi' … 'Dedi Mulyad': a name that differs from an earlier one of the same
    shape by a slip in one long word is that person (Korean names, short and alike, never)."""
    from difflib import SequenceMatcher

    persons = [m for m in mentions if m.type == "Person" and not m.key]
    firsts: dict[str, Mention] = {}
    for m in persons:
        firsts.setdefault(m.text, m)
    names = list(firsts)
    for i, a in enumerate(names):
        ta = a.split()
        if len(ta) < 2 or ta[0] in lex.korean_surnames:
            continue
        for b in names[i + 1 :]:
            tb = b.split()
            if len(tb) != len(ta) or a == b:
                continue
            diff = [(x, y) for x, y in zip(ta, tb, strict=True) if x != y]
            if len(diff) != 1:
                continue
            x, y = diff[0]
            if min(len(x), len(y)) < 5 or SequenceMatcher(None, x, y).ratio() < 0.85:
                continue
            # the form seen first is the name; the other is its slip
            first, slip = (a, b) if firsts[a].start < firsts[b].start else (b, a)
            if slip not in firsts[first].aliases:
                firsts[first].aliases.append(slip)


def _nicknames(mentions: list[Mention], text: str, lex: Lexicon) -> set[str]:
    """'Bambang Soesatyo (Bamsoet)', 'Joko Widodo (Jokowi)': a name in parentheses right
    after a person's name is what the article calls them from then on."""
    out = set()
    for m in mentions:
        if m.type != "Person":
            continue
        nm = _NICK.match(text, m.end)
        if nm is None:
            continue
        nick = nm.group(1)
        if _is_stop(lex, nick) or lex.surface_index.get(nick) or nick in lex.roles:
            continue
        if nick not in m.aliases:
            m.aliases.append(nick)
        out.add(nick)
    return out


def _link_glosses(mentions: list[Mention], text: str) -> None:
    """'Ministry of Defence (Kementerian Pertahanan)': a name glossed in another language
    in parentheses is the same body."""
    for a, b in zip(mentions, mentions[1:], strict=False):
        if not (a.type in _BODY_TYPES and b.type in _BODY_TYPES):
            continue
        if not (
            re.fullmatch(r"[ \u00a0]*\(", text[a.end : b.start]) and text.startswith(")", b.end)
        ):
            continue
        if b.key and not a.key:
            a.key, a.type, a.country = b.key, b.type, b.country or a.country
        elif a.key and not b.key:
            b.key, b.type, b.country = a.key, a.type, a.country or b.country
        elif not a.key and not b.key:
            b.type, b.name = a.type, a.name or a.text
            a.aliases.append(b.text)


def _ref_date(article: Article, lex: Lexicon) -> date | None:
    """What "Selasa", "kemarin" or "8 Maret" count from: the publication date, else the
    latest full date the article states (an undated page still says "1 Februari 2023")."""
    if article.published and len(article.published) == 10:
        try:
            return date.fromisoformat(article.published)
        except ValueError:
            return None
    stated = [
        d.value for d in find_dates(article.text, lex, None) if d.exact and len(d.value) == 10
    ]
    if stated:
        return date.fromisoformat(max(stated))
    if article.published and len(article.published) == 7:  # "2023-03": the month's end
        y, m = map(int, article.published.split("-"))
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return nxt.fromordinal(nxt.toordinal() - 1)
    return None


def _implied_country(t: TitleHit, ex: Extraction, lex: Lexicon, article: Article) -> str | None:
    """'Menteri Luar Negeri Sugiono': the post's organisation is the country."""
    before = article.text[max(0, t.person.start - 40) : t.person.start]
    before = re.split(r"[.;:!?\n]|\b(?:dan|and|dengan|with)\b", before)[-1]
    for word, iso in sorted(lex.demonyms.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", before):
            return _country(ex, lex, iso)
    if t.rule == "korean-name" or re.match(
        rf"(?:{'|'.join(lex.korean_surnames)})\b", t.person.text
    ):
        return _country(ex, lex, "KR")
    # the two sides of this domain: a Korean name is Korean; otherwise, in Indonesian or
    # English text, an Indonesian official
    lang_country = {"id": "ID", "ko": "KR", "en": "ID"}.get(article.lang or "")
    if lang_country:
        return _country(ex, lex, lang_country)
    return None
