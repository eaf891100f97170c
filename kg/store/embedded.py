"""Embedded Oxigraph through pyoxigraph: a folder on disk (RocksDB) or memory.

pyoxigraph is used directly rather than through rdflib's store plugin because it gives
what the pipeline needs in one call each: an atomic "replace this article's graph" (one
SPARQL update is one transaction), parameter substitution that binds RDF terms instead
of splicing text into queries, the union of all named graphs as the default graph, and
fast dumps.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from ..errors import QueryError, StoreError
from . import snapshots
from .base import QueryResult, SelectResult, to_ox, to_rdflib
from .snapshots import Locked, Publisher, ReadLease, WriteLease


class EmbeddedBackend:
    """An Oxigraph store in this process: ``memory`` or a folder path."""

    def __init__(self, spec: str, read_only: bool = False, wait: float = 0.0) -> None:
        """Open the store; ``wait`` is how many seconds to wait for another process's
        write lock on a store folder to go away (0: fail at once).

        A store folder is shared with other kg processes through
        :mod:`kg.store.snapshots`: a writer publishes read snapshots while it runs, and a
        reader opens the folder itself only while no writer holds it, else the newest
        snapshot.
        """
        self.name = spec
        self.in_memory = spec == "memory"
        self.read_only = read_only
        self._read_lease: ReadLease | None = None
        self._write_lease: WriteLease | None = None
        self._publisher: Publisher | None = None
        deadline = time.monotonic() + wait
        while True:
            try:
                self._store = self._open(spec, read_only, wait)
                break
            except Locked as exc:
                if time.monotonic() >= deadline:
                    waited = f" (waited {wait:g} s)" if wait else ""
                    raise StoreError(
                        f"{spec}: the store is in use by another kg process (it holds the write "
                        f"lock){waited}; wait for it to finish (--wait SECONDS), or use another "
                        "--store"
                    ) from exc.__cause__
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    @property
    def location(self) -> Path | None:
        """The folder this process actually opened: the store folder, or the snapshot
        of it a reader reads while a writer runs (None for memory)."""
        if self._read_lease is not None:
            return self._read_lease.location
        return None if self.in_memory else Path(self.name)

    def _open(self, spec: str, read_only: bool, wait: float) -> ox.Store:
        if spec == "memory":
            return ox.Store()
        path = Path(spec)
        try:
            if read_only:
                if not path.is_dir():
                    raise StoreError(
                        f"{spec}: no store here yet; run 'kg ingest' first or pass --store"
                    )
                store, self._read_lease = snapshots.open_for_reading(path, wait)
                return store
            if path.exists() and not path.is_dir():
                raise StoreError(f"{spec}: exists and is not a store folder")
            path.mkdir(parents=True, exist_ok=True)
            lease = WriteLease(path, wait)
            try:
                store = ox.Store(str(path))
                publisher = Publisher(store, lease)
            except BaseException:
                with contextlib.suppress(NameError):
                    del store
                lease.release()
                raise
            self._write_lease, self._publisher = lease, publisher
            return store
        except OSError as exc:
            msg = str(exc)
            if "lock" in msg.lower():  # another program (an oxigraph server) holds it
                raise Locked() from exc
            raise StoreError(f"{spec}: cannot open the store ({msg})") from exc
        except RuntimeError as exc:
            raise StoreError(f"{spec}: cannot open the store ({exc})") from exc

    # writing --------------------------------------------------------------
    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        update = (
            f"DROP SILENT GRAPH <{graph_iri}> ;\n"
            f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{ntriples.decode('utf-8')}\n}} }}"
        )
        try:
            self._store.update(update)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"{self.name}: could not write graph <{graph_iri}> ({exc})") from exc
        self._changed()

    def replace_graphs(self, graphs: list[tuple[str, bytes]]) -> None:
        """Graphs not in the store yet go in together: one N-Quads bulk load (sorted files
        that RocksDB takes in atomically: half the CPU of a transactional load and no
        write-ahead log, so a quarter of the disk space). A graph already stored is
        replaced by its own DROP + INSERT update, so it is never seen half replaced, unless
        it holds exactly the given triples already: then nothing is written (re-ingesting
        an unchanged article or the gazetteer costs a read, not a write)."""
        latest = dict(graphs)  # a graph named twice: the later one wins, as one by one
        new: list[bytes] = []
        for iri, nt in latest.items():
            node = ox.NamedNode(iri)
            if self._store.contains_named_graph(node):
                if not self._holds(node, nt):
                    self.replace_graph(iri, nt)
            else:
                # N-Triples lines end in " .\n" (newlines inside literals are escaped)
                new.append(nt.replace(b" .\n", f" <{iri}> .\n".encode()))
        if not new:
            return
        try:
            # lenient: IRIs are not checked again; the N-Triples come from pyoxigraph
            # terms (kg.build), which checked them (parsing is ~a third cheaper)
            self._store.bulk_load(b"".join(new), ox.RdfFormat.N_QUADS, lenient=True)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.name}: could not write {len(new)} graphs ({exc})") from exc
        self._changed()

    def _holds(self, graph: ox.NamedNode, ntriples: bytes) -> bool:
        """Whether the stored ``graph`` has exactly the triples of ``ntriples`` (no blank
        nodes: a graph with any is rewritten, as their labels say nothing)."""
        try:
            given = {q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)}
        except (SyntaxError, ValueError):
            return False  # the write reports it
        stored = set()
        for quad in self._store.quads_for_pattern(None, None, None, graph):
            if len(stored) >= len(given):
                return False
            stored.add(quad.triple)
        if len(stored) != len(given):
            return False
        return stored == given and not any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in given
        )

    def update(self, sparql: str) -> None:
        """SPARQL Update text, applied as one transaction."""
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL Update: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{self.name}: update failed ({exc})") from exc
        self._changed()

    def drop_graphs(self, graph_iris: list[str]) -> None:
        for i in range(0, len(graph_iris), 500):
            chunk = graph_iris[i : i + 500]
            try:
                self._store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in chunk))
            except (OSError, SyntaxError) as exc:
                raise StoreError(f"{self.name}: could not remove graphs ({exc})") from exc
            self._changed()

    def load_dataset(self, path: Path, rdf_format: ox.RdfFormat) -> None:
        # a bulk load is not one transaction: no snapshot is published half way
        with self.unpublished():
            try:
                self._store.bulk_load(path=str(path), format=rdf_format)
            except (OSError, SyntaxError, ValueError) as exc:
                raise StoreError(f"{path}: cannot load into {self.name} ({exc})") from exc
            self._changed()

    def unpublished(self) -> contextlib.AbstractContextManager:
        """A context in which readers get no snapshot: for a write made of several
        transactions (``kg load`` drops graphs, then loads)."""
        if self._publisher is None:
            return contextlib.nullcontext()
        return self._publisher.paused()

    def _changed(self) -> None:
        if self._publisher is not None:
            self._publisher.changed()

    def flush(self) -> None:
        """Write everything to disk and publish it to readers (a store folder). Always
        publishes: code that writes through the pyoxigraph store directly (consolidation)
        is not seen by the publisher's bookkeeping."""
        if not self.read_only and not self.in_memory:
            self._store.flush()
            if self._publisher is not None:
                self._publisher.publish(force=True)

    def optimize(self) -> None:
        """Merge the store folder's files (RocksDB compaction of every index). A bulk
        ingest leaves many overlapping files; RocksDB merges them in the background while
        the store is open, so until then a look-up reads several and queries are slower."""
        if self.in_memory:
            return
        try:
            self._store.optimize()
        except OSError as exc:
            raise StoreError(f"{self.name}: could not optimize the store ({exc})") from exc

    def __del__(self) -> None:
        # a store dropped without close() must still let go of the folder's locks (at
        # exit the process lets go of everything anyway)
        if not sys.is_finalizing():
            with contextlib.suppress(Exception):
                self.close()

    def close(self) -> None:
        if not hasattr(self, "_store"):
            return
        if self._publisher is not None:
            self._publisher.stop()
            self._publisher = None
        if not self.read_only and not self.in_memory:
            self._store.flush()
        del self._store  # the last reference: RocksDB closes here, before the locks go
        for lease in (self._write_lease, self._read_lease):
            if lease is not None:
                lease.release()
        self._write_lease = self._read_lease = None

    # reading --------------------------------------------------------------
    def query(self, sparql: str, bindings: dict[str, Node]) -> QueryResult:
        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        try:
            res = self._store.query(sparql, use_default_graph_as_union=True, substitutions=subs)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            # results repeat terms (types, labels, entities): each is converted once
            terms: dict = {}

            def term(t: object) -> Node | None:
                try:
                    return terms[t]
                except KeyError:
                    made = terms[t] = to_rdflib(t)
                    return made

            # a solution iterates its values in variable order (6x faster than sol[name])
            rows = [tuple(term(t) for t in sol) for sol in res]
            return SelectResult(variables, rows)
        g = Graph()
        for t in res:
            g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return g

    def select_values(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        try:
            solutions = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        return (tuple(None if v is None else v.value for v in sol) for sol in solutions)

    def dump_graph(self, graph_iri: str, out: BinaryIO) -> bool:
        graph = ox.NamedNode(graph_iri)
        if not self._store.contains_named_graph(graph):
            return False
        self._store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
        return True

    def add_ntriples(self, graph_iri: str, ntriples: bytes) -> None:
        # a bulk load (files RocksDB takes in whole): half the CPU of a transactional load
        # and a fifth of its memory
        try:
            self._store.bulk_load(
                ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri)
            )
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.name}: could not write <{graph_iri}> ({exc})") from exc
        self._changed()

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self) -> int:
        return len(self._store)

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def union_triples(self) -> Iterator[ox.Triple]:
        """The union of all graphs, streamed graph by graph, each triple once.

        A triple can only repeat across graphs when its subject is in several graphs,
        so only the triples of such subjects (the entities articles share: a few
        thousand per million quads) are remembered to drop repeats; memory does not grow
        with the store as a CONSTRUCT over the union (which keeps every triple) would.
        """
        shared = {
            sol["s"]
            for sol in self._store.query(
                "SELECT ?s WHERE { { SELECT DISTINCT ?s ?g WHERE {"
                " { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o BIND(true AS ?g) } } } }"
                " GROUP BY ?s HAVING (COUNT(?g) > 1)"
            )
        }
        seen: set[ox.Triple] = set()
        for q in self._store:
            t = q.triple
            if q.subject in shared:
                if t in seen:
                    continue
                seen.add(t)
            yield t
