"""Build: turn one article's :class:`~kg.model.Extraction` into its named graph.

The triples follow ``docs/data-model.md``. Statement IRIs are hashes of the statement's
content (article id included), so building the same extraction twice gives the same
graph and re-ingesting an article replaces exactly its statements.

The ingest path (:func:`build_ntriples`) makes the triples as pyoxigraph terms and has
pyoxigraph write them as N-Triples: the terms check IRIs and escape literals, and no
rdflib ``Graph`` is built and serialised for every article (that cost ~5 ms of CPU per
article; this ~0.5 ms). :func:`build_graph` returns the same triples as an rdflib
``Graph`` for ``kg extract --format turtle``, SHACL and tests.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS, XSD

import kg

from .errors import InputError
from .model import Agreement, Event, Evidence, Extraction, Post, Relation
from .vocab import CONCEPT, ENTITY_CLASS, IDKR, OA, ORG, PROV, SCHEMA, WD, bind_prefixes

DEFAULT_BASE = "https://w3id.org/idkr/resource/"

# Characters kept as they are in IRIs built from keys (RFC 3987 iunreserved plus the
# sub-delims, ":" "@" and "/"); anything else in ASCII is percent-encoded. Non-ASCII
# letters such as Hangul are valid IRI characters and stay readable.
_KEY_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&'()*+,;=:@"
)
# In URLs from articles the reserved characters and existing escapes keep their meaning.
_URL_SAFE = _KEY_SAFE | frozenset("?#[]%")

_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"\d{4}-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_QID = re.compile(r"(?:https?://www\.wikidata\.org/(?:entity|wiki)/)?(Q[1-9]\d*)")

RELATION_KINDS = ("cooperation", "located_in", "part_of")


def _escape(text: str, safe: frozenset[str]) -> str:
    out = []
    for ch in text:
        if ch in safe:
            out.append(ch)
        elif ord(ch) > 127 and unicodedata.category(ch)[0] not in "ZC":
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def entity_iri(key: str, base: str = DEFAULT_BASE) -> URIRef:
    """IRI of an entity key ``kind/id``: ``{base}{key}``, unsafe ASCII percent-encoded."""
    kind, _, ident = key.partition("/")
    if not kind or not ident:
        raise ValueError(f"entity key {key!r} is not of the form 'kind/id'")
    return URIRef(base + _escape(key, _KEY_SAFE))


def date_terms(value: str) -> tuple[Literal, Literal | None]:
    """Typed start (and end, for a range ``A/B``) of an ISO date, possibly partial."""
    start, end = date_values(value)
    return Literal(start[0], datatype=start[1]), (
        Literal(end[0], datatype=end[1]) if end is not None else None
    )


def date_values(value: str) -> tuple[tuple[str, URIRef], tuple[str, URIRef] | None]:
    """:func:`date_terms` as (lexical form, datatype) pairs, without making rdflib
    literals (which parse the value again: ~0.1 ms each)."""
    start, sep, end = value.partition("/")
    return _date_value(start), (_date_value(end) if sep else None)


def _date_value(value: str) -> tuple[str, URIRef]:
    value = value.strip()
    try:
        if _DAY.fullmatch(value):
            date.fromisoformat(value)
            return value, XSD.date
        month = _YEAR_MONTH.fullmatch(value)
        if month and 1 <= int(month.group(1)) <= 12:
            return value, XSD.gYearMonth
        if _YEAR.fullmatch(value):
            return value, XSD.gYear
    except ValueError:
        pass
    raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD (or a range A/B)")


# One encoder for every statement IRI: json.dumps with these options would build a new
# encoder on every call. The text it makes (and so every hash) is the same.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest(*parts: object) -> str:
    canonical = _CANONICAL.encode(parts)
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def _evidence_key(evidence: Sequence[Evidence]) -> list[list[object]]:
    return sorted([e.start, e.end, e.rule] for e in evidence)


# --- pyoxigraph terms -------------------------------------------------------------------------


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


A = _n(RDF.type)
LABEL, ALT_LABEL, SAME_AS = _n(RDFS.label), _n(SKOS.altLabel), _n(OWL.sameAs)
X_DATE, X_YEAR_MONTH, X_YEAR = _n(XSD.date), _n(XSD.gYearMonth), _n(XSD.gYear)
X_DECIMAL, X_INTEGER = _n(XSD.decimal), _n(XSD.integer)
S_NEWS_ARTICLE, S_EVENT = _n(SCHEMA.NewsArticle), _n(SCHEMA.Event)
S_HEADLINE, S_DATE_PUBLISHED, S_AUTHOR = (
    _n(SCHEMA.headline),
    _n(SCHEMA.datePublished),
    _n(SCHEMA.author),
)
S_PUBLISHER, S_URL, S_IN_LANGUAGE, S_TEXT = (
    _n(SCHEMA.publisher),
    _n(SCHEMA.url),
    _n(SCHEMA.inLanguage),
    _n(SCHEMA.text),
)
S_MENTIONS, S_START, S_END = _n(SCHEMA.mentions), _n(SCHEMA.startDate), _n(SCHEMA.endDate)
S_LOCATION, S_ATTENDEE = _n(SCHEMA.location), _n(SCHEMA.attendee)
S_PARENT_ORG = _n(SCHEMA.parentOrganization)
P_DERIVED, P_GENERATED = _n(PROV.wasDerivedFrom), _n(PROV.wasGeneratedBy)
OA_ANNOTATION, OA_TARGET, OA_SPECIFIC = (
    _n(OA.Annotation),
    _n(OA.hasTarget),
    _n(OA.SpecificResource),
)
OA_SOURCE, OA_SELECTOR, OA_QUOTE_SELECTOR = (
    _n(OA.hasSource),
    _n(OA.hasSelector),
    _n(OA.TextQuoteSelector),
)
OA_EXACT, OA_POSITION_SELECTOR, OA_START, OA_END = (
    _n(OA.exact),
    _n(OA.TextPositionSelector),
    _n(OA.start),
    _n(OA.end),
)
O_POST, O_ROLE, O_POST_IN, O_HOLDS = _n(ORG.Post), _n(ORG.role), _n(ORG.postIn), _n(ORG.holds)
O_MEMBERSHIP, O_MEMBER, O_ORGANIZATION = (
    _n(ORG.Membership),
    _n(ORG.member),
    _n(ORG.organization),
)
I_SOURCE_FILE, I_ENTITY_TYPE, I_COUNTRY = (
    _n(IDKR.sourceFile),
    _n(IDKR.entityType),
    _n(IDKR.country),
)
I_CONFIDENCE, I_RULE, I_EVIDENCE = _n(IDKR.confidence), _n(IDKR.rule), _n(IDKR.evidence)
I_ROLE_MODIFIER, I_ROLE_LABEL, I_OBSERVED_ON, I_POST = (
    _n(IDKR.roleModifier),
    _n(IDKR.roleLabel),
    _n(IDKR.observedOn),
    _n(IDKR.post),
)
I_EVENT_TYPE, I_AGREEMENT_CLASS, I_AGREEMENT, I_AGREEMENT_TYPE = (
    _n(IDKR.eventType),
    _n(IDKR.Agreement),
    _n(IDKR.agreement),
    _n(IDKR.agreementType),
)
I_PARTY, I_SIGNATORY, I_SECTOR, I_SIGNED_AT = (
    _n(IDKR.party),
    _n(IDKR.signatory),
    _n(IDKR.sector),
    _n(IDKR.signedAt),
)
I_COOPERATION_LINK, I_PARTNER, I_COOPERATES_WITH = (
    _n(IDKR.CooperationLink),
    _n(IDKR.partner),
    _n(IDKR.cooperatesWith),
)
I_PRESENCE, I_AFFILIATION, I_ORGANIZATION, I_PARENT = (
    _n(IDKR.Presence),
    _n(IDKR.Affiliation),
    _n(IDKR.organization),
    _n(IDKR.parent),
)
_CLASS = {kind: _n(cls) for kind, cls in ENTITY_CLASS.items()}
_ACTING = ox.Literal("acting")


@lru_cache(maxsize=1 << 16)
def _entity(key: str, base: str) -> ox.NamedNode:
    return ox.NamedNode(str(entity_iri(key, base)))


@lru_cache(maxsize=4096)
def _concept(path: str) -> ox.NamedNode:
    return ox.NamedNode(str(CONCEPT) + path)


@lru_cache(maxsize=4096)
def _type_literal(text: str) -> ox.Literal:
    return ox.Literal(text)


@lru_cache(maxsize=4096)
def _dates(value: str) -> tuple[ox.Literal, ox.Literal | None]:
    """:func:`date_terms` as pyoxigraph literals (same checks, same lexical forms)."""
    start, end = date_terms(value)
    return _ox_literal(start), (_ox_literal(end) if end is not None else None)


def _ox_literal(lit: Literal) -> ox.Literal:
    return ox.Literal(str(lit), datatype=ox.NamedNode(str(lit.datatype)))


@lru_cache(maxsize=1024)
def _confidence(best: float) -> ox.Literal:
    return ox.Literal(str(Decimal(str(round(best, 3)))), datatype=X_DECIMAL)


@lru_cache(maxsize=1 << 14)
def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=X_INTEGER)


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def _url_node(url: str, source: str) -> ox.NamedNode:
    """The article's address as an IRI; a URL that is not one makes the article fail.

    Beyond :func:`_escape`, a "%" that starts no escape and brackets outside the host
    (``?tag[]=x``) are percent-encoded, as browsers do: IRIs allow neither."""
    iri = _LONE_PERCENT.sub("%25", _escape(url, _URL_SAFE))
    host = _AUTHORITY.match(iri)
    cut = host.end() if host else 0
    iri = iri[:cut] + iri[cut:].replace("[", "%5B").replace("]", "%5D")
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise InputError(
            source, f"url {url!r} is not an absolute URL ({exc}); correct it or leave it out"
        ) from None


# --- the article's triples --------------------------------------------------------------------


class GraphFacts(NamedTuple):
    """What one article graph tells the consolidation: the rows each query of
    :func:`kg.consolidate.read_snapshot` would get from this graph alone (values as the
    store gives them back: IRIs, blank node ids and literals' lexical forms; None for an
    OPTIONAL left unbound). Made by :func:`graph_facts` from the graph's triples, so an
    ingest hands the consolidation the graphs it wrote instead of having them read back
    (reading a quad back from the store costs ~20 µs: it decodes every value)."""

    graph: str
    articles: tuple[str, ...]  # ?g prov:wasDerivedFrom ?art
    labelled: tuple[tuple[str, str, str | None], ...]  # entity, entityType, label
    aliases: tuple[tuple[str, str], ...]  # entity, skos:altLabel
    countries: tuple[tuple[str, str], ...]  # entity, idkr:country
    published: tuple[tuple[str, str | None, str | None], ...]  # article, publisher, date
    events: tuple[tuple[str, str, str, str | None, str | None, str | None], ...]
    attendees: tuple[tuple[str, str], ...]  # event, attendee
    event_evidence: tuple[tuple[str, str], ...]
    agreements: tuple[tuple[str, str, str, str | None], ...]  # event, agreement, type, conf
    agreement_values: tuple[tuple[str, str, str], ...]  # agreement, property, value
    memberships: tuple[tuple[str | None, ...], ...]
    membership_evidence: tuple[tuple[str, str], ...]


class ArticleGraph(NamedTuple):
    """One article's named graph as N-Triples (what the ingest path stores)."""

    iri: str
    ntriples: bytes
    triples: int
    facts: GraphFacts | None = None  # with build_ntriples(..., facts=True)


