"""Skipped files and records -> the lines that name them on stderr, capped as compilers cap
repeated diagnostics (clang's ``-ferror-limit``).

A run over a million records with the wrong ``--text-field`` skips a million records: a line
each would bury the first ones, which say what to fix. Each file shows its first
:data:`SHOWN_PER_FILE` items and the first of each other kind of reason, then one line for the
rest of it; after :data:`FILES_SHOWN` files, one line sums up the others (but for the first of
a kind of reason not shown yet). Pure: the CLI prints the lines; the JSON report lists every item.

>>> from dedup.document import Skipped
>>> lines = skip_lines([Skipped(f"a.jsonl:{n}", f"no 'text' field (its fields: f{n}; see --text-field)")
...                     for n in range(1, 1001)], listed=None)
>>> lines[0], lines[-1]
("skipped a.jsonl:1: no 'text' field (its fields: f1; see --text-field)", "skipped 995 more records of a.jsonl: no 'text' field (see --text-field)")
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from dedup.document import Skipped
from dedup.pipeline import RECORD_FORMATS

__all__ = ["FILES_SHOWN", "SHOWN_PER_FILE", "reason_kind", "record_place", "skip_lines"]

#: The items of one file named before one line sums up the rest of it.
SHOWN_PER_FILE = 5
#: The files named before one line sums up the others (clang stops at 20 errors).
FILES_SHOWN = 20

#: A parenthesised detail ending a reason (``(its fields: url, title; see --text-field)``,
#: ``(Expecting value at column 3)``), from its first `` (``; and the hint in it that stays.
_DETAIL = re.compile(r" \(.*\)$")
_HINT = re.compile(r"see --[a-z][a-z-]*")
#: Other parts of the reasons in document.py and cli.py that differ from item to item: the key of
#: ``duplicate 'id' 'a7'``, the byte of ``no record at byte 123 any more``, the line of ``got '...'``.
REASON_DETAILS = (
    (re.compile(r"^(duplicate (?:'[^']*'|\"[^\"]*\")) .+$"), r"\1"),
    (re.compile(r" at byte \d+"), ""),
    (re.compile(r", got .*$"), ""),
)
#: How a file of records that is standard input is named in a summary.
STDIN = "-"


def reason_kind(reason: str) -> str:
    """``reason`` without what differs from one item to the next, so that the records of a
    file skipped for one cause share it: ``no 'text' field (its fields: url, title; see
    --text-field)`` -> ``no 'text' field (see --text-field)``; ``invalid JSON (Expecting value at
    column 1)`` -> ``invalid JSON``."""
    detail = _DETAIL.search(reason)
    if detail:
        hint = _HINT.search(detail.group())
        reason = reason[: detail.start()] + (f" ({hint.group()})" if hint else "")
    for pattern, replacement in REASON_DETAILS:
        reason = pattern.sub(replacement, reason)
    return reason


def record_place(path: str) -> tuple[str, int | None]:
    """The file of a skipped item, and its record's number (its line, its row): ``shard.jsonl:12`` ->
    ``("shard.jsonl", 12)``; ``shard.jsonl#key`` -> ``("shard.jsonl", None)``; a file -> ``(path, None)``.

    Only JSONL and Parquet files (and standard input, ``-``) hold records: a file named
    ``meeting 12:30`` is a file.
    """

    def holds_records(name: str) -> bool:
        return name == STDIN or os.path.splitext(name)[1].lower() in RECORD_FORMATS

    head, _, number = path.rpartition(":")
    if number.isascii() and number.isdigit() and holds_records(head):
        return head, int(number)
    at = path.find("#")
    while at > 0:
        if holds_records(path[:at]):
            return path[:at], None
        at = path.find("#", at + 1)
    return path, None


def skip_lines(
    skipped: Iterable[Skipped],
    *,
    listed: str | None,
    unit: str = "record",
    where: Callable[[str], tuple[str, int | None]] = record_place,
    kind: Callable[[Skipped], str] = lambda s: reason_kind(s.reason),
) -> list[str]:
    """The lines (without ``dedup:``) that name ``skipped`` on stderr: ``skipped PATH: REASON`` for
    the first :data:`SHOWN_PER_FILE` items of each file (in the order of their numbers) and the
    first of each other ``kind`` of reason in it; then ``skipped N more records of FILE: REASON``,
    REASON the most common kind's (with ``, K of them`` when not all share it).
    After :data:`FILES_SHOWN` files, the others are ``skipped N more files: REASON`` (or ``N more
    records in M more files``), but for the first item of a kind not shown before. A summary
    never stands for one line: that line is shown.

    ``listed`` (``--format json lists ...``) ends each summary: where every item is listed, None
    for nowhere. ``unit`` names the items of a file (``line`` for a file of pairs); ``where`` gives
    an item's file and number (:func:`record_place`), ``kind`` its kind (:func:`reason_kind`).
    """
    files: dict[str, list[tuple[int | None, Skipped]]] = {}
    for s in skipped:
        source, number = where(s.path)
        files.setdefault(source, []).append((number, s))
    lines: list[str] = []
    kinds_shown: set[str] = set()
    rest: list[Skipped] = []
    rest_files = 0
    for count, (source, items) in enumerate(files.items()):
        # The whole file first, then its records by number, then those named by id, as listed.
        items.sort(key=lambda item: (item[1].path != source, math.inf if item[0] is None else item[0]))
        named = count < FILES_SHOWN
        shown, hidden = _pick([s for _, s in items], SHOWN_PER_FILE if named else 0, kind,
                              set() if named else kinds_shown)
        if named and len(hidden) == 1:
            shown, hidden = [s for _, s in items], []
        kinds_shown.update(kind(s) for s in shown)
        lines.extend(f"skipped {s.path}: {s.reason}" for s in shown)
        if named and hidden:
            name = f"standard input ({STDIN})" if source == STDIN else source
            lines.append(f"skipped {len(hidden):,} more {_noun(len(hidden), unit)} of {name}"
                         + _reason(hidden, kind, listed))
        elif hidden:
            rest.extend(hidden)
            rest_files += 1
    if len(rest) == 1:
        lines.extend(f"skipped {s.path}: {s.reason}" for s in rest)
    elif rest:
        wholes = sum(where(s.path)[0] == s.path for s in rest)  # files skipped as a whole
        if wholes == len(rest) == rest_files:
            counted = f"{rest_files:,} more files"
        else:
            noun = _noun(len(rest), unit) + (" or files" if wholes else "")
            counted = f"{len(rest):,} more {noun} in {rest_files:,} more {_noun(rest_files, 'file')}"
        lines.append(f"skipped {counted}" + _reason(rest, kind, listed))
    return lines


def _pick(
    items: Sequence[Skipped], first: int, kind: Callable[[Skipped], str], kinds_shown: set[str]
) -> tuple[list[Skipped], list[Skipped]]:
    """``items`` split into those shown (the ``first`` ones, and the first of a kind not in
    ``kinds_shown``, which this adds to) and those summed up."""
    show = []
    for k, s in enumerate(items):
        new = kind(s) not in kinds_shown
        kinds_shown.add(kind(s))
        show.append(k < first or new)
    return [s for s, yes in zip(items, show) if yes], [s for s, yes in zip(items, show) if not yes]


def _reason(items: Sequence[Skipped], kind: Callable[[Skipped], str], listed: str | None) -> str:
    """``: REASON`` of the summed-up ``items``: the most common kind of reason (the reason itself
    when its items all give the same words), ``, K of them`` when not all are of that kind; then
    ``; listed``."""
    kinds = Counter(kind(s) for s in items)
    ((top, n),) = kinds.most_common(1)
    reasons = {s.reason for s in items if kind(s) == top}
    text = reasons.pop() if len(reasons) == 1 else top
    share = f", {n:,} of them" if n < len(items) else ""
    return f"{share}: {text}" + (f"; {listed}" if listed else "")


def _noun(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
