"""Consolidation: what several articles say about the same things, as one derived graph.

Each article is its own named graph, written without looking at the others. This stage
reads every article graph through the store's SPARQL interface and rewrites one derived
graph, ``<{base}graph/consolidated>``, holding:

* **entity merges** — ``owl:sameAs`` between entity IRIs that name the same person or
  organisation across articles ("Aher" = Ahmad Heryawan, 김태흠 = Kim Tae-heum, BKPM =
  Badan Koordinasi Penanaman Modal, spelling slips), each merge also stated as an
  ``rdf:Statement`` carrying the rule that made it (``idkr:rule``) and a confidence;
* **cross-article events** (GDELT's Event + Mentions model) — one
  ``idkr:ConsolidatedEvent`` per real-world event with every article's event statement as
  an ``idkr:mention``, keyed on event type, a date window and shared participants;
* **consolidated agreements** and their **lifecycle** — the agreement signed at such an
  event, linked to the earlier agreement between the same parties that it follows (an LoI,
  then an MoU, then a renewal: ``idkr:follows`` / ``idkr:renews``);
* **dated posts** — one ``idkr:Tenure`` per person and post, with the first and last dates
  an article observed it.

Everything is recomputed from all article graphs in a fixed order, so ingesting articles in
any order gives the same graph. A user-maintained overrides file (aliases to add, merges to
refuse; see :func:`load_overrides`) is kept in its own graph, ``<{base}graph/overrides>``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import tempfile
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

import kg

from .build import DEFAULT_BASE, GraphFacts, date_values
from .errors import DataError, QueryError, StoreError
from .reference import GAZETTEER_GRAPH
from .resolve import (
    has_hangul,
    is_acronym,
    korean_name,
    name_key,
    transliteration_key,
)
from .resources import resource_dir
from .store import KGStore, to_rdflib
from .summary import (
    SUMMARY_GRAPH,
    SummaryCounts,
    statement_lines,
    statement_links,
    write_summary,
)
from .vocab import CONCEPT, IDKR, ORG, PROV, SCHEMA, bind_prefixes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONSOLIDATED_GRAPH = "graph/consolidated"
OVERRIDES_GRAPH = "graph/overrides"
OVERRIDES_FILE = "kg-overrides.toml"

#: Events reported with dates this many days apart can still be the same event (an
#: article published the next day may date it by its own publication).
DATE_WINDOW_DAYS = 2
#: An event an article reports without a date is taken to have happened in the days up to
#: its article's publication, this many days before it at most (news reports recent
#: events): it meets only reports dated in that window (give or take DATE_WINDOW_DAYS).
UNDATED_WINDOW_DAYS = 7

# Confidence of each merge rule: how often the rule is right, as far as we have seen.
RULES: dict[str, float] = {
    "override-alias": 1.0,
    "same-wikidata": 0.95,
    "known-alias": 0.9,
    "same-name": 0.9,
    "alias-of": 0.85,
    "romanisation": 0.85,
    "transliteration": 0.75,
    "acronym": 0.75,
    "name-part": 0.7,
    "spelling": 0.6,
}
ORG_TYPES = frozenset({"Ministry", "GovernmentOrganization", "Organization", "Company"})
# Order of agreement kinds in a lifecycle: intent, then understanding, then the agreement.
STAGE = {"LoI": 1, "JointDeclaration": 1, "MoU": 2, "Agreement": 3, "SisterCity": 3}
_STOP = frozenset(
    "of the and for in on at to dan di ke untuk dari atas serta republik republic".split()
)

_P = """PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
# Article graphs are those that say which article they were derived from.
_IN_ARTICLE = "GRAPH ?g { ?g prov:wasDerivedFrom ?art ."


# --------------------------------------------------------------------------- overrides


@dataclass(frozen=True)
class AliasOverride:
    target: str  # label, alias or IRI of the entity
    names: tuple[str, ...]


@dataclass(frozen=True)
class Overrides:
    """User corrections: names to treat as aliases of an entity, merges never to make."""

    aliases: tuple[AliasOverride, ...] = ()
    refusals: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.aliases or self.refusals)


