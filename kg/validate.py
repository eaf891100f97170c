"""SHACL validation of the stored graph against ``ontology/shapes.ttl``.

The whole store is never copied into memory at once: the focus nodes the shapes target are
listed with SPARQL, split into parts of ``chunk_size``, and each part is validated by
pySHACL on its own small data graph — the triples (from the union of all graphs) of the
part's focus nodes and of the nodes reachable from them within the depth the shapes
can look, plus the types of the nodes one step further (for ``sh:class``). Every focus
node is checked exactly once against all the triples about it, so the result is the
same as validating the union of all graphs in one go, at a memory cost bounded by the
part size instead of the store size.

Shapes that target nodes in a way this cannot list (SPARQL-based targets) and stores
holding blank nodes (which SPARQL cannot address one by one) are validated in one go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import SH

from .errors import DataError
from .resources import resource_dir
from .store import KGStore

DEFAULT_CHUNK = 5000  # focus nodes per pySHACL run
_VALUES_BATCH = 2000  # IRIs per SPARQL request when fetching a part's triples
# shape properties whose objects are shapes checked on value nodes (one level deeper)
_NESTING = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["and"], SH["or"], SH.xone)
# a pySHACL text report: one block per result, its own focus node on a line with one tab
_BLOCK = re.compile(r"^(?:Constraint Violation|Validation Result) in ", re.M)
_FOCUS = re.compile(r"^\tFocus Node: (.*)$", re.M)


def _load_shapes(shapes: Path | None) -> tuple[Path, Graph, Graph]:
    shapes = shapes or resource_dir("ontology") / "shapes.ttl"
    try:
        shacl = Graph().parse(shapes, format="turtle")
        ont = Graph().parse(resource_dir("ontology") / "idkr.ttl", format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"{shapes}: cannot read SHACL shapes ({exc})") from exc
    return shapes, shacl, ont


def _run_pyshacl(data: Graph, shacl: Graph, ont: Graph, inplace: bool = False) -> tuple[bool, str]:
    import pyshacl

    conforms, _graph, text = pyshacl.validate(
        data,
        shacl_graph=shacl,
        ont_graph=ont,
        inference="none",
        allow_warnings=True,
        inplace=inplace,  # True: mix the ontology into ``data`` instead of a copy
    )
    return bool(conforms), text


def validate_graph(data: Graph, shapes: Path | None = None) -> tuple[bool, str]:
    """(conforms, readable report) for ``data`` against the shapes and the ontology."""
    shapes, shacl, ont = _load_shapes(shapes)
    conforms, text = _run_pyshacl(data, shacl, ont)
    if conforms:
        return True, f"conforms: {len(data)} triples checked against {shapes.name}"
    return False, text


# ------------------------------------------------------------------ targets and depth


def _subclasses(classes: Iterable[URIRef], graphs: Iterable[Graph]) -> set[URIRef]:
    """``classes`` and everything declared (transitively) a subclass of one of them."""
    found = set(classes)
    todo = list(found)
    while todo:
        c = todo.pop()
        for g in graphs:
            for sub in g.subjects(RDFS.subClassOf, c):
                if isinstance(sub, URIRef) and sub not in found:
                    found.add(sub)
                    todo.append(sub)
    return found


def _targets(shacl: Graph, ont: Graph) -> tuple[set[URIRef], set[URIRef], set[URIRef], set] | None:
    """(classes, subjects-of properties, objects-of properties, explicit nodes) the shapes
    target, or None when some target cannot be listed this way."""
    if any(shacl.triples((None, SH.target, None))):
        return None  # SPARQL-based or custom targets
    classes = {c for c in shacl.objects(None, SH.targetClass) if isinstance(c, URIRef)}
    # implicit class targets: a shape that is also a class targets its instances
    for shape in set(shacl.subjects(RDF.type, SH.NodeShape)):
        if (shape, RDF.type, RDFS.Class) in shacl or (shape, RDF.type, RDFS.Class) in ont:
            classes.add(shape)
    subjects_of = {p for p in shacl.objects(None, SH.targetSubjectsOf) if isinstance(p, URIRef)}
    objects_of = {p for p in shacl.objects(None, SH.targetObjectsOf) if isinstance(p, URIRef)}
    nodes = set(shacl.objects(None, SH.targetNode))
    return _subclasses(classes, (shacl, ont)), subjects_of, objects_of, nodes


def _path_length(shacl: Graph, path) -> int:
    """How many steps a property path can take at most (None: unbounded)."""
    if isinstance(path, URIRef):
        return 1
    first = shacl.value(path, RDF.first)
    if first is not None:  # a sequence path
        return sum(_path_length(shacl, p) for p in shacl.items(path))
    for op in (SH.zeroOrMorePath, SH.oneOrMorePath):
        if shacl.value(path, op) is not None:
            raise _Unbounded
    alternatives = shacl.value(path, SH.alternativePath)
    if alternatives is not None:
        return max(_path_length(shacl, p) for p in shacl.items(alternatives))
    for op in (SH.inversePath, SH.zeroOrOnePath):
        inner = shacl.value(path, op)
        if inner is not None:
            return _path_length(shacl, inner)
    return 1


class _Unbounded(Exception):
    """A shape follows a path of unbounded length."""


def _depth(shacl: Graph, shape, seen: frozenset = frozenset()) -> int:
    """How many steps from a focus node the shape's checks can reach."""
    if shape in seen:
        raise _Unbounded  # recursive shapes
    seen = seen | {shape}
    steps = 0
    path = shacl.value(shape, SH.path)
    if path is not None:
        steps = _path_length(shacl, path)
    deepest = 0
    for prop in _NESTING:
        for nested in shacl.objects(shape, prop):
            deepest = max(deepest, _depth(shacl, nested, seen))
    for prop in _LISTS:
        for lst in shacl.objects(shape, prop):
            for nested in shacl.items(lst):
                deepest = max(deepest, _depth(shacl, nested, seen))
    return steps + deepest


