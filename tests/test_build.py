"""build_graph: triples as in docs/data-model.md, determinism, SHACL conformance."""

from __future__ import annotations

from decimal import Decimal

import pyshacl
import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, SH, SKOS, XSD

from kg.build import DEFAULT_BASE, build_graph, date_terms, entity_iri
from kg.model import Agreement, Article, Entity, Event, Evidence, Extraction, Post, Relation
from kg.vocab import CONCEPT, IDKR, OA, ORG, PROV, SCHEMA, WD

B = DEFAULT_BASE

S_SIGN = (
    "Gubernur DKI Jakarta Pramono Anung dan Gubernur Chungcheongnam-do Kim Tae-heum "
    "menandatangani Letter of Intent (LoI) kerja sama perdagangan, investasi dan pariwisata "
    "di Balai Kota Jakarta, Selasa (27/5/2025)."
)
S_COOP = "Pemprov DKI Jakarta dan Chungcheongnam-do sepakat memperkuat kerja sama kedua daerah."
S_SEKDA = "Acara itu juga dihadiri Pj. Sekretaris Daerah DKI Jakarta Marullah Matali."
S_CEPA = (
    "Chungnam Economic Promotion Agency (CEPA) telah berkantor di Jakarta sejak 2021 "
    "sebagai perwakilan Chungcheongnam-do."
)
S_VAGUE = "Seorang menteri turut memberi sambutan."
TEXT = "\n\n".join(["JAKARTA - Kerja sama Jakarta dan Chungnam.", S_SIGN, S_COOP, S_SEKDA, S_CEPA])
TEXT += "\n\n" + S_VAGUE


def ev(sentence: str, rule: str, confidence: float) -> Evidence:
    start = TEXT.index(sentence)
    return Evidence(start, start + len(sentence), sentence, rule, confidence)


def sample_extraction(**article_changes: object) -> Extraction:
    """A Jakarta–Chungcheongnam-do letter of intent, as the extractor would return it."""
    article = Article(
        text=TEXT,
        source="data/articles/kabar-ibukota-2025-jakarta-chungnam.txt",
        url="https://kabar-ibukota.example/2025/05/27/jakarta-chungnam loi",
        headline="Jakarta dan Chungcheongnam-do teken LoI kerja sama",
        published="2025-05-27",
        outlet="Kabar Ibukota",
        author="Juli",
        lang="id",
    )
    for name, value in article_changes.items():
        setattr(article, name, value)
    entities = [
        Entity(
            "region/ID-JK",
            "DKI Jakarta",
            "Province",
            country="ID",
            aliases=["DKI Jakarta", "Jakarta", "Pemprov DKI Jakarta"],
            wikidata="Q3630",
            gazetteer=True,
        ),
        Entity(
            "region/KR-44",
            "Chungcheongnam-do",
            "Province",
            country="KR",
            aliases=["Chungcheongnam-do", "Chungnam"],
            wikidata="http://www.wikidata.org/entity/Q41070",
            gazetteer=True,
        ),
        Entity("country/KR", "Korea Selatan", "Country", country="KR", gazetteer=True),
        Entity("person/pramono-anung", "Pramono Anung", "Person", country="ID"),
        Entity("person/kim-tae-heum", "Kim Tae-heum", "Person", country="KR"),
        Entity("person/marullah-matali", "Marullah Matali", "Person", country="ID"),
        Entity("person/seorang-menteri", "Seorang Menteri", "Person"),
        Entity("place/balai-kota-jakarta", "Balai Kota Jakarta", "Facility", country="ID"),
        Entity(
            "org/cepa",
            "Chungnam Economic Promotion Agency",
            "Organization",
            country="KR",
            aliases=["CEPA"],
        ),
    ]
    sign = ev(S_SIGN, "event.signing", 0.9)
    return Extraction(
        article=article,
        entities={e.key: e for e in entities},
        posts=[
            Post(
                "person/pramono-anung",
                "Gubernur",
                "governor",
                "governor",
                "region/ID-JK",
                evidence=[ev(S_SIGN, "post.role-person-org", 0.85)],
            ),
            Post(
                "person/kim-tae-heum",
                "Gubernur",
                "governor",
                "governor",
                "region/KR-44",
                evidence=[ev(S_SIGN, "post.role-person-org", 0.85)],
            ),
            Post(
                "person/marullah-matali",
                "Sekretaris Daerah",
                "regional-secretary",
                "regional secretary",
                "region/ID-JK",
                modifier="acting",
                evidence=[ev(S_SEKDA, "post.role-person-org", 0.8)],
            ),
            Post(
                "person/seorang-menteri",
                "Menteri",
                "minister",
                "minister",
                None,
                evidence=[ev(S_VAGUE, "post.role-person", 0.5)],
            ),
        ],
        events=[
            Event(
                "Signing",
                date="2025-05-27",
                location="place/balai-kota-jakarta",
                participants=[
                    "person/pramono-anung",
                    "person/kim-tae-heum",
                    "region/ID-JK",
                    "region/KR-44",
                ],
                agreement=Agreement(
                    "LoI",
                    parties=["region/ID-JK", "region/KR-44"],
                    sectors=["trade", "investment", "tourism"],
                    signatories=["person/pramono-anung", "person/kim-tae-heum"],
                ),
                evidence=[sign],
            )
        ],
        relations=[
            Relation(
                "cooperation",
                "region/ID-JK",
                "region/KR-44",
                evidence=[ev(S_COOP, "relation.cooperation", 0.7), sign],
            ),
            Relation(
                "located_in",
                "org/cepa",
                "region/ID-JK",
                since="2021",
                evidence=[ev(S_CEPA, "relation.located-in", 0.75)],
            ),
            Relation(
                "part_of",
                "org/cepa",
                "region/KR-44",
                evidence=[ev(S_CEPA, "relation.office-of", 0.7)],
            ),
        ],
    )


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(sample_extraction())


