"""Speed of the alignment/classification stage: ``align``, ``diff`` per pair, ``paragraph_keys`` per document.

    .venv/bin/python benchmarks/corpus.py --docs 20000 --out benchmarks/out/corpus20k   # once
    .venv/bin/python benchmarks/align_speed.py                     # all three parts
    .venv/bin/python benchmarks/align_speed.py --parts align --paras 400 --pairs 20

Three parts (``--parts``, default all):

- ``align``: 200 synthetic pairs of 40-paragraph articles from a fixed seed (B is A with a
  few paragraphs edited, dropped, inserted and one moved), each timed best of 5, against a
  baseline timed in the same run on the same pairs: ``rapidfuzz.process.cdist`` over every
  A x B pair and the monotone dynamic programme on the whole matrix (``align`` without anchors).
- ``diff``: ``dedup.classify.diff(a, b, stats=...)`` on the true pairs of a generated corpus
  (``--corpus``, its ``pairs.tsv``) and on the (doc, ref) pairs of ``--dev`` (``labels.jsonl``),
  each pair diffed once, in file order, as the pipeline does (so per-text caches are as warm
  as they are there); the implementation before this branch
  (``benchmarks/baseline/old_classify.py``) is timed on the same pair right after (or
  before: the order alternates), with its own folder statistics. Documents are read first
  and not timed.
- ``keys``: ``paragraph_keys(doc)`` on every document of the corpus, new and old
  alternating per document; per-document median from single timings, mean from the total.

Reported: median, mean, 90th percentile and max per pair (or document), and old / new.
Times are ``time.perf_counter``; the machine is shared, so run it when it is quiet and
look at the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import rapidfuzz  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402
from rapidfuzz.utils import default_process  # noqa: E402

from benchmarks.baseline import old_classify  # noqa: E402
from dedup.align import _dp, align  # noqa: E402
from dedup.classify import diff, paragraph_keys, paragraph_stats  # noqa: E402
from dedup.document import Document, parse_text, read  # noqa: E402

WORDS = (
    "the of and to in a is that for on with as was by it at from his an be has are have but not were this which "
    "government minister said year people new would after first state week percent officials told could also been "
    "their more two when they other over into last than most some three market policy court police city region "
    "president party election report company country security plan budget energy water health school study"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def make_pair(rng: random.Random, n: int) -> tuple[str, str]:
    a = [paragraph(rng) for _ in range(n)]
    b = list(a)
    for _ in range(max(1, n // 10)):  # edits
        k = rng.randrange(len(b))
        words = b[k].split()
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        b[k] = " ".join(words)
    for _ in range(max(1, n // 20)):  # paragraphs only in A
        del b[rng.randrange(len(b))]
    for _ in range(max(1, n // 20)):  # captions, prompts only in B
        b.insert(rng.randrange(len(b)), rng.choice(["Subscribe Now", "Photo: Jane Doe/AP", sentence(rng)]))
    k = rng.randrange(len(b))  # one moved paragraph
    b.insert(rng.randrange(len(b)), b.pop(k))
    while len(b) > n:
        del b[-1]
    return "\n\n".join(a), "\n\n".join(b)


def baseline(a, b) -> list[tuple[int, int]]:
    qa = [default_process(p.text) for p in a.paragraphs]
    qb = [default_process(p.text) for p in b.paragraphs]
    scores = process.cdist(qa, qb, scorer=fuzz.ratio, score_cutoff=60, dtype=np.float32, workers=1)
    return _dp(scores)


def timed(fn, pairs, repeats: int) -> list[float]:
    per_pair = []
    for a, b in pairs:
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            fn(a, b)
            best = min(best, time.perf_counter() - t)
        per_pair.append(best * 1000)
    return per_pair


def summary(xs: list[float]) -> tuple[float, float, float, float]:
    p90 = statistics.quantiles(xs, n=10)[8] if len(xs) > 1 else xs[0]
    return statistics.median(xs), statistics.mean(xs), p90, max(xs)


def part_align(args) -> None:
    rng = random.Random(args.seed)
    pairs = []
    for k in range(args.pairs):
        ta, tb = make_pair(rng, args.paras)
        pairs.append((parse_text(ta, id=f"a{k}"), parse_text(tb, id=f"b{k}")))
    for a, b in pairs[:3]:  # warm up
        align(a, b)
        baseline(a, b)
    ours = timed(align, pairs, args.repeats)
    base = timed(baseline, pairs, args.repeats)
    (med_o, _, p90_o, _), (med_b, _, p90_b, _) = summary(ours), summary(base)
    print(f"### align: {args.pairs} synthetic pairs of {args.paras} paragraphs (seed {args.seed}), best of {args.repeats}\n")
    print("| | median ms/pair | p90 ms/pair | pairs/s |")
    print("|---|---|---|---|")
    print(f"| `align` (anchors + cdist/DP on gaps + splits + moves) | {med_o:.3f} | {p90_o:.3f} | {1000 / med_o:,.0f} |")
    print(f"| baseline: full cdist + DP | {med_b:.3f} | {p90_b:.3f} | {1000 / med_b:,.0f} |")
    print(f"| ratio baseline / align | {med_b / med_o:.1f}x | | |\n")


def read_docs(folder: Path, ids: set[str] | None = None) -> dict[str, Document]:
    files = sorted(folder.glob("*.txt")) if ids is None else [folder / f"{i}.txt" for i in sorted(ids)]
    return {d.id.removesuffix(".txt"): d for d in read(files) if isinstance(d, Document)}


def time_pairs(pairs, new_stats, old_stats) -> tuple[list[float], list[float]]:
    """Each pair once with each implementation, the order alternating; ms per pair."""
    new, old = [], []
    for k, (a, b) in enumerate(pairs):
        for which in ((0, 1) if k % 2 == 0 else (1, 0)):
            t = time.perf_counter()
            if which == 0:
                diff(a, b, stats=new_stats)
            else:
                old_classify.diff(a, b, stats=old_stats)
            (new if which == 0 else old).append((time.perf_counter() - t) * 1000)
    return new, old


def report_pairs(title: str, new: list[float], old: list[float]) -> None:
    mn, an, pn, xn = summary(new)
    mo, ao, po, xo = summary(old)
    print(f"### {title}\n")
    print("| | median ms/pair | mean ms/pair | p90 | max |")
    print("|---|---|---|---|---|")
    print(f"| `diff` (this branch) | {mn:.3f} | {an:.3f} | {pn:.3f} | {xn:.1f} |")
    print(f"| `diff` before (baseline/old_classify.py) | {mo:.3f} | {ao:.3f} | {po:.3f} | {xo:.1f} |")
    print(f"| old / new | {mo / mn:.1f}x | {ao / an:.1f}x | | |\n")


def part_diff(args) -> None:
    corpus = Path(args.corpus)
    rows = list(csv.DictReader(open(corpus / "pairs.tsv", encoding="utf-8"), delimiter="\t"))
    if args.max_pairs:
        rows = rows[: args.max_pairs]
    docs = read_docs(corpus)
    pairs = [(docs[r["doc_a"]], docs[r["doc_b"]]) for r in rows if r["doc_a"] in docs and r["doc_b"] in docs]
    new_stats = paragraph_stats(docs.values())
    old_stats = old_classify.paragraph_stats(docs.values())
    new, old = time_pairs(pairs, new_stats, old_stats)
    n_par = statistics.mean(len(d.paragraphs) for d in docs.values())
    report_pairs(f"diff on {len(pairs):,} true pairs of `{corpus.name}` ({len(docs):,} documents, {n_par:.1f} "
                 "paragraphs each), with folder statistics", new, old)
    dev = Path(args.dev)
    if (dev / "labels.jsonl").exists():
        seen, dev_pairs = set(), []
        for line in open(dev / "labels.jsonl", encoding="utf-8"):
            r = json.loads(line)
            if (r["doc"], r["ref"]) not in seen:
                seen.add((r["doc"], r["ref"]))
                dev_pairs.append((r["doc"], r["ref"]))
        dev_docs = read_docs(dev / "docs")
        pairs = [(dev_docs[a], dev_docs[b]) for a, b in dev_pairs]
        new, old = time_pairs(pairs, paragraph_stats(dev_docs.values()), old_classify.paragraph_stats(dev_docs.values()))
        n_par = statistics.mean(len(d.paragraphs) for d in dev_docs.values())
        report_pairs(f"diff on the {len(pairs)} (doc, ref) pairs of `{dev.name}` ({n_par:.0f} paragraphs per "
                     "document on average), with folder statistics", new, old)


def part_keys(args) -> None:
    docs = list(read_docs(Path(args.corpus)).values())
    new, old = [], []
    for k, d in enumerate(docs):
        for which in ((0, 1) if k % 2 == 0 else (1, 0)):
            t = time.perf_counter()
            (paragraph_keys if which == 0 else old_classify.paragraph_keys)(d)
            (new if which == 0 else old).append((time.perf_counter() - t) * 1e6)
    t = time.perf_counter()
    for d in docs:
        paragraph_keys(d)
    batch_new = (time.perf_counter() - t) / len(docs) * 1e6
    t = time.perf_counter()
    for d in docs:
        old_classify.paragraph_keys(d)
    batch_old = (time.perf_counter() - t) / len(docs) * 1e6
    n_par = statistics.mean(len(d.paragraphs) for d in docs)
    print(f"### paragraph_keys on {len(docs):,} documents of `{Path(args.corpus).name}` ({n_par:.1f} paragraphs each)\n")
    print("| | median µs/doc | mean µs/doc (single calls) | µs/doc, one loop over all | max |")
    print("|---|---|---|---|---|")
    print(f"| `paragraph_keys` (this branch) | {statistics.median(new):.2f} | {statistics.mean(new):.2f} | {batch_new:.2f} | {max(new):.0f} |")
    print(f"| before (baseline/old_classify.py) | {statistics.median(old):.2f} | {statistics.mean(old):.2f} | {batch_old:.2f} | {max(old):.0f} |")
    print(f"| old / new | {statistics.median(old) / statistics.median(new):.0f}x | "
          f"{statistics.mean(old) / statistics.mean(new):.0f}x | {batch_old / batch_new:.0f}x | |\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", default="align,diff,keys", help="comma-separated: align, diff, keys")
    ap.add_argument("--paras", type=int, default=40)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5, help="best of N per pair (align part)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", default=str(ROOT / "benchmarks" / "out" / "corpus20k"),
                    help="a folder written by corpus.py --out (documents and pairs.tsv)")
    ap.add_argument("--max-pairs", type=int, default=0, help="time only the first N pairs of the corpus")
    ap.add_argument("--dev", default=str(ROOT.parent / "shared" / "data" / "dev"))
    args = ap.parse_args()
    parts = args.parts.split(",")
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"rapidfuzz {rapidfuzz.__version__}, numpy {np.__version__}\n")
    if "align" in parts:
        part_align(args)
    if ("diff" in parts or "keys" in parts) and not (Path(args.corpus) / "pairs.tsv").exists():
        print(f"no corpus at {args.corpus}: run benchmarks/corpus.py --docs 20000 --out {args.corpus}", file=sys.stderr)
        return 2
    if "diff" in parts:
        part_diff(args)
    if "keys" in parts:
        part_keys(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
