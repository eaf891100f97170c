"""A SPARQL 1.1 server as the store: SPARQL protocol for queries and updates, the Graph
Store Protocol (GSP) for putting whole article graphs.

Plain ``urllib`` rather than rdflib's SPARQLUpdateStore: that store rewrites queries on
graph-bound ``Graph`` objects, sends ``Graph.update`` to a named graph the caller did not
ask for, and cannot put a whole graph in one request (see docs/stores.md). Here every
operation is one HTTP request that the server runs as one transaction.

Where the endpoints are differs by server; a :class:`Layout` names them relative to the
store URL. Credentials come from KG_STORE_USER / KG_STORE_PASSWORD, the URL's userinfo or
~/.netrc and are never part of a message: every URL shown is passed through
:func:`redact`. TLS certificates are verified unless ``insecure`` is asked for.
"""

from __future__ import annotations

import json
import math
import netrc
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError, StoreError
from .base import XSD_STRING, QueryResult, SelectResult, to_rdflib
from .bind import inject_values, serialize_term

JSON_RESULTS = "application/sparql-results+json"
CANCELLED = b"The SPARQL operation has been cancelled"  # what oxigraph serve appends
BATCH_BYTES = 8_000_000  # characters of N-Triples per batched update request, about


@dataclass(frozen=True)
class Layout:
    """Endpoint paths relative to the store URL, and how a server gives the union graph.

    ``union`` is ``"param"`` (send ``union_param`` with every query; the real default
    graph stays separate) or ``"server"`` (the server's default graph already is the
    union of all graphs, by its own configuration). ``dataset`` is the endpoint that
    returns / accepts a whole dataset as N-Quads or TriG (None: not available, quads
    are read with a SELECT over GRAPH ?g and loaded graph by graph).
    """

    name: str
    query: str
    update: str
    gsp: str | None
    dataset: str | None
    union: str = "param"
    union_param: tuple[str, str] | None = None
    gsp_graph_param: str = "graph"
    gsp_content_type: str = "application/n-triples"
    update_field: str = "update"
    # the query parameter by which a request sets the server's own time limit, and how
    # many of its units make a second (None: the server has none; see docs/stores.md)
    timeout_param: tuple[str, int] | None = None


LAYOUTS = {
    "oxigraph": Layout(
        "oxigraph", "/query", "/update", "/store", "/store", "param", ("union-default-graph", "")
    ),
    # the dataset's default graph must be the union (tdb2:unionDefaultGraph true)
    "fuseki": Layout(
        "fuseki", "/sparql", "/update", "/data", "", "server", None, timeout_param=("timeout", 1)
    ),
    "graphdb": Layout(
        "graphdb",
        "",
        "/statements",
        "/rdf-graphs/service",
        "/statements",
        "server",
        None,
        timeout_param=("timeout", 1),
    ),
    # the -auth endpoints take HTTP digest authentication; updates need them
    "virtuoso": Layout(
        "virtuoso",
        "/sparql-auth",
        "/sparql-auth",
        "/sparql-graph-crud-auth",
        None,
        "server",
        None,
        gsp_graph_param="graph-uri",
        gsp_content_type="text/turtle",
        update_field="query",
        timeout_param=("timeout", 1000),
    ),
}


