"""Where the graph lives: embedded Oxigraph (a folder or memory) or a SPARQL 1.1 server.

:class:`KGStore` is what the rest of the package uses; it holds one backend
(:mod:`kg.store.embedded` or :mod:`kg.store.remote`) and adds what every backend shares:
read-only checks, IRI checks, loading and checking dumps, and serialising exports.
Every backend gives the same answers: the union of all named graphs as the default
graph, parameters bound as RDF terms, one transaction per article graph.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..errors import QueryError, StoreError
from .base import (
    EXTENSIONS,
    FORMATS,
    Backend,
    QueryResult,
    SelectResult,
    to_ox,
    to_rdflib,
    write_quads,
)
from .bind import bind_constants, serialize_term
from .embedded import EmbeddedBackend
from .remote import LAYOUTS, RemoteOptions, redact

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "LAYOUTS",
    "KGStore",
    "LoadSummary",
    "RemoteOptions",
    "SelectResult",
    "is_remote",
    "open_store",
    "redact",
    "to_ox",
    "to_rdflib",
]

LOAD_FORMATS = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads"}


def is_remote(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


@dataclass
class LoadSummary:
    graphs: int
    quads: int


class KGStore:
    """A dataset: one named graph per article plus the gazetteer graph.

    ``spec`` is ``memory``, a folder path, or an ``http(s)://`` SPARQL server URL (see
    docs/stores.md); ``remote`` says how to talk to a server.
    """

    def __init__(
        self,
        spec: str = "memory",
        read_only: bool = False,
        remote: RemoteOptions | None = None,
        wait: float = 0.0,
    ) -> None:
        self.read_only = read_only
        if is_remote(spec):
            from .remote import RemoteBackend

            self._backend: Backend = RemoteBackend(spec, read_only, remote)
        else:
            self._backend = EmbeddedBackend(spec, read_only, wait)
        self.spec = self._backend.name

    @property
    def remote(self) -> bool:
        return is_remote(self.spec)

    @property
    def location(self) -> Path | None:
        """The folder this process opened: the store folder, or (a reader while another
        process writes) the read snapshot it reads; None for memory and servers."""
        return getattr(self._backend, "location", None)

    # writing --------------------------------------------------------------
    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Atomically replace one named graph with ``graph``'s triples."""
        self._check_writable()
        self._check_iri(graph_iri)
        self._backend.replace_graph(graph_iri, graph.serialize(format="nt", encoding="utf-8"))

    def replace_graphs(self, graphs: list[tuple[str, bytes]]) -> None:
        """Replace several named graphs, each with its N-Triples, in this order (a graph
        named twice ends as the later one). Each graph is replaced atomically; the
        embedded store writes new graphs in one transaction per call (bulk ingest), and
        does not check their IRIs again: give N-Triples written by pyoxigraph (as
        :func:`kg.build.build_ntriples` does), whose terms were checked when made."""
        self._check_writable()
        for iri, _nt in graphs:
            self._check_iri(iri)
        batch = getattr(self._backend, "replace_graphs", None)
        if batch is not None:
            batch(graphs)
            return
        for iri, nt in graphs:
            self._backend.replace_graph(iri, nt)

    def update(self, sparql: str) -> None:
        """Run SPARQL Update text; only ``kg query --allow-update`` does."""
        self._check_writable()
        self._backend.update(sparql)

    def remove_graph(self, graph_iri: str) -> None:
        self._check_writable()
        self._check_iri(graph_iri)
        self._backend.drop_graphs([graph_iri])

    def load(self, path: Path, fmt: str | None = None) -> LoadSummary:
        """Import a TriG or N-Quads dump: each named graph in it replaces the stored one.

        The whole file is checked first, so a broken dump changes nothing. ``fmt`` may also
        be ``turtle`` or ``ntriples`` (triples go to the default graph; for reading a dump
        into a memory store, as ``kg diff`` does).
        """
        self._check_writable()
        fmt = fmt or LOAD_FORMATS.get(path.suffix.lower())
        if fmt not in ("trig", "nquads", "turtle", "ntriples"):
            raise StoreError(
                f"{path}: cannot tell the format; kg load reads TriG (.trig) or N-Quads (.nq)"
            )
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        rdf_format = FORMATS[fmt][0]
        graphs: set[str] = set()
        quads = 0
        try:
            for q in ox.parse(path=str(path), format=rdf_format):
                quads += 1
                if isinstance(q.graph_name, ox.NamedNode):
                    graphs.add(q.graph_name.value)
                elif isinstance(q.graph_name, ox.BlankNode):
                    raise StoreError(f"{path}: a graph named by a blank node cannot be loaded")
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid {fmt} ({exc})") from exc
        except OSError as exc:
            raise StoreError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        if quads == 0:
            raise StoreError(f"{path}: holds no statements; nothing loaded")
        with self.unpublished():  # readers see the dataset before the load or after it
            self._backend.drop_graphs(sorted(graphs))
            self._backend.load_dataset(path, rdf_format)
        self._backend.flush()
        return LoadSummary(len(graphs), quads)

    def flush(self) -> None:
        """Write everything to disk; on a store folder, also publish it to readers."""
        self._backend.flush()

    def optimize(self) -> None:
        """Compact a store folder (nothing to do in memory; a server compacts its own)."""
        self._check_writable()
        self._embedded("optimize").optimize()

    def unpublished(self) -> contextlib.AbstractContextManager:
        """A context in which readers of a store folder get no new snapshot: wrap a write
        made of several transactions in it, and readers see it whole or not at all."""
        return getattr(self._backend, "unpublished", contextlib.nullcontext)()

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.spec}: opened read-only")

    def _check_iri(self, iri: str) -> None:
        try:
            serialize_term(URIRef(iri))
        except QueryError as exc:
            raise StoreError(f"{self.spec}: not a usable graph name: {iri!r}") from exc

    # reading --------------------------------------------------------------
    def query(self, sparql: str, bindings: dict[str, Node] | None = None) -> QueryResult:
        """Run SPARQL over the union of all graphs; parameters bound as RDF terms.

        Parameters become constants in the query text (:func:`kg.store.bind.bind_constants`,
        which Oxigraph's planner can start from); a query that uses a parameter where a
        constant cannot stand falls back to the backend's own binding (substitution
        embedded, VALUES blocks on a server).
        """
        bindings = dict(bindings or {})
        if bindings:
            text = bind_constants(sparql, bindings)
            if text is not None:
                sparql, bindings = text, {}
        return self._backend.query(sparql, bindings)

    def select(self, sparql: str, bindings: dict[str, Node] | None = None) -> SelectResult:
        res = self.query(sparql, bindings)
        if not isinstance(res, SelectResult):
            raise QueryError("expected a SELECT query")
        return res

    def select_values(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """Rows of a SELECT over the union of all graphs as plain strings (an IRI, a blank
        node's id or a literal's lexical form; None if unbound), streamed where the store
        allows: for reading many rows, without building rdflib terms."""
        fast = getattr(self._backend, "select_values", None)
        if fast is not None:
            return fast(sparql)
        rows = self.select(sparql).rows
        return (tuple(None if v is None else str(v) for v in row) for row in rows)

    def dump_graph(self, graph_iri: str, out: BinaryIO) -> bool:
        """Write one named graph to ``out`` as N-Triples (False, and nothing written, if
        the store holds no such graph). Store folders and memory only."""
        return self._embedded("dump_graph").dump_graph(graph_iri, out)

    def add_ntriples(self, graph_iri: str, ntriples: bytes) -> None:
        """Add N-Triples to one named graph, keeping what it holds, as a bulk load (fast,
        but no transaction: a write made of several calls belongs in :meth:`unpublished`,
        so that readers see it whole). Store folders and memory only."""
        self._check_writable()
        self._embedded("add_ntriples").add_ntriples(graph_iri, ntriples)

    def _embedded(self, method: str):
        if not hasattr(self._backend, method):
            raise StoreError(f"{self.spec}: a server store cannot {method.replace('_', ' ')}")
        return self._backend

    def graph_names(self) -> list[str]:
        return self._backend.graph_names()

    def __len__(self) -> int:
        return self._backend.count()

    def quads(self) -> Iterator[ox.Quad]:
        return self._backend.quads()

    def dump(self, out: BinaryIO, fmt: str, prefixes: dict[str, str] | None = None) -> None:
        """Serialise the dataset; Turtle and N-Triples get the union of all graphs."""
        if fmt not in FORMATS:
            raise StoreError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
        with_graphs = FORMATS[fmt][1]
        if fmt == "jsonld":
            out.write(self.to_rdflib_dataset().serialize(format="json-ld").encode("utf-8"))
        elif with_graphs:
            write_quads(self._backend.quads(), out, fmt, prefixes)
        else:
            write_quads(self._backend.union_triples(), out, fmt, prefixes)

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
        self.dump(buf, "nquads")
        ds = Dataset()
        ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
        return ds

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> KGStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    spec: str, read_only: bool = False, remote: RemoteOptions | None = None, wait: float = 0.0
) -> KGStore:
    """Open the store named by ``spec``: a folder path, ``memory`` or an http(s) URL.

    ``wait``: seconds to wait while another process holds a store folder's write lock.
    """
    return KGStore(spec, read_only=read_only, remote=remote, wait=wait)
