"""RDF → networkx: the graph that ``kg view`` draws and ``kg export --format graphml|gexf`` writes.

Entities are nodes; statements become edges labelled by relation and weighted by the
number of articles that support them. Events and agreements are either nodes of their own
(``events="nodes"``) or collapsed into edges between the entities taking part
(``events="edges"``, the default)::

    relation          from → to                          events=
    holds post in     person → organisation or region    both
    located in        organisation → place               both
    office of         organisation → parent              both
    cooperates with   partner — partner                  both
    agreement with    party — party                      edges
    signed with       signatory — signatory              edges
    signed            signatory → party (one signatory)  edges
    met               attendee — attendee                edges
    party to          entity → agreement                 nodes
    signed            signatory → agreement              nodes
    attended          entity → event                     nodes
    signed at         agreement → event                  nodes

The graph is a :class:`networkx.MultiDiGraph` keyed by relation; symmetric relations are
stored once (``directed=False``). Node attributes: ``label``, ``type``, ``country``
(ISO code or ""), ``aliases``, ``posts``, ``articles`` (article IRIs), ``years``. Edge
attributes: ``relation``, ``detail`` (role, agreement or event type), ``label``,
``directed``, ``weight`` (articles), ``confidence`` (highest), ``articles``, ``years``,
``evidence`` (``[{"article", "sentence", "confidence"}]``). ``graph.graph["articles"]``
maps article IRIs to headline, date, url and publisher. Only the store's public
``query`` API is used, so any backend works.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import networkx as nx

from .errors import KGError
from .resources import resource_dir
from .store import SelectResult

EVENT_MODES = ("edges", "nodes")
SEP = "\x1f"  # joins the fields the projection queries pack into one string
SYMMETRIC = {"cooperates with", "agreement with", "signed with", "met"}
HAPPENING_RELATIONS = {
    "agreement with",
    "signed with",
    "signed",
    "met",
    "party to",
    "attended",
    "signed at",
}


class ViewError(KGError):
    """A view or projection option is invalid (unknown entity, no path, bad filter)."""


@dataclass(frozen=True)
class ProjectionOptions:
    """What to project. Empty tuples mean "no filter"."""

    events: str = "edges"
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    sectors: tuple[str, ...] = ()
    min_confidence: float = 0.0

    def __post_init__(self) -> None:
        if self.events not in EVENT_MODES:
            raise ViewError(f"events must be one of {', '.join(EVENT_MODES)}, got '{self.events}'")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ViewError(f"min-confidence must be between 0 and 1, got {self.min_confidence}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _is_date_prefix(value):
                raise ViewError(f"--{name} expects YYYY, YYYY-MM or YYYY-MM-DD, got '{value}'")


def _is_date_prefix(value: str) -> bool:
    import re

    return re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", value) is not None


@cache
def _sparql(name: str) -> str:
    return (resource_dir("views") / f"{name}.rq").read_text(encoding="utf-8")


def _select(store, name: str) -> SelectResult:
    res = store.query(_sparql(name))
    if not isinstance(res, SelectResult):
        raise ViewError(f"projection query '{name}' did not return rows")
    return res


def _rows(store, name: str) -> Iterable[dict[str, str | None]]:
    res = _select(store, name)
    for row in res.rows:
        yield {v: (None if t is None else str(t)) for v, t in zip(res.variables, row, strict=True)}


@dataclass
class _Edge:
    relation: str
    details: list[str] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    confidence: float = 0.0
    evidence: dict[tuple[str, str], float] = field(default_factory=dict)
    statements: set[str] = field(default_factory=set)


def _country_code(iri: str | None) -> str:
    if not iri or "/country/" not in iri:
        return ""
    return iri.rsplit("/country/", 1)[1]


def _in_range(date: str, since: str | None, until: str | None) -> bool:
    if not date:
        return since is None and until is None
    if since and date[: len(since)] < since:
        return False
    return not (until and date[: len(until)] > until)


def project(store, options: ProjectionOptions | None = None) -> nx.MultiDiGraph:
    """Project the store's graph into a networkx graph (see the module docstring)."""
    opts = options or ProjectionOptions()
    articles = {}
    for r in _rows(store, "articles"):
        date, url, publisher, headline = (r["info"] or "").split(SEP, 3)
        articles.setdefault(
            r["article"],
            {"headline": headline, "date": date[:10], "url": url, "publisher": publisher},
        )
    kept_articles = {
        a for a, meta in articles.items() if _in_range(meta["date"], opts.since, opts.until)
    }

    happenings: dict[str, dict] = {}
    for r in _rows(store, "happenings"):
        h = happenings.setdefault(
            r["x"],
            {
                "class": r["class"],
                "label": "",
                "kind": "",
                "date": "",
                "event": "",
                "sectors": set(),
            },
        )
        for key in ("label", "kind", "date", "event"):
            if r[key] and not h[key]:
                h[key] = r[key]
        if r["sector"]:
            h["sectors"].add(r["sector"].rsplit("/", 1)[-1])
    for h in happenings.values():
        if not h["label"]:
            h["label"] = " ".join(x for x in (h["kind"] or h["class"], h["date"]) if x)

    wanted_sectors = {s.casefold().replace(" ", "-") for s in opts.sectors}

    def sector_ok(st: str) -> bool | None:
        """True/False for statements that carry sectors, None for those that do not."""
        h = happenings.get(st)
        if h is None:
            return None
        secs = h["sectors"]
        if h["class"] == "Event":
            # an event carrying agreements inherits their sectors
            secs = set().union(
                *(x["sectors"] for x in happenings.values() if x["event"] == st), secs
            )
        if not secs:
            return None if h["class"] == "Event" else False
        return bool({s.casefold() for s in secs} & wanted_sectors)

    # statements -> (kind, a, b, detail) with the articles that support them
    stmts: dict[tuple[str, str, str, str], dict] = {}
    for r in _rows(store, "statements"):
        kind, conf_text, detail = (r["info"] or "").split(SEP, 2)
        conf = float(conf_text) if conf_text else 1.0
        if conf < opts.min_confidence or r["article"] not in kept_articles:
            continue
        st = r["st"]
        if kind in ("party", "signatory", "attendee", "signed-at"):
            detail = happenings.get(st, {}).get("kind", "")
        key = (kind, r["a"], r["b"], st)
        s = stmts.setdefault(key, {"detail": detail, "articles": {}})
        s["articles"][r["article"]] = max(conf, s["articles"].get(r["article"], 0.0))

    evidence: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in _rows(store, "evidence"):
        evidence[r["st"]].append((r["article"], r["sentence"] or ""))

    info = _entity_info(store)
    same = _merges(store, info)
    edges: dict[tuple[str, str, str], _Edge] = {}

    def add(a: str, b: str, relation: str, detail: str, st: str, arts: dict[str, float]) -> None:
        a, b = same.get(a, a), same.get(b, b)
        if a == b:
            return
        if relation in SYMMETRIC and b < a:
            a, b = b, a
        e = edges.setdefault((a, b, relation), _Edge(relation))
        if detail and detail not in e.details:
            e.details.append(detail)
        e.statements.add(st)
        for art, conf in arts.items():
            e.articles.add(art)
            e.confidence = max(e.confidence, conf)
            for ev_art, sentence in evidence.get(st, ()):
                if ev_art == art:
                    k = (art, sentence)
                    e.evidence[k] = max(e.evidence.get(k, 0.0), conf)

    # group party / signatory / attendee rows per happening for the collapsed form
    members: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(dict)
    for (kind, a, _b, st), s in stmts.items():
        if kind in ("party", "signatory", "attendee"):
            if opts.sectors and sector_ok(st) is not True:
                continue
            members[(kind, st)][a] = s["articles"]

    for (kind, a, b, st), s in stmts.items():
        arts = s["articles"]
        if kind == "post":
            add(a, b, "holds post in", s["detail"], st, arts)
        elif kind == "presence":
            add(a, b, "located in", "", st, arts)
        elif kind == "affiliation":
            add(a, b, "office of", "", st, arts)
        elif kind == "cooperation":
            add(a, b, "cooperates with", "", st, arts)
        elif opts.events == "nodes" and (kind, st) in members:
            rel = {"party": "party to", "signatory": "signed", "attendee": "attended"}[kind]
            add(a, b, rel, s["detail"], st, arts)
        elif opts.events == "nodes" and kind == "signed-at":
            if not opts.sectors or sector_ok(st):
                add(a, b, "signed at", s["detail"], st, arts)

    if opts.events == "edges":
        for (kind, st), who in members.items():
            detail = happenings.get(st, {}).get("kind", "")
            rel = {"party": "agreement with", "signatory": "signed with", "attendee": "met"}[kind]
            for x, y in itertools.combinations(sorted(who), 2):
                arts = {k: min(who[x][k], who[y][k]) for k in who[x].keys() & who[y].keys()}
                add(x, y, rel, detail, st, arts or who[x])
            if kind == "signatory" and len(who) == 1:
                (signer,) = who
                for party in members.get(("party", st), {}):
                    add(signer, party, "signed", detail, st, who[signer])

    if opts.sectors:
        # statements without sectors (posts, offices …) stay only between entities that
        # the sector's agreements and events involve
        touched = {n for (a, b, rel) in edges if rel in HAPPENING_RELATIONS for n in (a, b)}
        edges = {
            k: e for k, e in edges.items() if k[2] in HAPPENING_RELATIONS or {k[0], k[1]} <= touched
        }

    graph = nx.MultiDiGraph(articles=articles, same_as=same)
    wanted_types = {t.casefold() for t in opts.types}
    wanted_countries = {c.upper() for c in opts.countries}

    def node_ok(n: str) -> bool:
        meta = happenings.get(n)
        ntype = meta["class"] if meta else info.get(n, {}).get("type", "")
        if wanted_types and ntype.casefold() not in wanted_types:
            return False
        if wanted_countries and not meta:
            return info.get(n, {}).get("country", "") in wanted_countries
        return True

    for (a, b, rel), e in edges.items():
        if not (node_ok(a) and node_ok(b)):
            continue
        for n in (a, b):
            if n not in graph:
                graph.add_node(n, **_node_attrs(n, info, happenings))
        years = sorted({articles[x]["date"][:4] for x in e.articles if articles[x]["date"]})
        detail = ", ".join(sorted(e.details))  # not in the store's row order
        label = f"{rel} ({detail})" if detail else rel
        graph.add_edge(
            a,
            b,
            key=rel,
            relation=rel,
            detail=detail,
            label=label,
            directed=rel not in SYMMETRIC,
            weight=len(e.articles),
            confidence=round(e.confidence, 3),
            articles=sorted(e.articles),
            years=years,
            evidence=[
                {"article": art, "sentence": sent, "confidence": round(conf, 3)}
                for (art, sent), conf in sorted(
                    e.evidence.items(), key=lambda kv: (articles[kv[0][0]]["date"], kv[0])
                )
            ],
        )
    if wanted_countries:
        # events and agreements kept only when they still link two kept entities
        for n in [n for n in graph if n in happenings and graph.degree(n) < 2]:
            graph.remove_node(n)
    for n in graph:
        arts = set()
        for _, _, d in itertools.chain(graph.in_edges(n, data=True), graph.out_edges(n, data=True)):
            arts.update(d["articles"])
        graph.nodes[n]["articles"] = sorted(arts)
        graph.nodes[n]["years"] = sorted(
            {articles[a]["date"][:4] for a in arts if articles[a]["date"]}
        )
    return graph


