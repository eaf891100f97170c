"""The README promises: its commands exist, its named queries exist, CI runs its test command."""

import re
from pathlib import Path

from kg.cli import main
from kg.query import list_queries

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, re.S)


def test_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    blocks = _bash_blocks()
    assert len(blocks) == 2
    main_job, tests = (b.strip() for b in blocks)
    assert "kg ingest data/articles" in main_job and "kg export" in main_job
    assert "kg query" in main_job
    assert tests.endswith("pytest")
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_kg_subcommand_in_the_readme_exists() -> None:
    used = set(re.findall(r"(?:bin/|\$ |`)kg (?:--store \S+ )?([a-z]+)\b", README))
    assert {"ingest", "query", "export", "eval", "validate"} <= used
    assert used <= set(main.commands), used - set(main.commands)


def test_every_named_query_in_the_readme_exists() -> None:
    names = {q.name for q in list_queries()}
    used = set(re.findall(r"kg query ([a-z][a-z-]+)", README))
    assert used and used <= names, used - names
    listed = set(re.findall(r"`([a-z][a-z-]+)`", README.split("## Example queries")[1][:600]))
    assert names <= listed, names - listed