def load_overrides(path: Path) -> Overrides:
    """Read a ``kg-overrides.toml`` file::

    [[alias]]
    entity = "Ahmad Heryawan"        # a label, alias or IRI
    names = ["Aher", "Kang Aher"]

    [[refuse]]
    entities = ["Kim Tae-hoon", "Kim Tae-heum"]   # never the same entity
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read the overrides file ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - {"alias", "refuse"})
    if unknown:
        raise DataError(
            f"{path}: unknown section(s) {', '.join(unknown)}; allowed: [[alias]], [[refuse]]"
        )

    def strings(value: object, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise DataError(f"{path}: {where} must be a string or a list of non-empty strings")
        return tuple(v.strip() for v in value)

    aliases = []
    for n, item in enumerate(data.get("alias", []), start=1):
        if not isinstance(item, dict) or "entity" not in item or "names" not in item:
            raise DataError(f"{path}: [[alias]] number {n} needs 'entity' and 'names'")
        (target,) = strings(item["entity"], f"[[alias]] {n} 'entity'")[:1]
        aliases.append(AliasOverride(target, strings(item["names"], f"[[alias]] {n} 'names'")))
    refusals = []
    for n, item in enumerate(data.get("refuse", []), start=1):
        if not isinstance(item, dict) or "entities" not in item:
            raise DataError(f"{path}: [[refuse]] number {n} needs 'entities'")
        names = strings(item["entities"], f"[[refuse]] {n} 'entities'")
        if len(names) < 2:
            raise DataError(f"{path}: [[refuse]] number {n} needs at least two entities")
        refusals.append(names)
    return Overrides(tuple(aliases), tuple(refusals))


def overrides_graph(overrides: Overrides, base: str = DEFAULT_BASE) -> Graph:
    """The overrides as RDF, to keep them in the store between runs."""
    g = bind_prefixes(Graph(identifier=URIRef(base + OVERRIDES_GRAPH)), base)
    for item in overrides.aliases:
        node = URIRef(f"{base}override/{_digest('alias', item.target, sorted(item.names))}")
        g.add((node, RDF.type, IDKR.AliasOverride))
        g.add((node, IDKR.target, Literal(item.target)))
        for name in item.names:
            g.add((node, IDKR.aliasName, Literal(name)))
    for names in overrides.refusals:
        node = URIRef(f"{base}override/{_digest('refuse', sorted(names))}")
        g.add((node, RDF.type, IDKR.MergeRefusal))
        for name in names:
            g.add((node, IDKR.target, Literal(name)))
    return g


def store_overrides(store: KGStore, overrides: Overrides, base: str = DEFAULT_BASE) -> None:
    store.replace_graph(base + OVERRIDES_GRAPH, overrides_graph(overrides, base))


def read_overrides(store: KGStore) -> Overrides:
    """The overrides kept in the store (an empty set if none were ever given)."""
    aliases: dict[str, tuple[str, list[str]]] = {}
    refusals: dict[str, list[str]] = defaultdict(list)
    res = store.select(
        _P
        + """SELECT ?o ?kind ?target ?name WHERE {
          { ?o a idkr:AliasOverride ; idkr:target ?target ; idkr:aliasName ?name
            BIND("alias" AS ?kind) }
          UNION { ?o a idkr:MergeRefusal ; idkr:target ?target BIND("refuse" AS ?kind) }
        } ORDER BY ?o ?target ?name"""
    )
    for o, kind, target, name in res.rows:
        if str(kind) == "alias":
            aliases.setdefault(str(o), (str(target), []))[1].append(str(name))
        else:
            refusals[str(o)].append(str(target))
    return Overrides(
        tuple(AliasOverride(t, tuple(sorted(set(n)))) for t, n in aliases.values()),
        tuple(tuple(sorted(set(v))) for v in refusals.values()),
    )


def find_overrides_file(store_spec: str, explicit: Path | None = None) -> Path | None:
    """``explicit`` if given, else ``kg-overrides.toml`` beside a folder store, if present."""
    if explicit is not None:
        if not explicit.is_file():
            raise DataError(f"{explicit}: no such overrides file")
        return explicit
    if store_spec == "memory" or store_spec.startswith(("http://", "https://")):
        return None
    candidate = Path(store_spec).resolve().parent / OVERRIDES_FILE
    return candidate if candidate.is_file() else None


@lru_cache(maxsize=1)
def known_aliases() -> tuple[tuple[str, str, str, str], ...]:
    """Well-known nicknames from data/lexicon/known_aliases.csv: (name, alias, type, country)."""
    path = resource_dir("lexicon") / "known_aliases.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(
            (r["name"].strip(), r["alias"].strip(), r["type"].strip(), r["country"].strip())
            for r in csv.DictReader(fh)
        )


# --------------------------------------------------------------------------- snapshot


@dataclass
class EntityInfo:
    iri: str
    types: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)  # label -> number of graphs
    aliases: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    wikidata: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)  # (read_snapshot: merged ones only)
    gazetteer_label: str | None = None
    article_count: int = 0  # articles mentioning it, when ``articles`` is not filled in

    @property
    def type(self) -> str:
        return min(self.types) if self.types else ""

    @property
    def label(self) -> str:
        if self.gazetteer_label:
            return self.gazetteer_label
        if not self.labels:
            return self.iri.rsplit("/", 1)[-1]
        return min(self.labels, key=lambda lab: (-self.labels[lab], -len(lab), lab))

    def names(self) -> set[str]:
        return (
            set(self.labels)
            | self.aliases
            | ({self.gazetteer_label} if self.gazetteer_label else set())
        )


@dataclass
class AgreementInfo:
    iri: str
    type: str
    parties: set[str] = field(default_factory=set)
    signatories: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
    confidence: float = 0.0


@dataclass
class EventInfo:
    iri: str
    article: str
    type: str
    date: str | None = None
    location: str | None = None
    attendees: set[str] = field(default_factory=set)
    agreements: list[AgreementInfo] = field(default_factory=list)
    confidence: float = 0.0
    evidence: set[str] = field(default_factory=set)


@dataclass
class MembershipInfo:
    iri: str
    article: str
    person: str
    organization: str
    post: str
    role: str | None = None
    modifier: str | None = None
    observed: str | None = None
    confidence: float = 0.0
    evidence: set[str] = field(default_factory=set)


@dataclass
class Snapshot:
    """What consolidation needs from the article graphs, read once."""

    entities: dict[str, EntityInfo] = field(default_factory=dict)
    events: dict[str, EventInfo] = field(default_factory=dict)
    memberships: dict[str, MembershipInfo] = field(default_factory=dict)
    publishers: dict[str, str] = field(default_factory=dict)  # article -> outlet
    published: dict[str, str] = field(default_factory=dict)  # article -> publication date
    name_index: dict[str, set[str]] | None = None  # name key -> entities (built on demand)
    #: fills in ``articles`` of the given entities (set by read_snapshot, which reads only
    #: how many articles mention each entity: the merged ones need the articles by name)
    load_articles: Callable[[list[str]], None] | None = None


def _select_values(store: KGStore, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """Rows of a SELECT as tuples of plain strings (IRI or lexical form; None if unbound).

    Consolidation reads tens of thousands of rows: :meth:`KGStore.select` would turn every
    value into an rdflib term first, which costs several times the query itself.
    """
    try:
        yield from store.select_values(sparql)
    except QueryError as exc:
        raise StoreError(f"{store.spec}: consolidation query failed ({exc})") from exc


class _SnapshotBuilder:
    """Turns the rows of the consolidation's queries into a :class:`Snapshot`. The rows
    come from SPARQL over the store (:func:`read_snapshot`) or, in an ingest, from the
    graphs it wrote (:class:`WrittenGraphs`, rows made by :func:`kg.build.graph_facts`);
    either way they go through the same steps here."""

    def __init__(self) -> None:
        self.snap = Snapshot()
        # one str object per IRI or value (memory); None stands for itself
        self._strings: dict[str | None, str | None] = {None: None}
        self._agreements: dict[str, AgreementInfo] = {}

    def intern(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        """The rows (values: str or None), each value as its one str object."""
        same = self._strings.setdefault
        for row in rows:
            yield tuple(map(same, row, row))

    def _ent(self, key: str) -> EntityInfo:
        info = self.snap.entities.get(key)
        if info is None:
            info = self.snap.entities[key] = EntityInfo(key)
        return info

    # the steps, in the order read_snapshot takes them (values are str or None) ---------
    def labels(self, rows: Iterable[tuple]) -> None:
        """(entity, type, label or None, articles with them)"""
        ent = self._ent
        for e, t, label, n in rows:
            info = ent(e)
            info.types.add(t)
            if label is not None:
                info.labels[label] += int(n)

    def article_counts(self, rows: Iterable[tuple]) -> None:
        """(entity, articles mentioning it)"""
        ent = self._ent
        for e, n in rows:
            ent(e).article_count += int(n)

    def aliases(self, rows: Iterable[tuple]) -> None:
        ent = self._ent
        for e, alt in rows:
            ent(e).aliases.add(alt)

    def countries(self, rows: Iterable[tuple]) -> None:
        ent = self._ent
        for e, c in rows:
            ent(e).countries.add(c.rsplit("/", 1)[-1])

    def gazetteer_labels(self, rows: Iterable[tuple]) -> None:
        entities = self.snap.entities
        for e, label in rows:
            if e in entities:
                entities[e].gazetteer_label = label

    def wikidata(self, rows: Iterable[tuple]) -> None:
        entities = self.snap.entities
        for e, wd in rows:
            if e in entities:
                entities[e].wikidata.add(wd)

    def country_entities(self) -> None:
        for e in list(self.snap.entities.values()):
            if e.iri.rsplit("/", 2)[-2] == "country":
                e.countries.add(e.iri.rsplit("/", 1)[-1])

    def publications(self, rows: Iterable[tuple]) -> None:
        publishers, published = self.snap.publishers, self.snap.published
        for art, pub, day in rows:
            if pub is not None:
                publishers[art] = pub
            # (one date per article; should there be several, the earliest, independent of
            # the order rows come in)
            if day is not None and (art not in published or day < published[art]):
                published[art] = day

    def events(self, rows: Iterable[tuple]) -> None:
        events = self.snap.events
        for art, ev, t, d, loc, conf in rows:
            if ev in events:
                continue  # a second date or location would break the shapes; keep the first
            events[ev] = EventInfo(
                ev,
                art,
                t.rsplit("/", 1)[-1],
                d,
                loc,
                confidence=float(conf) if conf is not None else 0.0,
            )

    # The steps below attach rows to an event, agreement or membership made by an earlier
    # step; each returns the rows whose owner is not known (yet: WrittenGraphs gives them
    # again once every graph is in).
    def attendees(self, rows: Iterable[tuple]) -> list[tuple]:
        events, left = self.snap.events, []
        for row in rows:
            info = events.get(row[0])
            if info is not None:
                info.attendees.add(row[1])
            else:
                left.append(row)
        return left

    def event_evidence(self, rows: Iterable[tuple]) -> list[tuple]:
        events, left = self.snap.events, []
        for row in rows:
            info = events.get(row[0])
            if info is not None:
                info.evidence.add(row[1])
            else:
                left.append(row)
        return left

    def agreements(self, rows: Iterable[tuple]) -> list[tuple]:
        events, agreements, left = self.snap.events, self._agreements, []
        for row in rows:
            ev, a, t, conf = row
            if ev not in events:
                left.append(row)
            elif a not in agreements:
                info = AgreementInfo(a, t.rsplit("/", 1)[-1])
                info.confidence = float(conf) if conf is not None else 0.0
                agreements[a] = info
                events[ev].agreements.append(info)
        return left

    def agreement_values(self, rows: Iterable[tuple]) -> list[tuple]:
        left = []
        agreements = self._agreements
        for row in rows:
            a, prop, value = row
            info = agreements.get(a)
            if info is None:
                left.append(row)
                continue
            name = prop.rsplit("#", 1)[-1]
            {"party": info.parties, "signatory": info.signatories, "sector": info.sectors}[
                name
            ].add(value)
        return left

    def memberships(self, rows: Iterable[tuple]) -> None:
        memberships = self.snap.memberships
        for art, m, person, org_, post, role, mod, obs, conf in rows:
            if m in memberships:
                continue
            memberships[m] = MembershipInfo(
                m,
                art,
                person,
                org_,
                post,
                role,
                mod,
                obs,
                float(conf) if conf is not None else 0.0,
            )

    def membership_evidence(self, rows: Iterable[tuple]) -> list[tuple]:
        memberships, left = self.snap.memberships, []
        for row in rows:
            info = memberships.get(row[0])
            if info is not None:
                info.evidence.add(row[1])
            else:
                left.append(row)
        return left


def _gazetteer_and_wikidata(store: KGStore, build: _SnapshotBuilder, graphs: list[str]) -> None:
    """The gazetteer's labels and every graph's Wikidata links of the entities found."""

    def rows(where: str, variables: str) -> Iterator[tuple]:
        sparql = f"{_P}SELECT DISTINCT {variables} WHERE {{ {where} }}"
        return build.intern(_select_values(store, sparql))

    # (the gazetteer graphs named first: filtering the graph of every entity by its name
    # costs a string per entity and article)
    gazetteers = " ".join(f"<{g}>" for g in graphs if g.endswith("/graph/gazetteer"))
    build.gazetteer_labels(
        rows(
            f"VALUES ?gz {{ {gazetteers} }} "
            "GRAPH ?gz { ?e idkr:entityType ?t ; rdfs:label ?label }",
            "?e ?label",
        )
    )
    # (entities are checked in Python: joining on idkr:entityType over the union of all
    # graphs is slow in Oxigraph)
    build.wikidata(
        rows(
            '?e owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/"))',
            "?e ?wd",
        )
    )
    build.country_entities()


def _article_loader(store: KGStore, build: _SnapshotBuilder) -> Callable[[list[str]], None]:
    """:attr:`Snapshot.load_articles`: the articles naming each given entity, by SPARQL
    (only merged entities need them; the snapshot has how many there are)."""
    snap = build.snap

    def load_articles(iris: list[str]) -> None:
        wanted = [i for i in iris if i in snap.entities and not snap.entities[i].articles]
        for i in range(0, len(wanted), 500):
            values = " ".join(f"<{iri}>" for iri in wanted[i : i + 500])
            sparql = (
                f"{_P}SELECT DISTINCT ?e ?art WHERE {{ VALUES ?e {{ {values} }} "
                + _IN_ARTICLE
                + " ?e idkr:entityType ?t } }"
            )
            for e, art in build.intern(_select_values(store, sparql)):
                snap.entities[e].articles.add(art)

    return load_articles


def read_snapshot(store: KGStore) -> Snapshot:
    """Entities, events, agreements and memberships of every article graph, by SPARQL."""
    build = _SnapshotBuilder()

    def rows(where: str, variables: str) -> Iterator[tuple]:
        sparql = f"{_P}SELECT DISTINCT {variables} WHERE {{ {where} }}"
        return build.intern(_select_values(store, sparql))

    def grouped(sparql: str) -> Iterator[tuple]:
        return build.intern(_select_values(store, _P + sparql))

    # label counts and article counts by aggregates: the rows per entity and article
    # would be most of the reading (the store decodes every value it returns)
    labelled = (
        "SELECT DISTINCT ?art ?e ?t ?label WHERE { "
        + _IN_ARTICLE
        + " ?e idkr:entityType ?t . OPTIONAL { ?e rdfs:label ?label } } }"
    )
    build.labels(
        grouped(
            f"SELECT ?e ?t ?label (COUNT(*) AS ?n) WHERE {{ {labelled} }} GROUP BY ?e ?t ?label"
        )
    )
    build.article_counts(
        grouped(
            "SELECT ?e (COUNT(DISTINCT ?art) AS ?n) WHERE { "
            + _IN_ARTICLE
            + " ?e idkr:entityType ?t } } GROUP BY ?e"
        )
    )
    build.snap.load_articles = _article_loader(store, build)
    # (the selective pattern first: Oxigraph joins in the order written)
    build.aliases(rows(_IN_ARTICLE + " ?e skos:altLabel ?alt ; idkr:entityType ?t }", "?e ?alt"))
    build.countries(rows(_IN_ARTICLE + " ?e idkr:country ?c ; idkr:entityType ?t }", "?e ?c"))
    _gazetteer_and_wikidata(store, build, store.graph_names())
    build.publications(
        rows(
            _IN_ARTICLE + " OPTIONAL { ?art schema:publisher ?pub } "
            "OPTIONAL { ?art schema:datePublished ?d } }",
            "?art ?pub ?d",
        )
    )
    build.events(
        rows(
            _IN_ARTICLE + " ?ev a schema:Event ; idkr:eventType ?t . "
            "OPTIONAL { ?ev schema:startDate ?d } OPTIONAL { ?ev schema:location ?loc } "
            "OPTIONAL { ?ev idkr:confidence ?conf } }",
            "?art ?ev ?t ?d ?loc ?conf",
        )
    )
    build.attendees(rows(_IN_ARTICLE + " ?ev a schema:Event ; schema:attendee ?p }", "?ev ?p"))
    build.event_evidence(rows(_IN_ARTICLE + " ?ev a schema:Event ; idkr:evidence ?x }", "?ev ?x"))
    build.agreements(
        rows(
            _IN_ARTICLE + " ?ev a schema:Event ; idkr:agreement ?a . ?a idkr:agreementType ?t "
            "OPTIONAL { ?a idkr:confidence ?conf } }",
            "?ev ?a ?t ?conf",
        )
    )
    build.agreement_values(
        rows(
            _IN_ARTICLE + " ?ev idkr:agreement ?a . ?a ?prop ?value "
            "VALUES ?prop { idkr:party idkr:signatory idkr:sector } }",
            "?a ?prop ?value",
        )
    )
    build.memberships(
        rows(
            _IN_ARTICLE + " ?m a org:Membership ; org:member ?person ; org:organization ?org ; "
            "idkr:post ?post . OPTIONAL { ?m org:role ?role } "
            "OPTIONAL { ?m idkr:roleModifier ?mod } OPTIONAL { ?m idkr:observedOn ?obs } "
            "OPTIONAL { ?m idkr:confidence ?conf } }",
            "?art ?m ?person ?org ?post ?role ?mod ?obs ?conf",
        )
    )
    build.membership_evidence(
        rows(_IN_ARTICLE + " ?m a org:Membership ; idkr:evidence ?x }", "?m ?x")
    )
    return build.snap


class WrittenGraphs:
    """The article graphs an ingest writes, as the consolidation reads them: the ingest
    adds each graph's :class:`~kg.build.GraphFacts` once it is stored, and
    :meth:`snapshot` gives the consolidation's :class:`Snapshot` without reading the
    graphs back (about 1.3 ms of CPU per article on an embedded store), as long as they
    are all the article graphs the store holds. Each graph is taken in as it comes (the
    snapshot grows as the store does; no rows are kept), so the result is the
    :func:`read_snapshot` of the same graphs."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self._build: _SnapshotBuilder | None = _SnapshotBuilder()
        self._graphs: set[str] = set()
        self.graphs_seen: frozenset[str] = frozenset()  # the store's, as snapshot() saw them
        # rows naming an event, agreement or membership of a graph not taken in yet
        self._left: dict[str, list[tuple]] = defaultdict(list)

    def add(self, graph: str, facts: GraphFacts | None) -> None:
        """Take in a stored graph's facts (None: not an article graph, or not made)."""
        build = self._build
        if build is None:
            return
        if graph in self._graphs or facts is None or facts.graph != graph:
            self._build = None  # written twice (its first facts are in), or unknown: read
            self._left.clear()
            return
        self._graphs.add(graph)
        n = len(facts.articles)
        intern = build.intern
        labelled = list(intern(facts.labelled))
        build.labels((e, t, label, n) for e, t, label in labelled)
        build.article_counts((e, n) for e in dict.fromkeys(e for e, _t, _l in labelled))
        build.aliases(intern(facts.aliases))
        build.countries(intern(facts.countries))
        build.publications(intern(facts.published))
        build.events(intern(facts.events))
        left = self._left
        left["attendees"] += build.attendees(intern(facts.attendees))
        left["event_evidence"] += build.event_evidence(intern(facts.event_evidence))
        left["agreements"] += build.agreements(intern(facts.agreements))
        left["agreement_values"] += build.agreement_values(intern(facts.agreement_values))
        build.memberships(intern(facts.memberships))
        left["membership_evidence"] += build.membership_evidence(intern(facts.membership_evidence))

    def snapshot(self, store: KGStore) -> Snapshot | None:
        """The snapshot of every article graph in ``store``, or None if the store holds
        article graphs this ingest did not write (or the store is a server: what it
        gives back may be written differently): then :func:`read_snapshot` it."""
        build = self._build
        if build is None or store.remote:
            return None
        graphs = store.graph_names()
        self.graphs_seen = frozenset(graphs)
        derived = (GAZETTEER_GRAPH, CONSOLIDATED_GRAPH, OVERRIDES_GRAPH, SUMMARY_GRAPH)
        own = {self.base + g for g in derived}
        if any(g not in self._graphs and g not in own for g in graphs):
            return None
        for step in (
            "attendees",
            "event_evidence",
            "agreements",
            "agreement_values",
            "membership_evidence",
        ):
            getattr(build, step)(self._left.pop(step, []))
        build.snap.load_articles = _article_loader(store, build)
        _gazetteer_and_wikidata(store, build, graphs)
        self._build = None  # once
        return build.snap


