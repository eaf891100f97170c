"""The ``kg`` command line: a thin layer over the library. The only module that prints or exits."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .errors import InputError, KGError

DEFAULT_STORE = "kg-store"


@dataclass
class Settings:
    """Resolved options: flag > environment variable > default."""

    store: str
    base: str
    store_layout: str | None = None
    insecure: bool = False
    wait: float = 0.0


def _fail(exc: KGError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="KG_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="Store: a folder (embedded Oxigraph), 'memory', or a SPARQL 1.1 server "
    "http(s)://… (see docs/stores.md). Env: KG_STORE.",
)
@click.option(
    "--store-layout",
    envvar="KG_STORE_LAYOUT",
    type=click.Choice(["oxigraph", "fuseki", "graphdb", "virtuoso"]),
    default=None,
    help="Endpoint layout of a server store [default: oxigraph]. Env: KG_STORE_LAYOUT.",
)
@click.option(
    "--insecure",
    is_flag=True,
    help="Server store over https: do not verify its TLS certificate (avoid).",
)
@click.option(
    "--wait",
    envvar="KG_WAIT",
    type=click.FloatRange(min=0),
    default=0.0,
    help="When another kg process is writing to the store folder, wait up to this many "
    "seconds for it instead of failing at once. Env: KG_WAIT.",
)
@click.option(
    "--base",
    envvar="KG_BASE",
    default=None,
    help="Base IRI for entities, articles and statements. Env: KG_BASE.",
)
@click.version_option(__version__, prog_name="idkr-kg")
@click.pass_context
def main(
    ctx: click.Context,
    store: str,
    base: str | None,
    store_layout: str | None,
    insecure: bool,
    wait: float,
) -> None:
    """Build and query a knowledge graph of Indonesia–Korea relations from news articles."""
    from .build import DEFAULT_BASE

    base = base or DEFAULT_BASE
    if not base.endswith(("/", "#")):
        base += "/"
    if insecure and store.startswith("https://"):
        click.echo("warning: --insecure: the server's TLS certificate is not checked", err=True)
    ctx.obj = Settings(
        store=store, base=base, store_layout=store_layout, insecure=insecure, wait=wait
    )


_overrides_option = click.option(
    "--overrides",
    "overrides_file",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="KG_OVERRIDES",
    help="Overrides file (aliases to add, merges to refuse); default: kg-overrides.toml "
    "beside the store folder, if present. Kept in the store for later runs. Env: KG_OVERRIDES.",
)


_min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Leave out statements whose idkr:confidence is below this (0–1).",
)


def _filtered(store, min_confidence: float | None):
    """The store itself, or an in-memory copy without low-confidence statements."""
    if min_confidence is None:
        return store
    from .confidence import filtered_store

    return filtered_store(store, min_confidence)


def _remote_options(settings: Settings):
    from .store import RemoteOptions

    return RemoteOptions.from_env(layout=settings.store_layout, insecure=settings.insecure or None)


def _open(settings: Settings, read_only: bool, spec: str | None = None):
    from .store import open_store

    try:
        return open_store(
            spec or settings.store,
            read_only=read_only,
            remote=_remote_options(settings),
            wait=settings.wait,
        )
    except KGError as exc:
        raise _fail(exc) from exc


# --------------------------------------------------------------------------- ingest


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--fail-fast", is_flag=True, help="Stop at the first file that fails.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, only the summary.")
@click.option(
    "--no-consolidate",
    is_flag=True,
    help="Skip recomputing the consolidated graph (bulk loads: run 'kg consolidate' at the end).",
)
@_overrides_option
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    envvar="KG_MAX_BYTES",
    default=20 * 1024 * 1024,
    show_default=True,
    help="Refuse larger files (JSONL: lines). Env: KG_MAX_BYTES.",
)
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extract in this many processes (one writer); same graph for any number. "
    "Default: one per core, started once the input has more than 256 articles.",
)
@click.pass_obj
def ingest(
    settings: Settings,
    paths: tuple[Path, ...],
    fail_fast: bool,
    quiet: bool,
    overrides_file: Path | None,
    max_bytes: int,
    workers: int | None,
    no_consolidate: bool,
) -> None:
    """Extract the articles in PATHS (.txt, .html, .jsonl files or folders) into the store.

    Re-ingesting an article replaces its graph, so running twice gives the same graph.
    Afterwards the consolidated graph (merges, cross-article events) is recomputed, unless
    --no-consolidate (then run 'kg consolidate' after the last batch).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .pipeline import ingest as run_ingest
    from .read import expand_paths

    err = Console(stderr=True)
    files = [p for p in expand_paths(paths) if isinstance(p, Path)]
    store = _open(settings, read_only=False)
    show = not quiet and len(files) > 1 and sys.stderr.isatty()
    progress = Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=not show,
    )

    def report(source: str, problem: InputError | None) -> None:
        if problem is not None:
            err.print(f"[red]error:[/red] {problem}", highlight=False, markup=True, soft_wrap=True)
        progress.advance(task)
        progress.update(task, description=Path(source.split(":")[0]).name)

    try:
        overrides = _load_overrides(settings, overrides_file)
        with progress:
            task = progress.add_task("", total=len(files) or None)
            summary = run_ingest(
                paths,
                store,
                settings.base,
                report,
                fail_fast=fail_fast,
                overrides=overrides,
                max_bytes=max_bytes,
                workers=workers,
                consolidate_after=not no_consolidate,
            )
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    click.echo(
        f"{summary.articles} articles, {summary.triples} triples, {summary.entities} entities, "
        f"{summary.events} events ({summary.agreements} agreements), "
        f"{summary.failed} failed → {store.spec}"
    )
    if summary.consolidation is not None:
        _echo_consolidation(summary.consolidation)
    if summary.failed:
        sys.exit(1)


