"""Parameters bound as constants in the query text (kg.store.bind.bind_constants): the
same rows as Oxigraph's substitution, on every named query and store kind, and no value
can add query text of its own."""

from __future__ import annotations

import pytest
from rdflib import XSD, BNode, Literal, URIRef
from test_queries import SAMPLE_PARAMS

from kg.build import DEFAULT_BASE
from kg.errors import QueryError
from kg.query import bind_params, find_query, list_queries, run_query
from kg.store import KGStore
from kg.store.bind import _tokens, bind_constants, constant_term

JAKARTA = URIRef(DEFAULT_BASE + "region/ID-JK")
CHUNGNAM = URIRef(DEFAULT_BASE + "region/KR-44")
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"

# Values that end a string, an IRI or a group, start a comment, or escape a character
NASTY = [
    'x" } ; DROP ALL ; #',
    "x' } ; DROP ALL ; #",
    'a\\" } #',
    "a\\",
    "\\u0022 } ; DROP ALL ; #",
    "line\n} ; DROP ALL ; #",
    "cr\r} #",
    "x # not a comment",
    "x > y }",
    '"""',
    "?needle",
    "tab\tand\x00nul",
]


def substituted(store: KGStore, sparql: str, bindings: dict) -> list:
    """Rows the way they were bound before: Oxigraph substitution (embedded backend)."""
    return store._backend.query(sparql, bindings).rows


# --- the same answers ----------------------------------------------------------------------


def param_sets(name: str) -> list[dict[str, str]]:
    """The sample parameters, and the query with its optional parameters left out."""
    q = find_query(name)
    full = SAMPLE_PARAMS[name]
    required = {
        k: v
        for k, v in full.items()
        if "optional" not in next(p for p in q.params if p.name == k).description.lower()
    }
    return [full, required] if required != full else [full]


@pytest.mark.parametrize("name", sorted(SAMPLE_PARAMS))
def test_constants_give_the_rows_substitution_gives(sample_store: KGStore, name: str) -> None:
    q = find_query(name)
    for values in param_sets(name):
        bindings = bind_params(sample_store, q, values)
        text = bind_constants(q.text, bindings)
        assert text is not None, f"{name} should bind its parameters as constants"
        names = [t.text[1:] for t in _tokens(text) if t.kind == "var"]
        for var in bindings:  # gone from the query, except as the result column's name
            assert names.count(var) == 1, (name, var)
        const = sample_store.select(q.text, bindings)
        old = store_select_substituted(sample_store, q.text, bindings)
        assert const.variables == old.variables
        assert const.rows == old.rows, (name, values)
        assert const.rows or not bindings, name


def store_select_substituted(store: KGStore, sparql: str, bindings: dict):
    return store._backend.query(sparql, bindings)


def test_every_named_query_binds_its_parameters_as_constants() -> None:
    term = {"entity": JAKARTA, "iri": JAKARTA, "string": Literal("x")}
    term.update({"integer": Literal(1, datatype=XSD.integer), "date": Literal("2025")})
    for q in list_queries():
        bindings = {p.name: term[p.kind] for p in q.params}
        assert bind_constants(q.text, bindings) is not None, q.name


def test_run_query_hides_the_parameter_columns_as_before(sample_store: KGStore) -> None:
    q = find_query("co-mentions")
    bindings = bind_params(sample_store, q, SAMPLE_PARAMS["co-mentions"])
    res = run_query(sample_store, q.text, bindings, hide=("a", "b"))
    assert res.variables == ["published", "headline", "outlet", "language", "url", "article"]
    full = run_query(sample_store, q.text, bindings)
    assert full.variables[-2:] == ["a", "b"]
    assert {r[-2:] for r in full.rows} == {(JAKARTA, CHUNGNAM)}


# --- where a parameter may stand -----------------------------------------------------------


def test_only_variable_tokens_are_replaced() -> None:
    q = """PREFIX ex: <http://example.org/v#>
    # ?v in a comment stays
    SELECT ?s ?v WHERE {
      ?s ex:p ?v ; ex:q "?v and $v" , '''?v''' , ?vv , <http://example.org/x?vv=1> .
      FILTER(?v != ex:v && $v != "#")  # ?v
    }"""
    out = bind_constants(q, {"v": Literal("a")})
    assert out is not None
    assert "# ?v in a comment stays" in out and out.rstrip().endswith("# ?v\n    }")
    assert '"?v and $v"' in out and "'''?v'''" in out and "?vv" in out
    assert 'ex:p "a"' in out and 'FILTER("a" != ex:v && "a" != "#")' in out
    assert 'SELECT ?s ("a" AS ?v) WHERE' in out
    assert "<http://example.org/v#>" in out and "<http://example.org/x?vv=1>" in out


