"""The entity link summary: a derived graph ``<{base}graph/summary>`` for graph-wide queries.

Which entities are linked to which and how, how many articles mention each, and the names
queries show for them, computed from all graphs whenever consolidation runs (and, for a
``--min-confidence`` copy, from what the copy keeps). ``most-connected`` and
``connection`` read this small table instead of joining every statement of the store at
query time (in the union of all graphs a triple comes back once per graph holding it, so
an entity's label or type is read once per article mentioning it). For every entity (an
IRI with an ``idkr:entityType``):

* ``E idkr:linkedTo F`` for every other entity F linked to it by one of the links of the
  ``connection`` query — ``schema:location``, ``schema:parentOrganization``,
  ``idkr:cooperatesWith``, a post (``org:holds`` / ``org:postIn``), an ``org:Membership``
  (``org:member`` and ``org:organization``), two parties of one agreement, two attendees of
  one event — in both directions, each pair once;
* ``E <{base}relation/…> F``: how the link reads from E to F, one triple per wording
  (``located in``, ``has governor``, ``at an event (Signing) with`` …); each such property
  is stated ``rdfs:subPropertyOf idkr:linkedTo`` with the wording as its ``rdfs:label``;
* ``E idkr:linkCount n`` (entities linked to E), ``E idkr:mentionCount n`` (articles
  mentioning E), ``E idkr:entityType`` (each of its types), ``E idkr:displayLabel`` (its
  gazetteer label if it has one, else each of its labels) and ``E idkr:displayCountry``
  (the country listings show for it, if any: see :func:`display_countries`).

Links are between the IRIs as the graphs write them, over the union of all graphs (the
article graphs and the consolidated graph, whose events and tenures name the entities
merged into), as ``most-connected`` has always counted them; ``connection`` shows a merged
entity once. Like the consolidated graph the summary is derived data: dropping it loses
nothing, and it is recomputed from the whole store, whatever the order of ingests.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import OWL, RDFS

from .errors import QueryError, StoreError
from .store import KGStore
from .vocab import IDKR, ORG, SCHEMA

if TYPE_CHECKING:
    from .consolidate import Snapshot

SUMMARY_GRAPH = "graph/summary"
RELATION = "relation/"  # (after the base) the properties naming how two entities are linked

_P = """PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_LINKED_TO, _LINK_COUNT = str(IDKR.linkedTo), str(IDKR.linkCount)
_MENTION_COUNT, _ENTITY_TYPE = str(IDKR.mentionCount), str(IDKR.entityType)
_MERGED_INTO, _DISPLAY_COUNTRY = str(IDKR.mergedInto), str(IDKR.displayCountry)
_DISPLAY_LABEL, _LABEL, _SUB_PROPERTY = (
    str(IDKR.displayLabel),
    str(RDFS.label),
    str(RDFS.subPropertyOf),
)


# --------------------------------------------------------------------------- wordings
# (as queries/connection.rq words them; STRAFTER gives "" when the separator is missing)


def _after(iri: str, separator: str) -> str:
    return iri.partition(separator)[2]


def role_wording(role: str) -> tuple[str, str]:
    """A post or membership with this role (concept IRI): person → organisation, and back."""
    name = _after(role, "/role/")
    return f"{name} of", f"has {name}"


def event_wording(event_type: str) -> str:
    return f"at an event ({_after(event_type, '/event-type/')}) with"


def agreement_wording(agreement_type: str) -> str:
    return f"in an agreement ({_after(agreement_type, '/agreement-type/')}) with"


# (predicate, wording from subject to object, wording back: None where connection.rq has
# none, as for cooperation, which is stated in both directions anyway)
DIRECT = (
    (str(SCHEMA.location), "located in", "location of"),
    (str(SCHEMA.parentOrganization), "part of", "has part"),
    (str(IDKR.cooperatesWith), "cooperates with", None),
)


