"""kg load (import a dump) and kg diff (what changed between two stores or dumps)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run
from rdflib import Graph, Literal, URIRef

from kg.diff import diff
from kg.errors import StoreError
from kg.store import KGStore

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
KABAR = ARTICLES / "kabar-ibukota-2025-jakarta-chungnam.txt"
PESISIR = ARTICLES / "suara-pesisir-2019-surabaya-busan.txt"
BASE = "https://w3id.org/idkr/resource/"


def nquads(store: str, tmp: Path) -> set[str]:
    out = tmp / "check.nq"
    run("--store", store, "export", "--format", "nquads", "-o", str(out))
    return set(out.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A folder store with every sample article, and its TriG dump."""
    tmp = tmp_path_factory.mktemp("full")
    store = str(tmp / "store")
    run("--store", store, "ingest", "-q", str(ARTICLES))
    dump = tmp / "full.trig"
    run("--store", store, "export", "--format", "trig", "-o", str(dump))
    return store, dump


@pytest.fixture
def two(tmp_path: Path) -> str:
    """A folder store with two of the sample articles."""
    store = str(tmp_path / "two")
    run("--store", store, "ingest", "-q", str(KABAR), str(PESISIR))
    return store


# --- load ------------------------------------------------------------------------------


def test_load_a_dump_gives_the_same_dataset(full: tuple[str, Path], tmp_path: Path) -> None:
    store, dump = full
    for fmt in ("trig", "nquads"):
        src = tmp_path / f"dump.{'nq' if fmt == 'nquads' else 'trig'}"
        run("--store", store, "export", "--format", fmt, "-o", str(src))
        target = str(tmp_path / f"loaded-{fmt}")
        res = run("--store", target, "load", str(src))
        assert "graphs from" in res.output
        assert nquads(target, tmp_path) == nquads(store, tmp_path)


def test_load_replaces_the_graphs_in_the_dump_and_keeps_the_others(
    full: tuple[str, Path], tmp_path: Path
) -> None:
    _, dump = full
    target = str(tmp_path / "t")
    run("--store", target, "load", str(dump))
    # a stale statement in one article's graph, and a graph the dump does not have
    graph = next(g for g in KGStore(target, read_only=True).graph_names() if "/graph/" in g)
    store = KGStore(target)
    stale = Graph(identifier=URIRef(graph))
    stale.add((URIRef(BASE + "x"), URIRef(BASE + "p"), Literal("stale")))
    store.replace_graph(graph, stale)
    other = Graph(identifier=URIRef(BASE + "graph/kept"))
    other.add((URIRef(BASE + "y"), URIRef(BASE + "p"), Literal("kept")))
    store.replace_graph(BASE + "graph/kept", other)
    store.close()
    run("--store", target, "load", str(dump))
    after = nquads(target, tmp_path)
    assert not any('"stale"' in q for q in after)
    assert any('"kept"' in q for q in after)
    expected = nquads(full[0], tmp_path)
    assert after - expected == {q for q in after if "graph/kept" in q}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> broken <urn:g> .\n", "not valid"),
        ("", "holds no statements"),
        ("<urn:a> <urn:b> <urn:c> _:g .\n", "blank node"),
    ],
)
def test_a_bad_dump_names_the_file_and_changes_nothing(
    two: str, tmp_path: Path, content: str, problem: str
) -> None:
    before = nquads(two, tmp_path)
    bad = tmp_path / "bad.nq"
    bad.write_text(content, encoding="utf-8")
    res = run("--store", two, "load", str(bad), ok=False)
    assert res.exit_code == 1
    assert str(bad) in res.output and problem in res.output
    assert nquads(two, tmp_path) == before


def test_broken_trig_reports_the_line(full: tuple[str, Path], two: str, tmp_path: Path) -> None:
    text = full[1].read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[len(lines) // 2] += " <not an iri"
    bad = tmp_path / "bad.trig"
    bad.write_text("\n".join(lines), encoding="utf-8")
    before = nquads(two, tmp_path)
    res = run("--store", two, "load", str(bad), ok=False)
    assert res.exit_code == 1 and "not valid trig" in res.output and "line" in res.output
    assert nquads(two, tmp_path) == before


def test_load_needs_a_known_format_and_an_existing_file(two: str, tmp_path: Path) -> None:
    res = run("--store", two, "load", str(tmp_path / "dump.ttl"), ok=False)
    assert res.exit_code == 2 and ".trig or .nq" in res.output
    res = run("--store", two, "load", str(tmp_path / "missing.trig"), ok=False)
    assert res.exit_code == 1 and "no such file" in res.output


def test_load_into_a_server(full: tuple[str, Path], oxigraph_server: str, tmp_path: Path) -> None:
    store, dump = full
    run("--store", oxigraph_server, "load", str(dump))
    assert diff(store, oxigraph_server).unchanged
    res = run("diff", store, oxigraph_server)
    assert "no differences" in res.output


# --- diff ------------------------------------------------------------------------------


def test_diff_lists_what_was_added_and_removed(full: tuple[str, Path], two: str) -> None:
    store, _ = full
    grown = diff(two, store)
    assert {i.text.split(" ", 1)[1] for i in grown.changes["articles"].added} >= {
        "Jakarta, South Chungcheong sign letter of intent on trade, culture and student exchange"
    }
    assert len(grown.changes["articles"].added) == 8
    assert not any(c.removed for c in grown.changes.values())
    added = {k: {i.text for i in c.added} for k, c in grown.changes.items()}
    # from the West Java – Gyeongsangbuk-do article, which only the full store has
    assert "Ahmad Heryawan (Person)" in added["entities"]
    assert "Ahmad Heryawan — governor — Jawa Barat" in added["posts"]
    assert "2018-05-06 LoI: Gyeongsangbuk-do / Jawa Barat" in added["agreements"]
    assert any(t.startswith("2018-05-06 Signing") for t in added["events"])
    # the Jakarta – Chungcheongnam-do LoI is in both stores
    assert "Pramono Anung (Person)" not in added["entities"]
    shrunk = diff(store, two)
    for kind, change in grown.changes.items():
        assert shrunk.changes[kind].removed == change.added, kind
        assert shrunk.changes[kind].added == change.removed, kind


def test_diff_of_a_store_and_its_dumps_is_empty(full: tuple[str, Path], tmp_path: Path) -> None:
    store, dump = full
    assert diff(str(dump), store).unchanged
    ttl = tmp_path / "union.ttl"
    run("--store", store, "export", "-o", str(ttl))
    assert diff(store, str(ttl)).unchanged


def test_diff_command_table_and_json(full: tuple[str, Path], two: str) -> None:
    store, _ = full
    res = run("diff", two, store)
    assert res.output.startswith(f"--- {two}\n+++ {store}\n")
    assert "articles: 8 added, 0 removed" in res.output
    assert "\n  + 2018-05-06 LoI: Gyeongsangbuk-do / Jawa Barat\n" in res.output
    data = json.loads(run("diff", two, store, "--json").output)
    assert set(data) == {"old", "new", "articles", "entities", "posts", "events", "agreements"}
    assert len(data["articles"]["added"]) == 8 and data["articles"]["removed"] == []
    assert all(set(i) == {"key", "text"} for i in data["entities"]["added"])


def test_diff_errors_name_the_side(tmp_path: Path, two: str) -> None:
    res = run("diff", two, str(tmp_path / "nowhere"), ok=False)
    assert res.exit_code == 1 and "no such store folder or dump file" in res.output
    odd = tmp_path / "notes.txt"
    odd.write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not a store folder"):
        diff(two, str(odd))
