"""Named queries (queries/*.rq): they parse, run on the sample articles and say what the
articles say (data/articles/README.md), and parameters cannot change the query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.build import DEFAULT_BASE
from kg.errors import QueryError
from kg.pipeline import ingest
from kg.query import (
    PARAM_KINDS,
    NamedQuery,
    bind_params,
    find_query,
    list_queries,
    run_query,
)
from kg.store import KGStore

B = DEFAULT_BASE
JAKARTA = B + "region/ID-JK"
CHUNGNAM = B + "region/KR-44"
JABAR = B + "region/ID-JB"
PRAMONO = B + "person/pramono-anung"
CEPA_NAME = "Chungcheongnam-do Economic Promotion Agency"

# The three articles about the Jakarta–Chungcheongnam-do letter of intent, by URL host.
LOI_SOURCES = ("kabar-ibukota", "nusantara-wire", "hanbit-news")

# Sensible parameters for every named query; entities are passed as IRIs so that these
# tests do not depend on label lookup (tested on its own below).
SAMPLE_PARAMS: dict[str, dict[str, str]] = {
    "agreements": {"entity": CHUNGNAM, "year": "2025"},
    "co-mentions": {"a": JAKARTA, "b": CHUNGNAM},
    "connection": {"a": JAKARTA, "b": CHUNGNAM},
    "cooperation-by-sector": {"type": "LoI"},
    "evidence": {"entity": CHUNGNAM},
    "most-connected": {"type": "Province"},
    "post-holders": {"organization": JAKARTA, "role": "governor", "on": "2025-12-31"},
    "post-holder-on": {"organization": JAKARTA, "role": "Gubernur", "on": "2025-05"},
    "presence": {},
    "single-source-events": {"type": "Visit"},
    "timeline": {"entity": JAKARTA},
}

INJECTION = 'x" } ; DROP ALL ; #'


def run(store: KGStore, name: str, **params: str) -> list[dict[str, str]]:
    """Rows of a named query as {column: text} ('' for unbound)."""
    query = find_query(name)
    res = run_query(store, query.text, bind_params(store, query, params))
    return [
        {
            var: "" if term is None else str(term)
            for var, term in zip(res.variables, row, strict=True)
        }
        for row in res.rows
    ]


def items(cell: str, sep: str = " | ") -> set[str]:
    return {part.strip() for part in cell.split(sep) if part.strip()}


def source(row: dict[str, str]) -> str:
    return next((s for s in LOI_SOURCES if s in row.get("url", "")), "")


# --- every query -------------------------------------------------------------------------


def test_every_query_has_sample_params() -> None:
    assert sorted(q.name for q in list_queries()) == sorted(SAMPLE_PARAMS)


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_query_is_documented(query: NamedQuery) -> None:
    assert query.description, f"{query.name}: the first comment line should describe it"
    assert not query.description.startswith("@param")
    for p in query.params:
        assert p.kind in PARAM_KINDS
        assert p.description, f"{query.name}: parameter {p.name} has no description"
        assert re.search(rf"\?{p.name}\b", query.text), f"{query.name}: ?{p.name} is unused"
    assert "ORDER BY" in query.text, f"{query.name}: rows need a stable order"


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_params_are_projected(query: NamedQuery) -> None:
    """The parameter columns (hidden by kg query) are the same however a value is bound;
    the substitution fallback binds only variables of the top-level SELECT list."""
    select = re.search(r"^SELECT\b(.*?)^WHERE\b", query.text, re.S | re.M)
    assert select, f"{query.name}: no top-level SELECT … WHERE"
    for p in query.params:
        assert re.search(rf"\?{p.name}\b", select.group(1)), (
            f"{query.name}: ?{p.name} must be in the top-level SELECT list"
        )


@pytest.mark.parametrize("name", sorted(SAMPLE_PARAMS))
def test_query_runs_on_the_sample_articles(sample_store: KGStore, name: str) -> None:
    rows = run(sample_store, name, **SAMPLE_PARAMS[name])
    assert rows, f"{name} returned no rows"


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_optional_params_can_be_left_out(sample_store: KGStore, query: NamedQuery) -> None:
    required = {
        p.name: SAMPLE_PARAMS[query.name][p.name]
        for p in query.params
        if "optional" not in p.description.lower()
    }
    everything = run(sample_store, query.name, **required)
    narrowed = run(sample_store, query.name, **SAMPLE_PARAMS[query.name])
    assert everything
    if len(required) < len(query.params):
        assert len(narrowed) <= len(everything)


def test_entity_params_accept_labels_and_aliases(sample_store: KGStore) -> None:
    query = find_query("co-mentions")
    bound = bind_params(sample_store, query, {"a": "DKI Jakarta", "b": "South Chungcheong"})
    assert bound == {"a": URIRef(JAKARTA), "b": URIRef(CHUNGNAM)}


# --- parameters are data, and queries only read -----------------------------------------


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("post-holders", "role"),
        ("most-connected", "type"),
        ("single-source-events", "type"),
        ("cooperation-by-sector", "type"),
    ],
)
def test_string_params_cannot_inject(sample_store: KGStore, name: str, param: str) -> None:
    before = len(sample_store)
    assert run(sample_store, name, **{param: INJECTION}) == []
    assert len(sample_store) == before


def test_entity_and_date_params_reject_junk(sample_store: KGStore) -> None:
    query = find_query("post-holders")
    with pytest.raises(QueryError):
        bind_params(sample_store, query, {"on": INJECTION})
    with pytest.raises(QueryError):
        bind_params(sample_store, query, {"organization": INJECTION})


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
        "PREFIX ex: <urn:x:>\nINSERT DATA { ex:a ex:b ex:c }",
        "# a comment\nDROP ALL",
    ],
)
def test_run_query_refuses_updates(sample_store: KGStore, update: str) -> None:
    before = len(sample_store)
    with pytest.raises(QueryError):
        run_query(sample_store, update)
    assert len(sample_store) == before


# --- what the sample articles say --------------------------------------------------------


def jakarta_chungnam_lois(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [
        r
        for r in rows
        if r["type"] == "LoI" and {"DKI Jakarta", "Chungcheongnam-do"} <= items(r["parties"])
    ]


@pytest.mark.parametrize("outlet", LOI_SOURCES)
def test_agreements_jakarta_chungnam_loi(sample_store: KGStore, outlet: str) -> None:
    """Each of the three articles reports the LoI signed on 27 May 2025."""
    lois = [
        r for r in jakarta_chungnam_lois(run(sample_store, "agreements")) if source(r) == outlet
    ]
    assert [r["date"] for r in lois] == ["2025-05-27"]


def test_agreements_loi_sectors_and_signatories(sample_store: KGStore) -> None:
    lois = jakarta_chungnam_lois(run(sample_store, "agreements"))
    kabar = [r for r in lois if source(r) == "kabar-ibukota"]
    assert kabar and {"trade", "economy", "culture", "sports"} <= items(kabar[0]["sectors"], ",")
    english = [r for r in lois if source(r) == "nusantara-wire"]
    assert english and {"Pramono Anung", "Kim Tae-heum"} <= items(english[0]["signatories"])


def test_agreements_west_java_sectors(sample_store: KGStore) -> None:
    """The 2018 LoI names education, trade and investment, tourism and culture."""
    rows = run(sample_store, "agreements", entity=JABAR, year="2018")
    sectors = set().union(*(items(r["sectors"], ",") for r in rows))
    assert {"education", "trade", "investment", "tourism", "culture"} <= sectors


def test_agreements_filters(sample_store: KGStore) -> None:
    rows = run(sample_store, "agreements", entity=JABAR, year="2018")
    assert [(r["type"], r["date"]) for r in rows] == [("LoI", "2018-05-06")]
    assert "Gyeongsangbuk-do" in items(rows[0]["parties"])
    for r in run(sample_store, "agreements", entity=CHUNGNAM, year="2025"):
        assert "Chungcheongnam-do" in items(r["parties"])
        assert r["date"].startswith("2025")


def test_timeline_pramono_signing(sample_store: KGStore) -> None:
    rows = run(sample_store, "timeline", entity=PRAMONO)
    assert ("Signing", "2025-05-27") in {(r["type"], r["date"]) for r in rows}


def test_timeline_is_in_date_order(sample_store: KGStore) -> None:
    dates = [r["date"] or "9999" for r in run(sample_store, "timeline", entity=JAKARTA)]
    assert dates == sorted(dates)


def test_post_holders_governor_of_jakarta(sample_store: KGStore) -> None:
    rows = run(sample_store, "post-holders", organization=JAKARTA)
    assert ("Pramono Anung", "governor") in {(r["personLabel"], r["roleSlug"]) for r in rows}
    assert {r["organizationLabel"] for r in rows} == {"DKI Jakarta"}


def test_post_holders_role_matches_slug_or_label(sample_store: KGStore) -> None:
    by_slug = run(sample_store, "post-holders", organization=CHUNGNAM, role="Governor")
    by_label = run(sample_store, "post-holders", organization=CHUNGNAM, role="gubernur")
    assert B + "person/kim-tae-heum" in {r["person"] for r in by_slug}
    assert {r["roleSlug"] for r in by_slug} == {"governor"}
    assert by_label and all(r["roleLabel"] == "Gubernur" for r in by_label)
    ministers = run(sample_store, "post-holders", role="foreign minister")
    assert {"Retno Marsudi", "Park Jin"} <= {r["personLabel"] for r in ministers}


def test_post_holders_on_date(sample_store: KGStore) -> None:
    rows = run(sample_store, "post-holders", organization=JABAR, on="2024")
    people = {r["personLabel"]: r for r in rows}
    assert {"Ahmad Heryawan", "Bey Machmudin"} <= set(people)
    assert all(r["observed"][:4] <= "2024" for r in rows)
    assert run(sample_store, "post-holders", organization=JABAR, on="2017") == []


def test_post_holders_acting_governor(sample_store: KGStore) -> None:
    """'Penjabat (Pj.) Gubernur Jawa Barat Bey Machmudin' is an acting governor."""
    rows = run(sample_store, "post-holders", organization=JABAR, role="governor")
    modifiers = {r["modifier"] for r in rows if r["personLabel"] == "Bey Machmudin"}
    assert modifiers == {"acting"}


def test_connection_through_cepa(sample_store: KGStore) -> None:
    rows = run(sample_store, "connection", a=JAKARTA, b=CHUNGNAM)
    hops = [int(r["hops"]) for r in rows]
    assert hops == sorted(hops) and hops[0] == 1
    via_cepa = [r for r in rows if CEPA_NAME in r["path"]]
    assert any(r["hops"] == "2" for r in via_cepa), [r["path"] for r in rows]
    assert all(r["path"].startswith("DKI Jakarta — ") for r in rows)
    assert all(r["path"].endswith(" — Chungcheongnam-do") for r in rows)


def test_connection_lists_a_merged_person_once(sample_store: KGStore) -> None:
    """The Korean sample names the governors in Hangul (프라모노 아눙, 김태흠); consolidation
    merges them into Pramono Anung and Kim Tae Heum, so the signing path appears once."""
    rows = run(sample_store, "connection", a=JAKARTA, b=CHUNGNAM)
    paths = [r["path"] for r in rows]
    assert not any("프라모노" in p or "김태흠" in p for p in paths), paths
    signing = [p for p in paths if "Pramono Anung — at an event (Signing) with" in p]
    assert len(signing) == 1, paths
    assert len(set(paths)) == len(paths)


def test_co_mentions_of_the_two_provinces(sample_store: KGStore) -> None:
    rows = run(sample_store, "co-mentions", a=JAKARTA, b=CHUNGNAM)
    assert len(rows) >= 3
    assert set(LOI_SOURCES) <= {source(r) for r in rows}
    assert all(r["headline"] and r["url"] for r in rows)


def test_evidence_quotes_the_article(sample_store: KGStore) -> None:
    rows = run(sample_store, "evidence", entity=CHUNGNAM)
    assert {"Agreement", "Membership", "CooperationLink"} <= {r["kind"] for r in rows}
    texts: dict[str, str] = {}
    for r in rows:
        start, end = int(r["start"]), int(r["end"])
        assert 0 <= start < end
        if r["article"] not in texts:
            res = run_query(
                sample_store,
                "SELECT ?text ?article WHERE { ?article <https://schema.org/text> ?text }",
                {"article": URIRef(r["article"])},
            )
            texts[r["article"]] = str(res.rows[0][0])
        assert texts[r["article"]][start:end] == r["sentence"]
        assert r["headline"] and r["url"] and r["published"] and r["rules"]
        assert 0 < float(r["confidence"]) <= 1


def test_presence_cepa_in_jakarta(sample_store: KGStore) -> None:
    """One row for the agency in Jakarta, reported by the three articles about the letter
    of intent; the first source is the earliest published (Nusantara Wire and Hanbit News
    on 27 May 2025, Kabar Ibukota a day later), then by headline (Latin before Hangul)."""
    rows = [r for r in run(sample_store, "presence") if CEPA_NAME in r["organizationLabel"]]
    found = [
        (r["organizationCountry"], r["placeLabel"], r["placeCountry"], r["since"], r["sources"])
        for r in rows
    ]
    assert found == [("KR", "DKI Jakarta", "ID", "2021", "3")]
    assert source(rows[0]) == "nusantara-wire"
    assert rows[0]["headline"].startswith("Jakarta, South Chungcheong sign letter of intent")


def test_presence_pairs_are_cross_border(sample_store: KGStore) -> None:
    for r in run(sample_store, "presence"):
        assert {r["organizationCountry"], r["placeCountry"]} == {"ID", "KR"}


def test_cooperation_by_sector_counts_the_loi_once(sample_store: KGStore) -> None:
    rows = {(r["sector"], r["year"]): r for r in run(sample_store, "cooperation-by-sector")}
    trade = rows[("trade", "2025")]
    assert (trade["agreements"], trade["distinct"], trade["articles"]) == ("3", "1", "3")
    assert "Chungcheongnam-do – DKI Jakarta" in items(trade["examples"], " / ")
    assert ("defense", "2025") in rows


def test_cooperation_by_sector_type_filter(sample_store: KGStore) -> None:
    rows = run(sample_store, "cooperation-by-sector", type="loi")
    assert rows and {r["type"] for r in rows} == {"loi"}
    assert ("defense", "2025") not in {(r["sector"], r["year"]) for r in rows}


def test_most_connected(sample_store: KGStore) -> None:
    rows = run(sample_store, "most-connected")
    assert 0 < len(rows) <= 25
    links = [int(r["links"]) for r in rows]
    assert links == sorted(links, reverse=True)
    assert "DKI Jakarta" in {r["label"] for r in rows[:5]}
    provinces = run(sample_store, "most-connected", type="province")
    assert {"DKI Jakarta", "Chungcheongnam-do"} <= {r["label"] for r in provinces}
    assert all("Province" in items(r["types"], ",") for r in provinces)


def test_single_source_events(sample_store: KGStore) -> None:
    rows = run(sample_store, "single-source-events")
    # the LoI signing is reported by three articles
    for r in rows:
        both = {"DKI Jakarta", "Chungcheongnam-do"} <= items(r["participants"])
        assert not (r["eventType"] == "Signing" and both), r
    # Oh Keo-don's visit to Surabaya only by Suara Pesisir
    visits = [r for r in rows if r["eventType"] == "Visit" and r["date"] == "2019-03-26"]
    assert len(visits) == 1 and "suara-pesisir" in visits[0]["url"]
    assert "Oh Keo-don" in items(visits[0]["participants"])


def test_queries_do_not_assume_the_base_iri(repo_root: Path) -> None:
    base = "https://example.org/kg/"
    store = KGStore("memory")
    articles = repo_root / "data" / "articles"
    ingest([articles / "nusantara-wire-2025-jakarta-south-chungcheong.txt"], store, base=base)
    jakarta, chungnam = base + "region/ID-JK", base + "region/KR-44"
    assert jakarta_chungnam_lois(run(store, "agreements", entity=chungnam))
    assert run(store, "presence")
    assert any(CEPA_NAME in r["path"] for r in run(store, "connection", a=jakarta, b=chungnam))


def test_sample_store_has_every_article(sample_store: KGStore) -> None:
    res = run_query(
        sample_store,
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <https://schema.org/NewsArticle> }",
    )
    assert res.rows[0][0] == Literal(10)


def test_post_holder_on_a_date(sample_store: KGStore) -> None:
    """'Gubernur DKI Jakarta' in May 2025 → Pramono Anung; acting posts are their own."""
    rows = run(
        sample_store, "post-holder-on", organization=JAKARTA, role="governor", on="2025-05-28"
    )
    assert (rows[0]["personLabel"], rows[0]["fit"], rows[0]["acting"]) == (
        "Pramono Anung",
        "held",
        "false",
    )
    jabar = run(sample_store, "post-holder-on", organization=JABAR, role="governor", on="2024-07")
    assert (jabar[0]["personLabel"], jabar[0]["acting"]) == ("Bey Machmudin", "true")
    assert jabar[0]["post"].endswith("/post/region/ID-JB/governor/acting")
    earlier = run(sample_store, "post-holder-on", organization=JABAR, role="governor", on="2019")
    assert earlier[0]["personLabel"] == "Ahmad Heryawan" and earlier[0]["fit"] == "before"


def test_evidence_rules_are_sorted(sample_store: KGStore) -> None:
    """The rules list does not depend on the order the store returns rows in."""
    rows = run(sample_store, "evidence", entity=CHUNGNAM)
    many = [r["rules"].split(", ") for r in rows if ", " in r["rules"]]
    assert many, "some statement should have several rules"
    assert all(rules == sorted(rules) for rules in many)


def test_timeline_lists_each_event_once_with_sorted_roles(sample_store: KGStore) -> None:
    rows = run(sample_store, "timeline", entity=JAKARTA)
    events = [r["event"] for r in rows]
    assert len(events) == len(set(events))
    for r in rows:
        roles = r["as"].split(", ")
        assert roles == sorted(roles) and set(roles) <= {
            "attendee",
            "location",
            "party",
            "signatory",
        }
