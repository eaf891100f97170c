"""Per-entity display values of the link summary (kg/summary.py): idkr:displayCountry, the
country listings such as `presence` show for an entity, and idkr:displayLabel as
`presence` shows it (the smallest).

The rule is checked on hand-made entities (each case of the rule) and, on the sample
articles, against plain SPARQL over the other graphs: the rules `presence` applied to
organisations and places before it read the summary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import DEFAULT_BASE
from kg.consolidate import consolidate
from kg.pipeline import ingest
from kg.store import KGStore
from kg.summary import SUMMARY_GRAPH, display_countries

B = DEFAULT_BASE
SUMMARY = B + SUMMARY_GRAPH
_P = """PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
KR, ID, JP = B + "country/KR", B + "country/ID", B + "country/JP"


def test_display_countries_rule() -> None:
    countries = {
        "own": {KR},
        "several": {KR, ID},
        "region": {ID},
        "parent": {KR},
        "own-and-parent": {ID},
    }
    containers = {
        "in-region": {"region"},
        "in-country": {KR},
        "child": {"parent"},
        "own-and-parent": {"parent"},
        "in-two": {"region", "parent"},
        "in-nothing": {"nowhere"},
    }
    got = display_countries(
        [
            KR,
            "own",
            "several",
            "in-region",
            "in-country",
            "child",
            "own-and-parent",
            "in-two",
            "in-nothing",
            "alone",
        ],
        countries,
        containers,
        {KR, ID},
    )
    assert got == {
        KR: KR,  # a country is its own
        "own": KR,
        "several": ID,  # the smallest
        "in-region": ID,  # its container's country
        "in-country": KR,  # a container that is a country
        "child": KR,  # its parent organisation's
        "own-and-parent": ID,  # its own before its parent's
        "in-two": ID,  # the smallest of its containers'
    }  # no country: none