def r(key: str) -> URIRef:
    return URIRef(B + key)


def one(g: Graph, subject: URIRef | None, predicate: URIRef, obj: object = None) -> object:
    """The single node matching the pattern (fails the test when there are 0 or 2+)."""
    if subject is None:
        found = set(g.subjects(predicate, obj))
    else:
        found = set(g.objects(subject, predicate))
    assert len(found) == 1, f"expected one match for {subject} {predicate} {obj}: {found}"
    return found.pop()


ARTICLE = r("article/" + sample_extraction().article.identity)


# --- entities and article ---------------------------------------------------------------


def test_graph_is_named_after_the_article(graph: Graph) -> None:
    ident = sample_extraction().article.identity
    assert graph.identifier == URIRef(f"{B}graph/{ident}")
    assert (graph.identifier, PROV.wasDerivedFrom, ARTICLE) in graph


def test_entities_have_types_labels_and_links(graph: Graph) -> None:
    jk = r("region/ID-JK")
    assert (jk, RDF.type, IDKR.Province) in graph
    assert (jk, RDFS.label, Literal("DKI Jakarta")) in graph
    assert set(graph.objects(jk, SKOS.altLabel)) == {
        Literal("Jakarta"),
        Literal("Pemprov DKI Jakarta"),
    }
    assert (jk, IDKR.country, r("country/ID")) in graph
    assert (jk, IDKR.entityType, Literal("Province")) in graph
    assert (jk, OWL.sameAs, WD.Q3630) in graph
    assert (r("region/KR-44"), OWL.sameAs, WD.Q41070) in graph
    assert (r("person/kim-tae-heum"), RDF.type, SCHEMA.Person) in graph
    assert (r("place/balai-kota-jakarta"), RDF.type, SCHEMA.CivicStructure) in graph
    assert (r("org/cepa"), RDF.type, SCHEMA.Organization) in graph
    # a country is not its own country
    assert (r("country/KR"), IDKR.country, None) not in graph
    mentioned = set(graph.objects(ARTICLE, SCHEMA.mentions))
    assert mentioned == {r(k) for k in sample_extraction().entities}


def test_article_metadata(graph: Graph) -> None:
    a = ARTICLE
    assert (a, RDF.type, SCHEMA.NewsArticle) in graph
    assert one(graph, a, SCHEMA.headline) == Literal(
        "Jakarta dan Chungcheongnam-do teken LoI kerja sama"
    )
    published = one(graph, a, SCHEMA.datePublished)
    assert published == Literal("2025-05-27", datatype=XSD.date)
    assert (a, SCHEMA.author, Literal("Juli")) in graph
    assert (a, SCHEMA.publisher, Literal("Kabar Ibukota")) in graph
    # the space in the URL is percent-encoded so the IRI is valid
    url = URIRef("https://kabar-ibukota.example/2025/05/27/jakarta-chungnam%20loi")
    assert (a, SCHEMA.url, url) in graph
    assert (a, SCHEMA.inLanguage, Literal("id")) in graph
    assert (a, SCHEMA.text, Literal(TEXT)) in graph
    assert (a, IDKR.sourceFile, Literal(sample_extraction().article.source)) in graph


