"""Read articles from .txt, .html/.htm and .jsonl files.

``iter_articles(paths)`` yields :class:`Article` objects or :class:`InputError` values
(one per unreadable file or JSONL line) so a batch goes on past bad input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from .dates import find_dates, parse_header_date
from .errors import InputError
from .lexicon import Lexicon, load_lexicon
from .model import Article

SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
MAX_BYTES = 20 * 1024 * 1024  # per file (.txt, .html) or per line (.jsonl)
LIMIT_HINT = "raise it with --max-bytes or KG_MAX_BYTES"
MIN_WORDS = 8  # a headline alone, a stray note or a number list is not an article
_WORD = re.compile(r"[^\W\d_]{2,}")
_ISO_DAY = re.compile(r"(?:19|20)\d\d-\d\d-\d\d")


def _valid_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_BYLINE = re.compile(
    r"^\s*(?:[•·*-]\s*)?(?:Oleh|By|Penulis|Reporter|Pewarta|Editor|Redaktur|Writer)\b[:\s]",
    re.I | re.M,
)
_URL_LINE = re.compile(r"^\s*(?:URL|Sumber|Source|Link)\s*:\s*(https?://\S+)\s*$", re.I | re.M)
_ANY_URL = re.compile(r"https?://[^\s)>\]]+")
_ID_WORDS = re.compile(r"\b(?:yang|dan|di|dengan|untuk|ini|dalam|tersebut|kerja|pada)\b", re.I)
_EN_WORDS = re.compile(r"\b(?:the|and|of|to|in|with|for|said|was|on)\b", re.I)


def detect_language(text: str) -> str:
    """'ko', 'id' or 'en' from script and function-word counts."""
    hangul = len(re.findall(r"[\uac00-\ud7a3]", text))
    if hangul > 0.15 * max(1, len(re.findall(r"\w", text))):
        return "ko"
    return "id" if len(_ID_WORDS.findall(text)) >= len(_EN_WORDS.findall(text)) else "en"


def decode(data: bytes, path: str) -> str:
    """Bytes → text; refuses binary files with a clear message."""
    if not data.strip():
        raise InputError(path, "empty file: no article text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not an article (expected UTF-8 text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    if controls > len(text) * 0.01 or text.count("\ufffd") > len(text) * 0.01:
        raise InputError(path, "binary file, not an article (expected UTF-8 text)")
    return text


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def article_from_text(
    text: str, source: str, lex: Lexicon | None = None, **meta: str | None
) -> Article:
    """Build an article from plain text, reading headline/byline/date/URL lines."""
    lex = lex or load_lexicon()
    text = _normalise(text)
    if not re.search(r"\w{2,}", text):
        raise InputError(source, "no article text (only whitespace or punctuation)")
    # (counted up to MIN_WORDS: an article has thousands, and only fewer are reported)
    words = sum(1 for _ in islice(_WORD.finditer(text), MIN_WORDS))
    if words < MIN_WORDS:
        raise InputError(
            source, f"not an article: only {words} words (at least {MIN_WORDS} expected)"
        )
    lines = text.split("\n")
    headline = meta.get("headline")
    if not headline:
        headline = next((ln.strip() for ln in lines if ln.strip()), None)
    published = meta.get("published")
    published_time = None
    if published and _ISO_DAY.fullmatch(published) and _valid_day(published):
        published_time = None  # what parse_header_date gives for a plain valid ISO day
    elif published:
        parsed = parse_header_date(published, lex)
        if parsed:
            published, published_time = parsed
        else:
            m = re.match(r"((?:19|20)\d\d)(?:-(\d\d))?", published)
            published = m.group(0) if m else None
    author = meta.get("author")
    url = meta.get("url")
    if not url:
        m = _URL_LINE.search(text)
        url = m.group(1) if m else None
    if not published:
        published, published_time = _published_from(text, lines, url, lex)
    if not author:
        m = re.search(r"^\s*(?:Oleh|By)\s+([^,|\n]{2,60}?)\s*(?:[,|]|$)", text, re.M)
        author = m.group(1).strip() if m else None
    outlet = meta.get("outlet")
    if not outlet:
        # dateline credit: "Jakarta, InfoPublik - ", "JAKARTA (ANTARA) - ", "(Seoul=Yonhap)"
        m = re.search(
            r"^[ \t]*[A-Z][A-Za-z .]{1,25}(?:,[ \t]*([A-Z][\w.]+(?:[ \t][A-Z][\w.]+)?)|"
            r"[ \t]*\(([A-Z][\w .]{1,25})\))[ \t]*[-–—]{1,2}[ \t]",
            text,
            re.M,
        )
        if m:
            outlet = m.group(1) or m.group(2)
        elif url:
            host = re.match(r"https?://(?:www\.)?([^/:]+)", url)
            outlet = host.group(1) if host else None
    return Article(
        text=text,
        source=source,
        url=url,
        headline=headline,
        published=published,
        published_time=published_time,
        outlet=outlet,
        author=author,
        lang=meta.get("lang") or detect_language(text),
    )


# "Diterbitkan: …", "Published on …", Korean "입력 2025.05.27 14:32", "기사입력", "등록", "승인"
_PUBLISHED_LINE = re.compile(
    r"(?im)^[ \t\u00a0]*(?:[•·*|-][ \t\u00a0]*)?(?:\S+[ \t]+기자[ \t]+)?"
    r"(?:입력|기사입력|최초입력|등록|기사등록|승인|게재|발행|"
    r"Published(?:[ \t]+on)?|Posted(?:[ \t]+on)?|Diterbitkan|"
    r"Dipublikasikan|Dipublikasi|Tanggal|Date)[ \t]*:?[ \t]*(.{6,60})$"
)
# "Copyright © ANTARA 2011", "© 2019 The Jakarta Post", "Hak Cipta © 2020"
_COPYRIGHT = re.compile(
    r"(?im)^[ \t\u00a0]*(?:copyright|hak[ \t]+cipta)?[ \t]*(?:©|\(c\)|copyright)"
    r"[^\n\d]{0,40}?((?:19|20)\d\d)(?![\d-])[^\n\d]{0,40}$"
)


def url_date(url: str) -> str | None:
    """The date a news URL carries: /2025/05/27/, /20250527, -2025-05-27-, an id such as
    AEN20221114007800320, or the month alone (/2023/03/slug)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    y = r"((?:19|20)\d\d)"
    mo = r"(0?[1-9]|1[0-2])"
    d = r"(0?[1-9]|[12]\d|3[01])"
    for rx in (
        rf"(?<!\d){y}[/_.-]{mo}[/_.-]{d}(?!\d)",  # /2025/05/27/, 2025-05-27
        rf"(?<!\d){y}(0[1-9]|1[0-2])([0-2]\d|3[01])(?!\d)",  # /20250527, 20250527-slug
        rf"(?<=[A-Za-z]){y}(0[1-9]|1[0-2])([0-2]\d|3[01])\d{{4,}}(?!\d)",  # AEN20221114007800320
        rf"/{y}/(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/",  # /2025/0527/
    ):
        m = re.search(rx, path)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
    m = re.search(rf"/{y}/{mo}(?:/|$)", path)  # /2023/03/slug.html: the month only
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def _published_from(
    text: str, lines: list[str], url: str | None, lex: Lexicon
) -> tuple[str | None, str | None]:
    """The publication date an article states about itself, most trusted first: a
    "published"/"입력" line, the byline or date line under the headline, a full date in the
    URL, a wire dateline, the URL's month, the copyright year. Never a date in the body
    prose: that is when things happened, not when they were reported."""
    for m in _PUBLISHED_LINE.finditer(text):
        parsed = parse_header_date(m.group(1), lex)
        if parsed:
            return parsed
    # header area: the first lines after the headline carry byline and date
    for n, ln in enumerate(lines[:12]):
        # a byline, a date/time line, or a line that is little more than a date;
        # never body prose or a photo caption that happens to hold a date
        if re.search(r"(?i)\b(?:foto|photo)\s*:", ln):
            continue
        if (
            _BYLINE.match(ln)
            or re.search(r"\b(?:WIB|WITA|WIT|KST)\b", ln)
            or (len(ln.strip()) <= 60 and re.search(r"\d{4}", ln))
        ):
            parsed = parse_header_date(ln, lex) if len(ln) < 200 else None
            if parsed:
                day = _month_first_if_consistent(ln, parsed[0], "\n".join(lines[n + 1 :]), lex)
                return (day, None) if day != parsed[0] else parsed
    from_url = url_date(url) if url else None
    if from_url and len(from_url) == 10:
        return from_url, None
    # wire dateline: "SEOUL, July 28, 2023 (Yonhap) -- ...", "JAKARTA, 5 Juni 2024 -"
    m = re.search(r"^[ \t]*[A-Z][A-Za-z .]{1,25},([^\n]{4,40}?)[-–—]{1,2}[ \t]", text, re.M)
    parsed = parse_header_date(m.group(1), lex) if m else None
    if parsed:
        return parsed
    years = [cm.group(1) for cm in _COPYRIGHT.finditer(text)]
    year = from_url[:4] if from_url else (years[-1] if years else None)
    if m and year:
        # "SEOUL, Nov. 14 (Yonhap)" with the year from the URL or the copyright line
        md = re.search(
            r"\b([A-Za-z]{3,9})\.?[ \t]+(\d{1,2})\b|\b(\d{1,2})[ \t]+([A-Za-z]{3,9})\b", m.group(1)
        )
        mon = (md.group(1) or md.group(4)).lower() if md else None
        if mon in lex.months:
            try:
                return date(
                    int(year), lex.months[mon], int(md.group(2) or md.group(3))
                ).isoformat(), None
            except ValueError:
                pass
    if from_url:
        return from_url, None
    if years:
        return years[-1], None
    return None, None


