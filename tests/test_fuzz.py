"""Property-based fuzzing of the readers and the extractor: whatever the bytes, the result is
articles or clear errors naming the file (and JSONL line), never an uncaught exception.

The default run tries a few dozen cases per property (``KG_FUZZ_EXAMPLES`` changes that);
``pytest -m slow tests/test_fuzz.py`` runs the long version, at least 10,000 cases in all.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import build_graph
from kg.errors import InputError, KGError
from kg.extract import extract
from kg.lexicon import load_lexicon
from kg.model import Article
from kg.read import read_file

LEX = load_lexicon()

# Words the rules react to (titles, places, organisations, dates, triggers, Korean), so that
# random text reaches deep into the extractor instead of stopping at "no names here".
WORDS = [
    *("Gubernur", "Presiden", "Menteri Luar Negeri", "Wali Kota", "Duta Besar", "Bupati"),
    *("Jawa Barat", "Jawa Tengah", "DKI Jakarta", "Chungcheongnam-do", "Gyeonggi", "Seoul"),
    *("Korea Selatan", "Indonesia", "Busan", "Surabaya", "Karawang", "Semarang", "Bali"),
    *("MoU", "LoI", "nota kesepahaman", "menandatangani", "kerja sama", "sister city"),
    *("Kim Tae-heum", "Ridwan Kamil", "Pramono Anung", "Yoon Suk Yeol", "Park Soo-deok"),
    *("PT", "Tbk", "(Persero)", "Universitas", "Kementerian", "Pemerintah Provinsi"),
    *("Selasa (27/5/2025)", "Rabu", "kemarin", "pada 2021", "4 Juni 2025", "10:15 WIB"),
    *("signed", "governor", "met", "visited", "Acting", "former", "the", "and", "of"),
    *("서울", "충청남도", "도지사", "김태흠", "협약", "체결했다", "2025년 5월 27일", "는", "가"),
    *("Oleh", "By", "URL: https://news.example/2024/05/01/a", "JAKARTA (ANTARA) -", "--"),
    *("(", ")", ",", ".", ";", ":", "\n", "\n\n", "\t", "—", "'", '"', "&", "·", "…"),
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]
ENCODINGS += ["euc-kr", "shift_jis", "utf-32"]
TAGS = ["html", "head", "body", "title", "meta", "article", "div", "p", "span", "a", "b"]
TAGS += ["h1", "table", "tr", "td", "ul", "li", "br", "img", "script", "style", "noscript"]
TAGS += ["iframe", "svg", "math", "template", "nav", "footer", "time", "!--", "![CDATA[", "x:y"]
JUNK = ["<", "</", ">", "<!DOCTYPE html>", "&", "&#0;", "&#x110000;", "&nbsp", "]]>", "-->"]
FIELDS = ["text", "body", "content", "html", "url", "link", "headline", "title", "published"]
FIELDS += ["date", "datePublished", "outlet", "source", "author", "byline", "lang", "language"]

token = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
prose = st.lists(token, max_size=80).map(" ".join)
# one word repeated into a long line without breaks
long_line = st.tuples(st.sampled_from(WORDS), st.integers(1, 3000)).map(lambda t: t[0] * t[1])
article_text = st.one_of(prose, long_line, st.text(max_size=400))

encoded = st.tuples(article_text, st.sampled_from(ENCODINGS)).map(
    lambda t: t[0].encode(t[1], errors="replace")
)
boms = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"])
raw_bytes = st.one_of(
    st.binary(max_size=3000),
    encoded,
    st.tuples(boms, st.one_of(encoded, st.binary(max_size=500))).map(b"".join),
)


def _element(tag: str, attrs: list[tuple[str, str]], kids: list[str], close: bool) -> str:
    attr = "".join(f' {k}="{v}"' for k, v in attrs)
    return f"<{tag}{attr}>{''.join(kids)}" + (f"</{tag}>" if close else "")


html_text = st.recursive(
    st.one_of(prose, st.sampled_from(JUNK)),
    lambda kids: st.builds(
        _element,
        st.sampled_from(TAGS),
        st.lists(
            st.tuples(st.sampled_from(["class", "content", "name", "href"]), token), max_size=2
        ),
        st.lists(kids, max_size=5),
        st.booleans(),
    ),
    max_leaves=60,
)
# pages nested thousands deep, as broken scrapers and tag soup produce
deep_html = st.tuples(st.sampled_from(TAGS), st.integers(1, 5000), prose, st.booleans()).map(
    lambda t: f"<{t[0]}>" * t[1] + t[2] + (f"</{t[0]}>" * t[1] if t[3] else "")
)
html_bytes = st.one_of(html_text, deep_html).map(lambda h: h.encode("utf-8", "surrogatepass"))

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), prose),
    lambda kids: st.one_of(st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=8), kids)),
    max_leaves=10,
)
record = st.dictionaries(st.sampled_from(FIELDS), st.one_of(json_value, prose), max_size=6)
jsonl_line = st.one_of(
    record.map(json.dumps).map(str.encode),
    json_value.map(json.dumps).map(str.encode),
    st.text(max_size=60).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=60).filter(lambda b: b"\n" not in b),
)
jsonl_bytes = st.lists(jsonl_line, max_size=8).map(b"\n".join)


# --- the properties -----------------------------------------------------------------------


def _graph_of(article: Article) -> None:
    """Extraction and the article graph: never an exception other than a clear KGError."""
    try:
        ex = extract(article, LEX)
        build_graph(ex)
    except KGError:
        return
    n = len(article.text)
    assert all(0 <= a <= b <= n for e in ex.entities.values() for a, b in e.mentions)


def _read(workdir: Path, suffix: str, data: bytes) -> list[Article | InputError]:
    path = workdir / f"case{suffix}"
    path.write_bytes(data)
    items = list(read_file(path, LEX))
    for item in items:
        assert isinstance(item, Article | InputError), item
        if isinstance(item, InputError):
            assert str(item).startswith(f"{path}:"), str(item)  # names the file
            assert item.problem and "\n" not in item.problem  # one clear line
            assert "Traceback" not in item.problem
        else:
            _graph_of(item)
    return items


def check_any_bytes(workdir: Path, suffix: str, data: bytes) -> None:
    items = _read(workdir, suffix, data)
    if suffix != ".jsonl":
        assert len(items) == 1


def check_html(workdir: Path, data: bytes) -> None:
    assert len(_read(workdir, ".html", data)) == 1


def check_jsonl(workdir: Path, data: bytes) -> None:
    items = _read(workdir, ".jsonl", data)
    lines = [n for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip()]
    if len(items) == 1 and isinstance(items[0], InputError) and items[0].line is None:
        return  # one error for the whole file (binary, UTF-16 …)
    assert len(items) == len(lines)  # one article or one error per line, in order
    for n, item in zip(lines, items, strict=True):
        if isinstance(item, InputError):
            assert item.line == n and str(item).startswith(f"{workdir / 'case.jsonl'}:{n}: ")
        else:
            assert item.source == f"{workdir / 'case.jsonl'}:{n}"


def check_extract(text: str, lang: str, published: str | None) -> None:
    _graph_of(Article(text=text, source="fuzz", published=published, lang=lang))


# name -> (strategies, check, takes a work folder)
PROPERTIES: dict[str, tuple[tuple[st.SearchStrategy, ...], Callable[..., None], bool]] = {
    "bytes-as-txt": ((st.just(".txt"), raw_bytes), check_any_bytes, True),
    "bytes-as-html": ((st.just(".html"), raw_bytes), check_any_bytes, True),
    "bytes-as-jsonl": ((st.just(".jsonl"), raw_bytes), check_any_bytes, True),
    "html": ((html_bytes,), check_html, True),
    "jsonl": ((jsonl_bytes,), check_jsonl, True),
    "extract": (
        (
            article_text,
            st.sampled_from(["id", "en", "ko", "xx"]),
            st.one_of(st.none(), st.sampled_from(["2025-05-28", "2019", "2024-02"])),
        ),
        check_extract,
        False,
    ),
}
DEFAULT_EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "25"))
SLOW_TOTAL = 10_000


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def run_property(name: str, workdir: Path, examples: int) -> int:
    """Run one property for ``examples`` cases; returns how many cases ran."""
    strategies, check, needs_dir = PROPERTIES[name]
    ran = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.tuples(*strategies))
    def prop(args: tuple) -> None:
        nonlocal ran
        ran += 1
        check(workdir, *args) if needs_dir else check(*args)

    prop()
    return ran


@pytest.mark.parametrize("name", PROPERTIES)
def test_fuzz(name: str, workdir: Path) -> None:
    assert run_property(name, workdir, DEFAULT_EXAMPLES) >= DEFAULT_EXAMPLES


@pytest.mark.slow
@pytest.mark.parametrize("name", PROPERTIES)
def test_fuzz_slow(name: str, workdir: Path) -> None:
    each = math.ceil(SLOW_TOTAL / len(PROPERTIES))
    assert run_property(name, workdir, each) >= each  # ≥ 10,000 cases over all properties


# --- what the fuzzing found, and the cases it cannot reach -------------------------------

ARTICLE = (
    "Gubernur Jawa Barat Terima Delegasi Gyeonggi-do\n\n"
    "Bandung - Gubernur Jawa Barat menerima delegasi Provinsi Gyeonggi-do di Gedung Sate, "
    "Bandung, pada Selasa (27/5/2025). Kedua provinsi membahas kerja sama pendidikan vokasi "
    "dan pertukaran pelajar.\n"
)


def _items(path: Path, data: bytes, **kw) -> list[Article | InputError]:
    path.write_bytes(data)
    return list(read_file(path, LEX, **kw))


def test_deeply_nested_jsonl_line_is_a_line_error(tmp_path: Path) -> None:
    """Regression: json.loads raised RecursionError on a line of 100,000 '['."""
    good = json.dumps({"text": ARTICLE}).encode()
    items = _items(tmp_path / "f.jsonl", b"[" * 100_000 + b"\n" + good + b"\n")
    assert isinstance(items[0], InputError) and items[0].line == 1
    assert "nested too deeply" in str(items[0])
    assert isinstance(items[1], Article)  # the batch goes on


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1"]
)
def test_wrong_encodings_read_the_same_article(tmp_path: Path, encoding: str) -> None:
    text = ARTICLE.replace("Gedung Sate", "Gedung Saté")  # one non-ASCII letter
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(encoding)  # UTF-16 without BOM cannot be told apart
    (item,) = _items(tmp_path / "a.txt", data)
    assert isinstance(item, Article), item
    assert item.headline == "Gubernur Jawa Barat Terima Delegasi Gyeonggi-do"
    assert "Gedung Saté" in item.text


def test_utf16_without_bom_and_binary_files_are_named(tmp_path: Path) -> None:
    for name, data in [
        ("a.txt", ARTICLE.encode("utf-16-le")),
        ("b.html", bytes(range(256)) * 40),
        ("c.txt", b"\x89PNG\r\n\x1a\n" + bytes(1000)),
    ]:
        (item,) = _items(tmp_path / name, data)
        assert isinstance(item, InputError) and "binary file" in str(item)
        assert str(item).startswith(str(tmp_path / name))


def test_binary_and_utf16_jsonl_give_one_error_for_the_file(tmp_path: Path) -> None:
    (item,) = _items(tmp_path / "a.jsonl", bytes(range(256)) * 100)
    assert isinstance(item, InputError) and item.line is None and "binary file" in str(item)
    utf16 = (json.dumps({"text": ARTICLE}) + "\n").encode("utf-16")
    (item,) = _items(tmp_path / "b.jsonl", utf16)
    assert isinstance(item, InputError) and "must be UTF-8" in str(item)
    # a NUL inside one line of real JSON Lines is that line's error, not the file's
    good = json.dumps({"text": ARTICLE}).encode()
    items = _items(tmp_path / "c.jsonl", good + b"\n" + b'{"text": "\x00"}\n' + good)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert items[1].line == 2


def test_size_limit_for_files_and_jsonl_lines(tmp_path: Path) -> None:
    (item,) = _items(tmp_path / "a.txt", ARTICLE.encode(), max_bytes=100)
    assert isinstance(item, InputError)
    assert "file too large" in str(item) and "--max-bytes" in str(item)
    line = json.dumps({"text": ARTICLE}).encode()
    long = json.dumps({"text": ARTICLE * 20}).encode()
    items = _items(tmp_path / "b.jsonl", line + b"\n" + long + b"\n" + line, max_bytes=1000)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "Article"]
    assert items[1].line == 2 and f"line too long ({len(long) + 1} bytes" in str(items[1])
    assert items[2].source.endswith(":3")  # line numbers stay right after a skipped line


def test_huge_lines_and_deep_html(tmp_path: Path) -> None:
    # a 2 MB line with no breaks: read, not extracted here (extraction time is linear)
    (item,) = _items(tmp_path / "a.txt", b"kerja sama " * 200_000)
    assert isinstance(item, Article) and len(item.text) == 2_200_000
    deep = "<div>" * 100_000 + ARTICLE + "</div>" * 100_000
    (item,) = _items(tmp_path / "b.html", deep.encode())
    assert isinstance(item, Article | InputError)
    broken = "<html><body><p>" + ARTICLE + "<table><tr><td><p><b><i></div></span><<<&&&"
    (item,) = _items(tmp_path / "c.html", broken.encode())
    assert isinstance(item, Article) and "Gyeonggi-do" in item.text


def test_cli_batch_goes_on_names_each_failure_and_exits_1(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b-binary.txt").write_bytes(bytes(range(256)) * 10)
    (folder / "c-feed.jsonl").write_bytes(b'{"text": 5}\n{"title": "x"}\nnot json\n')
    (folder / "d-big.txt").write_text(ARTICLE * 25, encoding="utf-8")
    store = str(tmp_path / "kg-store")
    res = CliRunner(env={"KG_MAX_BYTES": "5000"}).invoke(
        main, ["--store", store, "ingest", str(folder)]
    )
    assert res.exit_code == 1
    errors = [ln for ln in res.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 5
    assert any(f"{folder / 'b-binary.txt'}: binary file" in e for e in errors)
    assert sum(f"{folder / 'c-feed.jsonl'}:" in e for e in errors) == 3
    assert any(f"{folder / 'd-big.txt'}: file too large" in e for e in errors)
    assert "1 articles" in res.output and "5 failed" in res.output
    res = CliRunner(env={"KG_MAX_BYTES": "5000"}).invoke(
        main, ["--store", store, "ingest", "--fail-fast", "--max-bytes", "100000", str(folder)]
    )
    assert res.exit_code == 1
    errors = [ln for ln in res.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "b-binary.txt" in errors[0]  # stopped at the first failure
    assert "1 articles" in res.output
