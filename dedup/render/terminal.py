"""Report -> rich renderables for the terminal: summary, clusters, a legend, each pair's diff.

Paragraphs both versions share are folded into one ``=`` line; every other paragraph gets a
line with its op mark (``-`` only in A, ``+`` only in B, ``~`` edited, ``>`` moved), where it
is (``A3``, ``B12``, ``A4/B5``), its role in the role's colour, and its text. ``plain=True``
(for ``NO_COLOR`` and output that is not a terminal) marks word-level edits with
``[-old-]{+new+}`` instead of colour, so nothing is lost without colour.

Ids and document text are shown as text only: never parsed as rich markup, and with their
control characters escaped (:func:`dedup.render.view.printable`), so that no file name or
paragraph can style the output, make a link, or send escape sequences to the terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from dedup.document import Document
from dedup.render.grid import Grid
from dedup.render.view import (
    OPS,
    PairView,
    Row,
    Same,
    blocks,
    clip,
    cluster_numbers,
    elide,
    flat,
    pair_view,
    printable,
    printable_name,
    role_label,
    roles_in,
    same_summary,
    summary_line,
    where,
)

__all__ = ["ROLE_STYLES", "legend", "render_group", "render_pair", "render_report"]

#: One colour per role: dark text on a mid-tone badge, readable on dark and light terminals alike.
ROLE_STYLES = {
    "body": "black on grey70",
    "title": "black on orchid",
    "heading": "black on plum2",
    "caption": "black on dark_turquoise",
    "pull_quote": "black on cornflower_blue",
    "paywall": "black on dark_orange",
    "byline": "black on dark_sea_green",
    "syndication": "black on khaki3",
    "related": "black on light_salmon3",
    "navigation": "black on grey62",
    "comments": "black on light_goldenrod3",
    "ad": "black on indian_red",
    "duplicate": "black on light_steel_blue",
    "other": "black on grey54",
}
OTHER_STYLE = "black on grey54"
MARKS = {"equal": "=", "delete": "-", "insert": "+", "replace": "~", "move": ">"}
MARK_STYLES = {"equal": "dim", "delete": "bold red", "insert": "bold green", "replace": "bold yellow", "move": "bold blue"}
DELETED, INSERTED = "red strike", "bold green"


@functools.cache
def _badge(role: str, plain: bool) -> Text:
    """A role's badge. Cached, so every row of a role shares one Text: nothing changes a cell."""
    if plain:
        return Text(role_label(role))
    return Text(f" {role_label(role)} ", style=ROLE_STYLES.get(role, OTHER_STYLE))


@functools.cache
def _mark(op: str) -> Text:
    """An op's mark (``-``, ``+``, ``~``, ``>``, ``=``), shared like badges."""
    return Text(MARKS.get(op, "?"), style=MARK_STYLES.get(op))


def legend(roles: list[str], ops: list[str], *, plain: bool = False) -> Grid:
    """What the marks, role colours and word highlights mean; lists only what is shown."""
    table = Grid()
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    marks = Text()
    for k, op in enumerate(ops):
        marks.append("  " * (k > 0))
        marks.append(MARKS[op], style=MARK_STYLES[op])
        marks.append(f" {OPS[op]}")
    table.add_row("Legend", marks)
    if roles:
        badges = Text()
        for k, role in enumerate(roles):
            badges.append(" " * (k > 0))
            badges.append_text(_badge(role, plain))
        table.add_row("Roles", badges)
    if "replace" in ops:
        edits = Text()
        edits.append("[-deleted words-]" if plain else "deleted words", style=None if plain else DELETED)
        edits.append(" ")
        edits.append("{+inserted words+}" if plain else "inserted words", style=None if plain else INSERTED)
        table.add_row("Edits", edits)
    return table


def _word_diff(row: Row, plain: bool) -> Text:
    out = Text()
    last = len(row.words) - 1
    for k, w in enumerate(row.words):
        if k:
            out.append(" ")
        if w.op == "equal":
            # keep context after the previous edit (head) and before the next one (tail)
            out.append(printable(elide(w.a or w.b, head=k > 0, tail=k < last)))
            continue
        old, new = printable(flat(w.a)), printable(flat(w.b))
        if old and w.op in ("delete", "replace"):
            out.append(f"[-{old}-]" if plain else old, style=None if plain else DELETED)
        if old and new and w.op == "replace":
            out.append(" ")
        if new and w.op in ("insert", "replace"):
            out.append(f"{{+{new}+}}" if plain else new, style=None if plain else INSERTED)
    return out


def _text(row: Row, plain: bool) -> Text:
    if row.op == "replace" and row.words:
        return _word_diff(row, plain)
    if row.op == "replace" and row.a and row.b and row.a.text is not None and row.b.text is not None:
        old, new = printable(clip(row.a.text)), printable(clip(row.b.text))
        out = Text()
        out.append(f"[-{old}-]" if plain else old, style=None if plain else DELETED)
        out.append(" ")
        out.append(f"{{+{new}+}}" if plain else new, style=None if plain else INSERTED)
        return out
    side = row.b if row.op in ("insert", "move") else (row.a or row.b)
    if side is None or side.text is None:
        return Text(f"(characters {side.start}-{side.end})" if side else "", style="dim")
    return Text(printable(clip(side.text)))


