"""The README's examples, as the README shows them and as the commands print them.

    .venv/bin/python -m tests.readme      # rewrite every example's output with the real one

An example is a ```console block whose first line is a command (``$ make report``,
``$ dedup ...``) followed by its output. tests/test_readme.py runs each one with
``NO_COLOR=1 COLUMNS=80`` and compares.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.M | re.S)
ENV = {"NO_COLOR": "1", "COLUMNS": "80"}
#: What the Makefile's `report` target runs, in the project's .venv.
MAKE_REPORT = ("dedup", "report", "seeds/")


def examples(text: str | None = None) -> list[tuple[str, str]]:
    """(command, output shown) for every console block that shows output."""
    text = README.read_text(encoding="utf-8") if text is None else text
    out = []
    for block in BLOCK.findall(text):
        lines = block.splitlines()
        if lines and lines[0].startswith("$ ") and not all(line.startswith("$ ") for line in lines):
            out.append((lines[0][2:], "\n".join(lines[1:]) + "\n"))
    return out


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def run(command: str) -> str:
    """What ``command`` prints (stdout, then stderr), run from the project's root.

    For ``make report`` only stdout counts: make may set .venv up first, on stderr.
    """
    if command == "make report" and _in_project_venv() and shutil.which("make"):
        args = ["make", "--no-print-directory", "-s", "report"]
    elif command == "make report":  # another environment: the command the target runs, from this one
        args = [str(Path(sys.executable).parent / MAKE_REPORT[0]), *MAKE_REPORT[1:]]
    else:
        args = shlex.split(command)
        if args[0] != "dedup":
            raise ValueError(f"the README example {command!r} is neither `make report` nor `dedup ...`")
        args[0] = str(Path(sys.executable).parent / "dedup")
    proc = subprocess.run(args, cwd=ROOT, env={**os.environ, **ENV}, capture_output=True, text=True, check=False)
    return proc.stdout if args[0] == "make" else proc.stdout + proc.stderr


def update() -> bool:
    text = README.read_text(encoding="utf-8")

    def fresh(m: re.Match) -> str:
        lines = m[1].splitlines()
        if not lines or not lines[0].startswith("$ ") or all(line.startswith("$ ") for line in lines):
            return m[0]
        return f"```console\n{lines[0]}\n{run(lines[0][2:])}```"

    updated = BLOCK.sub(fresh, text)
    README.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    print("README.md updated" if update() else "README.md already shows the real output")
