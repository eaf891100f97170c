"""SHACL validation of the stored graph against ``ontology/shapes.ttl``."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .errors import DataError
from .resources import resource_dir
from .store import KGStore


def validate_graph(data: Graph, shapes: Path | None = None) -> tuple[bool, str]:
    """(conforms, readable report) for ``data`` against the shapes and the ontology."""
    import pyshacl

    shapes = shapes or resource_dir("ontology") / "shapes.ttl"
    try:
        shacl = Graph().parse(shapes, format="turtle")
        ont = Graph().parse(resource_dir("ontology") / "idkr.ttl", format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"{shapes}: cannot read SHACL shapes ({exc})") from exc
    conforms, _graph, text = pyshacl.validate(
        data, shacl_graph=shacl, ont_graph=ont, inference="none", allow_warnings=True
    )
    if conforms:
        return True, f"conforms: {len(data)} triples checked against {shapes.name}"
    return False, text


def validate_store(store: KGStore, shapes: Path | None = None) -> tuple[bool, str]:
    return validate_graph(store.to_rdflib_graph(), shapes)
