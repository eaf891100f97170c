"""Text layout: sentences with offsets, bylines and datelines to skip, headline lines,
clauses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..lexicon import Lexicon

_ABBREV = re.compile(
    r"(?:\b(?:Co|Ltd|Corp|Inc|Dr|Mr|Mrs|Ms|Prof|St|Jl|No|Pj|Plt|Plh|Kab|Prov|vs|Jr|Sr|Gov|"
    r"Rep|Sen|Gen|Lt|Col|Capt|Adm|Drs|Ir|H|Hj|S|M|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec|Agt|Okt|Des|etc|U\.S|U\.K|dkk|dll|dsb|tsb|yth)|\b[A-Z])\.$"
)
# every match of _ABBREV is shorter than this (a test checks), and one more character
# before it decides its \b: searching the end of a segment finds what searching it all finds
_ABBREV_WINDOW = 8
# (one leading character class, so that re skips ahead to the next full stop)
_SENT_END = re.compile(r"[.!?。][.!?。]*[\"'”’)]*(?:(?=\s+[\"'“‘(]?[A-Z0-9\uac00-\ud7a3])|$)")
_BYLINE_LINE = re.compile(
    r"^[ \t\u00a0]*(?:[•·*\-][ \t\u00a0]*)?(?:Oleh|By|Penulis|Reporter|Pewarta|Editor|"
    r"Redaktur|Writer|Foto|Photo|Sumber|Source|URL|Baca juga|Read more|Copyright|©)\b.*$",
    re.I | re.M,
)
_CREDIT = re.compile(r"\b(?:Redaktur|Editor|Pewarta|Reporter)\s*:\s*[^\n|]*")
_DATELINE = re.compile(
    r"^[ \t\u00a0]*[A-Z][A-Za-z .]{1,25}(?:,\s*[A-Za-z][\w.]*(?:\s+[\w.]+){0,2}"
    r"(?:\s*\([^)\n]{1,30}\))?|\s*\([^)\n]{1,30}\))\s*[-–—]{1,2}\s",
    re.M,
)
_DATELINE_UPPER = re.compile(r"^[ \t\u00a0]*[A-Z][A-Z .]{2,25},[^\n]{0,40}?[-–—]{1,2}\s", re.M)
# "Bandung - Pemerintah Provinsi …": a place alone before a spaced dash opens the report
_DATELINE_PLAIN = re.compile(
    r"^[ \t\u00a0]*[A-Z][A-Za-z.]+(?:[ \t][A-Z][A-Za-z.]+)?[ \t]+[-–—]{1,2}[ \t]+(?=[A-Z\"“])", re.M
)
_RELATED = re.compile(
    r"^[ \t\u00a0]*(?:Berita Terkait|Baca Juga|Artikel Terkait|Related News|Related Articles|"
    r"Read Also|관련기사)\b.*$",
    re.I | re.M,
)


_CAPTION = re.compile(r"(?:\||\(|^)[ \t]*(?:Foto|Photo|Photograph|Dok\.|Dokumentasi)[ \t]*:", re.I)


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    related: bool  # in a "related news" list at the bottom, or a photo caption


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; line breaks end sentences too (headlines, list items)."""
    related_from = len(text)
    m = next(line_matches(_RELATED, text), None)
    if m:
        related_from = m.start()
    out: list[Sentence] = []
    para = 0
    pos = 0
    for block in re.split(r"(\n)", text):
        if block == "\n":
            pos += 1
            continue
        if not block.strip():
            para += 1
            pos += len(block)
            continue
        start = pos
        i = 0
        # a photo caption ("... Rabu (8/2/2023). | Foto: X") shows another moment: its
        # names count, its events and dates do not
        side = bool(_CAPTION.search(block))
        for end_m in _SENT_END.finditer(block):
            cut = end_m.end()
            # the abbreviation ends the segment: its last characters decide
            if _ABBREV.search(
                block[max(i, end_m.start() + 1 - _ABBREV_WINDOW) : end_m.start() + 1]
            ):
                continue
            seg = block[i:cut]
            if seg.strip():
                s = start + i + (len(seg) - len(seg.lstrip()))
                e = start + cut - (len(seg) - len(seg.rstrip()))
                out.append(Sentence(s, e, text[s:e], para, side or s >= related_from))
            i = cut
        seg = block[i:]
        if seg.strip():
            s = start + i + (len(seg) - len(seg.lstrip()))
            e = start + len(block) - (len(seg) - len(seg.rstrip()))
            out.append(Sentence(s, e, text[s:e], para, side or s >= related_from))
        pos += len(block)
        para += 1
    return out


def line_matches(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """What ``rx.finditer(text)`` gives for a pattern that opens with ``^`` in MULTILINE
    mode (every match starts a line), tried at line starts only: ``re`` tries every
    position of the text."""
    pos = start = 0
    while start >= 0:
        if start >= pos:
            m = rx.match(text, start)
            if m is not None:
                yield m
                pos = m.end() if m.end() > start else start + 1
        nl = text.find("\n", start)
        start = -1 if nl < 0 else nl + 1


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """Bylines, credits and datelines: never a source of entities."""
    spans = [m.span() for m in line_matches(_BYLINE_LINE, text)]
    spans += [m.span() for m in _CREDIT.finditer(text)]
    spans += [m.span() for m in line_matches(_DATELINE, text)]
    spans += [m.span() for m in line_matches(_DATELINE_UPPER, text)]
    spans += [m.span() for m in line_matches(_DATELINE_PLAIN, text)]
    return spans


# --------------------------------------------------------------------------- mentions


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_titlecase_memo: tuple[str, list[tuple[int, int]]] = ("", [])


def _titlecase_lines(text: str) -> list[tuple[int, int]]:
    """Lines Written Like Headlines, where capitalisation says nothing about names."""
    global _titlecase_memo
    if _titlecase_memo[0] is text:  # asked by two rules about the same article
        return list(_titlecase_memo[1])
    out = []
    pos = 0
    for line in text.split("\n"):
        short = len(line) <= 160 and not line.rstrip().endswith((".", "!", "?", '"', "”"))
        if short:
            words = _WORD.findall(line)
            if len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words):
                out.append((pos, pos + len(line)))
        pos += len(line) + 1
    _titlecase_memo = (text, list(out))
    return out


# where a clause may end: ", and", ", sementara", "; " (a pattern starting with either
# character, which re skips ahead to)
_CLAUSE_CUT = re.compile(
    r",[ \u00a0]+(?:and|while|whereas|sedangkan|sementara|serta|dan)[ \u00a0]+(?=\S)|;[ \u00a0]+"
)


def _clauses(s: Sentence, lex: Lexicon) -> list[Sentence]:
    """'A signed an MoU with B, and C clinched a separate MoU with D': one clause per
    agreement, so each gets its own parties. Other sentences stay whole."""
    cuts = list(_CLAUSE_CUT.finditer(s.text))
    if not cuts:
        return [s]
    bounds = [0, *(m.end() for m in cuts), len(s.text)]
    parts = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    with_agr = [p for p in parts if _names_agreement(s.text[p[0] : p[1]], lex)]
    if len(with_agr) < 2 or len(with_agr) != len(parts):
        return [s]
    return [
        Sentence(s.start + a, s.start + b, s.text[a:b], s.paragraph, s.related) for a, b in parts
    ]


def _names_agreement(text: str, lex: Lexicon) -> bool:
    triggers = lex.agreement_triggers
    return any(triggers[i][1].search(text) for i in lex.agreement_words.candidates(text))