def _summary_values(store: KGStore, predicate: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e, v in store.select_values(
        _P + f"SELECT ?e ?v WHERE {{ GRAPH <{SUMMARY}> {{ ?e {predicate} ?v }} }}"
    ):
        out.setdefault(e, set()).add(v)
    return out


def test_display_country_in_the_summary(repo_root: Path) -> None:
    """After consolidation, for entities only (IRIs with idkr:entityType); nothing derived
    is written as idkr:country."""
    store = KGStore("memory")
    ingest([repo_root / "data" / "articles"], store)
    store.update(
        _P
        + f"""INSERT DATA {{ GRAPH <{B}graph/loaded> {{
          <{B}org/t-parent> idkr:entityType "Company" ; idkr:country <{KR}> .
          <{B}org/t-child> idkr:entityType "Company" ; schema:parentOrganization <{B}org/t-parent> .
          <{B}org/t-both> idkr:entityType "Company" ; idkr:country <{JP}>, <{ID}> ;
              schema:parentOrganization <{B}org/t-parent> .
          <{B}place/t-mall> idkr:entityType "Facility" ;
              schema:containedInPlace <{B}region/ID-JK>, <{B}place/t-lot> .
          <{B}place/t-lot> schema:containedInPlace <{KR}> .
          <{B}place/t-other> idkr:entityType "Facility" ; schema:containedInPlace <{B}place/t-lot> .
          <{B}place/t-text> idkr:entityType "Facility" ; idkr:country "Korea", <{KR}> .
          <{B}place/t-plain> idkr:country <{KR}> .
        }} }}"""
    )
    consolidate(store, B)
    got = {e: v for e, v in _summary_values(store, "idkr:displayCountry").items()}
    assert got[B + "org/t-parent"] == {KR}
    assert got[B + "org/t-child"] == {KR}  # its parent organisation's
    assert got[B + "org/t-both"] == {ID}  # its own (the smallest) before its parent's
    assert got[B + "place/t-mall"] == {ID}  # its region's (ID) before the other's (none)
    assert B + "place/t-other" not in got  # t-lot is no country and has none: one level
    assert B + "place/t-text" not in got  # its smallest country, "Korea", names none
    assert B + "place/t-plain" not in got  # no entity
    assert got[KR] == {KR} and got[B + "region/ID-JK"] == {ID}
    assert not list(
        store.select_values(
            _P + f"SELECT ?e WHERE {{ GRAPH <{SUMMARY}> {{ ?e idkr:country ?c }} }}"
        )
    )


# the country presence gave a place before it read the summary, and that of an
# organisation (plain SPARQL over every graph but the summary; each MIN over bound values)
PLACE_OWN = (
    _P
    + """SELECT ?e (MIN(STR(?c)) AS ?v) WHERE {
  GRAPH ?g { ?e idkr:entityType ?t } FILTER(?g != <SUMMARY>)
  { ?e a schema:Country BIND(?e AS ?c) } UNION { ?e idkr:country ?c }
} GROUP BY ?e"""
)
PLACE_CONTAINER = (
    _P
    + """SELECT ?e (MIN(STR(?c)) AS ?v) WHERE {
  GRAPH ?g { ?e idkr:entityType ?t } FILTER(?g != <SUMMARY>)
  ?e schema:containedInPlace|schema:parentOrganization ?k .
  { ?k a schema:Country BIND(?k AS ?c) } UNION { ?k idkr:country ?c }
} GROUP BY ?e"""
)
ORG_OWN = _P + "SELECT ?e (MIN(STR(?c)) AS ?v) WHERE { ?e idkr:country ?c } GROUP BY ?e"
ORG_PARENT = (
    _P
    + """SELECT ?e (MIN(STR(?c)) AS ?v) WHERE {
  ?e schema:parentOrganization ?p . ?p idkr:country ?c } GROUP BY ?e"""
)
LABELS = (
    _P
    + """SELECT ?e ?canon (MIN(STR(?l)) AS ?any) WHERE {
  GRAPH ?g { ?e idkr:entityType ?t } FILTER(?g != <SUMMARY>)
  OPTIONAL { GRAPH ?z { ?e rdfs:label ?canon } FILTER(STRENDS(STR(?z), "/graph/gazetteer")) }
  ?e rdfs:label ?l
} GROUP BY ?e ?canon"""
)
PRESENCE_ORGANIZATIONS = (
    _P + "SELECT DISTINCT ?o WHERE { ?s a idkr:Presence ; idkr:organization ?o }"
)


def _table(store: KGStore, sparql: str) -> dict[str, str]:
    return dict(store.select_values(sparql.replace("SUMMARY", SUMMARY)))


@pytest.mark.parametrize("which", ["sample_store", "both_store"])
def test_display_values_are_the_rules_presence_applied(which: str, request) -> None:
    store = request.getfixturevalue(which)
    countries = {e: min(v) for e, v in _summary_values(store, "idkr:displayCountry").items()}
    entities = {
        e for (e,) in store.select_values(_P + "SELECT DISTINCT ?e WHERE { ?e idkr:entityType ?t }")
    }
    own, container = _table(store, PLACE_OWN), _table(store, PLACE_CONTAINER)
    expected = {e: own.get(e) or container.get(e) for e in entities}
    assert countries == {e: c for e, c in expected.items() if c}
    assert len(countries) > 20
    # organisations: their own country, else their parent organisation's (the same here)
    org_own, org_parent = _table(store, ORG_OWN), _table(store, ORG_PARENT)
    organizations = [o for (o,) in store.select_values(PRESENCE_ORGANIZATIONS)]
    assert organizations
    for o in organizations:
        assert countries.get(o) == (org_own.get(o) or org_parent.get(o)), o
    # names: the gazetteer's label, else the smallest label
    labels = {e: min(v) for e, v in _summary_values(store, "idkr:displayLabel").items()}
    expected_labels: dict[str, str] = {}
    for e, canon, any_label in store.select_values(LABELS.replace("SUMMARY", SUMMARY)):
        expected_labels[e] = canon or any_label
    assert labels == expected_labels


@pytest.fixture(scope="module")
def both_store(repo_root: Path) -> KGStore:
    store = KGStore("memory")
    ingest([repo_root / "data" / "articles", Path(__file__).parent / "articles"], store)
    return store
