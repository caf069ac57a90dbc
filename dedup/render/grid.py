"""A borderless grid of text, laid out exactly as rich's ``Table.grid(padding=(0, 1))`` would, in one pass.

rich measures and renders each cell of a Table through several layers (Padding, Measurement,
render_lines, set_shape); with thousands of diff rows the terminal report spent nearly all its
time there. :class:`Grid` takes the same calls (``add_column``, ``add_row``) for the tables the
report draws, whose columns all keep to one line except the last, and writes the same text and
styles: column widths computed as rich computes them, cells that fit on their line written
directly, cells that do not broken where rich breaks them (``divide_line``; ``Text.wrap`` itself
for text with styled spans). Any other layout (a console too narrow for the columns that do not
wrap, a column set another way) is handed to a real ``Table.grid``, so the output is the same
either way. tests/test_grid.py holds it to that, against the Table, on random grids.
"""

from __future__ import annotations

import re

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

__all__ = ["Grid"]

_NULL = Style.null()
#: What sends a Text that fits on its line down rich's own wrapping path: line breaks (str.splitlines
#: and Text.split see different ones), a tab to expand, and the joiners that make a string's width
#: differ from the sum of its words' widths.
_NOT_SIMPLE = re.compile("[\n\r\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029\u200d\ufe0f]")
#: What a string cell must not hold to be its own text: markup, emoji codes, the control
#: characters Text removes, and all of the above.
_NOT_PLAIN = re.compile("[\\[:\x07\x08\n\r\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029\u200d\ufe0f]")


def _width(plain: str) -> int:
    """``cell_len`` of one line, without its cache for the common case (printable ASCII, one cell each)."""
    return len(plain) if plain.isascii() and plain.isprintable() else cell_len(plain)


#: The overflows _wrap_plain follows (those of Text.truncate; "ignore" leaves lines as they are).
_OVERFLOWS = ("fold", "crop", "ellipsis")
_TRAILING_SPACE = re.compile(r"\s+$")  # as Text.rstrip_end finds it


def _wrap_plain(plain: str, width: int, overflow: str, style: Style | None) -> list[list[Segment]]:
    """``Text(plain, style=style).wrap(width, justify="left", overflow=overflow)`` as lines of segments,
    ``width`` cells each, for one line of text without spans: rich's own line breaks (divide_line),
    and the steps of Text.wrap (rstrip_end, truncate with padding) done on strings."""
    offsets = divide_line(plain, width, fold=overflow == "fold")
    lines = []
    for start, end in zip([0, *offsets], [*offsets, len(plain)]):
        line = plain[start:end]
        if len(line) > width:  # Text.rstrip_end: spaces beyond the width go, as far as they are too many
            space = _TRAILING_SPACE.search(line)
            if space:
                line = line[: len(line) - min(len(space.group(0)), len(line) - width)]
        length = cell_len(line)
        if length < width:  # Text.truncate(pad=True)
            lines.append([Segment(line + " " * (width - length), style)])
            continue
        if length > width:
            line = set_cell_size(line, width - 1) + "…" if overflow == "ellipsis" else set_cell_size(line, width)
            if cell_len(line) > width:  # Text.wrap's second truncate
                line = set_cell_size(line, width - 1) + "…" if overflow == "ellipsis" else set_cell_size(line, width)
        # Console.render_lines: a line cut short of the width (a wide character) is padded apart
        lines.append(Segment.adjust_line_length([Segment(line, style)], width, _NULL))
    return lines


