"""Within-article entity resolution: mentions → entities with stable keys.

Mentions of the same gazetteer entry share its key; persons are merged when one name's
tokens are a subset of another's ("Pramono" → "Pramono Anung") or when they differ only
in romanisation spacing ("Kim Tae-heum" = "Kim Tae Heum"); organisations are merged on
their normalised name and on parenthetical acronyms.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from .lexicon import Lexicon
from .model import Article, Entity
from .resources import resource_dir

if TYPE_CHECKING:
    from .extract.mentions import Mention

_KIND = {
    "Person": "person",
    "Facility": "place",
    "Program": "programme",
    "Agreement": "agreement-name",
    "City": "city",
    "Province": "region",
    "Country": "country",
}


# "PT PLN (Persero)", "PT Astra International (Tbk)": a company's legal form, not a name
_LEGAL_FORM = re.compile(r"(?i)persero|tbk\.?|ltd\.?|inc\.?|co\.?,? ?ltd\.?|plc|llc")


_NON_WORD = re.compile(r"[^\w]+")
_NAME_GAPS = re.compile(r"[\s\-‐–.]+")
_TOKEN_GAPS = re.compile(r"[\s\-]+")


@lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """Lowercase ASCII-ish slug; Hangul kept as syllables (IRIs may hold Unicode)."""
    norm = unicodedata.normalize("NFKD", text)
    # NFC again: NFKD splits Hangul syllables into jamo, which IRIs should not carry
    norm = unicodedata.normalize("NFC", "".join(c for c in norm if not unicodedata.combining(c)))
    norm = _NON_WORD.sub("-", norm.lower()).strip("-")
    return norm or "x"


@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """Comparison form of a name: case, hyphens and spacing ignored."""
    return _NAME_GAPS.sub("", unicodedata.normalize("NFKC", text).casefold())


def _tokens(text: str) -> list[str]:
    return list(_token_tuple(text))


@lru_cache(maxsize=8192)
def _token_tuple(text: str) -> tuple[str, ...]:
    return tuple(t for t in _TOKEN_GAPS.split(text.casefold()) if t)


_PARENTHESISED = re.compile(r"(.+?)\s*\(([^()]{1,15})\)\s*(.*)")
_PARENS = re.compile(r"\(.*\)")
_GOVERNMENT_PREFIX = re.compile(
    r"(?i)(pemprov|pemkot|pemkab|pemerintah|provinsi|prov\.|kota|kabupaten|kab\.|pemda)\b"
)
_GOVERNMENT = re.compile(
    r"(?i)\b(province|provincial|city|regency|government|metropolitan|administration)\b"
    r"|주정부|도청|시청"
)
_ACRONYM = re.compile(r"[A-Z&.\-]{2,12}")


def resolve_mentions(
    mentions: list[Mention], lex: Lexicon, article: Article
) -> tuple[dict[str, Entity], dict[tuple[int, int], str]]:
    entities: dict[str, Entity] = {}
    key_of: dict[tuple[int, int], str] = {}
    by_name: dict[tuple[str, str], str] = {}

    def attach(m: Mention, key: str) -> None:
        ent = entities[key]
        key_of[(m.start, m.end)] = key
        ent.mentions.append((m.start, m.end))
        for s in [m.text, *(m.aliases)]:
            if s and s not in ent.aliases:
                ent.aliases.append(s)
        if m.name and m.name not in ent.aliases:
            ent.aliases.append(m.name)
        if ent.country is None and m.country:
            ent.country = m.country

    # gazetteer and explicitly keyed mentions first
    for m in mentions:
        if m.key:
            entry = lex.entries.get(m.key)
            if m.key not in entities:
                if entry is not None:
                    entities[m.key] = Entity(
                        m.key,
                        entry.name,
                        entry.type,
                        entry.country,
                        [],
                        [],
                        entry.wikidata,
                        gazetteer=True,
                    )
                else:
                    entities[m.key] = Entity(m.key, m.name or m.text, m.type, m.country)
            attach(m, m.key)
    # organisations and other named things
    for m in mentions:
        if m.key or m.type == "Person":
            continue
        label = m.name or m.text
        nk = name_key(label)
        key = by_name.get((m.type, nk))
        if key is None:
            # an acronym or alias already known for another mention
            for e in entities.values():
                if e.type == m.type and any(name_key(a) == nk for a in e.aliases):
                    key = e.key
                    break
        if key is None:
            kind = _KIND.get(m.type, "org")
            key = f"{kind}/{slugify(label)}"
            while key in entities and entities[key].type != m.type:
                key += "-x"
            if key not in entities:
                entities[key] = Entity(key, label, m.type, m.country)
        by_name[(m.type, nk)] = key
        attach(m, key)
    # persons: longest names first, then shorter forms that are token subsets
    persons = sorted(
        (m for m in mentions if m.type == "Person" and not m.key),
        key=lambda x: (-len(_tokens(x.text)), x.start),
    )
    for m in persons:
        nk = name_key(m.text)
        toks = set(_tokens(m.text))
        key = None
        for e in entities.values():
            if e.type != "Person":
                continue
            if any(name_key(a) == nk for a in e.aliases):
                key = e.key
                break
        if key is None:
            cands = [
                e
                for e in entities.values()
                if e.type == "Person" and toks and toks < set(_tokens(e.name))
            ]
            if len(cands) == 1:
                key = cands[0].key
        if key is None:
            key = f"person/{slugify(m.text)}"
            if key not in entities:
                entities[key] = Entity(key, m.text, "Person", m.country)
        attach(m, key)
    # canonical names: gazetteer name if the text uses it, else the fullest surface
    text = article.text
    for e in entities.values():
        forms = [text[s:t] for s, t in e.mentions] + e.aliases
        # "Economic Promotion Agency (CEPA)": the parenthesis is an alias, not the name
        for f in list(forms):
            # also inline: "Kedutaan Besar Republik Indonesia (KBRI) di Seoul"
            pm = _PARENTHESISED.fullmatch(f)
            if pm:
                forms.remove(f)
                inner = [] if _LEGAL_FORM.fullmatch(pm.group(2)) else [pm.group(2)]
                head = f"{pm.group(1)} {pm.group(3)}".strip()
                forms += [head, *inner]
                e.aliases += [head, *inner]
        e.aliases = [a for a in e.aliases if not _PARENS.search(a)]
        if e.gazetteer and e.name in forms:
            pass
        elif e.type == "Person":
            e.name = max(forms, key=lambda f: (len(_tokens(f)), len(f)), default=e.name)
        elif forms:
            plain = [
                f for f in forms if not _GOVERNMENT_PREFIX.match(f) and not _GOVERNMENT.search(f)
            ]
            pool = plain or forms
            if e.gazetteer and not plain and any(e.name in f for f in forms):
                pass  # only "Banten province" in the text: the place is "Banten"
            elif e.gazetteer:
                e.name = max(pool, key=len)
            elif e.name not in forms or len(pool) > 1:
                full = [f for f in pool if not _ACRONYM.fullmatch(f)]
                e.name = max(full or pool, key=len) if e.name not in forms else e.name
        e.aliases = list(dict.fromkeys(a for a in e.aliases if a and a != e.name))
    return entities, key_of


# --------------------------------------------------------------------------------------
# Across articles: name comparisons used by kg.consolidate
# --------------------------------------------------------------------------------------

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# spelling variants of Korean romanisation systems (McCune–Reischauer, Revised, ad hoc):
# Byung/Byeong, Soo/Su, Jung/Jeong/Chung, Suh/Seo, Shin/Sin, Lee/Yi
_PHONETIC = [
    (re.compile(r"eo"), "u"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"wu"), "u"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ch|j"), "c"),
    (re.compile(r"g"), "k"),
    (re.compile(r"d"), "t"),
    (re.compile(r"b"), "p"),
    (re.compile(r"r"), "l"),
    (re.compile(r"(?<=[aeiou])h\b"), ""),
]


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


def phonetic_key(name: str) -> str:
    """A key under which romanisation variants of one name coincide ("Byung-soo" = "Byeongsu")."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\-‐–.]", "", text)
    for pattern, repl in _PHONETIC:
        text = pattern.sub(repl, text)
    return re.sub(r"[^a-z]", "", text)


