"""Keep only statements at or above a confidence (``--min-confidence``).

Every statement node carries one ``idkr:confidence`` (docs/data-model.md). Dropping a
statement drops its triples, the links pointing at it (an event's agreement, a consolidated
event's mention), the shortcut triples it alone stood for (``idkr:cooperatesWith``,
``schema:location``, ``schema:parentOrganization``, ``org:holds``), the triple a dropped
``rdf:Statement`` reifies (an ``owl:sameAs`` merge, a lifecycle link) and evidence nobody
cites any more. Entities, articles and reference data have no confidence and stay. The
link summary (kg/summary.py) is recomputed from what the copy keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from rdflib import RDF, Graph, Literal
from rdflib.term import Node

from .errors import QueryError
from .store import KGStore, open_store
from .summary import SUMMARY_GRAPH, write_summary
from .vocab import IDKR, OA, ORG, SCHEMA


def check_threshold(value: float) -> Decimal:
    """The threshold as a decimal in [0, 1]; anything else is a clear error."""
    try:
        threshold = Decimal(str(value))
    except InvalidOperation as exc:
        raise QueryError(f"--min-confidence must be a number from 0 to 1, got {value!r}") from exc
    if not Decimal(0) <= threshold <= Decimal(1):
        raise QueryError(f"--min-confidence must be from 0 to 1, got {value}")
    return threshold


def _confidence(term: Node) -> Decimal | None:
    if not isinstance(term, Literal):
        return None
    try:
        return Decimal(str(term))
    except InvalidOperation:
        return None


def filter_graph(graph: Graph, threshold: float) -> Graph:
    """A copy of ``graph`` without the statements whose confidence is below ``threshold``."""
    limit = check_threshold(threshold)
    low = {
        s
        for s, c in graph.subject_objects(IDKR.confidence)
        if (value := _confidence(c)) is not None and value < limit
    }
    # an event's agreement goes with the event
    for s in list(low):
        low |= set(graph.objects(s, IDKR.agreement))
    out = Graph(identifier=graph.identifier)
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    if not low:
        for t in graph:
            out.add(t)
        return out
    drop: set[tuple[Node, Node, Node]] = set()
    for s in low:
        drop |= set(graph.triples((s, None, None)))
        drop |= set(graph.triples((None, None, s)))
        if (s, RDF.type, RDF.Statement) in graph:
            spo = (
                graph.value(s, RDF.subject),
                graph.value(s, RDF.predicate),
                graph.value(s, RDF.object),
            )
            if None not in spo:
                drop.add(spo)  # type: ignore[arg-type]
    kept = {s for s in graph.subjects(IDKR.confidence, None) if s not in low}
    drop |= set(_orphan_shortcuts(graph, low, kept))
    cited = {e for s in kept for e in graph.objects(s, IDKR.evidence)}
    for s in low:
        for ev in graph.objects(s, IDKR.evidence):
            if ev not in cited:
                drop |= set(_evidence_triples(graph, ev))
    for t in graph:
        if t not in drop:
            out.add(t)
    return out


def _orphan_shortcuts(
    graph: Graph, low: set[Node], kept: set[Node]
) -> Iterator[tuple[Node, Node, Node]]:
    """Shortcut triples whose every supporting statement was dropped."""

    def partners(s: Node) -> frozenset[Node]:
        return frozenset(graph.objects(s, IDKR.partner))

    def presence(s: Node) -> tuple[Node | None, Node | None]:
        return graph.value(s, IDKR.organization), graph.value(s, SCHEMA.location)

    def affiliation(s: Node) -> tuple[Node | None, Node | None]:
        return graph.value(s, IDKR.organization), graph.value(s, IDKR.parent)

    def holding(s: Node) -> tuple[Node | None, Node | None]:
        return graph.value(s, ORG.member), graph.value(s, IDKR.post)

    kinds = [
        (IDKR.CooperationLink, partners),
        (IDKR.Presence, presence),
        (IDKR.Affiliation, affiliation),
        (ORG.Membership, holding),
    ]
    for cls, key in kinds:
        supported = {key(s) for s in kept if (s, RDF.type, cls) in graph}
        for s in low:
            if (s, RDF.type, cls) not in graph or key(s) in supported:
                continue
            k = key(s)
            if cls == IDKR.CooperationLink and len(k) == 2:
                a, b = sorted(k)
                yield (a, IDKR.cooperatesWith, b)
                yield (b, IDKR.cooperatesWith, a)
            elif cls == IDKR.Presence and None not in k:
                yield (k[0], SCHEMA.location, k[1])
            elif cls == IDKR.Affiliation and None not in k:
                yield (k[0], SCHEMA.parentOrganization, k[1])
            elif cls == ORG.Membership and None not in k:
                yield (k[0], ORG.holds, k[1])


def _evidence_triples(graph: Graph, ev: Node) -> Iterator[tuple[Node, Node, Node]]:
    yield from graph.triples((ev, None, None))
    for target in graph.objects(ev, OA.hasTarget):
        yield from graph.triples((target, None, None))
        for selector in graph.objects(target, OA.hasSelector):
            yield from graph.triples((selector, None, None))


def filtered_store(store: KGStore, threshold: float) -> KGStore:
    """An in-memory copy of ``store`` holding only statements at or above ``threshold``."""
    check_threshold(threshold)
    out = open_store("memory")
    summaries: list[str] = []
    for name in store.graph_names():
        if name.endswith("/" + SUMMARY_GRAPH):  # derived from the other graphs: recomputed
            summaries.append(name[: -len(SUMMARY_GRAPH)])
            continue
        g = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        if not isinstance(g, Graph):  # pragma: no cover - CONSTRUCT always gives a graph
            continue
        out.replace_graph(name, filter_graph(g, threshold))
    for base in summaries:
        write_summary(out, base)
    return out