@dataclass
class Links:
    """Links read so far, between IRIs as written (whether both ends are entities is
    checked when the summary is made), with their wordings in each direction."""

    neighbours: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    wordings: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    #: ``owl:sameAs`` merges of the consolidated graph (IRI -> IRIs merged into); None:
    #: not known yet (read from the store)
    merged: dict[str, set[str]] | None = None

    def add(self, x: str, y: str, forward: Iterable[str] = (), back: Iterable[str] = ()) -> None:
        if x == y:
            return
        self.neighbours[x].add(y)
        self.neighbours[y].add(x)
        if forward:
            self.wordings[(x, y)].update(forward)
        if back:
            self.wordings[(y, x)].update(back)

    def add_group(self, members: Iterable[str], wordings: Iterable[str]) -> None:
        """Every two of ``members`` (parties of one agreement, attendees of one event)."""
        group = sorted(set(members))
        both = tuple(wordings)
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                self.add(x, y, both, both)

    def add_roles(
        self,
        people: dict[str, set[str]],
        organizations: dict[str, set[str]],
        roles: dict[str, set[str]],
    ) -> None:
        """Link person and organisation of each post or membership ``k`` (``people[k]``,
        ``organizations[k]``), worded by its roles."""
        for key, xs in people.items():
            ys = organizations.get(key, ())
            if not ys:
                continue
            worded = [role_wording(r) for r in sorted(roles.get(key, ()))]
            forward = [f for f, _ in worded]
            back = [b for _, b in worded]
            for x in xs:
                for y in ys:
                    self.add(x, y, forward, back)


@dataclass
class SummaryCounts:
    entities: int = 0  # entities described
    links: int = 0  # linked pairs (once per pair, not per direction)
    triples: int = 0


# --------------------------------------------------------------------------- reading


def _rows(store: KGStore, sparql: str) -> Iterator[tuple[str | None, ...]]:
    try:
        yield from store.select_values(_P + sparql)
    except QueryError as exc:
        raise StoreError(f"{store.spec}: link summary query failed ({exc})") from exc


def _grouped(rows: Iterable[tuple[str | None, ...]]) -> defaultdict[str, set[str]]:
    out: defaultdict[str, set[str]] = defaultdict(set)
    for key, value in rows:
        if key is not None and value is not None:
            out[key].add(value)
    return out


def _pairs(store: KGStore, predicate: str) -> defaultdict[str, set[str]]:
    return _grouped(_rows(store, f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"))


def _values_of(store: KGStore, subjects: list[str], predicate: str) -> dict[str, set[str]]:
    """The values of ``predicate`` for each of ``subjects`` (looked up by subject)."""
    out: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(subjects), 500):
        values = " ".join(f"<{s}>" for s in subjects[i : i + 500])
        for s, v in _rows(
            store, f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {values} }} ?s <{predicate}> ?v }}"
        ):
            if s is not None and v is not None:
                out[s].add(v)
    return out


def _read_direct_links(store: KGStore, links: Links) -> None:
    """The links one triple states, and posts (holder and organisation)."""
    for predicate, forward, back in DIRECT:
        for x, ys in _pairs(store, predicate).items():
            for y in ys:
                links.add(x, y, (forward,), (back,) if back else ())
    holders = _grouped(
        (p, x) for x, p in _rows(store, "SELECT DISTINCT ?x ?p WHERE { ?x org:holds ?p }")
    )
    post_in = _pairs(store, str(ORG.postIn))
    roles = _values_of(store, sorted(post_in), str(ORG.role))
    links.add_roles(holders, post_in, roles)


def _read_statement_links(store: KGStore, links: Links) -> None:
    """Memberships, agreements and events, from every graph."""
    members = _pairs(store, str(ORG.member))
    links.add_roles(
        members,
        _pairs(store, str(ORG.organization)),
        _grouped(_rows(store, "SELECT DISTINCT ?m ?r WHERE { ?m org:member ?x ; org:role ?r }")),
    )
    for predicate, type_predicate, wording in (
        (IDKR.party, IDKR.agreementType, agreement_wording),
        (SCHEMA.attendee, IDKR.eventType, event_wording),
    ):
        types = _grouped(
            _rows(
                store,
                f"SELECT DISTINCT ?n ?t WHERE {{ ?n <{predicate}> ?x ; <{type_predicate}> ?t }}",
            )
        )
        for node, group in _pairs(store, str(predicate)).items():
            links.add_group(group, [wording(t) for t in sorted(types.get(node, ()))])