# --------------------------------------------------------------------------- entity merges


@dataclass(frozen=True)
class Merge:
    """Two entity IRIs found to be the same, and why."""

    a: str
    b: str  # the better-known of the two (the canonical side)
    rule: str
    confidence: float
    reason: str


@dataclass
class Clusters:
    """Union–find over entity IRIs that refuses merges its constraints forbid."""

    snap: Snapshot
    refused: set[frozenset[str]] = field(default_factory=set)
    parent: dict[str, str] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    accepted: list[Merge] = field(default_factory=list)
    rejected: list[tuple[Merge, str]] = field(default_factory=list)
    _canonical: dict[str, str] = field(default_factory=dict)
    _of: dict[str, str] = field(default_factory=dict)  # canonical() per IRI, until a union

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def group(self, x: str) -> set[str]:
        return self.members.get(self.find(x), {x})

    def why_not(self, a: str, b: str) -> str | None:
        ga, gb = self.group(a), self.group(b)
        if any(frozenset((x, y)) in self.refused for x in ga for y in gb):
            return "refused by the overrides file"
        ents = self.snap.entities
        gaz = {x for x in ga | gb if ents[x].gazetteer_label}
        if len(gaz) > 1:
            return "two gazetteer entries are different entities"
        countries = set().union(*(ents[x].countries for x in ga | gb))
        if len(countries) > 1:
            return f"different countries ({', '.join(sorted(countries))})"
        return None

    def union(self, merge: Merge) -> bool:
        ra, rb = self.find(merge.a), self.find(merge.b)
        if ra == rb:
            return False
        problem = self.why_not(merge.a, merge.b)
        if problem:
            self.rejected.append((merge, problem))
            return False
        ga, gb = self.group(ra), self.group(rb)
        root, other = (ra, rb) if ra < rb else (rb, ra)
        self.parent[other] = root
        self.members[root] = ga | gb
        self.members.pop(other, None)
        self._canonical.clear()
        self._of.clear()
        self.accepted.append(merge)
        return True

    def canonical(self, x: str) -> str:
        best = self._of.get(x)
        if best is None:
            best = self._of[x] = self._canonical_of(x)
        return best

    def _canonical_of(self, x: str) -> str:
        if x not in self.snap.entities:
            return x  # not an entity of any article (nothing to merge)
        root = self.find(x)
        best = self._canonical.get(root)
        if best is None or best not in self.members.get(root, {root}):
            best = min(self.group(root), key=lambda e: _rank(self.snap.entities[e]))
            self._canonical[root] = best
        return best


