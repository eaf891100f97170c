"""Consolidation across articles: entity merges, cross-article events, lifecycle, tenures."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from kg.build import DEFAULT_BASE
from kg.cli import main
from kg.consolidate import (
    CONSOLIDATED_GRAPH,
    AgreementInfo,
    AliasOverride,
    EntityInfo,
    EventInfo,
    MembershipInfo,
    Overrides,
    Snapshot,
    cluster_entities,
    cluster_events,
    consolidate,
    consolidated_graph,
    dates_compatible,
    load_overrides,
    read_overrides,
)
from kg.errors import DataError
from kg.pipeline import ingest
from kg.query import bind_params, find_query, run_query
from kg.resolve import is_acronym, korean_name, phonetic_key, transliteration_key
from kg.store import KGStore
from kg.validate import validate_store
from kg.vocab import IDKR

B = DEFAULT_BASE
ARTICLES = Path(__file__).parent / "articles"
DATA = Path(__file__).resolve().parents[1] / "data" / "articles"
ANTARA = ARTICLES / "xa-antara-2025-jakarta-chungnam-loi.txt"
WIRE = ARTICLES / "xa-koreawire-2025-chungnam-jakarta-loi.txt"
BUSAN = ARTICLES / "xa-busan-2019-ikcepa-declaration.txt"
SEOUL = ARTICLES / "xa-wartaniaga-2020-ikcepa-signing.txt"
HANBIT = DATA / "hanbit-news-2025-chungnam-jakarta.txt"


def graph_of(store: KGStore, name: str) -> Graph:
    g = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{B}{name}> {{ ?s ?p ?o }} }}")
    assert isinstance(g, Graph)
    return g


def dataset(store: KGStore) -> Graph:
    """Every quad of the store as triples tagged by graph, for comparisons."""
    res = store.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    g = Graph()
    for gr, s, p, o in res.rows:
        node = URIRef(f"{s}#in-{gr}") if isinstance(s, URIRef) else s
        g.add((node, p, o))
    return g


def ingested(*paths: Path, overrides: Overrides | None = None) -> KGStore:
    store = KGStore("memory")
    for p in paths:  # one by one: each ingest recomputes the consolidated graph
        summary = ingest([p], store, overrides=overrides)
        assert summary.failed == 0
    return store


@pytest.fixture(scope="module")
def loi_store() -> KGStore:
    return ingested(ANTARA, WIRE, HANBIT, BUSAN, SEOUL)


# --------------------------------------------------------------------------- name rules


def test_korean_names_meet_across_scripts_and_spellings() -> None:
    assert korean_name("김태흠") == korean_name("Kim Tae Heum") == korean_name("Kim Tae-heum")
    assert korean_name("서병수") == korean_name("Suh Byung-soo") == korean_name("Seo Byeong-su")
    assert korean_name("오세훈") == korean_name("Oh Se-hoon")
    assert korean_name("Kim Tae-heum") != korean_name("Kim Tae-hoon")
    assert korean_name("Pramono Anung") is None  # not a Korean surname
    assert phonetic_key("Byung-soo") == phonetic_key("Byeongsu")


def test_foreign_names_in_hangul_meet_their_latin_spelling() -> None:
    assert transliteration_key("프라모노 아눙") == transliteration_key("Pramono Anung")
    assert transliteration_key("헤루 부디 하르토노") == transliteration_key("Heru Budi Hartono")
    assert transliteration_key("프라모노 아눙") != transliteration_key("Prabowo Subianto")


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        ("Kemlu", "Kementerian Luar Negeri", True),
        ("Kemenlu", "Kementerian Luar Negeri", True),
        ("BKPM", "Badan Koordinasi Penanaman Modal", True),
        ("KBRI", "Kedutaan Besar Republik Indonesia", True),
        ("CEPA", "Chungnam Economic Promotion Agency", True),
        ("KL", "Kementerian Luar Negeri", False),  # initials that skip a word
        ("BKPM", "Badan Pusat Statistik", False),
        ("Kemlu", "Kementerian Perdagangan", False),
    ],
)
def test_acronyms(short: str, long: str, expected: bool) -> None:
    assert is_acronym(short, long, frozenset({"of", "the", "dan"})) is expected


# --------------------------------------------------------------------------- entity merges


def person(iri: str, label: str, country: str | None = None, *aliases: str) -> EntityInfo:
    e = EntityInfo(B + iri, {"Person"})
    e.labels[label] += 1
    e.aliases |= set(aliases)
    if country:
        e.countries.add(country)
    e.articles.add(f"{B}article/{iri}")
    return e


def org(iri: str, label: str, country: str, etype: str = "Ministry") -> EntityInfo:
    e = EntityInfo(B + iri, {etype})
    e.labels[label] += 1
    e.countries.add(country)
    e.articles.add(f"{B}article/{iri}")
    return e


def snapshot(*entities: EntityInfo) -> Snapshot:
    return Snapshot(entities={e.iri: e for e in entities})


def merged(snap: Snapshot, overrides: Overrides | None = None) -> dict[frozenset[str], str]:
    clusters = cluster_entities(snap, overrides or Overrides())
    short = len(B)
    return {frozenset((m.a[short:], m.b[short:])): m.rule for m in clusters.accepted}


def test_merge_rules_on_names() -> None:
    snap = snapshot(
        person("person/aher", "Aher", "ID"),
        person("person/ahmad-heryawan", "Ahmad Heryawan", "ID"),
        person("person/김태흠", "김태흠", "KR"),
        person("person/kim-tae-heum", "Kim Tae Heum", "KR"),
        person("person/pramono", "Pramono", "ID"),
        person("person/pramono-anung", "Pramono Anung", "ID"),
        person("person/retno-marsudi", "Retno Marsudi", "ID"),
        person("person/retno-marsudy", "Retno Marsudy", "ID"),
        person("person/ridwan", "Ridwan", "ID"),
        person("person/ridwan-kamil", "Ridwan Kamil", "ID"),
        person("person/ridwan-saidi", "Ridwan Saidi", "ID"),
        org("org/kemlu", "Kemlu", "ID"),
        org("org/kementerian-luar-negeri", "Kementerian Luar Negeri", "ID"),
        person("person/dedi-wibowo", "Dedi Wibowo", "ID"),  # one letter off, nothing shared
        person("person/dewi-wibowo", "Dewi Wibowo", "ID"),
        person("person/cho-ha-eun", "Cho Ha-eun", "KR"),  # 조 and 최: two surnames
        person("person/choe-ha-eun", "Choe Ha-eun", "KR"),
    )
    # a spelling slip needs something in common: here both held the same post
    for n, (who, kr) in enumerate(
        [
            ("retno-marsudi", False),
            ("retno-marsudy", False),
            ("cho-ha-eun", True),
            ("choe-ha-eun", True),
        ]
    ):
        post = "post/region/KR-44/governor" if kr else "post/country/ID/foreign-minister"
        snap.memberships[f"m{n}"] = MembershipInfo(
            f"m{n}", f"{B}article/{n}", f"{B}person/{who}", B + post.rsplit("/", 1)[0], B + post
        )
    assert merged(snap) == {
        frozenset({"person/aher", "person/ahmad-heryawan"}): "known-alias",
        frozenset({"person/김태흠", "person/kim-tae-heum"}): "romanisation",
        frozenset({"person/pramono", "person/pramono-anung"}): "name-part",
        frozenset({"person/retno-marsudi", "person/retno-marsudy"}): "spelling",
        frozenset({"org/kemlu", "org/kementerian-luar-negeri"}): "acronym",
    }  # "Ridwan" fits two fuller names: no merge


def test_an_alias_in_one_article_is_the_label_in_another() -> None:
    snap = snapshot(
        person("person/emil", "Emil", "ID"),
        person("person/ridwan-kamil", "Ridwan Kamil", "ID", "Emil"),
        person("person/kim", "Kim", "KR"),
        person("person/kim-tae-heum", "Kim Tae-heum", "KR", "Kim"),
        person("person/kim-jong-un", "Kim Jong-un", None, "Kim"),
    )
    assert merged(snap) == {frozenset({"person/emil", "person/ridwan-kamil"}): "alias-of"}


def test_constraints_block_merges() -> None:
    gaz_a = org("org/id-bkpm", "BKPM", "ID")
    gaz_a.gazetteer_label = "BKPM"
    gaz_b = org("org/id-bpk", "Badan Koordinasi Penanaman Modal", "ID")
    gaz_b.gazetteer_label = "Badan Koordinasi Penanaman Modal"
    snap = snapshot(
        gaz_a,
        gaz_b,  # two gazetteer entries stay apart
        person("person/lee-jae-myung", "Lee Jae-myung", "KR"),
        person("person/lee-jae-myung-x", "Lee Jae Myung", "ID"),  # countries differ
    )
    assert merged(snap) == {}


def test_overrides_add_aliases_and_refuse_merges() -> None:
    snap = snapshot(
        person("person/jokowi", "Jokowi", "ID"),
        person("person/joko-widodo", "Joko Widodo", "ID"),
        person("person/kang-emil", "Kang Emil", "ID"),
        person("person/mang-emil", "Mang Emil", "ID"),
        person("person/ridwan-kamil", "Ridwan Kamil", "ID"),
    )
    overrides = Overrides(
        aliases=(AliasOverride("Ridwan Kamil", ("Mang Emil",)),),
        refusals=(("Jokowi", f"{B}person/joko-widodo"),),
    )
    assert merged(snap, overrides) == {
        frozenset({"person/mang-emil", "person/ridwan-kamil"}): "override-alias",
        frozenset({"person/kang-emil", "person/ridwan-kamil"}): "known-alias",
    }
    clusters = cluster_entities(snap, overrides)
    assert [why for _m, why in clusters.rejected] == ["refused by the overrides file"]


def test_merges_do_not_depend_on_the_order_entities_were_read() -> None:
    people = [
        person("person/aher", "Aher", "ID"),
        person("person/ahmad-heryawan", "Ahmad Heryawan", "ID"),
        person("person/ahmad-heriyawan", "Ahmad Heriyawan", "ID"),
        person("person/heryawan", "Heryawan", "ID"),
    ]
    results = set()
    for perm in itertools.permutations(people):
        snap = snapshot(*perm)
        for who in ("ahmad-heryawan", "ahmad-heriyawan"):  # the same post: a spelling slip
            snap.memberships[who] = MembershipInfo(
                who,
                f"{B}article/{who}",
                f"{B}person/{who}",
                f"{B}region/ID-JB",
                f"{B}post/region/ID-JB/governor",
            )
        g = consolidated_graph(snap)
        results.add(frozenset((s, o) for s, _p, o in g.triples((None, OWL.sameAs, None))))
    assert len(results) == 1 and len(next(iter(results))) == 3


# --------------------------------------------------------------------------- events


def event(iri: str, article: str, date: str | None, *attendees: str, etype="Signing", agr=None):
    ev = EventInfo(B + iri, B + article, etype, date, attendees={B + a for a in attendees})
    if agr is not None:
        kind, parties = agr
        ev.agreements.append(AgreementInfo(B + iri + "/a", kind, {B + p for p in parties}))
    return ev


def test_event_grouping_rules() -> None:
    assert dates_compatible("2025-05-27", "2025-05-28")
    assert not dates_compatible("2025-05-27", "2025-06-27")
    assert dates_compatible("2025-05", "2025-05-27") and dates_compatible(None, "2025")
    ents = [
        person("person/a", "Pramono Anung", "ID"),
        person("person/b", "Kim Tae-heum", "KR"),
        org("region/ID-JK", "DKI Jakarta", "ID", "Province"),
        org("region/KR-44", "Chungcheongnam-do", "KR", "Province"),
    ]
    snap = snapshot(*ents)
    loi = ("LoI", ["region/ID-JK", "region/KR-44"])
    mou = ("MoU", ["region/ID-JK", "region/KR-44"])
    for ev in [
        event("event/1", "article/1", "2025-05-27", "person/a", "person/b", agr=loi),
        event("event/2", "article/2", "2025-05-28", "person/b", agr=loi),  # a day later
        event("event/3", "article/3", None, "person/a", agr=loi),  # undated
        event("event/4", "article/1", "2025-05-27", "person/a", agr=mou),  # same article
        event("event/5", "article/4", "2025-05-27", "person/b", agr=mou),  # another kind
        event("event/6", "article/5", "2025-09-01", "person/a", "person/b", agr=loi),  # later
        event("event/7", "article/6", "2025-05-27", "person/a", etype="Meeting"),
    ]:
        snap.events[ev.iri] = ev
    groups = {
        frozenset(m.iri[len(B) :] for m in c.members)
        for c in cluster_events(snap, cluster_entities(snap, Overrides()))
    }
    assert groups == {
        frozenset({"event/1", "event/2", "event/3"}),
        frozenset({"event/4", "event/5"}),
        frozenset({"event/6"}),
        frozenset({"event/7"}),
    }


def test_events_naming_only_countries_meet_across_a_month_end() -> None:
    snap = snapshot(org("country/ID", "Indonesia", "ID", "Country"))
    snap.entities[B + "country/KR"] = org("country/KR", "Korea Selatan", "KR", "Country")
    both = ("country/ID", "country/KR")
    for ev in [
        event("event/1", "article/1", "2020-11-30", *both),
        event("event/2", "article/2", "2020-12-01", *both),
        event("event/3", "article/3", "2020-12-20", *both),
        event("event/4", "article/4", "2020-12-01", "country/ID"),  # one country: no
    ]:
        snap.events[ev.iri] = ev
    groups = {
        frozenset(m.iri[len(B) :] for m in c.members)
        for c in cluster_events(snap, cluster_entities(snap, Overrides()))
    }
    assert frozenset({"event/1", "event/2"}) in groups
    assert frozenset({"event/3"}) in groups and frozenset({"event/4"}) in groups


def test_agreement_lifecycle_links_in_order() -> None:
    ents = [
        org("region/ID-JK", "DKI Jakarta", "ID", "Province"),
        org("region/KR-44", "Chungcheongnam-do", "KR", "Province"),
        org("country/ID", "Indonesia", "ID", "Country"),
        org("country/KR", "Korea Selatan", "KR", "Country"),
    ]
    snap = snapshot(*ents)
    regions = ["region/ID-JK", "region/KR-44"]
    for ev in [
        event("event/loi", "article/1", "2025-05-27", *regions, agr=("LoI", regions)),
        event("event/mou", "article/2", "2026-02-10", *regions, agr=("MoU", regions)),
        event("event/mou2", "article/3", "2029-02-11", *regions, agr=("MoU", regions)),
        # two countries sign many things: without a shared sector or signatory, no link
        event(
            "event/c1",
            "article/4",
            "2019-11-25",
            "country/ID",
            agr=("MoU", ["country/ID", "country/KR"]),
        ),
        event(
            "event/c2",
            "article/5",
            "2020-12-18",
            "country/ID",
            agr=("Agreement", ["country/ID", "country/KR"]),
        ),
    ]:
        snap.events[ev.iri] = ev
    g = consolidated_graph(snap)
    label = {
        s: str(o)
        for s, o in g.subject_objects(URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    }
    follows = {(label[s], label[o]) for s, o in g.subject_objects(IDKR.follows)}
    renews = {(label[s], label[o]) for s, o in g.subject_objects(IDKR.renews)}
    assert follows == {
        (
            "MoU: Chungcheongnam-do – DKI Jakarta (2026-02-10)",
            "LoI: Chungcheongnam-do – DKI Jakarta (2025-05-27)",
        )
    }
    assert renews == {
        (
            "MoU: Chungcheongnam-do – DKI Jakarta (2029-02-11)",
            "MoU: Chungcheongnam-do – DKI Jakarta (2026-02-10)",
        )
    }


def test_an_undated_report_meets_only_events_near_its_publication() -> None:
    ents = [person("person/a", "Pramono Anung", "ID"), person("person/b", "Kim Tae-heum", "KR")]
    snap = snapshot(*ents)
    for ev in [
        event("event/1", "article/1", "2025-05-27", "person/a", "person/b"),
        event("event/2", "article/2", None, "person/a"),  # published the next day
        event("event/3", "article/3", None, "person/b"),  # published months later
        event("event/4", "article/4", None, "person/b"),  # two days after that
        event("event/5", "article/5", None, "person/a"),  # no publication date: any time
    ]:
        snap.events[ev.iri] = ev
    snap.published.update(
        {
            B + "article/2": "2025-05-28",
            B + "article/3": "2025-09-01",
            B + "article/4": "2025-09-03",
        }
    )
    groups = {
        frozenset(m.iri[len(B) :] for m in c.members)
        for c in cluster_events(snap, cluster_entities(snap, Overrides()))
    }
    assert groups == {
        frozenset({"event/1", "event/2", "event/5"}),
        frozenset({"event/3", "event/4"}),
    }


# --------------------------------------------------------------------------- on real articles


def test_one_signing_reported_by_several_articles_is_one_event(loi_store: KGStore) -> None:
    res = loi_store.select(
        """PREFIX idkr: <https://w3id.org/idkr/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?e ?n ?date (COUNT(DISTINCT ?m) AS ?mentions) WHERE {
          ?e a idkr:ConsolidatedEvent ; idkr:articleCount ?n ; idkr:mention ?m ;
             schema:attendee <https://w3id.org/idkr/resource/person/kim-tae-heum> ;
             schema:startDate ?date .
        } GROUP BY ?e ?n ?date"""
    )
    assert [(int(n), str(d), int(m)) for _e, n, d, m in res.rows] == [(3, "2025-05-27", 3)]


def test_hangul_name_is_merged_with_its_romanisation(loi_store: KGStore) -> None:
    res = loi_store.select(
        """PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX idkr: <https://w3id.org/idkr/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?a ?b ?rule WHERE { ?a owl:sameAs ?b .
          ?s rdf:subject ?a ; rdf:predicate owl:sameAs ; rdf:object ?b ; idkr:rule ?rule }"""
    )
    found = {(str(a)[len(B) :], str(b)[len(B) :], str(r)) for a, b, r in res.rows}
    # extraction may already list the romanised form as an alias: then that rule decides
    assert {
        ("person/김태흠", "person/kim-tae-heum", r) for r in ("romanisation", "alias-of")
    } & found
    assert ("person/프라모노-아눙", "person/pramono-anung", "transliteration") in found


def test_single_source_query_follows_consolidation() -> None:
    def signings(store: KGStore) -> list[str]:
        q = find_query("single-source-events")
        res = run_query(store, q.text, bind_params(store, q, {"type": "Signing"}), hide=("type",))
        return [str(r[res.variables.index("label")]) for r in res.rows]

    alone = ingested(ANTARA)
    assert any("Kim Tae-heum" in s for s in signings(alone))
    both = ingested(ANTARA, WIRE)
    assert not any("Kim Tae" in s for s in signings(both))


def test_undated_reports_join_events_near_their_publication_only() -> None:
    """The sample feed's undated report of Retno Marsudi's talks in Bali (published July
    2022) is not the Seoul visit of March 2023 that another of its articles reports."""
    store = ingested(DATA / "jembatan-asia-2023-ri-korea-feed.jsonl")
    res = store.select(
        """PREFIX idkr: <https://w3id.org/idkr/ontology#>
        PREFIX schema: <https://schema.org/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?x ?m ?date ?published WHERE {
          ?x a idkr:ConsolidatedEvent ; idkr:mention ?m .
          GRAPH ?g { ?g prov:wasDerivedFrom ?art . ?art schema:datePublished ?published .
                     ?m a schema:Event OPTIONAL { ?m schema:startDate ?date } }
        }"""
    )
    by_event: dict[str, list[tuple[str | None, str]]] = {}
    for x, _m, day, published in res.rows:
        by_event.setdefault(str(x), []).append((day and str(day), str(published)))
    undated = {pub for reports in by_event.values() for d, pub in reports if d is None}
    assert "2022-07-07" in undated  # the Bali talks are reported without a date
    for reports in by_event.values():
        days = {d for d, _pub in reports if d}
        for d, pub in reports:
            if d is None:
                assert all(
                    -2 <= (dt.date.fromisoformat(pub) - dt.date.fromisoformat(day)).days <= 9
                    for day in days
                    if len(day) == 10
                ), reports


def test_reingesting_in_any_order_gives_the_same_graph() -> None:
    one = ingested(ANTARA, WIRE, BUSAN, SEOUL)
    two = ingested(SEOUL, WIRE, BUSAN, ANTARA)
    assert isomorphic(graph_of(one, CONSOLIDATED_GRAPH), graph_of(two, CONSOLIDATED_GRAPH))
    assert isomorphic(dataset(one), dataset(two))
    ingest([ANTARA], two)  # again: nothing changes
    assert isomorphic(dataset(one), dataset(two))


def test_agreement_lifecycle_on_articles(loi_store: KGStore) -> None:
    res = loi_store.select(
        """PREFIX idkr: <https://w3id.org/idkr/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?later ?earlier WHERE { ?a idkr:follows ?b .
          ?a rdfs:label ?later . ?b rdfs:label ?earlier }"""
    )
    assert [(str(a), str(b)) for a, b in res.rows] == [
        (
            "Agreement: Indonesia – Korea Selatan (2020-12-18)",
            "JointDeclaration: Indonesia – Korea Selatan (2019-11-25)",
        )
    ]


def test_tenures_carry_first_and_last_observation(loi_store: KGStore) -> None:
    res = loi_store.select(
        """PREFIX idkr: <https://w3id.org/idkr/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?first ?last ?n WHERE {
          ?t a idkr:Tenure ; org:member <https://w3id.org/idkr/resource/person/kim-tae-heum> ;
             idkr:post <https://w3id.org/idkr/resource/post/region/KR-44/governor> ;
             idkr:firstObserved ?first ; idkr:lastObserved ?last ; idkr:articleCount ?n }"""
    )
    assert [tuple(str(x) for x in r) for r in res.rows] == [("2025-05-27", "2025-05-28", "3")]


def test_the_consolidated_store_conforms_to_the_shapes(loi_store: KGStore) -> None:
    conforms, report = validate_store(loi_store)
    assert conforms, report


# --------------------------------------------------------------------------- overrides file


def test_overrides_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "kg-overrides.toml"
    path.write_text(
        '[[alias]]\nentity = "Heru Budi Hartono"\nnames = ["헤루 부디 하르토노", "Heru"]\n\n'
        '[[refuse]]\nentities = ["Jokowi", "Joko Widodo"]\n',
        encoding="utf-8",
    )
    ov = load_overrides(path)
    store = KGStore("memory")
    consolidate(store, B, ov)
    assert read_overrides(store) == Overrides(
        (AliasOverride("Heru Budi Hartono", ("Heru", "헤루 부디 하르토노")),),
        (("Joko Widodo", "Jokowi"),),
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("x = [", "not valid TOML"),
        ("[[alias]]\nentity = 'A'\n", "needs 'entity' and 'names'"),
        ("[[refuse]]\nentities = ['A']\n", "at least two"),
        ("[[merge]]\n", "unknown section"),
        ("[[alias]]\nentity = 'A'\nnames = [1]\n", "non-empty strings"),
    ],
)
def test_bad_overrides_files_are_named(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "kg-overrides.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=problem) as info:
        load_overrides(path)
    assert str(path) in str(info.value)


def test_cli_consolidate_with_overrides_beside_the_store(tmp_path: Path) -> None:
    store = tmp_path / "kg-store"
    runner = CliRunner()
    res = runner.invoke(main, ["--store", str(store), "ingest", "-q", str(ANTARA), str(HANBIT)])
    assert res.exit_code == 0, res.output
    assert "consolidated:" in res.output
    (tmp_path / "kg-overrides.toml").write_text(
        '[[refuse]]\nentities = ["김태흠", "Kim Tae-heum"]\n', encoding="utf-8"
    )
    res = runner.invoke(main, ["--store", str(store), "consolidate"])
    assert res.exit_code == 0, res.output
    assert "refused by the overrides file" in res.output
    with KGStore(str(store)) as st:
        same = st.select(
            "SELECT ?a WHERE { ?a <http://www.w3.org/2002/07/owl#sameAs> "
            "<https://w3id.org/idkr/resource/person/kim-tae-heum> }"
        )
        assert same.rows == []
    bad = tmp_path / "bad.toml"
    bad.write_text("[[alias]]\n", encoding="utf-8")
    res = runner.invoke(main, ["--store", str(store), "consolidate", "--overrides", str(bad)])
    assert res.exit_code != 0 and "bad.toml" in res.output


def test_merges_are_recorded_with_their_rule() -> None:
    snap = snapshot(
        person("person/aher", "Aher", "ID"), person("person/ah", "Ahmad Heryawan", "ID")
    )
    g = consolidated_graph(snap)
    (stmt,) = g.subjects(RDF.type, RDF.Statement)
    assert g.value(stmt, IDKR.rule) == Literal("known-alias")
    assert (URIRef(B + "person/aher"), OWL.sameAs, URIRef(B + "person/ah")) in g


def test_a_merge_is_derived_from_every_article_of_both_entities(loi_store: KGStore) -> None:
    """(read_snapshot counts articles per entity and reads them by name for merges only)"""
    prefixes = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX idkr: <https://w3id.org/idkr/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    """
    merges = loi_store.select(
        prefixes
        + """SELECT ?s ?a ?b ?art WHERE { ?s rdf:subject ?a ; rdf:predicate owl:sameAs ;
             rdf:object ?b ; prov:wasDerivedFrom ?art }"""
    ).rows
    assert merges
    derived: dict[tuple, set] = {}
    for s, a, b, art in merges:
        derived.setdefault((s, a, b), set()).add(art)
    for (_s, a, b), arts in derived.items():
        res = loi_store.select(
            prefixes
            + f"""SELECT DISTINCT ?art WHERE {{ VALUES ?e {{ <{a}> <{b}> }}
                GRAPH ?g {{ ?g prov:wasDerivedFrom ?art . ?e idkr:entityType ?t }} }}"""
        )
        assert arts == {row[0] for row in res.rows}
