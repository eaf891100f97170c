"""Small pieces shared by the event and relation rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import Anchored, Folded, Lexicon, load_lexicon
from ..model import Entity, Evidence, Extraction
from .mentions import Mention
from .text import Sentence

_COOP_CUE = Anchored(
    re.compile(
        r"kerja ?sama|bekerja ?sama|kolaborasi|berkolaborasi|kemitraan|bermitra|hubungan|"
        r"bilateral|cooperation|cooperate|collaborat\w*|partnership|partners?\b|"
        r"team(?:s|ed)? up|join(?:s|ed)? hands|relations|ties|sister|kembar|bersaudara|"
        r"협력|교류|자매|우호",
        re.I,
    ),
    "sama kolaborasi kemitraan bermitra hubungan bilateral cooperat collaborat partner team "
    "join relations ties sister kembar bersaudara 협력 교류 자매 우호".split(),
)
_PLACE_WORDS = r"(?:(?:kota|kabupaten|provinsi|pulau|city of|province of|island of)[ \u00a0]+)?$"
# where an event happened: "di Balai Kota", "in Seoul", "at the residence"
_VENUE = re.compile(
    r"(?:\bdi|\bin|\bat|\bke|\bto|\bfrom|\bdari)[ \u00a0]+(?:the[ \u00a0]+)?" + _PLACE_WORDS,
    re.I,
)
# any place used as a place, including an office's seat ("KTO Kantor Jakarta")
_LOCATIVE = re.compile(
    r"(?:\bdi|\bin|\bat|\bke|\bto|\bfrom|\bdari|\bkantor|\bcabang|\bperwakilan|"
    r"\boffice in|\bbranch in)[ \u00a0]+(?:the[ \u00a0]+)?" + _PLACE_WORDS,
    re.I,
)
_ENVOY_TO = re.compile(
    r"(?i)(?:ambassador|envoy|consul(?:[ \u00a0]+general)?|duta[ \u00a0]+besar|dubes|konjen|"
    r"konsul(?:[ \u00a0]+jenderal)?)(?:[ \u00a0]+\S+){0,3}[ \u00a0]+(?:to|untuk|in|di)[ \u00a0]+$"
)
_WITH = Folded(  # (searched over whole sentences)
    re.compile(
        r"\b(?:kerja ?sama|bekerja ?sama|berkolaborasi|bermitra|kemitraan|hubungan|cooperate|"
        r"cooperation|partner(?:ship)?|team up|collaborat\w*|relations?|sister \w+)\b[^.;]{0,40}?"
        r"\b(?:dengan|with)\b",
        re.I,
    )
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


def _key(m: Mention, key_of: dict) -> str | None:
    return key_of.get((m.start, m.end))


def _locative(keyed: list[tuple[Mention, str]], text: str, s: Sentence) -> set[int]:
    """Starts of mentions used as places: after "di/in/at/ke…", and the places that
    qualify them ("di Gedung Negara Grahadi, Surabaya")."""
    out: set[int] = set()
    prev: Mention | None = None
    for m, _k in keyed:
        before = text[max(s.start, m.start - 40) : m.start]
        if _ENVOY_TO.search(before):
            prev = m
            continue  # "Ambassador to South Korea": the posting, not a place of the event
        if (
            (
                _LOCATIVE.search(text[max(s.start, m.start - 12) : m.start])
                or re.match(r"(?:\([^)]{0,20}\))?에서", text[m.end : m.end + 24])  # "반둥에서"
            )
            or (
                prev is not None
                and prev.start in out
                and re.fullmatch(r",[ \u00a0]*", text[prev.end : m.start])
            )
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


def _country(ex: Extraction, lex: Lexicon, iso: str) -> str | None:
    """The country entity, added from the gazetteer when only implied ("South Korean
    President Yoon"), named in the article's language."""
    key = f"country/{iso}"
    if key not in ex.entities:
        entry = lex.entries.get(key)
        if entry is None:
            return None
        name = entry.labels.get(ex.article.lang or "", entry.name)
        ex.entities[key] = Entity(key, name, "Country", iso, [], [], entry.wikidata, True)
    return key
