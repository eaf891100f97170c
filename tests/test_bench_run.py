"""The benchmark script's pieces: parameters for every named query, the rdflib timeout,
memory sampling. (Speed itself is measured by running bench/run.py, not by tests.)"""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
from pathlib import Path

from kg.query import bind_params, list_queries

ROOT = Path(__file__).resolve().parents[1]


def _bench_run():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_named_query_gets_its_parameters(sample_store):
    run = _bench_run()
    for q in list_queries():
        values = run.query_params(q.name, q.params)
        bound = bind_params(sample_store, q, values)  # raises on a missing or bad value
        assert set(bound) == set(values), q.name


def test_rdflib_child_reports_a_timeout_instead_of_hanging(tmp_path, capsys):
    run = _bench_run()
    nq = tmp_path / "d.nq"
    nq.write_text(
        "".join(
            f"<https://e/s{i}> <https://e/p> <https://e/o{i % 7}> <https://e/g{i % 3}> .\n"
            for i in range(300)
        ),
        encoding="utf-8",
    )
    plan = tmp_path / "plan.json"
    slow = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . "
        "FILTER(STR(?a) < STR(?c) && STR(?c) < STR(?e)) }"
    )
    plan.write_text(json.dumps({"fast": "SELECT ?s WHERE { ?s ?p ?o }", "slow": slow}))
    before = signal.getsignal(signal.SIGALRM)
    try:
        run.child_rdflib(str(nq), str(plan), 4.0, 2)
    finally:
        signal.signal(signal.SIGALRM, before)
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["queries"]["fast"]["status"] == "ok" and out["queries"]["fast"]["rows"] == 300
    assert len(out["queries"]["fast"]["times"]) == 2
    assert out["queries"]["slow"]["status"] == "timeout"


def test_peak_memory_of_a_process_tree_is_sampled():
    run = _bench_run()
    code = "import time; x = bytearray(60 * 2**20); time.sleep(0.5); print('done')"
    out, wall, peak = run.run_measured([sys.executable, "-c", code])
    assert out.strip() == "done" and wall >= 0.5
    assert peak > 60 * 2**20


def test_ingest_child_times_the_consolidation_apart(tmp_path, capsys, repo_root):
    """The ingest step reports extraction+writes and consolidation separately (it broke
    when the pipeline began importing the consolidation only when running it)."""
    run = _bench_run()
    article = repo_root / "data" / "articles" / "suara-pesisir-2019-surabaya-busan.txt"
    run.child_ingest(str(tmp_path / "s"), str(article), 1)
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["consolidate_seconds"] > 0 and out["seconds"] > out["consolidate_seconds"]