@lru_cache(maxsize=1)
def korean_surnames() -> dict[str, tuple[str, ...]]:
    """Hangul surname → its usual Latin spellings, from data/lexicon/korean_surnames.csv."""
    out: dict[str, list[str]] = {}
    path = resource_dir("lexicon") / "korean_surnames.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            hangul, latin = (row.get("hangul") or "").strip(), (row.get("romanized") or "").strip()
            if hangul and latin:
                out.setdefault(hangul, []).append(latin)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _surname_hangul() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for hangul, spellings in korean_surnames().items():
        for s in spellings:
            out.setdefault(s.casefold(), set()).add(hangul)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=4096)
def _syllable(s: str) -> str:
    import koroman  # Revised Romanisation, pure Python

    return koroman.romanize(s)


def romanise(hangul: str) -> str:
    """Revised Romanisation of a Hangul name, one syllable at a time.

    Sound changes across a name's syllables are not written in Latin spellings (영록 is
    Yeong-rok, not Yeongnok), so syllables are romanised one by one.
    """
    return "".join(_syllable(c) if has_hangul(c) else c for c in hangul)


@dataclass(frozen=True)
class KoreanName:
    """A Korean personal name split into surname (as Hangul candidates) and given name key."""

    surnames: frozenset[str]
    given: str  # phonetic key of the given name


