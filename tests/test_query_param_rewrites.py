"""Named queries with entity parameters, rewritten for speed, give the rows of their
earlier forms (tests/data/reference_queries/*.rq), except where a cap is documented:
evidence lists the first 100 articles naming the entity. (The global queries are in
test_query_rewrites.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.build import DEFAULT_BASE
from kg.pipeline import ingest
from kg.query import bind_params, find_query, parse_query_file, run_query
from kg.store import KGStore

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "reference_queries"
B = DEFAULT_BASE

SAMPLE_ENTITIES = ["DKI Jakarta", "Chungcheongnam-do", "Joko Widodo", "Indonesia", "Busan"]
SAMPLE_ENTITIES += ["Jawa Barat", "Chungcheongnam-do Economic Promotion Agency", "Pramono Anung"]
TEST_ENTITIES = ["Joko Widodo", "Seoul", "Hyundai Motor Company", "DKI Jakarta", "Jawa Barat"]
TEST_ENTITIES += ["Kabupaten Karawang", "LG Energy Solution", "Korea Selatan"]


@pytest.fixture(scope="module")
def test_articles_store() -> KGStore:
    """The articles of tests/articles (more people, companies and Korean text)."""
    store = KGStore("memory")
    ingest([ROOT / "tests" / "articles"], store)
    return store


def rows(store: KGStore, query, values: dict[str, str]) -> list[tuple[str, ...]]:
    res = run_query(
        store, query.text, bind_params(store, query, values), tuple(p.name for p in query.params)
    )
    return [tuple("" if t is None else str(t) for t in r) for r in res.rows]


def same_as_reference(store: KGStore, name: str, values: dict[str, str]) -> list:
    new = rows(store, find_query(name), values)
    old = rows(store, parse_query_file(REFERENCE / f"{name}.rq"), values)
    assert new == old, (name, values)
    return new


def stores(sample_store: KGStore, test_articles_store: KGStore):
    return [(sample_store, SAMPLE_ENTITIES), (test_articles_store, TEST_ENTITIES)]


# --- same rows as before ---------------------------------------------------------------------


def test_evidence_equals_the_reference(sample_store, test_articles_store) -> None:
    found = 0
    for store, entities in stores(sample_store, test_articles_store):
        for entity in entities:
            found += len(same_as_reference(store, "evidence", {"entity": entity}))
    assert found > 100


def test_timeline_equals_the_reference(sample_store, test_articles_store) -> None:
    found = 0
    for store, entities in stores(sample_store, test_articles_store):
        for entity in entities:
            found += len(same_as_reference(store, "timeline", {"entity": entity}))
    assert found > 30


def test_co_mentions_equals_the_reference(sample_store, test_articles_store) -> None:
    found = 0
    for store, entities in stores(sample_store, test_articles_store):
        for a in entities:
            for b in entities:
                found += len(same_as_reference(store, "co-mentions", {"a": a, "b": b}))
    assert found > 50


# --- what they say on the samples ---------------------------------------------------------------


def test_co_mentions_of_jakarta_and_chungnam_are_the_loi_articles(sample_store) -> None:
    got = rows(sample_store, find_query("co-mentions"), {"a": "DKI Jakarta", "b": "Chungnam"})
    hosts = sorted(r[4].split("/")[2] for r in got)
    assert hosts == [
        "www.hanbit-news.example",
        "www.jembatan-asia.example",
        "www.kabar-ibukota.example",
        "www.nusantara-wire.example",
    ]


def test_evidence_since(sample_store) -> None:
    q = find_query("evidence")
    every = rows(sample_store, q, {"entity": "DKI Jakarta"})
    published = [r[7] for r in every]
    assert published == sorted(published) and len(set(published)) > 2
    cut = sorted(set(published))[1]
    later = rows(sample_store, q, {"entity": "DKI Jakarta", "since": cut[:7]})
    assert later == [r for r in every if r[7] >= cut[:7]]
    assert rows(sample_store, q, {"entity": "DKI Jakarta", "since": "2999"}) == []


# --- evidence: the first 100 articles ----------------------------------------------------------


def evidence_graphs(n: int) -> str:
    """N-Quads of ``n`` article graphs, each with one statement about the same entity."""
    oa, idkr = "http://www.w3.org/ns/oa#", "https://w3id.org/idkr/ontology#"
    schema = "https://schema.org/"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    entity = f"<{B}region/ID-XX>"
    lines = []
    for i in range(n):
        g, art = f"<{B}graph/t{i:03d}>", f"<{B}article/t{i:03d}>"
        st, ev, tg = f"<{B}s/t{i}>", f"<{B}e/t{i}>", f"<{B}tg/t{i}>"
        q, pos = f"<{B}q/t{i}>", f"<{B}p/t{i}>"
        day = f"20{10 + i // 12:02d}-{1 + i % 12:02d}-01"
        triples = [
            (art, rdf_type, f"<{schema}NewsArticle>"),
            (art, f"<{schema}datePublished>", f'"{day}"^^<http://www.w3.org/2001/XMLSchema#date>'),
            (art, f"<{schema}headline>", f'"Headline {i}"'),
            (art, f"<{schema}url>", f"<https://news.example/{i}>"),
            (art, f"<{schema}mentions>", entity),
            (st, rdf_type, f"<{idkr}Agreement>"),
            (st, f"<{idkr}party>", entity),
            (st, f"<{idkr}evidence>", ev),
            (st, f"<{idkr}confidence>", '"0.9"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
            (st, f"<{idkr}rule>", '"test-rule"'),
            (ev, f"<{oa}hasTarget>", tg),
            (tg, f"<{oa}hasSource>", art),
            (tg, f"<{oa}hasSelector>", q),
            (tg, f"<{oa}hasSelector>", pos),
            (q, f"<{oa}exact>", f'"Sentence {i}."'),
            (pos, f"<{oa}start>", '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'),
            (pos, f"<{oa}end>", '"11"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ]
        if i % 10 == 3:  # an article that only mentions the entity
            triples = triples[:5]
        lines += [f"{s} {p} {o} {g} ." for s, p, o in triples]
    return "\n".join(lines) + "\n"


def test_evidence_lists_the_first_100_articles(tmp_path: Path) -> None:
    dump = tmp_path / "many.nq"
    dump.write_text(evidence_graphs(130), encoding="utf-8")
    store = KGStore("memory")
    store.load(dump)
    entity = B + "region/ID-XX"
    q, ref = find_query("evidence"), parse_query_file(REFERENCE / "evidence.rq")
    got = rows(store, q, {"entity": entity})
    every = rows(store, ref, {"entity": entity})
    assert len(every) == 117  # 130 articles, 13 of them only mention the entity
    assert len(got) == 90 and got == every[:90]  # articles 0-99, 10 of them mention-only
    assert got[-1][5] == "Headline 99"
    later = rows(store, q, {"entity": entity, "since": "2018-05"})
    assert later == [r for r in every if r[7] >= "2018-05"][: len(later)]
    assert later[0][5] == "Headline 100" and later[-1][5] == "Headline 129"
    # the parameter columns come back as they were given
    full = run_query(store, q.text, bind_params(store, q, {"entity": entity, "since": "2020"}))
    assert full.rows[0][-2:] == (URIRef(entity), Literal("2020"))


# --- single-source-events: one page of dates at a time -------------------------------------


def event_graphs(n: int) -> str:
    """N-Quads of ``n`` article graphs with one event statement each, and the consolidated
    graph: events on ~0.8 n dates (some days, months and years with several events, a few
    undated), Signings and Meetings, every seventh reported by a second article too."""
    idkr, schema = "https://w3id.org/idkr/ontology#", "https://schema.org/"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label, xsd = "<http://www.w3.org/2000/01/rdf-schema#label>", "http://www.w3.org/2001/XMLSchema#"
    concept = "https://w3id.org/idkr/concept/event-type/"
    cons = f"<{B}graph/consolidated>"
    lines = []
    for i in range(n):
        g, art, ev = f"<{B}graph/e{i:03d}>", f"<{B}article/e{i:03d}>", f"<{B}event/e{i:03d}>"
        person = f"<{B}person/p{i % 17}>"
        day = i - i // 5  # every fifth event shares its date with the one before
        if i % 23 == 5:
            date = None
        elif i % 11 == 3:
            date = (f"20{10 + day // 40:02d}-{1 + day % 12:02d}", "gYearMonth")
        elif i % 31 == 7:
            date = (f"20{10 + day // 40:02d}", "gYear")
        else:
            date = (f"20{10 + day // 40:02d}-{1 + day % 12:02d}-{1 + day % 28:02d}", "date")
        kind = "Meeting" if i % 3 == 0 else "Signing"
        triples = [
            (art, rdf_type, f"<{schema}NewsArticle>"),
            (art, f"<{schema}headline>", f'"Headline {i:03d}"'),
            (art, f"<{schema}url>", f"<https://news.example/e{i}>"),
            (ev, rdf_type, f"<{schema}Event>"),
            (ev, f"<{idkr}eventType>", f"<{concept}{kind}>"),
            (ev, label, f'"{kind} {i}"'),
            (ev, f"<{schema}attendee>", person),
            (person, label, f'"Person {i % 17}"'),
            (ev, "<http://www.w3.org/ns/prov#wasDerivedFrom>", art),
        ]
        if date is not None:
            triples.append((ev, f"<{schema}startDate>", f'"{date[0]}"^^<{xsd}{date[1]}>'))
        lines += [f"{s} {p} {o} {g} ." for s, p, o in triples]
        c = f"<{B}event/x-{i:03d}>"
        count = 2 if i % 7 == 2 else 1
        for s, p, o in [
            (c, rdf_type, f"<{idkr}ConsolidatedEvent>"),
            (c, f"<{idkr}eventType>", f"<{concept}{kind}>"),
            (c, f"<{idkr}mention>", ev),
            (c, f"<{idkr}articleCount>", f'"{count}"^^<{xsd}integer>'),
        ]:
            lines.append(f"{s} {p} {o} {cons} .")
    return "\n".join(lines) + "\n"


def read_on(store: KGStore, values: dict[str, str]) -> list[list[tuple[str, ...]]]:
    """Every page of single-source-events, reading on from the date of each page's last row."""
    q, pages, after = find_query("single-source-events"), [], None
    while True:
        page = rows(store, q, values | ({"after": after} if after else {}))
        pages.append(page)
        if not page or not page[-1][0]:  # the end, or the undated events of the last page
            return pages
        after = page[-1][0]


@pytest.mark.parametrize("values", [{}, {"type": "signing"}, {"type": "Meeting"}])
def test_single_source_events_page_by_page_is_the_whole_listing(tmp_path, values) -> None:
    dump = tmp_path / "events.nq"
    dump.write_text(event_graphs(450), encoding="utf-8")
    store = KGStore("memory")
    store.load(dump)
    every = rows(store, parse_query_file(REFERENCE / "single-source-events.rq"), values)
    assert len(every) > 120 and any(not r[0] for r in every)  # several pages, undated too
    pages = read_on(store, values)
    assert len(pages) >= 3
    assert [r for page in pages for r in page] == every
    for page, following in zip(pages, pages[1:], strict=False):
        assert page and page[-1][0] < following[0][0] or not following[0][0]  # no date split
    assert all(r[0] for page in pages[:-1] for r in page)  # undated only on the last page
    # a page covers 100 dates of the store
    assert len({r[0] for r in pages[0]}) <= 100 < len({r[0] for r in every})
    assert rows(store, find_query("single-source-events"), values | {"after": "2999"}) == [
        r for r in every if not r[0]
    ]
