"""Roles with evidence, diff rows, and the folder-wide paragraph statistics."""

from __future__ import annotations

import bisect
import itertools
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.align import Op
from dedup.classify import (
    DiffRow,
    EncodedRows,
    KeyCounts,
    Label,
    ParagraphStats,
    Role,
    classify,
    diff,
    paragraph_key,
    paragraph_stats,
    row_as_dict,
    row_json,
)
from dedup import classify as classify_module
from dedup.classify import _INNER_SENTENCE_END, _Classifier, _Containing
from dedup.document import Document, parse_text

BODY = [
    "The city council voted on Monday to expand the tram network by twelve kilometres over five years.",
    "Supporters said the line would cut commuting times, while critics questioned the projected costs.",
    "Construction is expected to begin next spring, pending approval of the regional transport budget.",
    "The mayor told reporters the vote was the most important decision of her first term in office.",
]


def doc(*paragraphs: str, id: str = "d") -> Document:
    return parse_text("\n\n".join(paragraphs), id=id)


def roles_of(extra_a: list[str], extra_b: list[str], *, at: int = 2, stats=None) -> dict[str, DiffRow]:
    """Diff the body with ``extra_a`` inserted in A and ``extra_b`` in B (at paragraph ``at``)."""
    a = doc(*BODY[:at], *extra_a, *BODY[at:], id="a")
    b = doc(*BODY[:at], *extra_b, *BODY[at:], id="b")
    rows = diff(a, b, stats=stats)
    out = {}
    for r in rows:
        if r.op in (Op.DELETE, Op.INSERT):
            text = (a if r.a else b).text[(r.a or r.b).start : (r.a or r.b).end]
            out[text] = r
    return out


def role(text: str, *, side: str = "b", at: int = 2, context: tuple[list[str], list[str]] = ([], [])) -> Label:
    extra_a, extra_b = context
    rows = roles_of(extra_a + ([text] if side == "a" else []), extra_b + ([text] if side == "b" else []), at=at)
    r = rows[text]
    return Label(r.role, r.evidence)


# --------------------------------------------------------------------------- one test per role


def test_body():
    rows = diff(doc(*BODY, id="a"), doc(*BODY, id="b"))
    assert {(r.op, r.role, r.evidence) for r in rows} == {(Op.EQUAL, Role.BODY, "in both versions")}


def test_title():
    a = doc("Council backs a longer tram network", *BODY, id="a")
    b = doc(*BODY, id="b")
    (row,) = [r for r in diff(a, b) if r.op is Op.DELETE]
    assert row.role is Role.TITLE and "headline" in row.evidence


def test_title_in_both_versions():
    rows = diff(doc("Council backs a longer tram network", *BODY, id="a"), doc("Council backs a longer tram network", *BODY, id="b"))
    assert rows[0].role is Role.TITLE and rows[0].op is Op.EQUAL


def test_heading():
    lab = role("WHAT COMES NEXT", side="a")
    assert lab == Label(Role.HEADING, "short line between body paragraphs")


def test_caption_by_credit_and_neighbour():
    rows = roles_of([], ["Council members raise their hands during the vote on Monday.", "Photo: Jane Doe/AP"])
    assert rows["Photo: Jane Doe/AP"].role is Role.CAPTION
    assert rows["Photo: Jane Doe/AP"].evidence.startswith("photo credit")
    first = rows["Council members raise their hands during the vote on Monday."]
    assert first.role is Role.CAPTION and first.evidence == "next to a photo credit (B4)"


@pytest.mark.parametrize(
    "text",
    [
        "Photograph by Jane Doe, City Archive",
        "Credit...Jane Doe/The Daily Courier",
        "(crédito: Jane Doe/Agência Exemplo)",
        "Image copyright Example Agency",
        "The tram depot seen from the river, photos © Example Studio, 2018",
        "Members of the council in the chamber before the vote © Jane Doe",
        "Das Rathaus im Winter. (jdoe / iStock.com)",
    ],
)
def test_caption_by_credit_formats(text):
    lab = role(text)
    assert lab.role is Role.CAPTION and lab.evidence.startswith("photo credit")


def test_caption_with_its_credit_is_no_credit_line_for_its_neighbour():
    teaser = "Find the right heating for your home"
    rows = roles_of([], [teaser, "The council chamber before the vote © Jane Doe"], at=4)
    assert rows["The council chamber before the vote © Jane Doe"].role is Role.CAPTION
    assert rows[teaser].role is not Role.CAPTION


