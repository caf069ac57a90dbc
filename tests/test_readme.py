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


PYTHON = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)


@pytest.mark.parametrize("number", range(len(PYTHON.findall(README))))
def test_readme_python_example_runs(number, tmp_path):
    """Each ```python block runs as shown, after the blocks before it (as one session would), beside
    a copy of seeds/, prints what its comments say it prints, and leaves the documents as they were."""
    import shutil
    import subprocess
    import sys

    blocks = PYTHON.findall(README)[: number + 1]
    mark = "-- the example's own output --"
    code = "\n".join(blocks[:-1]) + f"\nprint({mark!r})\n" + blocks[-1]
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.split(mark + "\n")[1]
    for shown in re.findall(r"^print\(.*# .*: (.+)$", blocks[-1], re.M):  # `print(x)  # what: output`
        assert out.split() == shown.split()
    for seed in (ROOT / "seeds").iterdir():
        assert (tmp_path / "seeds" / seed.name).read_bytes() == seed.read_bytes()
