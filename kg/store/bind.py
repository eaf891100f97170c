"""Parameters for a SPARQL server: a VALUES block per group, terms serialised by rdflib.

Embedded Oxigraph binds parameters by substitution: a parameter variable is replaced by
its RDF term in the outer query and in every sub-SELECT that projects it. A SPARQL 1.1
server has no such mechanism, so for a remote store the same effect is obtained by
inserting ``VALUES (?p …) { (term …) }`` at the start of every group graph pattern in
that scope which mentions the variable. The terms are written with rdflib's ``n3()``
(which escapes quotes, backslashes and newlines and refuses IRIs with spaces or angle
brackets), so a value can never end the block and add query text of its own.

Known difference: inside the query ``BOUND(?p)`` is true here and false under Oxigraph
substitution; the named queries test optional parameters with ``COALESCE`` instead.
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
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()<>,;"'\#]*)?|:[^\s{}()<>,;"'\#]*)
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
