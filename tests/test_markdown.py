"""The Markdown report: the differing paragraphs with roles, and text that cannot break it."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from dedup.document import parse_text
from dedup.render.markdown import code, escape, pair_markdown, to_markdown
from dedup.render.view import printable
from tests.fixtures import A_ONLY, B_ONLY, edited_pair, seed_report

# GitHub Flavored Markdown as far as it matters here: CommonMark, tables, strikethrough.
MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def cells(markdown: str) -> list[list[str]]:
    """The rows of every table body, each a list of cell HTML."""
    rendered = MD.render(markdown)
    return [re.findall(r"<td>(.*?)</td>", tr, re.S) for tr in re.findall(r"<tr>(.*?)</tr>", rendered, re.S)[1:]]


def text_of(cell_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell_html))


def test_seed_report_lists_every_differing_paragraph_with_its_role():
    data, docs = seed_report()
    md = to_markdown(data, docs)
    assert md.startswith("## dedup report\n\n2 documents read, 0 skipped, 1 cluster, 1 pair\n")
    rows = cells(md)
    assert all(len(r) == 4 for r in rows)
    labelled = [(text_of(r[1]), text_of(r[2])) for r in rows if text_of(r[0]) != "="]
    expected = [(f"A{i + 1}", role.replace("_", "-")) for i, (role, _) in A_ONLY.items()]
    expected += [(f"B{i + 1}", role.replace("_", "-")) for i, (role, _) in B_ONLY.items()]
    assert sorted(labelled) == sorted(expected)
    b = docs[data["pairs"][0]["b"]]
    by_where = {text_of(r[1]): text_of(r[3]) for r in rows}
    assert by_where["B2"] == "Pyeongyang Press Corps/REUTERS"
    assert by_where["B26"] == b.paragraphs[25].text
    assert "Legend: − only in A, + only in B, = equal." in md
    assert "**navigation**" not in md


def test_a_pair_says_why_each_differing_paragraph_got_its_role():
    data, docs = seed_report()
    pair = data["pairs"][0]
    rows = cells(pair_markdown(pair, docs[pair["a"]], docs[pair["b"]]))
    assert all(len(r) == 5 for r in rows)
    why = {text_of(r[1]): text_of(r[4]) for r in rows if text_of(r[0]) != "="}
    evidence = {f"{'A' if r['a'] else 'B'}{(r['a'] or r['b'])['index'] + 1}": r["evidence"]
                for r in pair["diff"] if r["op"] != "equal"}
    assert why == evidence and len(why) == 22
    assert all(len(r) == 4 for r in cells(to_markdown(data, docs)))  # the report stays as it is


def test_edited_words():
    pair, a, b = edited_pair()
    md = pair_markdown(pair, a, b)
    assert "last ~~two~~ **three** years" in md
    rendered = MD.render(md)
    assert "<s>two</s> <strong>three</strong>" in rendered


HOSTILE = [
    "# Not a heading",
    "## also not | a | table",
    "a | b | c",
    "`code` and ``double`` and ``` fence",
    "<script>alert(1)</script>",
    "</td></tr></table><h1>x</h1>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1)) and <javascript:alert(1)>",
    "![image](http://127.0.0.1:9/x.png)",
    "*not emphasis* _nor this_ **nor this** ~~nor this~~",
    "1. not a list",
    "- not a list",
    "+ nor this",
    "=====",
    "> not a quote",
    "$x^2$ is not maths",
    "&amp; stays &lt;literal&gt;",
    "back\\slash\\",
    "line one\nline two\n\n# heading after a blank line",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_document_text_stays_literal(text):
    doc = parse_text(text, id="evil.txt")
    end = len(doc.text)
    pair = {
        "a": "evil.txt", "b": "evil.txt", "jaccard": 1.0, "containment_a_in_b": 1.0,
        "containment_b_in_a": 1.0, "shared": 1,
        "diff": [{"op": "insert", "role": "other", "score": 0, "a": None, "evidence": text,
                  "b": {"index": 0, "start": 0, "end": end}}],
    }
    md = pair_markdown(pair, doc, doc)
    rendered = MD.render(md)
    (row,) = cells(md)
    assert len(row) == 5
    assert text_of(row[3]) == " ".join(doc.text.split())
    assert text_of(row[4]) == " ".join(text.split())  # the evidence, as literal as the text
    for tag in ("<script", "<img", "<a ", "<h1", "<h2", "<em", "<blockquote", "<ol", "<hr"):
        assert tag not in rendered.lower()
    assert rendered.count("<table>") == 1 and rendered.count("<strong>") == 2  # the role, in the row and the legend


@pytest.mark.parametrize("ident", ["plain.txt", "with `tick`.txt", "`edge`", "a|b.md", "# hash.txt"])
def test_ids_are_literal_code_spans(ident):
    rendered = MD.render(f"### {code(ident)} ↔ {code(ident)}\n\n- {code(ident)}\n")
    spans = [html.unescape(s) for s in re.findall(r"<code>(.*?)</code>", rendered)]
    assert spans == [ident] * 3


def test_escape_is_one_line():
    assert escape("a\n\n  b\tc") == "a b c"
    assert escape("1) x") == "1\\) x" and escape("10. x") == "10\\. x"


def test_no_pairs():
    data, docs = seed_report()
    data["pairs"], data["clusters"] = [], []
    assert to_markdown(data, docs).endswith("No near-duplicates found.\n")


@pytest.mark.parametrize("text", ["esc \x1b]0;title\x07 and \x1b[2J", "C1 \x9b31m", "nul \x00 del \x7f"])
def test_control_characters_are_shown_escaped(text):
    assert escape(text) == escape(printable(text)) and not re.search(r"[\x00-\x1f\x7f-\x9f]", escape(text))
    assert "\\\\x1b" in escape("\x1b") and "\\x1b" in code("\x1b") and "\\xff" in code("a\udcff")


def test_a_name_shows_its_bidirectional_controls_escaped_and_text_keeps_them():
    # "evil\u202etxt.md" would read "evildm.txt"; in a paragraph, a right-to-left mark is the writer's
    assert code("evil\u202etxt.md") == "`evil\\u202etxt.md`"
    assert escape("שלום\u200f עולם") == "שלום\u200f עולם"
