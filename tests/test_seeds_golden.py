"""The labelled diff of the two seed documents, row by row (issue 3, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.classify import diff, row_as_dict
from dedup.document import Document, read

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_A = SEEDS / "000_900e872972fded2f.txt"
SEED_B = SEEDS / "002_cc041bda5f211d21.txt"

# (op, allowed roles, A paragraph, B paragraph), in row order.
GOLDEN = [
    ("delete", {"title"}, 0, None),  # Learning to Love Kim's Bomb
    ("delete", {"title"}, 1, None),  # The Upside of a Nuclear-Armed North Korea (dek)
    ("delete", {"title", "duplicate"}, 2, None),  # the title again
    ("insert", {"caption"}, None, 0),  # South Korean President Moon Jae-in and ...
    ("insert", {"caption"}, None, 1),  # Pyeongyang Press Corps/REUTERS
    ("equal", {"body"}, 3, 2),
    ("equal", {"body"}, 4, 3),
    ("equal", {"body"}, 5, 4),
    ("delete", {"heading"}, 6, None),  # A NEW NORMAL
    ("equal", {"body"}, 7, 5),
    ("equal", {"body"}, 8, 6),
    ("insert", {"pull_quote"}, None, 7),  # Trump's failure may sow the seeds ...
    ("equal", {"body"}, 9, 8),
    ("delete", {"caption"}, 10, None),  # This picture taken on July 4, 2017 ... (KCNA) ...
    ("delete", {"duplicate"}, 11, None),  # ... and its second copy
    ("equal", {"body"}, 12, 9),
    ("equal", {"body"}, 13, 10),
    ("delete", {"heading"}, 14, None),  # TRIPLE WIN
    ("equal", {"body"}, 15, 11),
    ("equal", {"body"}, 16, 12),
    ("insert", {"pull_quote"}, None, 13),  # The North Korean regime is in the best strategic position ...
    ("equal", {"body"}, 17, 14),
    ("delete", {"heading"}, 18, None),  # GET REAL
    ("equal", {"body"}, 19, 15),
    ("equal", {"body"}, 20, 16),
    ("equal", {"body"}, 21, 17),
    ("delete", {"syndication"}, 22, None),  # This article was originally published on ...
    ("delete", {"navigation"}, 23, None),  # font change
    ("insert", {"paywall"}, None, 18),  # You are reading a free article.
    ("insert", {"paywall"}, None, 19),  # Subscribe to ... to get unlimited access.
    ("insert", {"paywall"}, None, 20),  # • Paywall-free reading ...
    ("insert", {"paywall"}, None, 21),  # • Unlock access to iOS/Android apps ...
    ("insert", {"paywall"}, None, 22),  # • Six issues a year ...
    ("insert", {"paywall"}, None, 23),  # Subscribe Now
    ("insert", {"byline"}, None, 24),  # • JOSHUA SHIFRINSON is Assistant Professor ...
    ("insert", {"byline"}, None, 25),  # • More By Joshua Shifrinson
]


@pytest.fixture(scope="module")
def seeds() -> tuple[Document, Document]:
    a, b = list(read([SEED_A, SEED_B]))
    assert isinstance(a, Document) and isinstance(b, Document)
    assert (len(a.paragraphs), len(b.paragraphs)) == (24, 26)
    return a, b


def test_seed_rows_one_by_one(seeds):
    a, b = seeds
    rows = diff(a, b)
    assert len(rows) == len(GOLDEN)
    for k, (row, (op, roles, ia, ib)) in enumerate(zip(rows, GOLDEN)):
        got = (str(row.op), row.a.index if row.a else None, row.b.index if row.b else None)
        assert got == (op, ia, ib), f"row {k}"
        assert str(row.role) in roles, f"row {k}: {row.role} ({row.evidence}) not in {roles}"
        assert row.evidence, f"row {k} has no evidence"


def test_seed_spans_and_json(seeds):
    a, b = seeds
    for row in diff(a, b):
        d = row_as_dict(row)
        assert set(d) == {"op", "role", "score", "a", "b", "evidence", "words"}
        json.dumps(d)
        if row.a is not None:
            p = a.paragraphs[row.a.index]
            assert (row.a.start, row.a.end) == (p.start, p.end)
            assert a.text[row.a.start : row.a.end] == p.text
        if row.b is not None:
            p = b.paragraphs[row.b.index]
            assert b.text[row.b.start : row.b.end] == p.text
        assert d["words"] == [] and 0 <= d["score"] <= 100


def test_seed_evidence_is_specific(seeds):
    a, b = seeds
    rows = {(r.a.index if r.a else None, r.b.index if r.b else None): r for r in diff(a, b)}
    # evidence names paragraphs as the reports do: from 1, with the document's letter
    assert rows[(None, 7)].evidence == "repeats body paragraph B5"  # B8 quotes B5
    assert rows[(11, None)].evidence == "repeats paragraph A11"  # A12 repeats A11
    assert "originally published" in rows[(22, None)].evidence
    assert "subscribe" in rows[(None, 19)].evidence