def test_credit_line_after_a_caption():
    video = "Video: The mayor explains the tram plan to residents in the town hall."
    rows = roles_of([], [video, "TOWNTV"])
    assert rows[video].role is Role.CAPTION
    assert (rows["TOWNTV"].role, rows["TOWNTV"].evidence) == (Role.CAPTION, "credit-like line after a caption (B3)")


def test_caption_after_a_gallery_counter():
    lab = role("An artist's concept of the new tram stop.", context=([], ["Image 2 of 5"]))
    assert lab == Label(Role.CAPTION, "after a gallery counter (B3)")


def test_sentence_between_byline_and_body_is_a_caption():
    a = doc("Council backs a longer tram network", "By Jane Doe", "Commuters wait at the central station.", *BODY, id="a")
    rows = {r.a.index: r for r in diff(a, doc(*BODY, id="b")) if r.a is not None}
    assert rows[0].role is Role.TITLE and rows[1].role is Role.BYLINE
    assert (rows[2].role, rows[2].evidence) == (Role.CAPTION, "sentence between the byline (A2) and the body")
    # right under the headline, the same sentence is its dek
    a = doc("Council backs a longer tram network", "Commuters wait at the central station.", "By Jane Doe", *BODY, id="a")
    rows = {r.a.index: r for r in diff(a, doc(*BODY, id="b")) if r.a is not None}
    assert rows[1].role is Role.TITLE


def test_caption_by_wording():
    assert role("The mayor, left, and her deputy, right, walk to the council chamber.").role is Role.CAPTION


def test_pull_quote():
    lab = role("The vote was the most important decision of her first term.", at=3)
    assert lab == Label(Role.PULL_QUOTE, "repeats body paragraph B5")  # the quote is B4, BODY[3] is B5


@pytest.mark.parametrize(
    "text",
    [
        "Subscribe now for unlimited access",
        "You have 2 free articles left this month.",
        "Sign up for our newsletter",
        "Jetzt abonnieren und weiterlesen",
        "Suscríbete para seguir leyendo",
    ],
)
def test_paywall(text):
    assert role(text, at=4).role is Role.PAYWALL


def test_paywall_block_carries_bullets():
    rows = roles_of([], ["Subscribe to keep reading.", "• Unlimited reading on every device", "• Cancel any time you like"], at=4)
    assert rows["• Unlimited reading on every device"].role is Role.PAYWALL
    assert "paywall block" in rows["• Unlimited reading on every device"].evidence


def test_paywall_block_takes_short_lines_only_between_its_prompts():
    # "Digital Only" sits between two prompts: an offer of the paywall. The links after the last
    # prompt are the site's menu (on the dev set, 8 in 10 such lines carry a navigation or footer label).
    rows = roles_of([], ["Become a subscriber today.", "Digital Only", "Subscribe now for unlimited access",
                         "Our Team", "Careers with Us", "Site search"], at=4)
    assert rows["Digital Only"].role is Role.PAYWALL
    assert rows["Digital Only"].evidence == "in a paywall block (from B5)"
    for menu in ("Our Team", "Careers with Us", "Site search"):
        assert rows[menu].role is Role.NAVIGATION, rows[menu]


@pytest.mark.parametrize(
    "text",
    [
        "By Jane Doe and John Smith",
        "More by Jane Doe",
        "Jane Doe is a staff writer covering city hall.",
        "Updated 10:42 AM EST, Nov 19, 2019",
        "Von Max Mustermann",
        "email the author",
    ],
)
def test_byline(text):
    assert role(text, at=0).role is Role.BYLINE


@pytest.mark.parametrize(
    "text",
    [
        "This article was originally published on Example News.",
        "© 2019 The Associated Press. All rights reserved.",
        "Reporting by Jane Doe; Editing by John Smith",
    ],
)
def test_syndication(text):
    assert role(text, at=4).role is Role.SYNDICATION


def test_related_block():
    rows = roles_of([], ["Related articles", "Tram fares to rise in January", "New bridge opens to cyclists"], at=4)
    assert rows["Related articles"].role is Role.RELATED
    assert rows["New bridge opens to cyclists"].role is Role.RELATED


