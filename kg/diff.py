"""What changed between two graphs: articles, entities, posts, events and agreements added
or removed. Either side is a store (folder or server URL) or a dump file from ``kg export``.

Things are compared by what identifies them in the data model: articles, entities, events
and agreements by IRI (stable across runs: gazetteer ids, name slugs, content hashes); a
post by who holds which role in which organisation (with its modifier: acting, deputy …),
so the same post reported by another article is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import StoreError
from .store import KGStore, RemoteOptions, is_remote
from .vocab import PREFIXES

KINDS = ("articles", "entities", "posts", "events", "agreements")
DUMP_FORMATS = {
    ".trig": "trig",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".ttl": "turtle",
    ".nt": "ntriples",
}

_P = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items()) + (
    "PREFIX schema: <https://schema.org/>\n"
    "PREFIX idkr: <https://w3id.org/idkr/ontology#>\n"
    "PREFIX org: <http://www.w3.org/ns/org#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

_LABELS = "SELECT ?x (MIN(STR(?l)) AS ?label) WHERE { ?x rdfs:label ?l } GROUP BY ?x"

_QUERIES = {
    "articles": """SELECT ?k (MIN(STR(?h)) AS ?headline) (MIN(STR(?d)) AS ?date) WHERE {
        ?k a schema:NewsArticle .
        OPTIONAL { ?k schema:headline ?h } OPTIONAL { ?k schema:datePublished ?d }
      } GROUP BY ?k""",
    "entities": """SELECT ?k (MIN(STR(?t)) AS ?type) WHERE {
        ?a a schema:NewsArticle ; schema:mentions ?k .
        OPTIONAL { ?k idkr:entityType ?t }
      } GROUP BY ?k""",
    "posts": """SELECT DISTINCT ?person ?role ?org ?modifier WHERE {
        ?m a org:Membership ; org:member ?person ; org:organization ?org ; org:role ?role .
        OPTIONAL { ?m idkr:roleModifier ?modifier }
      }""",
    "events": """SELECT ?k (MIN(STR(?t)) AS ?type) (MIN(STR(?d)) AS ?date) WHERE {
        ?k a schema:Event .
        OPTIONAL { ?k idkr:eventType ?t } OPTIONAL { ?k schema:startDate ?d }
      } GROUP BY ?k""",
    "agreements": """SELECT ?k (MIN(STR(?t)) AS ?type) (MIN(STR(?d)) AS ?date)
        (GROUP_CONCAT(DISTINCT STR(?p); separator=" ") AS ?parties) WHERE {
        ?k a idkr:Agreement .
        OPTIONAL { ?k idkr:agreementType ?t } OPTIONAL { ?k idkr:party ?p }
        OPTIONAL { ?k idkr:signedAt ?s . ?s schema:startDate ?d }
      } GROUP BY ?k""",
}


@dataclass(frozen=True)
class Item:
    """One thing in a graph: its key (an IRI, or person|role|organisation for a post) and
    a readable line."""

    key: str
    text: str


@dataclass
class Change:
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)


@dataclass
class GraphDiff:
    old: str
    new: str
    changes: dict[str, Change]

    @property
    def unchanged(self) -> bool:
        return not any(c.added or c.removed for c in self.changes.values())

    def as_dict(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            **{
                kind: {
                    "added": [{"key": i.key, "text": i.text} for i in c.added],
                    "removed": [{"key": i.key, "text": i.text} for i in c.removed],
                }
                for kind, c in self.changes.items()
            },
        }


def _tail(iri: str, marker: str) -> str:
    return iri.rsplit(marker, 1)[-1] if marker in iri else iri


def snapshot(store: KGStore) -> dict[str, dict[str, str]]:
    """For each kind, {key: readable text} of everything in ``store``."""
    labels = {str(r[0]): str(r[1]) for r in store.select(_P + _LABELS).rows if r[1] is not None}

    def name(iri: object) -> str:
        return labels.get(str(iri), str(iri))

    out: dict[str, dict[str, str]] = {}
    rows = store.select(_P + _QUERIES["articles"]).rows
    out["articles"] = {str(k): f"{d} {h or name(k)}" if d else (h or name(k)) for k, h, d in rows}
    out["entities"] = {
        str(k): f"{name(k)} ({t})" if t else name(k)
        for k, t in store.select(_P + _QUERIES["entities"]).rows
    }
    posts: dict[str, str] = {}
    for person, role, org_, modifier in store.select(_P + _QUERIES["posts"]).rows:
        key = "|".join(str(x) for x in (person, role, org_, modifier or ""))
        role_name = _tail(str(role), "/role/")
        if modifier is not None:
            role_name = f"{modifier} {role_name}"
        posts[key] = f"{name(person)} — {role_name} — {name(org_)}"
    out["posts"] = posts
    events: dict[str, str] = {}
    for k, t, d in store.select(_P + _QUERIES["events"]).rows:
        what = labels.get(str(k)) or _tail(str(t or "event"), "/event-type/")
        events[str(k)] = f"{d or 'undated'} {what}"
    out["events"] = events
    agreements: dict[str, str] = {}
    for k, t, d, parties in store.select(_P + _QUERIES["agreements"]).rows:
        who = " / ".join(sorted(name(p) for p in str(parties or "").split() if p))
        kind = _tail(str(t or ""), "/agreement-type/") or "agreement"
        agreements[str(k)] = f"{d or 'undated'} {kind}: {who}".strip()
    out["agreements"] = agreements
    return out


def _sorted(items) -> list[Item]:
    return sorted(items, key=lambda i: (i.text.casefold(), i.key))


def diff_stores(old: KGStore, new: KGStore) -> GraphDiff:
    a, b = snapshot(old), snapshot(new)
    changes = {}
    for kind in KINDS:
        changes[kind] = Change(
            added=_sorted(Item(k, b[kind][k]) for k in b[kind].keys() - a[kind].keys()),
            removed=_sorted(Item(k, a[kind][k]) for k in a[kind].keys() - b[kind].keys()),
        )
    return GraphDiff(old.spec, new.spec, changes)


def open_side(spec: str, remote: RemoteOptions | None = None) -> KGStore:
    """A store to read: a server URL, a store folder, or a dump file loaded into memory."""
    if is_remote(spec) or spec == "memory":
        return KGStore(spec, read_only=True, remote=remote)
    path = Path(spec)
    if path.is_file():
        fmt = DUMP_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise StoreError(
                f"{spec}: not a store folder and not a dump kg can read "
                f"(use {', '.join(DUMP_FORMATS)})"
            )
        store = KGStore("memory")
        store.load(path, fmt)
        store.spec = spec
        return store
    if not path.exists():
        raise StoreError(f"{spec}: no such store folder or dump file")
    return KGStore(spec, read_only=True)


def diff(old: str, new: str, remote: RemoteOptions | None = None) -> GraphDiff:
    """Compare two stores or dumps (see :func:`open_side`)."""
    a = open_side(old, remote)
    try:
        b = open_side(new, remote)
        try:
            return diff_stores(a, b)
        finally:
            b.close()
    finally:
        a.close()
