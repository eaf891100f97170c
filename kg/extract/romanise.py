"""Romanised forms of Korean personal names written in Hangul ("김태흠" → "Kim Tae-heum").

Korean names are written surname first; the surname takes its customary spelling from
``data/lexicon/korean_surnames.csv`` (김 → Kim, 이 → Lee, 박 → Park), the given name is
romanised syllable by syllable with the Revised Romanization (the ``koroman`` package)
and hyphenated, as Korean names are usually written in English and Indonesian news.
Syllables are romanised one at a time because sound changes across a name's syllables
are not written (영록 → Yeong-rok, not Yeongnok).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import Lexicon

_HANGUL_NAME = re.compile(r"[\uac00-\ud7a3]{2,4}")


@lru_cache(maxsize=2048)
def _syllable(s: str) -> str:
    import koroman  # small, pure Python; imported when a Hangul name is met

    return koroman.romanize(s)


def romanise_name(name: str, lex: Lexicon) -> str | None:
    """'김태흠' → 'Kim Tae-heum'; None when ``name`` is not a Korean name in Hangul."""
    if not _HANGUL_NAME.fullmatch(name):
        return None
    surname = None
    if len(name) >= 3 and name[:2] in lex.hangul_surnames:
        surname = name[:2]  # 남궁, 황보, 제갈, 선우
    elif name[0] in lex.hangul_surnames:
        surname = name[0]
    if surname is None or len(name) - len(surname) not in (1, 2):
        return None
    given = "-".join(_syllable(s) for s in name[len(surname) :])
    if not given:
        return None
    return f"{lex.hangul_surnames[surname]} {given[:1].upper()}{given[1:]}"