#: what follows the subject of a consolidated graph's line that links it to an entity or
#: types it (matched where the subject ends: testing each line for each predicate in
#: Python costs more than the rest of the summary)
_CONSOLIDATED = (
    SCHEMA.attendee,
    IDKR.party,
    ORG.member,
    ORG.organization,
    ORG.role,
    IDKR.eventType,
    IDKR.agreementType,
    OWL.sameAs,
)
_STATEMENT_LINK = re.compile(
    rb"> <(" + b"|".join(re.escape(str(p).encode()) for p in _CONSOLIDATED) + rb")> <([^>]*)> \.$"
)


def statement_lines(lines: Iterable[bytes]) -> list[bytes]:
    """The lines of a consolidated graph :func:`statement_links` reads (to keep while the
    graph is written in parts)."""
    match = _STATEMENT_LINK.match
    return [line for line in lines if match(line, line.find(b"> <")) is not None]


def statement_links(snap: Snapshot, consolidated: Iterable[bytes]) -> Links:
    """The membership, agreement and event links of the article graphs (from consolidation's
    snapshot) and of the consolidated graph (from its N-Triples lines): what
    :func:`_read_statement_links` reads from the store, without reading it again."""
    links = Links()
    people: dict[str, set[str]] = defaultdict(set)
    organizations: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for m in snap.memberships.values():
        people[m.iri].add(m.person)
        organizations[m.iri].add(m.organization)
        if m.role is not None:
            roles[m.iri].add(m.role)
    seen: set[str] = set()
    for ev in snap.events.values():
        links.add_group(ev.attendees, [f"at an event ({ev.type}) with"])
        for agreement in ev.agreements:
            if agreement.iri not in seen:
                seen.add(agreement.iri)
                links.add_group(agreement.parties, [f"in an agreement ({agreement.type}) with"])
    tables: dict[bytes, dict[str, set[str]]] = {
        str(p).encode(): defaultdict(set) for p in _CONSOLIDATED
    }
    match = _STATEMENT_LINK.match
    for line in consolidated:
        end = line.find(b"> <")
        found = match(line, end)
        if found is not None:
            tables[found[1]][line[1:end].decode()].add(found[2].decode())

    def table(p) -> dict[str, set[str]]:
        return tables[str(p).encode()]

    for predicate, type_predicate, wording in (
        (IDKR.party, IDKR.agreementType, agreement_wording),
        (SCHEMA.attendee, IDKR.eventType, event_wording),
    ):
        types = table(type_predicate)
        for node, group in table(predicate).items():
            links.add_group(group, [wording(t) for t in sorted(types.get(node, ()))])
    for node, xs in table(ORG.member).items():
        people[node] |= xs
    for node, ys in table(ORG.organization).items():
        organizations[node] |= ys
    for node, rs in table(ORG.role).items():
        roles[node] |= rs
    links.add_roles(people, organizations, roles)
    links.merged = dict(table(OWL.sameAs))
    return links


def _read_labels(store: KGStore, entities: Iterable[str]) -> dict[str, set[str]]:
    """Each entity's display labels: its gazetteer labels (graphs named
    ``…/graph/gazetteer``), else every label it has in any graph."""
    gazetteers = [g for g in store.graph_names() if g.endswith("/graph/gazetteer")]
    canon: dict[str, set[str]] = defaultdict(set)
    if gazetteers:
        names = " ".join(f"<{g}>" for g in gazetteers)
        canon = _grouped(
            _rows(
                store,
                f"SELECT DISTINCT ?e ?l WHERE {{ VALUES ?g {{ {names} }} "
                "GRAPH ?g { ?e rdfs:label ?l } }",
            )
        )
    labels: dict[str, set[str]] = {e: canon[e] for e in entities if e in canon}
    labels.update(_values_of(store, sorted(e for e in entities if e not in canon), _LABEL))
    return labels