def test_projections_group_and_order_keys() -> None:
    q = """SELECT ?x ?p (COUNT(?o) AS ?n) WHERE {
      { SELECT ?x ?p WHERE { ?x ?p ?o } }
      { SELECT DISTINCT ?p WHERE { ?y ?p ?z } }
      ?x ?p ?o
    } GROUP BY ?x ?p ORDER BY ?p DESC(?p) ?x"""
    out = bind_constants(q, {"p": URIRef("urn:p")})
    assert out is not None
    head, rest = out.split("WHERE", 1)
    assert head.strip() == "SELECT ?x (<urn:p> AS ?p) (COUNT(?o) AS ?n)"
    assert "{ SELECT ?x  WHERE { ?x <urn:p> ?o } }" in rest
    # a sub-select projecting nothing else keeps a column of its own name
    assert "SELECT DISTINCT (<urn:p> AS ?kg_param_p) WHERE" in rest
    assert "GROUP BY ?x (<urn:p>) ORDER BY (<urn:p>) DESC(<urn:p>) ?x" in rest


def test_bound_of_a_parameter_is_true() -> None:
    out = bind_constants("ASK { FILTER(BOUND( ?p ) && !BOUND(?q)) }", {"p": Literal(1)})
    assert out == "ASK { FILTER(true && !BOUND(?q)) }"


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { ?s ?p ?o }",  # the parameter column would vanish
        "SELECT ?s WHERE { VALUES ?p { <urn:a> } ?s ?p ?o }",
        "SELECT ?s WHERE { ?s ?x ?o BIND(?x AS ?p) }",
        "SELECT ?s WHERE { ?s ?q ?o FILTER(?o<?p&&?o>0) }",  # '<?p&&?o>' could be an IRI
    ],
)
def test_uses_a_constant_cannot_take_fall_back(sparql: str) -> None:
    assert bind_constants(sparql, {"p": URIRef("urn:p")}) is None


def test_fallback_still_binds(sample_store: KGStore) -> None:
    q = f"SELECT * WHERE {{ ?e {LABEL} ?label }}"
    rows = sample_store.select(q, {"e": JAKARTA}).rows
    assert {r[0] for r in rows} == {JAKARTA} and (JAKARTA, Literal("DKI Jakarta")) in rows


def test_parameters_bind_inside_sub_selects_that_do_not_project_them(
    sample_store: KGStore,
) -> None:
    """A constant is the same in every scope (substitution only reached projected ones)."""
    q = f"SELECT ?label WHERE {{ {{ SELECT ?label WHERE {{ ?e {LABEL} ?label }} }} }}"
    rows = sample_store.select(q, {"e": JAKARTA}).rows
    direct = sample_store.select(f"SELECT ?label WHERE {{ <{JAKARTA}> {LABEL} ?label }}").rows
    assert Literal("DKI Jakarta") in {r[0] for r in rows}
    assert sorted(rows) == sorted(direct)
    assert len(sample_store.select(q).rows) > len(rows)  # unbound: every label


# --- values cannot become query text --------------------------------------------------------


@pytest.mark.parametrize("value", NASTY)
def test_a_literal_stays_one_literal(sample_store: KGStore, value: str) -> None:
    text = constant_term(Literal(value))
    q = "SELECT ?x ?v WHERE { BIND(STR(?v) AS ?x) }"
    out = bind_constants(q, {"v": Literal(value)})
    assert out == f"SELECT ?x ({text} AS ?v) WHERE {{ BIND(STR({text}) AS ?x) }}"
    res = sample_store.select(q, {"v": Literal(value)})
    assert res.rows == [(Literal(value), Literal(value))]
    tagged = Literal(value, lang="en")
    assert sample_store.select(q, {"v": tagged}).rows == [(Literal(value), tagged)]


@pytest.mark.parametrize(
    "iri",
    [
        "http://x/a b",
        "http://x/a> } ; DROP ALL ; #",
        'http://x/"',
        "http://x/{}",
        "http://x/a\\u003e",
        "http://x/\n",
        "no scheme",
    ],
)
def test_a_bad_iri_is_refused(iri: str) -> None:
    with pytest.raises(QueryError, match="cannot bind"):
        bind_constants("SELECT ?s WHERE { ?s ?p ?o }", {"o": URIRef(iri)})


def test_blank_nodes_and_bad_datatypes_are_refused() -> None:
    with pytest.raises(QueryError):
        bind_constants("SELECT ?s WHERE { ?s ?p ?o }", {"o": BNode()})
    with pytest.raises(QueryError):
        constant_term(Literal("1", datatype=URIRef("urn:x> } ; DROP ALL ; #")))


@pytest.mark.parametrize("value", NASTY)
def test_a_nasty_value_matches_nothing_and_changes_nothing(
    sample_store: KGStore, value: str
) -> None:
    before = len(sample_store)
    for name, param in [("post-holders", "role"), ("most-connected", "type")]:
        q = find_query(name)
        res = run_query(sample_store, q.text, bind_params(sample_store, q, {param: value}))
        assert res.rows == []
    res = sample_store.select(f"SELECT ?e WHERE {{ ?e {LABEL} ?l }}", {"l": Literal(value)})
    assert res.rows == []
    assert len(sample_store) == before
