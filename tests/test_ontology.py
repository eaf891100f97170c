"""The ontology file, the closed term list in kg.vocab and the lexicon agree."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from kg.model import AGREEMENT_TYPES, ENTITY_TYPES, EVENT_TYPES
from kg.resources import resource_dir
from kg.vocab import CONCEPT, ENTITY_CLASS, IDKR, ORG, SCHEMA, bind_prefixes

TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def lexicon_rows(name: str) -> list[dict[str, str]]:
    path: Path = resource_dir("lexicon") / name
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def idkr_terms_in(graph: Graph) -> set[URIRef]:
    """Every IRI in the idkr: namespace, listed or not (``t in IDKR`` only finds listed)."""
    ns = str(IDKR._NS)
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(ns)}


def closed_list() -> set[URIRef]:
    return set(dir(IDKR))


# --- the closed term list ---------------------------------------------------------------------


def test_every_listed_term_is_declared(ontology: Graph) -> None:
    for term in closed_list():
        types = set(ontology.objects(term, RDF.type))
        assert types & TERM_TYPES, f"{term} is in kg.vocab.IDKR but not declared in idkr.ttl"


def test_every_term_of_the_ontology_is_listed(ontology: Graph) -> None:
    unlisted = idkr_terms_in(ontology) - closed_list()
    assert not unlisted, f"idkr.ttl uses terms missing from kg.vocab.IDKR: {sorted(unlisted)}"
    assert {t for t in ontology.subjects(RDF.type, None) if str(t).startswith(IDKR._NS)} == (
        closed_list()
    )


def test_shapes_use_only_listed_terms(shapes: Graph) -> None:
    assert idkr_terms_in(shapes) <= closed_list()


def test_closed_list_rejects_unknown_terms() -> None:
    assert IDKR.Province == URIRef("https://w3id.org/idkr/ontology#Province")
    with pytest.raises(AttributeError):
        _ = IDKR.Provence


def test_terms_are_labelled_and_explained_in_english_and_indonesian(ontology: Graph) -> None:
    for term in closed_list():
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)}
            assert {"en", "id"} <= langs, f"{term} {prop} has languages {langs}"


def test_standard_alignments(ontology: Graph) -> None:
    assert (IDKR.Province, RDFS.subClassOf, SCHEMA.AdministrativeArea) in ontology
    assert (IDKR.Ministry, RDFS.subClassOf, SCHEMA.GovernmentOrganization) in ontology
    assert (IDKR.cooperatesWith, RDF.type, OWL.SymmetricProperty) in ontology
    assert (IDKR.cameoCode, RDFS.subPropertyOf, SKOS.notation) in ontology


def test_entity_classes_cover_the_extractor_types(ontology: Graph) -> None:
    assert set(ENTITY_CLASS) == set(ENTITY_TYPES)
    for cls in ENTITY_CLASS.values():
        if cls in IDKR:
            assert (cls, RDF.type, OWL.Class) in ontology


def test_bind_prefixes() -> None:
    g = bind_prefixes(Graph(), "http://example.org/")
    prefixes = dict(g.namespaces())
    assert prefixes["idkr"] == URIRef(IDKR._NS)
    assert prefixes["idkrc"] == URIRef(CONCEPT)
    assert prefixes["schema"] == URIRef("https://schema.org/")
    assert prefixes["res"] == URIRef("http://example.org/")


# --- concept schemes ----------------------------------------------------------------------------


def concept(ontology: Graph, path: str, scheme: str) -> URIRef:
    node = CONCEPT[path]
    assert (node, RDF.type, SKOS.Concept) in ontology, f"no concept {node}"
    assert (node, SKOS.inScheme, CONCEPT[scheme]) in ontology, f"{node} not in {scheme}"
    assert (CONCEPT[scheme], RDF.type, SKOS.ConceptScheme) in ontology
    return node


def pref_labels(ontology: Graph, node: URIRef) -> dict[str | None, str]:
    labels = list(ontology.objects(node, SKOS.prefLabel))
    langs = [lit.language for lit in labels]
    assert len(langs) == len(set(langs)), f"{node} has two prefLabels in one language"
    return {lit.language: str(lit) for lit in labels}


def test_every_lexicon_sector_is_a_concept(ontology: Graph) -> None:
    slugs = {row["sector"] for row in lexicon_rows("sectors.csv")}
    assert "trade" in slugs
    for slug in slugs:
        node = concept(ontology, f"sector/{slug}", "sectors")
        assert {"en", "id"} <= set(pref_labels(ontology, node)), node


def test_every_lexicon_role_is_a_concept_and_an_org_role(ontology: Graph) -> None:
    first: dict[str, dict[str, str]] = {}
    for row in lexicon_rows("roles.csv"):
        labels = first.setdefault(row["role"], {"en": row["role_en"]})
        if row["lang"] in ("id", "ko"):
            labels.setdefault(row["lang"], row["surface"])
    assert "governor" in first
    for role, expected in first.items():
        node = concept(ontology, f"role/{role}", "roles")
        assert (node, RDF.type, ORG.Role) in ontology, node
        assert pref_labels(ontology, node) == expected, node


def test_event_types_and_cameo_codes(ontology: Graph) -> None:
    codes = {}
    for name in EVENT_TYPES:
        node = concept(ontology, f"event-type/{name}", "event-types")
        assert {"en", "id"} <= set(pref_labels(ontology, node))
        codes[name] = {str(c) for c in ontology.objects(node, IDKR.cameoCode)}
    assert codes == {
        "Signing": {"057"},
        "Meeting": {"040"},
        "Visit": {"042"},
        "Opening": {"050"},
        "Announcement": {"010"},
        "Other": set(),
    }


def test_agreement_types(ontology: Graph) -> None:
    for name in AGREEMENT_TYPES:
        node = concept(ontology, f"agreement-type/{name}", "agreement-types")
        assert {"en", "id"} <= set(pref_labels(ontology, node))


def test_concepts_all_belong_to_a_scheme(ontology: Graph) -> None:
    for node in ontology.subjects(RDF.type, SKOS.Concept):
        assert set(ontology.objects(node, SKOS.inScheme)), node
        assert str(node).startswith(CONCEPT), node
