"""Reference data from the gazetteer as RDF: names in three languages, ISO codes,
Wikidata links and containment. Stored in its own named graph so that articles can be
replaced without touching it (and vice versa)."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from .build import entity_iri
from .lexicon import Lexicon
from .vocab import ENTITY_CLASS, IDKR, SCHEMA, WD, bind_prefixes

GAZETTEER_GRAPH = "graph/gazetteer"


def gazetteer_graph(lex: Lexicon, base: str) -> Graph:
    """Every gazetteer entry with its labels, notation, country, parent and Wikidata QID."""
    g = Graph(identifier=URIRef(base + GAZETTEER_GRAPH))
    bind_prefixes(g)
    for e in lex.entries.values():
        s = entity_iri(e.key, base)
        g.add((s, RDF.type, ENTITY_CLASS[e.type]))
        g.add((s, IDKR.entityType, Literal(e.type)))
        g.add((s, RDFS.label, Literal(e.name)))
        for lang, label in sorted(e.labels.items()):
            g.add((s, SKOS.prefLabel, Literal(label, lang=lang)))
        for alias in sorted(e.aliases):
            g.add((s, SKOS.altLabel, Literal(alias)))
        if e.notation:
            g.add((s, SKOS.notation, Literal(e.notation)))
        if e.country:
            g.add((s, IDKR.country, entity_iri(f"country/{e.country}", base)))
        if e.parent:
            prop = (
                SCHEMA.containedInPlace
                if e.type in ("Province", "City")
                else (SCHEMA.parentOrganization)
            )
            g.add((s, prop, entity_iri(e.parent, base)))
        if e.wikidata:
            g.add((s, OWL.sameAs, WD[e.wikidata]))
    return g
