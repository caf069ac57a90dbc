"""Report -> Markdown for an issue or a pull request: the summary and each pair's differences.

Document text never becomes Markdown or HTML syntax: ``<``, ``>`` and ``&`` become entities,
every other character Markdown gives a meaning to is escaped with a backslash, line breaks
become spaces, control characters become visible escapes (``\\x1b``), and ids are shown in
code spans. Edited words are ``~~deleted~~ **inserted**``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dedup.document import Document
from dedup.render.view import (
    OPS,
    PairView,
    Row,
    Same,
    blocks,
    clip,
    cluster_numbers,
    elide,
    pair_view,
    printable,
    printable_name,
    role_label,
    roles_in,
    same_summary,
    summary_line,
    where,
)

__all__ = ["code", "escape", "pair_markdown", "to_markdown"]

MARKS = {"equal": "=", "delete": "−", "insert": "+", "replace": "~", "move": "→"}
# Characters with a meaning somewhere in CommonMark or GitHub Flavored Markdown (emphasis, code,
# links, images, tables, strikethrough, headings, math); "<>&" become entities instead.
_SPECIAL = re.compile(r"([\\`*_\[\]#|~!$])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPACE = re.compile(r"\s+")
# Digits, "+", "-" or "=" opening a line could start a list, a thematic break or a setext underline.
_LINE_START = re.compile(r"^(\d+)([.)])|^([+\-=])")


def escape(text: str) -> str:
    """Text as literal inline Markdown on one line (safe in a table cell and at a line start)."""
    text = printable(_SPACE.sub(" ", text).strip())
    text = _SPECIAL.sub(r"\\\1", text)
    text = "".join(_ENTITIES.get(c, c) for c in text)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def code(text: str) -> str:
    """An inline code span that holds ``text`` literally, whatever backticks it contains.

    Not for a table cell: a pipe there ends the cell even inside code, and escaping it would show
    the backslash everywhere else (ids go in headings and list items).
    """
    text = printable_name(_SPACE.sub(" ", text).strip())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _words(row: Row) -> str:
    out = []
    last = len(row.words) - 1
    for k, w in enumerate(row.words):
        if w.op == "equal":
            out.append(escape(elide(w.a or w.b, head=k > 0, tail=k < last)))
            continue
        if w.a and w.op in ("delete", "replace"):
            out.append(f"~~{escape(w.a)}~~")
        if w.b and w.op in ("insert", "replace"):
            out.append(f"**{escape(w.b)}**")
    return " ".join(x for x in out if x)


def _cell(row: Row) -> str:
    if row.op == "replace" and row.words:
        return _words(row)
    if row.op == "replace" and row.a and row.b and row.a.text is not None and row.b.text is not None:
        return f"~~{escape(clip(row.a.text))}~~ **{escape(clip(row.b.text))}**"
    side = row.b if row.op in ("insert", "move") else (row.a or row.b)
    if side is None:
        return ""
    if side.text is None:
        return f"_(characters {side.start}-{side.end})_"
    return escape(clip(side.text))


def _pair(view: PairView, title: str, *, why: bool = False) -> list[str]:
    """A pair's heading, ids, figures and table; ``why`` adds a column with each row's evidence."""
    lines = [f"### {title}", "", f"- A: {code(view.a)}", f"- B: {code(view.b)}", ""]
    figures = (
        f"jaccard {view.jaccard:.2f}, A in B {view.containment_a_in_b:.2f}, B in A {view.containment_b_in_a:.2f}"
    )
    counts = view.counts()
    lines += [figures + (f"; {counts}" if counts else ""), ""]
    if not view.rows:
        return [*lines, "_No paragraph diff in this report._", ""]
    lines += ["| | where | role | paragraph | why |", "|---|---|---|---|---|"] if why else [
        "| | where | role | paragraph |", "|---|---|---|---|"]
    end = " | |" if why else " |"
    for block in blocks(view.rows):
        if isinstance(block, Same):
            lines.append(f"| = | | | _{escape(same_summary(block))}_{end}")
        else:
            role = escape(role_label(block.role))
            cell = f"| {MARKS.get(block.op, '?')} | {where(block)} | **{role}** | {_cell(block)} |"
            lines.append(cell + (f" {escape(block.evidence)} |" if why else ""))
    return [*lines, ""]


def _legend(views: list[PairView]) -> list[str]:
    ops = [op for op in OPS if any(r.op == op for v in views for r in v.rows)]
    if not ops:
        return []
    marks = ", ".join(f"{MARKS[op]} {OPS[op]}" for op in ops)
    out = [f"Legend: {marks}."]
    roles = roles_in(views)
    if roles:
        out.append("Roles: " + ", ".join(f"**{escape(role_label(r))}**" for r in roles) + ".")
    if "replace" in ops:
        out.append("Edits: ~~deleted words~~ **inserted words**.")
    return [" ".join(out), ""]


def pair_markdown(pair: Mapping, a: Document | None = None, b: Document | None = None) -> str:
    """One pair of the JSON contract (``pair_dict``) as Markdown, with each row's evidence: for ``dedup diff A B``."""
    view = pair_view(pair, a, b)
    lines = _pair(view, f"{code(view.a)} ↔ {code(view.b)}", why=True)
    return "\n".join([*lines, *_legend([view])]).rstrip() + "\n"


def to_markdown(data: Mapping, documents: Mapping[str, Document] | None = None) -> str:
    """A report dict (``report_dict``) as Markdown; ``documents`` as for the terminal report."""
    documents = documents or {}
    lines = ["## dedup report", "", summary_line(data), ""]
    for k, c in enumerate(data["clusters"], start=1):
        lines += [f"**Cluster {k}**: {len(c['members'])} versions", ""]
        lines.append(f"- {code(c['canonical'])} (canonical: {escape(c['reason'])})")
        lines += [f"- {code(m)}" for m in c["members"] if m != c["canonical"]]
        lines.append("")
    views = [pair_view(p, documents.get(p["a"]), documents.get(p["b"])) for p in data["pairs"]]
    lines += _legend(views)
    clusters = cluster_numbers(data)
    for k, view in enumerate(views, start=1):
        where_ = f" (cluster {clusters[view.a]})" if view.a in clusters else ""
        lines += _pair(view, f"Pair {k} of {len(views)}{where_}")
    if not views:
        lines += ["No near-duplicates found.", ""]
    return "\n".join(lines).rstrip() + "\n"
