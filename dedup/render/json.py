"""Report -> the JSON contract (``version`` 1). Extend it, never break it.

    {"version": 1,
     "config": {every knob, including the LSH b and r},
     "documents": [{"id": ..., "paragraphs": N, "chars": N, "shingles": N}],
     "skipped": [{"path": ..., "reason": ...}],
     "clusters": [{"members": [...], "canonical": ..., "reason": ...}],
     "pairs": [{"a": ..., "b": ..., "jaccard": x, "containment_a_in_b": x,
                "containment_b_in_a": x, "shared": N, "diff": [...]}]}

Ids are sorted, ``a < b`` in every pair, every list is sorted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass

from dedup.pipeline import Report

__all__ = ["VERSION", "dumps", "pair_dict", "report_dict", "to_json"]

VERSION = 1


def _row_dict(row) -> dict:
    as_dict = getattr(row, "as_dict", None)
    if as_dict is not None:
        return as_dict()
    from dedup.classify import row_as_dict

    return row_as_dict(row)


def pair_dict(pair) -> dict:
    return {
        "a": pair.a,
        "b": pair.b,
        "jaccard": pair.jaccard,
        "containment_a_in_b": pair.containment_a_in_b,
        "containment_b_in_a": pair.containment_b_in_a,
        "shared": pair.shared,
        "diff": [_row_dict(r) for r in pair.diff],
    }


def report_dict(report: Report) -> dict:
    return {
        "version": VERSION,
        "config": report.config.as_dict(),
        "documents": [asdict(d) for d in report.documents],
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "clusters": [
            {"members": list(c.members), "canonical": c.canonical, "reason": c.reason} for c in report.clusters
        ],
        "pairs": [pair_dict(p) for p in report.pairs],
    }


def dumps(obj) -> str:
    """The house JSON style: two-space indent, sorted keys, UTF-8 text."""
    if is_dataclass(obj):
        obj = asdict(obj)
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)


def to_json(report: Report) -> str:
    return dumps(report_dict(report))
