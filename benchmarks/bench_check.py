"""Benchmark of `dedup check`: cold indexing of a 10,000-document repository, then one new file.

    .venv/bin/python benchmarks/bench_check.py [--docs 10000] [--words 600] [--runs 7]

Builds (deterministically, fixed seed) a git repository of generated articles under
benchmarks/out/check-repo/, then measures, each as wall time of a subprocess, so that
interpreter start-up and imports are included:

* cold: `dedup check` with no file, which indexes the whole corpus (its index starts empty),
  against `dedup report docs/ --no-diff` on the same documents (the detection throughput);
* warm: `dedup check new.txt` for a new version of one document (exit 1) and for an
  unrelated new document (exit 0), the median of --runs runs;
* baselines in the same run: `python -c pass` and `python -c "import numpy"`.

Prints a Markdown table for benchmarks/README.md. Not a test: plain pytest never runs it.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "check-repo"
SEED = 20240517

# Common English words, most frequent first: the Zipf head that makes generated text read like prose.
COMMON = (
    "the of and to a in that is was he for it with as his on be at by i this had not are but from or have an "
    "they which one you were her all she there would their we him been has when who will more no if out so "
    "said what up its about into than them can only other new some could time these two may then do first "
    "any my now such like our over man me even most made after also did many before must through back years "
    "where much your way well down should because each just those people how too little state good very make "
    "world still own see men work long get here between both life being under never day same another know "
    "while last might us great old year off come since against go came right used take three government "
    "city minister police court market company report week million percent officials national public health "
    "school water energy price plan law vote election president council bank trade border river storm season"
).split()
SYLLABLES = "ka ri to ma ne lo su pe di an or el in us ar om ve ti ga bo".split()


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def article(rng: random.Random, words: list[str], weights: list[float], length: int) -> str:
    """About ``length`` words of prose: a title, paragraphs of 3-6 sentences of 6-28 words."""
    title = " ".join(rng.choices(words[150:], k=rng.randint(4, 8))).title()
    paragraphs, count = [], 0
    while count < length:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            n = rng.randint(6, 28)
            s = rng.choices(words, weights, k=n)
            sentences.append(" ".join(s).capitalize() + rng.choice(".....?!"))
            count += n
        paragraphs.append(" ".join(sentences))
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def variant(rng: random.Random, text: str) -> str:
    """A reprint: a new headline and standfirst, a photo caption, one paragraph cut, a paywall line."""
    paras = text.split("\n\n")
    del paras[rng.randrange(2, len(paras))]
    paras.insert(1, "Photo: a view of the river at dawn. (Reuters)")
    paras[0] = "UPDATED: " + paras[0]
    return "\n\n".join(paras) + "\n\nSubscribe to keep reading. Already a subscriber? Log in.\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )


def build(docs: int, length: int) -> tuple[Path, str, str]:
    rng = random.Random(SEED)
    words = vocabulary(rng)
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "docs").mkdir(parents=True)
    texts = []
    for k in range(docs):
        text = article(rng, words, weights, length)
        texts.append(text)
        (OUT / "docs" / f"{k // 1000:02d}" / f"{k:05d}.txt").parent.mkdir(exist_ok=True)
        (OUT / "docs" / f"{k // 1000:02d}" / f"{k:05d}.txt").write_text(text, encoding="utf-8")
    git(OUT, "init", "-q")
    git(OUT, "add", "-A")
    git(OUT, "commit", "-q", "-m", "corpus")
    return OUT, variant(rng, texts[docs // 2]), article(rng, words, weights, length)


def wall(cmd: list[str], cwd: Path, expect: int | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if expect is not None and done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}, expected {expect}:\n{done.stdout}{done.stderr}")
    return elapsed


def median(cmd: list[str], cwd: Path, runs: int, expect: int | None = None) -> float:
    return statistics.median(wall(cmd, cwd, expect) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    python = sys.executable
    dedup = str(Path(python).parent / "dedup")
    t = time.perf_counter()
    repo, new_version, unrelated = build(args.docs, args.words)
    print(f"built {args.docs} documents in {time.perf_counter() - t:.1f} s at {repo}", file=sys.stderr)
    index = repo / ".git" / "dedup" / "index.sqlite"

    report = wall([dedup, "report", "docs", "--no-diff", "--format", "json", "-o", os.devnull], repo, expect=0)
    cold = wall([dedup, "check"], repo, expect=0)
    size = index.stat().st_size
    (repo / "new-version.txt").write_text(new_version, encoding="utf-8")
    (repo / "unrelated.txt").write_text(unrelated, encoding="utf-8")
    found = subprocess.run([dedup, "check", "new-version.txt"], cwd=repo, capture_output=True, text=True)
    print(found.stdout.strip(), file=sys.stderr)
    warm_found = median([dedup, "check", "new-version.txt"], repo, args.runs, expect=1)
    warm_clean = median([dedup, "check", "unrelated.txt"], repo, args.runs, expect=0)
    bare = median([python, "-c", "pass"], repo, args.runs)
    numpy = median([python, "-c", "import numpy"], repo, args.runs)

    import numpy as np

    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"Python {platform.python_version()}, numpy {np.__version__}. "
          f"{args.docs} documents of ~{args.words} words, index {size / 2**20:.0f} MiB; medians of {args.runs} runs.\n")
    print("| measure | wall time | throughput or ratio |")
    print("|---|---|---|")
    print(f"| `dedup report docs --no-diff` (detection) | {report:.2f} s | {args.docs / report:,.0f} docs/s |")
    print(f"| `dedup check` cold (indexes the corpus) | {cold:.2f} s | {args.docs / cold:,.0f} docs/s "
          f"({report / cold:.2f}x detection) |")
    print(f"| `dedup check new-version.txt` warm (found, exit 1) | {warm_found:.3f} s | "
          f"{warm_found / bare:.1f}x `python -c pass`, {warm_found / numpy:.1f}x `import numpy` |")
    print(f"| `dedup check unrelated.txt` warm (clean, exit 0) | {warm_clean:.3f} s | "
          f"{warm_clean / bare:.1f}x `python -c pass`, {warm_clean / numpy:.1f}x `import numpy` |")
    print(f"| `python -c pass` | {bare:.3f} s | 1.0x |")
    print(f"| `python -c \"import numpy\"` | {numpy:.3f} s | {numpy / bare:.1f}x |")


if __name__ == "__main__":
    main()
