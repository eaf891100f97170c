"""Named SPARQL queries (``queries/*.rq``), parameters and result formatting.

A query file starts with comment lines::

    # Agreements between Indonesian and Korean regions, with parties, signatories and sectors
    # @param entity entity  The entity to follow (label, alias or IRI)
    # @param year integer=2025  Only this year

The first comment line is the description. ``@param NAME KIND[=DEFAULT] TEXT`` declares a
parameter bound to the variable ``?NAME``; kinds are ``entity`` (a label, alias or IRI,
resolved in the store), ``iri``, ``string``, ``integer``, ``date``.

A value becomes an RDF term (an IRI checked by Oxigraph's IRI parser, or a literal), and
the term is written into the query text as a constant in place of ``?NAME`` by
:func:`kg.store.bind.bind_constants`: a tokeniser replaces variable tokens only (never text
inside strings, IRIs or comments), and the term is written in N-Triples syntax, escaped,
so a value can never end the term and add query text of its own. Constants are what
Oxigraph's planner starts from; with its substitution mechanism (used before) it planned
``?article schema:mentions ?a , ?b`` as a scan of every mention. The parameter stays a
column of the outermost SELECT (as ``(term AS ?NAME)``), which ``kg query`` hides; an
optional parameter left out stays an unbound variable, so queries test it with
``COALESCE(… = ?NAME, true)``. A query that uses a parameter where a constant cannot
stand (as a ``VALUES`` or ``AS`` target, under ``SELECT *``) is bound the old way: by
substitution on an embedded store, VALUES blocks on a server.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import json
import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from .errors import KGError, QueryError, StoreError
from .resources import resource_dir
from .store import KGStore, RemoteOptions, SelectResult
from .vocab import PREFIXES

PARAM_KINDS = ("entity", "iri", "string", "integer", "date")
_PARAM = re.compile(r"^#\s*@param\s+(\w+)\s+(\w+)(?:=(\S+))?\s*(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str | None
    description: str


@dataclass
class NamedQuery:
    name: str
    path: Path
    description: str
    params: list[Param] = field(default_factory=list)
    text: str = ""


def parse_query_file(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read ({exc.strerror})") from exc
    description = ""
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _PARAM.match(line)
        if m:
            if m.group(2) not in PARAM_KINDS:
                raise QueryError(
                    f"{path}: parameter '{m.group(1)}' has unknown kind '{m.group(2)}' "
                    f"(use {', '.join(PARAM_KINDS)})"
                )
            params.append(Param(m.group(1), m.group(2), m.group(3), m.group(4).strip()))
        elif not description:
            description = line.lstrip("#").strip()
    return NamedQuery(path.stem, path, description, params, text)


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    folder = folder or resource_dir("queries")
    return [parse_query_file(p) for p in sorted(folder.glob("*.rq"))]


def find_query(name_or_path: str) -> NamedQuery:
    """A named query by name, or a .rq file by path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return parse_query_file(path)
    queries = {q.name: q for q in list_queries()}
    if name_or_path in queries:
        return queries[name_or_path]
    close = [n for n in queries if name_or_path.lower() in n.lower()]
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'kg queries' lists them"
    raise QueryError(f"unknown query '{name_or_path}'{hint}")


_LOOKUP = """
SELECT DISTINCT ?e ?label ?needle WHERE {
  { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }
  UNION { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?l }
  UNION { ?e <http://www.w3.org/2004/02/skos/core#notation> ?l }
  FILTER(LCASE(STR(?l)) = LCASE(STR(?needle)))
  OPTIONAL { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }
}
"""


def resolve_entity(store: KGStore, value: str) -> URIRef:
    """An entity IRI from a label, alias, ISO code or IRI; errors list the candidates."""
    if re.match(r"^[a-z][\w+.-]*:", value) and not value.lower().startswith("urn:x-"):
        if value.startswith(("http://", "https://", "urn:")):
            try:
                return _iri(value)
            except ValueError as exc:
                raise QueryError(f"'{value}' is not a valid IRI ({exc})") from exc
    res = store.select(_LOOKUP, {"needle": Literal(value)})
    found: dict[str, str] = {}
    for e, label, _needle in res.rows:
        if isinstance(e, URIRef):
            found.setdefault(str(e), str(label) if label is not None else str(e))
    if len(found) == 1:
        return URIRef(next(iter(found)))
    if len(found) > 1:
        listing = "; ".join(f"{lab} <{iri}>" for iri, lab in sorted(found.items())[:8])
        raise QueryError(f"'{value}' names several entities: {listing}. Pass the IRI instead.")
    raise QueryError(f"no entity called '{value}' in the store{_suggest(store, value)}")


