"""Two runs on the same input give byte-identical output, whatever the worker count and
``PYTHONHASHSEED``: the real command on a generated folder of 700 documents (text, Markdown,
HTML, two JSONL files, versions of articles with captions, paywalls and edits, names that are
not UTF-8), so that the process pool, the LSH buckets, the clusters and the diffs all run.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, ROOT, prose


def corpus(folder: Path) -> None:
    """~700 documents in ~640 files: more than one task of 512 files, so the pool splits the work."""
    rng = random.Random(2024)
    (folder / "news" / "html").mkdir(parents=True)
    (folder / "feeds").mkdir()
    records = []
    for k in range(420):
        article = prose(k, paragraphs=rng.randint(3, 9))
        (folder / "news" / f"article-{k:03d}.txt").write_text(article, encoding="utf-8")
        if k % 3 == 0:  # a scraped version: caption, pull-quote, paywall, one edited paragraph
            paras = article.split("\n\n")
            paras.insert(1, "Police officers near the river bridge, May 2024. Photo: Reuters")
            paras[-1] = paras[-1].replace(" the ", " a ", 1)
            paras.append("Subscribe now to keep reading. Already a subscriber? Log in.")
            (folder / "news" / f"article-{k:03d}-scraped.md").write_text("\n\n".join(paras), encoding="utf-8")
        if k % 7 == 0:
            body = "".join(f"<p>{p}</p>" for p in article.split("\n\n"))
            (folder / "news" / "html" / f"page-{k:03d}.html").write_text(
                f"<html><head><script>x()</script></head><body><nav>Home | World</nav>{body}"
                f"<footer>© Example</footer></body></html>", encoding="utf-8")
        if k % 5 == 0:
            records.append({"id": f"r{k}", "text": article if k % 10 else article.upper()})
    rng.shuffle(records)
    for n, part in enumerate((records[: len(records) // 2], records[len(records) // 2 :])):
        (folder / "feeds" / f"feed-{n}.jsonl").write_text("\n".join(json.dumps(r) for r in part) + "\n{broken\n")
    (folder / os.fsdecode(b"caf\xe9 copy.txt")).write_text(prose(3, paragraphs=5), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")


def report(folder: Path, fmt: str, workers: int, seed: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV}
    env.update(PYTHONPATH=str(ROOT), PYTHONHASHSEED=seed)
    return subprocess.Popen([sys.executable, "-m", "dedup", "report", str(folder), "--format", fmt, "-j", str(workers)],
                            cwd=folder.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def output(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out, err


@pytest.mark.slow
def test_json_is_byte_identical_whatever_the_workers_and_the_hash_seed(tmp_path):
    folder = tmp_path / "corpus"
    corpus(folder)
    runs = [(1, "0"), (2, "12345"), (2, "0"), (1, "12345")]
    procs = [report(folder, "json", workers, seed) for workers, seed in runs]  # at once: they share nothing
    outputs = [output(p) for p in procs]
    first_out, first_err = outputs[0]
    data = json.loads(first_out)
    assert len(data["documents"]) > 650 and len(data["pairs"]) > 150 and any(p["diff"] for p in data["pairs"])
    assert len({d["id"].split("#")[0] for d in data["documents"]} & {"feeds/feed-0.jsonl", "feeds/feed-1.jsonl"}) == 2
    for (workers, seed), (out, err) in zip(runs, outputs):
        assert out == first_out, f"--workers {workers}, PYTHONHASHSEED={seed}: the JSON differs"
        assert err == first_err


@pytest.mark.slow
def test_html_and_markdown_are_byte_identical_too(tmp_path):
    folder = tmp_path / "corpus"
    corpus(folder)
    procs = {(fmt, w): report(folder, fmt, w, seed) for fmt in ("html", "md") for w, seed in ((1, "0"), (2, "12345"))}
    outputs = {key: output(p) for key, p in procs.items()}
    for fmt in ("html", "md"):
        assert outputs[fmt, 1] == outputs[fmt, 2], fmt
