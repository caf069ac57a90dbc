"""Docs cannot drift: the README's commands print what the README shows."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT
from tests.readme import MAKE_REPORT, examples, run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_shows_the_output_of_make_report():
    commands = [command for command, _ in examples()]
    assert commands[0] == "make report"


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_readme_example_prints_what_the_readme_shows(command, shown):
    assert run(command) == shown, "README.md is out of date; refresh it with `.venv/bin/python -m tests.readme`"


def test_the_makefile_runs_the_commands_the_readme_names():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^report:.*\n\t@?(.*)$", makefile, re.M)[1]
    assert recipe.split() == ["$(BIN)/" + MAKE_REPORT[0], *MAKE_REPORT[1:]]
    assert re.search(r"^test:.*\n(\t.*\n)*\t@?\$\(BIN\)/python -m pytest$", makefile, re.M)
    assert "$ make report        # runs: dedup report seeds/" in README
    assert "$ make test" in README


def test_the_exit_codes_are_documented():
    from dedup import cli

    table = dict(re.findall(r"^\| (\d+) \| (.+) \|$", README, re.M))
    assert [int(k) for k in table] == [cli.EXIT_OK, cli.EXIT_FOUND, cli.EXIT_USAGE, cli.EXIT_INTERNAL]