def _suggest(store: KGStore, value: str) -> str:
    """'; close matches: …' from entity labels and aliases (spelling slips, partial names)."""
    res = store.select(
        """SELECT DISTINCT ?label WHERE {
             ?e <https://w3id.org/idkr/ontology#entityType> ?t .
             { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }
             UNION { ?e <http://www.w3.org/2004/02/skos/core#altLabel> ?label } }"""
    )
    labels = sorted({str(r[0]) for r in res.rows})
    by_lower = {lab.casefold(): lab for lab in labels}
    close = difflib.get_close_matches(value.casefold(), list(by_lower), n=6, cutoff=0.75)
    words = value.casefold().split()
    partial = [lab for lab in labels if words and all(w in lab.casefold().split() for w in words)]
    found = list(dict.fromkeys([by_lower[c] for c in close] + partial))[:8]
    return f"; close matches: {', '.join(found)}" if found else ""


def _iri(value: str) -> URIRef:
    """An IRI parameter, checked by Oxigraph's IRI parser (ValueError when malformed)."""
    return URIRef(ox.NamedNode(value).value)


def bind_params(store: KGStore, query: NamedQuery, values: dict[str, str]) -> dict[str, Node]:
    """Turn ``--param name=value`` strings into RDF terms for the declared parameters."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        allowed = ", ".join(declared) or "none"
        raise QueryError(
            f"query '{query.name}' has no parameter {', '.join(unknown)} (parameters: {allowed})"
        )
    out: dict[str, Node] = {}
    for p in query.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            continue  # unbound: the query treats it as optional
        try:
            if p.kind == "entity":
                out[p.name] = resolve_entity(store, raw)
            elif p.kind == "iri":
                out[p.name] = _iri(raw)
            elif p.kind == "integer":
                out[p.name] = Literal(int(raw), datatype=XSD.integer)
            elif p.kind == "date":
                if not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", raw):
                    raise ValueError(raw)
                out[p.name] = Literal(raw)
            else:
                out[p.name] = Literal(raw)
        except ValueError as exc:
            raise QueryError(
                f"parameter '{p.name}' of '{query.name}' expects {p.kind}, got '{raw}'"
            ) from exc
    missing = [
        p.name
        for p in query.params
        if p.default is None and p.name not in out and "optional" not in p.description.lower()
    ]
    if missing:
        raise QueryError(
            f"query '{query.name}' needs --param {missing[0]}=… "
            f"({declared[missing[0]].description or declared[missing[0]].kind})"
        )
    return out


UPDATE_OPERATIONS = frozenset("INSERT DELETE LOAD CLEAR DROP CREATE ADD MOVE COPY WITH".split())
# the prologue before the first keyword: blanks, comments, PREFIX and BASE declarations
_PROLOGUE = re.compile(r"\s+|\#[^\n]*|(?:PREFIX\s+[^\s:]*:\s*|BASE\s+)<[^<>\s]*>", re.I)


def update_operation(sparql: str) -> str | None:
    """The SPARQL Update operation ``sparql`` starts with (``DROP``, ``INSERT`` …), or None.

    Only a message helper: the read path (``KGStore.query``) parses with the query grammar,
    which has no update operations, so update text can never run there.
    """
    pos = 0
    while (m := _PROLOGUE.match(sparql, pos)) and m.end() > pos:
        pos = m.end()
    word = re.match(r"[A-Za-z]+", sparql[pos:])
    op = word.group(0).upper() if word else ""
    return op if op in UPDATE_OPERATIONS else None


def refuse_update(sparql: str) -> None:
    """QueryError when ``sparql`` is an update: the query path only reads."""
    op = update_operation(sparql)
    if op:
        raise QueryError(
            f"SPARQL Update is not allowed in 'kg query' ({op} changes the store); "
            "it only reads the graph unless --allow-update is given"
        )


def run_query(
    store: KGStore,
    sparql: str,
    bindings: dict[str, Node] | None = None,
    hide: tuple[str, ...] = (),
) -> SelectResult:
    """Run a read-only query; SELECT gives rows, ASK one boolean row, CONSTRUCT s/p/o rows.

    ``hide`` names result columns to leave out: a named query keeps its parameters in its
    outermost SELECT list (the same columns however they are bound), but they are not
    results.
    """
    refuse_update(sparql)
    res = store.query(sparql, bindings)
    if isinstance(res, bool):
        return SelectResult(["result"], [(Literal(res),)])
    if isinstance(res, SelectResult):
        keep = [i for i, v in enumerate(res.variables) if v not in hide]
        if len(keep) == len(res.variables):
            return res
        return SelectResult(
            [res.variables[i] for i in keep], [tuple(r[i] for i in keep) for r in res.rows]
        )
    return SelectResult(
        ["subject", "predicate", "object"], sorted(res, key=lambda t: tuple(map(str, t)))
    )


def run_query_with_timeout(
    spec: str,
    sparql: str,
    bindings: dict[str, Node] | None = None,
    hide: tuple[str, ...] = (),
    timeout: float = 60.0,
    remote: RemoteOptions | None = None,
    min_confidence: float | None = None,
) -> SelectResult:
    """:func:`run_query` in a child process on a read-only store, stopped after ``timeout`` s.

    Oxigraph has no query timeout and a running query cannot be interrupted from Python,
    so the query runs in its own process, which is killed when the time is up. The time
    counts from when the child has opened the store (start-up is not charged to the query).
    With ``min_confidence`` the child first makes the filtered copy of the graph
    (``--min-confidence``) and queries that; making the copy counts towards the timeout.
    A server store whose layout takes a per-request time limit (Fuseki, GraphDB,
    Virtuoso) is sent ``timeout`` as well, so that it stops computing too.
    """
    if spec == "memory":
        raise QueryError(
            "--timeout needs a store folder or server: an in-memory store cannot be shared "
            "with the process that runs the query"
        )
    refuse_update(sparql)
    if remote is not None:  # a server that takes a per-request time limit gets it too
        remote = dataclasses.replace(remote, query_timeout=timeout)
    if min_confidence is not None:
        from .confidence import check_threshold

        check_threshold(min_confidence)  # a bad value fails here, not in the child
    ctx = multiprocessing.get_context("spawn")  # never fork a process holding a RocksDB handle
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_query_child,
        args=(spec, sparql, bindings, hide, remote, min_confidence, sender),
        daemon=True,
    )
    proc.start()
    sender.close()
    try:
        msg = _receive(receiver, proc, None)
        if msg[0] == "ready":
            msg = _receive(receiver, proc, timeout)
            if msg is None:
                raise QueryError(
                    f"query stopped after {timeout:g} s (--timeout); narrow it with filters or "
                    "LIMIT, or allow more time"
                )
        if msg[0] == "error":
            raise (StoreError if msg[1] == "StoreError" else QueryError)(msg[2])
        return msg[1]
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()


def _receive(conn, proc, timeout: float | None):
    """The child's next message; None when ``timeout`` passes first."""
    try:
        if not conn.poll(timeout):
            return None
        return conn.recv()
    except EOFError:
        proc.join()
        raise QueryError(
            f"the query process ended without an answer (exit code {proc.exitcode})"
        ) from None