def build_ntriples(
    extraction: Extraction,
    base: str = DEFAULT_BASE,
    version: str = kg.__version__,
    facts: bool = False,
) -> ArticleGraph:
    """The article's named graph as N-Triples bytes (UTF-8), each triple once; with
    ``facts``, also what the consolidation reads from it (:func:`graph_facts`).

    Raises ``ValueError`` for a statement the data model does not allow (unknown entity
    type, malformed date) and :class:`~kg.errors.InputError` for an article whose own
    data cannot be RDF (a URL that is not an absolute IRI, text that is not Unicode).
    """
    builder = _Builder(extraction, base, version)
    triples = builder.triples
    return ArticleGraph(
        builder.graph_iri,
        _ntriples(triples),
        len(triples),
        graph_facts(builder.graph_iri, triples) if facts else None,
    )


# The predicates' N-Triples (the few dozen constants above), made once per process.
_PREDICATE_TEXT: dict[ox.NamedNode, str] = {}


def _ntriples(triples: list[tuple[ox.NamedNode, ox.NamedNode, Term]]) -> bytes:
    """``triples`` as N-Triples, byte for byte what ``ox.serialize`` writes: a pyoxigraph
    term's ``str`` is its N-Triples form (IRIs checked when the term was made, literals
    escaped by pyoxigraph). Each term is written once per graph, and no ``ox.Triple`` is
    made (that and the serialiser took twice the CPU of this)."""
    text: dict[Term, str] = {}
    get, predicate = text.get, _PREDICATE_TEXT.get
    lines = []
    add = lines.append
    for s, p, o in triples:
        a = get(s)
        if a is None:
            a = text[s] = str(s)
        b = predicate(p)
        if b is None:
            b = _PREDICATE_TEXT[p] = str(p)
        c = get(o)
        if c is None:
            c = text[o] = str(o)
        add(f"{a} {b} {c} .\n")
    return "".join(lines).encode("utf-8")


