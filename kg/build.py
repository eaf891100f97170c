"""Build: turn one article's :class:`~kg.model.Extraction` into its named graph.

The triples follow ``docs/data-model.md``. Statement IRIs are hashes of the statement's
content (article id included), so building the same extraction twice gives the same
graph and re-ingesting an article replaces exactly its statements.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS, XSD

import kg

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
    start, sep, end = value.partition("/")
    return _date_literal(start), (_date_literal(end) if sep else None)


def _date_literal(value: str) -> Literal:
    value = value.strip()
    try:
        if _DAY.fullmatch(value):
            date.fromisoformat(value)
            return Literal(value, datatype=XSD.date)
        month = _YEAR_MONTH.fullmatch(value)
        if month and 1 <= int(month.group(1)) <= 12:
            return Literal(value, datatype=XSD.gYearMonth)
        if _YEAR.fullmatch(value):
            return Literal(value, datatype=XSD.gYear)
    except ValueError:
        pass
    raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD (or a range A/B)")


def _digest(*parts: object) -> str:
    canonical = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def _evidence_key(evidence: Sequence[Evidence]) -> list[list[object]]:
    return sorted([e.start, e.end, e.rule] for e in evidence)


@dataclass(frozen=True)
class _Context:
    """What every statement of one article needs: the graph, IRIs and the article id."""

    graph: Graph
    extraction: Extraction
    base: str
    article: URIRef
    article_id: str
    extractor: URIRef

    def entity(self, key: str) -> URIRef:
        return entity_iri(key, self.base)

    def node(self, kind: str, *content: object) -> URIRef:
        return URIRef(f"{self.base}{kind}/{_digest(kind, self.article_id, *content)}")

    def name(self, key: str) -> str:
        return self.extraction.name(key) or key


def build_graph(
    extraction: Extraction, base: str = DEFAULT_BASE, version: str = kg.__version__
) -> Graph:
    """Return the article's named graph (identifier ``{base}graph/{article id}``)."""
    art = extraction.article
    art_id = art.identity
    graph = bind_prefixes(Graph(identifier=URIRef(f"{base}graph/{art_id}")), base)
    ctx = _Context(
        graph=graph,
        extraction=extraction,
        base=base,
        article=URIRef(f"{base}article/{art_id}"),
        article_id=art_id,
        extractor=URIRef(f"{base}extractor/idkr-kg-{version}"),
    )
    _add_article(ctx)
    _add_entities(ctx)
    for post in extraction.posts:
        _add_post(ctx, post)
    for event in extraction.events:
        _add_event(ctx, event)
    for relation in extraction.relations:
        _add_relation(ctx, relation)
    return graph


def _add_article(ctx: _Context) -> None:
    g, a, art = ctx.graph, ctx.article, ctx.extraction.article
    g.add((a, RDF.type, SCHEMA.NewsArticle))
    if art.headline:
        g.add((a, SCHEMA.headline, Literal(art.headline)))
    if art.published:
        g.add((a, SCHEMA.datePublished, date_terms(art.published)[0]))
    if art.author:
        g.add((a, SCHEMA.author, Literal(art.author)))
    if art.outlet:
        g.add((a, SCHEMA.publisher, Literal(art.outlet)))
    if art.url:
        g.add((a, SCHEMA.url, URIRef(_escape(art.url, _URL_SAFE))))
    if art.lang:
        g.add((a, SCHEMA.inLanguage, Literal(art.lang)))
    g.add((a, SCHEMA.text, Literal(art.text)))
    g.add((a, IDKR.sourceFile, Literal(art.source)))
    g.add((g.identifier, PROV.wasDerivedFrom, a))


def _add_entities(ctx: _Context) -> None:
    g = ctx.graph
    for key, ent in ctx.extraction.entities.items():
        try:
            cls = ENTITY_CLASS[ent.type]
        except KeyError:
            allowed = ", ".join(ENTITY_CLASS)
            raise ValueError(f"entity {key!r} has type {ent.type!r}; allowed: {allowed}") from None
        node = ctx.entity(key)
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(ent.name)))
        for alias in ent.aliases:
            if alias != ent.name:
                g.add((node, SKOS.altLabel, Literal(alias)))
        g.add((node, IDKR.entityType, Literal(ent.type)))
        if ent.country and key != f"country/{ent.country}":
            g.add((node, IDKR.country, ctx.entity(f"country/{ent.country}")))
        if ent.wikidata:
            qid = _QID.fullmatch(ent.wikidata.strip())
            if qid is None:
                raise ValueError(f"entity {key!r}: wikidata {ent.wikidata!r} is not a Q-id")
            g.add((node, OWL.sameAs, WD[qid.group(1)]))
        g.add((ctx.article, SCHEMA.mentions, node))


