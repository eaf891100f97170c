"""Query parameters as query text: constants (every store), or VALUES blocks (fallback).

:func:`bind_constants` is how parameters are bound on every store kind: each parameter
variable becomes its RDF term, a constant the query planner can start from (Oxigraph's
substitution mechanism hides the value from its planner). Terms are written by
pyoxigraph in N-Triples syntax (quotes, backslashes and line breaks escaped; IRIs checked
by its IRI parser) and checked to read back as one term; only variable tokens are
replaced, never text inside strings, IRIs or comments.

When a query uses a parameter where a constant cannot stand, the store binds it as before:
embedded Oxigraph by substitution (the variable is replaced by its term in the outer query
and in every sub-SELECT that projects it), a SPARQL 1.1 server by :func:`inject_values`,
which inserts ``VALUES (?p …) { (term …) }`` at the start of every group graph pattern in
that scope which mentions the variable, terms written with rdflib's ``n3()`` (which
escapes quotes, backslashes and newlines and refuses IRIs with spaces or angle brackets).

Known difference: ``BOUND(?p)`` of a given parameter is true as a constant and with VALUES
blocks, and false under Oxigraph substitution; the named queries test optional parameters
with ``COALESCE`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()<>,;"'\#?$]*)?|:[^\s{}()<>,;"'\#?$]*)
  | (?P<punct>.)
    """,
    re.X | re.S,
)


