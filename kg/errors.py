"""One error base class for everything the library raises on purpose.

The CLI turns :class:`KGError` into a one-line message and a non-zero exit; anything
else is a bug.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class: the message says what failed, the value, and what to do."""


class InputError(KGError):
    """An article file cannot be read or is not an article."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}")


class DataError(KGError):
    """A bundled or user-supplied data file (gazetteer, lexicon, ontology) is broken."""


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class QueryError(KGError):
    """A named query is unknown, a parameter is missing or the SPARQL is invalid."""