def _add_provenance(ctx: _Context, node: URIRef, evidence: Iterable[Evidence]) -> None:
    """Source, extractor, confidence (the best evidence's), rules and evidence of ``node``."""
    g = ctx.graph
    g.add((node, PROV.wasDerivedFrom, ctx.article))
    g.add((node, PROV.wasGeneratedBy, ctx.extractor))
    evidence = list(evidence)
    if not evidence:
        return  # nothing to cite; SHACL reports the missing confidence and evidence
    best = max(e.confidence for e in evidence)
    g.add((node, IDKR.confidence, Literal(Decimal(str(round(best, 3))))))
    for ev in evidence:
        g.add((node, IDKR.rule, Literal(ev.rule)))
        g.add((node, IDKR.evidence, _add_evidence(ctx, ev)))


def _add_evidence(ctx: _Context, ev: Evidence) -> URIRef:
    g = ctx.graph
    node = ctx.node("evidence", ev.start, ev.end, ev.text)
    target, quote, position = (URIRef(f"{node}#{part}") for part in ("target", "quote", "position"))
    g.add((node, RDF.type, OA.Annotation))
    g.add((node, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, ctx.article))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, position))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(ev.text)))
    g.add((position, RDF.type, OA.TextPositionSelector))
    # xsd:integer (with sh:minInclusive 0 in the shapes): Oxigraph stores derived integer
    # types such as xsd:nonNegativeInteger as xsd:integer, so the round trip would differ
    g.add((position, OA.start, Literal(ev.start, datatype=XSD.integer)))
    g.add((position, OA.end, Literal(ev.end, datatype=XSD.integer)))
    return node


def _add_post(ctx: _Context, post: Post) -> None:
    # A post is a role *in* an organisation; without one there is no org:Post to hold
    # and an org:Membership would be incomplete, so the statement is left out.
    if post.organization is None:
        return
    g = ctx.graph
    org, person = ctx.entity(post.organization), ctx.entity(post.person)
    role = CONCEPT[f"role/{_escape(post.role_key, _KEY_SAFE)}"]
    post_key = f"post/{post.organization}/{post.role_key}"
    # An acting official (Pj., Plt., 권한대행) holds a post of their own: the acting
    # governor is not the governor, and the two can be in office side by side.
    if post.modifier == "acting":
        post_key += "/acting"
    post_node = URIRef(ctx.base + _escape(post_key, _KEY_SAFE))
    g.add((post_node, RDF.type, ORG.Post))
    g.add((post_node, ORG.role, role))
    g.add((post_node, ORG.postIn, org))
    g.add((post_node, RDFS.label, Literal(_post_label(ctx, post))))
    if post.modifier == "acting":
        g.add((post_node, IDKR.roleModifier, Literal("acting")))
    if post.modifier != "former":  # org:holds says the person holds the post now
        g.add((person, ORG.holds, post_node))

    node = ctx.node(
        "membership",
        post.person,
        post.organization,
        post.role_key,
        post.role,
        post.modifier,
        _evidence_key(post.evidence),
    )
    g.add((node, RDF.type, ORG.Membership))
    g.add((node, ORG.member, person))
    g.add((node, ORG.organization, org))
    g.add((node, ORG.role, role))
    g.add((node, IDKR.roleLabel, Literal(post.role)))
    if post.modifier:
        g.add((node, IDKR.roleModifier, Literal(post.modifier)))
    published = ctx.extraction.article.published
    if published and _DAY.fullmatch(published):
        g.add((node, IDKR.observedOn, date_terms(published)[0]))
    g.add((node, IDKR.post, post_node))
    _add_provenance(ctx, node, post.evidence)


def _post_label(ctx: _Context, post: Post) -> str:
    org = ctx.name(post.organization or "")
    lang = ctx.extraction.article.lang
    acting = post.modifier == "acting"
    if lang == "ko":
        return f"{org} {post.role}" + (" 권한대행" if acting else "")
    if lang == "en":
        return ("Acting " if acting else "") + f"{post.role} of {org}"
    return ("Pj. " if acting else "") + f"{post.role} {org}"


