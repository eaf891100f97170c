"""RDF vocabulary: the closed ``idkr:`` term list and the namespaces the graph uses.

``IDKR`` mirrors ``ontology/idkr.ttl``; asking it for a term the ontology does not
declare raises ``AttributeError`` (``_fail = True``), and a test keeps the two in step.
"""

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDFS, SKOS, XSD, DefinedNamespace


class IDKR(DefinedNamespace):
    """Own terms of the idkr-kg ontology (only where no standard term exists)."""

    _NS = Namespace("https://w3id.org/idkr/ontology#")
    _fail = True

    # classes
    Province: URIRef  # first-level administrative region (⊑ schema:AdministrativeArea)
    Ministry: URIRef  # national ministry (⊑ schema:GovernmentOrganization)
    Programme: URIRef  # named government or cooperation programme
    Agreement: URIRef  # LoI, MoU, sister-city agreement … between parties
    CooperationLink: URIRef  # statement: two parties cooperate
    Presence: URIRef  # statement: an organisation is located at a place
    Affiliation: URIRef  # statement: an organisation belongs to a parent

    # entity annotations
    country: URIRef
    entityType: URIRef

    # provenance of statements
    confidence: URIRef
    rule: URIRef
    evidence: URIRef

    # posts and memberships
    roleLabel: URIRef
    roleModifier: URIRef
    observedOn: URIRef
    post: URIRef

    # events and agreements
    eventType: URIRef
    agreement: URIRef
    agreementType: URIRef
    party: URIRef
    signatory: URIRef
    sector: URIRef
    signedAt: URIRef

    # relations
    partner: URIRef
    cooperatesWith: URIRef
    organization: URIRef
    parent: URIRef

    # concepts and articles
    cameoCode: URIRef
    sourceFile: URIRef

    # consolidation across articles (graph/consolidated) and overrides (graph/overrides)
    ConsolidatedEvent: URIRef  # one real-world event; article event statements are mentions
    ConsolidatedAgreement: URIRef  # one agreement as reported by several articles
    Tenure: URIRef  # a person in a post, first and last observed (⊑ org:Membership)
    AliasOverride: URIRef  # user correction: these names are aliases of that entity
    MergeRefusal: URIRef  # user correction: these entities are never merged
    target: URIRef
    aliasName: URIRef
    mention: URIRef
    articleCount: URIRef
    sourceCount: URIRef
    follows: URIRef
    renews: URIRef
    firstObserved: URIRef
    lastObserved: URIRef

    # entity link summary (graph/summary), derived when consolidation runs
    linkedTo: URIRef
    linkCount: URIRef
    mentionCount: URIRef
    displayLabel: URIRef
    displayCountry: URIRef
    mergedInto: URIRef


CONCEPT = Namespace("https://w3id.org/idkr/concept/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")

# Extractor entity type (kg.model.ENTITY_TYPES) -> rdf:type, as in docs/data-model.md.
ENTITY_CLASS: dict[str, URIRef] = {
    "Person": SCHEMA.Person,
    "Country": SCHEMA.Country,
    "Province": IDKR.Province,
    "City": SCHEMA.City,
    "Ministry": IDKR.Ministry,
    "GovernmentOrganization": SCHEMA.GovernmentOrganization,
    "Organization": SCHEMA.Organization,
    "Company": SCHEMA.Corporation,
    "Facility": SCHEMA.CivicStructure,
    "Program": IDKR.Programme,
    "Agreement": IDKR.Agreement,
}

PREFIXES: dict[str, str] = {
    "idkr": str(IDKR._NS),
    "idkrc": str(CONCEPT),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}


def bind_prefixes(graph: Graph, base: str | None = None) -> Graph:
    """Bind the project's prefixes on ``graph`` (and ``res:`` to ``base`` if given)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    if base is not None:
        graph.bind("res", base, override=True, replace=True)
    return graph
