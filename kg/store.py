"""Where the graph lives: an embedded Oxigraph store (on disk or in memory).

pyoxigraph is used directly rather than through rdflib's store plugin because it gives
what the pipeline needs in one call each: an atomic "replace this article's graph"
(one SPARQL update is one transaction), parameter substitution that binds RDF terms
instead of splicing text into queries, the union of all named graphs as the default
graph, and fast dumps. Results are handed back as rdflib terms.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import QueryError, StoreError

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "trig": "trig", "nquads": "nq", "jsonld": "jsonld"}


def to_rdflib(term: object) -> Node | None:
    """A pyoxigraph term as the equivalent rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise StoreError(f"unsupported RDF term in a result: {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (for substitutions)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r} as a query parameter")


@dataclass
class SelectResult:
    variables: list[str]
    rows: list[tuple[Node | None, ...]]


class KGStore:
    """An Oxigraph dataset: one named graph per article plus the gazetteer graph."""

    def __init__(self, spec: str = "memory", read_only: bool = False) -> None:
        self.spec = spec
        self.read_only = read_only
        try:
            if spec == "memory":
                self._store = ox.Store()
            else:
                path = Path(spec)
                if read_only:
                    if not path.exists():
                        raise StoreError(
                            f"{spec}: no store here yet; run 'kg ingest' first or pass --store"
                        )
                    self._store = ox.Store.read_only(str(path))
                else:
                    if path.exists() and not path.is_dir():
                        raise StoreError(f"{spec}: exists and is not a store folder")
                    path.mkdir(parents=True, exist_ok=True)
                    self._store = ox.Store(str(path))
        except OSError as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(
                    f"{spec}: the store is in use by another kg process (it holds the write "
                    "lock); wait for it to finish, or use another --store"
                ) from exc
            raise StoreError(f"{spec}: cannot open the store ({msg})") from exc

    # writing --------------------------------------------------------------
    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Atomically replace one named graph with ``graph``'s triples."""
        self._check_writable()
        body = graph.serialize(format="nt")
        update = (
            f"DROP SILENT GRAPH <{graph_iri}> ;\n"
            f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}\n}} }}"
        )
        try:
            self._store.update(update)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"{self.spec}: could not write graph <{graph_iri}> ({exc})") from exc

    def remove_graph(self, graph_iri: str) -> None:
        self._check_writable()
        self._store.update(f"DROP SILENT GRAPH <{graph_iri}>")

    def load(self, path: Path, fmt: str) -> None:
        """Bulk-load a dump (TriG or N-Quads) into the store."""
        self._check_writable()
        rdf_format = FORMATS[fmt][0]
        try:
            self._store.bulk_load(path=str(path), format=rdf_format)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{path}: cannot load ({exc})") from exc

    def flush(self) -> None:
        if not self.read_only and self.spec != "memory":
            self._store.flush()

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.spec}: opened read-only")

    # reading --------------------------------------------------------------
    def query(self, sparql: str, bindings: dict[str, Node] | None = None):
        """Run SPARQL over the union of all graphs; parameters bound as RDF terms."""
        subs = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        try:
            res = self._store.query(sparql, use_default_graph_as_union=True, substitutions=subs)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = [tuple(to_rdflib(sol[v]) for v in variables) for sol in res]
            return SelectResult(variables, rows)
        g = Graph()
        for t in res:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g

    def select(self, sparql: str, bindings: dict[str, Node] | None = None) -> SelectResult:
        res = self.query(sparql, bindings)
        if not isinstance(res, SelectResult):
            raise QueryError("expected a SELECT query")
        return res

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def dump(self, out: BinaryIO, fmt: str, prefixes: dict[str, str] | None = None) -> None:
        """Serialise the dataset; Turtle and N-Triples get the union of all graphs."""
        if fmt not in FORMATS:
            raise StoreError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
        rdf_format, with_graphs = FORMATS[fmt]
        if with_graphs:
            if fmt == "jsonld":
                out.write(self.to_rdflib_dataset().serialize(format="json-ld").encode("utf-8"))
                return
            kwargs = {"prefixes": prefixes} if fmt == "trig" and prefixes else {}
            self._store.dump(out, rdf_format, **kwargs)
            return
        triples = self._store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
        kwargs = {"prefixes": prefixes} if fmt == "turtle" and prefixes else {}
        ox.serialize(triples, out, rdf_format, **kwargs)

    def to_rdflib_graph(self) -> Graph:
        """The union of all graphs as one rdflib Graph (for SHACL and networkx)."""
        buf = io.BytesIO()
        self.dump(buf, "ntriples")
        g = Graph()
        g.parse(data=buf.getvalue().decode("utf-8"), format="nt")
        return g

    def to_rdflib_dataset(self):
        from rdflib import Dataset

        buf = io.BytesIO()
        self._store.dump(buf, ox.RdfFormat.N_QUADS)
        ds = Dataset()
        ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
        return ds

    def close(self) -> None:
        self.flush()
        del self._store

    def __enter__(self) -> KGStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(spec: str, read_only: bool = False) -> KGStore:
    """Open the store named by ``spec``: a folder path or ``memory``."""
    if spec.startswith(("http://", "https://")):
        raise StoreError(
            f"{spec}: remote SPARQL stores are not supported yet; use a folder path or 'memory'"
        )
    return KGStore(spec, read_only=read_only)
