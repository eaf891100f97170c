"""The network view: a projection (:mod:`kg.project`) as one self-contained HTML file.

pyvis holds the network (nodes and edges are filled into ``Network.nodes``/``edges``
directly: ``from_nx`` is quadratic in edges) and ships vis-network, which is inlined.
pyvis's own page template is not used: every mode of it loads Bootstrap from a CDN, and
it inserts node titles (when any contains "href") and the heading as raw HTML. Our page
(``data/views/view.html``, ``view.js``, ``view.css``) makes no request to any host (a
Content-Security-Policy forbids them), embeds the data as JSON with ``<``, ``>`` and
``&`` escaped, and puts every text from the graph into the page as text: tooltips are
plain strings, the side panel is built with ``textContent``.

Above ``layout_threshold`` nodes the layout is computed here with networkx
(igraph's Fruchterman–Reingold) and physics is off, so big views draw at once.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import networkx as nx
from rdflib import URIRef

from .errors import KGError
from .project import ProjectionOptions, ViewError, cap, ego, paths, project, restrict
from .resources import resource_dir

DEFAULT_LAYOUT_THRESHOLD = 150
DEFAULT_MAX_NODES = 5000


@dataclass(frozen=True)
class ViewOptions:
    title: str = "Indonesia–Korea relations"
    layout_threshold: int = DEFAULT_LAYOUT_THRESHOLD
    message: str = ""  # shown above the network (e.g. that the view was capped)
    seed: int = 42


@dataclass(frozen=True)
class ViewResult:
    path: Path
    nodes: int
    edges: int
    physics: bool
    layout_seconds: float
    seconds: float


@cache
def _asset(name: str) -> str:
    return (resource_dir("views") / name).read_text(encoding="utf-8")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped in the pyvis wheel."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise ViewError(f"{lib}: vis-network is missing from the pyvis install ({exc})") from exc
    return js, css


def style() -> dict:
    return json.loads(_asset("style.json"))


def _tooltip_node(d: dict, degree: int) -> str:
    lines = [d["label"], " · ".join(x for x in (d["type"], d.get("country", "")) if x)]
    lines += list(d.get("posts", ()))[:4]
    lines.append(f"{degree} links · {len(d.get('articles', ()))} articles")
    return "\n".join(x for x in lines if x)


def layout(graph: nx.MultiDiGraph, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Positions in screen units for a large graph: Fruchterman–Reingold from igraph.

    igraph's C implementation (grid-based above 1,000 nodes) lays out 5,000 nodes in about
    a second; networkx's ``forceatlas2_layout`` and ``spring_layout`` are quadratic in
    Python/numpy and took minutes at that size (bench/bench_view.py).
    """
    import random

    import igraph

    index = {n: i for i, n in enumerate(graph)}
    weights: dict[tuple[int, int], float] = {}
    for u, v, d in graph.edges(data=True):
        key = (min(index[u], index[v]), max(index[u], index[v]))
        weights[key] = weights.get(key, 0.0) + d.get("weight", 1)
    g = igraph.Graph(n=len(index), edges=list(weights))
    rng = random.Random(seed)
    start = [(rng.uniform(-50, 50), rng.uniform(-50, 50)) for _ in range(len(index))]
    coords = g.layout_fruchterman_reingold(
        weights=[1.0 + math.log(w) for w in weights.values()] or None,
        niter=300,
        seed=start,
        grid=True,
    ).coords
    if not coords:
        return {}
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    x0, y0 = min(xs), min(ys)
    span = max(max(xs) - x0, max(ys) - y0) or 1.0
    size = 120.0 * math.sqrt(len(coords))
    return {
        n: (
            round((coords[i][0] - x0) / span * size, 1),
            round((coords[i][1] - y0) / span * size, 1),
        )
        for n, i in index.items()
    }


