"""Cooperation pairs and organisations' affiliations."""

from __future__ import annotations

import re

from ..lexicon import Lexicon
from ..model import Entity, Extraction, Relation
from .common import _COOP_CUE, _WITH, _evidence, _key, _locative, _most_specific, _SentInfo
from .text import Sentence

# "konflik Israel-Palestina", "the Israel-Hamas war": a dash that joins two adversaries
_CONFLICT = re.compile(
    r"(?i)\b(?:konflik|perang|sengketa|ketegangan|pertikaian|conflict|war|dispute|tensions?|"
    r"clash(?:es)?|rivalry)\b[ \u00a0]+(?:\w+[ \u00a0]+)?$|(?:분쟁|전쟁|갈등)[ \u00a0]*$"
)


_JOINED = re.compile(r"\w[-–]\w")


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

    for ev in [*ex.events, *ex.background]:
        if ev.agreement is not None and len(ev.agreement.parties) >= 2:
            ps = ev.agreement.parties
            s = ev.evidence[0]
            sent = Sentence(s.start, s.end, s.text, 0, False)
            if ev.agreement.type == "SisterCity" and len(ps) > 2:
                # sister-city ties are pairwise: "A, with B, C and D" pairs A with each
                for other in ps[1:]:
                    add(ps[0], other, sent, "sister-city-hub", 0.8)
                continue
            for i in range(len(ps)):
                for j in range(i + 1, len(ps)):
                    ca, cb = ents[ps[i]].country, ents[ps[j]].country
                    if len(ps) > 2 and {ca, cb} != {"ID", "KR"}:
                        continue
                    add(ps[i], ps[j], sent, "agreement-parties", 0.9)
    for info in infos:
        s = info.sent
        cue = _COOP_CUE.search(s.text) is not None
        if not cue and not _JOINED.search(s.text):
            continue
        keyed = [(m, _key(m, key_of)) for m in info.mentions]
        keyed = [
            (m, k)
            for m, k in keyed
            if k in ents and ents[k].type not in ("Person", "Facility", "Program", "Agreement")
        ]
        # "Indonesia-Korea", "Jakarta–Chungnam": a hyphen or dash joining two names
        for (m1, k1), (m2, k2) in zip(keyed, keyed[1:], strict=False):
            gap = ex.article.text[m1.end : m2.start]
            before = ex.article.text[max(s.start, m1.start - 25) : m1.start]
            if re.fullmatch(r"[ \u00a0]*[-–—/][ \u00a0]*", gap) and not _CONFLICT.search(before):
                add(k1, k2, s, "hyphen-pair", 0.8)
        if not cue:
            continue
        # "PEM Korea will cooperate with PT Hanwoo and Bahana Cipta": subject × partners
        wm = _WITH.search(s.text)
        if wm:
            cut = s.start + wm.end()
            before_ents = [k for m, k in keyed if m.end <= s.start + wm.start()]
            # "… with South Sulawesi Governor X in Makassar": the venue is not a partner
            venues = _locative(keyed, ex.article.text, s)
            after_ents = [
                k
                for m, k in keyed
                if m.start >= cut
                and m.start not in venues
                and not ex.article.text.startswith(("'s", "’s"), m.end)
            ]
            explicit = False
            if before_ents and after_ents:
                subject = before_ents[-1]
                # "dengan Pemprov Chungcheongnam-do, Korea Selatan": the country qualifies
                for k in _most_specific(list(dict.fromkeys(after_ents[:3])), ents, ex):
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
        places = _locative(keyed, text, s)
        partners = [k for m, k in keyed if m.start not in places]
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
