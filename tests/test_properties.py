"""Properties of reading, segmentation, alignment, classification and rendering (Hypothesis).

Written against the public API only (``dedup.document``, ``dedup.classify.diff`` and its rows'
``a``/``b`` spans, ``dedup.pipeline.compare``, the renderers), so that they hold whatever the
aligner's internals become:

- reading never raises on any bytes, in any format, and never loses text: every character
  of a decoded text that is not white space lies in exactly one paragraph;
- offsets always slice the original text back to the paragraph (and a row's span back to
  its paragraph, or to a piece of it);
- every paragraph of both documents lands in exactly one diff row, whose span is the whole
  paragraph (a paragraph the other version splits is paired with one piece; the other
  pieces are rows of their own);
- a document against itself is all ``equal``, one row per paragraph;
- swapping A and B mirrors the diff (insert <-> delete, same pairs, same roles);
- every row's role is one of the contract's roles, and an edited row's word diff spells out
  both paragraphs;
- rendering (terminal plain and colour, Markdown, HTML, JSON) never raises, whatever the text.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console

from dedup.classify import diff
from dedup.document import SUFFIXES, Document, Skipped, Source, decode, load_bytes, parse_html, parse_text, split_paragraphs
from dedup.errors import DocumentError
from dedup.pipeline import Config, compare
from dedup.render.html import to_html
from dedup.render.json import dumps, pair_dict
from dedup.render.markdown import pair_markdown, to_markdown
from dedup.render.terminal import render_group, render_pair
from dedup.render.view import ROLES

# Shared by every property: no deadline (the first call of a stage imports and warms caches),
# and the machine is shared, so keep the example counts modest.
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=300, deadline=None)

# Whitespace as split_paragraphs sees it (str.isspace, plus zero-width space and BOM).
BLANK = {chr(c) for c in range(0x110000) if chr(c).isspace()} | {"\u200b", "\ufeff"}

# --------------------------------------------------------------------------- strategies

# Any text, control characters and separators included (no surrogates: a str from a file never has them).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
# Text built from the pieces that matter to segmentation: line breaks of every kind, blanks, bullets, marks.
LINES = st.lists(
    st.sampled_from(list("ab .,!?\"'") + ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\t",
                                           "\xa0", "\u200b", "\ufeff", "• ", "- ", "1. ", "# ", "Word ", "Photo: AP"]),
    max_size=60,
).map("".join)

VOCABULARY = (
    "storm river council minister vote bridge market school flood harvest museum league study ocean "
    "village court energy border train season report island police health water price union film"
).split()
SENTENCE = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=18).map(lambda w: " ".join(w).capitalize() + ".")
PARAGRAPHS = st.lists(SENTENCE, min_size=1, max_size=10)


def document(ident: str, paragraphs: list[str], sep: str = "\n\n") -> Document:
    return parse_text(sep.join(paragraphs), id=ident)


@st.composite
def versions(draw) -> tuple[Document, Document]:
    """Two versions of one article: B keeps, drops, edits, splits, merges, inserts and moves A's paragraphs."""
    a = draw(PARAGRAPHS)
    b: list[str] = []
    k = 0
    while k < len(a):
        p = a[k]
        op = draw(st.sampled_from(["keep", "keep", "keep", "drop", "edit", "split", "merge", "insert"]))
        if op == "keep":
            b.append(p)
        elif op == "edit":
            words = p.rstrip(".").split()
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(VOCABULARY))
            b.append(" ".join(words) + ".")
        elif op == "split" and len(p.split()) >= 4:
            words = p.split()
            cut = draw(st.integers(1, len(words) - 1))
            b += [" ".join(words[:cut]), " ".join(words[cut:])]
        elif op == "merge" and k + 1 < len(a):
            b.append(p + " " + a[k + 1])
            k += 1
        elif op == "insert":
            b += [draw(SENTENCE), p]
        k += 1
    if len(b) > 2 and draw(st.booleans()):
        b.insert(draw(st.integers(0, len(b) - 1)), b.pop(draw(st.integers(0, len(b) - 1))))  # a move
    if not b:
        b = [draw(SENTENCE)]
    sep = draw(st.sampled_from(["\n\n", "\r\n\r\n", "\n\n\n", "\n \n"]))
    return document("a.txt", a), document("b.txt", b, sep)