def _shapes_depth(shacl: Graph) -> int | None:
    roots = set(shacl.subjects(RDF.type, SH.NodeShape)) | set(
        shacl.subjects(RDF.type, SH.PropertyShape)
    )
    try:
        return max((_depth(shacl, s) for s in roots), default=0)
    except _Unbounded:
        return None


# ------------------------------------------------------------------ store access


def _predicates(shacl: Graph) -> list[URIRef] | None:
    """The predicates the shapes can look at (every IRI in a path or a property
    comparison, and rdf:type), or None when they may look at any (closed shapes)."""
    if any(shacl.triples((None, SH.closed, None))):
        return None
    found: set[URIRef] = {RDF.type}
    todo = list(shacl.objects(None, SH.path))
    for prop in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
        todo.extend(shacl.objects(None, prop))
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, URIRef):
            found.add(node)
        else:  # a complex path: walk its list items and operators
            todo.extend(o for _p, o in shacl.predicate_objects(node))
    found.discard(RDF.nil)
    return sorted(found)


def _iri_list(nodes: Iterable[URIRef]) -> str:
    return " ".join(n.n3() for n in nodes)


def _focus_nodes(store: KGStore, targets) -> list[URIRef] | None:
    classes, subjects_of, objects_of, nodes = targets
    found: set = set(nodes)
    parts = []
    if classes:
        parts.append(f"{{ VALUES ?c {{ {_iri_list(sorted(classes))} }} ?n a ?c }}")
    if subjects_of:
        parts.append(f"{{ VALUES ?p {{ {_iri_list(sorted(subjects_of))} }} ?n ?p ?x }}")
    if objects_of:
        parts.append(f"{{ VALUES ?p {{ {_iri_list(sorted(objects_of))} }} ?x ?p ?n }}")
    if parts:
        res = store.select(f"SELECT DISTINCT ?n WHERE {{ {' UNION '.join(parts)} }}")
        found.update(row[0] for row in res.rows)
    if any(isinstance(n, BNode) for n in found):
        return None
    return sorted(n for n in found if isinstance(n, URIRef))