@pytest.mark.parametrize("text", ["Share on Facebook", "Home", "Skip to main content", "Privacy Policy", "We use cookies to improve your experience. Accept"])
def test_navigation(text):
    assert role(text, at=0).role is Role.NAVIGATION


def test_navigation_short_line_outside_the_article():
    lab = role("Weather Traffic Lottery", at=4)
    assert lab == Label(Role.NAVIGATION, "short line after the article")


def test_comments():
    rows = roles_of([], ["12 Comments", "I think the tram is a great idea for our town and long overdue.", "Leave a Reply"], at=4)
    assert rows["12 Comments"].role is Role.COMMENTS
    assert rows["I think the tram is a great idea for our town and long overdue."].role is Role.COMMENTS
    assert rows["Leave a Reply"].role is Role.COMMENTS


def test_a_date_line_in_a_comments_block_is_the_comments_not_a_byline():
    rows = roles_of([], ["12 Comments", "November 19, 2019 at 6:34 am",
                         "I think the tram is a great idea for our town and long overdue.",
                         "November 19, 2019 at 7:02 am", "Leave a Reply"], at=4)
    for stamp in ("November 19, 2019 at 6:34 am", "November 19, 2019 at 7:02 am"):
        assert (rows[stamp].role, rows[stamp].evidence) == (Role.COMMENTS, "date line in a comments block (from B5)")
    # outside a comments block a date line is the article's
    assert role("November 19, 2019 at 6:34 am", at=0).role is Role.BYLINE


def test_ad():
    assert role("Advertisement").role is Role.AD
    assert role("Anzeige").role is Role.AD


def test_duplicate():
    caption = "Council members raise their hands during the vote on Monday in the town hall."
    rows = diff(doc(*BODY[:2], caption, caption, *BODY[2:], id="a"), doc(*BODY, id="b"))
    dup = [r for r in rows if r.role is Role.DUPLICATE]
    assert [(r.a.index, r.evidence) for r in dup] == [(3, "repeats paragraph A3")]  # A4 repeats A3


def test_other():
    text = "In a separate development, the regional court ruled that the old depot site may be sold to developers."
    lab = role(text, side="a")
    assert lab == Label(Role.OTHER, "no evidence of boilerplate")


def test_corpus_repetition_is_boilerplate():
    others = [doc(f"Story {k} is about something else entirely, number {k}.", "Weather Traffic Lottery", id=str(k)) for k in range(6)]
    stats = paragraph_stats(others)
    a = doc(*BODY, id="a")
    b = doc(*BODY[:2], "Weather Traffic Lottery", *BODY[2:], id="b")
    (row,) = [r for r in diff(a, b, stats=stats) if r.op is Op.INSERT]
    assert (row.role, row.evidence) == (Role.NAVIGATION, "seen in 6 documents of this folder")


def test_every_role_name():
    assert [str(r) for r in Role] == [
        "body", "title", "heading", "caption", "pull_quote", "paywall", "byline", "syndication",
        "related", "navigation", "comments", "ad", "duplicate", "other",
    ]  # fmt: skip


def test_classify_one_document():
    d = doc("Subscribe now", *BODY, id="d")
    labels = classify(d, shared={1, 2, 3, 4})
    assert [lab.role for lab in labels] == [Role.PAYWALL] + [Role.BODY] * 4
    with pytest.raises(ValueError, match="min_documents"):
        classify(d, shared=set(), min_documents=1)


# --------------------------------------------------------------------------- rows


def test_replace_row_has_words_that_rebuild_both_paragraphs():
    a = doc(*BODY, id="a")
    edited = BODY[1].replace("cut commuting times", "shorten journeys")
    b = doc(BODY[0], edited, *BODY[2:], id="b")
    (row,) = [r for r in diff(a, b) if r.op is Op.REPLACE]
    assert row.role is Role.BODY and "edited" in row.evidence
    d = row_as_dict(row)
    assert "".join(w["a"] for w in d["words"]) == BODY[1]
    assert "".join(w["b"] for w in d["words"]) == edited
    assert {"op": "replace", "a": "cut commuting times, ", "b": "shorten journeys, "} in d["words"]


