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

import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO
from dataclasses import asdict, is_dataclass

from dedup.pipeline import Report

__all__ = ["VERSION", "dumps", "escape_unsafe", "pair_dict", "report_dict", "to_json", "write_json"]

VERSION = 1


def _row_dicts(rows) -> list[dict]:
    dicts = getattr(rows, "dicts", None)  # classify.EncodedRows: the rows are JSON already
    if dicts is not None:
        return dicts()
    from dedup.classify import row_as_dict

    return [row_as_dict(r) for r in rows]


def _figures(pair) -> dict:
    return {
        "a": pair.a,
        "b": pair.b,
        "jaccard": pair.jaccard,
        "containment_a_in_b": pair.containment_a_in_b,
        "containment_b_in_a": pair.containment_b_in_a,
        "shared": pair.shared,
    }


def pair_dict(pair) -> dict:
    return {**_figures(pair), "diff": _row_dicts(pair.diff)}


class _Rows(str):
    """The inside of a list of rows already written as JSON (``classify.EncodedRows.text``)."""


def _pair_for_writing(pair) -> dict:
    """:func:`pair_dict` with the rows as JSON text (``classify.row_json``): the writer splices it."""
    text = getattr(pair.diff, "text", None)  # classify.EncodedRows
    if text is None:
        from dedup.classify import EncodedRows

        text = EncodedRows.of(pair.diff).text
    # No rows (--no-diff): an empty list, as report_dict gives; an empty _Rows would be written as "".
    return {**_figures(pair), "diff": _Rows(text) if text else []}


def _sections(report: Report, pair: Callable = pair_dict) -> dict[str, Iterable]:
    """The report's top-level keys; the lists as generators, so a writer can stream them."""
    return {
        "version": VERSION,
        "config": report.config.as_dict(),
        "documents": (
            {"id": d.id, "paragraphs": d.paragraphs, "chars": d.chars, "shingles": d.shingles}
            for d in report.documents
        ),
        "skipped": ({"path": s.path, "reason": s.reason} for s in report.skipped),
        "clusters": (
            {"members": list(c.members), "canonical": c.canonical, "reason": c.reason} for c in report.clusters
        ),
        "pairs": (pair(p) for p in report.pairs),
    }


def report_dict(report: Report) -> dict:
    return {k: list(v) if isinstance(v, Iterator) else v for k, v in _sections(report).items()}


_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(", ", ": ")).encode


_string = json.encoder.encode_basestring  # what _encode does with a str


def _compact(obj) -> str:
    """One value on one line: every piece of JSON text written goes through here.

    Strings, ints and finite floats (the keys and figures of a report, hundreds of
    thousands of them) are written as the encoder writes them, without its set-up.
    """
    kind = type(obj)
    if kind is str:
        return escape_unsafe(_string(obj))
    if kind is int or (kind is float and math.isfinite(obj)):
        return repr(obj)
    return escape_unsafe(_encode(obj))


def dumps(obj) -> str:
    """The house JSON style: sorted keys, UTF-8 text, two-space indent.

    The top-level object is spread over lines; below it, a list of objects has one per
    line, and an object holding such a list is spread too, two spaces a level; all else
    (a document's figures, a cluster, a diff row) stays on one line. The same data as
    ``json.dumps(obj, indent=2, sort_keys=True)``, laid out for grep and diff, and
    written by the C encoder: ``indent=`` makes the json module fall back to pure
    Python, which takes seconds on a report of 100,000 documents.
    """
    if is_dataclass(obj):
        obj = asdict(obj)
    out = io.StringIO()
    _write_top(obj, out)
    return out.getvalue()


def write_json(report: Report, fh: TextIO) -> None:
    """Write :func:`to_json` of ``report`` to ``fh`` a document or a pair at a time.

    Nothing but the report itself is held: a report with its diff rows can take more
    memory as dicts and as one string than the run that made it.
    """
    _write_top(_sections(report, _pair_for_writing), fh)


def _write_top(obj, fh: TextIO) -> None:
    if not isinstance(obj, dict) or not obj:
        fh.write(_compact(obj) + "\n")
        return
    fh.write("{\n")
    keys = sorted(obj)
    for k, key in enumerate(keys):
        fh.write(f"  {_compact(key)}: ")
        value = obj[key]
        if isinstance(value, Iterator):
            first = True
            for item in value:
                out: list[str] = ["[\n    " if first else ",\n    "]
                _write(item, 2, out)
                fh.write("".join(out))
                first = False
            fh.write("[]" if first else "\n  ]")
        else:
            out = []
            _write(value, 1, out)
            fh.write("".join(out))
        fh.write(",\n" if k < len(keys) - 1 else "\n")
    fh.write("}")


# Left as they are by ensure_ascii=False, and only ever inside strings: DEL and C1 controls (a
# terminal acts on them), U+2028/U+2029 (line breaks to JavaScript), lone surrogates (bytes of
# a file name that are not UTF-8: as \udcXX the output stays valid UTF-8, and Python's
# json.loads gives the name back for os.fsencode).
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def escape_unsafe(text: str) -> str:
    """JSON text with those characters as ``\\u`` escapes: the same data, safe to print."""
    if text.isascii() and "\x7f" not in text:  # isascii costs nothing: str knows it
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) if _UNSAFE.search(text) else text


def _spread(obj) -> bool:
    if isinstance(obj, dict):
        return any((isinstance(v, (list, tuple)) and _spread(v)) or (isinstance(v, _Rows) and v) for v in obj.values())
    return any(isinstance(v, (dict, list, tuple)) for v in obj)


def _write(obj, level: int, out: list[str]) -> None:
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(obj, _Rows):
        out.append(f"[\n{inner}" + escape_unsafe(obj.replace("\n", "\n" + inner)) + f"\n{pad}]" if obj else "[]")
        return
    if not isinstance(obj, (dict, list, tuple)) or not obj or not _spread(obj):
        out.append(_compact(obj))
        return
    if isinstance(obj, dict):
        out.append("{\n")
        for k, key in enumerate(sorted(obj)):
            out.append(f"{inner}{_compact(key)}: ")
            _write(obj[key], level + 1, out)
            out.append(",\n" if k < len(obj) - 1 else "\n")
        out.append(pad + "}")
    else:
        out.append("[\n")
        for k, item in enumerate(obj):
            out.append(inner)
            _write(item, level + 1, out)
            out.append(",\n" if k < len(obj) - 1 else "\n")
        out.append(pad + "]")


def to_json(report: Report) -> str:
    out = io.StringIO()
    write_json(report, out)
    return out.getvalue()