def _has_blank_nodes(store: KGStore) -> bool:
    res = store.query("ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }")
    return bool(res)


def _describe(store: KGStore, nodes: list[URIRef], predicates: list[URIRef] | None) -> Graph:
    """The triples (union of all graphs) whose subject is one of ``nodes`` and whose
    predicate is one of ``predicates`` (None: any)."""
    out = Graph()
    keep = set(predicates) if predicates is not None else None
    for batch_nodes in _chunks(nodes, _VALUES_BATCH):
        batch = _iri_list(batch_nodes)
        res = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {batch} }} ?s ?p ?o }}")
        for s, p, o in res.rows:
            if keep is None or p in keep:
                out.add((s, p, o))
    return out


def _part_graph(
    store: KGStore, focus: list[URIRef], depth: int, predicates: list[URIRef] | None
) -> Graph:
    """The focus nodes' triples and those of the nodes within ``depth`` steps of them,
    plus the types of the nodes one step further; only ``predicates`` (and rdf:type)
    when the shapes look at no others."""
    data = Graph()
    seen: set = set()
    frontier = list(focus)
    for level in range(depth + 1):
        frontier = sorted(n for n in set(frontier) if n not in seen)
        if not frontier:
            break
        seen.update(frontier)
        part = _describe(store, frontier, [RDF.type] if level == depth else predicates)
        data += part
        frontier = [o for _s, p, o in part if isinstance(o, URIRef) and p != RDF.type]
    return data


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ------------------------------------------------------------------ entry point


def validate_store(
    store: KGStore, shapes: Path | None = None, chunk_size: int = DEFAULT_CHUNK
) -> tuple[bool, str]:
    """(conforms, readable report) for the union of the store's graphs.

    Validated in parts of ``chunk_size`` focus nodes (see the module docstring), so memory
    stays bounded on big stores; the report lists every violation once.
    """
    if chunk_size < 1:
        raise DataError("the validation part size must be at least 1 focus node")
    shapes, shacl, ont = _load_shapes(shapes)
    targets = _targets(shacl, ont)
    depth = _shapes_depth(shacl)
    focus = None
    if targets is not None and depth is not None and not _has_blank_nodes(store):
        focus = _focus_nodes(store, targets)
    if focus is None:  # cannot split: the union in one go
        return validate_graph(store.to_rdflib_graph(), shapes)
    total = 0
    bodies: list[str] = []
    predicates = _predicates(shacl)
    for part in _chunks(focus, chunk_size):
        data = _part_graph(store, part, depth, predicates)
        conforms, text = _run_pyshacl(data, shacl, ont, inplace=True)
        if conforms:
            continue
        # pySHACL checks every target in the part's data, including nodes reached from
        # the part's own focus nodes whose triples were not all fetched: keep the
        # results about this part's focus nodes, each of which is seen whole
        mine = {n.n3() for n in part}
        starts = [m.start() for m in _BLOCK.finditer(text)] + [len(text)]
        for begin, end in pairwise(starts):
            block = text[begin:end].rstrip("\n")
            m = _FOCUS.search(block)
            if m is None or m.group(1) in mine:
                total += 1
                bodies.append(block)
    if not bodies:
        parts = -(-len(focus) // chunk_size)
        return True, (
            f"conforms: {len(focus)} focus nodes checked against {shapes.name} "
            f"({len(store)} quads in store; {parts} part{'s' if parts != 1 else ''})"
        )
    header = f"Validation Report\nConforms: False\nResults ({total}):\n"
    return False, header + "\n".join(bodies) + "\n"