# --------------------------------------------------------------------------- reading and segmentation


@FAST
@given(st.binary(max_size=600), st.sampled_from(sorted(set(SUFFIXES.values()))))
def test_reading_any_bytes_never_raises(data, fmt):
    items = list(load_bytes(data, Source("x", "x", fmt), max_bytes=500))
    assert items and all(isinstance(i, (Document, Skipped)) for i in items)
    for doc in (i for i in items if isinstance(i, Document)):
        assert doc.paragraphs and all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)


# Text as people write it: no control characters but tab and line breaks (a few bytes holding NULs
# are truly ambiguous: b"0\x00\xc2\x80" is UTF-8 with a NUL, or two UTF-16 characters).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n\r"), max_size=400)


@FAST
@given(TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]))
def test_unicode_encodings_decode_back_to_the_text(text, encoding):
    assume(text.strip())
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: sniffed from NULs, so mostly ASCII text
        text = "An ASCII line to sniff. " * 3 + text
    got, _ = decode(text.encode(encoding))
    assert got == (text[1:] if text.startswith("\ufeff") and encoding in ("utf-8", "utf-16-le", "utf-16-be") else text) \
        or got == text.lstrip("\ufeff")


def assert_segmented(text: str, paragraphs) -> None:
    """Offsets slice the text back, in order, without overlap; nothing but white space is left out."""
    covered = [False] * len(text)
    end = 0
    for k, p in enumerate(paragraphs):
        assert p.index == k and end <= p.start < p.end <= len(text)
        assert text[p.start : p.end] == p.text and p.text == p.text.strip("".join(BLANK))
        covered[p.start : p.end] = [True] * (p.end - p.start)
        end = p.end
    lost = [c for c, kept in zip(text, covered) if not kept and c not in BLANK]
    assert not lost, lost


@FAST
@given(st.one_of(ANY_TEXT, LINES))
def test_segmentation_keeps_every_character_and_offsets_slice_back(text):
    assert_segmented(text, split_paragraphs(text))


@PROPERTY
@given(st.one_of(ANY_TEXT, st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<b>", "<br>", "<script>", "</script>",
                                                       "<!--", "-->", "&amp;", "&#0;", "x y", "<li>", "<td>", "\ue000"]),
                                     max_size=40).map("".join)))
def test_html_parsing_never_raises_and_offsets_slice_its_text(html):
    try:
        doc = parse_html(html, id="x.html")
    except DocumentError:
        return
    assert_segmented(doc.text, doc.paragraphs)


# --------------------------------------------------------------------------- alignment and classification


def rows_of(doc: Document, rows, side: str) -> Counter:
    return Counter(getattr(r, side).index for r in rows if getattr(r, side) is not None)


def assert_spans_slice_back(doc: Document, rows, side: str) -> None:
    """Each row's span lies in its paragraph; a paragraph in several rows is tiled by their spans."""
    pieces: dict[int, list[tuple[int, int]]] = {}
    for r in rows:
        span = getattr(r, side)
        if span is None:
            continue
        p = doc.paragraphs[span.index]
        assert p.start <= span.start < span.end <= p.end
        pieces.setdefault(span.index, []).append((span.start, span.end))
    for index, spans in pieces.items():
        p = doc.paragraphs[index]
        if len(spans) == 1:
            assert spans[0] == (p.start, p.end)
            continue
        spans.sort()
        assert spans[0][0] == p.start and spans[-1][1] == p.end
        assert all(doc.text[e:s].strip() == "" for (_, e), (s, _) in zip(spans, spans[1:]))


