"""The only orchestration: read → extract → build → store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .build import DEFAULT_BASE, build_graph
from .consolidate import ConsolidationSummary, Overrides, consolidate
from .errors import InputError, KGError
from .extract import extract
from .lexicon import load_lexicon
from .read import MAX_BYTES, iter_articles
from .reference import GAZETTEER_GRAPH, gazetteer_graph
from .store import KGStore


@dataclass
class IngestSummary:
    articles: int = 0
    triples: int = 0
    entities: int = 0
    events: int = 0
    agreements: int = 0
    failures: list[InputError] = field(default_factory=list)
    seen_entities: set[str] = field(default_factory=set)
    consolidation: ConsolidationSummary | None = None

    @property
    def failed(self) -> int:
        return len(self.failures)


def ingest(
    paths: Iterable[str | Path],
    store: KGStore,
    base: str = DEFAULT_BASE,
    on_article: Callable[[str, InputError | None], None] | None = None,
    fail_fast: bool = False,
    overrides: Overrides | None = None,
    max_bytes: int = MAX_BYTES,
) -> IngestSummary:
    """Extract every article under ``paths`` and replace its named graph in ``store``.

    A bad file is recorded in ``failures`` and the batch goes on (unless ``fail_fast``);
    articles already stored are never touched by another article's failure. Afterwards the
    consolidated graph is recomputed (with ``overrides`` if given, else the stored ones).
    """
    lex = load_lexicon()
    summary = IngestSummary()
    store.replace_graph(base + GAZETTEER_GRAPH, gazetteer_graph(lex, base))
    for item in iter_articles(paths, max_bytes):
        failure = item if isinstance(item, InputError) else None
        if failure is None:
            try:
                ex = extract(item, lex)
                graph = build_graph(ex, base)
                store.replace_graph(str(graph.identifier), graph)
            except KGError as exc:
                failure = InputError(item.source, str(exc))
            except ValueError as exc:  # a statement the RDF builder refuses: report, go on
                failure = InputError(item.source, f"could not build the article's graph ({exc})")
        if failure is not None:
            summary.failures.append(failure)
            if on_article:
                on_article(failure.path, failure)
            if fail_fast:
                break
            continue
        summary.articles += 1
        summary.triples += len(graph)
        summary.seen_entities.update(ex.entities)
        summary.events += len(ex.events)
        summary.agreements += sum(1 for e in ex.events if e.agreement is not None)
        if on_article:
            on_article(item.source, None)
    summary.entities = len(summary.seen_entities)
    # cross-article merges, events and tenures, recomputed from every article graph
    summary.consolidation = consolidate(store, base, overrides)
    store.flush()
    return summary
