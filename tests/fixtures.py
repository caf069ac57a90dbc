"""Hand-built diff rows in the contract's shape, for the renderers' tests.

The aligner and classifier fill ``pair["diff"]``; these fixtures stand in for them with
what a person labelling the two seed documents would write, and with a small pair of
made-up documents that has edited paragraphs (the seeds have none).
"""

from __future__ import annotations

from dedup.document import Document, parse_text, read
from dedup.pipeline import Config, run
from dedup.render.json import report_dict
from tests.helpers import SEED_A, SEED_B, SEEDS

# Seed A (000_...): paragraphs that B does not have, by index, with their role and evidence.
A_ONLY = {
    0: ("title", "first line, short, no final stop"),
    1: ("title", "subtitle (dek) under the title"),
    2: ("duplicate", "repeats paragraph 1"),
    6: ("heading", "short line in capitals between body paragraphs"),
    10: ("caption", "'This picture taken on ... shows'; agency credit (KCNA)"),
    11: ("caption", "repeats the caption above"),
    14: ("heading", "short line in capitals between body paragraphs"),
    18: ("heading", "short line in capitals between body paragraphs"),
    22: ("syndication", "'originally published on'"),
    23: ("other", "scraping leftover, two words"),
}
# Seed B (002_...).
B_ONLY = {
    0: ("caption", "describes a photograph: people, place, month"),
    1: ("caption", "credit line 'Pyeongyang Press Corps/REUTERS'"),
    7: ("pull_quote", "repeats a sentence of body paragraph 7"),
    13: ("pull_quote", "repeats a sentence of body paragraph 14"),
    18: ("paywall", "'You are reading a free article.'"),
    19: ("paywall", "'Subscribe to'"),
    20: ("paywall", "subscription offer bullet"),
    21: ("paywall", "subscription offer bullet"),
    22: ("paywall", "subscription offer bullet"),
    23: ("paywall", "'Subscribe Now'"),
    24: ("byline", "author bio: 'is Assistant Professor of'"),
    25: ("byline", "'More By' and the author's name"),
}
# The order the two versions interleave in (difflib's opcodes on the paragraph texts).
SEED_ORDER = [
    ("delete", 0), ("delete", 1), ("delete", 2), ("insert", 0), ("insert", 1),
    ("equal", 3, 2), ("equal", 4, 3), ("equal", 5, 4),
    ("delete", 6),
    ("equal", 7, 5), ("equal", 8, 6),
    ("insert", 7),
    ("equal", 9, 8),
    ("delete", 10), ("delete", 11),
    ("equal", 12, 9), ("equal", 13, 10),
    ("delete", 14),
    ("equal", 15, 11), ("equal", 16, 12),
    ("insert", 13),
    ("equal", 17, 14),
    ("delete", 18),
    ("equal", 19, 15), ("equal", 20, 16), ("equal", 21, 17),
    ("delete", 22), ("delete", 23),
    *[("insert", k) for k in range(18, 26)],
]


def ref(doc: Document, i: int) -> dict:
    p = doc.paragraphs[i]
    return {"index": i, "start": p.start, "end": p.end}


def row(op, role, a=None, b=None, *, score=0, evidence="", words=None) -> dict:
    out = {"op": op, "role": role, "score": score, "a": a, "b": b, "evidence": evidence}
    if words is not None:
        out["words"] = words
    return out


def seed_documents() -> tuple[Document, Document]:
    a, b = read([SEED_A, SEED_B])
    return a, b


def seed_diff(a: Document, b: Document) -> list[dict]:
    rows = []
    for op, *idx in SEED_ORDER:
        if op == "equal":
            rows.append(row("equal", "body", ref(a, idx[0]), ref(b, idx[1]), score=100, evidence="same text"))
        elif op == "delete":
            role, why = A_ONLY[idx[0]]
            rows.append(row("delete", role, ref(a, idx[0]), None, evidence=why))
        else:
            role, why = B_ONLY[idx[0]]
            rows.append(row("insert", role, None, ref(b, idx[0]), evidence=why))
    return rows


def seed_report() -> tuple[dict, dict[str, Document]]:
    """The JSON report of ``seeds/`` with the seed pair's diff filled in by hand."""
    report = run([str(SEEDS)], Config())
    data = report_dict(report)
    a, b = seed_documents()
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"]) == (a.id, b.id)
    pair["diff"] = seed_diff(a, b)
    return data, {a.id: a, b.id: b}


EDIT_A = """Council approves the bridge

The city council approved the new river bridge on Tuesday after a long debate.

Work will start in the spring and last two years, the mayor said.

Residents near the old crossing had asked for the change since 2019."""

EDIT_B = """Council approves the bridge

The city council narrowly approved the new river bridge on Tuesday evening after a long debate.

Residents near the old crossing had asked for the change since 2019.

Work will start in the spring and last three years, the mayor said."""


def edited_pair() -> tuple[dict, Document, Document]:
    """A pair with two edited paragraphs and a moved one, with word-level diffs."""
    a = parse_text(EDIT_A, id="edit/a.txt")
    b = parse_text(EDIT_B, id="edit/b.txt")
    diff = [
        row("equal", "title", ref(a, 0), ref(b, 0), score=100),
        row(
            "replace", "body", ref(a, 1), ref(b, 1), score=88, evidence="same sentence, words changed",
            words=[
                {"op": "equal", "a": "The city council", "b": "The city council"},
                {"op": "insert", "a": "", "b": "narrowly"},
                {"op": "equal", "a": "approved the new river bridge on Tuesday", "b": "approved the new river bridge on Tuesday"},
                {"op": "insert", "a": "", "b": "evening"},
                {"op": "equal", "a": "after a long debate.", "b": "after a long debate."},
            ],
        ),
        row("move", "body", ref(a, 3), ref(b, 2), score=100, evidence="same text, earlier in B"),
        row(
            "replace", "body", ref(a, 2), ref(b, 3), score=93, evidence="one word changed",
            words=[
                {"op": "equal", "a": "Work will start in the spring and last", "b": "Work will start in the spring and last"},
                {"op": "replace", "a": "two", "b": "three"},
                {"op": "equal", "a": "years, the mayor said.", "b": "years, the mayor said."},
            ],
        ),
    ]
    pair = {
        "a": a.id, "b": b.id, "jaccard": 0.61, "containment_a_in_b": 0.8,
        "containment_b_in_a": 0.72, "shared": 31, "diff": diff,
    }
    return pair, a, b
