"""The terminal report: readable at 80 columns, plain without colour, colours per role."""

from __future__ import annotations

import io
import re

from rich.console import Console

from dedup.document import parse_text
from dedup.render.terminal import ROLE_STYLES, render_group, render_pair
from dedup.render.view import ROLES, printable_name
from tests.fixtures import A_ONLY, B_ONLY, edited_pair, seed_report

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def show(renderable, *, color: bool = False, width: int = 80) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, force_terminal=color, color_system="256" if color else None, highlight=False
    )
    console.print(renderable)
    return out.getvalue()


def test_plain_seed_report_names_every_differing_paragraph_with_its_role():
    data, docs = seed_report()
    text = show(render_group(data, docs, plain=True))
    lines = [line.rstrip() for line in text.splitlines()]
    assert lines[0] == "2 documents read, 0 skipped, 1 cluster, 1 pair"
    assert not ANSI.search(text)
    assert max(len(line) for line in lines) <= 80
    for i, (role, _) in A_ONLY.items():
        assert re.search(rf"^  - A{i + 1} +{role.replace('_', '-')} ", text, re.M), (i, role)
    for i, (role, _) in B_ONLY.items():
        assert re.search(rf"^  \+ B{i + 1} +{role.replace('_', '-')} ", text, re.M), (i, role)
    assert "+ B2  caption     Pyeongyang Press Corps/REUTERS" in text
    assert "+ B19 paywall     You are reading a free article." in text
    # the 14 shared body paragraphs are folded, not printed
    assert "3 equal paragraphs (A 4-6 = B 3-5)" in text
    assert "Since the end of the Cold War" not in text
    assert sum(line.startswith("  = ") for line in lines) == 7


def test_a_pair_says_why_each_differing_paragraph_got_its_role():
    data, docs = seed_report()
    pair = data["pairs"][0]
    text = show(render_pair(pair, docs[pair["a"]], docs[pair["b"]], plain=True))
    lines = [line.rstrip() for line in text.splitlines()]
    assert max(len(line) for line in lines) <= 80
    differing = [r for r in pair["diff"] if r["op"] != "equal"]
    assert sum(line.lstrip().startswith("why: ") for line in lines) == len(differing) == 22
    (quote,) = [r for r in differing if r["b"] and r["b"]["index"] == 7]
    after = lines[lines.index("  + B8  pull-quote  Trump’s failure may sow the seeds for a new and better") + 2]
    assert after == "                    why: " + quote["evidence"]
    assert "why:" not in show(render_group(data, docs, plain=True))  # the report stays as it is


def test_the_legend_lists_only_the_roles_present():
    data, docs = seed_report()
    text = show(render_group(data, docs, plain=True))
    legend = text[text.index("Legend") : text.index("Pair 1")]
    assert "- only in A  + only in B  = equal" in legend
    for role in ("title", "heading", "caption", "pull-quote", "paywall", "byline", "syndication", "duplicate"):
        assert role in legend
    for role in ("navigation", "comments", "related", "ad ", "body"):
        assert role not in legend


def test_edited_paragraphs_show_word_level_changes():
    pair, a, b = edited_pair()
    plain = show(render_pair(pair, a, b, plain=True))
    assert "last [-two-] {+three+} years" in plain
    assert "council {+narrowly+} approved" in plain
    assert "A4→B3" in plain and "> " in plain
    assert "Edits  [-deleted words-] {+inserted words+}" in plain
    color = show(render_pair(pair, a, b, plain=False), color=True)
    assert ANSI.search(color)
    assert "[-two-]" not in ANSI.sub("", color)
    assert re.search(r"\x1b\[(?:\d+;)*9(?:;\d+)*m", color)  # deleted words struck through


def test_every_role_has_its_own_colour():
    assert set(ROLE_STYLES) == set(ROLES)
    assert len(set(ROLE_STYLES.values())) == len(ROLES)