def _query_child(spec, sparql, bindings, hide, remote, min_confidence, conn) -> None:
    """What the child process of :func:`run_query_with_timeout` does."""
    from .store import open_store

    try:
        store = open_store(spec, read_only=True, remote=remote)
    except KGError as exc:
        conn.send(("error", type(exc).__name__, str(exc)))
        return
    conn.send(("ready",))
    try:
        if min_confidence is not None:
            from .confidence import filtered_store

            source, store = store, filtered_store(store, min_confidence)
            source.close()
        conn.send(("ok", run_query(store, sparql, bindings, hide)))
    except KGError as exc:
        conn.send(("error", type(exc).__name__, str(exc)))
    finally:
        store.close()


def short(term: Node | None, base: str | None = None) -> str:
    """A compact display form: prefixed names for known namespaces, plain literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        s = str(term)
        if base and s.startswith(base):
            return s[len(base) :]
        for prefix, ns in PREFIXES.items():
            if s.startswith(ns):
                return f"{prefix}:{s[len(ns) :]}"
        marker = "/resource/"
        if marker in s:
            return s.split(marker, 1)[1]
        return s
    return str(term)


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    return str(term)


def format_result(res: SelectResult, fmt: str) -> str:
    if fmt == "json":
        bindings = []
        for row in res.rows:
            b = {}
            for var, term in zip(res.variables, row, strict=True):
                if term is None:
                    continue
                if isinstance(term, URIRef):
                    b[var] = {"type": "uri", "value": str(term)}
                elif isinstance(term, Literal):
                    d: dict = {"type": "literal", "value": str(term)}
                    if term.language:
                        d["xml:lang"] = term.language
                    elif term.datatype:
                        d["datatype"] = str(term.datatype)
                    b[var] = d
                else:
                    b[var] = {"type": "bnode", "value": str(term)}
            bindings.append(b)
        return json.dumps(
            {"head": {"vars": res.variables}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            indent=2,
        )
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(res.variables)
        for row in res.rows:
            w.writerow([_cell(t) for t in row])
        return buf.getvalue()
    raise QueryError(f"unknown format '{fmt}' (use table, csv, tsv or json)")