def _rank(e: EntityInfo) -> tuple:
    """Better-known first: a gazetteer entry, in more articles, with the fullest name."""
    return (e.gazetteer_label is None, -(e.article_count or len(e.articles)), -len(e.label), e.iri)


def _same_family(a: EntityInfo, b: EntityInfo) -> bool:
    return a.type == b.type or (a.type in ORG_TYPES and b.type in ORG_TYPES)


def _countries_ok(a: EntityInfo, b: EntityInfo, strict: bool = False) -> bool:
    if strict:
        return bool(a.countries) and a.countries == b.countries
    return not a.countries or not b.countries or a.countries == b.countries


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", name.casefold()) if t]


def _entities_named(snap: Snapshot, needle: str) -> set[str]:
    """Entities whose IRI is ``needle`` or that carry it as a label or alias."""
    if needle in snap.entities:
        return {needle}
    if snap.name_index is None:
        index: dict[str, set[str]] = defaultdict(set)
        for e in snap.entities.values():
            for n in e.names():
                index[name_key(n)].add(e.iri)
        snap.name_index = dict(index)
    return set(snap.name_index.get(name_key(needle), ()))


def _pair(snap: Snapshot, x: str, y: str, rule: str, reason: str) -> Merge:
    a, b = sorted((x, y), key=lambda e: _rank(snap.entities[e]), reverse=True)
    return Merge(a, b, rule, RULES[rule], reason)


def _contexts(snap: Snapshot):
    """What an entity is seen with: posts and organisations it is a member of, the other
    participants and the place of its events, the participants of events at a place
    (countries left out: they are everywhere)."""
    ents = snap.entities
    found: dict[str, set[str]] = defaultdict(set)
    for m in snap.memberships.values():
        found[m.person] |= {m.post, m.organization}
        found[m.organization].add(m.person)
    for ev in snap.events.values():
        people = set(ev.attendees)
        for a in ev.agreements:
            people |= a.parties | a.signatories
        people = {p for p in people if p in ents and ents[p].type != "Country"}
        for p in people:
            found[p] |= people - {p}
            if ev.location:
                found[p].add(ev.location)
        if ev.location:
            found[ev.location] |= people

    def context(iri: str) -> set[str]:
        return found.get(iri, set())

    return context


def merge_candidates(snap: Snapshot, overrides: Overrides) -> list[Merge]:
    """Every pair of entities a rule says are the same (before constraints)."""
    ents = snap.entities
    out: list[Merge] = []
    context = _contexts(snap)

    # user overrides and well-known nicknames
    for item in overrides.aliases:
        for t in sorted(_entities_named(snap, item.target)):
            for name in item.names:
                for e in sorted(_entities_named(snap, name) - {t}):
                    out.append(_pair(snap, e, t, "override-alias", f"'{name}' is an alias"))
    for name, alias, etype, country in known_aliases():
        targets = [
            e
            for e in sorted(_entities_named(snap, name))
            if ents[e].type == etype and (not ents[e].countries or country in ents[e].countries)
        ]
        for t in targets:
            for e in sorted(_entities_named(snap, alias) - {t}):
                if ents[e].type == etype and _countries_ok(ents[e], ents[t]):
                    out.append(_pair(snap, e, t, "known-alias", f"'{alias}' is {name}"))

    # one Wikidata item
    by_wd: dict[str, list[str]] = defaultdict(list)
    for e in ents.values():
        for wd in e.wikidata:
            by_wd[wd].append(e.iri)
    for wd, iris in sorted(by_wd.items()):
        for x in sorted(iris)[1:]:
            out.append(_pair(snap, sorted(iris)[0], x, "same-wikidata", wd))

    # one name: a label of one entity, the label or an alias of another
    labelled: dict[str, set[str]] = defaultdict(set)
    aliased: dict[str, set[str]] = defaultdict(set)
    for e in ents.values():
        for lab in set(e.labels) | ({e.gazetteer_label} if e.gazetteer_label else set()):
            labelled[name_key(lab)].add(e.iri)
        for alias in e.aliases:
            aliased[name_key(alias)].add(e.iri)
    for key in sorted(labelled):
        owners = sorted(labelled[key])
        others = sorted(aliased.get(key, set()) - set(owners))
        for x in owners[1:]:
            if _same_family(ents[owners[0]], ents[x]):
                out.append(_pair(snap, owners[0], x, "same-name", "the same name"))
        if len(others) == 1:  # an alias shared by several entities names none of them
            for x in owners:
                y = others[0]
                if _same_family(ents[x], ents[y]) and _countries_ok(ents[x], ents[y]):
                    out.append(_pair(snap, x, y, "alias-of", f"'{ents[x].label}' is an alias"))

    persons = sorted((e for e in ents.values() if e.type == "Person"), key=lambda e: e.iri)
    # Korean names in Hangul and in Latin letters; foreign names written in Hangul
    by_korean: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_translit: dict[str, list[str]] = defaultdict(list)
    for p in persons:
        for name in sorted(set(p.labels) | p.aliases):
            kn = korean_name(name)
            if kn is not None and (has_hangul(name) or "KR" in p.countries or not p.countries):
                for s in kn.surnames:
                    by_korean[(s, kn.given)].append(p.iri)
            elif len(_tokens(name)) >= 2:
                by_translit[transliteration_key(name)].append(p.iri)
    for index, rule in ((by_korean, "romanisation"), (by_translit, "transliteration")):
        for _key, iris in sorted(index.items()):
            iris = sorted(set(iris))
            hangul = [x for x in iris if any(has_hangul(n) for n in ents[x].labels)]
            latin = [x for x in iris if x not in hangul]
            for x in hangul:
                for y in latin:
                    if _countries_ok(ents[x], ents[y]):
                        out.append(_pair(snap, x, y, rule, f"romanised {ents[x].label}"))
            if rule == "romanisation":  # Latin spellings of one Korean name (Suh / Seo)
                # many Koreans share a name: two spellings are one person only when they
                # also share a post or an event
                for y in latin[1:]:
                    if _countries_ok(ents[latin[0]], ents[y]) and context(latin[0]) & context(y):
                        out.append(_pair(snap, latin[0], y, rule, "Korean name spellings"))

    # a part of a fuller name ("Pramono" → "Pramono Anung"), if it fits only one person
    by_token: dict[str, set[str]] = defaultdict(set)
    for p in persons:
        for tok in _tokens(p.label):
            by_token[tok].add(p.iri)
    surnames = {s.casefold() for spellings in _surnames() for s in spellings}
    for p in persons:
        toks = _tokens(p.label)
        if not toks or has_hangul(p.label):
            continue
        if len(toks) == 1 and (len(toks[0]) < 4 or toks[0] in surnames):
            continue
        fuller = set.intersection(*(by_token[t] for t in toks)) - {p.iri}
        fuller = {
            f
            for f in fuller
            if set(toks) < set(_tokens(ents[f].label)) and _countries_ok(p, ents[f])
        }
        if len(fuller) == 1:
            (f,) = fuller
            out.append(_pair(snap, p.iri, f, "name-part", f"'{p.label}' is part of the name"))

    # acronyms of organisations in the same country
    orgs = sorted((e for e in ents.values() if e.type in ORG_TYPES), key=lambda e: e.iri)
    by_initial: dict[str, list[EntityInfo]] = defaultdict(list)
    for o in orgs:
        if len(_tokens(o.label)) >= 2:
            by_initial[o.label[:1].casefold()].append(o)
    for o in orgs:
        short = o.label
        if not re.fullmatch(r"[A-Z][A-Za-z]{1,9}", short) or short.istitle() and len(short) > 7:
            continue
        found = [
            f
            for f in by_initial.get(short[:1].casefold(), [])
            if f.iri != o.iri
            and _countries_ok(o, f, strict=True)
            and any(is_acronym(short, n, _STOP) for n in f.labels or [f.label])
        ]
        if len(found) == 1:
            out.append(_pair(snap, o.iri, found[0].iri, "acronym", f"'{short}' abbreviates"))

    # spelling slips: one letter off in a long name, same type and the same known country,
    # and something in common (a post, an organisation, an event's other participants):
    # "Dedi Wibowo" and "Dewi Wibowo" are two people. Korean names are left to the
    # romanisation rule (Cho and Choe are different surnames).
    from rapidfuzz.distance import Levenshtein

    blocks: dict[tuple[str, str, str], list[EntityInfo]] = defaultdict(list)
    for e in ents.values():
        key = name_key(e.label)
        if e.countries and not has_hangul(key) and len(key) >= 8:
            if e.type == "Person" and korean_name(e.label) is not None:
                continue
            blocks[(e.type, min(e.countries), key[:2])].append(e)
    digit = re.compile(r"\d")
    for _block, members in sorted(blocks.items()):
        members.sort(key=lambda e: e.iri)
        # (each member's label, name key and word count, worked out once per member)
        named = [(e, e.label) for e in members]
        keys = [name_key(label) for _e, label in named]
        words = [len(_tokens(label)) for _e, label in named]
        digits = [digit.search(k) is not None for k in keys]
        for i, (x, x_label) in enumerate(named):
            kx = keys[i]
            for j in range(i + 1, len(named)):
                y, y_label = named[j]
                ky = keys[j]
                limit = 2 if min(len(kx), len(ky)) >= 16 else 1
                if (
                    not (x.gazetteer_label and y.gazetteer_label)
                    and words[i] == words[j]
                    and not (digits[i] or digits[j])
                    and Levenshtein.distance(kx, ky, score_cutoff=limit) <= limit
                    and context(x.iri) & context(y.iri)
                ):
                    out.append(_pair(snap, x.iri, y.iri, "spelling", f"'{x_label}'/'{y_label}'"))
    return out