def _month_first_if_consistent(line: str, day: str, body: str, lex: Lexicon) -> str:
    """'10/8/2009' over a report on a visit of 29 September – 2 October 2009 is 8 October
    (a US-style date), not 10 August: an article is not published before the events it
    reports. Only an all-numeric date whose day and month could swap is reconsidered."""
    m = re.search(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\d/])", line)
    if not m or int(m.group(1)) > 12 or int(m.group(2)) > 12 or m.group(1) == m.group(2):
        return day
    try:
        alt = date(int(m.group(3)), int(m.group(1)), int(m.group(2))).isoformat()
    except ValueError:
        return day
    stated = []
    for d in find_dates(body, lex, None):
        if d.exact:
            last = d.value.split("/")[-1]
            if len(last) == 10:
                stated.append(last)
    latest = max(stated, default=None)
    if latest and day < latest <= alt:
        return alt
    return day


def article_from_html(
    html: str, source: str, lex: Lexicon | None = None, **meta: str | None
) -> Article:
    """Main text and metadata of a news page through trafilatura."""
    import trafilatura  # heavy import, only for HTML

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_recall=True
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise InputError(source, f"cannot parse HTML ({type(exc).__name__})") from exc
    if doc is None or not (getattr(doc, "text", None) or "").strip():
        raise InputError(source, "no article text found in the HTML page")
    title = meta.get("headline") or getattr(doc, "title", None)
    body = doc.text.strip()
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    return article_from_text(
        text,
        source,
        lex,
        headline=title,
        url=meta.get("url") or getattr(doc, "url", None),
        published=meta.get("published") or getattr(doc, "date", None),
        outlet=meta.get("outlet") or getattr(doc, "sitename", None),
        author=meta.get("author") or getattr(doc, "author", None),
        lang=meta.get("lang"),
    )


