"""Benchmark of the human report (`dedup report DIR`, the text format) against the other formats.

    .venv/bin/python benchmarks/bench_terminal.py [DIR] [--docs 1500] [--rounds 3] [--width 80] [--cli]

DIR defaults to a generated corpus of --docs documents (benchmarks/corpus.py, fixed seed, under
benchmarks/out/terminal/). Formats take turns in every round, so that a busy machine slows them alike:

* render (always): the pipeline runs once in this process, then the same report is rendered as
  Markdown (the baseline), as JSON, as the text `dedup report DIR > file` writes (dedup.cli's own
  code), and as that text drawn with rich's Table.grid, as before dedup.render.grid (the same
  output, checked here); best of --rounds;
* cli (--cli): wall time of `python -m dedup report DIR [-f FORMAT] > /dev/null`, start-up and
  pipeline included; best of --rounds.

Prints a Markdown table: seconds, diff rows per second, ratio to Markdown. Not a test: plain pytest
never runs it.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "terminal"
sys.path.insert(0, str(ROOT))


def corpus(n: int) -> Path:
    path = OUT / f"corpus-{n}"
    if not (path / "pairs.tsv").exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "corpus.py"), "--docs", str(n), "--out", str(path)], check=True)
    return path


@contextmanager
def rich_tables():
    """Grids drawn by rich's Table.grid in its Padding: the renderer before dedup.render.grid."""
    from dedup.render.grid import Grid

    fast = Grid.__rich_console__

    def slow(self, console, options):
        yield self.table()

    Grid.__rich_console__ = slow
    try:
        yield
    finally:
        Grid.__rich_console__ = fast


def render_times(folder: Path, rounds: int, width: int) -> tuple[dict[str, float], int]:
    from dedup.cli import _plain_text
    from dedup.pipeline import Config, run
    from dedup.render.json import report_dict, write_json
    from dedup.render.markdown import to_markdown
    from dedup.render.terminal import render_report

    result = run([str(folder)], Config(workers=os.cpu_count() or 1))
    data, docs = report_dict(result), result.paired
    rows = sum(len(p.get("diff") or ()) for p in data["pairs"])

    def text() -> str:
        return "".join(_plain_text(render_report(data, docs, plain=True), width=width))

    def tables() -> str:
        with rich_tables():
            return text()

    formats = {"md": lambda: to_markdown(data, docs), "json": lambda: write_json(result, io.StringIO()),
               "text": text, "text, rich tables": tables}
    best: dict[str, float] = {}
    outputs: dict[str, str] = {}
    for _ in range(rounds):
        for name, render in formats.items():
            started = time.perf_counter()
            outputs[name] = render()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
    assert outputs["text"] == outputs["text, rich tables"], "the grid and rich's tables disagree"
    return best, rows


def cli_times(folder: Path, rounds: int, width: int) -> dict[str, float]:
    env = {**os.environ, "COLUMNS": str(width)}
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name in ("md", "json", "text"):
            args = [] if name == "text" else ["-f", name]
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "dedup", "report", str(folder), *args], stdout=subprocess.DEVNULL,
                           check=True, cwd=ROOT, env=env)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
    return best


def table(title: str, times: dict[str, float], rows: int) -> list[str]:
    lines = [f"| {title} | seconds | diff rows/s | × md |", "|---|---:|---:|---:|"]
    for name, seconds in times.items():
        lines.append(f"| {name} | {seconds:.2f} | {rows / seconds:,.0f} | {seconds / times['md']:.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="documents to report on (default: a generated corpus)")
    parser.add_argument("--docs", type=int, default=1500, help="size of the generated corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, default=80, help="columns of the text report")
    parser.add_argument("--cli", action="store_true", help="also time the command itself, as subprocesses")
    args = parser.parse_args(argv)
    folder = args.folder or corpus(args.docs)
    times, rows = render_times(folder, args.rounds, args.width)
    lines = [f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
             f"{folder}: {rows:,} diff rows; best of {args.rounds}", ""]
    lines += table("rendering only", times, rows)
    if args.cli:
        lines += ["", *table("`dedup report` (wall)", cli_times(folder, args.rounds, args.width), rows)]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
