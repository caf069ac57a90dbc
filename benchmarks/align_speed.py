"""Speed of ``dedup.align.align`` on two 40-paragraph articles, against a plain cdist + DP baseline.

    .venv/bin/python benchmarks/align_speed.py            # 40 paragraphs a side, 200 pairs x 5 repeats
    .venv/bin/python benchmarks/align_speed.py --paras 400 --pairs 20

Pairs are generated from a fixed seed: article B is article A with a few paragraphs
edited, dropped, inserted (captions, prompts) and one moved, as variants of one article
differ. The baseline, timed in the same run on the same pairs, scores all A x B
paragraphs with ``rapidfuzz.process.cdist`` (``fuzz.ratio``, default_process) and runs
the monotone dynamic programme over the whole matrix: what ``align`` does without
anchoring. Reported: median and 90th percentile per pair, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
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

from dedup.align import _dp, align  # noqa: E402
from dedup.document import parse_text  # noqa: E402

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paras", type=int, default=40)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5, help="best of N per pair")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
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
    q = lambda xs, p: statistics.quantiles(xs, n=10)[p - 1] if len(xs) > 1 else xs[0]  # noqa: E731
    med_o, med_b = statistics.median(ours), statistics.median(base)
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}, "
          f"rapidfuzz {rapidfuzz.__version__}, numpy {np.__version__}")
    print(f"{args.pairs} pairs of {args.paras} paragraphs (seed {args.seed}), best of {args.repeats} per pair")
    print()
    print("| | median ms/pair | p90 ms/pair | pairs/s |")
    print("|---|---|---|---|")
    print(f"| `align` (anchors + cdist/DP on gaps + moves) | {med_o:.3f} | {q(ours, 9):.3f} | {1000 / med_o:,.0f} |")
    print(f"| baseline: full cdist + DP | {med_b:.3f} | {q(base, 9):.3f} | {1000 / med_b:,.0f} |")
    print(f"| ratio baseline / align | {med_b / med_o:.1f}x | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
