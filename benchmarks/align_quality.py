"""Quality of paragraph alignment and roles on a labelled folder (../shared/data/dev by default).

For every (doc, ref) pair of ``labels.jsonl`` the doc is diffed against its ref
(``dedup.classify.diff``, with ``ParagraphStats`` over the whole ``docs/`` folder, as
the pipeline does) and each labelled paragraph of the doc is looked up in the rows.

    .venv/bin/python benchmarks/align_quality.py                 # the bars, as a Markdown table
    .venv/bin/python benchmarks/align_quality.py --sample 50     # + 50 random rows per markup group, for judging
    .venv/bin/python benchmarks/align_quality.py --phrases       # + hits of every phrase-table entry

Only ``docs/`` is read by the tool under test; ``labels.jsonl`` and ``docs.tsv`` are the answer key.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dedup import phrases  # noqa: E402
from dedup.align import align, normalise  # noqa: E402
from dedup.classify import _RULES as RULES  # noqa: E402
from dedup.classify import _WORDS as WORDS  # noqa: E402
from dedup.classify import Role, diff, paragraph_stats  # noqa: E402
from dedup.document import Document, read  # noqa: E402

SHARED_OPS = {"equal", "replace", "move"}
# markup label -> group, and the role that agrees with the group
GROUPS = {
    "caption": "caption",
    "byline": "byline+dateline",
    "dateline": "byline+dateline",
    "paywall": "paywall+newsletter",
    "newsletter": "paywall+newsletter",
    "related": "related",
    "navigation": "navigation+footer+header+social+tags",
    "footer": "navigation+footer+header+social+tags",
    "header": "navigation+footer+header+social+tags",
    "social": "navigation+footer+header+social+tags",
    "tags": "navigation+footer+header+social+tags",
    "comments": "comments",
}
AGREES = {
    "caption": {"caption"},
    "byline+dateline": {"byline"},
    "paywall+newsletter": {"paywall"},
    "related": {"related"},
    "navigation+footer+header+social+tags": {"navigation"},
    "comments": {"comments"},
}
BARS = {"caption": 0.80, "byline+dateline": 0.80}


def label_paragraphs(doc: Document) -> dict[int, int | None]:
    """Label ``para`` index (blocks split on blank lines) -> our paragraph index (None if it has no text)."""
    out: dict[int, int | None] = {}
    starts = [p.start for p in doc.paragraphs]
    ends = [p.end for p in doc.paragraphs]
    k = 0
    import bisect

    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", doc.text):
        if not m.group().strip():
            continue
        s = bisect.bisect_left(ends, m.start() + 1)
        out[k] = s if s < len(starts) and starts[s] < m.end() else None
        k += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "dev"))
    ap.add_argument("--sample", type=int, default=0, help="print N random rows per markup group")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--phrases", action="store_true", help="print hits of every phrase-table entry")
    ap.add_argument("--json", help="write the per-row results here")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / "labels.jsonl").exists():
        print(f"no labelled folder at {data}", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    docs = {d.id.removesuffix(".txt"): d for d in read([data / "docs"]) if isinstance(d, Document)}
    meta = {r["doc"]: r for r in csv.DictReader(open(data / "docs.tsv", encoding="utf-8"), delimiter="\t")}
    labels = [json.loads(line) for line in open(data / "labels.jsonl", encoding="utf-8")]
    t_read = time.perf_counter() - t0

    # Paragraph counts: ours against the answer key's blank-line blocks.
    mismatched = []
    for ident, d in docs.items():
        want = int(meta[ident]["n_paras"])
        if len(d.paragraphs) != want:
            mismatched.append((ident, len(d.paragraphs), want))

    t0 = time.perf_counter()
    stats = paragraph_stats(docs.values())
    t_stats = time.perf_counter() - t0

    pairs: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for r in labels:
        pairs[(r["doc"], r["ref"])].append(r)
    results = []
    unmapped = 0
    t0 = time.perf_counter()
    n_rows = 0
    for (d, ref), rs in sorted(pairs.items()):
        al = align(docs[d], docs[ref])
        rows = diff(docs[d], docs[ref], stats=stats, alignment=al)
        n_rows += len(rows)
        pieces = {s.a for s in al.steps if s.a is not None and s.part_of is not None}
        by_a = {row.a.index: row for row in rows if row.a is not None}
        shared_keys = [normalise(docs[d].paragraphs[row.a.index].text) for row in rows
                       if row.a is not None and row.b is not None]
        pmap = label_paragraphs(docs[d])
        for r in rs:
            p = pmap.get(r["para"])
            if p is None:
                unmapped += 1
                continue
            row = by_a[p]
            key = normalise(docs[d].paragraphs[p].text)
            copy = str(row.op) not in SHARED_OPS and len(key) >= 8 and any(key in k for k in shared_keys)
            results.append({**r, "p": p, "op": str(row.op), "role": str(row.role), "evidence": row.evidence,
                            "text": docs[d].paragraphs[p].text, "copy_of_shared": copy, "piece": p in pieces})
    t_diff = time.perf_counter() - t0

    def pct(num: int, den: int) -> str:
        return f"{num / den:.1%} ({num}/{den})" if den else "n/a"

    print("## Alignment and roles on", data.name)
    print()
    print(f"{len(pairs)} pairs, {len(results)} labelled paragraphs ({unmapped} label rows point at a block "
          f"without text); read {t_read:.1f} s, stats {t_stats:.1f} s, diff {t_diff:.1f} s ({n_rows} rows)")
    print(f"paragraph counts differing from docs.tsv n_paras: {len(mismatched)} of {len(docs)} documents "
          f"({', '.join(f'{i} {a}/{b}' for i, a, b in mismatched)})")
    print()
    inref = [r for r in results if r["in_ref"]]
    outref = [r for r in results if not r["in_ref"]]
    strict_in = sum(r["op"] in SHARED_OPS for r in inref)
    shared_in = sum(r["op"] in SHARED_OPS or r["piece"] for r in inref)
    repeat_in = sum(r["copy_of_shared"] and not r["piece"] for r in inref)
    strict_out = sum(r["op"] not in SHARED_OPS for r in outref)
    unmatched_out = sum(r["op"] not in SHARED_OPS and not r["piece"] for r in outref)
    human_bp = [r for r in results if r["by"] == "human" and r["label"] == "boilerplate"]
    human_bp_out = [r for r in human_bp if not r["in_ref"]]
    human_ct = [r for r in results if r["by"] == "human" and r["label"] == "content"]
    not_bo = lambda r: r["role"] not in ("body", "other")  # noqa: E731
    print("| bar | target | result |")
    print("|---|---|---|")
    print(f"| `in_ref: true` come out shared (equal/replace/move, or a piece of a split paragraph) | >= 97% | "
          f"{pct(shared_in, len(inref))} |")
    print(f"| ... equal/replace/move rows alone (a piece's row is insert/delete) | | {pct(strict_in, len(inref))} |")
    print(f"| ... shared, or a second copy of (or contained in) a shared paragraph of the doc | | "
          f"{pct(shared_in + repeat_in, len(inref))} |")
    print(f"| `in_ref: false` come out unmatched (not shared, not a piece) | >= 97% | {pct(unmatched_out, len(outref))} |")
    print(f"| ... not equal/replace/move | | {pct(strict_out, len(outref))} |")
    print(f"| human `boilerplate` get a role other than body/other | >= 90% | {pct(sum(map(not_bo, human_bp)), len(human_bp))} |")
    print(f"| ... of them `in_ref: false` | | {pct(sum(map(not_bo, human_bp_out)), len(human_bp_out))} |")
    print(f"| ... of them `in_ref: true` (both versions kept them) | | "
          f"{pct(sum(map(not_bo, [r for r in human_bp if r['in_ref']])), len(human_bp) - len(human_bp_out))} |")
    print(f"| human `content` get body/other/title/heading (for contrast) | | "
          f"{pct(sum(r['role'] in ('body', 'other', 'title', 'heading', 'pull_quote', 'duplicate') for r in human_ct), len(human_ct))} |")
    markup = [r for r in results if r["by"] == "html" and r["label"] in GROUPS]
    for group, roles in AGREES.items():
        rs = [r for r in markup if GROUPS[r["label"]] == group]
        got = sum(r["role"] in roles for r in rs)
        target = f">= {BARS[group]:.0%}" if group in BARS else "reported"
        print(f"| markup `{group}` get role {'/'.join(sorted(roles))} | {target} | {pct(got, len(rs))} |")
    predicted = collections.Counter(r["role"] for r in results if r["by"] == "html")
    print()
    print("Precision against markup (rows with a markup label only): of the paragraphs we call X, how many carry X's markup group")
    print()
    print("| role | called | markup agrees |")
    print("|---|---|---|")
    for group, roles in AGREES.items():
        role = next(iter(roles))
        called = [r for r in results if r["by"] == "html" and r["role"] == role]
        ok = sum(GROUPS.get(r["label"]) == group for r in called)
        print(f"| {role} | {len(called)} | {pct(ok, len(called))} |")
    del predicted

    # Confusion table: markup / human label (rows) x our role (columns).
    print()
    print("Confusion (rows: label, `by`; columns: our role; paragraphs outside the ref only)")
    print()
    roles = [str(r) for r in Role]
    print("| label | n | " + " | ".join(roles) + " |")
    print("|---|---|" + "---|" * len(roles))
    conf: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in outref:
        key = f"{r['label']} ({r['by']})"
        conf[key][r["role"]] += 1
    for key in sorted(conf, key=lambda k: -sum(conf[k].values())):
        c = conf[key]
        print(f"| {key} | {sum(c.values())} | " + " | ".join(str(c[x]) if c[x] else "" for x in roles) + " |")

    if args.sample:
        rng = random.Random(args.seed)
        for group in ("caption", "byline+dateline", "paywall+newsletter"):
            rs = [r for r in markup if GROUPS[r["label"]] == group]
            print(f"\n### {args.sample} random `{group}` rows (seed {args.seed})\n")
            for k, r in enumerate(rng.sample(rs, min(args.sample, len(rs))), 1):
                text = " ".join(r["text"].split())
                print(f"{k:2}. [{r['label']}/{r['ev'][:25]}] -> {r['role']} ({r['evidence'][:50]}) :: {text[:140]!r}")

    if args.phrases:
        # Each entry on the paragraphs it may judge in classify (the word limit of its table), outside the
        # clean version (labelled rows) and inside it (every paragraph of the clean versions).
        # "inside": the human-written clean versions only (trafilatura's extractions keep some furniture).
        clean = sorted({r["ref"] for r in labels if meta[r["ref"]]["kind"].startswith("clean:")})
        inside = [p.text for ref in clean for p in docs[ref].paragraphs]
        outside = [r["text"] for r in outref]
        limits = {"NAVIGATION_WORDS": 6, "DATE_PHRASES": 16}
        for role, name, pattern, max_words in RULES:
            for table in phrases.__all__:
                if table.isupper() and phrases.compile_table(getattr(phrases, table), ignore_case=bool(pattern.flags & re.I)).pattern == pattern.pattern:
                    limits[table] = max_words
        print("\n### Phrase-table entries: hits outside the clean version / inside it (within the table's word limit)\n")
        print("| table | entry | outside | inside |")
        print("|---|---|---|---|")
        n_words = lambda t: len(WORDS.findall(t))  # noqa: E731
        outside_n = [(t, n_words(t)) for t in outside]
        inside_n = [(t, n_words(t)) for t in inside]
        for name in phrases.__all__:
            if not name.isupper():
                continue
            limit = limits.get(name, 80)
            for entry in getattr(phrases, name):
                flags = 0 if name in ("BYLINE_PHRASES", "BIO_PHRASES") else re.IGNORECASE
                pat = re.compile(entry if name != "NAVIGATION_WORDS" else rf"^(?:(?:{entry})\W*)+$", flags)
                o = sum(1 for t, n in outside_n if n <= limit and pat.search(t))
                i = sum(1 for t, n in inside_n if n <= limit and pat.search(t))
                short = entry if len(entry) <= 70 else entry[:67] + "..."
                print(f"| {name} | `{short}` | {o} | {i} |")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
