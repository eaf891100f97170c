"""Events (signings, meetings, visits, openings) with dates, places, participants, and
the agreements signed at them with parties and sectors."""

from __future__ import annotations

import re

from ..lexicon import Anchored, Lexicon
from ..model import Agreement, Entity, Event, Extraction, Relation
from .common import (
    _BETWEEN,
    _COOP_CUE,
    _ENVOY_TO,
    _PLACE_TYPES,
    _VENUE,
    _country,
    _evidence,
    _key,
    _locative,
    _most_specific,
    _SentInfo,
)
from .mentions import Mention
from .text import Sentence


def _events(
    ex: Extraction,
    infos: list[_SentInfo],
    lex: Lexicon,
    key_of: dict,
    unnamed: list[tuple[Mention, str]],
) -> None:
    """Events from trigger sentences, merged per happening, with agreements and sectors."""
    ents = ex.entities
    events: list[Event] = []
    order = ["LoI", "MoU", "SisterCity", "JointDeclaration", "Agreement"]

    def agreement_type(text: str) -> str | None:
        """The most specific agreement word in ``text`` (LoI before MoU before …)."""
        found = None
        for i in lex.agreement_words.candidates(text):
            atype, rx = lex.agreement_triggers[i]
            if rx.search(text) and (found is None or order.index(atype) < order.index(found)):
                found = atype
        return found

    pair = _dominant_pair(ex)
    for idx, info in enumerate(infos):
        s = info.sent
        if s.related:
            continue
        # "Sebelum bertemu Menlu Cho, …", "the meeting held before the signing": another
        # event named as a time reference; its trigger and its people are not this event's
        aside = _asides(s.text, lex)
        own_text = _blank(s.text, aside)
        quoted_spans = _quoted(s.text)
        back = []
        for m in _ANAPHOR.finditer(own_text):
            if m.start() > 20:
                break  # (only words opening the sentence point back)
            if not _inside(m.start(), quoted_spans):
                back.append(m.span())
        if events:
            # "Dalam pertemuan itu …", "The signing ceremony was held …": the words that
            # point back name the event already told, not a new one
            own_text = _blank(own_text, back)
        hits = []
        for i in lex.event_words.candidates(own_text):
            etype, _lang, rx, conf = lex.event_triggers[i]
            m = rx.search(own_text)
            if m:
                hits.append((etype, m.start(), conf, m.group(0).lower()))
        if not hits and back and events:
            # "Kunjungan itu disambut Wali Kota Tri Rismaharini di Balai Kota": more about
            # the event just told; its people join it
            for m in info.mentions:
                k = _key(m, key_of)
                if k in ents and ents[k].type == "Person" and k not in events[-1].participants:
                    if not _inside(m.start - s.start, quoted_spans):
                        events[-1].participants.append(k)
        if not hits:
            if events and events[-1].location is None and _ANAPHOR.match(s.text):
                # "The ceremony was held in Jakarta": where the event just told took place
                for m in info.mentions:
                    k = _key(m, key_of)
                    if k in ents and ents[k].type in _PLACE_TYPES:
                        if _VENUE.search(s.text[: m.start - s.start]):
                            events[-1].location = k
                        break
            continue
        agr_type = agreement_type(own_text)
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
        quoted = _quoted(s.text)
        outside = [
            (m, k)
            for m, k in keyed
            if not _inside(m.start - s.start, aside)
            and not (ents[k].type == "Person" and _inside(m.start - s.start, quoted))
        ]
        if any(ents[k].type == "Person" for _m, k in outside) or not quoted:
            keyed = outside  # people quoted in someone's speech were not there
        else:
            keyed = [(m, k) for m, k in keyed if not _inside(m.start - s.start, aside)]
        # location: a place right after a locative preposition
        location = None
        for m, k in keyed:
            prefix = s.text[: m.start - s.start]
            if _ENVOY_TO.search(prefix[-40:]):
                continue  # "Ambassador to South Korea" names a posting, not the venue
            if ents[k].type in _PLACE_TYPES and _VENUE.search(prefix):
                location = k
                break
            after = s.text[m.end - s.start : m.end - s.start + 24]
            if ents[k].type in _PLACE_TYPES and re.match(r"(?:\([^)]{0,20}\))?에(?:서)?", after):
                location = k  # Korean locative particle: "자카르타 시청(Balai Kota)에서"
                break
        if location is None and etype == "Visit":
            # "visited Surabaya", "mengunjungi Busan": the place right after the verb
            for m, k in keyed:
                if ents[k].type in _PLACE_TYPES and re.search(
                    r"(?i)\b(?:visit(?:s|ed|ing)?|mengunjungi|berkunjung ke|tiba di|arrived in)"
                    r"[ \u00a0]+(?:the[ \u00a0]+)?$",
                    s.text[: m.start - s.start],
                ):
                    location = k
                    break
        persons = [k for m, k in keyed if ents[k].type == "Person"]
        places = _locative(keyed, ex.article.text, s)
        actors = [
            k
            for m, k in keyed
            if ents[k].type not in ("Person", "Facility", "Program", "Agreement")
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
        if etype in ("Meeting", "Visit") and not persons and not stand_ins and pair:
            if _BOTH.search(s.text):
                # "kedua gubernur bertemu …": the heads of the article's two regions
                holders = [p.person for p in ex.posts if p.organization in pair]
                persons = list(dict.fromkeys(holders))
                participants = list(persons)
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
                t = nxt.sent.text
                told = _SAID.search(t) or _ANAPHOR.match(t)  # speech, or "Pertemuan itu …"
                if idx > 0 and not told or _EARLIER.search(t):
                    # a dated report of something else, or of an earlier step (a headline
                    # sums up the report below it: any dated sentence will do)
                    continue
                if any(_key(m, key_of) in persons for m in nxt.mentions):
                    date_v = nxt.dates[0].value
                    break
        if date_v is None and events and persons:
            # "Park visited Surabaya on Tuesday. Park met Mayor Eri …": the story goes on
            prev = events[-1]
            near = infos[max(0, idx - 2) : idx]
            if (
                prev.date
                and len(prev.date) == 10
                and set(prev.participants) & set(persons)
                and any(p.sent.start == prev.evidence[-1].start for p in near)
            ):
                date_v = prev.date
        if date_v is None and events and back:
            # "Pada kesempatan kunjungan tersebut …", "The signing ceremony was held in
            # Bali": the event told just before, its date and (if none here) its place
            prev = next((e for e in reversed(events) if e.date), events[-1])
            if prev.date and len(prev.date) >= 7:  # not a year of background ("1992년 …")
                date_v = prev.date
                location = location or prev.location
        elif date_v is None and idx > 0 and back and infos[idx - 1].dates:
            # "… memperbarui nota kesepahaman di Gedung Sate, Kamis. Nota kesepahaman itu
            # ditandatangani oleh …": the sentence before says when
            date_v = infos[idx - 1].dates[0].value
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
                    agr_type = agreement_type(prev.sent.text)
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
            states = (
                parties if agr_type == "SisterCity" else _capitals_as_states(parties, s, ex, lex)
            )
            if states != parties:
                ev.participants = [p for p in ev.participants if p not in parties] + [
                    k for k in states if k not in ev.participants
                ]
                parties = states
            if len({ents[p].country for p in parties} - {None}) == 1 and all(
                ents[p].country for p in parties
            ):
                parties = []  # all on one side: co-attendees, not the two sides of a deal
            if len(parties) >= 2:
                ev.agreement = Agreement(
                    agr_type or "Agreement", parties, [], signatories=list(persons)
                )
                dated = [e for e in events if e.type == "Signing" and e.date and e.agreement]
                if ev.date is None and len(parties) == 2 and dated and not _EARLIER.search(s.text):
                    # several agreements signed at one ceremony: "Hyundai Motor signed two
                    # MOUs …" after "South Korea and Indonesia on Monday signed 10 MOUs"
                    ev.date = dated[-1].date
                    ev.location = ev.location or dated[-1].location
            elif not persons:
                continue  # a signing with neither signatories nor two parties says too little
            elif "Meeting" in types:
                ev.type = "Meeting"  # people of one side at a meeting where others signed
            if "Visit" in types and persons:
                # "수방시 방문단은 김천을 방문해 … 협정을 체결했다": a visit and a signing
                events.append(
                    Event(
                        "Visit",
                        date_v,
                        location,
                        [p for p in ev.participants if ents[p].type == "Person"],
                        evidence=[_evidence(s, "trigger:Visit", conf)],
                    )
                )
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
    # "김천시는 수방시, 성도시와 함께 나나오시와 자매결연을 맺었다": ties listed with no date
    # and no one signing are background, not a signing that happened
    ex.background = [
        ev
        for ev in merged
        if ev.agreement is not None
        and len(ev.agreement.parties) > 2
        and ev.date is None
        and not any(ents[p].type == "Person" for p in ev.participants)
    ]
    merged = [ev for ev in merged if ev not in ex.background]
    ex.events = merged
    # opening of an office: organisation located in the place since the date
    for ev in merged:
        if ev.type == "Opening" and ev.location:
            for p in ev.participants:
                if ents[p].type in ("GovernmentOrganization", "Organization", "Company"):
                    ex.relations.append(
                        Relation("located_in", p, ev.location, ev.date, list(ev.evidence))
                    )


# a sentence that points back at the event just told
_ANAPHOR = Anchored(
    re.compile(
        r"(?i)\b(?:the|this|that)[ \u00a0]+(?:signing[ \u00a0]+)?(?:ceremony|event|occasion|visit|"
        r"meeting|signing)\b|\b(?:acara|kegiatan|kunjungan|pertemuan|penandatanganan|upacara|"
        r"kesempatan|momen)(?:[ \u00a0]+\w+){0,4}?[ \u00a0]+(?:tersebut|itu)\b|"
        r"\b(?:kesempatan|hari|acara)[ \u00a0]+yang[ \u00a0]+sama\b|"
        r"\bon the same (?:day|occasion)\b|"
        r"\b(?:nota[ \u00a0]+kesepahaman|nota[ \u00a0]+kesepakatan|mou|loi|perjanjian|kesepakatan)"
        r"(?:[ \u00a0]+\w+){0,2}?[ \u00a0]+(?:itu|tersebut)\b|"
        r"\bthe (?:agreement|memorandum|deal|mou|loi)\b|"
        r"이날|이 자리|같은 날|당시"
    ),
    "ceremony event occasion visit meeting signing acara kegiatan kunjungan pertemuan "
    "penandatanganan upacara kesempatan momen hari same nota mou loi perjanjian kesepakatan "
    "agreement memorandum deal 이날 자리 날 당시".split(),
)
# "had signed earlier", "yang telah ditandatangani sebelumnya": a signing of the past
_EARLIER = Anchored(
    re.compile(
        r"(?i)\b(?:sebelumnya|terdahulu|pernah|previously|earlier|had signed|had been signed|"
        r"in the past|so far|to date|currently|saat ini|kini|hingga kini)\b|앞서|지난해|이전에|"
        r"현재|지금까지"
    ),
    "sebelumnya terdahulu pernah previously earlier had past far date currently saat kini "
    "앞서 지난해 이전에 현재 지금까지".split(),
)
_SAID = Anchored(
    re.compile(
        r"(?i)\b(?:kata|ujar|ucap|tutur|jelas|ungkap|imbuh|tambah|said|says|told|added|noted)\b|"
        r"(?:라고|며|고)[ \u00a0]+(?:말|밝|설명|강조)"
    ),
    "kata ujar ucap tutur jelas ungkap imbuh tambah said says told added noted 말 밝 설명 "
    "강조".split(),
)
_ASIDE_CUE = Anchored(
    re.compile(
        r"(?i)\b(?:sebelum|setelah|sesudah|usai|seusai|selepas|before|after|prior to|following)"
        r"[ \u00a0]+(?:the[ \u00a0]+|a[ \u00a0]+)?"
    ),
    "sebelum setelah sesudah usai selepas before after prior following".split(),
)


def _asides(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Spans of 'before/after <event>' clauses: up to the next comma, or to the end."""
    out = []
    for m in _ASIDE_CUE.finditer(text):
        # "sebelum bertemu …", "jauh sebelum kedua gubernur bertemu …"
        starts = [m.end()] + [
            m.end() + w.end() for w in re.finditer(r"\w+[ \u00a0]+", text[m.end() : m.end() + 40])
        ][:2]
        triggers = [lex.event_triggers[i][2] for i in lex.event_words.candidates(text)]
        if not any(rx.match(text, p) for p in starts for rx in triggers):
            continue
        stop = re.search(r"[,;]", text[m.end() :])
        end = m.end() + stop.start() if stop else len(text)
        out.append((m.start(), end))
    return out


_QUOTE = re.compile(r"[\"“]([^\"“”]*)(?:[\"”]|$)")


def _quoted(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (an unclosed quote runs to the end)."""
    if '"' not in text and "“" not in text:
        return []
    return [m.span(1) for m in _QUOTE.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


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


def _parties(s: Sentence, keyed: list, ents: dict, ex: Extraction, persons: list[str]) -> list[str]:
    text = ex.article.text
    places = _locative(keyed, text, s)
    cands = [
        k
        for m, k in keyed
        if ents[k].type not in ("Person", "Facility", "Program", "Agreement")
        and m.start not in places
        # "Jakarta's capital relocation project": a possessive modifies, it does not sign
        and not text.startswith(("'s", "’s"), m.end)
    ]
    cands = _without_organs(_most_specific(cands, ents, ex), ents)
    # signatories' organisations
    # "disaksikan Menteri ESDM …", "witnessed by President …": witnesses do not sign
    witnessed = _WITNESS.search(s.text)
    if witnessed:
        cut = s.start + witnessed.start()
        persons = [k for m, k in keyed if ents[k].type == "Person" and m.start < cut]
    post_orgs = []
    for p in persons:
        for post in ex.posts:
            if post.person == p and post.organization and post.organization not in post_orgs:
                post_orgs.append(post.organization)
    post_orgs = _without_organs(post_orgs, ents)
    if len(post_orgs) >= 2 and len({ents[k].country for k in post_orgs}) > 1:
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
    if len(merged) < 2:
        # "South Korea's arms procurement agency signed … with Indonesia's ministry": the
        # state whose unnamed body signed stands in for it
        merged += [
            k
            for m, k in keyed
            if ents[k].type == "Country"
            and text.startswith(("'s", "’s"), m.end)
            and k not in merged
            and ents[k].country not in {ents[o].country for o in merged}
        ]
    return list(dict.fromkeys(merged))


_WITNESS = re.compile(
    r"(?i)\b(?:disaksikan|dihadiri|witnessed by|in the presence of|attended by|didampingi)\b"
)
_LOCAL_GOVERNMENT = re.compile(
    r"(?i)\b(?:pemprov|pemkot|pemerintah (?:provinsi|kota)|gubernur|wali ?kota|governor|mayor|"
    r"metropolitan|city|provincial)\b|시장|도지사|시청|[가-힣]시(?:[와과는은이가의 ]|$)"
)


def _capitals_as_states(parties: list[str], s: Sentence, ex: Extraction, lex: Lexicon) -> list[str]:
    """'Seoul and Jakarta sign KF-21 deal': two capitals, no city government in sight,
    stand for their states."""
    if len(parties) < 2 or not all(p in lex.capitals for p in parties):
        return parties
    if len({lex.capitals[p] for p in parties}) != len(parties) or _LOCAL_GOVERNMENT.search(s.text):
        return parties
    states = [_country(ex, lex, lex.capitals[p]) for p in parties]
    return parties if None in states else [k for k in states if k]


def _without_organs(keys: list[str], ents: dict[str, Entity]) -> list[str]:
    """'수방시의회' beside '수방시', 'Jakarta City Council' beside 'Jakarta': the place
    stands for its own bodies when it comes to who signed."""
    places = [o for o in keys if ents[o].type in ("Province", "City")]
    return [
        k
        for k in keys
        if ents[k].type in ("Country", "Province", "City")
        or not (
            any(o != k and ents[k].name.startswith(ents[o].name) for o in keys)
            # "Dinas Perdagangan Jawa Barat" beside "Jawa Barat"
            or any(re.search(rf"\b{re.escape(ents[o].name)}$", ents[k].name) for o in places)
        )
    ]


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
    if sa == sb:
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
            if (
                o.type == "Meeting"
                and _gathering(o)
                and _gathering(o) == _gathering(ev)
                and not (o.location and ev.location and o.location != ev.location)
            ):
                overlap = {"same gathering"}  # "... also spoke at the symposium"
            if not overlap and o.agreement is None and ev.agreement is None:
                # bodies standing in for unnamed people (a person alone decided above)
                overlap = {
                    p for p in set(o.participants) & set(ev.participants) if p not in persons
                }
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
            # parties standing in for unnamed signatories stay until named people join
            # (see the end of _events): a second mention naming only the parties
            # must not leave the signing with no participant at all
            for p in ev.agreement.signatories:
                if p not in target.agreement.signatories:
                    target.agreement.signatories.append(p)
            if target.agreement.type == "Agreement" and ev.agreement.type != "Agreement":
                target.agreement.type = ev.agreement.type
        target.evidence.extend(ev.evidence)
    return out


_SCOPE_WORD = Anchored(
    re.compile(
        r"\b(?:sektor|bidang|sector|sectors|fields|areas|mencakup|meliputi|covers?|covering|"
        r"including|includes)\b",
        re.I,
    ),
    "sektor bidang sector fields areas mencakup meliputi cover including includes".split(),
)


def _assign_sectors(events: list[Event], infos: list[_SentInfo], lex: Lexicon) -> None:
    with_agr = [e for e in events if e.agreement is not None]
    if not with_agr:
        return

    def sectors_in(text: str) -> list[str]:
        found = []
        for i in lex.sector_words.candidates(text):
            slug, rx = lex.sectors[i]
            m = rx.search(text)
            if m:
                found.append((m.start(), slug))
        return [slug for _, slug in sorted(found)]

    body = [i for i in infos if not i.sent.related]
    scope_word = _SCOPE_WORD
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
