"""Synthetic news articles about Indonesia–Korea ties, for benchmarks (seedable).

    python bench/generate.py -n 1000 --seed 42 -o articles.jsonl

Places, ministries, agencies and companies come from the project's gazetteer
(``data/gazetteer``), sector words from ``data/lexicon/sectors.csv``, Korean surnames from
``data/lexicon/korean_surnames.csv``; the prose comes from the templates in
``bench/templates/{id,en}.txt`` (signings, visits, meetings, office openings, each
assembled from several alternative paragraphs) and invented people from
``bench/templates/names.csv``. Popular places are picked more often (Zipf-like), and a
place keeps the same head of government for a five-year term, so entities recur across
articles the way they do in a news archive. Article ``i`` depends only on ``(seed, i)``:
the same seed gives the same file, and any slice can be generated alone.

Template slots: IDP/KRP (the Indonesian and Korean party, a province or city),
IDP_TITLE/KRP_TITLE (its head's title), KRP_TITLE_LOWER, IDP_HEAD/KRP_HEAD (the head's
name), IDP_HEAD_SHORT/KRP_HEAD_SHORT, IDP_KIND/KRP_KIND ("Provinsi", "Kota" …),
ID_AGENCY/KR_AGENCY, KR_COMPANY, OFFICE_CITY, KR_CITY, AGR_LONG/AGR_LONG_CAP/AGR_SHORT,
SECTOR/SECTOR_CAP/SECTORS, EV_DATE, PAST_YEAR, VENUE, DATELINE, N, AMOUNT.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "templates"
KINDS = ("signing", "visit", "meeting", "opening")
KIND_WEIGHTS = (0.35, 0.25, 0.25, 0.15)
LANGS = ("id", "en")
_SLOT = re.compile(r"\{([A-Z_]+)\}")


@dataclass(frozen=True)
class Templates:
    vocab: dict[str, str]
    sections: dict[str, list[str]]

    def pick(self, rng: random.Random, name: str) -> str:
        if not self.sections.get(name):
            raise KeyError(f"no template section [{name}]")
        return rng.choice(self.sections[name])

    def words(self, key: str) -> list[str]:
        return self.vocab[key].split("|")


def load_templates(lang: str, folder: Path = TEMPLATES) -> Templates:
    """Sections of alternatives from ``folder/{lang}.txt`` ('#' lines are comments)."""
    path = folder / f"{lang}.txt"
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[([\w.]+)\]", line)
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is None:
            raise ValueError(f"{path}:{n}: text before the first [section]")
        else:
            current.append(line)
    vocab = {}
    for line in sections.pop("vocab", []):
        key, _, value = line.partition("=")
        vocab[key.strip()] = value.strip()
    return Templates(vocab, sections)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Place:
    key: str
    labels: dict[str, str]  # lang -> name as news in that language writes it
    level: str  # region | city | regency | kr_metro | kr_province
    region: str  # ISO 3166-2 of the region (itself for a region)


@dataclass(frozen=True)
class World:
    id_places: list[Place]
    kr_places: list[Place]
    id_weights: list[float]
    kr_weights: list[float]
    id_cities: list[Place]
    kr_cities: list[Place]
    agencies: dict[str, list[dict[str, str]]]  # country -> organisation rows
    companies: dict[str, list[dict[str, str]]]
    sectors: dict[str, list[str]]  # lang -> one word per sector
    names: dict[str, list[str]]
    surnames: list[str]


def _zipf(n: int, s: float = 0.9) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(n)]


@lru_cache(maxsize=2)
def load_world(root: Path = ROOT) -> World:
    gaz = root / "data" / "gazetteer"
    lex = root / "data" / "lexicon"
    id_regions, kr_regions = [], []
    for r in _rows(gaz / "regions.csv"):
        labels = {"id": r["name_id"] or r["name"], "en": r["name_en"] or r["name"]}
        if r["country"] == "ID":
            id_regions.append(Place(f"region/{r['iso']}", labels, "region", r["iso"]))
        elif r["country"] == "KR":
            # metropolitan cities (KR-11 … KR-31, Sejong) have mayors, provinces governors
            metro = int(r["iso"].split("-")[1]) < 40 or r["iso"] == "KR-50"
            level = "kr_metro" if metro else "kr_province"
            kr_regions.append(Place(f"region/{r['iso']}", labels, level, r["iso"]))
    id_cities, kr_cities = [], []
    for r in _rows(gaz / "cities.csv"):
        if not r["region"]:
            continue
        level = "regency" if r.get("kind") in ("regency", "county") else "city"
        labels = {"id": r["name"], "en": r["name_en"] or r["name"]}
        place = Place(f"city/{r['key']}", labels, level, r["region"])
        (id_cities if r["country"] == "ID" else kr_cities).append(place)
    agencies: dict[str, list[dict[str, str]]] = {"ID": [], "KR": []}
    companies: dict[str, list[dict[str, str]]] = {"ID": [], "KR": []}
    for r in _rows(gaz / "organizations.csv"):
        if r["country"] not in agencies:
            continue
        if r["type"] in ("Ministry", "GovernmentOrganization"):
            agencies[r["country"]].append(r)
        elif r["type"] == "Company":
            companies[r["country"]].append(r)
    sectors: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for r in _rows(lex / "sectors.csv"):
        if r["lang"] in sectors:
            sectors[r["lang"]].append(r["pattern"].split("|")[0])
    names: dict[str, list[str]] = {}
    for r in _rows(TEMPLATES / "names.csv"):
        names.setdefault(r["kind"], []).append(r["name"])
    surnames = [r["romanized"] for r in _rows(lex / "korean_surnames.csv")][:40]
    # a fixed, seed-independent popularity order: capitals and big provinces first
    id_places = id_regions + [c for c in id_cities if c.level == "city"]
    kr_places = kr_regions + kr_cities
    return World(
        id_places=id_places,
        kr_places=kr_places,
        id_weights=_zipf(len(id_places)),
        kr_weights=_zipf(len(kr_places)),
        id_cities=[c for c in id_cities if c.level == "city"],
        kr_cities=kr_cities,
        agencies=agencies,
        companies=companies,
        sectors=sectors,
        names=names,
        surnames=surnames,
    )


def _head(world: World, seed: int, place: Place, year: int) -> str:
    """The head of government of ``place`` in ``year``: one person per five-year term."""
    rng = random.Random(f"{seed}:head:{place.key}:{year // 5}")
    if place.key.startswith(("region/KR", "city/kr")):
        return f"{rng.choice(world.surnames)} {rng.choice(world.names['kr_given'])}"
    return f"{rng.choice(world.names['id_given'])} {rng.choice(world.names['id_family'])}"


def _label(row: dict[str, str], lang: str) -> str:
    return row.get(f"name_{lang}") or row["name"]


def _join(items: list[str], conj: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conj} " + items[-1]


def _ev_date(rng: random.Random, t: Templates, lang: str, ev: date, published: date) -> str:
    months, weekdays = t.words("months"), t.words("weekdays")
    wd, mon = weekdays[ev.weekday()], months[ev.month - 1]
    if lang == "id":
        forms = [
            f"{wd} ({ev.day}/{ev.month}/{ev.year})",
            f"{wd}, {ev.day} {mon} {ev.year}",
            f"{ev.day} {mon} {ev.year}",
        ]
        if 0 < (published - ev).days < 7:
            forms.append(f"hari {wd}")
    else:
        forms = [f"on {mon} {ev.day}, {ev.year}", f"on {ev.day} {mon} {ev.year}"]
        if 0 < (published - ev).days < 7:
            forms += [f"on {wd}", f"on {wd}, {mon} {ev.day}"]
    return rng.choice(forms)


def _fill(template: str, slots: dict[str, str], where: str) -> str:
    def sub(m: re.Match[str]) -> str:
        try:
            return slots[m.group(1)]
        except KeyError:
            raise KeyError(f"{where}: unknown slot {{{m.group(1)}}}") from None

    return _SLOT.sub(sub, template)


def article(i: int, seed: int = 42) -> dict[str, str]:
    """Article number ``i`` of the stream for ``seed``: a JSONL record for ``kg ingest``."""
    world = load_world()
    rng = random.Random(f"{seed}:article:{i}")
    lang = rng.choice(LANGS)
    t = load_templates(lang)
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    published = date(2015, 1, 1) + timedelta(days=rng.randrange(11 * 365))
    ev = published - timedelta(days=rng.choice((0, 1, 1, 2, 3, 5)))
    idp = rng.choices(world.id_places, world.id_weights)[0]
    krp = rng.choices(world.kr_places, world.kr_weights)[0]
    agr = rng.choice(("MoU", "MoU", "LoI", "SisterCity", "JointDeclaration"))
    agr_long, agr_short = t.words(f"agreement.{agr}")
    sectors = rng.sample(world.sectors[lang], rng.randint(1, 4))
    id_head, kr_head = _head(world, seed, idp, ev.year), _head(world, seed, krp, ev.year)
    kr_city = rng.choice(world.kr_cities)
    local = [c for c in world.id_cities if c.region == idp.region]
    office = rng.choice(local or world.id_cities)
    kind_words = {"id": {"region": "Provinsi", "kr_province": "Provinsi"}, "en": {}}
    dateline_city = office if idp.level == "region" and local else idp
    kr_title = t.vocab[f"title.{krp.level}"]
    slots = {
        "IDP": idp.labels[lang],
        "KRP": krp.labels[lang],
        "IDP_TITLE": t.vocab[f"title.{idp.level}"],
        "KRP_TITLE": kr_title,
        "KRP_TITLE_LOWER": kr_title.lower(),
        "IDP_HEAD": id_head,
        "KRP_HEAD": kr_head,
        "IDP_HEAD_SHORT": id_head.split()[-1],
        "KRP_HEAD_SHORT": kr_head.split()[0],
        "IDP_KIND": kind_words[lang].get(idp.level, "Kota" if lang == "id" else ""),
        "KRP_KIND": kind_words[lang].get(krp.level, "Kota" if lang == "id" else ""),
        "ID_AGENCY": _label(rng.choice(world.agencies["ID"]), lang),
        "KR_AGENCY": _label(rng.choice(world.agencies["KR"]), lang),
        "KR_COMPANY": _label(rng.choice(world.companies["KR"]), lang),
        "OFFICE_CITY": office.labels[lang],
        "KR_CITY": kr_city.labels[lang],
        "AGR_LONG": agr_long,
        "AGR_LONG_CAP": agr_long[:1].upper() + agr_long[1:],
        "AGR_SHORT": agr_short,
        "SECTOR": sectors[0],
        "SECTOR_CAP": sectors[0].title(),
        "SECTORS": _join(sectors, t.vocab["and"]),
        "EV_DATE": _ev_date(rng, t, lang, ev, published),
        "PAST_YEAR": str(ev.year - rng.randint(2, 12)),
        "DATELINE": dateline_city.labels[lang].upper(),
        "DATELINE_CITY": dateline_city.labels[lang],
        "IDP_TITLE_LOWER": t.vocab[f"title.{idp.level}"].lower(),
        "N": str(rng.randint(5, 60)),
    }
    slots["VENUE"] = _fill(t.pick(rng, "venue"), slots, f"{lang}.txt [venue]")
    slots["AMOUNT"] = _fill(t.pick(rng, "amount"), {"N": str(rng.randint(2, 300))}, lang)
    paragraphs: list[str] = []
    used: set[str] = set()  # a paragraph template appears once per article
    for part in t.sections[f"{kind}.parts"][0].split():
        if part.endswith("?") and rng.random() < 0.5:
            continue
        name = part.rstrip("?")
        options = t.sections.get(f"{kind}.{name}") or t.sections[f"any.{name}"]
        fresh = [o for o in options if o not in used] or options
        # half the reports give two detail sentences; background paragraphs have two or three
        count = {"detail": rng.choice((1, 2)), "context": rng.choice((2, 3))}.get(name, 1)
        chosen = rng.sample(fresh, min(count, len(fresh)))
        used.update(chosen)
        where = f"{lang}.txt [{kind}.{name}]"
        paragraphs.append(" ".join(_fill(text, slots, where) for text in chosen))
    headline = _fill(t.pick(rng, f"{kind}.headline"), slots, f"{lang}.txt [headline]")
    outlet = rng.choice(t.words("outlets"))
    host = re.sub(r"[^a-z]+", "", outlet.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")[:60]
    author = f"{rng.choice(world.names['id_given'])} {rng.choice(world.names['id_family'])}"
    return {
        "url": f"https://{host}.example/{published:%Y/%m/%d}/{slug}-{i}",
        "headline": headline,
        "published": published.isoformat(),
        "outlet": outlet,
        "author": author,
        "lang": lang,
        "text": "\n\n".join(paragraphs),
    }


def generate(n: int, seed: int = 42, start: int = 0) -> Iterator[dict[str, str]]:
    """Articles ``start`` … ``start + n - 1`` of the stream for ``seed``."""
    for i in range(start, start + n):
        yield article(i, seed)


def write_jsonl(path: Path, n: int, seed: int = 42) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for rec in generate(n, seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--articles", type=int, default=1000, help="how many (default 1000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("-o", "--output", type=Path, help="JSONL file (default: standard output)")
    args = ap.parse_args(argv)
    if args.output:
        write_jsonl(args.output, args.articles, args.seed)
    else:
        for rec in generate(args.articles, args.seed):
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
