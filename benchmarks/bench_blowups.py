"""Inputs that once made `dedup diff` super-linear, timed against an ordinary pair of the same size.

    .venv/bin/python benchmarks/bench_blowups.py [--scale 1] [--only NAME ...]

Each case writes two versions under benchmarks/out/blowups/ (deterministic: fixed seeds) and runs
the real command, `dedup diff A B -f json`, in a subprocess at two sizes (N and 2N), recording wall
time and peak RSS. The baseline, in the same run, is an ordinary pair with as many paragraphs
(every fifth paragraph edited). A case that grows like the baseline has a ratio that stays put
when N doubles; a quadratic one sees it double. Prints a Markdown table. Not a test.

Cases (each fixed in its own commit; figures before and after in the commit messages):

* ``half``: B keeps every other paragraph of A and adds as many new ones (pull-quote search).
* ``splitall``: B splits every paragraph of A in two (pull-quote search).
* ``host``: A is one line gluing N paragraphs of 300 words, B has them as paragraphs (split search).
* ``lone``: a headline, a byline and one sentence of a single N*16-letter word (sentence-end regex).
* ``html-tail``: an HTML page ending in N * "x<y " after its last tag (tag scan).

Markdown (``dedup.markdown_text``; linear from the start, measured when it was added):

* ``md-brackets``: a Markdown page with paragraphs of 4N * "![" and 4N * "[a][" (markdown-it's link
  label search: its cost per bracket grows with its nesting limit, 20).
* ``md-emphasis``: paragraphs of 4N * "*a " and 4N * "**_" (delimiter runs never closed).
* ``md-quotes``: 4N lines of quotes 0 to 18 levels deep, each line a paragraph.

A page's own stylesheet (``dedup.html_style``; linear from the start, measured when it was added):

* ``html-style``: an HTML page whose ``<style>`` holds 40N rules of garbage of every kind (unclosed
  and stray braces, comments and strings holding braces, ``<!-- -->``, ``url()`` data with ";",
  at-rules, nested rules, escapes), a rule left open and a comment never closed; B is the page's
  text without what its rules and visually-hidden classes hide.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "blowups"

_SYL = "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru".split()


def _vocab(rng: random.Random) -> list[str]:
    return sorted({"".join(rng.choice(_SYL) for _ in range(rng.randint(1, 4))) for _ in range(20_000)})


def _para(rng: random.Random, vocab: list[str], words: int | None = None) -> str:
    w = [rng.choice(vocab) for _ in range(words or rng.randint(25, 80))]
    return " ".join(w).capitalize() + "."


def _edit(rng: random.Random, vocab: list[str], p: str) -> str:
    w = p.split()
    w[rng.randrange(len(w))] = rng.choice(vocab)
    return " ".join(w)


def make(name: str, n: int) -> tuple[str, str, str]:
    """The two texts of case ``name`` at size ``n`` and the file suffix."""
    rng = random.Random(n)
    vocab = _vocab(random.Random(7))
    if name == "baseline":
        a = [_para(rng, vocab) for _ in range(n)]
        return "\n\n".join(a), "\n\n".join(_edit(rng, vocab, p) if k % 5 == 0 else p for k, p in enumerate(a)), ".txt"
    if name == "half":
        a = [_para(rng, vocab) for _ in range(n)]
        return "\n\n".join(a), "\n\n".join(p if k % 2 == 0 else _para(rng, vocab) for k, p in enumerate(a)), ".txt"
    if name == "splitall":
        a = [_para(rng, vocab, 60) for _ in range(n)]
        b = []
        for p in a:
            w = p.split()
            b += [" ".join(w[:30]), " ".join(w[30:])]
        return "\n\n".join(a), "\n\n".join(b), ".txt"
    if name == "host":
        pieces = [_para(rng, vocab, 300) for _ in range(n)]
        return "Title\n\n" + " ".join(pieces), "Title\n\n" + "\n\n".join(pieces), ".txt"
    body = [_para(rng, vocab) for _ in range(20)]
    if name == "lone":
        word = "A" + "a" * (16 * n) + " end."
        return "\n\n".join(["Big News Today Here", "By John Smith", word, *body]), "\n\n".join(body), ".txt"
    if name == "html-tail":
        page = "<html><body>" + "".join(f"<p>{p}</p>" for p in body)
        return page + "<p>" + "x<y " * (4 * n), page, ".html"
    page = "\n\n".join(body)
    if name == "md-brackets":
        return page + "\n\n" + "![" * (4 * n) + "\n\n" + "[a][" * (4 * n), page, ".md"
    if name == "md-emphasis":
        return page + "\n\n" + "*a " * (4 * n) + "\n\n" + "**_" * (4 * n), page, ".md"
    if name == "html-style":
        units = (
            ".h{k}, .x .y{k}, a:hover {{ display : none !important }} ",
            "/* {{ comment {k} }} */ .c{k} {{ color: red }} ",
            '.s{k}::after {{ content: "}}{{;{k}" }} ',
            "<!-- .v{k} {{ visibility: Hidden }} --> ",
            "@media (max-width: {k}px) {{ .m{k} {{ display: none }} }} ",
            ".u{k} {{ background: url(data:image/png;base64,{k};{{}}) }} ",
            "}} .spoilt{k} {{ display: none }} x; ",
            ".n{k} {{ .nested {{ display: none }} color: red }} .\\31 {k}\\:y {{ display: none }} ",
        )
        sheet = "".join(units[k % len(units)].format(k=k) for k in range(40 * n))
        hidden = '<p class="h0">Hidden by a rule.</p><p class="v3">Invisible.</p><p class="sr-only">Posted on</p>'
        page = f"<html><head><style>{sheet} .open {{ display: none</style><style>/* never closed</style></head>"
        page += "<body>" + hidden + "".join(f"<p>{p}</p>" for p in body) + "</body></html>"
        return page, "\n\n".join(body), ".html"
    if name == "md-quotes":
        return page + "\n\n" + "\n\n".join(">" * (k % 19) + " quoted" for k in range(4 * n)), page, ".md"
    raise ValueError(f"unknown case {name!r}")


CASES = (
    "baseline", "half", "splitall", "host", "lone", "html-tail", "md-brackets", "md-emphasis", "md-quotes", "html-style",
)


def measure(name: str, n: int) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of `dedup diff` on case ``name`` at size ``n``."""
    folder = OUT / f"{name}-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    a, b, suffix = make(name, n)
    (folder / f"a{suffix}").write_text(a, encoding="utf-8")
    (folder / f"b{suffix}").write_text(b, encoding="utf-8")
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    cmd = [sys.executable, "-m", "dedup", "diff", str(folder / f"a{suffix}"), str(folder / f"b{suffix}"), "-f", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    wall, rss = out.stdout.split()
    return float(wall), int(rss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="N is 2,500 paragraphs times this (host: 1,250)")
    parser.add_argument("--only", nargs="*", choices=CASES, default=None)
    args = parser.parse_args()
    names = [c for c in CASES if args.only is None or c in args.only or c == "baseline"]
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores\n")
    print("| case | N | wall s | RSS MiB | x baseline | 2N wall s | 2N RSS MiB | x baseline |")
    print("|---|---|---|---|---|---|---|---|")
    base: dict[int, float] = {}
    for name in names:
        n = max(1, int((1250 if name == "host" else 2500) * args.scale))
        row = [name, f"{n:,}"]
        for size in (n, 2 * n):
            wall, rss = measure(name, size)
            if name == "baseline":
                base[size] = wall
            ref = base.get(size) or measure("baseline", size)[0]
            base.setdefault(size, ref)
            row += [f"{wall:.2f}", f"{rss:.0f}", f"{wall / ref:.1f}"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
