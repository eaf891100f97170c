"""What every store backend offers, and the pieces they share (formats, result rows, terms)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError, StoreError

FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nquads": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "trig": "trig", "nquads": "nq", "jsonld": "jsonld"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
        if dt == XSD_STRING:
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


QueryResult = SelectResult | bool | Graph


class Backend(Protocol):
    """One place a dataset lives. ``KGStore`` adds the shared logic on top.

    Every method raises :class:`~kg.errors.StoreError` (or ``QueryError`` for a query the
    store refuses) with a message naming the store, never a library exception.
    """

    name: str  # how the store is named in messages (no credentials)

    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Atomically replace one named graph with these N-Triples."""

    def update(self, sparql: str) -> None:
        """Run SPARQL Update text (``kg query --allow-update``)."""

    def drop_graphs(self, graph_iris: list[str]) -> None:
        """Remove these named graphs (missing ones are fine)."""

    def load_dataset(self, path: Path, rdf_format: ox.RdfFormat) -> None:
        """Add every quad of a checked TriG/N-Quads file."""

    def query(self, sparql: str, bindings: dict[str, Node]) -> QueryResult:
        """Run SPARQL with the union of all graphs as the default graph."""

    def graph_names(self) -> list[str]: ...

    def count(self) -> int:
        """Number of quads in the dataset."""

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad, streamed."""

    def union_triples(self) -> Iterator[ox.Triple]:
        """The union of all graphs as triples, streamed (set semantics)."""

    def flush(self) -> None: ...

    def close(self) -> None: ...


def write_quads(quads: Iterator[ox.Quad], out: BinaryIO, fmt: str, prefixes: dict | None) -> None:
    rdf_format = FORMATS[fmt][0]
    kwargs = {"prefixes": prefixes} if prefixes and fmt in ("trig", "turtle") else {}
    ox.serialize(quads, out, rdf_format, **kwargs)