@main.command()
@_overrides_option
@click.pass_obj
def consolidate(settings: Settings, overrides_file: Path | None) -> None:
    """Recompute the consolidated graph: entity merges, cross-article events, tenures.

    'kg ingest' does this after every run; run it after editing the overrides file.
    """
    from .consolidate import consolidate as run_consolidate

    store = _open(settings, read_only=False)
    try:
        overrides = _load_overrides(settings, overrides_file)
        summary = run_consolidate(store, settings.base, overrides)
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    _echo_consolidation(summary)


def _load_overrides(settings: Settings, explicit: Path | None):
    """The overrides file to apply (--overrides, else kg-overrides.toml beside the store)."""
    from .consolidate import find_overrides_file, load_overrides

    path = find_overrides_file(settings.store, explicit)
    return load_overrides(path) if path is not None else None


def _echo_consolidation(summary) -> None:
    click.echo(
        f"consolidated: {summary.merges} merges ({summary.merged_entities} entities), "
        f"{summary.events} events ({summary.multi_source_events} reported by several "
        f"articles), {summary.agreements} agreements, {summary.lifecycle_links} lifecycle "
        f"links, {summary.tenures} tenures"
    )
    if summary.link_summary is not None:
        links = summary.link_summary
        click.echo(f"link summary: {links.entities} entities, {links.links} linked pairs")
    for line in summary.rejected:
        click.echo(f"note: {line}", err=True)


