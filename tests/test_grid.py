"""The Grid writes what rich's Table.grid writes, character for character, colours included.

Grid only exists to be fast (see dedup/render/grid.py); its contract is that nobody can tell it
from the Table it replaces. So every test renders both, ``Grid`` and ``Grid.table()`` (the same
rows in a real ``Table.grid(padding=(0, 1))`` inside its ``Padding``), and compares the output.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text

from dedup.render import grid as grid_module
from dedup.render.grid import Grid, _wrap_plain
from dedup.render.terminal import render_group, render_pair
from tests.fixtures import edited_pair, seed_report

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def show(renderable, *, width: int, color: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="256" if color else None,
                      highlight=False)
    console.print(renderable)
    return out.getvalue()


def as_tables(renderable):
    """``renderable`` with every Grid in it drawn by rich instead (the reference)."""
    if isinstance(renderable, Grid):
        return renderable.table()
    if isinstance(renderable, Group):
        return Group(*(as_tables(r) for r in renderable.renderables))
    if isinstance(renderable, Padding):
        return Padding(as_tables(renderable.renderable), (renderable.top, renderable.right, renderable.bottom,
                                                           renderable.left))
    return renderable


# Pieces of cell text: short and long words, wide (CJK, emoji) and zero-width characters, runs of
# spaces, markup and emoji codes (in string cells they are markup), a joiner, a tab, a line break.
PIECES = ["a", "the", "word", "x" * 23, "日本語", "ｗｉｄｅ", "é", "e\u0301", "’", "…", " ", "  ", "A4→B9", "👍",
          "a\u200db", "tab\tx", "line\nbreak", "[bold]b[/]", ":thumbs_up:", "bell\x07", "\u3000", "-"]
STYLES = [None, "", "bold", "dim", "red strike", "black on grey70", "bold green"]
style = st.sampled_from(STYLES)


@st.composite
def cells(draw):
    words = draw(st.lists(st.sampled_from(PIECES), max_size=40))
    if draw(st.booleans()):
        return " ".join(words)  # a string cell: rich markup
    text = Text(style=draw(style) or "")
    for word in words:
        text.append(word + " " * draw(st.integers(0, 1)), style=draw(style) if draw(st.integers(0, 3)) == 0 else None)
    return text


@st.composite
def grids(draw):
    grid = Grid(indent=draw(st.integers(0, 4)), space_before=draw(st.integers(0, 2)))
    n = draw(st.integers(1, 4))
    for k in range(n):
        last = k == n - 1
        grid.add_column(
            style=draw(style),
            no_wrap=draw(st.booleans()) if last or draw(st.integers(0, 9)) == 0 else True,
            overflow=draw(st.sampled_from(["fold", "crop", "ellipsis"])),
            ratio=draw(st.sampled_from([None, 1])),
        )
    for _ in range(draw(st.integers(0, 6))):
        grid.add_row(*(draw(cells()) for _ in range(n)))
    return grid


@PROPERTY
@given(grids(), st.integers(1, 130), st.booleans())
def test_a_grid_prints_as_the_table_it_stands_for(grid, width, color):
    assert show(grid, width=width, color=color) == show(grid.table(), width=width, color=color)


@PROPERTY
@given(st.lists(st.sampled_from(PIECES[:16]), max_size=60).map(" ".join), st.integers(1, 40),
       st.sampled_from(["fold", "crop", "ellipsis"]), style)
def test_wrapping_plain_text_breaks_it_as_text_wrap_does(plain, width, overflow, style_name):
    if grid_module._NOT_SIMPLE.search(plain):
        return
    console = Console(file=io.StringIO(), width=80)
    own = console.get_style(style_name) if style_name else None
    expected = Grid._wrap(console, Text(plain, style=style_name or ""), width, {"overflow": overflow, "no_wrap": False})
    assert [[(s.text, s.style or None) for s in line if s.text] for line in _wrap_plain(plain, width, overflow, own)] == [
        [(s.text, s.style or None) for s in line if s.text] for line in expected
    ]


@pytest.mark.parametrize("width", [20, 50, 80, 120, 200])
@pytest.mark.parametrize("plain", [True, False])
def test_the_seed_report_is_the_same_as_drawn_with_tables(width, plain):
    data, docs = seed_report()
    pair, a, b = edited_pair()
    for renderable in (render_group(data, docs, plain=plain), render_group(data, None, plain=plain),
                       render_pair(pair, a, b, plain=plain)):
        assert show(renderable, width=width, color=not plain) == show(as_tables(renderable), width=width,
                                                                      color=not plain)


def test_a_layout_it_does_not_follow_is_left_to_rich():
    grid = Grid(indent=2)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_row("a much longer label than fits", Text("text"))
    # the two columns that do not wrap are wider than 20 columns: rich shares the cut between them
    assert show(grid, width=20, color=False) == show(grid.table(), width=20, color=False)
    assert grid._widths(grid._measured(Console(), Console().options), 18) is None