def korean_name(name: str) -> KoreanName | None:
    """Surname and given name of a Korean person's name in Hangul or Latin letters."""
    name = name.strip()
    if has_hangul(name):
        compact = name.replace(" ", "")
        if 2 <= len(compact) <= 4 and compact[0] in korean_surnames():
            return KoreanName(frozenset({compact[0]}), phonetic_key(romanise(compact[1:])))
        return None
    tokens = [t for t in re.split(r"\s+", name) if t]
    if len(tokens) < 2:
        return None
    hangul = _surname_hangul().get(tokens[0].casefold())
    if not hangul:
        return None
    return KoreanName(hangul, phonetic_key("".join(tokens[1:])))


def transliteration_key(name: str) -> str:
    """Phonetic key of a foreign name, from Hangul transcription or from Latin letters.

    Hangul writes consonant clusters with an inserted vowel ㅡ (프라모노 = peu-ra-mo-no for
    Pramono); that vowel is dropped before a consonant so both spellings meet.
    """
    if has_hangul(name):
        latin = re.sub(r"eu(?=[^aeiou\s]|$)", "", romanise(name))
        return phonetic_key(latin)
    return phonetic_key(name)


def is_acronym(short: str, long: str, stopwords: frozenset[str] = frozenset()) -> bool:
    """Whether ``short`` abbreviates ``long``: initials (BKPM) or syllables (Kemlu).

    ``short`` must be spelled by prefixes of the words of ``long`` in order, starting with
    the first. Initialisms use every word (stopwords aside); syllabic acronyms may leave
    out words but take at least two.
    """
    s = re.sub(r"[^a-z]", "", short.casefold())
    words = [w for w in re.findall(r"[a-z]+", long.casefold()) if w not in stopwords]
    if not 2 <= len(s) <= 10 or len(words) < 2:
        return False
    if len(s) == len(words) and all(w[0] == c for w, c in zip(words, s, strict=True)):
        return True
    if short.isupper() and len(s) <= len(words):
        return False  # an initialism that skips words is too loose

    @cache
    def match(i: int, j: int, used: int) -> bool:
        if i == len(s):
            return used >= 2
        for k in range(j, len(words)):
            if k > j and i == 0:
                break  # the first word always starts the acronym
            w = words[k]
            n = 0
            while n < len(w) and i + n < len(s) and w[n] == s[i + n]:
                n += 1
                if match(i + n, k + 1, used + 1):
                    return True
        return False

    return match(0, 0, 0)