@lru_cache(maxsize=1)
def _surnames() -> tuple[tuple[str, ...], ...]:
    from .resolve import korean_surnames

    return tuple(korean_surnames().values())


def cluster_entities(snap: Snapshot, overrides: Overrides) -> Clusters:
    """Apply the merge rules, most trusted first, under the refusals and constraints."""
    clusters = Clusters(snap)
    for names in overrides.refusals:
        groups = [_entities_named(snap, n) for n in names]
        for i, gx in enumerate(groups):
            for gy in groups[i + 1 :]:
                clusters.refused |= {frozenset((x, y)) for x in gx for y in gy if x != y}
    candidates = merge_candidates(snap, overrides)
    candidates.sort(key=lambda m: (-m.confidence, m.rule, m.a, m.b))
    seen: set[tuple[str, str]] = set()
    for m in candidates:
        if (m.a, m.b) in seen:
            continue
        seen.add((m.a, m.b))
        clusters.union(m)
    return clusters


# --------------------------------------------------------------------------- events


@lru_cache(maxsize=1 << 16)
def _parse_day(value: str | None) -> date | None:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def dates_compatible(a: str | None, b: str | None, window: int = DATE_WINDOW_DAYS) -> bool:
    """Two event dates that may be one event: days within the window, or one a prefix."""
    if a is None or b is None:
        return True
    da, db = _parse_day(a), _parse_day(b)
    if da and db:
        return abs((da - db).days) <= window
    return a.startswith(b) or b.startswith(a)


Span = tuple[date, date]


@lru_cache(maxsize=1 << 16)
def _span(value: str) -> Span | None:
    """The first and last day a date can mean: YYYY-MM-DD, YYYY-MM, YYYY or a range A/B
    (None for anything else)."""
    start, sep, end = value.partition("/")
    first, last = _bounds(start.strip()), _bounds(end.strip()) if sep else None
    if first is None or (sep and last is None):
        return None
    return first[0], (last or first)[1]


def _bounds(value: str) -> Span | None:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            return day, day
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = int(value[:4]), int(value[5:])
            after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return date(year, month, 1), after - timedelta(days=1)
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1), date(int(value), 12, 31)
    except ValueError:
        return None
    return None


def undated_window(published: str | None) -> Span | None:
    """When an event its article reports without a date can have happened: the
    :data:`UNDATED_WINDOW_DAYS` before the article's publication up to the publication
    (None without a readable publication date: then it could be any time)."""
    span = _span(published[:10] if published and len(published) > 10 else published or "")
    if span is None:
        return None
    return span[0] - timedelta(days=UNDATED_WINDOW_DAYS), span[1]


def _spans_meet(a: Span, b: Span, slack: int = DATE_WINDOW_DAYS) -> bool:
    return (a[0] - b[1]).days <= slack and (b[0] - a[1]).days <= slack


def reports_compatible(
    date_a: str | None, window_a: Span | None, date_b: str | None, window_b: Span | None
) -> bool:
    """Two event reports that may be one event, by when they happened.

    Two dates: :func:`dates_compatible`. An undated report (``date`` None or empty) with a
    ``window`` (:func:`undated_window` of its article's publication) meets a date or
    another window within :data:`DATE_WINDOW_DAYS` of its window; one with neither date
    nor window fits any time.
    """
    if date_a and date_b:
        return dates_compatible(date_a, date_b)
    a = _span(date_a) if date_a else window_a
    b = _span(date_b) if date_b else window_b
    if a is None or b is None:  # no window, or a date we cannot read: as before
        return True
    return _spans_meet(a, b)


@dataclass
class EventCluster:
    members: list[EventInfo]

    @property
    def articles(self) -> set[str]:
        return {m.article for m in self.members}


def event_windows(snap: Snapshot) -> dict[str, Span]:
    """:func:`undated_window` of every undated event whose article has a publication date."""
    out: dict[str, Span] = {}
    for ev in snap.events.values():
        if not ev.date:
            window = undated_window(snap.published.get(ev.article))
            if window is not None:
                out[ev.iri] = window
    return out


def cluster_events(snap: Snapshot, clusters: Clusters) -> list[EventCluster]:
    """Group event statements of different articles that report one event.

    A pair qualifies with the same event type, compatible dates (see
    :func:`reports_compatible`) and a shared participant (attendee or agreement party,
    after entity merges) that is not a country, or two shared countries. A group never
    holds two events of one article, two reports whose dates do not fit together, or two
    different kinds of agreement.
    """
    canon = clusters.canonical
    ents = snap.entities
    events = sorted(snap.events.values(), key=lambda e: e.iri)
    windows = event_windows(snap)
    parts: dict[str, set[str]] = {}
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ev in events:
        ps = {canon(p) for p in ev.attendees if p in ents}
        for a in ev.agreements:
            ps |= {canon(p) for p in a.parties if p in ents}
        parts[ev.iri] = ps
        # candidates share a participant that is not a country; events with countries only
        # meet those naming the same countries in the same month (countries are in
        # thousands of events, so comparing all of them would be quadratic)
        countries = sorted(p for p in ps if ents[p].type == "Country")
        for p in ps:
            if ents[p].type != "Country":
                by_key[(ev.type, p)].append(ev.iri)
        if len(countries) >= 2:
            for month in _months_near(ev.date, windows.get(ev.iri)):
                by_key[(ev.type, "|".join(countries) + "@" + month)].append(ev.iri)
    pairs: set[tuple[str, str]] = set()
    for iris in by_key.values():
        _dated_pairs(iris, snap.events, pairs, windows)
    country = {p for ps in parts.values() for p in ps if ents[p].type == "Country"}
    scored = []
    for x, y in pairs:
        ex, ey = snap.events[x], snap.events[y]
        if ex.article == ey.article:
            continue
        shared = parts[x] & parts[y]
        if len(shared) < 2 and not (shared - country):
            continue
        exact = ex.date is not None and ex.date == ey.date
        scored.append((-len(shared), not exact, x, y))
    del pairs
    scored.sort()

    # groups, with what _event_group_ok checks kept per group (a group is always
    # consistent, so a join only needs checking across the two groups)
    group_of = {ev.iri: i for i, ev in enumerate(events)}
    groups: dict[int, list[EventInfo]] = {i: [ev] for i, ev in enumerate(events)}
    articles = {i: {ev.article} for i, ev in enumerate(events)}
    dates = {i: {ev.date} if ev.date else set() for i, ev in enumerate(events)}
    spans = {i: {windows[ev.iri]} if ev.iri in windows else set() for i, ev in enumerate(events)}
    kinds = {i: {a.type for a in ev.agreements if a.type != "Other"} for i, ev in enumerate(events)}
    for *_score, x, y in scored:
        gx, gy = group_of[x], group_of[y]
        if gx == gy:
            continue
        if (
            not articles[gx].isdisjoint(articles[gy])
            or len(kinds[gx] | kinds[gy]) > 1
            or not all(dates_compatible(a, b) for a in dates[gx] for b in dates[gy])
            or not _windows_fit(spans[gx], dates[gy], spans[gy])
            or not _windows_fit(spans[gy], dates[gx], set())
        ):
            continue
        keep, drop = min(gx, gy), max(gx, gy)
        groups[keep] = groups[gx] + groups[gy]
        for ev in groups.pop(drop):
            group_of[ev.iri] = keep
        articles[keep] |= articles.pop(drop)
        dates[keep] |= dates.pop(drop)
        spans[keep] |= spans.pop(drop)
        kinds[keep] |= kinds.pop(drop)
    return [
        EventCluster(sorted(g, key=lambda e: e.iri))
        for g in sorted(groups.values(), key=lambda g: min(e.iri for e in g))
    ]