def build_network(graph: nx.MultiDiGraph, options: ViewOptions | None = None):
    """A pyvis Network holding the graph's nodes and edges with their view attributes.

    Returns ``(network, payload)``; ``payload`` is the extra data the page needs
    (articles, style, physics flag, message).
    """
    from pyvis.network import Network

    opts = options or ViewOptions()
    st = style()
    types, other = st["types"], st["other"]
    countries, other_country = st["countries"], st["otherCountry"]
    big = graph.number_of_nodes() > opts.layout_threshold
    t0 = time.perf_counter()
    pos = layout(graph, opts.seed) if big else {}
    layout_seconds = time.perf_counter() - t0

    art_ids = sorted(graph.graph.get("articles", {}))
    art_index = {a: i for i, a in enumerate(art_ids)}
    arts = graph.graph.get("articles", {})
    und = graph.to_undirected(as_view=True)

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for n, d in graph.nodes(data=True):
        t = types.get(d["type"], other)
        border = countries.get(d.get("country", ""), other_country)["color"]
        degree = und.degree(n)
        node = {
            "id": n,
            "label": d["label"],
            "title": _tooltip_node(d, degree),
            "shape": t["shape"],
            "value": degree,
            "borderWidth": 3 if d.get("country") else 1,
            "color": {
                "background": t["color"],
                "border": border,
                "highlight": {"background": "#ffe08a", "border": border},
                "hover": {"background": t["color"], "border": "#111827"},
            },
            "kgType": d["type"],
            "kgCountry": d.get("country", ""),
            "kgAliases": list(d.get("aliases", ()))[:30],
            "kgPosts": list(d.get("posts", ())),
            "kgDate": d.get("date", ""),
            "kgFocus": bool(d.get("focus")),
            "kgIri": n,
        }
        if d.get("focus"):
            node["borderWidth"] = 6
        if n in pos:
            node["x"], node["y"] = pos[n]
        net.nodes.append(node)
        net.node_ids.append(n)
    seen_pairs: dict[frozenset, int] = {}
    for i, (u, v, _k, d) in enumerate(graph.edges(keys=True, data=True)):
        lu, lv = graph.nodes[u]["label"], graph.nodes[v]["label"]
        sources = "; ".join(arts[a]["date"] or "undated" for a in d["articles"][:6])
        edge = {
            "id": i,
            "from": u,
            "to": v,
            "title": f"{lu} — {d['label']} — {lv}\n{d['weight']} article(s): {sources}",
            "width": 1 + 1.5 * math.log2(d["weight"]) if d["weight"] > 0 else 1,
            "arrows": {"to": {"enabled": bool(d["directed"]), "scaleFactor": 0.5}},
            "kgLabel": d["label"],
            "kgRelation": d["relation"],
            "kgWeight": d["weight"],
            "kgConf": d["confidence"],
            "kgYears": list(d["years"]),
            "kgEvidence": [
                [art_index[x["article"]], x["sentence"], x["confidence"]]
                for x in d["evidence"]
                if x["article"] in art_index
            ],
        }
        nth = seen_pairs[frozenset((u, v))] = seen_pairs.get(frozenset((u, v)), -1) + 1
        if nth:  # several relations between one pair: fan them out instead of overlaying
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * nth}
        if d.get("on_path"):
            edge["color"] = {"color": "#f59e0b", "highlight": "#b45309"}
            edge["width"] = edge["width"] + 3
        net.edges.append(edge)

    net.options = _vis_options(big, graph.number_of_nodes())
    payload = {
        "articles": [
            [arts[a]["headline"], arts[a]["date"], arts[a]["url"], arts[a]["publisher"]]
            for a in art_ids
        ],
        "style": st,
        "physics": not big,
        "message": opts.message,
        "layout_seconds": layout_seconds,
    }
    return net, payload


def _vis_options(big: bool, n: int) -> dict:
    opts: dict = {
        "autoResize": True,
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3},
            "scaling": {
                "min": 8,
                "max": 36,
                "label": {"enabled": True, "min": 12, "max": 22, "drawThreshold": 7},
            },
        },
        "edges": {
            "color": {"color": "#9aa4b2", "highlight": "#f59e0b", "hover": "#4b5563"},
            "font": {"size": 12, "align": "middle", "strokeWidth": 3},
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2,
            "hoverWidth": 1.5,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": n > 2000,
        },
        "layout": {"improvedLayout": not big and n <= 100, "randomSeed": 7},
    }
    if big:
        opts["physics"] = {"enabled": False}
    else:
        opts["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
            "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50},
        }
    return opts


