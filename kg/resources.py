"""Locate the bundled data folders (ontology, gazetteer, lexicon, queries, views).

In a source checkout or editable install they are the top-level folders of the
repository; a wheel ships them inside the package as ``kg/_resources/<kind>``.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataError

_PACKAGE = Path(__file__).resolve().parent
_ROOT = _PACKAGE.parent
_LAYOUT = {
    "ontology": _ROOT / "ontology",
    "gazetteer": _ROOT / "data" / "gazetteer",
    "lexicon": _ROOT / "data" / "lexicon",
    "queries": _ROOT / "queries",
    "views": _ROOT / "data" / "views",
}


def resource_dir(kind: str) -> Path:
    """Return the folder holding the bundled ``kind`` files."""
    for folder in (_LAYOUT[kind], _PACKAGE / "_resources" / kind):
        if folder.is_dir():
            return folder
    raise DataError(f"the bundled '{kind}' files are missing; reinstall idkr-kg")
