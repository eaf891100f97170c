"""Reference data from the gazetteer as RDF: names in three languages, ISO codes,
Wikidata links and containment. Stored in its own named graph so that articles can be
replaced without touching it (and vice versa).

Every ingest writes this graph; the embedded store skips the write when the stored graph
already holds exactly these triples, so only the first ingest (or one after the
gazetteer changed) pays for it."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .build import ALT_LABEL, I_COUNTRY, I_ENTITY_TYPE, LABEL, S_PARENT_ORG, SAME_AS, A, _entity
from .lexicon import Lexicon
from .vocab import ENTITY_CLASS, SCHEMA, WD, bind_prefixes

GAZETTEER_GRAPH = "graph/gazetteer"

_PREF_LABEL = ox.NamedNode(str(SKOS.prefLabel))
_NOTATION = ox.NamedNode(str(SKOS.notation))
_CONTAINED_IN = ox.NamedNode(str(SCHEMA.containedInPlace))


def gazetteer_ntriples(lex: Lexicon, base: str) -> bytes:
    """Every gazetteer entry with its labels, notation, country, parent and Wikidata QID,
    as N-Triples (UTF-8), made from pyoxigraph terms as :mod:`kg.build` makes articles."""
    triples: list[ox.Triple] = []
    add = triples.append
    for e in lex.entries.values():
        s = _entity(e.key, base)
        add(ox.Triple(s, A, ox.NamedNode(str(ENTITY_CLASS[e.type]))))
        add(ox.Triple(s, I_ENTITY_TYPE, ox.Literal(e.type)))
        add(ox.Triple(s, LABEL, ox.Literal(e.name)))
        for lang, label in sorted(e.labels.items()):
            add(ox.Triple(s, _PREF_LABEL, ox.Literal(label, language=lang)))
        for alias in sorted(e.aliases):
            add(ox.Triple(s, ALT_LABEL, ox.Literal(alias)))
        if e.notation:
            add(ox.Triple(s, _NOTATION, ox.Literal(e.notation)))
        if e.country:
            add(ox.Triple(s, I_COUNTRY, _entity(f"country/{e.country}", base)))
        if e.parent:
            prop = _CONTAINED_IN if e.type in ("Province", "City") else S_PARENT_ORG
            add(ox.Triple(s, prop, _entity(e.parent, base)))
        if e.wikidata:
            add(ox.Triple(s, SAME_AS, ox.NamedNode(str(WD[e.wikidata]))))
    # a triple made twice (an alias equal to another) is written once, as a Graph would
    return ox.serialize(list(dict.fromkeys(triples)), format=ox.RdfFormat.N_TRIPLES)


def gazetteer_graph(lex: Lexicon, base: str) -> Graph:
    """The triples of :func:`gazetteer_ntriples` as an rdflib Graph with the project's
    prefixes bound."""
    g = Graph(identifier=URIRef(base + GAZETTEER_GRAPH))
    bind_prefixes(g)
    g.parse(data=gazetteer_ntriples(lex, base), format="nt")
    return g