def display_countries(
    entities: Iterable[str],
    countries: dict[str, set[str]],
    containers: dict[str, set[str]],
    country_class: set[str],
) -> dict[str, str]:
    """The country shown for each entity that has one: the smallest (as text) of its own
    countries — itself if it is a ``schema:Country`` (``country_class``), and its
    ``idkr:country`` values (``countries``) — else the smallest of its containers' own
    countries (``containers``: its ``schema:containedInPlace`` and
    ``schema:parentOrganization`` values, one level)."""

    def own(x: str) -> set[str]:
        found = countries.get(x, set())
        return found | {x} if x in country_class else found

    out: dict[str, str] = {}
    for e in entities:
        found = own(e) or {c for k in containers.get(e, ()) for c in own(k)}
        if found:
            out[e] = min(found)
    return out


def _read_countries(store: KGStore, entities: Iterable[str]) -> dict[str, str]:
    """:func:`display_countries` of ``entities``, from the few triples it needs. An entity
    whose country so found is no IRI (a literal ``idkr:country`` such as "Korea") gets none."""
    # (no isIRI filter in the query: it makes Oxigraph read the pairs ~4× slower)
    countries = _pairs(store, str(IDKR.country))
    containers = _pairs(store, str(SCHEMA.containedInPlace))
    for x, ys in _pairs(store, str(SCHEMA.parentOrganization)).items():
        containers[x] |= ys
    country_class = {
        c for (c,) in _rows(store, "SELECT DISTINCT ?c WHERE { ?c a schema:Country }") if c
    }
    return {
        e: c
        for e, c in display_countries(entities, countries, containers, country_class).items()
        if _is_iri(c)
    }


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- writing


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "link"


def relation_properties(wordings: Iterable[str], base: str) -> dict[str, str]:
    """An IRI ``{base}relation/{slug}`` for each wording; wordings of one slug get a
    number after the first (in sorted order)."""
    out: dict[str, str] = {}
    taken: dict[str, int] = {}
    for text in sorted(set(wordings)):
        slug = _slug(text)
        n = taken.get(slug, 0)
        taken[slug] = n + 1
        out[text] = f"{base}{RELATION}{slug}" + (f"-{n + 1}" if n else "")
    return out


def summary_triples(
    links: Links,
    types: dict[str, set[str]],
    mentions: dict[str, int],
    labels: dict[str, set[str]],
    base: str,
    countries: dict[str, str] | None = None,
) -> tuple[list[bytes], SummaryCounts]:
    """N-Triples lines (UTF-8, no line ends) of the summary graph, and what it holds.

    ``types``: each entity's ``idkr:entityType`` values (the entities: every key);
    ``mentions``: articles per IRI; ``labels``: display labels per entity;
    ``countries``: display country per entity (:func:`display_countries`)."""
    countries = countries or {}
    out: list[bytes] = []
    counts = SummaryCounts()
    merged = links.merged or {}

    def merged_into(e: str) -> set[str]:
        # (as connection.rq followed owl:sameAs: up to two steps)
        return {t for m in merged.get(e, ()) for t in (merged.get(m) or (m,))}

    properties = relation_properties(
        (w for (x, y), ws in links.wordings.items() if x in types and y in types for w in ws),
        base,
    )
    for text, iri in sorted(properties.items(), key=lambda item: item[1]):
        out.append(f"<{iri}> <{_LABEL}> {ox.Literal(text)} .".encode())
        out.append(f"<{iri}> <{_SUB_PROPERTY}> <{_LINKED_TO}> .".encode())
    for e in sorted(types):
        linked = sorted(o for o in links.neighbours.get(e, ()) if o in types and o != e)
        head = f"<{e}> <"
        out.append(f'{head}{_LINK_COUNT}> "{len(linked)}"^^<{_XSD_INTEGER}> .'.encode())
        out.append(f'{head}{_MENTION_COUNT}> "{mentions.get(e, 0)}"^^<{_XSD_INTEGER}> .'.encode())
        out.extend(f"{head}{_ENTITY_TYPE}> {ox.Literal(t)} .".encode() for t in sorted(types[e]))
        out.extend(
            f"{head}{_DISPLAY_LABEL}> {ox.Literal(t)} .".encode() for t in sorted(labels.get(e, ()))
        )
        if e in countries:
            out.append(f"{head}{_DISPLAY_COUNTRY}> <{countries[e]}> .".encode())
        out.extend(f"{head}{_MERGED_INTO}> <{k}> .".encode() for k in sorted(merged_into(e)))
        for o in linked:
            out.append(f"{head}{_LINKED_TO}> <{o}> .".encode())
            for text in sorted(links.wordings.get((e, o), ())):
                out.append(f"{head}{properties[text]}> <{o}> .".encode())
        counts.links += len(linked)
    counts.entities = len(types)
    counts.links //= 2
    counts.triples = len(out)
    return out, counts