def _entity_info(store) -> dict[str, dict]:
    """Label (gazetteer name, else the most frequent), type, country, aliases, posts."""
    labels: dict[str, Counter] = defaultdict(Counter)
    canonical: dict[str, str] = {}
    info: dict[str, dict] = {}
    for r in _rows(store, "entities"):
        e = r["e"]
        info[e] = {
            "type": r["t"] or "",
            "country": _country_code(r["c"]),
            "aliases": set(),
            "posts": set(),
        }
        for entry in (r["labels"] or "").split(SEP):
            if entry.count(" ") < 2:
                continue
            gaz, n, label = entry.split(" ", 2)
            labels[e][label] += int(n)
            if gaz == "1":
                canonical[e] = min(canonical.get(e, label), label)
    for e, d in info.items():
        if "/country/" in e and not d["country"]:
            d["country"] = _country_code(e)
        if e in canonical:
            d["label"] = canonical[e]
        elif labels[e]:
            d["label"] = min(labels[e].items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
        else:
            d["label"] = e.rsplit("/", 1)[-1]
        d["aliases"].update(lab for lab in labels[e] if lab != d["label"])
    for r in _rows(store, "aliases"):
        if r["e"] in info and r["alt"] != info[r["e"]]["label"]:
            info[r["e"]]["aliases"].add(r["alt"])
    for r in _rows(store, "posts"):
        if r["person"] in info:
            info[r["person"]]["posts"].add(r["label"])
    return info


def _merges(store, info: dict[str, dict]) -> dict[str, str]:
    """entity → the entity it was merged into (owl:sameAs, followed to the end); the
    merged entity's labels, aliases and posts move to the one it joins."""
    target: dict[str, str] = {}
    for r in _rows(store, "merges"):
        a, b = r["a"], r["b"]
        if a in info and b in info and a != b:
            target.setdefault(a, b)
    same: dict[str, str] = {}
    for a in target:
        seen, c = {a}, target[a]
        while c in target and target[c] not in seen:  # chains; a cycle stops where it closes
            seen.add(c)
            c = target[c]
        if c != a:
            same[a] = c
    for a, c in same.items():
        into, src = info[c], info[a]
        into["aliases"].update(src["aliases"] | {src["label"]})
        into["aliases"].discard(into["label"])
        into["posts"].update(src["posts"])
    return same


def _node_attrs(n: str, info: dict[str, dict], happenings: dict[str, dict]) -> dict:
    if n in happenings:
        h = happenings[n]
        return {
            "label": h["label"],
            "type": h["class"],
            "country": "",
            "aliases": [],
            "posts": [],
            "date": h["date"][:10],
            "detail": h["kind"],
        }
    d = info.get(n) or {"label": n.rsplit("/", 1)[-1], "type": "", "country": "", "aliases": ()}
    return {
        "label": d["label"],
        "type": d["type"],
        "country": d["country"],
        "aliases": sorted(d["aliases"]),
        "posts": sorted(d.get("posts", ())),
    }


# --------------------------------------------------------------------- sub-views


def ego(graph: nx.MultiDiGraph, center: str, hops: int = 1) -> nx.MultiDiGraph:
    """The entities within ``hops`` links of ``center`` (edges followed both ways)."""
    center = _canon(graph, center)
    if center not in graph:
        raise ViewError(f"{_label(graph, center)} has no links in this view (check the filters)")
    if hops < 0:
        raise ViewError(f"--hops must be 0 or more, got {hops}")
    near = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), center, hops)
    sub = graph.subgraph(near).copy()
    sub.nodes[center]["focus"] = True
    return sub


