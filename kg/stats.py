"""Summary counts of a store, by SPARQL."""

from __future__ import annotations

from .store import KGStore

_P = """PREFIX schema: <https://schema.org/>
PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
"""


def _count(store: KGStore, where: str) -> int:
    res = store.select(_P + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    return int(res.rows[0][0]) if res.rows and res.rows[0][0] is not None else 0


def store_stats(store: KGStore) -> dict:
    """Articles, graphs, quads, and statements by kind; entities and events by type."""
    # Every triple is seen once per graph holding it: an entity's type triple repeats in
    # each article mentioning it, and so do its mentions, so joining them directly makes
    # (articles mentioning it)² rows per entity (minutes at ~1M triples). The distinct
    # mentioned entities and the distinct (entity, type) pairs are found on their own
    # first, then joined: one row per entity and type.
    by_type = store.select(
        _P
        + """SELECT ?t (COUNT(?e) AS ?n) WHERE {
               { SELECT DISTINCT ?e WHERE { ?a a schema:NewsArticle ; schema:mentions ?e } }
               { SELECT DISTINCT ?e ?t WHERE { ?e idkr:entityType ?t } } }
             GROUP BY ?t ORDER BY DESC(?n) ?t"""
    )
    ev_types = store.select(
        _P
        + """SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {
               ?e a schema:Event ; idkr:eventType ?c .
               BIND(STRAFTER(STR(?c), "event-type/") AS ?t) }
             GROUP BY ?t ORDER BY DESC(?n) ?t"""
    )
    return {
        "articles": _count(store, "?x a schema:NewsArticle"),
        "named graphs": len(store.graph_names()),
        "quads": len(store),
        "entities mentioned": _count(store, "?a a schema:NewsArticle ; schema:mentions ?x"),
        "events": _count(store, "?x a schema:Event"),
        "agreements": _count(store, "?x a idkr:Agreement"),
        "memberships (posts held)": _count(store, "?x a org:Membership"),
        "cooperation links": _count(store, "?x a idkr:CooperationLink"),
        "entities by type": {str(t): int(n) for t, n in by_type.rows},
        "events by type": {str(t): int(n) for t, n in ev_types.rows},
    }
