"""Readers: plain text, HTML, JSONL, and bad input with clear messages."""

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.read import detect_language, iter_articles, read_file

TXT = """Gubernur Jawa Tengah Terima Delegasi Gyeongsangnam-do

Oleh Siti Rahma, Rabu, 4 Juni 2025 | 10:15 WIB - Redaktur: Adi P

Semarang - Gubernur Jawa Tengah menerima kunjungan delegasi Provinsi Gyeongsangnam-do di Semarang.
URL: https://news.example/2025/06/04/jateng-gyeongnam
"""


def _one(path: Path):
    items = list(read_file(path))
    assert len(items) == 1
    return items[0]


def test_plain_text_metadata(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(TXT, encoding="utf-8")
    art = _one(p)
    assert art.headline == "Gubernur Jawa Tengah Terima Delegasi Gyeongsangnam-do"
    assert art.published == "2025-06-04"
    assert art.published_time == "2025-06-04T10:15:00+07:00"
    assert art.author == "Siti Rahma"
    assert art.url == "https://news.example/2025/06/04/jateng-gyeongnam"
    assert art.lang == "id"
    assert art.outlet == "news.example"  # no dateline credit: the URL's host
    # identity comes from the URL, so a re-read gives the same id
    assert art.identity == _one(p).identity


def test_outlet_from_the_dateline_credit(tmp_path: Path) -> None:
    p = tmp_path / "b.txt"
    p.write_text(
        "Judul\n\nJakarta, InfoPublik - Gubernur Bali menerima tamu dari Korea Selatan.\n",
        encoding="utf-8",
    )
    assert _one(p).outlet == "InfoPublik"
    p.write_text(
        "Judul\n\nJAKARTA (ANTARA) - Menlu bertemu Menlu Korea Selatan di Jakarta pada Senin.\n",
        encoding="utf-8",
    )
    assert _one(p).outlet == "ANTARA"


def test_html_through_trafilatura(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Seoul and Jakarta sign pact</title>"
        '<meta name="author" content="Lee Min-ji">'
        '<meta property="article:published_time" content="2024-03-05T09:00:00+09:00">'
        "</head><body><nav>Home | World</nav><article><h1>Seoul and Jakarta sign pact</h1>"
        "<p>JAKARTA -- The governments of Seoul and Jakarta signed a memorandum of "
        "understanding on smart-city cooperation on Tuesday, officials said.</p>"
        "<p>The agreement covers transport and digital services for residents.</p>"
        "</article><footer>Copyright</footer></body></html>"
    )
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    art = _one(p)
    assert art.headline == "Seoul and Jakarta sign pact"
    assert art.published == "2024-03-05"
    assert "smart-city cooperation" in art.text
    assert "Home | World" not in art.text
    assert art.lang == "en"


def test_jsonl_lines_and_line_numbered_errors(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    good = {
        "url": "https://x.example/1",
        "headline": "Indonesia dan Korea Selatan perkuat kerja sama",
        "published": "2023-07-01",
        "outlet": "Contoh",
        "text": "Menteri Luar Negeri Retno Marsudi bertemu Menteri Luar Negeri Park Jin.",
    }
    lines = [json.dumps(good), "{not json", json.dumps({"url": "u"}), "[1, 2]", ""]
    p.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_file(p))
    arts = [i for i in items if not isinstance(i, InputError)]
    errs = [i for i in items if isinstance(i, InputError)]
    assert len(arts) == 1 and arts[0].published == "2023-07-01" and arts[0].outlet == "Contoh"
    assert arts[0].text.startswith(good["headline"])
    assert [(e.line, e.problem.split(" (")[0]) for e in errs] == [
        (2, "invalid JSON"),
        (3, "no 'text' or 'html' field with article text"),
        (4, "expected a JSON object per line"),
    ]
    assert str(errs[0]).startswith(f"{p}:2: ")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n  ", "empty file"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary file"),
        ("dots.txt", b"... --- ...", "no article text"),
        ("note.txt", b"todo: call Budi\n", "not an article: only 3 words"),
        ("numbers.txt", b"12, 13, 14\n15, 16, 17\n", "not an article: only 0 words"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_get_one_clear_error(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    item = _one(p)
    assert isinstance(item, InputError)
    assert item.path == str(p)
    assert problem in item.problem


def test_utf16_and_bom_are_read(tmp_path: Path) -> None:
    p = tmp_path / "u16.txt"
    p.write_bytes(
        "Gubernur Bali bertemu delegasi Provinsi Jeju di Denpasar pada Senin pagi.".encode("utf-16")
    )
    assert _one(p).text.startswith("Gubernur Bali")
    p2 = tmp_path / "bom.txt"
    p2.write_bytes(
        b"\xef\xbb\xbf"
        + b"Wali Kota Surabaya berangkat ke Busan untuk menghadiri peringatan kota kembar."
    )
    assert _one(p2).text.startswith("Wali Kota")


def test_folders_are_walked_and_missing_paths_reported(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(
        "Gubernur Bali bertemu Gubernur Jeju di Denpasar untuk membahas pariwisata.",
        encoding="utf-8",
    )
    (tmp_path / "skip.pdf").write_bytes(b"%PDF")
    items = list(iter_articles([tmp_path, tmp_path / "missing.txt"]))
    assert len(items) == 2
    assert items[0].headline.startswith("Gubernur Bali")
    assert isinstance(items[1], InputError) and "no such file" in items[1].problem


def test_language_detection() -> None:
    assert detect_language("Gubernur menandatangani nota kesepahaman dengan Korea.") == "id"
    assert detect_language("The governor signed the agreement with the mayor.") == "en"
    assert detect_language("김태흠 충남도지사는 자카르타를 방문했다.") == "ko"


# --------------------------------------------------------------------------- publication date


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.co.id/2025/05/27/gubernur-teken-loi", "2025-05-27"),
        ("https://www.example.com/read/20250527/jakarta-chungnam", "2025-05-27"),
        ("https://en.example.kr/view/AEN20221114007800320", "2022-11-14"),
        ("https://example.id/berita/2024-10-03-pabrik-kaca-batang", "2024-10-03"),
        ("https://example.com/news/2019/0730/busan-surabaya", "2019-07-30"),
        ("https://blog.example.id/2023/03/kerja-sama-kampus.html", "2023-03"),
        # ids that only look like numbers: no date
        ("https://example.kr/?mod=news&idxno=1006410&sc_code=1424856045", None),
        ("https://example.com/nasional/287824/menlu-bertemu", None),
        ("https://example.com/2023/13/45/x", None),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    from kg.read import url_date

    assert url_date(url) == expected


def test_published_from_url_metadata(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(
        "Menlu RI bertemu Menlu Korea Selatan\n\nMenteri Luar Negeri Retno Marsudi bertemu "
        "Menteri Luar Negeri Korea Selatan Park Jin di Jakarta, Kamis.\n",
        encoding="utf-8",
    )
    (art,) = read_file(p, url="https://example.id/2022/07/28/menlu-bertemu")
    assert art.published == "2022-07-28"
    assert art.url.endswith("menlu-bertemu")
    # no date anywhere: none is made up from the weekday
    (art,) = read_file(p)
    assert art.published is None


def test_a_body_date_is_not_the_publication_date(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text(
        "Solo dan Gimhae jajaki kota kembar\n\nWali Kota Solo menerima Duta Besar Korea "
        "Selatan di Balai Kota Solo. Kedua pihak membahas kerja sama kota kembar yang "
        "pertama kali dibicarakan pada pertemuan di Bali, Rabu (16/11/2022), dan berlanjut "
        "tahun ini.\n",
        encoding="utf-8",
    )
    assert _one(p).published is None


def test_copyright_year_is_the_last_resort(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    body = (
        "Korean firm to build cable plant in Cilegon\n\nA South Korean cable maker signed an "
        "agreement with the Banten provincial government on Monday to build a plant.\n"
        "Editor: Someone\n"
    )
    p.write_text(body + "Copyright © ANTARA 2013\n", encoding="utf-8")
    assert _one(p).published == "2013"
    # a URL with a full date says more than the copyright line
    (art,) = read_file(p, url="https://example.com/news/2013/04/15/cable-plant")
    assert art.published == "2013-04-15"


def test_korean_input_line(tmp_path: Path) -> None:
    p = tmp_path / "ko.txt"
    p.write_text(
        "충남도, 자카르타주와 교류 확대\n\n김태흠 충남도지사가 27일 자카르타 시청에서 "
        "프라모노 아능 자카르타 주지사와 의향서에 서명했다.\n\n"
        "홍길동 기자 입력 2025.05.28 14:32 수정 2025.05.29 09:00\n",
        encoding="utf-8",
    )
    art = _one(p)
    assert art.published == "2025-05-28"
    assert art.lang == "ko"


def test_numeric_date_line_read_month_first_when_the_report_says_so(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    text = (
        "Kunjungan Gubernur Jawa Timur ke Korea Selatan\n\n{line}\n\nSiaran Pers\n\n"
        "Gubernur Jawa Timur melakukan kunjungan kerja ke Busan tanggal 27 - 30 "
        "September 2012 dan bertemu Wali Kota Busan.\n"
    )
    # 10/8/2012 read day-first (10 August) would precede the visit it reports
    p.write_text(text.format(line="10/8/2012"), encoding="utf-8")
    assert _one(p).published == "2012-10-08"
    # 3/10/2012 day-first (3 October) follows the visit: kept as written
    p.write_text(text.format(line="3/10/2012"), encoding="utf-8")
    assert _one(p).published == "2012-10-03"


@pytest.mark.parametrize(
    "published",
    ["2024-05-03", "1999-12-31", "2024-02-30", "2024-5-3", "1850-01-01", "2024-05-03 14:30 WIB"],
)
def test_a_published_field_reads_as_parse_header_date_says(published: str) -> None:
    """A plain ISO day is taken as it is (without the date patterns); every published
    value gives what parse_header_date (or its fallback) makes of it."""
    from kg.dates import parse_header_date
    from kg.lexicon import load_lexicon
    from kg.read import article_from_text

    text = "Gubernur Jawa Barat menerima delegasi Provinsi Chungcheong Selatan di Bandung."
    art = article_from_text(text, "x.txt", published=published)
    parsed = parse_header_date(published, load_lexicon())
    if parsed is not None:
        assert (art.published, art.published_time) == parsed
    else:
        assert art.published_time is None