class Grid:
    """``Table.grid(padding=(0, 1))``: one space between columns, no padding at the edges.

    ``indent`` and ``space_before`` draw it as ``Padding(grid, (space_before, 0, 0, indent))``
    would: that many spaces before each line and blank lines above. Cells are not copied or
    changed, so one Text may appear in many grids.
    """

    def __init__(self, *, indent: int = 0, space_before: int = 0) -> None:
        self.indent = indent
        self.space_before = space_before
        self.columns: list[dict] = []
        self.rows: list[tuple[str | Text, ...]] = []

    def add_column(
        self, *, style: str | Style | None = None, no_wrap: bool = False, overflow: str = "ellipsis",
        ratio: int | None = None,
    ) -> None:
        """As ``Table.add_column``; ``ratio`` has no effect on a grid that does not expand, as in rich."""
        self.columns.append({"style": style, "no_wrap": no_wrap, "overflow": overflow, "ratio": ratio})

    def add_row(self, *cells: str | Text) -> None:
        """One cell per column: a ``Text``, or a string read as rich markup (as ``Table.add_row``)."""
        if len(cells) != len(self.columns):
            raise ValueError(f"add_row: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(cells)

    def table(self) -> RenderableType:
        """The same grid drawn by rich (a ``Table`` in its ``Padding``): the reference, and what is
        rendered when the layout is not the one followed here."""
        table = Table.grid(padding=(0, 1))
        for column in self.columns:
            table.add_column(**column)
        for row in self.rows:
            table.add_row(*row)
        if self.indent or self.space_before:
            return Padding(table, (self.space_before, 0, 0, self.indent))
        return table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table())

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - self.indent
        rows = self._measured(console, options) if self.rows and self.columns else []
        widths = self._widths(rows, room) if rows else None
        if widths is None:
            yield self.table()
            return
        if self.space_before:
            yield Segment((" " * options.max_width + "\n") * self.space_before)
        last = len(self.columns) - 1
        columns = self.columns
        styles = [console.get_style(c["style"] or "") for c in columns]
        pads = [" " * (k < last) for k in range(len(columns))]  # the space between columns
        inners = [width - len(pad) for width, pad in zip(widths, pads)]
        indent = " " * self.indent
        fill = " " * (room - sum(widths)) if self.indent or self.space_before else ""  # Padding's width
        for row in rows:
            # Each cell's lines, as Table._render gets them from render_lines(Padding(cell, (0, pad, 0, 0)),
            # style=the column's style). A line holds segments, and strings for text without a style.
            rendered = []
            for k, (text, plain, width, simple, own) in enumerate(row):
                inner, pad, style, column = inners[k], pads[k], styles[k], columns[k]
                if inner < 1:  # Console.render draws nothing in no room
                    rendered.append(())
                    continue
                if simple and width <= inner:  # fits: Text.wrap would only pad it to the width
                    body = plain + " " * (inner - width)
                    if style:  # the column's style under the text's own
                        line = [Segment(body, style + own), Segment(pad, style)] if pad else [Segment(body, style + own)]
                    elif own:
                        line = [Segment(body, own), pad]
                    else:
                        line = [body + pad]
                    rendered.append((line,))
                    continue
                if simple and column["overflow"] in _OVERFLOWS and not column["no_wrap"] and (
                    text is None or text.no_wrap is None and text.overflow is None
                ):
                    lines = _wrap_plain(plain, inner, column["overflow"], own)
                else:  # Text.__rich_console__ inside Padding, as rich runs it
                    lines = self._wrap(console, text or Text(plain), inner, column)
                if pad:
                    lines = [[*line, Segment(pad, _NULL)] for line in lines]
                if style:
                    lines = [[Segment(s.text, style + s.style) for s in line] for line in lines]
                rendered.append(lines)
            height = max(map(len, rendered))
            for line_no in range(max(height, 1)):
                # Runs of unstyled text are written as one segment: they print the same, and the fewer
                # segments there are, the less time rich spends cutting them into lines again.
                plain = indent
                for lines, width, style in zip(rendered, widths, styles):
                    if line_no < len(lines):
                        line = lines[line_no]
                    elif line_no < height:  # a shorter cell, topped up as Segment.align_top does
                        line = (Segment(" " * width, style),)
                    else:  # no cell had a line: Segment.set_shape's blank
                        line = (" " * width,)
                    for item in line:
                        if item.__class__ is str:
                            plain += item
                        elif item.style:
                            if plain:
                                yield Segment(plain)
                                plain = ""
                            yield item
                        else:
                            plain += item.text
                yield Segment(plain + fill + "\n")

    def _measured(self, console: Console, options: ConsoleOptions) -> list[list[tuple]]:
        """Each cell as ``(text, plain, width, simple, style)``: its Text (None for a string that is
        its own plain text), its widest line as ``Text.__rich_measure__`` finds it, whether it is one
        line without spans (written directly when it fits), and then the style it is written in."""
        styles: dict = {}
        rows = []
        for row in self.rows:
            cells = []
            for cell in row:
                if isinstance(cell, str) and not _NOT_PLAIN.search(cell):
                    cells.append((None, cell, _width(cell), True, None))
                    continue
                text = cell if isinstance(cell, Text) else console.render_str(
                    cell, markup=options.markup, highlight=False
                )
                plain = text.plain
                if not text._spans and text.end == "\n" and text.justify in (None, "left") and not _NOT_SIMPLE.search(
                    plain
                ):
                    own = None
                    if text.style:
                        own = styles.get(text.style)
                        if own is None:
                            own = styles[text.style] = console.get_style(text.style, default=_NULL)
                    cells.append((text, plain, _width(plain), True, own))
                else:
                    lines = plain.splitlines()
                    cells.append((text, plain, max(map(cell_len, lines)) if lines else 0, False, None))
            rows.append(cells)
        return rows

    def _widths(self, rows: list[list[tuple]], max_width: int) -> list[int] | None:
        """Column widths (with the padding space) as ``Table._calculate_column_widths`` finds them,
        or None where that takes a path not followed here (too narrow, a second wrapping column)."""
        last = len(self.columns) - 1
        if max_width < 2 or any(not c["no_wrap"] for c in self.columns[:last]):
            return None
        widest = [max(column) for column in zip(*([cell[2] for cell in row] for row in rows))]
        # Measurement: each cell's widest line (at most max_width) plus its padding, at most max_width
        widths = [min(min(w, max_width) + (k < last), max_width) or 1 for k, w in enumerate(widest)]
        if sum(widths) <= max_width:
            return widths
        # Too wide: only the last column may give way (Table._collapse_widths with one wrapping column)
        room = max_width - sum(widths[:last])
        if room < 1 or self.columns[last]["no_wrap"]:
            return None
        return [*widths[:last], room]

    @staticmethod
    def _wrap(console: Console, text: Text, width: int, column: dict) -> list[list[Segment]]:
        """The lines of a cell that Text.wrap breaks or pads, ``width`` wide, as Padding gets them."""
        lines = text.wrap(
            console,
            width,
            justify=text.justify or "left",
            overflow=text.overflow or column["overflow"] or "fold",
            tab_size=(console.tab_size if text.tab_size is None else text.tab_size) or 8,
            no_wrap=column["no_wrap"] if text.no_wrap is None else text.no_wrap,
        )
        segments = Text("\n").join(lines).render(console, end=text.end)
        return list(Segment.split_and_crop_lines(segments, width, _NULL, pad=True, include_new_lines=False))
