"""The kg command end to end on the bundled articles (CliRunner, temporary stores)."""

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runner import run
from click.testing import CliRunner
from rdflib import Dataset, Graph

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cli") / "kg-store")
    res = run("--store", path, "ingest", str(ARTICLES))
    assert "10 articles" in res.output and "0 failed" in res.output
    return path


def _nquads(store: str, tmp: Path) -> set[str]:
    out = tmp / "dump.nq"
    run("--store", store, "export", "--format", "nquads", "-o", str(out))
    return set(out.read_text(encoding="utf-8").splitlines())


def test_reingest_is_idempotent(store: str, tmp_path: Path) -> None:
    before = _nquads(store, tmp_path)
    run("--store", store, "ingest", str(ARTICLES))
    assert _nquads(store, tmp_path) == before


def test_bad_input_fails_at_the_end_and_keeps_stored_data(store: str, tmp_path: Path) -> None:
    before = _nquads(store, tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "image.html").write_bytes(b"\x00\x01\x02" * 100)
    good = bad / "good.txt"
    good.write_text(
        "Gubernur Bali Terima Konsul Jenderal Korea\n\n"
        "Gubernur Bali Wayan Koster menerima kunjungan Duta Besar Korea Selatan untuk "
        "Indonesia Park Soo-deok di Denpasar, Senin (2/9/2024).",
        encoding="utf-8",
    )
    res = CliRunner().invoke(main, ["--store", store, "ingest", str(bad)])
    assert res.exit_code == 1
    assert f"{bad / 'empty.txt'}: empty file" in res.output
    assert f"{bad / 'image.html'}: binary file" in res.output
    assert "1 articles" in res.output and "2 failed" in res.output
    after = _nquads(store, tmp_path)
    # (the link summary is derived data, recomputed: its counts change with new articles)
    before = {q for q in before if not q.endswith("/graph/summary> .")}
    assert before <= after and len(after) > len(before)


def test_missing_path_is_an_error(store: str) -> None:
    res = CliRunner().invoke(main, ["--store", store, "ingest", "/nonexistent/file.txt"])
    assert res.exit_code == 1 and "no such file or folder" in res.output


def test_export_formats_parse_to_the_same_counts(store: str, tmp_path: Path) -> None:
    ttl, trig = tmp_path / "kg.ttl", tmp_path / "kg.trig"
    run("--store", store, "export", "-o", str(ttl))
    run("--store", store, "export", "--format", "trig", "-o", str(trig))
    g = Graph().parse(ttl, format="turtle")
    ox_triples = list(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))
    assert len(g) == len(set(ox_triples)) > 1000
    ds = Dataset()
    ds.parse(trig, format="trig")
    ox_quads = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    assert sum(len(c) for c in ds.graphs() if c.identifier != ds.default_graph.identifier) == len(
        set(ox_quads)
    )
    jl = tmp_path / "kg.jsonld"
    run("--store", store, "export", "--format", "jsonld", "-o", str(jl))
    assert isinstance(json.loads(jl.read_text(encoding="utf-8")), (list, dict))


def test_stats_and_validate(store: str) -> None:
    res = run("--store", store, "stats", "--json")
    data = json.loads(res.output)
    assert data["articles"] >= 10 and data["agreements"] >= 3 and data["events"] >= 5
    assert data["entities by type"]["Province"] >= 4
    res = run("--store", store, "validate")
    assert res.output.startswith("conforms")


def test_query_sparql_and_formats(store: str) -> None:
    q = (
        "PREFIX schema: <https://schema.org/> SELECT ?h WHERE { ?a a schema:NewsArticle ; "
        "schema:headline ?h } ORDER BY ?h"
    )
    res = run("--store", store, "query", "--sparql", q, "--format", "csv")
    lines = res.output.splitlines()
    assert lines[0] == "h" and len(lines) >= 11
    js = json.loads(run("--store", store, "query", "--sparql", q, "--format", "json").output)
    assert js["head"]["vars"] == ["h"] and len(js["results"]["bindings"]) >= 10
    res = CliRunner().invoke(main, ["--store", store, "query", "--sparql", "DROP ALL"])
    assert res.exit_code == 1 and "Update is not allowed" in res.output