@PROPERTY
@given(versions())
def test_every_paragraph_is_in_a_row_and_spans_slice_back(pair):
    a, b = pair
    rows = diff(a, b)
    for doc, side in ((a, "a"), (b, "b")):
        assert set(rows_of(doc, rows, side)) == set(range(len(doc.paragraphs)))
        assert_spans_slice_back(doc, rows, side)
    assert all(r.role in ROLES for r in rows)
    assert all((r.a is None) == (r.op == "insert") and (r.b is None) == (r.op == "delete") for r in rows)
    for r in rows:  # an edited row's word diff spells out both sides (dedup.classify's contract)
        if r.op == "replace" and r.words:
            assert "".join(w.a for w in r.words) == a.text[r.a.start : r.a.end]
            assert "".join(w.b for w in r.words) == b.text[r.b.start : r.b.end]


@PROPERTY
@given(versions())
def test_every_paragraph_of_both_documents_lands_in_exactly_one_row(pair):
    a, b = pair
    rows = diff(a, b)
    assert rows_of(a, rows, "a") == Counter(range(len(a.paragraphs)))
    assert rows_of(b, rows, "b") == Counter(range(len(b.paragraphs)))


@PROPERTY
@given(PARAGRAPHS)
def test_a_document_against_itself_is_all_equal(paragraphs):
    a = document("a.txt", paragraphs)
    rows = diff(a, a)
    assert [r.op for r in rows] == ["equal"] * len(a.paragraphs)
    assert [(r.a.index, r.b.index) for r in rows] == [(k, k) for k in range(len(a.paragraphs))]


MIRROR = {"insert": "delete", "delete": "insert"}


def mirrored(rows) -> Counter:
    return Counter(
        (MIRROR.get(str(r.op), str(r.op)), str(r.role), r.score,
         None if r.b is None else (r.b.index, r.b.start, r.b.end),
         None if r.a is None else (r.a.index, r.a.start, r.a.end))
        for r in rows
    )


def plain(rows) -> Counter:
    return Counter(
        (str(r.op), str(r.role), r.score,
         None if r.a is None else (r.a.index, r.a.start, r.a.end),
         None if r.b is None else (r.b.index, r.b.start, r.b.end))
        for r in rows
    )


@PROPERTY
@given(versions())
def test_swapping_a_and_b_mirrors_the_diff(pair):
    a, b = pair
    assert plain(diff(b, a)) == mirrored(diff(a, b))


# --------------------------------------------------------------------------- rendering


def show(renderable, *, color: bool) -> str:
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=color, color_system="truecolor" if color else None).print(renderable)
    return out.getvalue()


HOSTILE_TEXT = st.lists(
    st.one_of(SENTENCE, ANY_TEXT.filter(lambda t: t.strip()), st.sampled_from(
        ["[bold]x[/]", "[/]", "</script><script>alert(1)</script>", "\x1b]0;t\x07", "`code` | pipe", "\u2028", "&amp;"]
    )),
    min_size=1, max_size=6,
)
IDS = st.one_of(st.sampled_from(["a.txt", "[/]b.txt", "new\nline.txt", "caf\udce9.txt", "x</script>.html"]),
                st.text(min_size=1, max_size=20))


@PROPERTY
@given(HOSTILE_TEXT, HOSTILE_TEXT, IDS, IDS)
def test_rendering_never_raises(pa, pb, ida, idb):
    assume(ida != idb)
    try:
        a = document(ida, pa + pb[:1])
        b = document(idb, pb + pa[:1])
    except DocumentError:
        assume(False)
    pair = pair_dict(compare(a, b, Config()))
    json.loads(dumps(pair))
    data = {"documents": [{"id": ida}, {"id": idb}], "skipped": [{"path": idb, "reason": pa[0]}],
            "clusters": [{"members": sorted([ida, idb]), "canonical": ida, "reason": pb[0]}], "pairs": [pair]}
    docs = {ida: a, idb: b}
    for plain_ in (True, False):
        show(render_group(data, docs, plain=plain_), color=not plain_)
        show(render_pair(pair, a, b, plain=plain_), color=not plain_)
    to_markdown(data, docs)
    pair_markdown(pair, a, b)
    page = to_html(data, docs)
    block = page.split('id="dedup-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and json.loads(block)["pairs"]
    page.encode("utf-8")  # strict: valid UTF-8 whatever the ids hold
    os.fsencode(ida)