# --------------------------------------------------------------------------- extract / eval


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "turtle"]), default="json", show_default=True
)
@click.pass_obj
def extract(settings: Settings, file: Path, fmt: str) -> None:
    """Extract one article FILE and print the result (no store involved)."""
    from .build import build_graph
    from .extract import extract as run_extract
    from .read import read_file

    items = list(read_file(file))
    if not items:
        raise click.ClickException(f"{file}: no article in the file")
    for item in items:
        if isinstance(item, InputError):
            raise _fail(item)
    art = items[0]
    if len(items) > 1:
        click.echo(
            f"{file}: holds {len(items)} articles; showing the first (kg ingest reads them all)",
            err=True,
        )
    ex = run_extract(art)
    if fmt == "json":
        click.echo(json.dumps(ex.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(build_graph(ex, settings.base).serialize(format="turtle"))


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def eval_cmd(gold_dir: Path, as_json: bool) -> None:
    """Score extraction against gold annotations (<id>.txt beside <id>.json)."""
    from .evaluate import CATEGORIES, evaluate

    try:
        report = evaluate(gold_dir)
    except KGError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    totals = report.totals()
    langs = report.languages()
    click.echo(f"{len(report.articles)} articles; micro-averaged")
    header = f"{'category':<16}{'P':>7}{'R':>7}{'F1':>7}  " + "".join(
        f"{'F1 ' + x:>8}" for x in langs
    )
    click.echo(header)
    per_lang = {lang: report.totals(lang) for lang in langs}
    for c in CATEGORIES:
        t = totals[c]
        row = f"{c:<16}{t.precision:>7.2f}{t.recall:>7.2f}{t.f1:>7.2f}  "
        row += "".join(f"{per_lang[lang][c].f1:>8.2f}" for lang in langs)
        click.echo(row)
    click.echo(f"role wording agrees on {report.role_accuracy():.0%} of matched posts")


# --------------------------------------------------------------------------- queries


@main.command(name="queries")
def queries_cmd() -> None:
    """List the named queries with their descriptions and parameters."""
    from .query import list_queries

    for q in list_queries():
        click.echo(f"{q.name}\n    {q.description}")
        for p in q.params:
            default = f" (default {p.default})" if p.default else ""
            click.echo(f"    --param {p.name}=<{p.kind}>{default}  {p.description}")


@main.command()
@click.argument("name", required=False)
@click.option("--sparql", help="Run this SPARQL text instead of a named query.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a declared parameter (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Stop the query after this many seconds (runs it in a child process).",
)
@_min_confidence_option
@click.option(
    "--allow-update",
    is_flag=True,
    help="Let --sparql TEXT or FILE.rq be a SPARQL Update that changes the store.",
)
@click.pass_obj
def query(
    settings: Settings,
    name: str | None,
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str,
    timeout: float | None,
    min_confidence: float | None,
    allow_update: bool,
) -> None:
    """Run a named query (see 'kg queries'), a .rq FILE, or --sparql TEXT.

    Queries only read; SPARQL Update is refused unless --allow-update is given. With
    --min-confidence the query runs on a copy of the graph without the statements below
    that confidence.
    """
    from .query import (
        NamedQuery,
        bind_params,
        find_query,
        format_result,
        run_query,
        run_query_with_timeout,
        update_operation,
    )

    if bool(name) == bool(sparql):
        raise click.UsageError("give a query NAME or FILE.rq, or --sparql TEXT (one of them)")
    values: dict[str, str] = {}
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param expects NAME=VALUE, got '{p}'")
        k, v = p.split("=", 1)
        values[k.strip()] = v
    if allow_update:
        try:
            text = sparql or find_query(name).text
        except KGError as exc:
            raise _fail(exc) from exc
        if update_operation(text):
            _update(settings, text)
            return
    store = _open(settings, read_only=True)
    try:
        if not timeout:  # with --timeout the child process filters, under the timeout
            source, store = store, _filtered(store, min_confidence)
            if source is not store:
                source.close()
        if sparql:
            q = NamedQuery("ad-hoc", Path("-"), "", [], sparql)
            if values:
                raise click.UsageError("--param works with named queries only")
            bindings = {}
        else:
            q = find_query(name)
            bindings = bind_params(store, q, values)
        _note_missing_summary(store, q.text)
        hide = tuple(p.name for p in q.params)
        if timeout:
            remote = _remote_options(settings)
            res = run_query_with_timeout(
                settings.store, q.text, bindings, hide, timeout, remote, min_confidence
            )
        else:
            res = run_query(store, q.text, bindings, hide=hide)
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    if fmt == "table":
        _print_table(res)
    else:
        click.echo(format_result(res, fmt), nl=False)


def _note_missing_summary(store, sparql: str) -> None:
    from .summary import has_summary, missing_terms, reads_summary

    if not reads_summary(sparql):
        return
    if not has_summary(store):
        click.echo(
            "note: this store has no link summary graph (consolidated by an earlier version, "
            "or ingested with --no-consolidate): run 'kg consolidate' for complete answers",
            err=True,
        )
    elif missing := missing_terms(store, sparql):
        click.echo(
            f"note: this store's link summary has no {', '.join(missing)} (made by an earlier "
            "version): run 'kg consolidate' for complete answers",
            err=True,
        )


def _update(settings: Settings, text: str) -> None:
    """``kg query --allow-update``: one SPARQL Update on the writable store."""
    store = _open(settings, read_only=False)
    try:
        before = len(store)
        store.update(text)
        after = len(store)
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    click.echo(f"update done: {before} → {after} quads in {settings.store}")


def _print_table(res) -> None:
    from rich.console import Console
    from rich.table import Table

    from .query import short

    table = Table(show_lines=False, header_style="bold")
    for v in res.variables:
        table.add_column(v, overflow="fold")
    for row in res.rows:
        table.add_row(*[short(t) for t in row])
    Console(width=max(100, os.get_terminal_size().columns if sys.stdout.isatty() else 160)).print(
        table
    )
    click.echo(f"{len(res.rows)} rows")


@main.command()
@click.argument("entity")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def explain(settings: Settings, entity: str, as_json: bool) -> None:
    """Everything the graph says about ENTITY (a name, alias or IRI), with evidence.

    Statements are grouped by kind (posts, events, agreements, cooperation, presence,
    affiliation), each with its rule, confidence, evidence sentences and source articles;
    entities merged with it (owl:sameAs) count as the same.
    """
    from .explain import explain as run_explain
    from .explain import format_explanation

    store = _open(settings, read_only=True)
    try:
        ex = run_explain(store, entity)
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(ex.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_explanation(ex), nl=False)


# ------------------------------------------------------------- export / stats / validate


EXPORT_FORMATS = ["turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "gexf"]


def _export_format(fmt: str | None, output: Path | None) -> str:
    """The export format: --format, else the output file's extension, else Turtle; a
    --format that contradicts the extension is refused (a .trig file of Turtle would
    lose the article graphs without a word)."""
    from .store import EXTENSIONS

    suffixes = {f".{ext}": name for name, ext in EXTENSIONS.items()}
    suffixes.update({".graphml": "graphml", ".gexf": "gexf"})
    implied = suffixes.get(output.suffix.lower()) if output else None
    if fmt and implied and fmt != implied:
        raise click.UsageError(
            f"{output}: the extension says {implied} but --format {fmt} was given; "
            f"change one of them"
        )
    return fmt or implied or "turtle"


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="RDF formats, or graphml/gexf: the network of 'kg view' (for Gephi). "
    "Default: from the --output file's extension, else turtle.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@_min_confidence_option
@click.pass_obj
def export(
    settings: Settings, fmt: str | None, output: Path | None, min_confidence: float | None
) -> None:
    """Export the whole graph.

    Turtle/N-Triples hold the union of all graphs; TriG/N-Quads/JSON-LD keep one graph
    per article. --min-confidence leaves out statements below that confidence.
    """
    from .vocab import PREFIXES

    fmt = _export_format(fmt, output)

    store = _open(settings, read_only=True)
    try:
        source, store = store, _filtered(store, min_confidence)
        if source is not store:
            source.close()
        if fmt in ("graphml", "gexf"):
            from .project import project, write_network

            write_network(project(store), output or sys.stdout.buffer, fmt)
            if output:
                click.echo(f"wrote {output} ({fmt})", err=True)
        elif output:
            with output.open("wb") as fh:
                store.dump(fh, fmt, PREFIXES)
            click.echo(f"wrote {output} ({fmt})", err=True)
        else:
            store.dump(sys.stdout.buffer, fmt, PREFIXES)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write ({exc.strerror})") from exc
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()


@main.command()
@click.pass_obj
def optimize(settings: Settings) -> None:
    """Compact a store folder after a large ingest or load: queries then read fewer files.

    RocksDB merges the files a bulk ingest writes in the background, while the store is
    open; until it has, queries take up to twice as long. This does it at once (about 2 s
    for 1M triples). The triples are unchanged."""
    store = _open(settings, read_only=False)
    try:
        store.optimize()
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    click.echo(f"optimized {settings.store}", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stats(settings: Settings, as_json: bool) -> None:
    """Counts: articles, triples, entities by type, events, agreements, posts, links."""
    from .stats import store_stats

    store = _open(settings, read_only=True)
    try:
        data = store_stats(store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for k, v in data.items():
        if isinstance(v, dict):
            click.echo(f"{k}:")
            for kk, vv in v.items():
                click.echo(f"  {kk:<24}{vv:>8}")
        else:
            click.echo(f"{k:<26}{v:>8}")


@main.command()
@click.option("--shapes", type=click.Path(path_type=Path), help="SHACL shapes (default: bundled).")
@click.option(
    "--part-size",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Focus nodes checked per pySHACL run: memory grows with it, not with the store.",
)
@click.pass_obj
def validate(settings: Settings, shapes: Path | None, part_size: int) -> None:
    """Validate the graph with SHACL (ontology/shapes.ttl); exit 1 on violations.

    The union of all graphs is checked in parts: each part's focus nodes with every
    triple the shapes can look at, so the report is that of the whole graph.
    """
    from .validate import validate_store

    store = _open(settings, read_only=True)
    try:
        conforms, report = validate_store(store, shapes, chunk_size=part_size)
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    click.echo(report)
    if not conforms:
        sys.exit(1)


# --------------------------------------------------------------------------- view


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("graph.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option("--focus", metavar="ENTITY", help="Only ENTITY and its neighbours (see --hops).")
@click.option(
    "--hops", type=int, help="Links from --focus (default 1) or the longest --path (default 3)."
)
@click.option("--path", nargs=2, metavar="A B", help="The paths between two entities.")
@click.option("--query", "query_name", metavar="NAME|FILE.rq", help="The entities a query returns.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="For --query.")
@click.option("--type", "types", multiple=True, help="Only these entity types (repeatable).")
@click.option(
    "--country", "countries", multiple=True, help="Only entities of ID, KR … (repeatable)."
)
@click.option(
    "--since", metavar="DATE", help="Only statements from articles on/after YYYY[-MM[-DD]]."
)
@click.option("--until", metavar="DATE", help="Only statements from articles up to YYYY[-MM[-DD]].")
@click.option(
    "--sector", "sectors", multiple=True, help="Only agreements in this sector (repeatable)."
)
@click.option("--min-confidence", type=float, default=0.0, show_default=True)
@click.option(
    "--events",
    type=click.Choice(["edges", "nodes"]),
    default="edges",
    show_default=True,
    help="Events and agreements as links between participants, or as nodes.",
)
@click.option("--max-nodes", type=int, default=5000, show_default=True, help="Cap (top by degree).")
@click.option(
    "--layout-threshold",
    type=int,
    default=150,
    show_default=True,
    help="Above this many nodes the layout is precomputed and physics is off.",
)
@click.option("--title", default="Indonesia–Korea relations", show_default=True)
@click.pass_obj
def view(
    settings: Settings,
    output: Path,
    focus: str | None,
    hops: int | None,
    path: tuple[str, str] | None,
    query_name: str | None,
    params: tuple[str, ...],
    types: tuple[str, ...],
    countries: tuple[str, ...],
    since: str | None,
    until: str | None,
    sectors: tuple[str, ...],
    min_confidence: float,
    events: str,
    max_nodes: int,
    layout_threshold: int,
    title: str,
) -> None:
    """Write the graph as one interactive, self-contained HTML file (works offline)."""
    from .project import ProjectionOptions
    from .view import ViewOptions, ViewSpec, view_graph, write_view

    pairs = []
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param expects NAME=VALUE, got '{p}'")
        k, v = p.split("=", 1)
        pairs.append((k.strip(), v))
    store = _open(settings, read_only=True)
    try:
        spec = ViewSpec(
            projection=ProjectionOptions(
                events=events,
                types=types,
                countries=countries,
                since=since,
                until=until,
                sectors=sectors,
                min_confidence=min_confidence,
            ),
            focus=focus,
            hops=hops,
            path=path or None,
            query=query_name,
            params=tuple(pairs),
            max_nodes=max_nodes,
        )
        graph, message = view_graph(store, spec)
        res = write_view(
            graph,
            output,
            ViewOptions(title=title, layout_threshold=layout_threshold, message=message),
        )
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    if message:
        click.echo(message, err=True)
    click.echo(f"wrote {res.path}: {res.nodes} entities, {res.edges} links")


# --------------------------------------------------------------------------- load / diff


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["trig", "nquads"]),
    help="Format of FILE [default: from its extension, .trig or .nq].",
)
@click.option(
    "--consolidate/--no-consolidate",
    default=True,
    show_default=True,
    help="Recompute the consolidated graph afterwards, as 'kg ingest' does.",
)
@click.pass_obj
def load(settings: Settings, file: Path, fmt: str | None, consolidate: bool) -> None:
    """Import a dump FILE (TriG or N-Quads, e.g. from 'kg export') into the store.

    Each named graph in FILE replaces the stored graph of that name; other stored graphs
    stay. The whole file is checked before anything is written, so a broken file changes
    nothing.
    """
    from .consolidate import consolidate as run_consolidate

    if fmt is None and file.suffix.lower() not in (".trig", ".nq", ".nquads"):
        raise click.UsageError(
            f"{file}: cannot tell the format from the extension; use .trig or .nq, or --format"
        )
    store = _open(settings, read_only=False)
    try:
        summary = store.load(file, fmt)
        click.echo(f"loaded {summary.quads} quads in {summary.graphs} graphs from {file}")
        if consolidate:
            _echo_consolidation(run_consolidate(store, settings.base))
    except KGError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def diff(settings: Settings, old: str, new: str, as_json: bool) -> None:
    """What changed from OLD to NEW: articles, entities, posts, events, agreements.

    OLD and NEW are each a store folder, a server URL, or a dump file from 'kg export'
    (.trig, .nq, .ttl, .nt).
    """
    from .diff import KINDS
    from .diff import diff as run_diff
    from .store import RemoteOptions

    try:
        remote = RemoteOptions.from_env(
            layout=settings.store_layout, insecure=settings.insecure or None
        )
        result = run_diff(old, new, remote)
    except KGError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"--- {result.old}\n+++ {result.new}")
    for kind in KINDS:
        change = result.changes[kind]
        click.echo(f"{kind}: {len(change.added)} added, {len(change.removed)} removed")
        for item in change.removed:
            click.echo(f"  - {item.text}")
        for item in change.added:
            click.echo(f"  + {item.text}")
    if result.unchanged:
        click.echo("no differences")