@dataclass
class _Token:
    kind: str
    text: str
    start: int
    end: int

    def kw(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


@dataclass
class _Group:
    vars: frozenset[str]  # parameter variables in scope for this group
    open_end: int  # offset just after its '{'
    mentioned: set[str] = field(default_factory=set)


def serialize_term(term: Node) -> str:
    """An RDF term as SPARQL text; raises QueryError for terms a VALUES block cannot hold."""
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be passed as a query parameter")
    if not isinstance(term, (URIRef, Literal)):
        raise QueryError(f"cannot bind {term!r} as a query parameter")
    try:
        return term.n3()
    except Exception as exc:  # rdflib raises a bare Exception for an IRI it cannot write
        raise QueryError(f"cannot bind {str(term)!r} as a query parameter ({exc})") from exc


def _tokens(sparql: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        out.append(_Token(kind, m.group(), m.start(), m.end()))
    return out


def _projection(tokens: list[_Token], i: int) -> tuple[set[str] | None, int]:
    """Projected variable names of the SELECT at ``tokens[i]`` (None for ``*``), and the
    index of the token that ends the projection."""
    projected: set[str] = set()
    star = False
    depth = 0
    j = i + 1
    while j < len(tokens):
        t = tokens[j]
        if depth == 0 and (t.text == "{" or t.kw("WHERE", "FROM")):
            break
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif t.text == "*" and depth == 0:
            star = True
        elif t.kind == "var" and (depth == 0 or tokens[j - 1].kw("AS")):
            projected.add(t.text[1:])
        j += 1
    return (None if star else projected), j


def inject_values(sparql: str, bindings: dict[str, Node]) -> str:
    """``sparql`` with each binding fixed by VALUES blocks (see the module docstring)."""
    if not bindings:
        return sparql
    values = {name: serialize_term(term) for name, term in bindings.items()}
    tokens = _tokens(sparql)
    top = frozenset(values)
    groups: list[_Group] = []
    # stack entries: ("group", _Group) | ("other", scope vars)
    stack: list[tuple[str, object]] = []
    pending_scope: frozenset[str] | None = None  # the next '{' is this SELECT's WHERE
    pending_data = False  # the next '{' holds VALUES data
    pending_template = False  # the next '{' is a CONSTRUCT template
    seen_form = False

    def current_scope() -> frozenset[str]:
        for kind, item in reversed(stack):
            if kind == "group":
                return item.vars  # type: ignore[union-attr]
            return item  # type: ignore[return-value]
        return top

    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kw("SELECT"):
            projected, _ = _projection(tokens, i)
            parent = current_scope() if seen_form else top
            if not seen_form:
                pending_scope = top
            else:
                pending_scope = parent if projected is None else parent & frozenset(projected)
            seen_form = True
        elif t.kw("ASK", "DESCRIBE") and not seen_form:
            seen_form = True
            pending_scope = top
        elif t.kw("CONSTRUCT") and not seen_form:
            seen_form = True
            pending_scope = top
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            pending_template = nxt is not None and nxt.text == "{"
        elif t.kw("VALUES"):
            pending_data = True
        elif t.text == "{":
            if pending_data:
                stack.append(("other", current_scope()))
                depth = 1  # skip the data block: it holds no groups
                while depth and i + 1 < len(tokens):
                    i += 1
                    depth += {"{": 1, "}": -1}.get(tokens[i].text, 0)
                stack.pop()
                pending_data = False
            elif pending_template:
                stack.append(("other", frozenset()))
                pending_template = False
            else:
                nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                if nxt is not None and nxt.kw("SELECT"):
                    stack.append(("other", current_scope()))
                else:
                    scope = pending_scope if pending_scope is not None else current_scope()
                    pending_scope = None
                    group = _Group(scope, t.end)
                    groups.append(group)
                    stack.append(("group", group))
        elif t.text == "}":
            if stack:
                stack.pop()
        elif t.kind == "var":
            name = t.text[1:]
            for kind, item in stack:
                if kind == "group" and name in item.vars:  # type: ignore[union-attr]
                    item.mentioned.add(name)  # type: ignore[union-attr]
        i += 1

    inserts = []
    for g in groups:
        names = sorted(g.mentioned & g.vars)
        if names:
            head = " ".join(f"?{n}" for n in names)
            row = " ".join(values[n] for n in names)
            inserts.append((g.open_end, f" VALUES ({head}) {{ ({row}) }} "))
    out = sparql
    for pos, text in sorted(inserts, reverse=True):
        out = out[:pos] + text + out[pos:]
    return out


# --- constants in the query text ----------------------------------------------------------

_NAME_CHARS = r"[A-Za-z0-9_\u00b7\u00c0-\uffff]"
_CLAUSE_END = ("LIMIT", "OFFSET", "HAVING", "ORDER", "GROUP", "VALUES")


def constant_term(term: Node) -> str:
    """An RDF term as SPARQL text, written by Oxigraph (N-Triples syntax: quotes,
    backslashes and line breaks escaped; IRIs checked by Oxigraph's IRI parser)."""
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be passed as a query parameter")
    if not isinstance(term, (URIRef, Literal)):
        raise QueryError(f"cannot bind {term!r} as a query parameter")
    from .base import to_ox

    try:
        text = str(to_ox(term))
    except ValueError as exc:
        raise QueryError(f"cannot bind {str(term)!r} as a query parameter ({exc})") from exc
    # defence in depth: the text must read back as one term (an IRI, or a string with an
    # optional datatype IRI or language tag), nothing more
    kinds = "".join(
        {"iri": "I", "string": "S", "word": "W"}.get(t.kind, t.text) for t in _tokens(text)
    )
    if kinds not in ("I", "S", "S^^I", "S@W") or text != text.strip():
        raise QueryError(f"cannot bind {str(term)!r} as a query parameter")
    return text


def bind_constants(sparql: str, bindings: dict[str, Node]) -> str | None:
    """``sparql`` with each parameter variable replaced by its RDF term as a constant.

    Unlike substitution (which the query planner cannot see) or VALUES blocks, a constant
    in a triple pattern is what Oxigraph's planner starts from. The text is tokenised
    (strings, IRIs and comments are left alone) and only variable tokens are replaced,
    in every scope of the query, projected or not:

    - in a pattern or an expression, by the term (``?e schema:mentions <…/ID-AC>``);
    - in the outermost SELECT list, by ``(term AS ?name)``, so the result keeps its
      columns; in a sub-select's list the variable is dropped (it is a constant inside
      and outside), unless nothing else is projected there;
    - as a GROUP BY or ORDER BY key, by ``(term)``; ``BOUND(?name)`` becomes ``true``.

    None when the query uses a parameter in a way a constant cannot take (as a ``VALUES``
    or ``AS`` target, under a top-level ``SELECT *``, or in text that might read as an IRI
    holding the variable, such as ``?x<?name``): the caller then binds by substitution.
    """
    if not bindings:
        return sparql
    values = {name: constant_term(term) for name, term in bindings.items()}
    tokens = _tokens(sparql)
    is_param = {}
    for i, t in enumerate(tokens):
        if t.kind == "var" and t.text[1:] in values:
            is_param[i] = t.text[1:]
        elif t.kind == "iri":
            for name in values:
                if re.search(rf"[?$]{re.escape(name)}(?!{_NAME_CHARS})", t.text):
                    return None  # '?x<?p && ?y>' reads as an IRI here, not to Oxigraph
    if not is_param:
        return sparql
    edits: list[tuple[int, int, str]] = []
    form = None  # the query form, from its first keyword
    mode = "body"  # body | projection | order (GROUP BY / ORDER BY keys) | values
    depth = 0  # parentheses within a projection or an ORDER/GROUP BY clause
    projection: list[tuple[int, bool]] = []  # (token index, is a dropped parameter)
    top = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        upper = t.text.upper() if t.kind == "word" else ""
        if mode == "projection" and depth == 0 and (t.text == "{" or upper in ("WHERE", "FROM")):
            if not top:
                _drop_projected(tokens, projection, values, is_param, edits)
            mode = "body"
        elif mode == "order" and depth == 0 and (t.text in "{}" or upper in _CLAUSE_END):
            mode = "body"
        elif mode == "values" and t.text == "{":
            mode = "body"
            i = _skip_block(tokens, i)
            continue
        if mode == "projection" and depth == 0 and (t.kind == "var" or t.text == "("):
            projection.append((i, i in is_param))
        if upper == "SELECT":
            top = form is None
            form = form or "SELECT"
            mode, depth, projection = "projection", 0, []
        elif upper in ("ASK", "CONSTRUCT", "DESCRIBE") and form is None:
            form = upper
        elif upper in ("GROUP", "ORDER") and i + 1 < len(tokens) and tokens[i + 1].kw("BY"):
            mode, depth = "order", 0
            i += 2
            continue
        elif upper == "VALUES":
            mode = "values"
        elif t.text == "(" and mode in ("projection", "order"):
            depth += 1
        elif t.text == ")" and mode in ("projection", "order"):
            depth -= 1
        elif t.text == "*" and mode == "projection" and depth == 0:
            if top:
                return None  # SELECT *: the parameter column would disappear
        elif upper == "BOUND" and _bound_call(tokens, i, is_param):
            edits.append((t.start, tokens[i + 3].end, "true"))
            i += 4
            continue
        if i in is_param:
            name = is_param[i]
            if mode == "values" or (i > 0 and tokens[i - 1].kw("AS")):
                return None  # a constant cannot be assigned
            if mode == "projection" and depth == 0:
                if top:
                    edits.append((t.start, t.end, f"({values[name]} AS ?{name})"))
                # a sub-select's projected parameter: decided at the end of its list
            elif mode == "order" and depth == 0:
                edits.append((t.start, t.end, f"({values[name]})"))
            else:
                edits.append((t.start, t.end, values[name]))
        i += 1
    out = sparql
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _drop_projected(tokens, projection, values, is_param, edits) -> None:
    """Drop a sub-select's projected parameters; keep one as a constant column under a
    name of its own when nothing else would be projected."""
    dropped = [i for i, param in projection if param]
    if not dropped:
        return
    keep_one = len(dropped) == len(projection)
    for n, i in enumerate(dropped):
        t = tokens[i]
        name = is_param[i]
        text = f"({values[name]} AS ?kg_param_{name})" if keep_one and n == 0 else ""
        edits.append((t.start, t.end, text))


def _skip_block(tokens: list[_Token], i: int) -> int:
    """The index after the ``{ … }`` block starting at ``tokens[i]``."""
    depth = 0
    while i < len(tokens):
        depth += {"{": 1, "}": -1}.get(tokens[i].text, 0)
        i += 1
        if depth == 0:
            break
    return i


def _bound_call(tokens: list[_Token], i: int, is_param: dict[int, str]) -> bool:
    return (
        i + 3 < len(tokens)
        and tokens[i + 1].text == "("
        and i + 2 in is_param
        and tokens[i + 3].text == ")"
    )