# --- posts and memberships ----------------------------------------------------------------


def test_posts_and_memberships(graph: Graph) -> None:
    post = r("post/region/ID-JK/governor")
    assert (post, RDF.type, ORG.Post) in graph
    assert (post, ORG.role, CONCEPT["role/governor"]) in graph
    assert (post, ORG.postIn, r("region/ID-JK")) in graph
    assert (post, RDFS.label, Literal("Gubernur DKI Jakarta")) in graph
    assert (r("person/pramono-anung"), ORG.holds, post) in graph
    assert (r("person/kim-tae-heum"), ORG.holds, r("post/region/KR-44/governor")) in graph

    m = one(graph, None, ORG.member, r("person/pramono-anung"))
    assert str(m).startswith(B + "membership/")
    assert (m, RDF.type, ORG.Membership) in graph
    assert (m, ORG.organization, r("region/ID-JK")) in graph
    assert (m, ORG.role, CONCEPT["role/governor"]) in graph
    assert (m, IDKR.roleLabel, Literal("Gubernur")) in graph
    assert (m, IDKR.post, post) in graph
    assert one(graph, m, IDKR.observedOn) == Literal("2025-05-27", datatype=XSD.date)
    assert (m, IDKR.roleModifier, None) not in graph

    acting = one(graph, None, ORG.member, r("person/marullah-matali"))
    assert (acting, IDKR.roleModifier, Literal("acting")) in graph
    # the acting official holds an acting post, distinct from the post itself
    acting_post = r("post/region/ID-JK/regional-secretary/acting")
    assert (acting, IDKR.post, acting_post) in graph
    assert (acting_post, ORG.role, CONCEPT["role/regional-secretary"]) in graph
    assert (acting_post, IDKR.roleModifier, Literal("acting")) in graph
    assert (acting_post, RDFS.label, Literal("Pj. Sekretaris Daerah DKI Jakarta")) in graph
    assert (r("person/marullah-matali"), ORG.holds, acting_post) in graph


def test_post_without_organization_is_left_out(graph: Graph) -> None:
    person = r("person/seorang-menteri")
    assert (None, ORG.member, person) not in graph
    assert (person, ORG.holds, None) not in graph
    assert len(set(graph.subjects(RDF.type, ORG.Membership))) == 3


def test_former_post_is_a_membership_but_not_held() -> None:
    ext = sample_extraction()
    ext.posts[0].modifier = "former"
    g = build_graph(ext)
    m = one(g, None, ORG.member, r("person/pramono-anung"))
    assert (m, IDKR.roleModifier, Literal("former")) in g
    assert (r("person/pramono-anung"), ORG.holds, None) not in g


def test_observed_on_only_for_a_full_publication_date() -> None:
    g = build_graph(sample_extraction(published="2025-05"))
    assert (None, IDKR.observedOn, None) not in g
    published = one(g, ARTICLE, SCHEMA.datePublished)
    assert published == Literal("2025-05", datatype=XSD.gYearMonth)


# --- events and agreements ----------------------------------------------------------------


def test_signing_event_with_agreement(graph: Graph) -> None:
    event = one(graph, None, RDF.type, SCHEMA.Event)
    assert str(event).startswith(B + "event/")
    assert one(graph, event, IDKR.eventType) == CONCEPT["event-type/Signing"]
    assert one(graph, event, SCHEMA.startDate) == Literal("2025-05-27", datatype=XSD.date)
    assert (event, SCHEMA.endDate, None) not in graph
    assert one(graph, event, SCHEMA.location) == r("place/balai-kota-jakarta")
    assert set(graph.objects(event, SCHEMA.attendee)) == {
        r("person/pramono-anung"),
        r("person/kim-tae-heum"),
        r("region/ID-JK"),
        r("region/KR-44"),
    }
    label = str(one(graph, event, RDFS.label))
    assert label.startswith("Signing: Pramono Anung, Kim Tae-heum")

    agreement = one(graph, event, IDKR.agreement)
    assert str(agreement).startswith(B + "agreement/")
    assert (agreement, RDF.type, IDKR.Agreement) in graph
    assert one(graph, agreement, IDKR.agreementType) == CONCEPT["agreement-type/LoI"]
    assert set(graph.objects(agreement, IDKR.party)) == {r("region/ID-JK"), r("region/KR-44")}
    assert set(graph.objects(agreement, IDKR.signatory)) == {
        r("person/pramono-anung"),
        r("person/kim-tae-heum"),
    }
    assert set(graph.objects(agreement, IDKR.sector)) == {
        CONCEPT["sector/trade"],
        CONCEPT["sector/investment"],
        CONCEPT["sector/tourism"],
    }
    assert (agreement, IDKR.signedAt, event) in graph