def test_row_as_dict_schema():
    rows = diff(doc("Headline for the story", *BODY, id="a"), doc(*BODY, "Share", id="b"))
    for r in rows:
        d = row_as_dict(r)
        assert list(d) == ["op", "role", "score", "a", "b", "evidence", "words"]
        assert json.loads(json.dumps(d)) == d
        assert d["words"] == [] or d["op"] == "replace"
        for side in ("a", "b"):
            assert d[side] is None or set(d[side]) == {"index", "start", "end"}


@pytest.mark.parametrize(
    "extra",
    [
        "Plain words.",
        'Quotes " and back\\slashes, tabs\tand \u2028 line separators \x85 \x7f, «ünïcödé» 東京 😀',
        "A lone surrogate \udcff from a file name that is not UTF-8",
    ],
)
def test_row_json_is_the_house_layout_of_row_as_dict(extra):
    from dedup.render.json import _write, escape_unsafe

    edited = BODY[1].replace("cut commuting times", extra)
    a = doc("Headline for the story", *BODY, "Share", id="a")
    b = doc(BODY[0], edited, *BODY[2:], extra, id="b")
    rows = diff(a, b)
    assert any(r.words for r in rows) and any(not r.words for r in rows)
    for r in rows:
        out: list[str] = []
        _write(row_as_dict(r), 0, out)
        assert json.loads(row_json(r)) == row_as_dict(r)
        assert escape_unsafe(row_json(r)) == "".join(out)  # the writer escapes what a terminal would act on
    encoded = EncodedRows.of(rows)
    assert len(encoded) == len(rows) and tuple(encoded) == rows and encoded[1] == rows[1]
    assert encoded.count(rows[1]) == rows.count(rows[1]) >= 1 and encoded.index(rows[1]) == rows.index(rows[1])
    assert encoded.dicts() == [row_as_dict(r) for r in rows]
    assert len(EncodedRows()) == 0 and EncodedRows().dicts() == []


def test_row_order_follows_b_with_a_only_rows_first_in_each_gap():
    a = doc(BODY[0], "Something said in A alone.", BODY[1], id="a")
    b = doc(BODY[0], "Unrelated words over there.", BODY[1], id="b")
    got = [(str(r.op), r.a.index if r.a else None, r.b.index if r.b else None) for r in diff(a, b)]
    assert got == [("equal", 0, 0), ("delete", 1, None), ("insert", None, 1), ("equal", 2, 2)]


def test_alignment_must_belong_to_the_documents():
    from dedup.align import align

    a, b = doc(*BODY, id="a"), doc(*BODY, id="b")
    with pytest.raises(ValueError, match="alignment"):
        diff(a, b, alignment=align(b, a))


paragraphs = st.sampled_from(
    BODY
    + [
        "Subscribe now",
        "Photo: Jane Doe/AP",
        "Share",
        "By Jane Doe",
        "Related articles",
        "Council members raise their hands during the vote on Monday.",
        "The vote was the most important decision of her first term.",
        "WHAT COMES NEXT",
    ]
)


def assert_contract(rows: tuple[DiffRow, ...], a: Document, b: Document) -> None:
    """The rows contract: every paragraph of A and of B in exactly one row, with its whole span,
    rows in the documented order (module docstring of dedup.classify)."""
    for side, d in (("a", a), ("b", b)):
        spans = [getattr(r, side) for r in rows if getattr(r, side) is not None]
        assert sorted(s.index for s in spans) == list(range(len(d.paragraphs)))
        for s in spans:
            p = d.paragraphs[s.index]
            assert (s.start, s.end) == (p.start, p.end)
    for r in rows:
        assert isinstance(r.role, Role) and r.evidence
        assert (r.op is Op.REPLACE) or r.words == ()
        assert (r.op in (Op.INSERT, Op.DELETE)) == (r.a is None or r.b is None)
        assert (r.op is Op.INSERT) == (r.a is None) and (r.op is Op.DELETE) == (r.b is None)
    # B rows in B order
    bs = [r.b.index for r in rows if r.b is not None]
    assert bs == sorted(bs)
    # in-order matches increase on both sides; between two of them, the A-only rows of the gap
    # (in A order, within the gap) come before its B rows
    marks = [k for k, r in enumerate(rows) if r.op in (Op.EQUAL, Op.REPLACE)]
    bounds = [(-1, -1, -1)] + [(k, rows[k].a.index, rows[k].b.index) for k in marks]
    bounds.append((len(rows), len(a.paragraphs), len(b.paragraphs)))
    for (k0, a0, b0), (k1, a1, b1) in zip(bounds, bounds[1:]):
        assert a0 < a1 and b0 < b1
        gap = rows[k0 + 1 : k1]
        only_a = [r.a.index for r in gap if r.b is None]
        assert only_a == sorted(only_a) and all(a0 < i < a1 for i in only_a)
        assert all(b0 < r.b.index < b1 for r in gap if r.b is not None)
        kinds = [r.b is None for r in gap]
        assert kinds == sorted(kinds, reverse=True)  # A-only rows first


