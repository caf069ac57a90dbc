"""The synthetic benchmark corpus (benchmarks/corpus.py), at small N: deterministic, with true pairs."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import corpus  # noqa: E402

from dedup.shingle import fingerprints  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    assert corpus.main(["--docs", "60", "--out", str(out), "--jsonl", str(out / "all.jsonl"), "--seed", "7"]) == 0
    return out


def test_same_seed_same_corpus():
    assert corpus.texts(25, seed=3) == corpus.texts(25, seed=3)
    assert corpus.texts(25, seed=3) != corpus.texts(25, seed=4)
    # a longer run starts with the same documents
    assert corpus.texts(40, seed=3)[:25] == corpus.texts(25, seed=3)


def test_folder_jsonl_and_pairs(folder):
    files = sorted(folder.glob("*.txt"))
    assert len(files) == 60
    records = [json.loads(line) for line in (folder / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == sorted(f.stem for f in files)
    by_id = {r["id"]: r["text"] for r in records}
    assert all(by_id[f.stem] == f.read_text(encoding="utf-8") for f in files)
    with open(folder / "pairs.tsv", encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh, delimiter="\t"))
    assert pairs, "30% of articles have variants: 60 documents hold some pairs"
    for p in pairs:
        assert p["doc_a"] < p["doc_b"] and p["doc_a"] in by_id and p["doc_b"] in by_id


def test_documents_look_like_articles(folder):
    texts = [f.read_text(encoding="utf-8") for f in folder.glob("*.txt")]
    words = np.array([len(t.split()) for t in texts])
    assert 450 < words.mean() < 800
    paragraphs = np.array([len([p for p in t.split("\n\n") if p.strip()]) for t in texts])
    assert 8 <= np.median(paragraphs) <= 20 and paragraphs.min() >= 3  # truncated variants are shorter


def test_true_pairs_are_near_duplicates(folder):
    with open(folder / "pairs.tsv", encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh, delimiter="\t"))
    text = {f.stem: f.read_text(encoding="utf-8") for f in folder.glob("*.txt")}
    fps = {k: fingerprints(v) for k, v in text.items()}

    def containment(a, b):
        return len(np.intersect1d(fps[a], fps[b])) / min(len(fps[a]), len(fps[b]))

    assert all(containment(p["doc_a"], p["doc_b"]) > 0.5 for p in pairs)
    paired = {(p["doc_a"], p["doc_b"]) for p in pairs}
    ids = sorted(text)
    others = [containment(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if (a, b) not in paired]
    assert np.median(others) < 0.05  # unrelated articles share little beyond boilerplate