def paths(
    graph: nx.MultiDiGraph, a: str, b: str, max_hops: int = 3, limit: int = 100
) -> nx.MultiDiGraph:
    """Every simple path of at most ``max_hops`` links between ``a`` and ``b`` (at most
    ``limit`` paths), plus the shortest path when it is longer; path edges are marked
    ``on_path``, the ends ``focus``."""
    a, b = _canon(graph, a), _canon(graph, b)
    for n in (a, b):
        if n not in graph:
            raise ViewError(f"{_label(graph, n)} has no links in this view (check the filters)")
    und = nx.Graph(graph.to_undirected(as_view=True))
    try:
        shortest = nx.shortest_path(und, a, b)
    except nx.NetworkXNoPath:
        raise ViewError(
            f"no path between {_label(graph, a)} and {_label(graph, b)} in this view"
        ) from None
    found = [shortest]
    found += itertools.islice(nx.all_simple_paths(und, a, b, cutoff=max_hops), limit)
    on_nodes = {n for p in found for n in p}
    on_pairs = {frozenset(pair) for p in found for pair in itertools.pairwise(p)}
    sub = graph.subgraph(on_nodes).copy()
    for u, v, k in list(sub.edges(keys=True)):
        if frozenset((u, v)) in on_pairs:
            sub.edges[u, v, k]["on_path"] = True
        else:
            sub.remove_edge(u, v, k)
    for n in (a, b):
        sub.nodes[n]["focus"] = True
    sub.graph["paths"] = len({tuple(p) for p in found})
    sub.graph["shortest"] = len(shortest) - 1
    return sub