def test_colour_badges_for_roles():
    data, docs = seed_report()
    color = show(render_group(data, docs), color=True)
    assert ANSI.sub("", color).count(" paywall ") >= 6


def test_long_paragraphs_are_cut_and_narrow_terminals_still_work():
    pair, a, b = edited_pair()
    long = parse_text(b.text + "\n\n" + "Read more: " + "a related story, " * 60, id=b.id)
    last = long.paragraphs[-1]
    pair["diff"].append(
        {"op": "insert", "role": "related", "score": 0, "a": None, "evidence": "",
         "b": {"index": last.index, "start": last.start, "end": last.end}}
    )
    text = show(render_pair(pair, a, long, plain=True), width=50)
    assert "… (+" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 50


def test_without_texts_rows_show_offsets():
    data, _ = seed_report()
    text = show(render_group(data, None, plain=True))
    assert "(characters 0-27)" in text


def test_pairs_without_a_diff_and_reports_without_pairs():
    data, docs = seed_report()
    data["pairs"][0]["diff"] = []
    text = show(render_group(data, docs, plain=True))
    assert "(no paragraph diff in this report)" in text and "Legend" not in text
    data["pairs"], data["clusters"] = [], []
    assert "No near-duplicates found." in show(render_group(data, docs, plain=True))


# Ids are file names and paragraphs are scraped text: neither may style the output, make a
# link, crash the renderer with bad markup, or send escape sequences to the terminal.
HOSTILE_IDS = ["a[/]b.txt", "[link=http://127.0.0.1:9/x]click[/link].txt", "[bold red]loud.txt",
               "new\nline.txt", "esc\x1b]0;title\x07.txt", "bad\udcff\udcfe.txt",
               "evil\u202etxt.md", "iso\u2067late\u2069\u200f.txt"]  # bidi controls: a name read reversed


def hostile_pair(a_id: str, b_id: str):
    text = "Shared words of one article here.\n\nOnly A: \x1b[2J\x1b]52;c;cHduZWQ=\x07 [bold]x[/] \x9b31m end."
    a = parse_text(text, id=a_id)
    b = parse_text(text.split("\n\n")[0], id=b_id)
    span = lambda d, i: {"index": i, "start": d.paragraphs[i].start, "end": d.paragraphs[i].end}  # noqa: E731
    pair = {"a": a_id, "b": b_id, "jaccard": 0.5, "containment_a_in_b": 0.5, "containment_b_in_a": 1.0,
            "shared": 3, "diff": [
                {"op": "equal", "role": "body", "score": 100, "a": span(a, 0), "b": span(b, 0), "evidence": ""},
                {"op": "delete", "role": "other", "score": 0, "a": span(a, 1), "b": None, "evidence": ""},
            ]}
    return pair, a, b


def test_ids_and_text_are_never_markup_nor_escape_sequences():
    for k in range(0, len(HOSTILE_IDS), 2):
        a_id, b_id = HOSTILE_IDS[k], HOSTILE_IDS[k + 1]
        pair, a, b = hostile_pair(a_id, b_id)
        data = {"documents": [{"id": a_id}, {"id": b_id}], "skipped": [], "pairs": [pair],
                "clusters": [{"members": [a_id, b_id], "canonical": a_id, "reason": "r"}]}
        for plain in (True, False):
            for renderable in (render_group(data, {a_id: a, b_id: b}, plain=plain), render_pair(pair, a, b, plain=plain)):
                out = show(renderable, color=not plain, width=200)
                assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]", ANSI.sub("", out).replace("\n", "")), out
                assert "\x1b]" not in out and "\x1b[2J" not in out  # only SGR colour codes
                assert not re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", out), out
                for ident in (a_id, b_id):
                    assert printable_name(ident) in ANSI.sub("", out)  # shown, literally
                assert "[bold]x[/]" in ANSI.sub("", out) and "\\x1b[2J" in out and "\\x9b31m" in out
