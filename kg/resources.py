"""Locate the bundled data folders (ontology, gazetteer, lexicon, queries).

In a source checkout or editable install they are the top-level folders of the
repository; in a wheel they are shipped as ``kg.resources.*`` packages.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_LAYOUT = {
    "ontology": _ROOT / "ontology",
    "gazetteer": _ROOT / "data" / "gazetteer",
    "lexicon": _ROOT / "data" / "lexicon",
    "queries": _ROOT / "queries",
}


def resource_dir(kind: str) -> Path:
    """Return the folder holding the bundled ``kind`` files."""
    local = _LAYOUT[kind]
    if local.is_dir():
        return local
    return Path(str(resources.files(f"kg.resources.{kind}")))
