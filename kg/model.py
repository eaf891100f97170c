"""Small dataclasses passed between the pipeline stages.

read → :class:`Article`; extract → :class:`Extraction`; build turns an extraction into
RDF. Character offsets always refer to ``Article.text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

ENTITY_TYPES = (
    "Person",
    "Country",
    "Province",
    "City",
    "Ministry",
    "GovernmentOrganization",
    "Organization",
    "Company",
    "Facility",
    "Program",
    "Agreement",
)
EVENT_TYPES = ("Signing", "Meeting", "Visit", "Opening", "Announcement", "Other")
AGREEMENT_TYPES = ("LoI", "MoU", "Agreement", "SisterCity", "JointDeclaration", "Other")


@dataclass
class Article:
    """One news article as read from a file; ``text`` is what offsets point into."""

    text: str
    source: str  # file path (and line for JSONL) it came from
    url: str | None = None
    headline: str | None = None
    published: str | None = None  # ISO date, possibly partial (YYYY or YYYY-MM)
    published_time: str | None = None  # full ISO datetime when known
    outlet: str | None = None
    author: str | None = None
    lang: str | None = None

    @property
    def identity(self) -> str:
        """Stable id: from the URL when known, else from the text."""
        basis = self.url or self.text
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Evidence:
    """Where a statement was read: sentence span and the rule that produced it."""

    start: int
    end: int
    text: str
    rule: str
    confidence: float


@dataclass
class Entity:
    key: str  # stable within the whole graph: gazetteer id or type + slug
    name: str
    type: str
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    wikidata: str | None = None
    gazetteer: bool = False
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Post:
    person: str  # entity key
    role: str  # surface form as written (e.g. "Gubernur")
    role_key: str  # lexicon role id (e.g. "governor")
    role_en: str
    organization: str | None  # entity key
    modifier: str | None = None  # acting / former
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Agreement:
    type: str
    parties: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)


@dataclass
class Event:
    type: str
    date: str | None = None
    location: str | None = None
    participants: list[str] = field(default_factory=list)
    agreement: Agreement | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Relation:
    """A binary statement between two entities: cooperation, located-in, part-of."""

    kind: str  # "cooperation" | "located_in" | "part_of"
    subject: str
    object: str
    since: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Extraction:
    article: Article
    entities: dict[str, Entity] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    # agreements stated as background (a list of partners, no date, no signatory): they
    # give cooperation links but are not reported as events
    background: list[Event] = field(default_factory=list)

    def name(self, key: str | None) -> str | None:
        if key is None:
            return None
        ent = self.entities.get(key)
        return ent.name if ent else None

    def to_json(self) -> dict:
        """The gold-schema JSON (see the dev-corpus README); a stable contract."""
        a = self.article
        ents = []
        for e in self.entities.values():
            ents.append(
                {
                    "name": e.name,
                    "type": e.type,
                    "aliases": [x for x in e.aliases if x != e.name],
                    "country": e.country,
                }
            )
        posts = [
            {
                "person": self.name(p.person),
                "role": p.role,
                "role_en": p.role_en,
                "organization": self.name(p.organization),
            }
            for p in self.posts
        ]
        events = []
        for ev in self.events:
            item: dict = {
                "type": ev.type,
                "date": ev.date,
                "location": self.name(ev.location),
                "participants": [self.name(k) for k in ev.participants],
            }
            if ev.agreement is not None:
                item["agreement"] = {
                    "type": ev.agreement.type,
                    "parties": [self.name(k) for k in ev.agreement.parties],
                    "sectors": list(ev.agreement.sectors),
                }
            events.append(item)
        coop = [
            [self.name(r.subject), self.name(r.object)]
            for r in self.relations
            if r.kind == "cooperation"
        ]
        return {
            "id": a.identity,
            "url": a.url,
            "source": a.outlet,
            "lang": a.lang,
            "published": a.published,
            "headline": a.headline,
            "entities": ents,
            "posts": posts,
            "events": events,
            "cooperation": coop,
        }
