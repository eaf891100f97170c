"""Shared fixtures: the repository root, a store holding the bundled sample articles, and a
real Oxigraph server for the remote-store tests."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def oxigraph_serve(location: Path, *options: str) -> Iterator[str]:
    """Run ``oxigraph serve`` (PyPI ``oxigraph``) on a free port until the block ends;
    yields its base URL once it answers."""
    exe = Path(sys.executable).with_name("oxigraph")
    binary = str(exe) if exe.exists() else shutil.which("oxigraph")
    if binary is None:
        pytest.fail("the 'oxigraph' server binary is missing: pip install -e '.[test]'")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"oxigraph serve did not start on port {port}: {err}")
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a free port for the whole session; yields its base URL.

    Tests that need an empty dataset clear it themselves.
    """
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url