def assert_mirrored(rows: tuple[DiffRow, ...], back: tuple[DiffRow, ...]) -> None:
    """diff(b, a) has the rows of diff(a, b) with the sides swapped: same roles and scores."""
    swap = {Op.INSERT: Op.DELETE, Op.DELETE: Op.INSERT}
    side = lambda s: -1 if s is None else s.index  # noqa: E731
    forward = sorted((str(swap.get(r.op, r.op)), str(r.role), r.score, side(r.b), side(r.a)) for r in rows)
    backward = sorted((str(r.op), str(r.role), r.score, side(r.a), side(r.b)) for r in back)
    assert forward == backward


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(paragraphs, min_size=1, max_size=10), st.lists(paragraphs, min_size=1, max_size=10))
def test_rows_never_drop_or_repeat_a_paragraph(pa, pb):
    a, b = doc(*pa, id="a"), doc(*pb, id="b")
    rows = diff(a, b)
    assert_contract(rows, a, b)
    assert_mirrored(rows, diff(b, a))


# Versions of one article: B is A after splits, merges, duplicated, moved, dropped, inserted and edited
# paragraphs, symbol lines and table-cell fragments.
VOCABULARY = (
    "council tram network city mayor budget vote critics line costs spring approval regional transport "
    "station residents years decision plan minister report court police market school water energy"
).split()
sentences = st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
article_paragraphs = st.lists(sentences, min_size=1, max_size=3).map(" ".join)
EDITS = ("split", "merge", "duplicate", "move", "drop", "insert", "edit", "symbols", "cells", "glue")


@st.composite
def versions(draw) -> tuple[list[str], list[str]]:
    a = draw(st.lists(article_paragraphs, min_size=1, max_size=8))
    b = list(a)
    for edit in draw(st.lists(st.sampled_from(EDITS), max_size=5)):
        k = draw(st.integers(0, max(len(b) - 1, 0)))
        if not b:
            b.append(draw(article_paragraphs))
        elif edit == "split" and ". " in b[k]:
            head, tail = b[k].split(". ", 1)
            b[k : k + 1] = [head + ".", tail]
        elif edit == "merge" and k + 1 < len(b):
            b[k : k + 2] = [b[k] + " " + b[k + 1]]
        elif edit == "duplicate":
            b.insert(draw(st.integers(0, len(b))), b[k])
        elif edit == "move":
            b.insert(draw(st.integers(0, len(b) - 1)), b.pop(k))
        elif edit == "drop" and len(b) > 1:
            del b[k]
        elif edit == "insert":
            b.insert(k, draw(st.sampled_from(["Subscribe now", "Photo: Jane Doe/AP", "Share", draw(article_paragraphs)])))
        elif edit == "edit":
            words = b[k].split()
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(VOCABULARY))
            b[k] = " ".join(words)
        elif edit == "symbols":
            b.insert(k, draw(st.sampled_from(["***", "|", "-", "• • •"])))
        elif edit == "cells":
            b[k : k + 1] = b[k].split()[:6]
        elif edit == "glue":
            b[k:] = [" | ".join(b[k:])]
    if draw(st.booleans()):
        a, b = b, a
    return a, b


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions())
def test_contract_on_versions_of_one_article(pair):
    a, b = doc(*pair[0], id="a"), doc(*pair[1], id="b")
    rows = diff(a, b)
    assert_contract(rows, a, b)
    assert_mirrored(rows, diff(b, a))
    # a piece of a split paragraph names a paragraph that is in a shared row
    shared = {("A", r.a.index) for r in rows if r.a and r.b} | {("B", r.b.index) for r in rows if r.a and r.b}
    for r in rows:
        if r.evidence.startswith("part of "):
            host = r.evidence.split()[2]
            assert (host[0], int(host[1:]) - 1) in shared and host[0] == ("B" if r.b is None else "A")


