"""Batched ingest into a real Oxigraph server: several article graphs per SPARQL update
request, each request one transaction (tests/conftest.py starts the server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import oxigraph_serve

import kg.pipeline as pipeline
from kg.errors import StoreError
from kg.store import KGStore, RemoteOptions

ROOT = Path(__file__).resolve().parents[1]
G = "https://example.org/graph/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-batch")) as url:
        yield url


def nt(*objects: str) -> bytes:
    return "".join(f'<urn:s> <urn:p> "{o}" .\n' for o in objects).encode()


def contents(store: KGStore, name: str) -> list[str]:
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{G}{name}> {{ ?s ?p ?o }} }}").rows
    return sorted(str(r[0]) for r in rows)


def test_batches_replace_each_graph(server: str) -> None:
    store = KGStore(server, remote=RemoteOptions(batch=2))
    store.update("DROP ALL")
    store.replace_graphs([(G + "a", nt("old a", "gone")), (G + "b", nt("old b"))])
    store.replace_graphs(
        [
            (G + "a", nt("new a")),
            (G + "c", nt("c 1", 'with "quotes" and \\\\ backslash', "c 3")),
            (G + "d", nt("d")),
            (G + "c", nt("c, the later one")),  # named twice: the later one wins
            (G + "e", nt("e")),
        ]
    )
    assert contents(store, "a") == ["new a"]
    assert contents(store, "b") == ["old b"]
    assert contents(store, "c") == ["c, the later one"]
    assert contents(store, "d") == ["d"] and contents(store, "e") == ["e"]


def test_a_refused_request_changes_none_of_its_graphs(server: str) -> None:
    store = KGStore(server, remote=RemoteOptions(batch=3))
    store.update("DROP ALL")
    store.replace_graphs([(G + name, nt(f"old {name}")) for name in "abcde"])
    batch = [(G + name, nt(f"new {name}")) for name in "abcd"]
    batch.append((G + "e", b"<urn:s> <urn:p> broken .\n"))
    with pytest.raises(StoreError, match=r"writing 2 graphs \(<.*/d> … <.*/e>\)"):
        store.replace_graphs(batch)
    # the first request (a, b, c) is stored; the second (d, e) is refused as a whole
    assert [contents(store, n) for n in "abcde"] == [
        ["new a"],
        ["new b"],
        ["new c"],
        ["old d"],
        ["old e"],
    ]


@pytest.mark.parametrize("batch", [1, 64])
def test_ingest_gives_the_same_quads_as_a_folder(server: str, tmp_path: Path, batch: int) -> None:
    inputs = [ROOT / "data" / "articles", ROOT / "tests" / "articles"]
    remote = KGStore(server, remote=RemoteOptions(batch=batch))
    remote.update("DROP ALL")
    folder = KGStore(str(tmp_path / "store"))
    s1 = pipeline.ingest(inputs, remote, consolidate_after=False)
    s2 = pipeline.ingest(inputs, folder, consolidate_after=False)
    assert s1.articles == s2.articles > 20
    assert sorted(map(str, remote.quads())) == sorted(map(str, folder.quads()))
    folder.close()


def test_batch_size_from_the_environment() -> None:
    assert RemoteOptions.from_env({"KG_STORE_BATCH": "16"}).batch == 16
    assert RemoteOptions.from_env({}).batch == 64
    for bad in ("0", "many"):
        with pytest.raises(StoreError, match="KG_STORE_BATCH"):
            RemoteOptions.from_env({"KG_STORE_BATCH": bad})
