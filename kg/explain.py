"""``kg explain``: everything the graph says about one entity, with its evidence.

The entity is found by name or IRI (:func:`kg.query.resolve_entity`); the IRIs merged
with it by consolidation (``owl:sameAs``) count as the same entity. Statements come from
the named query ``evidence`` (one row per statement and sentence), grouped by kind:
posts, events, agreements, cooperation, presence, affiliation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from .query import bind_params, find_query, resolve_entity, run_query
from .store import KGStore

_P = """PREFIX idkr: <https://w3id.org/idkr/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
"""

# statement class (local name) -> group heading, in display order
KINDS = {
    "Membership": "posts",
    "Event": "events",
    "Agreement": "agreements",
    "CooperationLink": "cooperation",
    "Presence": "presence",
    "Affiliation": "affiliation",
}


@dataclass
class Evidence:
    sentence: str
    start: int | None
    end: int | None
    article: str
    headline: str | None
    url: str | None
    published: str | None


@dataclass
class Statement:
    iri: str
    kind: str  # group heading
    role: str  # how the entity takes part: attendee, party, member …
    label: str | None
    confidence: float | None
    rules: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Merge:
    other: str
    other_label: str | None
    rule: str | None
    confidence: float | None


@dataclass
class Explanation:
    iri: str
    label: str
    types: list[str]
    names: list[str]
    countries: list[str]
    same_as: list[Merge]
    groups: dict[str, list[Statement]]
    reported: list[tuple[str, str, int]]  # consolidated events/tenures: iri, label, articles

    def as_dict(self) -> dict:
        return {
            "entity": self.iri,
            "label": self.label,
            "types": self.types,
            "names": self.names,
            "countries": self.countries,
            "same_as": [vars(m) for m in self.same_as],
            "statements": {
                k: [
                    {
                        **{f: v for f, v in vars(s).items() if f != "evidence"},
                        "evidence": [vars(e) for e in s.evidence],
                    }
                    for s in v
                ]
                for k, v in self.groups.items()
            },
            "consolidated": [
                {"node": n, "label": lab, "articles": c} for n, lab, c in self.reported
            ],
        }


def _text(term: object) -> str | None:
    return None if term is None else str(term)


def _float(term: object) -> float | None:
    return None if term is None else float(str(term))


def _int(term: object) -> int | None:
    return None if term is None else int(str(term))


def explain(store: KGStore, name_or_iri: str) -> Explanation:
    """Every statement about the entity (and the entities merged with it)."""
    iri = resolve_entity(store, name_or_iri)
    cluster_rows = store.select(
        _P
        + """SELECT DISTINCT ?other ?e WHERE {
          ?e (owl:sameAs|^owl:sameAs)* ?other .
          FILTER(isIRI(?other) && !STRSTARTS(STR(?other), "http://www.wikidata.org/"))
        }""",
        {"e": iri},
    ).rows
    members = sorted({str(r[0]) for r in cluster_rows} | {str(iri)})

    merges: list[Merge] = []
    for other, rule, conf, label, _e in store.select(
        _P
        + """SELECT ?other ?rule ?conf ?label ?e WHERE {
          { ?e owl:sameAs ?other } UNION { ?other owl:sameAs ?e }
          FILTER(!STRSTARTS(STR(?other), "http://www.wikidata.org/"))
          OPTIONAL { ?s rdf:predicate owl:sameAs ; idkr:rule ?rule ; idkr:confidence ?conf .
                     { ?s rdf:subject ?e ; rdf:object ?other }
                     UNION { ?s rdf:subject ?other ; rdf:object ?e } }
          OPTIONAL { ?other rdfs:label ?label }
        } ORDER BY ?other ?label""",
        {"e": iri},
    ).rows:
        if not any(m.other == str(other) for m in merges):
            merges.append(Merge(str(other), _text(label), _text(rule), _float(conf)))

    labels: dict[str, int] = defaultdict(int)
    names: set[str] = set()
    types: set[str] = set()
    countries: set[str] = set()
    groups: dict[str, dict[str, Statement]] = {k: {} for k in KINDS.values()}
    reported: dict[str, tuple[str, str, int]] = {}
    query = find_query("evidence")
    for member in members:
        node = URIRef(member)
        for lab, alt, t, c, _e in store.select(
            _P
            + """SELECT ?label ?alt ?t ?c ?e WHERE {
              { ?e rdfs:label ?label } UNION { ?e skos:altLabel ?alt }
              UNION { ?e idkr:entityType ?t } UNION { ?e idkr:country ?c } }""",
            {"e": node},
        ).rows:
            if lab is not None:
                labels[str(lab)] += 1
                names.add(str(lab))
            if alt is not None:
                names.add(str(alt))
            if t is not None:
                types.add(str(t))
            if c is not None:
                countries.add(str(c).rsplit("/", 1)[-1])
        res = run_query(store, query.text, bind_params(store, query, {"entity": member}))
        col = {v: i for i, v in enumerate(res.variables)}
        for row in res.rows:
            kind = KINDS.get(str(row[col["kind"]]))
            if kind is None:
                continue
            stmt_iri = str(row[col["statement"]])
            stmt = groups[kind].get(stmt_iri)
            if stmt is None:
                stmt = Statement(
                    stmt_iri,
                    kind,
                    str(row[col["property"]]),
                    None,
                    _float(row[col["confidence"]]),
                    sorted(r.strip() for r in str(row[col["rules"]] or "").split(",") if r),
                )
                groups[kind][stmt_iri] = stmt
            sentence = _text(row[col["sentence"]]) or ""
            if not any(e.sentence == sentence for e in stmt.evidence):
                stmt.evidence.append(
                    Evidence(
                        sentence,
                        _int(row[col["start"]]),
                        _int(row[col["end"]]),
                        str(row[col["article"]]),
                        _text(row[col["headline"]]),
                        _text(row[col["url"]]),
                        _text(row[col["published"]]),
                    )
                )
        for n, lab, count, _e in store.select(
            _P
            + """SELECT ?n ?label ?count ?e WHERE {
              { ?n a idkr:ConsolidatedEvent ; schema:attendee ?e }
              UNION { ?n a idkr:ConsolidatedAgreement ; idkr:party|idkr:signatory ?e }
              UNION { ?n a idkr:Tenure ; org:member|org:organization ?e }
              ?n idkr:articleCount ?count .
              OPTIONAL { ?n rdfs:label ?l }
              OPTIONAL { ?n idkr:post/rdfs:label ?postLabel }
              BIND(COALESCE(?l, ?postLabel, STR(?n)) AS ?label)
            }""",
            {"e": node},
        ).rows:
            # several labels (merged names): the same one whatever the store's row order
            prev = reported.get(str(n))
            if prev is None or str(lab) < prev[1]:
                reported[str(n)] = (str(n), str(lab), int(str(count)))

    # statement labels, from the statement's own article graph: events and agreements
    # have one; a membership is named by its post; a relation by what it links
    for stmts in groups.values():
        for stmt in stmts.values():
            own, post, linked = set(), set(), set()
            for lab, post_label, linked_label, _s in store.select(
                _P
                + """SELECT ?l ?pl ?xl ?s WHERE { GRAPH ?g { ?s idkr:evidence ?ev .
                  OPTIONAL { ?s rdfs:label ?l }
                  OPTIONAL { ?s idkr:post ?post . ?post rdfs:label ?pl }
                  OPTIONAL { ?s idkr:partner|idkr:organization|idkr:parent|schema:location ?x .
                             ?x rdfs:label ?xl } } }""",
                {"s": URIRef(stmt.iri)},
            ).rows:
                own |= {str(lab)} if lab is not None else set()
                post |= {str(post_label)} if post_label is not None else set()
                linked |= {str(linked_label)} if linked_label is not None else set()
            found = sorted(own) or sorted(post) or [" – ".join(sorted(linked))]
            stmt.label = found[0] or None
    label = max(labels, key=lambda lab: (labels[lab], len(lab), lab)) if labels else str(iri)
    ordered = {
        k: sorted(
            v.values(),
            key=lambda s: (
                min((e.published or "9999") for e in s.evidence) if s.evidence else "9999",
                s.iri,
            ),
        )
        for k, v in groups.items()
        if v
    }
    return Explanation(
        str(iri),
        label,
        sorted(types),
        sorted(names - {label}),
        sorted(countries),
        merges,
        ordered,
        sorted(reported.values(), key=lambda r: r[1]),
    )


def format_explanation(ex: Explanation) -> str:
    """Plain text, one block per kind of statement."""
    lines = [f"{ex.label}  <{ex.iri}>"]
    if ex.types:
        lines.append(f"  type: {', '.join(ex.types)}")
    if ex.countries:
        lines.append(f"  country: {', '.join(ex.countries)}")
    if ex.names:
        lines.append(f"  also called: {', '.join(ex.names)}")
    for m in ex.same_as:
        how = f" ({m.rule}, confidence {m.confidence:g})" if m.rule and m.confidence else ""
        lines.append(f"  same as: {m.other_label or m.other} <{m.other}>{how}")
    if ex.reported:
        lines.append("")
        lines.append("across articles:")
        for _n, lab, count in ex.reported:
            lines.append(f"  {lab} — {count} article{'s' if count != 1 else ''}")
    for kind, stmts in ex.groups.items():
        lines.append("")
        lines.append(f"{kind} ({len(stmts)}):")
        for s in stmts:
            conf = f", confidence {s.confidence:g}" if s.confidence is not None else ""
            lines.append(f"  - {s.label or s.iri} [as {s.role}{conf}; {', '.join(s.rules)}]")
            for e in s.evidence:
                source = " · ".join(x for x in (e.published, e.headline, e.url) if x)
                lines.append(f"      “{e.sentence}”")
                lines.append(f"        — {source or e.article}")
    if not ex.groups:
        lines.append("")
        lines.append("no statements with evidence mention this entity")
    return "\n".join(lines) + "\n"