def compute_summary(
    store: KGStore, base: str, links: Links | None = None
) -> tuple[list[bytes], SummaryCounts]:
    """The summary graph of ``store`` (see :func:`summary_triples`). ``links``: the
    statement links already known (:func:`statement_links`); else they are read."""
    if links is None:
        links = Links()
        _read_statement_links(store, links)
    _read_direct_links(store, links)
    if links.merged is None:
        links.merged = _grouped(
            _rows(
                store,
                "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT DISTINCT ?m ?s WHERE { "
                f"GRAPH <{base}graph/consolidated> {{ ?m owl:sameAs ?s }} }}",
            )
        )
    # (the types the stored summary repeats are left out: an entity gone from the other
    # graphs is no entity any more)
    types = _grouped(
        _rows(
            store,
            "SELECT DISTINCT ?e ?t WHERE { GRAPH ?g { ?e idkr:entityType ?t } "
            f"FILTER(!sameTerm(?g, <{base}{SUMMARY_GRAPH}>)) }}",
        )
    )
    mentions = {
        e: int(n)
        for e, n in _rows(
            store,
            "SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?e } GROUP BY ?e",
        )
        if e is not None and n is not None
    }
    labels = _read_labels(store, types)
    return summary_triples(links, types, mentions, labels, base, _read_countries(store, types))


def write_summary(store: KGStore, base: str, links: Links | None = None) -> SummaryCounts:
    """Recompute ``<{base}graph/summary>`` from the union of the other graphs of ``store``
    (the consolidated graph included: run it after consolidation)."""
    from .consolidate import write_consolidated

    lines, counts = compute_summary(store, base, links)
    write_consolidated(store, base + SUMMARY_GRAPH, lines)
    return counts


#: the summary's terms, as the named queries write them: a query naming one of them reads
#: the summary graph
_SUMMARY_TERMS = re.compile(
    r"idkr:(linkedTo|linkCount|mentionCount|displayLabel|displayCountry|mergedInto)\b"
)


def reads_summary(sparql: str) -> bool:
    """Whether a query reads the link summary graph (names one of its ``idkr:`` terms)."""
    return _SUMMARY_TERMS.search(sparql) is not None


def has_summary(store: KGStore) -> bool:
    """Whether ``store`` holds a link summary graph (under any base)."""
    return any(g.endswith("/" + SUMMARY_GRAPH) for g in store.graph_names())


def missing_terms(store: KGStore, sparql: str) -> list[str]:
    """The summary terms ``sparql`` names that no summary graph of ``store`` holds (a
    summary made by an earlier version lacks the newer ones, e.g. idkr:displayCountry)."""
    missing = []
    for term in sorted(set(_SUMMARY_TERMS.findall(sparql))):
        ask = (
            _P + f"ASK {{ GRAPH ?g {{ ?s idkr:{term} ?o }} "
            f'FILTER(STRENDS(STR(?g), "/{SUMMARY_GRAPH}")) }}'
        )
        if not bool(store.query(ask)):
            missing.append(f"idkr:{term}")
    return missing
