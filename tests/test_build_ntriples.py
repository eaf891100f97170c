"""build_ntriples (the ingest path): the same triples as build_graph, pinned by a golden
file, and clear per-article errors for article data that cannot be RDF.

``tests/data/build-golden.json`` holds the canonical N-Triples of the cases below as the
rdflib builder made them before the ingest path stopped building rdflib graphs; write it
again (after an intended change to the data model) with
``python tests/test_build_ntriples.py --write-golden``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runner import run
from test_build import TEXT, ev, sample_extraction

from kg import build
from kg.errors import InputError
from kg.extract import extract
from kg.model import Event, Extraction, Post
from kg.read import iter_articles

GOLDEN = Path(__file__).parent / "data" / "build-golden.json"
ARTICLES = Path(__file__).parent / "articles"


def _awkward_text() -> str:
    quote = 'Kutipan: "LoI ini \\ awal"\tkata\r\nnya.'
    return TEXT + f"\n\n{quote} 충청남도 도지사 김태흠. \u2028 akhir"


def golden_cases() -> dict[str, Extraction]:
    """Hand-made extractions covering every kind of statement and literal."""
    cases = {"sample": sample_extraction()}
    cases["english-month"] = sample_extraction(
        lang="en", published="2025-05", url="https://example.org/en/1"
    )
    ko = sample_extraction(lang="ko", url="https://example.org/ko/김태흠?q=1&r=2#x")
    ko.posts.append(
        Post(
            "person/kim-tae-heum",
            "도지사",
            "governor",
            "governor",
            "region/KR-44",
            modifier="former",
            evidence=[ev(sample_text_sentence(), "post.role-person-org", 0.6)],
        )
    )
    ko.events.append(
        Event("Visit", date="2025-05-26/2025-05-28", participants=["person/kim-tae-heum"])
    )
    cases["korean-former-range"] = ko
    odd = sample_extraction(
        text=_awkward_text(),
        url=None,
        headline='Judul "dengan" kutip\\garis',
        author=None,
        outlet=None,
        published=None,
        lang=None,
    )
    cases["no-metadata-escapes"] = odd
    return cases


def sample_text_sentence() -> str:
    return "Acara itu juga dihadiri Pj. Sekretaris Daerah DKI Jakarta Marullah Matali."


def canonical(ntriples: bytes) -> list[str]:
    return sorted({str(t) for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)})


def _golden_of(ex: Extraction) -> dict[str, object]:
    g = build.build_graph(ex)
    return {"graph": str(g.identifier), "triples": canonical(g.serialize(format="nt").encode())}


@pytest.mark.parametrize("name", sorted(golden_cases()))
def test_same_triples_as_the_golden_file(name: str) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    ex = golden_cases()[name]
    built = build.build_ntriples(ex)
    assert built.iri == expected["graph"]
    assert canonical(built.ntriples) == expected["triples"]
    assert built.triples == len(expected["triples"])  # each triple once
    assert _golden_of(ex) == expected  # build_graph: the same


def test_golden_file_covers_every_case() -> None:
    assert sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))) == sorted(golden_cases())


@pytest.mark.parametrize("path", sorted(ARTICLES.glob("*.txt")), ids=lambda p: p.name)
def test_ntriples_equal_build_graph_on_own_articles(path: Path) -> None:
    (article,) = list(iter_articles([path]))
    ex = extract(article)
    built = build.build_ntriples(ex)
    g = build.build_graph(ex)
    assert built.iri == str(g.identifier)
    assert built.triples == len(g)
    assert canonical(built.ntriples) == canonical(g.serialize(format="nt").encode())


def test_lines_end_the_way_the_store_splits_them() -> None:
    # the embedded store turns N-Triples into N-Quads by rewriting each " .\n"
    nt = build.build_ntriples(golden_cases()["no-metadata-escapes"]).ntriples
    lines = nt.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert all(line.endswith(" .") for line in lines[:-1])
    assert nt.count(b" .\n") == len(lines) - 1


def test_lone_percent_in_url_is_escaped() -> None:
    ex = sample_extraction(url="https://example.org/diskon-100%-hari ini")
    built = build.build_ntriples(ex)
    assert b"<https://example.org/diskon-100%25-hari%20ini>" in built.ntriples


def test_brackets_outside_the_host_are_escaped() -> None:
    ex = sample_extraction(url="https://[2001:db8::1]/berita?tag[]=ri&x=[a]")
    built = build.build_ntriples(ex)
    assert b"<https://[2001:db8::1]/berita?tag%5B%5D=ri&x=%5Ba%5D>" in built.ntriples


@pytest.mark.parametrize("url", ["kompas.com/berita/1", "no url at all", "http://x:port/"])
def test_url_that_is_not_an_absolute_iri_fails_the_article(url: str) -> None:
    ex = sample_extraction(url=url, source="feed.jsonl:3")
    with pytest.raises(InputError, match=r"^feed\.jsonl:3: url .* is not an absolute URL"):
        build.build_ntriples(ex)
    with pytest.raises(InputError):
        build.build_graph(ex)


def test_unpaired_surrogate_fails_the_article() -> None:
    ex = sample_extraction(headline="bad \ud800 headline", source="feed.jsonl:4")
    with pytest.raises(InputError, match="not valid Unicode"):
        build.build_ntriples(ex)


def test_bad_url_is_one_article_error_and_the_rest_is_stored(tmp_path: Path) -> None:
    text = (ARTICLES / "jabar-gyeonggi-2025.txt").read_text(encoding="utf-8")
    lines = [
        {"url": "https://example.org/a", "text": text},
        {"url": "example.org/b", "text": text},
        {"url": "https://example.org/c", "text": text},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    res = run("--store", str(store), "ingest", "--no-consolidate", str(feed), ok=False)
    assert res.exit_code == 1
    assert f"{feed}:2: url 'example.org/b' is not an absolute URL" in res.output
    assert res.output.count(f"{feed}:2") == 1
    res = run("--store", str(store), "stats", "--json")
    assert json.loads(res.output)["articles"] == 2


def write_golden() -> None:
    data = {name: _golden_of(ex) for name, ex in golden_cases().items()}
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write-golden"]:
        sys.exit("usage: python tests/test_build_ntriples.py --write-golden")
    sys.path.insert(0, str(Path(__file__).parent))
    write_golden()


def test_unpaired_surrogate_from_jsonl_is_that_lines_error(tmp_path: Path) -> None:
    text = (ARTICLES / "jabar-gyeonggi-2025.txt").read_text(encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    line = json.dumps({"url": "https://example.org/s", "text": text[:300] + "\ud800" + text[300:]})
    assert "\\ud800" in line  # json.dumps escapes it; json.loads gives it back unpaired
    feed.write_text(line + "\n", encoding="utf-8")
    res = run("--store", "memory", "ingest", "--no-consolidate", str(feed), ok=False)
    assert res.exit_code == 1
    assert f"{feed}:1: text is not valid Unicode (an unpaired surrogate)" in res.output


@pytest.mark.parametrize("name", sorted(golden_cases()))
def test_ntriples_are_what_pyoxigraph_writes(name: str) -> None:
    """build_ntriples writes each term's str itself: byte for byte pyoxigraph's own
    N-Triples of the same triples, in the same order (escapes included)."""
    ex = golden_cases()[name]
    triples = build._Builder(ex, build.DEFAULT_BASE, "0").triples
    expected = ox.serialize([ox.Triple(*t) for t in triples], format=ox.RdfFormat.N_TRIPLES)
    assert build.build_ntriples(ex, version="0").ntriples == expected


def test_ntriples_escape_every_control_character() -> None:
    text = "".join(chr(i) for i in range(1, 160) if chr(i) not in "\r") + ' "q" \\ \u2028'
    ex = sample_extraction(text=TEXT + "\n\n" + text, headline=text)
    triples = build._Builder(ex, build.DEFAULT_BASE, "0").triples
    expected = ox.serialize([ox.Triple(*t) for t in triples], format=ox.RdfFormat.N_TRIPLES)
    assert build.build_ntriples(ex, version="0").ntriples == expected
    assert canonical(expected) == canonical(build.build_ntriples(ex, version="0").ntriples)