@dataclass
class RemoteOptions:
    """How to talk to a SPARQL server. Flag > environment variable > default."""

    layout: str = "oxigraph"
    insecure: bool = False  # skip TLS certificate checks (never the default)
    timeout: float = 300.0
    query_timeout: float | None = None  # kg query --timeout: the server's own limit, if any
    replace: str = "gsp"  # "gsp": PUT the article graph; "update": DROP + INSERT DATA
    batch: int = 64  # article graphs per request when ingesting (1: one request each)
    union: str | None = None  # "param" | "server": overrides the layout's way to the union
    endpoints: dict[str, str] = field(default_factory=dict)  # query/update/gsp/dataset overrides

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> RemoteOptions:
        env = dict(os.environ) if env is None else env
        opts = cls()
        if env.get("KG_STORE_LAYOUT"):
            opts.layout = env["KG_STORE_LAYOUT"]
        if env.get("KG_STORE_REPLACE"):
            opts.replace = env["KG_STORE_REPLACE"]
        if env.get("KG_STORE_UNION"):
            opts.union = env["KG_STORE_UNION"]
        if env.get("KG_STORE_BATCH"):
            try:
                opts.batch = int(env["KG_STORE_BATCH"])
            except ValueError:
                opts.batch = 0
            if opts.batch < 1:
                raise StoreError(
                    "KG_STORE_BATCH must be a whole number of graphs per request (1 or more), "
                    f"got '{env['KG_STORE_BATCH']}'"
                )
        if env.get("KG_STORE_TIMEOUT"):
            try:
                opts.timeout = float(env["KG_STORE_TIMEOUT"])
            except ValueError as exc:
                raise StoreError(
                    f"KG_STORE_TIMEOUT must be a number of seconds, got '{env['KG_STORE_TIMEOUT']}'"
                ) from exc
        for key in ("query", "update", "gsp", "dataset"):
            value = env.get(f"KG_STORE_{key.upper()}_URL")
            if value:
                opts.endpoints[key] = value
        for k, v in overrides.items():
            if v is not None:
                setattr(opts, k, v)
        return opts