def _agreement_key(agreement: Agreement | None) -> dict[str, object] | None:
    if agreement is None:
        return None
    return {
        "type": agreement.type,
        "parties": sorted(agreement.parties),
        "sectors": sorted(agreement.sectors),
        "signatories": sorted(agreement.signatories),
    }


def _add_event(ctx: _Context, event: Event) -> None:
    g = ctx.graph
    node = ctx.node(
        "event",
        event.type,
        event.date,
        event.location,
        sorted(event.participants),
        _agreement_key(event.agreement),
        _evidence_key(event.evidence),
    )
    g.add((node, RDF.type, SCHEMA.Event))
    g.add((node, IDKR.eventType, CONCEPT[f"event-type/{event.type}"]))
    names = ", ".join(ctx.name(k) for k in event.participants)
    label = f"{event.type}: {names}" if names else event.type
    if event.date:
        label += f" ({event.date})"
    g.add((node, RDFS.label, Literal(label)))
    if event.date:
        start, end = date_terms(event.date)
        g.add((node, SCHEMA.startDate, start))
        if end is not None:
            g.add((node, SCHEMA.endDate, end))
    if event.location:
        g.add((node, SCHEMA.location, ctx.entity(event.location)))
    for key in event.participants:
        g.add((node, SCHEMA.attendee, ctx.entity(key)))
    _add_provenance(ctx, node, event.evidence)
    if event.agreement is not None:
        _add_agreement(ctx, event, node, event.agreement)


def _add_agreement(ctx: _Context, event: Event, event_node: URIRef, agr: Agreement) -> None:
    """The agreement of an event; it shares the event's evidence."""
    g = ctx.graph
    node = ctx.node("agreement", str(event_node), _agreement_key(agr))
    g.add((node, RDF.type, IDKR.Agreement))
    g.add((node, IDKR.agreementType, CONCEPT[f"agreement-type/{agr.type}"]))
    parties = " – ".join(ctx.name(k) for k in agr.parties)
    g.add((node, RDFS.label, Literal(f"{agr.type}: {parties}" if parties else agr.type)))
    for key in agr.parties:
        g.add((node, IDKR.party, ctx.entity(key)))
    for key in agr.signatories:
        g.add((node, IDKR.signatory, ctx.entity(key)))
    for slug in agr.sectors:
        g.add((node, IDKR.sector, CONCEPT[f"sector/{_escape(slug, _KEY_SAFE)}"]))
    g.add((event_node, IDKR.agreement, node))
    # Only a signing says the agreement was signed there; a meeting may merely discuss it.
    if event.type == "Signing":
        g.add((node, IDKR.signedAt, event_node))
    _add_provenance(ctx, node, event.evidence)


def _add_relation(ctx: _Context, rel: Relation) -> None:
    if rel.kind not in RELATION_KINDS:
        raise ValueError(f"relation kind {rel.kind!r} is unknown; allowed: {RELATION_KINDS}")
    g = ctx.graph
    subj, obj = ctx.entity(rel.subject), ctx.entity(rel.object)
    # Cooperation is symmetric: the same link whichever partner came first.
    ends = [rel.subject, rel.object]
    if rel.kind == "cooperation":
        ends.sort()
    node = ctx.node("relation", rel.kind, ends, rel.since, _evidence_key(rel.evidence))
    if rel.kind == "cooperation":
        g.add((node, RDF.type, IDKR.CooperationLink))
        g.add((node, IDKR.partner, subj))
        g.add((node, IDKR.partner, obj))
        g.add((subj, IDKR.cooperatesWith, obj))
        g.add((obj, IDKR.cooperatesWith, subj))
    elif rel.kind == "located_in":
        g.add((node, RDF.type, IDKR.Presence))
        g.add((node, IDKR.organization, subj))
        g.add((node, SCHEMA.location, obj))
        g.add((subj, SCHEMA.location, obj))
    else:
        g.add((node, RDF.type, IDKR.Affiliation))
        g.add((node, IDKR.organization, subj))
        g.add((node, IDKR.parent, obj))
        g.add((subj, SCHEMA.parentOrganization, obj))
    if rel.since:
        start, end = date_terms(rel.since)
        g.add((node, SCHEMA.startDate, start))
        if end is not None:
            g.add((node, SCHEMA.endDate, end))
    _add_provenance(ctx, node, rel.evidence)
