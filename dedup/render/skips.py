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
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from dedup.document import Skipped, suffix_of
from dedup.pipeline import RECORD_FORMATS

__all__ = ["FILES_SHOWN", "SHOWN_PER_FILE", "file_skip_lines", "reason_kind", "record_place", "skip_lines"]

#: The items of one file named before one line sums up the rest of it.
SHOWN_PER_FILE = 5
#: The files named before one line sums up the others (clang stops at 20 errors).
FILES_SHOWN = 20

#: A parenthesised detail ending a reason (``(its fields: url, title; see --text-field)``,
#: ``(Expecting value at column 3)``), from its first `` (``; and the hint in it that stays.
_DETAIL = re.compile(r" \(.*\)$")
_HINT = re.compile(r"see --[a-z][a-z-]*")
#: Other parts of the reasons in document.py, pipeline.py and cli.py that differ from item to item:
#: the key of ``duplicate 'id' 'a7'`` and of ``no record with 'id' 'a7' in a.jsonl`` (``no page with
#: WARC-Target-URI 'https://...' in a.warc.gz``), the byte of ``no record at byte 123 any more``, the
#: other file of ``same file as a.txt``, the line of ``got '...'``.
REASON_DETAILS = (
    (re.compile(r"^((?:duplicate|no record with) (?:'[^']*'|\"[^\"]*\")|no page with WARC-Target-URI) .+$"), r"\1"),
    (re.compile(r" at byte \d+"), ""),
    (re.compile(r"^same file as .+$"), "same file as another one"),
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

    Only JSONL, web archives and Parquet files (and standard input, ``-``) hold records: a file named
    ``meeting 12:30`` is a file.
    """
    head, _, number = path.rpartition(":")
    if number.isascii() and number.isdigit() and _holds_records(head):
        return head, int(number)
    at = path.find("#")
    while at > 0:
        if _holds_records(path[:at]):
            return path[:at], None
        at = path.find("#", at + 1)
    return path, None


@lru_cache(maxsize=256)  # the records of one file are many
def _holds_records(name: str) -> bool:
    return name == STDIN or suffix_of(name, RECORD_FORMATS) in RECORD_FORMATS


def skip_lines(skipped: Iterable[Skipped], *, listed: str | None) -> list[str]:
    """The lines (without ``dedup:``) that name ``skipped`` on stderr: ``skipped PATH: REASON`` for
    the first :data:`SHOWN_PER_FILE` items of each file (in the order of their numbers) and the
    first of each other kind of reason (:func:`reason_kind`) in it; then ``skipped N more records
    of FILE: REASON``, REASON the most common kind's (with ``, K of them`` when not all share it).
    After :data:`FILES_SHOWN` files, the others are ``skipped N more files: REASON`` (or ``N more
    records in M more files``), but for the first item of a kind not shown before. A summary
    never stands for one line: that line is shown.

    ``listed`` (``--format json lists ...``) ends each summary: where every item is listed, None
    for nowhere.
    """
    kinds: dict[str, str] = {}  # worked out once per distinct reason: a million records may share one
    files: dict[str, list[tuple[float, _Item]]] = {}
    for s in skipped:
        source, number = record_place(s.path)
        if s.reason not in kinds:
            kinds[s.reason] = reason_kind(s.reason)
        # The whole file first, then its records by number, then those named by id, as listed.
        order = -1 if s.path == source else math.inf if number is None else number
        files.setdefault(source, []).append((order, _Item(s, kinds[s.reason], s.path == source)))
    lines: list[str] = []
    kinds_shown: set[str] = set()
    rest: list[_Item] = []
    rest_files = 0
    for count, (source, placed) in enumerate(files.items()):
        placed.sort(key=lambda p: p[0])
        items = [item for _, item in placed]
        if count < FILES_SHOWN:
            lines.extend(_file_lines(items, name=source, unit="record", listed=listed))
            kinds_shown.update(item.kind for item in items)  # each one's first is shown
            continue
        hidden = 0
        for item in items:
            if item.kind in kinds_shown:
                rest.append(item)
                hidden += 1
            else:
                kinds_shown.add(item.kind)
                lines.append(_line(item))
        rest_files += hidden > 0
    if len(rest) == 1:
        lines.append(_line(rest[0]))
    elif rest:
        wholes = sum(item.whole for item in rest)
        if wholes == len(rest) == rest_files:
            counted = f"{rest_files:,} more files"
        else:
            noun = _noun(len(rest), "record") + (" or files" if wholes else "")
            counted = f"{len(rest):,} more {noun} in {rest_files:,} more {_noun(rest_files, 'file')}"
        lines.append(f"skipped {counted}" + _reason(rest, listed))
    return lines


def file_skip_lines(
    skipped: Iterable[Skipped],
    *,
    name: str,
    listed: str | None,
    unit: str = "record",
    kind: Callable[[Skipped], str] | None = None,
) -> Iterator[str]:
    """:func:`skip_lines` for the items of one file, ``name``, taken as they come and each line
    given as soon as it is known, the summary once ``skipped`` ends: ``diff --pairs`` names the bad
    lines of its file of pairs while it reads the others. ``unit`` names the items (``line``);
    ``kind`` gives an item's kind (default: its reason's :func:`reason_kind`)."""
    items = (_Item(s, kind(s) if kind else reason_kind(s.reason), False) for s in skipped)
    return _file_lines(items, name=name, unit=unit, listed=listed)


@dataclass(frozen=True, slots=True)
class _Item:
    """A skipped item, the kind of its reason, and whether it is a whole file (not one of its records)."""

    skipped: Skipped
    kind: str
    whole: bool


def _line(item: _Item) -> str:
    return f"skipped {item.skipped.path}: {item.skipped.reason}"


def _file_lines(items: Iterable[_Item], *, name: str, unit: str, listed: str | None) -> Iterator[str]:
    """The lines of one file's items: the first :data:`SHOWN_PER_FILE`, and the first of each
    other kind, as they come; then the rest as one line (one left over: its own)."""
    kinds_shown: set[str] = set()
    held: list[_Item] = []
    for k, item in enumerate(items):
        if k < SHOWN_PER_FILE or item.kind not in kinds_shown:
            kinds_shown.add(item.kind)
            yield _line(item)
        else:
            held.append(item)
    if len(held) == 1:
        yield _line(held[0])
    elif held:
        name = f"standard input ({STDIN})" if name == STDIN else name
        yield f"skipped {len(held):,} more {_noun(len(held), unit)} of {name}" + _reason(held, listed)


def _reason(items: Sequence[_Item], listed: str | None) -> str:
    """``: REASON`` of the summed-up ``items``: the most common kind of reason (the reason itself
    when its items all give the same words), ``, K of them`` when not all are of that kind; then
    ``; listed``."""
    ((top, n),) = Counter(item.kind for item in items).most_common(1)
    reasons = {item.skipped.reason for item in items if item.kind == top}
    text = reasons.pop() if len(reasons) == 1 else top
    share = f", {n:,} of them" if n < len(items) else ""
    return f"{share}: {text}" + (f"; {listed}" if listed else "")


def _noun(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
