"""Consolidation at scale: candidate pairs without comparing every pair, and a consolidated
graph that is written as its difference to the stored one (in bounded transactions)."""

from __future__ import annotations

import io
import itertools
import json
import random
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import kg.consolidate as consolidation
from kg.build import DEFAULT_BASE
from kg.consolidate import (
    CONSOLIDATED_GRAPH,
    AgreementInfo,
    EntityInfo,
    EventInfo,
    Overrides,
    Snapshot,
    _dated_pairs,
    _event_group_ok,
    cluster_entities,
    cluster_events,
    consolidate,
    dates_compatible,
    event_windows,
    reports_compatible,
    undated_window,
)
from kg.pipeline import ingest
from kg.store import KGStore

B = DEFAULT_BASE
ARTICLES = Path(__file__).parent / "articles"
ANTARA = ARTICLES / "xa-antara-2025-jakarta-chungnam-loi.txt"
WIRE = ARTICLES / "xa-koreawire-2025-chungnam-jakarta-loi.txt"
BUSAN = ARTICLES / "xa-busan-2019-ikcepa-declaration.txt"
SEOUL = ARTICLES / "xa-wartaniaga-2020-ikcepa-signing.txt"

DATES = [
    None,
    "",
    "2024",
    "2024-05",
    "2024-06",
    "2024-05-01",
    "2024-05-02",
    "2024-05-03",
    "2024-05-05",
    "2024-05-31",
    "2024-06-01",
    "2024-06-02",
    "2024-02-30",
    "2024-05-03/2024-05-05",
    "2023-12-31",
    "2024-01-01",
]


def consolidated_lines(store: KGStore) -> set[str]:
    rows = store.select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{B}{CONSOLIDATED_GRAPH}> {{ ?s ?p ?o }} }}"
    ).rows
    return {f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in rows}


# --------------------------------------------------------------------------- event pairs


@pytest.mark.parametrize("seed", range(20))
def test_date_buckets_give_exactly_the_compatible_pairs(seed: int) -> None:
    rng = random.Random(seed)
    events = {
        f"e{i:03d}": EventInfo(f"e{i:03d}", f"a{i}", "Signing", rng.choice(DATES))
        for i in range(rng.randint(2, 60))
    }
    found: set[tuple[str, str]] = set()
    _dated_pairs(sorted(events), events, found)
    expected = {
        (x, y)
        for x, y in itertools.combinations(sorted(events), 2)
        if dates_compatible(events[x].date, events[y].date)
    }
    assert found == expected


# publication dates of articles, around the dates above (None: an article without one)
PUBLISHED = [None, "2024-05-04", "2024-05-09", "2024-06-03", "2024-05", "2024", "2024-01-02"]


@pytest.mark.parametrize("seed", range(20))
def test_undated_windows_give_exactly_the_compatible_pairs(seed: int) -> None:
    rng = random.Random(seed)
    snap = Snapshot()
    for i in range(rng.randint(2, 60)):
        snap.events[f"e{i:03d}"] = EventInfo(f"e{i:03d}", f"a{i}", "Signing", rng.choice(DATES))
        published = rng.choice(PUBLISHED)
        if published:
            snap.published[f"a{i}"] = published
    windows = event_windows(snap)
    found: set[tuple[str, str]] = set()
    _dated_pairs(sorted(snap.events), snap.events, found, windows)
    expected = {
        (x, y)
        for x, y in itertools.combinations(sorted(snap.events), 2)
        if reports_compatible(
            snap.events[x].date, windows.get(x), snap.events[y].date, windows.get(y)
        )
    }
    assert found == expected


def test_an_undated_report_is_placed_before_its_publication() -> None:
    window = undated_window("2024-05-09")
    assert window is not None
    assert reports_compatible(None, window, "2024-05-02", None)  # 7 days before
    assert reports_compatible(None, window, "2024-04-30", None)  # and 2 days' slack
    assert not reports_compatible(None, window, "2024-04-29", None)
    assert reports_compatible(None, window, "2024-05-11", None)
    assert not reports_compatible(None, window, "2024-05-12", None)
    assert reports_compatible(None, window, "2024-05", None)
    assert not reports_compatible(None, window, "2024-06", None)
    assert reports_compatible(None, window, None, undated_window("2024-05-18"))
    assert not reports_compatible(None, window, None, undated_window("2024-05-19"))
    assert reports_compatible(None, None, "1999-01-01", None)  # no publication date: any
    assert undated_window("2024-05-09T10:00:00+07:00") == window
    assert undated_window("no date") is None and undated_window(None) is None