_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _json_for_script(value: object) -> str:
    """JSON that cannot end its <script> element or be read as markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


def render_html(net, payload: dict, title: str) -> str:
    """The page as one string: vis-network, our CSS/JS and the data, all inline."""
    vis_js, vis_css = _vis_assets()
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        **{k: v for k, v in payload.items() if k != "layout_seconds"},
    }
    parts = {
        "TITLE": html.escape(title),
        "VIS_CSS": vis_css,
        "VIEW_CSS": _asset("view.css"),
        "VIS_JS": vis_js,
        "DATA": _json_for_script(data),
        "VIEW_JS": _asset("view.js"),
    }
    # one pass, so nothing inserted is scanned for placeholders again
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], _asset("view.html"))


def write_view(
    graph: nx.MultiDiGraph, path: Path | str, options: ViewOptions | None = None
) -> ViewResult:
    """Write ``graph`` as a self-contained HTML view to ``path``."""
    opts = options or ViewOptions()
    t0 = time.perf_counter()
    net, payload = build_network(graph, opts)
    page = render_html(net, payload, opts.title)
    path = Path(path)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise KGError(f"{path}: cannot write the view ({exc.strerror})") from exc
    return ViewResult(
        path=path,
        nodes=len(net.nodes),
        edges=len(net.edges),
        physics=payload["physics"],
        layout_seconds=payload["layout_seconds"],
        seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------- choosing what to show


@dataclass(frozen=True)
class ViewSpec:
    """What ``kg view`` shows: a projection, optionally narrowed to an ego network, the
    paths between two entities or the entities a query returns, then capped."""

    projection: ProjectionOptions = field(default_factory=ProjectionOptions)
    focus: str | None = None
    hops: int | None = None
    path: tuple[str, str] | None = None
    query: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    max_nodes: int = DEFAULT_MAX_NODES


def known_types() -> list[str]:
    return sorted(style()["types"])


def view_graph(store, spec: ViewSpec) -> tuple[nx.MultiDiGraph, str]:
    """The graph to draw and a message for the reader ("" when there is nothing to say)."""
    from .query import bind_params, find_query, resolve_entity, run_query

    allowed = {t.casefold(): t for t in known_types()}
    bad = [t for t in spec.projection.types if t.casefold() not in allowed]
    if bad:
        raise ViewError(f"unknown type '{bad[0]}' (use {', '.join(known_types())})")
    bad = [c for c in spec.projection.countries if not re.fullmatch(r"[A-Za-z]{2}", c)]
    if bad:
        raise ViewError(f"--country expects a two-letter ISO code such as ID or KR, got '{bad[0]}'")
    if sum(x is not None for x in (spec.focus, spec.path, spec.query)) > 1:
        raise ViewError("use one of --focus, --path and --query at a time")

    # names first: an unknown name is the likelier mistake, and cheaper to report
    center = str(resolve_entity(store, spec.focus)) if spec.focus is not None else None
    ends = [resolve_entity(store, x) for x in spec.path] if spec.path is not None else []
    graph = project(store, spec.projection)
    notes: list[str] = []
    if spec.focus is not None:
        graph = ego(graph, center, 1 if spec.hops is None else spec.hops)
    elif spec.path is not None:
        a, b = (graph.graph["same_as"].get(x, x) for x in map(str, ends))
        hops = 3 if spec.hops is None else spec.hops
        graph = paths(graph, a, b, hops)
        shortest = graph.graph["shortest"]
        notes.append(
            f"{graph.graph['paths']} path(s) between {graph.nodes[a]['label']} and "
            f"{graph.nodes[b]['label']} (up to {max(hops, shortest)} links; shortest {shortest})"
        )
    elif spec.query is not None:
        q = find_query(spec.query)
        bindings = bind_params(store, q, dict(spec.params))
        res = run_query(store, q.text, bindings)
        # IRIs in the result, also inside text cells (e.g. the "via" column of connection)
        iris: list[str] = []
        for row in res.rows:
            for t in row:
                if isinstance(t, URIRef):
                    iris.append(str(t))
                elif t is not None:
                    iris.extend(tok for tok in str(t).split() if tok in graph)
        graph = restrict(graph, dict.fromkeys(iris))
        notes.append(f"entities returned by the query '{q.name}' and the links among them")
    elif spec.params:
        raise ViewError("--param works with --query only")
    if graph.number_of_nodes() == 0:
        raise ViewError("nothing to show: no linked entities match these options")
    graph, dropped = cap(graph, spec.max_nodes)
    if dropped:
        notes.append(
            f"Showing the {graph.number_of_nodes()} best-connected entities; {dropped} others "
            f"were left out (--max-nodes {spec.max_nodes}). Use filters, --focus or a higher "
            "--max-nodes to see them."
        )
    return graph, " ".join(notes)
