"""Turtle/N-Triples exports: the union of all graphs, each triple once, streamed."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runner import run

from kg.store import KGStore


@pytest.mark.parametrize("where", ["memory", "folder"])
def test_union_export_has_each_triple_once(where: str, tmp_path: Path) -> None:
    store = KGStore("memory" if where == "memory" else str(tmp_path / "s"))
    shared = '<urn:x:jakarta> <urn:x:label> "Jakarta" .\n'
    store.replace_graphs(
        [
            ("urn:x:g1", (shared + "<urn:x:a1> <urn:x:mentions> <urn:x:jakarta> .\n").encode()),
            ("urn:x:g2", (shared + "<urn:x:a2> <urn:x:mentions> <urn:x:jakarta> .\n").encode()),
            ("urn:x:g3", b"<urn:x:jakarta> <urn:x:country> <urn:x:id> .\n"),
        ]
    )
    # the default graph counts too
    store.update('INSERT DATA { <urn:x:jakarta> <urn:x:label> "Jakarta" . <urn:x:d> <urn:x:p> 1 }')
    out = io.BytesIO()
    store.dump(out, "ntriples")
    lines = out.getvalue().decode().splitlines()
    assert len(lines) == len(set(lines)) == 5
    expected = {
        str(t) + " ."
        for t in ox.parse(
            shared.encode()
            + b"<urn:x:a1> <urn:x:mentions> <urn:x:jakarta> .\n"
            + b"<urn:x:a2> <urn:x:mentions> <urn:x:jakarta> .\n"
            + b"<urn:x:jakarta> <urn:x:country> <urn:x:id> .\n"
            + b'<urn:x:d> <urn:x:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
            format=ox.RdfFormat.N_TRIPLES,
        )
    }
    assert set(lines) == expected
    store.close()


def test_union_export_equals_the_union_of_the_samples(sample_store: KGStore) -> None:
    out = io.BytesIO()
    sample_store.dump(out, "ntriples")
    got = out.getvalue().decode().splitlines()
    backend = sample_store._backend
    union = {
        str(t) + " ."
        for t in backend._store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
    }
    assert len(got) == len(set(got)) and set(got) == union


def test_export_format_follows_the_file_extension(tmp_path: Path, repo_root: Path) -> None:
    folder = str(tmp_path / "s")
    article = repo_root / "data" / "articles" / "suara-pesisir-2019-surabaya-busan.txt"
    run("--store", folder, "ingest", str(article))
    trig = tmp_path / "dump.trig"
    res = run("--store", folder, "export", "-o", str(trig))
    assert "(trig)" in res.output
    graphs = {q.graph_name for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)}
    assert len(graphs) >= 3  # the article's, the gazetteer and the consolidated graph
    nt = tmp_path / "dump.nt"
    run("--store", folder, "export", "-o", str(nt))
    assert sum(1 for _ in ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)) > 0
    res = run("--store", folder, "export", "--format", "turtle", "-o", str(trig), ok=False)
    assert res.exit_code == 2 and "extension says trig" in res.output
    res = run("--store", folder, "export", "--format", "nquads", "-o", str(tmp_path / "x.out"))
    assert "(nquads)" in res.output
