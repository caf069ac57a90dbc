"""The renderers' shared view: rows with their text, folded equal runs, the words adapter."""

from __future__ import annotations

import pytest

from dedup.render.view import (
    ROLES,
    Same,
    Word,
    blocks,
    clip,
    elide,
    pair_view,
    roles_in,
    span,
    summary_line,
    where,
    words,
)
from tests.fixtures import edited_pair, seed_report


def test_rows_carry_the_text_of_their_paragraphs():
    data, docs = seed_report()
    pair = data["pairs"][0]
    view = pair_view(pair, docs[pair["a"]], docs[pair["b"]])
    assert view.has_text
    assert len(view.rows) == 36
    first = view.rows[0]
    assert (first.op, first.role, first.a.text, first.b) == ("delete", "title", "Learning to Love Kim's Bomb", None)
    captions = [r.b.text for r in view.rows if r.role == "caption" and r.b]
    assert captions[1] == "Pyeongyang Press Corps/REUTERS"
    assert view.counts() == "10 only in A, 12 only in B, 14 equal"
    assert len(view.differing) == 22


def test_without_documents_rows_keep_their_offsets_only():
    data, _ = seed_report()
    view = pair_view(data["pairs"][0])
    assert not view.has_text
    assert view.rows[0].a.text is None and view.rows[0].a.end == 27


def test_offsets_outside_the_text_give_no_text():
    pair, a, b = edited_pair()
    pair["diff"][0]["a"]["end"] = len(a.text) + 5
    assert pair_view(pair, a, b).rows[0].a.text is None


def test_equal_runs_fold_into_one_block():
    data, docs = seed_report()
    view = pair_view(data["pairs"][0], *docs.values())
    folded = list(blocks(view.rows))
    sames = [b for b in folded if isinstance(b, Same)]
    assert [len(s.rows) for s in sames] == [3, 2, 1, 2, 2, 1, 3]
    assert len(folded) == len(view.differing) + len(sames)


def test_words_adapter():
    assert words({"words": [{"op": "replace", "a": "two", "b": "three"}, {"op": "equal", "a": "x", "b": "x"}]}) == (
        Word("replace", "two", "three"),
        Word("equal", "x", "x"),
    )
    assert words({}) == () and words({"words": None}) == ()


@pytest.mark.parametrize(
    ("indices", "text"), [([], ""), ([3], "4"), ([3, 4, 5], "4-6"), ([5, 3, 4, 8, 10, 11], "4-6, 9, 11-12")]
)
def test_span(indices, text):
    assert span(indices) == text


def test_where():
    pair, a, b = edited_pair()
    assert [where(r) for r in pair_view(pair, a, b).rows] == ["A1/B1", "A2/B2", "A4→B3", "A3/B4"]


def test_roles_in_legend_order_with_unknown_roles_last():
    pair, a, b = edited_pair()
    pair["diff"][1]["role"] = "zebra"
    pair["diff"][2]["role"] = "caption"
    assert roles_in([pair_view(pair, a, b)]) == ["body", "caption", "zebra"]
    assert ROLES[0] == "body"


def test_summary_line_plurals():
    data = {"documents": [1], "skipped": [], "clusters": [], "pairs": []}
    assert summary_line(data) == "1 document read, 0 skipped, 0 clusters, 0 pairs"


def test_clip_and_elide():
    assert clip("a\n  b") == "a b"
    long = " ".join(["word"] * 200)
    assert clip(long).endswith("(+700 characters)") and len(clip(long)) < 330
    text = " ".join(str(k) for k in range(30))
    assert elide(text, head=True, tail=True) == "0 1 2 3 4 5 … 24 25 26 27 28 29"
    assert elide(text, head=False, tail=True) == "… 24 25 26 27 28 29"
    assert elide("a b c", head=True, tail=True) == "a b c"


def test_printable_name_escapes_controls_and_bidirectional_controls():
    from dedup.render.view import printable, printable_name

    for c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert printable_name(f"a{c}b.txt") == f"a\\u{ord(c):04x}b.txt"
        assert printable(f"a{c}b") == f"a{c}b"  # text keeps them
    assert printable_name("new\nline\udcff.txt") == printable("new\nline\udcff.txt") == "new\\nline\\xff.txt"
    assert printable_name("نص عربي.txt") == "نص عربي.txt"