def _windows_fit(windows: set[Span], dates: set[str], others: set[Span]) -> bool:
    """Each of ``windows`` (undated reports) fits each of ``dates`` and ``others``."""
    for w in windows:
        for d in dates:
            if not reports_compatible(None, w, d, None):
                return False
        for o in others:
            if not _spans_meet(w, o):
                return False
    return True


def _dated_pairs(
    iris: list[str],
    events: dict[str, EventInfo],
    pairs: set[tuple[str, str]],
    windows: dict[str, Span] | None = None,
) -> None:
    """Add to ``pairs`` every pair of ``iris`` whose dates are compatible (as
    :func:`reports_compatible` says, with ``windows`` from :func:`event_windows`), without
    comparing every pair: events are bucketed by date, and a date meets only its own
    bucket, the days of the window after it, its prefixes (2024 and 2024-05 for
    2024-05-03); an undated event with a window only the dates and windows it meets; an
    undated event without one every event."""
    if len(iris) < 2:
        return
    windows = windows if windows is not None else {}
    anytime: list[str] = []
    windowed: list[tuple[Span, str]] = []
    by_date: dict[str, list[str]] = defaultdict(list)
    for x in iris:
        when = events[x].date
        if when:
            by_date[when].append(x)
        elif x in windows:
            windowed.append((windows[x], x))
        else:
            anytime.append(x)  # None or "" without a publication date: fits any date

    def add(xs: list[str], ys: list[str]) -> None:
        for x in xs:
            for y in ys:
                if x != y:
                    pairs.add((x, y) if x < y else (y, x))

    add(anytime, iris)
    for when, xs in by_date.items():
        add(xs, xs)
        day = _parse_day(when)
        if day is not None:
            for k in range(1, DATE_WINDOW_DAYS + 1):
                later = by_date.get((day + timedelta(days=k)).isoformat())
                if later:
                    add(xs, later)
        for n in range(1, len(when)):
            shorter = by_date.get(when[:n])
            if shorter:
                add(xs, shorter)
    if not windowed:
        return
    # undated reports with a window: the dates that fall in it (plain days looked up day
    # by day, months and years by name, anything else checked one by one) …
    other_dates = [w for w in by_date if _parse_day(w) is None]
    slack = timedelta(days=DATE_WINDOW_DAYS)
    for (first, last), x in windowed:
        names = _date_names(first, last)
        for when in names:
            found = by_date.get(when)
            if found:
                add([x], found)
        for when in other_dates:
            if when not in names and reports_compatible(None, (first, last), when, None):
                add([x], by_date[when])
    # … and the other windows that meet it (sorted by start: a later window meets this
    # one when it starts before this one ends, give or take the slack)
    windowed.sort()
    starts = [w[0][0] for w in windowed]
    for i, ((_first, last), x) in enumerate(windowed):
        end = bisect_right(starts, last + slack)
        add([x], [y for _w, y in windowed[i + 1 : end]])


@lru_cache(maxsize=1 << 12)
def _date_names(first: date, last: date) -> frozenset[str]:
    """Every day, month and year (as ISO text) from :data:`DATE_WINDOW_DAYS` before
    ``first`` to as many after ``last`` (windows recur: one per publication date)."""
    slack = timedelta(days=DATE_WINDOW_DAYS)
    day, hi = first - slack, last + slack
    names: set[str] = set()
    while day <= hi:
        iso = day.isoformat()
        names.add(iso)
        names.add(iso[:7])
        names.add(iso[:4])
        day += timedelta(days=1)
    return frozenset(names)


def _months_near(value: str | None, window: Span | None = None) -> set[str]:
    """The months a date window around ``value`` touches ("" for an undated event
    without a ``window``; the months of the window, give or take the slack, with one)."""
    if not value and window is not None:
        day, last = window[0] - timedelta(days=DATE_WINDOW_DAYS), window[1]
        months = set()
        while day <= last + timedelta(days=DATE_WINDOW_DAYS):
            months.add(day.isoformat()[:7])
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        months.add((last + timedelta(days=DATE_WINDOW_DAYS)).isoformat()[:7])
        return months
    day = _parse_day(value)
    if day is None:
        return {(value or "")[:7]}
    return {
        (day + timedelta(days=k)).isoformat()[:7] for k in (-DATE_WINDOW_DAYS, 0, DATE_WINDOW_DAYS)
    }


def _event_group_ok(members: list[EventInfo], published: dict[str, str] | None = None) -> bool:
    articles = [m.article for m in members]
    if len(articles) != len(set(articles)):
        return False
    published = published or {}
    when = [(m.date, None if m.date else undated_window(published.get(m.article))) for m in members]
    if any(not reports_compatible(*a, *b) for i, a in enumerate(when) for b in when[i + 1 :]):
        return False
    kinds = {a.type for m in members for a in m.agreements if a.type != "Other"}
    return len(kinds) <= 1


# --------------------------------------------------------------------------- output


@dataclass
class ConsolidationSummary:
    merges: int = 0
    merged_entities: int = 0
    events: int = 0
    multi_source_events: int = 0
    agreements: int = 0
    lifecycle_links: int = 0
    tenures: int = 0
    triples: int = 0
    rejected: list[str] = field(default_factory=list)
    link_summary: SummaryCounts | None = None  # the link summary written afterwards


# One encoder for every digest: json.dumps with these options would build a new encoder
# on every call. The text it makes (and so every hash) is the same.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest(*parts: object) -> str:
    return hashlib.sha1(_CANONICAL.encode(parts).encode("utf-8")).hexdigest()[:16]


def _decimal(x: float) -> Literal:
    return Literal(Decimal(str(round(min(max(x, 0.0), 1.0), 3))))


def _corroborated(confidences: Iterable[float]) -> float:
    """Confidence that at least one of several independent reports is right."""
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - c
    return 1.0 - miss


def _best_date(values: list[str]) -> str | None:
    """The most precise date most reports agree on."""
    if not values:
        return None
    counts = Counter(values)
    return min(counts, key=lambda d: (-len(d), -counts[d], d))


# Terms of the output as N-Triples text: the derived graph is written as N-Triples, and
# building it through rdflib terms and a Graph cost more than everything else together.
_XSD = str(XSD)
_A = str(RDF.type)
_STATEMENT = f"<{RDF.Statement}>"
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_SAME_AS = str(OWL.sameAs)
_LABEL, _COMMENT = str(RDFS.label), str(RDFS.comment)
_RULE, _CONFIDENCE, _EVIDENCE = str(IDKR.rule), str(IDKR.confidence), str(IDKR.evidence)
_MENTION, _ARTICLE_COUNT = str(IDKR.mention), str(IDKR.articleCount)
_DERIVED, _GENERATED = str(PROV.wasDerivedFrom), str(PROV.wasGeneratedBy)
_START, _LOCATION, _ATTENDEE = str(SCHEMA.startDate), str(SCHEMA.location), str(SCHEMA.attendee)
# (rdflib namespace look-ups cost a few µs each: made once here, not in the loops)
_CONSOLIDATED_EVENT = str(IDKR.ConsolidatedEvent)
_EVENT_TYPE = str(IDKR.eventType)
_SOURCE_COUNT = str(IDKR.sourceCount)
_CONSOLIDATED_AGREEMENT = str(IDKR.ConsolidatedAgreement)
_AGREEMENT_TYPE = str(IDKR.agreementType)
_PARTY = str(IDKR.party)
_SIGNATORY = str(IDKR.signatory)
_SECTOR = str(IDKR.sector)
_AGREEMENT = str(IDKR.agreement)
_SIGNED_AT = str(IDKR.signedAt)
_TENURE = str(IDKR.Tenure)
_MEMBER = str(ORG.member)
_ORGANIZATION = str(ORG.organization)
_POST = str(IDKR.post)
_ROLE = str(ORG.role)
_FIRST_OBSERVED = str(IDKR.firstObserved)
_LAST_OBSERVED = str(IDKR.lastObserved)
_RENEWS, _FOLLOWS = str(IDKR.renews), str(IDKR.follows)


def _lit(text: str) -> str:
    return str(ox.Literal(text))


def _int(n: int) -> str:
    return f'"{n}"^^<{_XSD}integer>'


@lru_cache(maxsize=1 << 12)
def _dec(x: float) -> str:
    # the canonical form, as the store gives it back ("1", not "1.0"), so that a
    # graph compared with the stored one shows no false differences
    text = str(_decimal(x))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f'"{text}"^^<{_XSD}decimal>'


@lru_cache(maxsize=1 << 14)
def _date(value: str) -> str:
    (lexical, datatype), _end = date_values(value)
    return f'"{lexical}"^^<{datatype}>'