def redact(url: str) -> str:
    """``url`` without a password or user name (for messages and logs)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def _credentials(url: str, env: dict[str, str]) -> tuple[str, str] | None:
    """(user, password) from KG_STORE_USER/KG_STORE_PASSWORD, the URL, or netrc."""
    parts = urllib.parse.urlsplit(url)
    if env.get("KG_STORE_USER"):
        return env["KG_STORE_USER"], env.get("KG_STORE_PASSWORD", "")
    if parts.username:
        return urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
    path = Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(parts.hostname or "")
    except netrc.NetrcParseError as exc:  # its message may quote a token: do not show it
        raise StoreError(f"{path}: cannot parse (line {exc.lineno})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    if entry is None:
        return None
    return entry[0] or "", entry[2] or ""


def _join(base: str, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return base.rstrip("/") + path


class RemoteBackend:
    """A SPARQL 1.1 server (query + update endpoints, Graph Store Protocol)."""

    def __init__(
        self,
        url: str,
        read_only: bool = False,
        options: RemoteOptions | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        env = dict(os.environ) if env is None else env
        options = options or RemoteOptions.from_env(env)
        if options.layout not in LAYOUTS:
            raise StoreError(f"unknown store layout '{options.layout}' (use {', '.join(LAYOUTS)})")
        if options.replace not in ("gsp", "update"):
            raise StoreError(f"unknown replace mode '{options.replace}' (use gsp or update)")
        if options.union not in (None, "param", "server"):
            raise StoreError(f"unknown union mode '{options.union}' (use param or server)")
        parts = urllib.parse.urlsplit(url)
        if not parts.hostname:
            raise StoreError(f"{redact(url)}: not a server URL")
        creds = _credentials(url, env)
        # the URL without userinfo is what requests go to and what messages show
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        base = urllib.parse.urlunsplit(parts._replace(netloc=host)).rstrip("/")
        self.name = base
        self.read_only = read_only
        self.options = options
        layout = LAYOUTS[options.layout]
        if options.union is not None:
            layout = replace(layout, union=options.union)
        self.layout = layout
        self.urls = {
            "query": _join(base, options.endpoints.get("query", layout.query)),
            "update": _join(base, options.endpoints.get("update", layout.update)),
        }
        for key in ("gsp", "dataset"):  # optional endpoints; "none" turns one off
            path = options.endpoints.get(key, getattr(layout, key))
            if path is not None and path.lower() != "none":
                self.urls[key] = _join(base, path)
        if parts.scheme == "https":
            context = ssl.create_default_context()
            if options.insecure:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
        else:
            context = None
        handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPSHandler(context=context)]
        if creds is not None:
            manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
            manager.add_password(None, base, creds[0], creds[1], is_authenticated=True)
            for endpoint in self.urls.values():
                manager.add_password(None, endpoint, creds[0], creds[1], is_authenticated=True)
            handlers += [
                urllib.request.HTTPBasicAuthHandler(manager),
                urllib.request.HTTPDigestAuthHandler(manager),
            ]
        self._opener = urllib.request.build_opener(*handlers)
        self.query("ASK {}", {})  # fail now, with a clear message, if the server is not there

    # HTTP -------------------------------------------------------------------
    def _request(
        self,
        method: str,
        url: str,
        data: bytes | Any | None = None,
        headers: dict[str, str] | None = None,
        what: str = "request",
    ):
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            return self._opener.open(req, timeout=self.options.timeout)
        except urllib.error.HTTPError as exc:
            body = _snippet(exc)
            if exc.code in (401, 403):
                raise StoreError(
                    f"{self.name}: the server refused access (HTTP {exc.code}) for {what}; "
                    "set KG_STORE_USER and KG_STORE_PASSWORD or add the host to ~/.netrc"
                ) from None
            if exc.code == 400 and what == "query":
                raise QueryError(f"invalid SPARQL for {self.name}: {body}") from None
            if exc.code == 404:
                raise StoreError(
                    f"{self.name}: {redact(url)} not found (HTTP 404) for {what}; check the "
                    f"store URL and --store-layout (now '{self.layout.name}')"
                ) from None
            raise StoreError(
                f"{self.name}: {what} failed with HTTP {exc.code} {exc.reason}: {body}"
            ) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ssl.SSLCertVerificationError):
                raise StoreError(
                    f"{self.name}: TLS certificate not trusted ({reason.verify_message}); "
                    "install the server's CA certificate, or pass --insecure to skip the check"
                ) from None
            raise StoreError(f"{self.name}: cannot reach the server ({reason})") from None
        except TimeoutError:
            raise StoreError(
                f"{self.name}: no answer within {self.options.timeout:g} s for {what}"
            ) from None
        except OSError as exc:
            raise StoreError(f"{self.name}: {what} failed ({exc})") from None

    def _post_form(self, url: str, fields: dict[str, str], accept: str, what: str):
        body = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": accept,
        }
        return self._request("POST", url, body, headers, what)

    def _query_url(self, union: bool) -> str:
        url = self.urls["query"]
        if union and self.layout.union == "param" and self.layout.union_param:
            key, value = self.layout.union_param
            sep = "&" if "?" in url else "?"
            url += sep + (f"{key}={urllib.parse.quote(value, safe='')}" if value else key)
        return url

    def _update(self, sparql: str, what: str, direct: bool = False) -> None:
        """POST an update: URL-encoded in a form, or with ``direct`` (where the layout uses
        the standard ``update`` field) as the body itself, ``application/sparql-update``
        (SPARQL 1.1 Protocol), which saves encoding megabytes of N-Triples."""
        if direct and self.layout.update_field == "update":
            headers = {"Content-Type": "application/sparql-update; charset=utf-8"}
            body = sparql.encode("utf-8")
            with self._request("POST", self.urls["update"], body, headers, what) as resp:
                resp.read()
            return
        fields = {self.layout.update_field: sparql}
        with self._post_form(self.urls["update"], fields, "*/*", what) as resp:
            resp.read()

    def _gsp_url(self, graph_iri: str) -> str:
        url = self.urls["gsp"]
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}{self.layout.gsp_graph_param}={urllib.parse.quote(graph_iri, safe='')}"

    # writing ------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, ntriples: bytes) -> None:
        what = f"writing graph <{graph_iri}>"
        if self.options.replace == "gsp" and "gsp" in self.urls:
            headers = {"Content-Type": self.layout.gsp_content_type}
            with self._request("PUT", self._gsp_url(graph_iri), ntriples, headers, what) as r:
                r.read()
            return
        iri = serialize_term(URIRef(graph_iri))
        self._update(
            f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n"
            f"{ntriples.decode('utf-8')}\n}} }}",
            what,
        )

    def replace_graphs(self, graphs: list[tuple[str, bytes]]) -> None:
        """Replace several graphs with few requests: up to ``options.batch`` graphs (and
        about :data:`BATCH_BYTES`) per request, each request one SPARQL update
        ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } } ; DROP …``. A server runs
        one update request as one transaction, so each article is stored whole or not at
        all, and a request the server refuses changes none of its graphs. With a batch of
        1, every graph is its own request, as :meth:`replace_graph` sends it."""
        latest = dict(graphs)  # a graph named twice: the later one wins, as one by one
        if self.options.batch <= 1:
            for iri, nt in latest.items():
                self.replace_graph(iri, nt)
            return
        parts: list[str] = []
        names: list[str] = []
        size = 0

        def send() -> None:
            nonlocal size
            if not parts:
                return
            what = f"writing {len(names)} graphs (<{names[0]}> … <{names[-1]}>)"
            if len(names) == 1:
                what = f"writing graph <{names[0]}>"
            self._update(" ;\n".join(parts), what, direct=True)
            parts.clear()
            names.clear()
            size = 0

        for iri, nt in latest.items():
            g = serialize_term(URIRef(iri))
            part = (
                f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{nt.decode('utf-8')}\n}} }}"
            )
            if parts and (len(parts) >= self.options.batch or size + len(part) > BATCH_BYTES):
                send()
            parts.append(part)
            names.append(iri)
            size += len(part)
        send()

    def update(self, sparql: str) -> None:
        self._update(sparql, "update")

    def drop_graphs(self, graph_iris: list[str]) -> None:
        for i in range(0, len(graph_iris), 500):
            chunk = graph_iris[i : i + 500]
            text = " ;\n".join(f"DROP SILENT GRAPH {serialize_term(URIRef(g))}" for g in chunk)
            self._update(text, "removing graphs")

    def load_dataset(self, path: Path, rdf_format: ox.RdfFormat) -> None:
        if "dataset" in self.urls:
            size = path.stat().st_size
            headers = {"Content-Type": rdf_format.media_type, "Content-Length": str(size)}
            with path.open("rb") as fh:
                with self._request("POST", self.urls["dataset"], fh, headers, f"loading {path}"):
                    pass
            return
        by_graph: dict[str, list[str]] = {}
        for q in ox.parse(path=str(path), format=rdf_format):
            g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            by_graph.setdefault(g, []).append(f"{q.subject} {q.predicate} {q.object} .")
        for g, lines in by_graph.items():
            body = "\n".join(lines).encode("utf-8")
            if g:
                self.replace_graph(g, body)
            else:
                self._update(f"INSERT DATA {{\n{body.decode('utf-8')}\n}}", f"loading {path}")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    # reading ------------------------------------------------------------------
    def _stopped(self, detail: str) -> QueryError:
        return QueryError(
            f"{self.name}: the server stopped the query at its own time limit ({detail}); "
            "narrow it with filters or LIMIT, or allow more time"
        )

    def query(self, sparql: str, bindings: dict[str, Node], union: bool = True) -> QueryResult:
        text = inject_values(sparql, bindings)
        accept = f"{JSON_RESULTS}, application/n-triples;q=0.9, text/turtle;q=0.8"
        try:
            fields = query_fields(self.layout, text, self.options.query_timeout)
            resp = self._post_form(self._query_url(union), fields, accept, "query")
        except StoreError as exc:
            if self.options.query_timeout and " HTTP 503 " in str(exc):
                raise self._stopped("HTTP 503") from None  # Fuseki, RDF4J/GraphDB
            raise
        with resp:
            # Virtuoso answers a query cut short by its limit with part of the rows
            # ("anytime query"): never taken as the answer
            if resp.status == 206 or resp.headers.get("X-SQL-State") == "S1TAT":
                raise self._stopped(f"HTTP {resp.status}, partial answer refused")
            ctype = resp.headers.get_content_type()
            body = resp.read()
            if CANCELLED in body[-200:]:  # Oxigraph (--timeout-s) ends the answer so
                raise self._stopped("oxigraph serve --timeout-s")
            if ctype in (JSON_RESULTS, "application/json"):
                try:
                    data = json.loads(body)
                except ValueError:
                    raise StoreError(f"{self.name}: the answer to a query is cut off") from None
                if "boolean" in data:
                    return bool(data["boolean"])
                variables = list(data["head"].get("vars", []))
                rows = [
                    tuple(_json_to_rdflib(b.get(v)) for v in variables)
                    for b in data["results"]["bindings"]
                ]
                return SelectResult(variables, rows)
            fmt = ox.RdfFormat.from_media_type(ctype)
            if fmt is None:
                raise StoreError(f"{self.name}: unexpected answer type '{ctype}' to a query")
            g = Graph()
            try:
                for t in ox.parse(body, format=fmt):
                    g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            except SyntaxError:
                raise StoreError(f"{self.name}: the answer to a query is cut off") from None
            return g

    def _select(self, sparql: str, union: bool = True) -> SelectResult:
        res = self.query(sparql, {}, union=union)
        assert isinstance(res, SelectResult)
        return res

    def graph_names(self) -> list[str]:
        res = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(str(r[0]) for r in res.rows if isinstance(r[0], URIRef))

    def count(self) -> int:
        n = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0]
        total = int(n)
        if self.layout.union == "param":
            d = self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", union=False)
            total += int(d.rows[0][0])
        return total

    def quads(self) -> Iterator[ox.Quad]:
        if "dataset" in self.urls:
            resp = self._request(
                "GET",
                self.urls["dataset"],
                headers={"Accept": "application/n-quads"},
                what="reading the dataset",
            )
            with resp:
                ctype = resp.headers.get_content_type()
                fmt = ox.RdfFormat.from_media_type(ctype) or ox.RdfFormat.N_QUADS
                yield from ox.parse(resp, format=fmt)
            return
        accept = JSON_RESULTS
        sparql = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        with self._post_form(self._query_url(False), {"query": sparql}, accept, "query") as resp:
            data = json.load(resp)
        for b in data["results"]["bindings"]:
            s, p, o, g = (_json_to_ox(b[k]) for k in ("s", "p", "o", "g"))
            yield ox.Quad(s, p, o, g)

    def union_triples(self) -> Iterator[ox.Triple]:
        sparql = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        accept = "application/n-triples, text/turtle;q=0.8"
        with self._post_form(self._query_url(True), {"query": sparql}, accept, "export") as resp:
            fmt = ox.RdfFormat.from_media_type(resp.headers.get_content_type())
            yield from ox.parse(resp, format=fmt or ox.RdfFormat.N_TRIPLES)


def query_fields(layout: Layout, text: str, limit: float | None = None) -> dict[str, str]:
    """The form fields of a query request: the query, and the server's own time limit
    (``kg query --timeout``) where the server takes one per request."""
    fields = {"query": text}
    if limit and layout.timeout_param:
        name, per_second = layout.timeout_param
        fields[name] = str(max(1, math.ceil(limit * per_second)))
    return fields


def _snippet(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(600).decode("utf-8", "replace")
    except OSError:
        return ""
    text = " ".join(text.split())
    return text[:500] + ("…" if len(text) > 500 else "")


def _json_to_rdflib(b: dict | None) -> Node | None:
    if b is None:
        return None
    kind = b["type"]
    if kind == "uri":
        return URIRef(b["value"])
    if kind == "bnode":
        return BNode(b["value"])
    if kind in ("literal", "typed-literal"):
        if b.get("xml:lang"):
            return Literal(b["value"], lang=b["xml:lang"])
        dt = b.get("datatype")
        if dt and dt != XSD_STRING:
            return Literal(b["value"], datatype=URIRef(dt))
        return Literal(b["value"])
    raise StoreError(f"unsupported term in a query result: {kind}")


def _json_to_ox(b: dict):
    kind = b["type"]
    if kind == "uri":
        return ox.NamedNode(b["value"])
    if kind == "bnode":
        return ox.BlankNode(b["value"])
    if b.get("xml:lang"):
        return ox.Literal(b["value"], language=b["xml:lang"])
    dt = b.get("datatype")
    return ox.Literal(b["value"], datatype=ox.NamedNode(dt) if dt else None)