def test_split_rows_say_where_the_pieces_are():
    first, second = BODY[1], BODY[2]
    a = doc(BODY[0], f"{first} {second}", BODY[3], id="a")
    b = doc(*BODY, id="b")
    rows = diff(a, b)
    got = [(str(r.op), r.a.index if r.a else None, r.b.index if r.b else None, str(r.role), r.evidence) for r in rows]
    assert got == [
        ("equal", 0, 0, "body", "in both versions"),
        ("replace", 1, 1, "body", f"in both versions, edited (similarity {rows[1].score:g}); A2 is B2-B3 in B"),
        ("insert", None, 2, "body", "part of A2 (A2 is B2-B3 in B); in both versions"),
        ("equal", 2, 3, "body", "in both versions"),
    ]


# --------------------------------------------------------------------------- keys and statistics


def test_paragraph_key_normalises():
    assert paragraph_key("12 Comments") == paragraph_key("3 comments")
    assert paragraph_key("Share  this!") == paragraph_key("share this")
    assert paragraph_key("286,35 €") != paragraph_key("12,50 €")  # numbers alone keep their digits
    assert paragraph_key("Share") != paragraph_key("Shares")
    assert 0 <= paragraph_key("anything") < 2**64


def test_paragraph_key_does_not_depend_on_hash_seed():
    code = "from dedup.classify import paragraph_key; print(paragraph_key('Subscribe now'))"
    outs = set()
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(outs) == 1 and outs.pop().strip() == str(paragraph_key("Subscribe now"))


def test_paragraph_stats_counts_documents_not_paragraphs():
    docs = [
        doc("Share", "Share", "Story one.", id="1"),
        doc("Share", "Story two.", id="2"),
        doc("share!", "Story three.", id="3"),
        doc("Story one.", id="4"),
    ]
    stats = paragraph_stats(docs)
    assert stats.documents == 4
    assert stats.seen("Share") == 3
    assert stats.seen("Story one.") == 2
    assert stats.seen("Story two.") == 0  # seen once: dropped
    assert paragraph_stats(docs, batch=1) == stats


def test_key_counts_mapping():
    counts = KeyCounts([3, 7, 2**63 + 5], [2, 4, 9])
    assert counts[7] == 4 and counts[2**63 + 5] == 9 and counts.get(5, 0) == 0
    assert list(counts) == [3, 7, 2**63 + 5] and len(counts) == 3
    assert dict(counts) == {3: 2, 7: 4, 2**63 + 5: 9}
    with pytest.raises(KeyError):
        counts[-1]
    assert hash(ParagraphStats(1, counts)) == hash(ParagraphStats(1, KeyCounts([3, 7, 2**63 + 5], [2, 4, 9])))


# --------------------------------------------------------------------------- bounds


def _words(rng: random.Random, n: int) -> list[str]:
    """Made-up words (about 20,000 of them), so that a word names few paragraphs."""
    return ["".join(rng.choice(x) for x in ("bcdfgklmnprstv", "aeiou", "bcdfgklmnprstv", "aeiou", "nrst")) for _ in range(n)]


@pytest.mark.parametrize(
    ("texts", "s"),
    [
        (["the tram network", "a network of trams"], "network"),
        (["the tram network", "a network of trams"], "work"),
        (["the tram network", "a network of trams"], "tr"),
        (["the tram network", "a network of trams"], "m n"),  # white space: looked for in the texts
        (["ab\x00cd", "ef"], "cd\x00e"),  # spans two texts: the one where it starts, as str.find over them joined
        (["x" * 300 + "needle" + "y" * 300, "needle"], "needle"),  # a word too long to index
        (["x" * 300, "short"], "zz"),
        (["Straße", "strasse"], "ss"),
        ([""], "a"),
    ],
)
@pytest.mark.parametrize("scans", [0, 512])  # indexed at once, or scanned
def test_containing_finds_the_texts_that_hold_a_string(texts, s, scans, monkeypatch):
    monkeypatch.setattr(classify_module, "_SCANS_BEFORE_INDEX", scans)
    # the search it replaces: str.find over the texts joined by \x00, a hit names the text where it starts
    joined, found = "\x00".join(texts), set()
    starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    at = joined.find(s)
    while at >= 0:
        k = bisect.bisect_right(starts, at) - 1
        found.add(k)
        at = joined.find(s, starts[k + 1])
    assert _Containing(texts)(s) == found