def _str_field(obj: dict, *names: str) -> str | None:
    for n in names:
        v = obj.get(n)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _limited_lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes or None when longer than ``limit``, size); never holds more
    than ``limit`` bytes of one line in memory."""
    n = 0
    while raw := fh.readline(limit + 1):
        n += 1
        size = len(raw)
        if size > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 20)
                size += len(raw)
            yield n, None, size
        else:
            yield n, raw, size


def _binary_jsonl(head: bytes) -> str | None:
    """Why a .jsonl file cannot be JSON Lines at all, from its first bytes (or None)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text: JSON Lines must be UTF-8 (save the file as UTF-8)"
    if b"\x00" in head:
        for line in head.split(b"\n")[:-1]:
            try:
                if isinstance(json.loads(line), dict):
                    return None  # real JSON Lines with a broken line: report per line
            except (ValueError, RecursionError):
                pass
        return "binary file, not JSON Lines (expected UTF-8 text, one JSON object per line)"
    return None


def read_jsonl(
    path: Path, lex: Lexicon, max_bytes: int = MAX_BYTES
) -> Iterator[Article | InputError]:
    """One article or one error per non-blank line; ``max_bytes`` limits each line."""
    src = str(path)
    try:
        fh = path.open("rb")
        problem = _binary_jsonl(fh.read(8192))
        fh.seek(0)
    except OSError as exc:
        yield InputError(src, f"cannot read ({exc.strerror})")
        return
    with fh:
        if problem:
            yield InputError(src, problem)
            return
        for n, raw, size in _limited_lines(fh, max_bytes):
            if raw is None:
                yield InputError(
                    src, f"line too long ({size} bytes; limit {max_bytes}, {LIMIT_HINT})", n
                )
                continue
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError:
                yield InputError(src, "line is not UTF-8 text", n)
                continue
            except json.JSONDecodeError as exc:
                yield InputError(src, f"invalid JSON ({exc.msg})", n)
                continue
            except RecursionError:
                yield InputError(src, "invalid JSON (nested too deeply)", n)
                continue
            if not isinstance(obj, dict):
                yield InputError(src, "expected a JSON object per line", n)
                continue
            meta = {
                "url": _str_field(obj, "url", "link"),
                "headline": _str_field(obj, "headline", "title"),
                "published": _str_field(obj, "published", "date", "datePublished"),
                "outlet": _str_field(obj, "outlet", "source", "publisher", "sitename"),
                "author": _str_field(obj, "author", "byline"),
                "lang": _str_field(obj, "lang", "language"),
            }
            text = _str_field(obj, "text", "body", "content")
            html = _str_field(obj, "html")
            try:
                if text:
                    if meta["headline"] and not text.lstrip().startswith(meta["headline"]):
                        text = f"{meta['headline']}\n\n{text}"
                    yield article_from_text(text, f"{src}:{n}", lex, **meta)
                elif html:
                    yield article_from_html(html, f"{src}:{n}", lex, **meta)
                else:
                    yield InputError(src, "no 'text' or 'html' field with article text", n)
            except InputError as exc:
                yield InputError(src, exc.problem, n)