class _Node:
    """The N-Triples lines about one subject; a triple said twice is written once."""

    __slots__ = ("_lines", "_out", "_s")

    def __init__(self, out: list[bytes], iri: str) -> None:
        self._out = out
        self._s = f"<{iri}> <"
        self._lines: dict[str, None] = {}

    def add(self, predicate: str, obj: str) -> None:
        """``obj`` in N-Triples syntax (see ``_lit``, ``_int`` …)."""
        self._lines[f"{self._s}{predicate}> {obj} ."] = None

    def iri(self, predicate: str, iri: str) -> None:
        self._lines[f"{self._s}{predicate}> <{iri}> ."] = None

    def done(self) -> None:
        # (encoded together and split: N-Triples lines hold no line break)
        if self._lines:
            self._out.extend("\n".join(self._lines).encode("utf-8").split(b"\n"))


def consolidated_graph(
    snap: Snapshot,
    overrides: Overrides | None = None,
    base: str = DEFAULT_BASE,
    summary: ConsolidationSummary | None = None,
) -> Graph:
    """The derived graph for ``snap`` as an rdflib Graph (see :func:`consolidated_triples`)."""
    g = bind_prefixes(Graph(identifier=URIRef(base + CONSOLIDATED_GRAPH)), base)
    for line in consolidated_triples(snap, overrides, base, summary):
        # (IRIs hold no spaces; split by hand: tests use IRIs an N-Triples parser refuses)
        s, p, o = line.decode("utf-8")[:-2].split(" ", 2)
        if o.startswith("<"):
            obj = URIRef(o[1:-1])
        else:
            (triple,) = ox.parse(f"<x:s> <x:p> {o} .", ox.RdfFormat.N_TRIPLES)
            obj = to_rdflib(triple.object)
        g.add((URIRef(s[1:-1]), URIRef(p[1:-1]), obj))
    return g


def consolidated_triples(
    snap: Snapshot,
    overrides: Overrides | None = None,
    base: str = DEFAULT_BASE,
    summary: ConsolidationSummary | None = None,
    on_lines: Callable[[list[bytes]], None] | None = None,
) -> list[bytes]:
    """The derived graph for ``snap`` — merges, events, agreements, lifecycle, tenures — as
    N-Triples lines in UTF-8 (no duplicates, no line ends). ``on_lines`` is handed the
    lines as they are made, in parts of about :data:`WRITE_CHUNK` (all of them by the
    end), so that they can be stored while the rest is computed; they are not kept (the
    list returned is then empty: memory does not grow with the graph)."""
    summary = summary if summary is not None else ConsolidationSummary()
    overrides = overrides or Overrides()
    out: list[bytes] = []
    handed = 0

    def hand_on(last: bool = False) -> None:
        nonlocal handed
        if on_lines is not None and (len(out) >= WRITE_CHUNK or last):
            if out:
                on_lines(out[:])
            handed += len(out)
            out.clear()  # (the nodes hold this list: cleared in place)

    generator = f"{base}consolidator/idkr-kg-{kg.__version__}"
    clusters = cluster_entities(snap, overrides)
    ents = snap.entities

    labels: dict[str, str] = {}  # (the clusters are final: each IRI's label is looked up once)

    def label(iri: str) -> str:
        text = labels.get(iri)
        if text is None:
            text = labels[iri] = (
                ents[clusters.canonical(iri)].label if iri in ents else iri.rsplit("/", 1)[-1]
            )
        return text

    # entity merges
    if snap.load_articles is not None:
        snap.load_articles(sorted({x for m in clusters.accepted for x in (m.a, m.b)}))
    for m in sorted(clusters.accepted, key=lambda m: (m.a, m.b)):
        same = _Node(out, m.a)
        same.iri(_SAME_AS, m.b)
        same.done()
        node = _Node(out, f"{base}merge/{_digest(m.a, m.b)}")
        node.add(_A, _STATEMENT)
        node.iri(_SUBJECT, m.a)
        node.iri(_PREDICATE, _SAME_AS)
        node.iri(_OBJECT, m.b)
        node.add(_RULE, _lit(m.rule))
        node.add(_CONFIDENCE, _dec(m.confidence))
        node.add(_COMMENT, _lit(m.reason))
        node.iri(_GENERATED, generator)
        for art in sorted(ents[m.a].articles | ents[m.b].articles):
            node.iri(_DERIVED, art)
        node.done()
    summary.merges = len(clusters.accepted)
    summary.merged_entities = sum(len(v) for v in clusters.members.values() if len(v) > 1)
    summary.rejected = [
        f"{m.rule}: {label(m.a)} <{m.a}> / <{m.b}> not merged: {why}"
        for m, why in sorted(clusters.rejected, key=lambda r: (r[0].a, r[0].b, r[0].rule))
    ]
    for item in overrides.aliases:
        if not _entities_named(snap, item.target):
            summary.rejected.append(f"override alias: no entity called '{item.target}' yet")
    for names in overrides.refusals:
        for name in names:
            if not _entities_named(snap, name):
                summary.rejected.append(f"override refuse: no entity called '{name}' yet")

    # cross-article events and their agreements
    agreement_nodes: list[tuple[str, str, str | None, frozenset[str], set[str], set[str]]] = []
    for cluster in cluster_events(snap, clusters):
        hand_on()
        members = cluster.members
        articles = cluster.articles
        ev_type = members[0].type
        node_iri = f"{base}event/x-{_digest([m.iri for m in members])}"
        node = _Node(out, node_iri)
        summary.events += 1
        if len(articles) > 1:
            summary.multi_source_events += 1
        node.iri(_A, _CONSOLIDATED_EVENT)
        node.iri(_EVENT_TYPE, f"{CONCEPT}event-type/{ev_type}")
        when = _best_date([m.date for m in members if m.date])
        attendees = sorted({clusters.canonical(p) for m in members for p in m.attendees})
        names = ", ".join(label(p) for p in attendees)
        text = f"{ev_type}: {names}" if names else ev_type
        node.add(_LABEL, _lit(f"{text} ({when})" if when else text))
        if when:
            node.add(_START, _date(when))
        places = Counter(clusters.canonical(m.location) for m in members if m.location in ents)
        if places:
            place = min(places, key=lambda p: (-places[p], p))
            node.iri(_LOCATION, place)
        for p in attendees:
            node.iri(_ATTENDEE, p)
        for m in members:
            node.iri(_MENTION, m.iri)
            node.iri(_DERIVED, m.article)
            for evid in sorted(m.evidence):
                node.iri(_EVIDENCE, evid)
        outlets = {snap.publishers.get(a, a) for a in articles}
        node.add(_ARTICLE_COUNT, _int(len(articles)))
        node.add(_SOURCE_COUNT, _int(len(outlets)))
        rule = "cross-article-event" if len(articles) > 1 else "single-report"
        node.add(_RULE, _lit(rule))
        node.add(_CONFIDENCE, _dec(_corroborated(m.confidence for m in members)))
        node.iri(_GENERATED, generator)

        agreements = [a for m in members for a in m.agreements]
        if not agreements:
            node.done()
            continue
        kinds = sorted({a.type for a in agreements if a.type != "Other"}) or ["Other"]
        parties = frozenset(clusters.canonical(p) for a in agreements for p in a.parties)
        anode_iri = f"{base}agreement/x-{_digest([a.iri for a in agreements])}"
        anode = _Node(out, anode_iri)
        summary.agreements += 1
        anode.iri(_A, _CONSOLIDATED_AGREEMENT)
        anode.iri(_AGREEMENT_TYPE, f"{CONCEPT}agreement-type/{kinds[0]}")
        party_names = " – ".join(sorted(label(p) for p in parties))
        alabel = f"{kinds[0]}: {party_names}" + (f" ({when})" if when else "")
        anode.add(_LABEL, _lit(alabel))
        for p in sorted(parties):
            anode.iri(_PARTY, p)
        signatories = {clusters.canonical(s) for a in agreements for s in a.signatories}
        for s in sorted(signatories):
            anode.iri(_SIGNATORY, s)
        sectors = {s for a in agreements for s in a.sectors}
        for s in sorted(sectors):
            anode.iri(_SECTOR, s)
        node.iri(_AGREEMENT, anode_iri)
        node.done()
        if ev_type == "Signing":
            anode.iri(_SIGNED_AT, node_iri)
        for a in agreements:
            anode.iri(_MENTION, a.iri)
        for m in members:
            anode.iri(_DERIVED, m.article)
            for evid in sorted(m.evidence):
                anode.iri(_EVIDENCE, evid)
        anode.add(_ARTICLE_COUNT, _int(len(articles)))
        anode.add(_RULE, _lit(rule))
        anode.add(_CONFIDENCE, _dec(_corroborated(a.confidence for a in agreements)))
        anode.iri(_GENERATED, generator)
        anode.done()
        agreement_nodes.append((anode_iri, kinds[0], when, parties, sectors, signatories))

    summary.lifecycle_links = _add_lifecycle(out, agreement_nodes, ents, base, generator)
    summary.tenures = _add_tenures(out, snap, clusters, base, generator)
    summary.triples = handed + len(out)
    hand_on(last=True)
    return out


