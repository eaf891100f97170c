"""Shared fixtures: the repository root and a store holding the bundled sample articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.pipeline import ingest
from kg.resources import resource_dir
from kg.store import KGStore


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The top of the repository (holds data/, queries/, ontology/)."""
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sample_store(repo_root: Path) -> KGStore:
    """An in-memory store with every article in data/articles ingested, once per session.

    Shared by all tests of the session: read from it, never write to it.
    """
    store = KGStore("memory")
    ingest([repo_root / "data" / "articles"], store)
    return store


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return Graph().parse(resource_dir("ontology") / "idkr.ttl")


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(resource_dir("ontology") / "shapes.ttl")