def read_file(
    path: Path, lex: Lexicon | None = None, max_bytes: int = MAX_BYTES, **meta: str | None
) -> Iterator[Article | InputError]:
    """Articles in one file (several for JSONL). ``meta`` (url, published, outlet …) is
    what a crawler knows about a .txt/.html file besides its text. Larger files (JSONL:
    lines) than ``max_bytes`` are refused."""
    lex = lex or load_lexicon()
    kind = SUFFIXES.get(path.suffix.lower())
    src = str(path)
    if kind is None:
        yield InputError(
            src, f"unsupported file type '{path.suffix}' (use .txt, .html, .htm or .jsonl)"
        )
        return
    if kind == "jsonl":
        yield from read_jsonl(path, lex, max_bytes)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield InputError(src, f"file too large ({size} bytes; limit {max_bytes}, {LIMIT_HINT})")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(src, f"cannot read ({exc.strerror})")
        return
    try:
        text = decode(data, src)
        if kind == "html":
            yield article_from_html(text, src, lex, **meta)
        else:
            yield article_from_text(text, src, lex, **meta)
    except InputError as exc:
        yield exc


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Files in the given order; folders recursively, sorted, article suffixes only."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES:
                    yield f
        elif path.is_file():
            yield path
        else:
            yield InputError(str(path), "no such file or folder")


def iter_articles(
    paths: Iterable[str | Path], max_bytes: int = MAX_BYTES
) -> Iterator[Article | InputError]:
    lex = load_lexicon()
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
        else:
            yield from read_file(item, lex, max_bytes)
