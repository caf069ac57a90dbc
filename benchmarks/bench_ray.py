"""Benchmark of the Ray engine against the local engine on the same generated corpus.

    .venv/bin/python benchmarks/bench_ray.py [--docs 100000] [--workers 2] [--diff]

Generates (once, deterministically) ``benchmarks/out/ray/corpus-<docs>.jsonl`` with
benchmarks/corpus.py, then runs ``dedup report FILE -f json`` with each engine
(``--no-diff`` unless ``--diff``), each in its own subprocess, in the same run:

* wall time of the subprocess (interpreter start, Ray start-up and shut-down included);
* peak memory of the whole process tree (the command, the local engine's pool or Ray's
  GCS, raylet, object store and workers): the largest sum of PSS over the tree, sampled
  every 0.2 s from /proc (PSS shares shared memory, such as Ray's object store, between
  the processes that map it, so nothing is counted twice);
* whether the two JSON reports are byte for byte the same.

Prints a Markdown table for benchmarks/README.md, with the ratio Ray / local. Not a
test: plain pytest never runs it. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "ray"


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend(int(x) for x in (task / "children").read_text().split())
        except OSError:
            pass
    return out


def _tree(pid: int) -> set[int]:
    seen, todo = set(), [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        todo.extend(_children(p))
    return seen


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _ray_processes() -> set[int]:
    """Ray's daemons re-parent away from the command (GCS, raylet): find them by their command line."""
    found = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if b"ray" in cmd and (b"gcs_server" in cmd or b"raylet" in cmd or b"default_worker" in cmd
                                  or b"dashboard" in cmd or b"log_monitor" in cmd or b"ray_client" in cmd):
                found.add(int(d.name))
    return found


def measure(cmd: list[str], out_path: Path) -> tuple[float, int, int]:
    """Wall seconds, peak PSS of the process tree (bytes) and exit code of ``cmd``."""
    before = _ray_processes()
    peak = 0
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                pids = _tree(proc.pid) | (_ray_processes() - before)
                peak = max(peak, sum(_pss(p) for p in pids))
                time.sleep(0.2)

        t = threading.Thread(target=sample)
        t.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        done.set()
        t.join()
    return wall, peak, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--diff", action="store_true", help="diff every pair too (default: detection only)")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    corpus = OUT / f"corpus-{args.docs}.jsonl"
    if not corpus.exists():
        subprocess.run(
            [sys.executable, str(HERE / "corpus.py"), "--docs", str(args.docs), "--jsonl", str(corpus)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    size = corpus.stat().st_size
    dedup = [sys.executable, "-m", "dedup", "report", str(corpus), "-f", "json", "-j", str(args.workers)]
    dedup.append("--diff" if args.diff else "--no-diff")
    results = {}
    for engine in ("local", "ray"):
        out = OUT / f"report-{engine}-{args.docs}.json"
        results[engine] = measure([*dedup, "--engine", engine], out) + (out,)
        wall, peak, code, _ = results[engine]
        print(f"{engine}: {wall:.1f} s, peak {peak / 2**30:.2f} GiB, exit {code}", file=sys.stderr)
    same = results["local"][3].read_bytes() == results["ray"][3].read_bytes()

    import ray  # noqa: PLC0415 - only for its version

    print(f"{args.docs:,} documents ({size / 2**20:.0f} MiB of JSONL), {'with' if args.diff else 'no'} diffs, "
          f"{args.workers} workers; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, Ray {ray.__version__}\n")
    print("| engine | wall | docs/s | peak memory (PSS, process tree) |")
    print("| --- | ---: | ---: | ---: |")
    for engine in ("local", "ray"):
        wall, peak, _, _ = results[engine]
        print(f"| {engine} | {wall:.1f} s | {args.docs / wall:,.0f} | {peak / 2**30:.2f} GiB |")
    lw, lp = results["local"][0], results["local"][1]
    rw, rp = results["ray"][0], results["ray"][1]
    print(f"| ratio ray / local | {rw / lw:.2f} | | {rp / lp:.2f} |")
    print(f"\nSame JSON report: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