_RDF_TYPE = A
_PUBLISHER, _DATE_PUBLISHED = S_PUBLISHER, S_DATE_PUBLISHED
_ROLE_MODIFIER, _OBSERVED = I_ROLE_MODIFIER, I_OBSERVED_ON
_AGREEMENT_VALUES = (I_PARTY, I_SIGNATORY, I_SECTOR)
_NONE: tuple[None] = (None,)
# the predicates the consolidation's queries name (the rest of a graph is passed over)
_FACT_PREDICATES = frozenset(
    {
        P_DERIVED,
        _RDF_TYPE,
        I_ENTITY_TYPE,
        LABEL,
        ALT_LABEL,
        I_COUNTRY,
        I_EVENT_TYPE,
        S_START,
        S_LOCATION,
        I_CONFIDENCE,
        S_ATTENDEE,
        I_EVIDENCE,
        I_AGREEMENT,
        I_AGREEMENT_TYPE,
        *_AGREEMENT_VALUES,
        O_MEMBER,
        O_ORGANIZATION,
        I_POST,
        O_ROLE,
        _ROLE_MODIFIER,
        _OBSERVED,
        _PUBLISHER,
        _DATE_PUBLISHED,
    }
)


def graph_facts(graph: str, triples: Iterable[tuple[Term, Term, Term]]) -> GraphFacts | None:
    """The rows of the consolidation's queries (:func:`kg.consolidate.read_snapshot`)
    matched in one named graph ``graph`` holding ``triples`` (pyoxigraph terms), or None
    if it is not an article graph (no ``<graph> prov:wasDerivedFrom ?article``).

    Each query's rows are distinct within the graph, compared as RDF terms (as SPARQL's
    DISTINCT does), and given as values (as ``KGStore.select_values`` does).
    """
    about: dict[Term, dict[Term, list[Term]]] = {}
    wanted = _FACT_PREDICATES
    for s, p, o in triples:
        if p not in wanted:
            continue
        preds = about.get(s)
        if preds is None:
            preds = about[s] = {}
        objs = preds.get(p)
        if objs is None:
            preds[p] = [o]
        elif o not in objs:
            objs.append(o)
    arts = about.get(ox.NamedNode(graph), {}).get(P_DERIVED)
    if not arts:
        return None
    art_values = tuple(a.value for a in arts)

    def values(terms: Iterable[Term | None]) -> tuple[str | None, ...]:
        return tuple(None if t is None else t.value for t in terms)

    labelled, aliases, countries = [], [], []
    events, attendees, event_evidence = [], [], []
    agreements, agreement_values = [], []
    memberships, membership_evidence = [], []
    for s, preds in about.items():
        sv = s.value
        kinds = preds.get(_RDF_TYPE, ())
        types = preds.get(I_ENTITY_TYPE)
        if types:
            for t in types:
                for label in preds.get(LABEL) or _NONE:
                    labelled.append(values((s, t, label)))
            aliases.extend((sv, alt.value) for alt in preds.get(ALT_LABEL, ()))
            countries.extend((sv, c.value) for c in preds.get(I_COUNTRY, ()))
        if S_EVENT in kinds and I_EVENT_TYPE in preds:
            for art in arts:
                for t in preds[I_EVENT_TYPE]:
                    for d in preds.get(S_START) or _NONE:
                        for loc in preds.get(S_LOCATION) or _NONE:
                            for conf in preds.get(I_CONFIDENCE) or _NONE:
                                events.append(values((art, s, t, d, loc, conf)))
        if S_EVENT in kinds:
            attendees.extend((sv, p.value) for p in preds.get(S_ATTENDEE, ()))
            event_evidence.extend((sv, x.value) for x in preds.get(I_EVIDENCE, ()))
            for a in preds.get(I_AGREEMENT, ()):
                about_a = about.get(a, {})
                for t in about_a.get(I_AGREEMENT_TYPE, ()):
                    for conf in about_a.get(I_CONFIDENCE) or _NONE:
                        agreements.append(values((s, a, t, conf)))
        for a in preds.get(I_AGREEMENT, ()):  # (any subject: the query does not type ?ev)
            about_a = about.get(a, {})
            for prop in _AGREEMENT_VALUES:
                for v in about_a.get(prop, ()):
                    agreement_values.append((a.value, prop.value, v.value))
        if O_MEMBERSHIP in kinds:
            membership_evidence.extend((sv, x.value) for x in preds.get(I_EVIDENCE, ()))
            for art in arts:
                for person in preds.get(O_MEMBER, ()):
                    for org in preds.get(O_ORGANIZATION, ()):
                        for post in preds.get(I_POST, ()):
                            for role in preds.get(O_ROLE) or _NONE:
                                for mod in preds.get(_ROLE_MODIFIER) or _NONE:
                                    for obs in preds.get(_OBSERVED) or _NONE:
                                        for conf in preds.get(I_CONFIDENCE) or _NONE:
                                            memberships.append(
                                                values(
                                                    (art, s, person, org, post)
                                                    + (role, mod, obs, conf)
                                                )
                                            )
    published = []
    for art in arts:
        about_art = about.get(art, {})
        for pub in about_art.get(_PUBLISHER) or _NONE:
            for d in about_art.get(_DATE_PUBLISHED) or _NONE:
                published.append(values((art, pub, d)))
    return GraphFacts(
        graph,
        art_values,
        tuple(labelled),
        tuple(dict.fromkeys(aliases)),
        tuple(dict.fromkeys(countries)),
        tuple(published),
        tuple(events),
        tuple(dict.fromkeys(attendees)),
        tuple(dict.fromkeys(event_evidence)),
        tuple(agreements),
        tuple(dict.fromkeys(agreement_values)),
        tuple(memberships),
        tuple(dict.fromkeys(membership_evidence)),
    )