def test_agreement_of_a_meeting_is_not_signed_there() -> None:
    ext = sample_extraction()
    ext.events[0].type = "Meeting"
    g = build_graph(ext)
    event = one(g, None, RDF.type, SCHEMA.Event)
    agreement = one(g, event, IDKR.agreement)
    assert (agreement, IDKR.signedAt, None) not in g


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2025-05-27", Literal("2025-05-27", datatype=XSD.date), None),
        ("2025-05", Literal("2025-05", datatype=XSD.gYearMonth), None),
        ("2021", Literal("2021", datatype=XSD.gYear), None),
        (
            "2009-09-29/2009-10-02",
            Literal("2009-09-29", datatype=XSD.date),
            Literal("2009-10-02", datatype=XSD.date),
        ),
    ],
)
def test_date_terms(value: str, start: Literal, end: Literal | None) -> None:
    assert date_terms(value) == (start, end)


@pytest.mark.parametrize("value", ["27 Mei 2025", "2025-13", "2025-02-30", "", "2025/"])
def test_date_terms_rejects_what_is_not_iso(value: str) -> None:
    with pytest.raises(ValueError, match="is not YYYY"):
        date_terms(value)


def test_event_date_range_gives_start_and_end() -> None:
    ext = sample_extraction()
    ext.events[0].date = "2025-05-26/2025-05-28"
    g = build_graph(ext)
    event = one(g, None, RDF.type, SCHEMA.Event)
    assert one(g, event, SCHEMA.startDate) == Literal("2025-05-26", datatype=XSD.date)
    assert one(g, event, SCHEMA.endDate) == Literal("2025-05-28", datatype=XSD.date)


# --- relations ------------------------------------------------------------------------------


def test_cooperation(graph: Graph) -> None:
    jk, cn = r("region/ID-JK"), r("region/KR-44")
    link = one(graph, None, RDF.type, IDKR.CooperationLink)
    assert str(link).startswith(B + "relation/")
    assert set(graph.objects(link, IDKR.partner)) == {jk, cn}
    assert (jk, IDKR.cooperatesWith, cn) in graph
    assert (cn, IDKR.cooperatesWith, jk) in graph


def test_cooperation_link_does_not_depend_on_partner_order() -> None:
    ext = sample_extraction()
    coop = ext.relations[0]
    coop.subject, coop.object = coop.object, coop.subject
    assert set(build_graph(ext)) == set(build_graph(sample_extraction()))


def test_presence(graph: Graph) -> None:
    presence = one(graph, None, RDF.type, IDKR.Presence)
    assert one(graph, presence, IDKR.organization) == r("org/cepa")
    assert one(graph, presence, SCHEMA.location) == r("region/ID-JK")
    assert one(graph, presence, SCHEMA.startDate) == Literal("2021", datatype=XSD.gYear)
    assert (r("org/cepa"), SCHEMA.location, r("region/ID-JK")) in graph


def test_affiliation(graph: Graph) -> None:
    affiliation = one(graph, None, RDF.type, IDKR.Affiliation)
    assert one(graph, affiliation, IDKR.organization) == r("org/cepa")
    assert one(graph, affiliation, IDKR.parent) == r("region/KR-44")
    assert (r("org/cepa"), SCHEMA.parentOrganization, r("region/KR-44")) in graph


def test_unknown_relation_kind_is_an_error() -> None:
    ext = sample_extraction()
    ext.relations[0].kind = "rival_of"
    with pytest.raises(ValueError, match="'rival_of'"):
        build_graph(ext)


# --- provenance and evidence ----------------------------------------------------------------

STATEMENT_CLASSES = (
    SCHEMA.Event,
    IDKR.Agreement,
    ORG.Membership,
    IDKR.CooperationLink,
    IDKR.Presence,
    IDKR.Affiliation,
)