def test_pull_quote_search_scans_the_body_a_bounded_number_of_times():
    """Each one-sided paragraph looks for the shared paragraphs that hold its longest words: by
    scanning the body, but past _SCANS_BEFORE_INDEX scans through an index of its words. Here
    over 4,700 distinct words are looked for (as many scans before); two versions of 5,000 paragraphs
    sharing half took 12 s, now 3 s."""
    rng = random.Random(8)
    body = [" ".join(_words(rng, 60)).capitalize() + "." for _ in range(200)]
    one_sided = [" ".join(_words(rng, 12)).capitalize() + "." for _ in range(2000)]
    one_sided[1500] = " ".join(body[3].split()[10:22]) + "."  # a pull quote of A4, found through the index
    classifier = _Classifier(doc(*body, *one_sided), set(range(200)), None, 5, "A")
    labels = classifier.run()
    assert labels[1700] == Label(Role.PULL_QUOTE, "repeats body paragraph A4")
    looked_for = {w for t in one_sided for w in classify_module._probes(t)}
    assert len(looked_for) > 4_700  # the scan per word of before: as many passes over the body
    assert classifier._shared_low.work < (classify_module._SCANS_BEFORE_INDEX + 1) * sum(len(t) + 1 for t in body)


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("It rained. Then it stopped", True),
        ("He said so!\u201d Then he left", True),
        ("Mr. Smith arrived", True),
        ("Dr. a. b. c", False),  # no capital after
        ("At 5. Then", False),  # a digit before the stop
        ("A. Smith", False),  # one letter before the stop
        ("Aaaa" * 1000 + " end", False),
    ],
)
def test_inner_sentence_end(text, inner):
    assert bool(_INNER_SENTENCE_END.search(text)) is inner


def test_inner_sentence_end_reads_a_bounded_run_before_the_stop():
    """Searched at every position, a pattern that takes any run of letters before the full stop
    reads a run of n letters n times: a 64,000-letter word in one sentence below a byline took
    44 s (16,000: 2.8 s). Each try now reads at most 4 characters before the white space."""
    tree = re._parser.parse(_INNER_SENTENCE_END.pattern)
    assert tree[:3].getwidth() == (3, 4)  # letters, stop, quote
    a = doc("Big News Today Here", "By John Smith", "A" + "a" * 200_000 + " end.", *BODY, id="a")
    rows = diff(a, doc(*BODY, id="b"))
    assert rows[2].evidence == "sentence between the byline (A2) and the body"


# --------------------------------------------------------------------------- the dev set, when present

DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"


def test_a_dev_pair_covers_every_paragraph():
    pairs = DEV / "pairs.tsv"
    if not pairs.exists():
        pytest.skip("../shared/data/dev is not here")
    line = pairs.read_text(encoding="utf-8").splitlines()[1].split("\t")
    a = parse_text((DEV / "docs" / f"{line[0]}.txt").read_text(encoding="utf-8"), id=line[0])
    b = parse_text((DEV / "docs" / f"{line[1]}.txt").read_text(encoding="utf-8"), id=line[1])
    rows = diff(a, b)
    assert {r.a.index for r in rows if r.a} == set(range(len(a.paragraphs)))
    assert {r.b.index for r in rows if r.b} == set(range(len(b.paragraphs)))


def test_lone_sentence_and_credit_like_line_inside_the_body_are_a_caption_but_not_a_question():
    rows = roles_of([], ["The executive who oversees the streaming service, at a launch in March.", "(Walt Disney Co.)"], at=2)
    assert rows["(Walt Disney Co.)"].role is Role.CAPTION
    assert rows["The executive who oversees the streaming service, at a launch in March."].evidence.startswith(
        "lone sentence followed by a credit-like line")
    # a poll's question and its "Choices" line: no picture, no caption
    rows = roles_of([], ["Würdest du deine Bewegungsdaten für die Bekämpfung von Corona hergeben?", "Auswahlmöglichkeiten"], at=2)
    assert rows["Würdest du deine Bewegungsdaten für die Bekämpfung von Corona hergeben?"].role is not Role.CAPTION
    assert rows["Auswahlmöglichkeiten"].role is not Role.CAPTION
