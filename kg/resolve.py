"""Within-article entity resolution: mentions → entities with stable keys.

Mentions of the same gazetteer entry share its key; persons are merged when one name's
tokens are a subset of another's ("Pramono" → "Pramono Anung") or when they differ only
in romanisation spacing ("Kim Tae-heum" = "Kim Tae Heum"); organisations are merged on
their normalised name and on parenthetical acronyms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from .lexicon import Lexicon
from .model import Article, Entity

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


def slugify(text: str) -> str:
    """Lowercase ASCII-ish slug; Hangul kept (IRIs may hold Unicode)."""
    norm = unicodedata.normalize("NFKD", text)
    norm = "".join(c for c in norm if not unicodedata.combining(c))
    norm = re.sub(r"[^\w]+", "-", norm.lower()).strip("-")
    return norm or "x"


def name_key(text: str) -> str:
    """Comparison form of a name: case, hyphens and spacing ignored."""
    return re.sub(r"[\s\-‐–.]+", "", unicodedata.normalize("NFKC", text).casefold())


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", text.casefold()) if t]


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
            pm = re.fullmatch(r"(.+?)\s*\(([^()]{1,15})\)", f)
            if pm:
                forms.remove(f)
                inner = [] if _LEGAL_FORM.fullmatch(pm.group(2)) else [pm.group(2)]
                forms += [pm.group(1), *inner]
                e.aliases += [pm.group(1), *inner]
        e.aliases = [a for a in e.aliases if not re.search(r"\(.*\)", a)]
        if e.gazetteer and e.name in forms:
            pass
        elif e.type == "Person":
            e.name = max(forms, key=lambda f: (len(_tokens(f)), len(f)), default=e.name)
        elif forms:
            plain = [
                f
                for f in forms
                if not re.match(
                    r"(?i)(pemprov|pemkot|pemkab|pemerintah|provinsi|prov\.|kota|kabupaten|kab\.|pemda)\b",
                    f,
                )
                and not re.search(
                    r"(?i)\b(province|provincial|city|regency|government|metropolitan|administration)\b"
                    r"|주정부|도청|시청",
                    f,
                )
            ]
            pool = plain or forms
            if e.gazetteer and not plain and any(e.name in f for f in forms):
                pass  # only "Banten province" in the text: the place is "Banten"
            elif e.gazetteer:
                e.name = max(pool, key=len)
            elif e.name not in forms or len(pool) > 1:
                full = [f for f in pool if not re.fullmatch(r"[A-Z&.\-]{2,12}", f)]
                e.name = max(full or pool, key=len) if e.name not in forms else e.name
        e.aliases = list(dict.fromkeys(a for a in e.aliases if a and a != e.name))
    return entities, key_of
