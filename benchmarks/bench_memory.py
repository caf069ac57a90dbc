"""Peak memory of `dedup report` and `dedup check` on the hostile inputs of issue 8.

    .venv/bin/python benchmarks/bench_memory.py [--only NAME ...]

Inputs are written under benchmarks/out/memory/ by the generators of tests/hostile.py (the
very files the tests use): a 100 MB text file, a file just under the default --max-bytes
(32 MiB), the same as Markdown, a single 10 MB line, and a folder of 10,000 small files. Each case runs the real
command in a subprocess and records

* peak RSS of the largest process (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a wrapper
  process that runs only that command, so pool workers count too, one at a time);
* peak RSS of the whole process tree (the command, its forkserver and pool workers),
  sampled from /proc every 10 ms: an upper bound, since shared pages count once per process;
* wall time.

A baseline in the same run: `dedup report` of one small file (interpreter, numpy and the
other imports). Prints a Markdown table for benchmarks/README.md. Not a test: plain pytest
never runs it (the slow hostile tests run the same inputs, without measuring).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "memory"
MIB = 1024 * 1024

sys.path.insert(0, str(ROOT))
from tests import hostile  # noqa: E402  (the generators of the hostile tests)


def inputs() -> dict[str, Path]:
    """Write the inputs once (they are deterministic); returns name -> folder."""
    folders = {}
    for name, make in (
        ("small", lambda f: hostile.write(f, "a.txt", hostile.ARTICLE)),
        ("file-100mb", lambda f: hostile._big(f / "big.txt", 100 * MIB)),
        ("file-32mib", lambda f: hostile._big(f / "limit.txt", 32 * MIB - 1)),
        ("markdown-32mib", lambda f: hostile._big(f / "limit.md", 32 * MIB - 1)),  # the same text, rendered
        ("line-10mb", hostile.KINDS["line-10mb"].make),
        ("files-10000", hostile.KINDS["files-10000"].make),
    ):
        folder = OUT / name
        done = folder / ".done"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            done.write_text("")
        folders[name] = folder
    return folders


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != ".done")


def tree_rss(root: int) -> int:
    """Sum of VmRSS (bytes) of ``root`` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    members, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in members:
                members.add(child)
                frontier.append(child)
    total = 0
    for pid in members:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode\n"
    "print(json.dumps([code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024]))\n"
)


def measure(args: list[str]) -> dict:
    """Run ``dedup ARGS`` under the wrapper; peak RSS of the largest process and of the tree."""
    env = os.environ | {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(OUT / "cache")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "dedup", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=OUT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    code, largest = json.loads(out)
    return {"exit": code, "largest": largest, "tree": max(peak, largest), "wall": wall, "stderr": err.decode()[-300:]}


def cases(folders: dict[str, Path]) -> list[tuple[str, str, list[str]]]:
    index = str(OUT / "index.sqlite")
    return [
        ("baseline", "small", ["report", str(folders["small"]), "-f", "json"]),
        ("100mb-skipped", "file-100mb", ["report", str(folders["file-100mb"]), "-f", "json"]),
        ("100mb-processed", "file-100mb", ["report", str(folders["file-100mb"]), "-f", "json", "--max-bytes", str(128 * MIB)]),
        ("100mb-processed-nodiff", "file-100mb",
         ["report", str(folders["file-100mb"]), "-f", "json", "--max-bytes", str(128 * MIB), "--no-diff"]),
        ("32mib-default-limit", "file-32mib", ["report", str(folders["file-32mib"]), "-f", "json"]),
        ("32mib-markdown", "markdown-32mib", ["report", str(folders["markdown-32mib"]), "-f", "json"]),
        ("line-10mb", "line-10mb", ["report", str(folders["line-10mb"]), "-f", "json"]),
        ("files-10000", "files-10000", ["report", str(folders["files-10000"]), "-f", "json"]),
        ("files-10000-j1", "files-10000", ["report", str(folders["files-10000"]), "-f", "json", "-j", "1"]),
        ("check-files-10000-cold", "files-10000", ["check", "--against", str(folders["files-10000"]), "--index", index]),
        ("check-100mb", "file-100mb", ["check", str(folders["file-100mb"] / "big.txt"), "--against",
                                       str(folders["small"]), "--index", index]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="run only these cases")
    opts = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    folders = inputs()
    rows = []
    for name, data, args in cases(folders):
        if opts.only and name not in opts.only and name != "baseline":
            continue
        if args[0] == "check":
            for f in OUT.glob("index.sqlite*"):
                f.unlink()
        got = measure(args)
        rows.append((name, size(folders[data]), got))
        print(f"{name}: exit {got['exit']}, largest {got['largest'] / MIB:.0f} MiB, tree {got['tree'] / MIB:.0f} MiB, "
              f"{got['wall']:.1f} s", file=sys.stderr)
    base = rows[0][2]["largest"]
    import numpy

    print(f"Machine: {platform.machine()} {platform.system()}, {os.cpu_count()} cores; Python "
          f"{platform.python_version()}, numpy {numpy.__version__}.\n")
    print("| case | input | exit | largest process | process tree | (largest - baseline) / document size | wall |")
    print("|---|---|---|---|---|---|---|")
    for name, nbytes, got in rows:
        # per byte of the one large document read (a folder of small files has none)
        single = name.startswith(("100mb-processed", "32mib", "line-10mb"))
        extra = f"{(got['largest'] - base) / nbytes:.1f}" if single else "-"
        print(f"| {name} | {nbytes / MIB:,.1f} MiB | {got['exit']} | {got['largest'] / MIB:,.0f} MiB | "
              f"{got['tree'] / MIB:,.0f} MiB | {extra} | {got['wall']:.1f} s |")


if __name__ == "__main__":
    main()