def test_every_statement_has_provenance(graph: Graph) -> None:
    extractor = URIRef(f"{B}extractor/idkr-kg-0.1.0")
    statements = {s for cls in STATEMENT_CLASSES for s in graph.subjects(RDF.type, cls)}
    assert len(statements) == 8
    for node in statements:
        assert (node, PROV.wasDerivedFrom, ARTICLE) in graph, node
        assert (node, PROV.wasGeneratedBy, extractor) in graph, node
        confidence = one(graph, node, IDKR.confidence)
        assert confidence.datatype == XSD.decimal
        assert 0 <= confidence.toPython() <= 1
        assert set(graph.objects(node, IDKR.rule)), node
        assert set(graph.objects(node, IDKR.evidence)), node


def test_confidence_is_the_best_evidence_and_rules_are_all_kept(graph: Graph) -> None:
    link = one(graph, None, RDF.type, IDKR.CooperationLink)
    assert one(graph, link, IDKR.confidence) == Literal(Decimal("0.9"))
    rules = set(graph.objects(link, IDKR.rule))
    assert rules == {Literal("relation.cooperation"), Literal("event.signing")}
    assert len(set(graph.objects(link, IDKR.evidence))) == 2


def test_evidence_has_both_selectors_as_iris(graph: Graph) -> None:
    event = one(graph, None, RDF.type, SCHEMA.Event)
    evidence = one(graph, event, IDKR.evidence)
    assert str(evidence).startswith(B + "evidence/")
    assert (evidence, RDF.type, OA.Annotation) in graph
    target = one(graph, evidence, OA.hasTarget)
    assert target == URIRef(f"{evidence}#target")
    assert (target, RDF.type, OA.SpecificResource) in graph
    assert (target, OA.hasSource, ARTICLE) in graph
    quote, position = URIRef(f"{evidence}#quote"), URIRef(f"{evidence}#position")
    assert set(graph.objects(target, OA.hasSelector)) == {quote, position}
    assert (quote, RDF.type, OA.TextQuoteSelector) in graph
    assert (quote, OA.exact, Literal(S_SIGN)) in graph
    assert (position, RDF.type, OA.TextPositionSelector) in graph
    start = one(graph, position, OA.start)
    end = one(graph, position, OA.end)
    assert start.datatype == XSD.integer
    assert TEXT[start.toPython() : end.toPython()] == S_SIGN


def test_statements_sharing_a_sentence_share_its_evidence_node(graph: Graph) -> None:
    event = one(graph, None, RDF.type, SCHEMA.Event)
    agreement = one(graph, event, IDKR.agreement)
    assert set(graph.objects(event, IDKR.evidence)) == set(graph.objects(agreement, IDKR.evidence))


def test_no_blank_nodes(graph: Graph) -> None:
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


# --- identity and determinism ---------------------------------------------------------------


def test_building_twice_gives_the_same_graph() -> None:
    first, second = build_graph(sample_extraction()), build_graph(sample_extraction())
    assert isomorphic(first, second)
    assert set(first) == set(second)  # no blank nodes, so even the IRIs agree
    assert first.identifier == second.identifier


def test_statement_iris_depend_on_content_and_article() -> None:
    base = build_graph(sample_extraction())
    other_article = build_graph(sample_extraction(url="https://example.org/another"))
    changed = sample_extraction()
    changed.events[0].date = "2025-05-28"
    changed_event = build_graph(changed)

    def events(g: Graph) -> set[URIRef]:
        return set(g.subjects(RDF.type, SCHEMA.Event))

    assert events(base).isdisjoint(events(other_article))
    assert events(base).isdisjoint(events(changed_event))
    # stable resources do not change with the article
    assert (r("person/pramono-anung"), ORG.holds, r("post/region/ID-JK/governor")) in other_article


def test_base_is_configurable() -> None:
    base = "http://example.org/kg/"
    g = build_graph(sample_extraction(), base=base, version="9.9")
    assert str(g.identifier).startswith(base + "graph/")
    assert (URIRef(base + "region/ID-JK"), RDF.type, IDKR.Province) in g
    assert (None, PROV.wasGeneratedBy, URIRef(base + "extractor/idkr-kg-9.9")) in g
    assert not [t for t in g if any(str(x).startswith(DEFAULT_BASE) for x in t)]


def test_entity_iri() -> None:
    assert entity_iri("region/ID-JK") == URIRef(B + "region/ID-JK")
    assert entity_iri("org/bank indonesia", "http://x/") == URIRef("http://x/org/bank%20indonesia")
    assert entity_iri("org/a#b?c") == URIRef(B + "org/a%23b%3Fc")
    assert entity_iri("person/김태흠") == URIRef(B + "person/김태흠")
    with pytest.raises(ValueError, match="kind/id"):
        entity_iri("jakarta")