def _reference_cluster_events(snap: Snapshot, clusters) -> list[list[str]]:
    """The grouping as first written: every pair of a block, checked whole groups."""
    canon, ents = clusters.canonical, snap.entities
    windows = event_windows(snap)
    events = sorted(snap.events.values(), key=lambda e: e.iri)
    parts, by_key = {}, {}
    for ev in events:
        ps = {canon(p) for p in ev.attendees if p in ents}
        for a in ev.agreements:
            ps |= {canon(p) for p in a.parties if p in ents}
        parts[ev.iri] = ps
        countries = sorted(p for p in ps if ents[p].type == "Country")
        for p in ps:
            if ents[p].type != "Country":
                by_key.setdefault((ev.type, p), []).append(ev.iri)
        if len(countries) >= 2:
            for month in consolidation._months_near(ev.date, windows.get(ev.iri)):
                by_key.setdefault((ev.type, "|".join(countries) + "@" + month), []).append(ev.iri)
    pairs = {tuple(sorted(p)) for iris in by_key.values() for p in itertools.combinations(iris, 2)}
    scored = []
    for x, y in pairs:
        ex, ey = snap.events[x], snap.events[y]
        if ex.article == ey.article or not reports_compatible(
            ex.date, windows.get(x), ey.date, windows.get(y)
        ):
            continue
        shared = parts[x] & parts[y]
        if not [p for p in shared if ents[p].type != "Country"] and len(shared) < 2:
            continue
        scored.append((-len(shared), not (ex.date is not None and ex.date == ey.date), x, y))
    group_of = {ev.iri: i for i, ev in enumerate(events)}
    groups = {i: [ev] for i, ev in enumerate(events)}
    for *_s, x, y in sorted(scored):
        gx, gy = group_of[x], group_of[y]
        if gx != gy and _event_group_ok(groups[gx] + groups[gy], snap.published):
            keep, drop = min(gx, gy), max(gx, gy)
            groups[keep] = groups[gx] + groups[gy]
            for ev in groups.pop(drop):
                group_of[ev.iri] = keep
    return sorted(sorted(e.iri for e in g) for g in groups.values())


@pytest.mark.parametrize("with_publication", [False, True])
@pytest.mark.parametrize("seed", range(25))
def test_event_grouping_matches_the_pairwise_reference(seed: int, with_publication: bool) -> None:
    rng = random.Random(seed)
    snap = Snapshot()
    people = [f"{B}person/p{i}" for i in range(6)]
    countries = [f"{B}country/{c}" for c in ("ID", "KR", "JP")]
    for iri in people:
        snap.entities[iri] = EntityInfo(iri, {"Person"}, labels={iri[-2:]: 1})
    for iri in countries:
        snap.entities[iri] = EntityInfo(iri, {"Country"}, countries={iri[-2:]})
    for i in range(rng.randint(5, 70)):
        iri = f"{B}event/e{i:03d}"
        ev = EventInfo(
            iri,
            f"{B}article/a{rng.randint(0, 12)}",
            rng.choice(["Signing", "Meeting"]),
            rng.choice(DATES),
            attendees=set(rng.sample(people + countries, rng.randint(0, 3))),
        )
        if rng.random() < 0.4:
            kind = rng.choice(["MoU", "LoI", "Other"])
            ev.agreements.append(AgreementInfo(iri + "/a", kind, set(rng.sample(countries, 2))))
        snap.events[iri] = ev
    for n in range(13):
        published = rng.choice(PUBLISHED)
        if published and with_publication:
            snap.published[f"{B}article/a{n}"] = published
    clusters = cluster_entities(snap, Overrides())
    got = sorted(sorted(e.iri for e in c.members) for c in cluster_events(snap, clusters))
    assert got == _reference_cluster_events(snap, clusters)


# --------------------------------------------------------------------------- writing


def test_an_unchanged_graph_is_not_written_again() -> None:
    store = KGStore("memory")
    for path in (ANTARA, WIRE, BUSAN, SEOUL):
        ingest([path], store)
    before = consolidated_lines(store)
    assert before
    updates: list[str] = []
    store.update = updates.append  # type: ignore[method-assign]
    consolidate(store)
    assert updates == []
    assert consolidated_lines(store) == before


def test_a_changed_article_is_consolidated_as_in_a_fresh_store(tmp_path: Path) -> None:
    """Re-ingesting a changed article (same URL, new text) leaves the same store as
    ingesting its new version into an empty one."""
    feed = tmp_path / "feed.jsonl"

    def write(text_from: Path) -> None:
        line = {"url": "https://example.org/news/1", "text": text_from.read_text("utf-8")}
        feed.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")

    changed = KGStore("memory")
    ingest([ANTARA, BUSAN], changed)
    write(WIRE)  # reports the Jakarta–Chungnam letter of intent with ANTARA
    ingest([feed], changed)
    first = consolidated_lines(changed)
    write(SEOUL)  # now the 2020 IK-CEPA signing instead
    ingest([feed], changed)

    fresh = KGStore("memory")
    ingest([ANTARA, BUSAN], fresh)
    ingest([feed], fresh)
    assert consolidated_lines(changed) == consolidated_lines(fresh) != first


