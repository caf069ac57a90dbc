"""End-to-end throughput of `dedup report` at 10k, 100k and 1M documents, and of its stages.

    .venv/bin/python benchmarks/bench_pipeline.py                         # 10k and 100k, diffs off and on
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 10000 100000 1000000 --markdown benchmarks/out/pipeline.md

In one run:

1. the signature stage against its peers on the same documents (benchmarks/bench_signature.py:
   datasketch ``update()`` per shingle, datasketch ``bulk``, rensa, dedup), docs per CPU-second;
2. candidate generation (``index.candidates`` + ``index.plausible``) on the signatures of the
   100k corpus: wall time and peak memory it allocates (tracemalloc sees numpy's buffers);
3. ``dedup report --format json -o FILE`` as a subprocess on generated corpora (benchmarks/corpus.py,
   fixed seed; folders of .txt up to 100k documents, one JSONL file above), with diffs off and on:
   wall time, documents/s, peak RSS of the whole process tree (the command and its worker
   processes, summed, sampled every 50 ms from /proc), and the recall of the generated variant
   pairs (``pairs.tsv``) among the reported pairs.

Corpora are generated once into benchmarks/out/ (ignored by git). Not a test: pytest never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "pipeline"
BIN = Path(sys.executable).parent
#: Above this many documents the corpus is one JSONL file (a million small files is not a folder people keep).
JSONL_FROM = 500_000


def corpus_path(n: int) -> tuple[Path, Path]:
    """(input path, pairs.tsv), generating the corpus the first time."""
    if n >= JSONL_FROM:
        path = OUT / f"corpus-{n}.jsonl"
        pairs = path.with_suffix(".pairs.tsv")  # where corpus.py puts them
        args = ["--jsonl", str(path)]
    else:
        path = OUT / f"corpus-{n}"
        pairs = path / "pairs.tsv"
        args = ["--out", str(path)]
    if not pairs.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "corpus.py"), "--docs", str(n), *args], check=True)
    return path, pairs


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_report(path: Path, *, diff: bool, workers: int) -> dict:
    out = OUT / "report.json"
    cmd = [str(BIN / "dedup"), "report", str(path), "--format", "json", "-o", str(out), "--workers", str(workers)]
    if not diff:
        cmd.append("--no-diff")
    peak = 0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    with out.open(encoding="utf-8") as fh:
        report = json.load(fh)
    return {"wall": wall, "peak": peak, "report": report}


def _key(doc_id: str) -> str:
    return doc_id.rsplit("#", 1)[-1].removesuffix(".txt")


def _texts(path: Path, wanted: set[str]) -> dict[str, str]:
    if path.is_dir():
        return {k: (path / f"{k}.txt").read_text(encoding="utf-8") for k in wanted}
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["id"] in wanted:
                out[record["id"]] = record["text"]
    return out


def recall(report: dict, pairs_tsv: Path, path: Path, *, sample: int = 3000) -> dict:
    """Recall of the generated variant pairs: as pairs, as clusters, and of the reportable ones.

    A generated pair of two variants of one article (one truncated, the other missing
    paragraphs) can be below both thresholds: not a near-duplicate pair by the rule,
    though the two land in one cluster through the original. So three figures: all
    generated pairs reported as pairs; both sides in the same cluster; and, on a sample,
    the pairs whose exact Jaccard or containment passes the thresholds.
    """
    import random

    from dedup.cluster import overlap
    from dedup.shingle import fingerprints

    config = report["config"]
    found = {tuple(sorted((_key(p["a"]), _key(p["b"])))) for p in report["pairs"]}
    cluster_of = {_key(m): k for k, c in enumerate(report["clusters"]) for m in c["members"]}
    truth = []
    with pairs_tsv.open(encoding="utf-8") as fh:
        next(fh)
        truth = [tuple(sorted(line.split("\t")[:2])) for line in fh]
    hit = sum(1 for t in truth if t in found)
    together = sum(1 for a, b in truth if a in cluster_of and cluster_of[a] == cluster_of.get(b))
    picked = random.Random(1).sample(truth, min(sample, len(truth)))
    texts = _texts(path, {k for t in picked for k in t})
    reportable = missed = 0
    for a, b in picked:
        fa, fb = fingerprints(texts[a]), fingerprints(texts[b])
        shared = overlap(fa, fb)
        jaccard = shared / (len(fa) + len(fb) - shared)
        contained = shared / min(len(fa), len(fb))
        if jaccard >= config["threshold"] or (config["containment"] and contained >= config["containment"]):
            reportable += 1
            missed += (a, b) not in found
    return {
        "pairs": (hit, len(truth)),
        "clusters": (together, len(truth)),
        "reportable": (reportable - missed, reportable),
    }


def _ratio(pair: tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit / total:.4f} ({hit:,}/{total:,})" if total else "-"


def candidate_stage(path: Path, *, peer: bool = True) -> dict:
    """Candidate generation on a corpus's signatures: dedup's tiers against datasketch's MinHashLSH.

    dedup: ``index.candidates`` + ``index.plausible``, wall time best of 3 without tracing, then
    one more run under tracemalloc for the peak it allocates (numpy's buffers are traced).
    The peer, in the same run on the same signatures: ``datasketch.MinHashLSH(threshold=0.5)``,
    every signature inserted as a ``LeanMinHash`` then queried (what a datasketch user writes);
    its peak under tracemalloc too.
    """
    import numpy as np

    from dedup.document import find_sources
    from dedup.index import COMPILED, candidates, plausible
    from dedup.pipeline import Config, _Executor, _sign_all, _tasks
    from dedup.signature import lean_minhash

    config = Config(diff=False, workers=2)
    sources, _ = find_sources([str(path)])
    tasks = _tasks(sources)
    with _Executor(2, len(tasks), config, False, None) as ex:
        corpus = _sign_all(ex, tasks, config, False, [], lambda *a: None)
    sizes = np.array([d.shingles for d in corpus.infos], dtype=np.int64)

    def ours(compiled: bool) -> np.ndarray:
        found = candidates(corpus.hashvalues, sizes, config.tiers, workers=2, compiled=compiled)
        return plausible(found, corpus.hashvalues, sizes, threshold=config.threshold, containment=config.containment)

    result = {"docs": len(corpus.infos), "signatures": corpus.hashvalues.nbytes, "compiled": COMPILED}
    ways = [True, False] if COMPILED else [False]
    walls: dict[bool, list[float]] = {way: [] for way in ways}
    for _ in range(3):  # alternated, so both ways see the same machine
        for way in ways:
            t0 = time.perf_counter()
            found = ours(way)
            walls[way].append(time.perf_counter() - t0)
    result["pairs"] = len(found)
    for way in ways:
        tracemalloc.start()
        same = ours(way)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert np.array_equal(same, found), "the kernel and the numpy path disagree"
        key = "" if way == ways[0] else "numpy_"
        result[key + "wall"], result[key + "peak"] = min(walls[way]), peak
    if peer:
        from datasketch import MinHashLSH

        leans = [lean_minhash(row, seed=config.seed) for row in corpus.hashvalues]
        tracemalloc.start()
        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=0.5, num_perm=config.num_perm)
        for i, m in enumerate(leans):
            lsh.insert(i, m, check_duplication=False)
        peer_pairs = sum(len(lsh.query(m)) - 1 for m in leans) // 2
        result["peer_wall"] = time.perf_counter() - t0
        _, result["peer_peak"] = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peer_pairs"] = peer_pairs
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--diff", choices=["off", "on", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-signature", action="store_true", help="skip the signature-stage peers")
    parser.add_argument("--candidates-only", action="store_true", help="only the candidate stage on 100k signatures")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        "",
    ]
    if args.candidates_only:
        args.no_signature, args.sizes = True, [100_000]
    if not args.no_signature:
        sig_md = OUT / "signature.md"
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "bench_signature.py"), "--markdown", str(sig_md)], check=True)
        lines += ["### Signature stage", "", sig_md.read_text(encoding="utf-8"), ""]
    if 100_000 in args.sizes:
        c = candidate_stage(corpus_path(100_000)[0])
        lines += [
            "### Candidate generation on 100k signatures",
            "",
            f"{c['docs']:,} signatures ({c['signatures'] / 2**20:.0f} MiB), the same run:",
            "",
            "| | wall | peak allocation (tracemalloc) | candidate pairs |",
            "|---|---:|---:|---:|",
            f"| dedup `candidates` + `plausible` ({'C kernel' if c['compiled'] else 'numpy'}, 2 threads, best of 3) "
            f"| {c['wall']:.2f} s | {c['peak'] / 2**20:.0f} MiB | {c['pairs']:,} |",
            *(
                [
                    f"| the same, numpy path (`compiled=False`, best of 3) | {c['numpy_wall']:.2f} s | "
                    f"{c['numpy_peak'] / 2**20:.0f} MiB | {c['pairs']:,} |"
                ]
                if "numpy_wall" in c
                else []
            ),
            f"| datasketch `MinHashLSH(threshold=0.5)` insert + query | {c['peer_wall']:.1f} s | "
            f"{c['peer_peak'] / 2**20:.0f} MiB | {c['peer_pairs']:,} |",
            f"| ratio datasketch / dedup | {c['peer_wall'] / c['wall']:.0f}x | {c['peer_peak'] / c['peak']:.1f}x | |",
            "",
        ]
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.diff]
    if args.candidates_only:
        modes = []
    else:
        lines += [
            "### `dedup report --format json` end to end",
            "",
            "| documents | diffs | wall | docs/s | peak RSS (all processes) | pairs | recall: generated pairs "
            "| same cluster | reportable pairs (sample) |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for n in args.sizes:
        path, pairs = corpus_path(n)
        for diff in modes:
            r = run_report(path, diff=diff, workers=args.workers)
            rec = recall(r["report"], pairs, path)
            row = (
                f"| {n:,} | {'on' if diff else 'off'} | {r['wall']:.1f} s | {n / r['wall']:,.0f} | "
                f"{r['peak'] / 2**30:.2f} GiB | {len(r['report']['pairs']):,} | {_ratio(rec['pairs'])} "
                f"| {_ratio(rec['clusters'])} | {_ratio(rec['reportable'])} |"
            )
            print(row, flush=True)
            lines.append(row)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