def _add_lifecycle(
    out: list[bytes],
    agreements: list[tuple[str, str, str | None, frozenset[str], set[str], set[str]]],
    ents: dict[str, EntityInfo],
    base: str,
    generator: str,
) -> int:
    """Link each dated agreement to the one it follows between the same parties.

    Same parties (after merges) and, when all parties are countries, a shared sector or
    signatory too (two countries sign many unrelated agreements). The predecessor is the
    latest earlier agreement of the same or an earlier stage (LoI → MoU → agreement); the
    same kind again is a renewal.
    """
    links = 0
    by_parties: dict[frozenset[str], list] = defaultdict(list)
    for a in agreements:
        if a[2] and len(a[3]) >= 2:
            by_parties[a[3]].append(a)
    dated = [a for a in agreements if a[2] and len(a[3]) >= 2]
    for node, kind, when, parties, sectors, signatories in dated:
        stage = STAGE.get(kind)
        if stage is None:
            continue
        only_countries = all(ents[p].type == "Country" for p in parties if p in ents)
        earlier = [
            other
            for other in by_parties[parties]
            if other[0] != node
            and other[2] < when
            and not (other[2] and when.startswith(other[2]))
            and STAGE.get(other[1], 99) <= stage
            and (not only_countries or (other[4] & sectors) or (other[5] & signatories))
        ]
        if not earlier:
            continue
        prev = max(earlier, key=lambda o: (o[2], STAGE.get(o[1], 0), str(o[0])))
        renewal = prev[1] == kind
        prop = _RENEWS if renewal else _FOLLOWS
        link = _Node(out, node)
        link.iri(prop, prev[0])
        link.done()
        stmt = _Node(out, f"{base}lifecycle/{_digest(node, prev[0])}")
        stmt.add(_A, _STATEMENT)
        stmt.iri(_SUBJECT, node)
        stmt.iri(_PREDICATE, prop)
        stmt.iri(_OBJECT, prev[0])
        rule = "lifecycle:renewal" if renewal else f"lifecycle:{prev[1]}->{kind}"
        stmt.add(_RULE, _lit(rule))
        stmt.add(_CONFIDENCE, _dec(0.6 if only_countries else 0.7))
        stmt.iri(_GENERATED, generator)
        stmt.done()
        links += 1
    return links


def _add_tenures(
    out: list[bytes], snap: Snapshot, clusters: Clusters, base: str, generator: str
) -> int:
    """One idkr:Tenure per person and post: first and last dates articles observed it."""
    groups: dict[tuple[str, str], list[MembershipInfo]] = defaultdict(list)
    for m in snap.memberships.values():
        if m.modifier == "former" or m.person not in snap.entities:
            continue
        groups[(clusters.canonical(m.person), m.post)].append(m)
    for (person, post), members in sorted(groups.items()):
        members.sort(key=lambda m: m.iri)
        node = _Node(out, f"{base}tenure/{_digest(person, post)}")
        node.iri(_A, _TENURE)
        node.iri(_MEMBER, person)
        node.iri(_ORGANIZATION, clusters.canonical(members[0].organization))
        node.iri(_POST, post)
        roles = sorted({m.role for m in members if m.role})
        if roles:
            node.iri(_ROLE, roles[0])
        days = sorted({m.observed for m in members if m.observed})
        if days:
            node.add(_FIRST_OBSERVED, f'"{days[0]}"^^<{_XSD}date>')
            node.add(_LAST_OBSERVED, f'"{days[-1]}"^^<{_XSD}date>')
        for m in members:
            node.iri(_MENTION, m.iri)
            node.iri(_DERIVED, m.article)
            for evid in sorted(m.evidence):
                node.iri(_EVIDENCE, evid)
        node.add(_ARTICLE_COUNT, _int(len({m.article for m in members})))
        node.add(_CONFIDENCE, _dec(_corroborated(m.confidence for m in members)))
        node.add(_RULE, _lit("tenure"))
        node.iri(_GENERATED, generator)
        node.done()
    return len(groups)


#: Triples per write transaction. Oxigraph holds a transaction in memory (about 1.5 KB a
#: triple for a load, twice that for an update): one transaction for the consolidated graph
#: of 100k articles (about 2.8 million triples) would need gigabytes.
WRITE_CHUNK = 50_000
#: New triples a derived graph that is stored already may get in its one transaction
#: (or half the graph, if more): beyond that they go in by bulk load.
BULK_AFTER = 1_000


def write_consolidated(store: KGStore, graph_iri: str, lines: list[bytes]) -> None:
    """Make ``<graph_iri>`` hold exactly ``lines`` (N-Triples lines; sorted in place).

    On an embedded store only the difference to the stored graph is written: deleting or
    inserting a quad costs tens of microseconds, so rewriting a large consolidated graph
    that barely changed would dominate a small ingest. A small difference (up to
    :data:`WRITE_CHUNK` triples, of which at most :data:`BULK_AFTER` or half the graph
    new) is one transaction. Otherwise (a new graph, most of it new, or a difference
    larger than that) the old triples go in transactions of :data:`WRITE_CHUNK` and the
    new ones by bulk loads (half the CPU of a transactional insert), with no read
    snapshot published in between, so a reader during the ingest sees the old graph or
    the new one, never part of it (a process killed half way leaves part of it in the
    store folder, until the next consolidation). A server store gets the whole graph in
    one PUT.
    """
    if store.remote:
        store.replace_graphs([(graph_iri, b"\n".join(lines) + b"\n")])
        return
    lines.sort()
    kept = bytearray(len(lines))
    removed: list[bytes] = []
    with tempfile.TemporaryFile() as tmp:  # the stored graph, streamed from a file
        stored = store.dump_graph(graph_iri, tmp)
        if stored:
            tmp.seek(0)
            for raw in tmp:
                line = raw.rstrip(b"\n")
                if not line:
                    continue
                i = bisect_left(lines, line)
                if i < len(lines) and lines[i] == line:
                    kept[i] = 1
                else:
                    removed.append(line)
    added = [line for line, k in zip(lines, kept, strict=True) if not k]
    del kept

    def data(op: str, chunk: list[bytes]) -> str:
        body = b"\n".join(chunk).decode("utf-8")
        return f"{op} DATA {{ GRAPH <{graph_iri}> {{\n{body}\n}} }}"

    if (
        stored
        and len(removed) + len(added) <= WRITE_CHUNK
        and len(added) <= max(BULK_AFTER, len(lines) // 2)
    ):
        parts = [data("DELETE", removed)] if removed else []
        if added:
            parts.append(data("INSERT", added))
        if parts:
            store.update(" ;\n".join(parts))
        return
    with store.unpublished():  # readers during the ingest see the old graph or the new
        for i in range(0, len(removed), WRITE_CHUNK):
            store.update(data("DELETE", removed[i : i + WRITE_CHUNK]))
        del removed
        for i in range(0, len(added), WRITE_CHUNK):
            store.add_ntriples(graph_iri, b"\n".join(added[i : i + WRITE_CHUNK]) + b"\n")


def consolidate(
    store: KGStore,
    base: str = DEFAULT_BASE,
    overrides: Overrides | None = None,
    written: WrittenGraphs | None = None,
) -> ConsolidationSummary:
    """Recompute ``<{base}graph/consolidated>`` from every article graph in ``store``.

    ``overrides`` (from :func:`load_overrides`), when given, replace the ones kept in the
    store; otherwise the kept ones apply. ``written``: the graphs an ingest just wrote,
    taken instead of reading them back when they are all the store's article graphs.
    """
    if overrides is not None:
        store_overrides(store, overrides, base)
    summary = ConsolidationSummary()
    graph = base + CONSOLIDATED_GRAPH
    snap = written.snapshot(store) if written is not None else None
    if snap is None:
        snap = read_snapshot(store)
    elif graph not in written.graphs_seen:  # (the store's graphs when the snapshot was made)
        # a store without a consolidated graph yet (a first ingest): nothing to compare
        # with, so each part of the graph is stored (by a thread of its own: the store
        # releases the GIL) while the next is computed, unseen by readers until all is in
        kept: list[bytes] = []
        with store.unpublished(), ThreadPoolExecutor(1, thread_name_prefix="kg-write") as pool:
            parts: list[Future] = []

            def store_part(part: list[bytes]) -> None:
                kept.extend(statement_lines(part))  # for the link summary (kg/summary.py)
                parts.append(pool.submit(store.add_ntriples, graph, b"\n".join(part) + b"\n"))

            try:
                consolidated_triples(snap, read_overrides(store), base, summary, store_part)
                # (while the last parts are written: the summary's links from memory)
                links = statement_links(snap, kept)
            finally:
                for part in parts:  # a store error surfaces here; the others end first
                    part.result()
        summary.link_summary = write_summary(store, base, links)
        return summary
    lines = consolidated_triples(snap, read_overrides(store), base, summary)
    links = statement_links(snap, lines)  # for the link summary (kg/summary.py)
    del snap
    write_consolidated(store, graph, lines)
    summary.link_summary = write_summary(store, base, links)
    return summary