def test_a_large_difference_is_written_in_several_transactions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = KGStore("memory")
    ingest([ANTARA, WIRE, BUSAN, SEOUL], whole)

    monkeypatch.setattr(consolidation, "WRITE_CHUNK", 7)
    chunked = KGStore("memory")
    ingest([ANTARA, BUSAN], chunked)
    updates: list[str] = []
    update = chunked.update

    def counted(sparql: str) -> None:
        updates.append(sparql)
        update(sparql)

    chunked.update = counted  # type: ignore[method-assign]
    ingest([WIRE, SEOUL], chunked)
    assert len(updates) > 1  # the old triples went in chunks of 7
    assert all(u.count("\n") <= 7 + 2 for u in updates)
    assert consolidated_lines(chunked) == consolidated_lines(whole)
    from kg.consolidate import consolidated_graph, read_snapshot

    assert isomorphic(
        consolidated_graph(read_snapshot(chunked)),
        consolidated_graph(read_snapshot(whole)),
    )


def test_a_chunked_write_publishes_no_snapshot_half_way(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On a store folder, readers during an ingest get read snapshots: none may be taken
    between the transactions of one chunked consolidation write."""
    monkeypatch.setattr(consolidation, "WRITE_CHUNK", 7)
    store = KGStore(str(tmp_path / "kg-store"))
    try:
        ingest([ANTARA, BUSAN], store)
        publisher = store._backend._publisher
        paused_at_update: list[bool] = []
        update = store.update

        def watched(sparql: str) -> None:
            paused_at_update.append(publisher._paused > 0)
            update(sparql)

        store.update = watched  # type: ignore[method-assign]
        ingest([WIRE, SEOUL], store)
        assert len(paused_at_update) > 1 and all(paused_at_update)
        assert publisher._paused == 0  # published again after the write
    finally:
        store.close()


def test_a_new_derived_graph_is_bulk_loaded_and_a_small_difference_is_one_transaction(
    tmp_path: Path,
) -> None:
    """The consolidated and summary graphs of a store that has none yet go in by bulk
    load, with no read snapshot published half way; re-consolidating after a small change
    writes each graph's difference as one transaction."""
    store = KGStore(str(tmp_path / "kg-store"))
    try:
        ingest([ANTARA, BUSAN], store, consolidate_after=False)
        publisher = store._backend._publisher
        updates: list[str] = []
        loads: list[tuple[str, bool]] = []
        update, add_ntriples = store.update, store.add_ntriples

        def watched_update(sparql: str) -> None:
            updates.append(sparql)
            update(sparql)

        def watched_load(graph: str, ntriples: bytes) -> None:
            loads.append((graph, publisher._paused > 0))
            add_ntriples(graph, ntriples)

        store.update = watched_update  # type: ignore[method-assign]
        store.add_ntriples = watched_load  # type: ignore[method-assign]
        consolidate(store)
        assert updates == []
        assert {g for g, _paused in loads} == {B + "graph/consolidated", B + "graph/summary"}
        assert all(paused for _g, paused in loads)
        assert publisher._paused == 0
        loads.clear()
        ingest([WIRE], store)  # a few triples more in each derived graph
        assert loads == []
        assert 1 <= len(updates) <= 2 and all(u.count("INSERT DATA") == 1 for u in updates)
        fresh = KGStore("memory")
        ingest([ANTARA, BUSAN, WIRE], fresh)
        assert consolidated_lines(store) == consolidated_lines(fresh)
    finally:
        store.close()


# --------------------------------------------------------------------------- store methods


@pytest.mark.parametrize("kind", ["memory", "folder"])
def test_raw_rows_and_graph_methods_of_an_embedded_store(kind: str, tmp_path: Path) -> None:
    store = KGStore("memory" if kind == "memory" else str(tmp_path / "store"))
    ingest([ANTARA], store, consolidate_after=False)
    query = (
        "PREFIX schema: <https://schema.org/> SELECT ?a ?h ?nothing WHERE { "
        "?a schema:headline ?h OPTIONAL { ?a schema:nothing ?nothing } }"
    )
    rows = list(store.select_values(query))
    assert rows == [
        tuple(None if v is None else str(v) for v in r) for r in store.select(query).rows
    ]
    assert len(rows) == 1 and rows[0][0].startswith(B + "article/") and rows[0][2] is None
    assert "Jakarta" in rows[0][1]  # a literal's lexical form, not its N-Triples

    graph = B + "graph/test"
    out = io.BytesIO()
    assert store.dump_graph(graph, out) is False and out.getvalue() == b""
    store.add_ntriples(graph, b'<x:a> <x:p> "one" .\n')
    store.add_ntriples(graph, b'<x:a> <x:p> "two" .\n<x:a> <x:p> "one" .\n')
    assert store.dump_graph(graph, out) is True
    assert sorted(out.getvalue().decode().splitlines()) == [
        '<x:a> <x:p> "one" .',
        '<x:a> <x:p> "two" .',
    ]
    store.close()