def build_graph(
    extraction: Extraction, base: str = DEFAULT_BASE, version: str = kg.__version__
) -> Graph:
    """Return the article's named graph (identifier ``{base}graph/{article id}``) as an
    rdflib Graph with the project's prefixes bound; the triples of :func:`build_ntriples`."""
    builder = _Builder(extraction, base, version)
    graph = bind_prefixes(Graph(identifier=URIRef(builder.graph_iri)), base)
    add = graph.add
    for s, p, o in builder.triples:
        add((URIRef(s.value), URIRef(p.value), _rdflib_object(o)))
    return graph


def _rdflib_object(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


Term = ox.NamedNode | ox.Literal


class _Builder:
    """Collects one article's triples as pyoxigraph terms, each triple once, in order."""

    def __init__(self, extraction: Extraction, base: str, version: str) -> None:
        art = extraction.article
        self.extraction = extraction
        self.base = base
        self.article_id = art.identity
        self.graph_iri = f"{base}graph/{self.article_id}"
        self.article = ox.NamedNode(f"{base}article/{self.article_id}")
        self.extractor = ox.NamedNode(f"{base}extractor/idkr-kg-{version}")
        self._triples: dict[tuple[ox.NamedNode, ox.NamedNode, Term], None] = {}
        self._evidence: dict[tuple[int, int, str], ox.NamedNode] = {}
        self._names: dict[str, str] = {}
        # Every literal is the article's metadata or comes from its text. A JSON "\ud800"
        # escape can leave an unpaired surrogate there, which is not Unicode text and
        # cannot be RDF: the article fails with a message instead of a deep ValueError.
        for value in (art.text, art.headline, art.author, art.outlet, art.lang, art.url):
            try:
                (value or "").encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(
                    art.source, "text is not valid Unicode (an unpaired surrogate)"
                ) from None
        self._article()
        self._entities()
        for post in extraction.posts:
            self._post(post)
        for event in extraction.events:
            self._event(event)
        for relation in extraction.relations:
            self._relation(relation)

    @property
    def triples(self) -> list[tuple[ox.NamedNode, ox.NamedNode, Term]]:
        return list(self._triples)

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: Term) -> None:
        self._triples[(s, p, o)] = None

    def entity(self, key: str) -> ox.NamedNode:
        return _entity(key, self.base)

    def node(self, kind: str, *content: object) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}{kind}/{_digest(kind, self.article_id, *content)}")

    def name(self, key: str) -> str:
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self.extraction.name(key) or key
        return name

    def _article(self) -> None:
        add, a, art = self.add, self.article, self.extraction.article
        add(a, A, S_NEWS_ARTICLE)
        if art.headline:
            add(a, S_HEADLINE, ox.Literal(art.headline))
        if art.published:
            add(a, S_DATE_PUBLISHED, _dates(art.published)[0])
        if art.author:
            add(a, S_AUTHOR, ox.Literal(art.author))
        if art.outlet:
            add(a, S_PUBLISHER, ox.Literal(art.outlet))
        if art.url:
            add(a, S_URL, _url_node(art.url, art.source))
        if art.lang:
            add(a, S_IN_LANGUAGE, ox.Literal(art.lang))
        add(a, S_TEXT, ox.Literal(art.text))
        add(a, I_SOURCE_FILE, ox.Literal(art.source))
        add(ox.NamedNode(self.graph_iri), P_DERIVED, a)

    def _entities(self) -> None:
        add = self.add
        for key, ent in self.extraction.entities.items():
            try:
                cls = _CLASS[ent.type]
            except KeyError:
                allowed = ", ".join(ENTITY_CLASS)
                raise ValueError(
                    f"entity {key!r} has type {ent.type!r}; allowed: {allowed}"
                ) from None
            node = self.entity(key)
            add(node, A, cls)
            add(node, LABEL, ox.Literal(ent.name))
            for alias in ent.aliases:
                if alias != ent.name:
                    add(node, ALT_LABEL, ox.Literal(alias))
            add(node, I_ENTITY_TYPE, _type_literal(ent.type))
            if ent.country and key != f"country/{ent.country}":
                add(node, I_COUNTRY, self.entity(f"country/{ent.country}"))
            if ent.wikidata:
                qid = _QID.fullmatch(ent.wikidata.strip())
                if qid is None:
                    raise ValueError(f"entity {key!r}: wikidata {ent.wikidata!r} is not a Q-id")
                add(node, SAME_AS, _n(WD[qid.group(1)]))
            add(self.article, S_MENTIONS, node)

    def _provenance(self, node: ox.NamedNode, evidence: Sequence[Evidence]) -> None:
        """Source, extractor, confidence (the best evidence's), rules and evidence of ``node``."""
        add = self.add
        add(node, P_DERIVED, self.article)
        add(node, P_GENERATED, self.extractor)
        if not evidence:
            return  # nothing to cite; SHACL reports the missing confidence and evidence
        add(node, I_CONFIDENCE, _confidence(max(e.confidence for e in evidence)))
        for ev in evidence:
            add(node, I_RULE, _type_literal(ev.rule))
            add(node, I_EVIDENCE, self._evidence_node(ev))

    def _evidence_node(self, ev: Evidence) -> ox.NamedNode:
        """The annotation citing ``ev``'s sentence (made once per article and span)."""
        key = (ev.start, ev.end, ev.text)
        node = self._evidence.get(key)
        if node is not None:
            return node
        node = self._evidence[key] = self.node("evidence", ev.start, ev.end, ev.text)
        iri = node.value
        target, quote, position = (
            ox.NamedNode(f"{iri}#{part}") for part in ("target", "quote", "position")
        )
        add = self.add
        add(node, A, OA_ANNOTATION)
        add(node, OA_TARGET, target)
        add(target, A, OA_SPECIFIC)
        add(target, OA_SOURCE, self.article)
        add(target, OA_SELECTOR, quote)
        add(target, OA_SELECTOR, position)
        add(quote, A, OA_QUOTE_SELECTOR)
        add(quote, OA_EXACT, ox.Literal(ev.text))
        add(position, A, OA_POSITION_SELECTOR)
        # xsd:integer (with sh:minInclusive 0 in the shapes): Oxigraph stores derived integer
        # types such as xsd:nonNegativeInteger as xsd:integer, so the round trip would differ
        add(position, OA_START, _integer(ev.start))
        add(position, OA_END, _integer(ev.end))
        return node

    def _post(self, post: Post) -> None:
        # A post is a role *in* an organisation; without one there is no org:Post to hold
        # and an org:Membership would be incomplete, so the statement is left out.
        if post.organization is None:
            return
        add = self.add
        org, person = self.entity(post.organization), self.entity(post.person)
        role = _concept(f"role/{_escape(post.role_key, _KEY_SAFE)}")
        post_key = f"post/{post.organization}/{post.role_key}"
        # An acting official (Pj., Plt., 권한대행) holds a post of their own: the acting
        # governor is not the governor, and the two can be in office side by side.
        if post.modifier == "acting":
            post_key += "/acting"
        post_node = ox.NamedNode(self.base + _escape(post_key, _KEY_SAFE))
        add(post_node, A, O_POST)
        add(post_node, O_ROLE, role)
        add(post_node, O_POST_IN, org)
        add(post_node, LABEL, ox.Literal(self._post_label(post)))
        if post.modifier == "acting":
            add(post_node, I_ROLE_MODIFIER, _ACTING)
        if post.modifier != "former":  # org:holds says the person holds the post now
            add(person, O_HOLDS, post_node)

        node = self.node(
            "membership",
            post.person,
            post.organization,
            post.role_key,
            post.role,
            post.modifier,
            _evidence_key(post.evidence),
        )
        add(node, A, O_MEMBERSHIP)
        add(node, O_MEMBER, person)
        add(node, O_ORGANIZATION, org)
        add(node, O_ROLE, role)
        add(node, I_ROLE_LABEL, _type_literal(post.role))
        if post.modifier:
            add(node, I_ROLE_MODIFIER, _type_literal(post.modifier))
        published = self.extraction.article.published
        if published and _DAY.fullmatch(published):
            add(node, I_OBSERVED_ON, _dates(published)[0])
        add(node, I_POST, post_node)
        self._provenance(node, post.evidence)

    def _post_label(self, post: Post) -> str:
        org = self.name(post.organization or "")
        lang = self.extraction.article.lang
        acting = post.modifier == "acting"
        if lang == "ko":
            return f"{org} {post.role}" + (" 권한대행" if acting else "")
        if lang == "en":
            return ("Acting " if acting else "") + f"{post.role} of {org}"
        return ("Pj. " if acting else "") + f"{post.role} {org}"

    def _event(self, event: Event) -> None:
        add = self.add
        node = self.node(
            "event",
            event.type,
            event.date,
            event.location,
            sorted(event.participants),
            _agreement_key(event.agreement),
            _evidence_key(event.evidence),
        )
        add(node, A, S_EVENT)
        add(node, I_EVENT_TYPE, _concept(f"event-type/{event.type}"))
        names = ", ".join(self.name(k) for k in event.participants)
        label = f"{event.type}: {names}" if names else event.type
        if event.date:
            label += f" ({event.date})"
        add(node, LABEL, ox.Literal(label))
        if event.date:
            start, end = _dates(event.date)
            add(node, S_START, start)
            if end is not None:
                add(node, S_END, end)
        if event.location:
            add(node, S_LOCATION, self.entity(event.location))
        for key in event.participants:
            add(node, S_ATTENDEE, self.entity(key))
        self._provenance(node, event.evidence)
        if event.agreement is not None:
            self._agreement(event, node, event.agreement)

    def _agreement(self, event: Event, event_node: ox.NamedNode, agr: Agreement) -> None:
        """The agreement of an event; it shares the event's evidence."""
        add = self.add
        node = self.node("agreement", event_node.value, _agreement_key(agr))
        add(node, A, I_AGREEMENT_CLASS)
        add(node, I_AGREEMENT_TYPE, _concept(f"agreement-type/{agr.type}"))
        parties = " – ".join(self.name(k) for k in agr.parties)
        add(node, LABEL, ox.Literal(f"{agr.type}: {parties}" if parties else agr.type))
        for key in agr.parties:
            add(node, I_PARTY, self.entity(key))
        for key in agr.signatories:
            add(node, I_SIGNATORY, self.entity(key))
        for slug in agr.sectors:
            add(node, I_SECTOR, _concept(f"sector/{_escape(slug, _KEY_SAFE)}"))
        add(event_node, I_AGREEMENT, node)
        # Only a signing says the agreement was signed there; a meeting may merely discuss it.
        if event.type == "Signing":
            add(node, I_SIGNED_AT, event_node)
        self._provenance(node, event.evidence)

    def _relation(self, rel: Relation) -> None:
        if rel.kind not in RELATION_KINDS:
            raise ValueError(f"relation kind {rel.kind!r} is unknown; allowed: {RELATION_KINDS}")
        add = self.add
        subj, obj = self.entity(rel.subject), self.entity(rel.object)
        # Cooperation is symmetric: the same link whichever partner came first.
        ends = [rel.subject, rel.object]
        if rel.kind == "cooperation":
            ends.sort()
        node = self.node("relation", rel.kind, ends, rel.since, _evidence_key(rel.evidence))
        if rel.kind == "cooperation":
            add(node, A, I_COOPERATION_LINK)
            add(node, I_PARTNER, subj)
            add(node, I_PARTNER, obj)
            add(subj, I_COOPERATES_WITH, obj)
            add(obj, I_COOPERATES_WITH, subj)
        elif rel.kind == "located_in":
            add(node, A, I_PRESENCE)
            add(node, I_ORGANIZATION, subj)
            add(node, S_LOCATION, obj)
            add(subj, S_LOCATION, obj)
        else:
            add(node, A, I_AFFILIATION)
            add(node, I_ORGANIZATION, subj)
            add(node, I_PARENT, obj)
            add(subj, S_PARENT_ORG, obj)
        if rel.since:
            start, end = _dates(rel.since)
            add(node, S_START, start)
            if end is not None:
                add(node, S_END, end)
        self._provenance(node, rel.evidence)


def _agreement_key(agreement: Agreement | None) -> dict[str, object] | None:
    if agreement is None:
        return None
    return {
        "type": agreement.type,
        "parties": sorted(agreement.parties),
        "sectors": sorted(agreement.sectors),
        "signatories": sorted(agreement.signatories),
    }