def _figures(view: PairView) -> str:
    return (
        f"jaccard {view.jaccard:.2f}, A in B {view.containment_a_in_b:.2f}, "
        f"B in A {view.containment_b_in_a:.2f}"
    )


def _why(row: Row, plain: bool) -> Text:
    """A row's text with its evidence on a line below it: why the paragraph got its role."""
    out = _text(row, plain)
    if row.evidence:
        out.append("\n")
        out.append(f"why: {printable(flat(row.evidence))}", style=None if plain else "dim italic")
    return out


def _pair(view: PairView, *, plain: bool, title: str, why: bool = False) -> Iterator[RenderableType]:
    """A pair's title, ids, figures and rows; ``why`` adds each differing row's evidence."""
    yield Text(title, style="bold")
    head = Grid(indent=2)
    head.add_column(no_wrap=True)
    head.add_column(overflow="fold")
    head.add_row(Text("A", style="bold"), Text(printable_name(view.a)))  # Text: an id is never rich markup
    head.add_row(Text("B", style="bold"), Text(printable_name(view.b)))
    yield head
    counts = view.counts()
    yield Padding(Text(_figures(view) + (f"; {counts}" if counts else "")), (0, 0, 0, 2))
    if not view.rows:
        yield Padding(Text("(no paragraph diff in this report)", style="dim"), (0, 0, 0, 2))
        return
    grid = Grid(indent=2, space_before=1)
    grid.add_column(no_wrap=True)  # mark
    grid.add_column(no_wrap=True)  # where
    grid.add_column(no_wrap=True)  # role
    grid.add_column(ratio=1, overflow="fold")  # text
    for block in blocks(view.rows):
        if isinstance(block, Same):
            grid.add_row(_mark("equal"), "", "", Text(same_summary(block), style="dim"))
            continue
        grid.add_row(
            _mark(block.op),
            where(block),
            _badge(block.role, plain),
            _why(block, plain) if why else _text(block, plain),
        )
    yield grid


def render_pair(
    pair: Mapping, a: Document | None = None, b: Document | None = None, *, plain: bool = False
) -> Group:
    """One pair of the JSON contract (``pair_dict``), with its legend: for ``dedup diff A B``.

    Each differing paragraph is followed by its evidence (``why: repeats body paragraph B5``).
    """
    view = pair_view(pair, a, b)
    ops = [op for op in OPS if any(r.op == op for r in view.rows)]
    title = f"{printable_name(view.a)} ↔ {printable_name(view.b)}"
    parts: list[RenderableType] = list(_pair(view, plain=plain, title=title, why=True))
    if view.rows:
        parts.append(Text())
        parts.append(legend(roles_in([view]), ops, plain=plain))
    return Group(*parts)


def render_report(
    data: Mapping, documents: Mapping[str, Document] | None = None, *, plain: bool = False
) -> Iterator[RenderableType]:
    """Yield the human report of a report dict (``report_dict``) a section at a time, in reading
    order: the summary line, each cluster, the legend, each pair. A caller can print each section
    as it comes; printed one after the other they are the report (``render_group``).

    ``documents`` maps ids to the documents read (``Report.paired``); without them the
    diff rows show character offsets instead of text.
    """
    documents = documents or {}
    yield Text(summary_line(data))
    for k, c in enumerate(data["clusters"], start=1):
        table = Grid(indent=2)
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        table.add_row("canonical", Text(printable_name(c["canonical"]), style="bold"))
        table.add_row("", Text(printable(c["reason"]), style="dim"))
        for m in c["members"]:
            if m != c["canonical"]:
                table.add_row("also", Text(printable_name(m)))
        yield Group(Text(), Text(f"Cluster {k}: {len(c['members'])} versions", style="bold"), table)
    if not data["pairs"]:
        yield Group(Text(), Text("No near-duplicates found."))
        return
    views = [pair_view(p, documents.get(p["a"]), documents.get(p["b"])) for p in data["pairs"]]
    ops = [op for op in OPS if any(r.op == op for v in views for r in v.rows)]
    if ops:
        yield Group(Text(), legend(roles_in(views), ops, plain=plain))
    clusters = cluster_numbers(data)
    for k, view in enumerate(views, start=1):
        where = f" (cluster {clusters[view.a]})" if view.a in clusters else ""
        yield Group(Text(), *_pair(view, plain=plain, title=f"Pair {k} of {len(views)}{where}"))


def render_group(data: Mapping, documents: Mapping[str, Document] | None = None, *, plain: bool = False) -> Group:
    return Group(*render_report(data, documents, plain=plain))