def test_unknown_query_and_store_errors(tmp_path: Path, store: str) -> None:
    res = CliRunner().invoke(main, ["--store", store, "query", "no-such-query"])
    assert res.exit_code == 1 and "unknown query 'no-such-query'" in res.output
    res = CliRunner().invoke(main, ["--store", str(tmp_path / "nothing"), "stats"])
    assert res.exit_code == 1 and "run 'kg ingest' first" in res.output


def test_extract_json_and_turtle() -> None:
    f = str(ARTICLES / "kabar-ibukota-2025-jakarta-chungnam.txt")
    doc = json.loads(run("extract", f).output)
    assert set(doc) >= {"entities", "posts", "events", "cooperation", "published"}
    ttl = run("extract", f, "--format", "turtle").output
    assert len(Graph().parse(data=ttl, format="turtle")) > 50


def test_eval_on_a_small_gold_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Gubernur Jawa Barat Ridwan Kamil bertemu Gubernur Gyeongsangbuk-do Lee Cheol-woo di "
        "Bandung, Senin (6/5/2019).",
        encoding="utf-8",
    )
    gold = {
        "id": "a",
        "lang": "id",
        "published": None,
        "entities": [
            {"name": "Ridwan Kamil", "type": "Person", "aliases": [], "country": "ID"},
            {"name": "Jawa Barat", "type": "Province", "aliases": [], "country": "ID"},
            {"name": "Lee Cheol-woo", "type": "Person", "aliases": [], "country": "KR"},
            {"name": "Gyeongsangbuk-do", "type": "Province", "aliases": [], "country": "KR"},
            {"name": "Bandung", "type": "City", "aliases": [], "country": "ID"},
        ],
        "posts": [
            {
                "person": "Ridwan Kamil",
                "role": "Gubernur",
                "role_en": "governor",
                "organization": "Jawa Barat",
            },
            {
                "person": "Lee Cheol-woo",
                "role": "Gubernur",
                "role_en": "governor",
                "organization": "Gyeongsangbuk-do",
            },
        ],
        "events": [
            {
                "type": "Meeting",
                "date": "2019-05-06",
                "location": "Bandung",
                "participants": ["Ridwan Kamil", "Lee Cheol-woo"],
            }
        ],
        "cooperation": [],
    }
    (tmp_path / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    out = json.loads(run("eval", str(tmp_path), "--json").output)
    assert out["overall"]["entities"]["f1"] == 1.0
    assert out["overall"]["posts"]["f1"] == 1.0
    assert out["overall"]["events"]["tp"] == 1
    table = run("eval", str(tmp_path)).output
    assert "entities" in table and "F1 id" in table


def test_entity_parameters_resolve_aliases_and_suggest_close_matches(store: str) -> None:
    ok = run("--store", store, "query", "timeline", "--param", "entity=Pramono", "--format", "csv")
    assert "2025-05-27" in ok.output
    res = CliRunner().invoke(
        main, ["--store", store, "query", "timeline", "--param", "entity=Pramono Anungg"]
    )
    assert res.exit_code == 1
    assert "no entity called 'Pramono Anungg'" in res.output and "Pramono Anung" in res.output


def test_fail_fast_stops_at_the_first_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-empty.txt").write_bytes(b"")
    (folder / "b-good.txt").write_text(
        "Gubernur Bali Wayan Koster menerima Duta Besar Korea Selatan di Denpasar pada Senin.",
        encoding="utf-8",
    )
    store = str(tmp_path / "s")
    res = CliRunner().invoke(main, ["--store", store, "ingest", "--fail-fast", str(folder)])
    assert res.exit_code == 1 and "0 articles" in res.output and "1 failed" in res.output
    res = CliRunner().invoke(main, ["--store", store, "ingest", str(folder)])
    assert res.exit_code == 1 and "1 articles" in res.output


def test_ntriples_export_is_the_union_of_graphs(store: str, tmp_path: Path) -> None:
    nt = tmp_path / "kg.nt"
    run("--store", store, "export", "--format", "ntriples", "-o", str(nt))
    g = Graph().parse(nt, format="nt")
    ttl = tmp_path / "kg.ttl"
    run("--store", store, "export", "-o", str(ttl))
    assert len(g) == len(Graph().parse(ttl, format="turtle")) > 1000
