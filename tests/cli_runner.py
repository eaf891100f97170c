"""Run the ``kg`` CLI in-process for tests (click's CliRunner)."""

from __future__ import annotations

from click.testing import CliRunner, Result

from kg.cli import main


def run(*args: str, ok: bool = True) -> Result:
    """Invoke ``kg ARGS``; with ``ok`` (the default), fail the test unless it exits 0."""
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert res.exit_code == 0, res.output
    return res