def test_unknown_entity_type_is_an_error() -> None:
    ext = sample_extraction()
    ext.entities["org/cepa"].type = "Band"
    with pytest.raises(ValueError, match="'Band'.*allowed: Person"):
        build_graph(ext)


# --- ontology and shapes ----------------------------------------------------------------------


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, set[str]]:
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none"
    )
    return conforms, {str(m) for m in results.objects(None, SH.resultMessage)}


def test_idkr_terms_in_output_are_declared_in_the_ontology(graph: Graph, ontology: Graph) -> None:
    ns = str(IDKR._NS)  # not ``t in IDKR``: that is false for unlisted terms
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(ns)}
    assert used, "the sample graph should use idkr: terms"
    for term in used:
        assert (term, RDF.type, None) in ontology, term


def test_concepts_in_output_are_in_the_ontology(graph: Graph, ontology: Graph) -> None:
    used = {
        t
        for triple in graph
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(CONCEPT)
    }
    assert len(used) == 7  # governor, regional-secretary, Signing, LoI, 3 sectors
    for concept in used:
        assert (concept, RDF.type, SKOS.Concept) in ontology, concept


def test_sample_graph_conforms_to_the_shapes(graph: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, messages = validate(graph, shapes, ontology)
    assert conforms, messages


def test_broken_graph_does_not_conform(graph: Graph, shapes: Graph, ontology: Graph) -> None:
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    event = one(broken, None, RDF.type, SCHEMA.Event)
    agreement = one(broken, event, IDKR.agreement)
    broken.remove((agreement, IDKR.party, r("region/KR-44")))
    broken.remove((event, SCHEMA.attendee, None))
    conforms, messages = validate(broken, shapes, ontology)
    assert not conforms
    assert messages == {
        "An agreement needs at least two parties (idkr:party).",
        "An event needs at least one schema:attendee (a participant IRI).",
    }


def test_statement_without_evidence_does_not_conform(shapes: Graph, ontology: Graph) -> None:
    ext = sample_extraction()
    ext.relations[2].evidence = []
    conforms, messages = validate(build_graph(ext), shapes, ontology)
    assert not conforms
    assert messages == {
        "A statement needs exactly one idkr:confidence, an xsd:decimal from 0 to 1.",
        "A statement needs at least one idkr:rule naming the extraction rule (a string).",
        "A statement needs at least one idkr:evidence annotation whose target selects the "
        "sentence by quote and by position.",
    }


def test_bad_evidence_and_confidence_do_not_conform(
    graph: Graph, shapes: Graph, ontology: Graph
) -> None:
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    link = one(broken, None, RDF.type, IDKR.CooperationLink)
    broken.set((link, IDKR.confidence, Literal(Decimal("1.5"))))
    event = one(broken, None, RDF.type, SCHEMA.Event)
    evidence = one(broken, event, IDKR.evidence)
    position = URIRef(f"{evidence}#position")
    broken.set((position, OA.start, Literal(10**6, datatype=XSD.integer)))
    conforms, messages = validate(broken, shapes, ontology)
    assert not conforms
    assert "A statement needs exactly one idkr:confidence, an xsd:decimal from 0 to 1." in messages
    assert "oa:start must be one non-negative integer, not greater than oa:end." in messages
    assert (
        "A statement needs at least one idkr:evidence annotation whose target selects the "
        "sentence by quote and by position." in messages
    )


@pytest.mark.parametrize(
    "value",
    ["2025-05-27", "2025-05", "2021", "0999", "2024-02-29", " 2025-05 ", "2009-09-29/2009-10"],
)
def test_consolidated_dates_are_written_as_the_rdflib_terms_were(value: str) -> None:
    """The consolidation writes dates from date_values (no rdflib literal): the same
    lexical form and datatype as the rdflib term date_terms makes."""
    from kg.build import date_values
    from kg.consolidate import _date

    start, end = date_terms(value)
    assert date_values(value) == (
        (str(start), start.datatype),
        (str(end), end.datatype) if end is not None else None,
    )
    assert _date(value) == f'"{start}"^^<{start.datatype}>'


@pytest.mark.parametrize("value", ["2025-13", "2025-02-30", "2025-05-27/x"])
def test_date_values_reject_what_date_terms_rejects(value: str) -> None:
    from kg.build import date_values

    with pytest.raises(ValueError, match="is not YYYY"):
        date_values(value)
