"""Score extraction against gold annotations (the dev-corpus JSON schema).

Matching rules, applied one-to-one and greedily:

* **entities**: a predicted and a gold entity match when any of their surface forms
  (name or alias) are equal ignoring case, spaces, hyphens and dots; *typed entities*
  additionally need the same type.
* **posts**: person and organisation both match aligned entities (the role wording is
  reported separately as role accuracy on matched posts).
* **events**: same type, compatible date (equal, or one a prefix of the other; a gold
  date of null accepts any) and at least one aligned participant (or, when gold lists
  none, the same aligned location).
* **agreements**: same agreement type and the same set of aligned parties.
* **cooperation**: the same unordered pair of aligned entities.
* **published**: the ISO string is equal; a gold null counts a prediction as wrong.

Scores are micro-averaged over articles, overall and per language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KGError
from .resolve import name_key

CATEGORIES = (
    "entities",
    "typed_entities",
    "posts",
    "events",
    "agreements",
    "cooperation",
    "published",
)


@dataclass
class Counts:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.pred += other.pred
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.pred else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.pred,
            "gold": self.gold,
        }


@dataclass
class ArticleScore:
    id: str
    lang: str
    counts: dict[str, Counts] = field(default_factory=dict)
    role_matches: int = 0
    role_total: int = 0


def _surfaces(ent: dict) -> set[str]:
    return {name_key(s) for s in [ent.get("name") or "", *(ent.get("aliases") or [])] if s}


def _greedy(
    gold: list, pred: list, score: Callable[[object, object], float]
) -> list[tuple[int, int]]:
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            s = score(g, p)
            if s > 0:
                cands.append((s, i, j))
    cands.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _s, i, j in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j))
    return out


def _dates_ok(g: str | None, p: str | None) -> bool:
    if g is None:
        return True
    if p is None:
        return False
    return g == p or g.startswith(p) or p.startswith(g)


def score_article(gold: dict, pred: dict) -> ArticleScore:
    """Compare one prediction (``kg extract --format json``) with its gold file."""
    res = ArticleScore(gold.get("id", "?"), gold.get("lang") or "?")
    ge, pe = gold.get("entities", []), pred.get("entities", [])
    gs = [_surfaces(e) for e in ge]
    ps = [_surfaces(e) for e in pe]

    def ent_score(i: int, j: int) -> float:
        inter = len(gs[i] & ps[j])
        if not inter:
            return 0.0
        same_type = ge[i].get("type") == pe[j].get("type")
        return inter + (10 if same_type else 0) + (5 if name_key(ge[i]["name"]) in ps[j] else 0)

    pairs = _greedy(list(range(len(ge))), list(range(len(pe))), ent_score)
    g2p = {ge[i]["name"]: pe[j]["name"] for i, j in pairs}
    typed = sum(1 for i, j in pairs if ge[i].get("type") == pe[j].get("type"))
    res.counts["entities"] = Counts(len(pairs), len(pe), len(ge))
    res.counts["typed_entities"] = Counts(typed, len(pe), len(ge))

    def same(gname: str | None, pname: str | None) -> bool:
        return gname is not None and pname is not None and g2p.get(gname) == pname

    gp, pp = gold.get("posts", []), pred.get("posts", [])
    post_pairs = _greedy(
        gp,
        pp,
        lambda g, p: (
            1.0
            if same(g["person"], p["person"]) and same(g["organization"], p["organization"])
            else 0.0
        ),
    )
    res.counts["posts"] = Counts(len(post_pairs), len(pp), len(gp))
    for i, j in post_pairs:
        res.role_total += 1
        g_role = (gp[i].get("role_en") or "").casefold()
        p_role = (pp[j].get("role_en") or "").casefold()
        if g_role and (g_role in p_role or p_role in g_role):
            res.role_matches += 1

    gv, pv = gold.get("events", []), pred.get("events", [])

    def ev_score(g: dict, p: dict) -> float:
        if g["type"] != p["type"] or not _dates_ok(g.get("date"), p.get("date")):
            return 0.0
        gpart = g.get("participants") or []
        overlap = sum(1 for x in gpart if any(same(x, y) for y in p.get("participants") or []))
        if gpart:
            return float(overlap) + (0.5 if g.get("date") == p.get("date") else 0.0)
        return 1.0 if same(g.get("location"), p.get("location")) else 0.0

    res.counts["events"] = Counts(len(_greedy(gv, pv, ev_score)), len(pv), len(gv))

    ga = [e["agreement"] for e in gv if e.get("agreement")]
    pa = [e["agreement"] for e in pv if e.get("agreement")]

    def agr_score(g: dict, p: dict) -> float:
        if g["type"] != p["type"]:
            return 0.0
        gparties = g.get("parties") or []
        pparties = p.get("parties") or []
        mapped = {g2p.get(x) for x in gparties}
        if None in mapped or mapped != set(pparties):
            return 0.0
        return 1.0

    res.counts["agreements"] = Counts(len(_greedy(ga, pa, agr_score)), len(pa), len(ga))

    gc = [tuple(x) for x in gold.get("cooperation", [])]
    pc = [tuple(x) for x in pred.get("cooperation", [])]

    def coop_score(g: tuple, p: tuple) -> float:
        mapped = {g2p.get(g[0]), g2p.get(g[1])}
        return 1.0 if None not in mapped and mapped == set(p) else 0.0

    res.counts["cooperation"] = Counts(len(_greedy(gc, pc, coop_score)), len(pc), len(gc))

    gd, pd = gold.get("published"), pred.get("published")
    res.counts["published"] = Counts(
        int(gd is not None and gd == pd), int(pd is not None), int(gd is not None)
    )
    return res


@dataclass
class EvalReport:
    articles: list[ArticleScore]

    def totals(self, lang: str | None = None) -> dict[str, Counts]:
        out = {c: Counts() for c in CATEGORIES}
        for a in self.articles:
            if lang is None or a.lang == lang:
                for c in CATEGORIES:
                    out[c].add(a.counts[c])
        return out

    def languages(self) -> list[str]:
        return sorted({a.lang for a in self.articles})

    def role_accuracy(self) -> float:
        total = sum(a.role_total for a in self.articles)
        return sum(a.role_matches for a in self.articles) / total if total else 0.0

    def as_dict(self) -> dict:
        return {
            "articles": len(self.articles),
            "overall": {c: v.as_dict() for c, v in self.totals().items()},
            "by_language": {
                lang: {c: v.as_dict() for c, v in self.totals(lang).items()}
                for lang in self.languages()
            },
            "role_accuracy": round(self.role_accuracy(), 4),
            "per_article": {
                a.id: {c: round(v.f1, 4) for c, v in a.counts.items()} for a in self.articles
            },
        }


def gold_pairs(gold_dir: Path) -> list[tuple[Path, Path]]:
    """Every ``<id>.txt`` with a ``<id>.json`` beside it, anywhere under ``gold_dir``."""
    if not gold_dir.is_dir():
        raise KGError(f"{gold_dir}: not a folder (expected <id>.txt files with <id>.json gold)")
    pairs = []
    for txt in sorted(gold_dir.rglob("*.txt")):
        js = txt.with_suffix(".json")
        if js.exists():
            pairs.append((txt, js))
    if not pairs:
        raise KGError(f"{gold_dir}: no <id>.txt file with a <id>.json gold annotation beside it")
    return pairs


def evaluate(gold_dir: Path) -> EvalReport:
    """Run extraction over a gold folder and score it."""
    from .extract import extract
    from .read import read_file

    scores = []
    for txt, js in gold_pairs(gold_dir):
        try:
            gold = json.loads(js.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise KGError(f"{js}: cannot read gold annotation ({exc})") from exc
        # the article's address is input metadata (a crawler always has it), never an
        # annotation: the gold file carries it for that reason
        url = gold.get("url") if isinstance(gold.get("url"), str) else None
        items = list(read_file(txt, url=url))
        art = items[0] if items else None
        if art is None or isinstance(art, Exception):
            pred = {"entities": [], "posts": [], "events": [], "cooperation": [], "published": None}
        else:
            pred = extract(art).to_json()
        s = score_article(gold, pred)
        s.id = gold.get("id") or txt.stem
        s.lang = gold.get("lang") or (pred.get("lang") or "?")
        scores.append(s)
    return EvalReport(scores)