def restrict(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """The part of the graph among ``nodes`` (e.g. the IRIs a query returned)."""
    keep = list(dict.fromkeys(_canon(graph, n) for n in nodes if _canon(graph, n) in graph))
    if not keep:
        raise ViewError(
            "none of the query's results is an entity with links in this view (events and "
            "agreements are nodes only with --events nodes)"
        )
    return graph.subgraph(keep).copy()


def cap(graph: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, int]:
    """Keep the ``max_nodes`` best-connected nodes; returns the graph and how many were dropped."""
    if max_nodes < 1:
        raise ViewError(f"--max-nodes must be at least 1, got {max_nodes}")
    n = graph.number_of_nodes()
    if n <= max_nodes:
        return graph, 0
    und = graph.to_undirected(as_view=True)
    ranked = sorted(graph.nodes, key=lambda x: (-und.degree(x), graph.nodes[x]["label"], x))
    top = set(ranked[:max_nodes])
    top.update(x for x in graph if graph.nodes[x].get("focus"))
    return graph.subgraph(top).copy(), n - len(top)


def _canon(graph: nx.MultiDiGraph, n: str) -> str:
    """The node that stands for entity ``n`` (merged entities share their target's node)."""
    return graph.graph.get("same_as", {}).get(n, n)


def _label(graph: nx.MultiDiGraph, n: str) -> str:
    if n in graph:
        return f"'{graph.nodes[n]['label']}'"
    return f"<{n}>"


# --------------------------------------------------------------------- export


def for_export(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes, as GraphML and GEXF need (lists joined by "; ",
    evidence reduced to the supporting article count and headlines)."""
    out = nx.MultiDiGraph()
    arts = graph.graph.get("articles", {})
    for n, d in graph.nodes(data=True):
        out.add_node(
            n,
            label=d["label"],
            type=d["type"],
            country=d["country"],
            aliases="; ".join(d.get("aliases", ())),
            posts="; ".join(d.get("posts", ())),
            articles=len(d.get("articles", ())),
            years="; ".join(d.get("years", ())),
        )
    for u, v, k, d in graph.edges(keys=True, data=True):
        out.add_edge(
            u,
            v,
            key=k,
            relation=d["relation"],
            detail=d["detail"],
            label=d["label"],
            directed=d["directed"],
            weight=d["weight"],
            confidence=d["confidence"],
            years="; ".join(d["years"]),
            sources="; ".join(arts.get(a, {}).get("headline", a) for a in d["articles"]),
        )
    return out


def write_network(graph: nx.MultiDiGraph, path, fmt: str) -> None:
    """Write the projection as GraphML or GEXF (for Gephi)."""
    flat = for_export(graph)
    if fmt == "graphml":
        nx.write_graphml(flat, path)
    elif fmt == "gexf":
        nx.write_gexf(flat, path)
    else:
        raise ViewError(f"unknown network format '{fmt}' (use graphml or gexf)")
