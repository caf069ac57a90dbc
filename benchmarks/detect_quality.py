"""Detection quality on the labelled development set: pair precision and recall.

    .venv/bin/python benchmarks/detect_quality.py [--data ../shared/data/dev] [--markdown]

Runs ``dedup.pipeline.run`` (diffs off) on ``DATA/docs/`` and scores the reported pairs
against ``DATA/pairs.tsv``; pairs in ``ambiguous_pairs.tsv`` (different pages carrying
the same wire story) count neither way. Prints overall figures, then recall by source
and by kind pair, and the hard negatives of ``similar_across_families.tsv``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

from dedup.pipeline import Config, run

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "dev"


def _tsv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _kind(k: str) -> str:
    return k.split(":")[0]  # clean / fullpage / extractor


def score(data: Path, config: Config) -> dict:
    t0 = time.perf_counter()
    report = run([str(data / "docs")], config)
    seconds = time.perf_counter() - t0
    found = {tuple(sorted((Path(p.a).stem, Path(p.b).stem))): p for p in report.pairs}
    truth = {}
    for row in _tsv(data / "pairs.tsv"):
        truth[tuple(sorted((row["doc_a"], row["doc_b"])))] = row
    ambiguous = {tuple(sorted((r["doc_a"], r["doc_b"]))) for r in _tsv(data / "ambiguous_pairs.tsv")}
    tp = sum(1 for k in found if k in truth)
    fp = [k for k in found if k not in truth and k not in ambiguous]
    fn = [k for k in truth if k not in found]
    by = defaultdict(lambda: [0, 0])
    for k, row in truth.items():
        kinds = " vs ".join(sorted((_kind(row["kind_a"]), _kind(row["kind_b"]))))
        for group in (f"source {row['source']}", f"kinds {kinds}", "all"):
            by[group][0] += k in found
            by[group][1] += 1
    hard = []
    for row in _tsv(data / "similar_across_families.tsv"):
        k = tuple(sorted((row["doc_a"], row["doc_b"])))
        verdict = "no" if k not in found else "yes (ambiguous pair)" if k in ambiguous else "YES (false positive)"
        hard.append((k, verdict, row["jaccard_w5"], row["containment_w5"]))
    precision = tp / (tp + len(fp)) if tp + len(fp) else 1.0
    recall = tp / len(truth) if truth else 1.0
    return {
        "seconds": seconds,
        "documents": len(report.documents),
        "skipped": len(report.skipped),
        "reported": len(found),
        "tp": tp,
        "fp": fp,
        "fn": [(k, truth[k]["jaccard_w5"], truth[k]["containment_w5"], truth[k]["kind_a"], truth[k]["kind_b"]) for k in fn],
        "precision": precision,
        "recall": recall,
        "by": dict(by),
        "hard": hard,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--threshold", type=float, default=Config().threshold)
    parser.add_argument("--containment", type=float, default=Config().containment)
    parser.add_argument("--num-perm", type=int, default=Config().num_perm)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="list false positives and misses")
    args = parser.parse_args(argv)
    if not (args.data / "docs").is_dir():
        print(f"no data set at {args.data} (expected {args.data}/docs/)", file=sys.stderr)
        return 2
    config = Config(
        threshold=args.threshold,
        containment=args.containment or None,
        num_perm=args.num_perm,
        diff=False,
        workers=args.workers,
    )
    r = score(args.data, config)
    print(f"{r['documents']} documents ({r['skipped']} skipped), {r['reported']} pairs reported in {r['seconds']:.1f} s")
    print(f"threshold {config.threshold}, containment {config.containment}, tiers {config.as_dict()['lsh_tiers']}")
    print()
    print("| | precision | recall | true pairs | found | false positives |")
    print("|---|---|---|---|---|---|")
    print(
        f"| all | {r['precision']:.4f} | {r['recall']:.4f} | {len(r['fn']) + r['tp']} | {r['tp']} | {len(r['fp'])} |"
    )
    print()
    print("| recall by | found / true | recall |")
    print("|---|---|---|")
    for group in sorted(r["by"]):
        hit, total = r["by"][group]
        print(f"| {group} | {hit} / {total} | {hit / total:.4f} |")
    print()
    print("| hard negative (similar_across_families) | reported? | jaccard | containment |")
    print("|---|---|---|---|")
    for (a, b), verdict, j, c in r["hard"]:
        print(f"| {a} {b} | {verdict} | {j} | {c} |")
    if args.verbose:
        print("\nmisses:")
        for k, j, c, ka, kb in r["fn"]:
            print(" ", k, "jaccard", j, "containment", c, ka, kb)
        print("false positives:")
        for k in r["fp"]:
            print(" ", k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
