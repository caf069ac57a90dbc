"""Reading files and folders into paragraphs with offsets; bad input becomes Skipped."""

from __future__ import annotations

import json
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.document import (
    Document,
    Skipped,
    find_sources,
    jsonl_spans,
    load,
    load_bytes,
    load_span,
    parse_html,
    parse_text,
    read,
    split_paragraphs,
)
from dedup import html_text
from dedup.paragraphs import _split_fast, _split_lines
from dedup.errors import DocumentError
from dedup.pipeline import run
from tests.helpers import SEED_A, SEED_B


def texts(text: str) -> list[str]:
    return [p.text for p in split_paragraphs(text)]


def docs_and_skips(*paths, **kw):
    items = list(read(list(paths), **kw))
    return [d for d in items if isinstance(d, Document)], [s for s in items if isinstance(s, Skipped)]


# --------------------------------------------------------------------------- paragraphs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\n\ntwo", ["one", "two"]),
        ("one\r\n\r\ntwo\r\n", ["one", "two"]),
        ("one\n\xa0 \ntwo", ["one", "two"]),  # a line of no-break spaces is blank
        ("\n\n  lead and trail  \n\n\n", ["lead and trail"]),
        # bullets are paragraphs of their own, and so is the line after the last bullet
        ("Intro line.\n  • first\n  • second\nSubscribe Now", ["Intro line.", "• first", "• second", "Subscribe Now"]),
        ("- item one\n  wraps here\n- item two", ["- item one\n  wraps here", "- item two"]),
        ("# Heading\nBody text under it.", ["# Heading", "Body text under it."]),
        # a setext heading keeps its underline, as the "=" one always did; under a list item, a rule
        ("Section\n-------\nBody text under it.", ["Section\n-------", "Body text under it."]),
        ("Title\n=====\nBody text under it.", ["Title\n=====", "Body text under it."]),
        ("- item\n---\nafter", ["- item", "---", "after"]),
        ("---\ntitle: A note\n---\nBody.", ["---", "title: A note", "---", "Body."]),  # YAML front matter
        ("Text\n\n---\n\nmore", ["Text", "---", "more"]),
        # a long caption line followed by its credit line
        (
            "South Korean President Moon Jae-in and North Korean leader Kim Jong Un during a luncheon, "
            "North Korea, September 2018.\nPyeongyang Press Corps/REUTERS",
            [
                "South Korean President Moon Jae-in and North Korean leader Kim Jong Un during a luncheon, "
                "North Korea, September 2018.",
                "Pyeongyang Press Corps/REUTERS",
            ],
        ),
        # a short caption and credit, too short to be judged by width
        ("Protesters outside parliament on Monday.\nJane Doe/AP", ["Protesters outside parliament on Monday.", "Jane Doe/AP"]),
    ],
)
def test_split_paragraphs(text, expected):
    assert texts(text) == expected


def test_hard_wrapped_prose_stays_one_paragraph():
    prose = (
        "The regime in Pyongyang no longer has to rely on saber-rattling and\n"
        "warmongering to intimidate its neighbors and keep their superior\n"
        "conventional militaries in check. Just as important, the arsenal forces\n"
        "the United States to find ways to accommodate North Korea.\n"
        "\n"
        "A second paragraph."
    )
    got = split_paragraphs(prose)
    assert len(got) == 2
    assert got[0].text.startswith("The regime") and got[0].text.endswith("North Korea.")


def test_offsets_slice_the_text_back():
    text = SEED_B.read_text(encoding="utf-8")
    for p in split_paragraphs(text):
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip()


def test_seed_documents_paragraphs():
    a = parse_text(SEED_A.read_text(encoding="utf-8"), id="a")
    b = parse_text(SEED_B.read_text(encoding="utf-8"), id="b")
    assert len(a.paragraphs) == 24
    assert len(b.paragraphs) == 26
    # the KCNA caption is printed twice on consecutive lines: two paragraphs
    assert a.paragraphs[10].text == a.paragraphs[11].text
    assert a.paragraphs[10].text.startswith("This picture taken on July 4, 2017")
    assert [p.text for p in b.paragraphs[:2]][1] == "Pyeongyang Press Corps/REUTERS"
    assert [p.text for p in b.paragraphs[-4:]] == [
        "• Six issues a year in print, online, and audio editions",
        "Subscribe Now",
        b.paragraphs[-2].text,
        "• More By Joshua Shifrinson",
    ]
    assert b.paragraphs[-2].text.startswith("• JOSHUA SHIFRINSON is Assistant Professor")


def test_markdown_setext_headings_match_the_text_version(tmp_path):
    """Markdown written by pandoc (and many editors) underlines its section headings with dashes.
    The underline was taken for a rule, a paragraph of its own, so every heading of the .md file
    paired with the .txt of the same article added a one-sided row of dashes to the diff. Markdown
    is now read as it renders: the heading is its text, without the underline."""
    body = [
        "Upon returning from the summit, the president declared the problem solved, and many "
        "experts did not share his optimism about what had been agreed there.",
        "Since the end of the Cold War, the region has seen threats to its stability on a number "
        "of fronts, and few of them have gone away.",
        "Diplomatic momentum has picked up since the summit, and talks have proceeded apace.",
    ]
    txt = "\n\n".join(["A NEW NORMAL", body[0], body[1], "TRIPLE WIN", body[2]]) + "\n"
    md = "\n\n".join(["A New Normal\n------------", body[0], body[1], "Triple Win\n----------", body[2]]) + "\n"
    (tmp_path / "article.txt").write_text(txt, encoding="utf-8")
    (tmp_path / "article.md").write_text(md, encoding="utf-8")
    note = docs_and_skips(tmp_path)[0][0]
    assert [p.text for p in note.paragraphs] == ["A New Normal", body[0], body[1], "Triple Win", body[2]]
    (pair,) = run([tmp_path]).pairs
    assert [row.op for row in pair.diff] == ["equal"] * 5


# --------------------------------------------------------------------------- HTML


def test_html_visible_text_by_blocks():
    html = """<!doctype html><html><head><title>Not shown</title><style>p{}</style>
    <script>alert(1)</script></head><body>
    <nav><ul><li>Home</li><li>World</li></ul></nav>
    <h1>The   headline</h1>
    <p>First <b>bold</b> paragraph
       wraps in the source.</p>
    <figure><img src="x.jpg"><figcaption>A caption.<br>Photo: Jane Doe</figcaption></figure>
    <div hidden>secret</div><p style="display:none">also hidden</p>
    <p>Last &amp; final.<script>document.write('x')</script></p>
    </body></html>"""
    doc = parse_html(html, id="page.html")
    assert [p.text for p in doc.paragraphs] == [
        "Home",
        "World",
        "The headline",
        "First bold paragraph wraps in the source.",
        "A caption.",
        "Photo: Jane Doe",
        "Last & final.",
    ]
    for p in doc.paragraphs:
        assert doc.text[p.start : p.end] == p.text


# A press release's short paragraphs, as a .txt scrape keeps them and as old CMS pages and forums
# separate them: with <br><br> in one <div>, no <p> in sight.
SHORT_PARAGRAPHS = (
    "City council approves new park budget",
    "By Jane Doe, staff writer",
    "The council voted 7-2 on Tuesday to fund the park.",
    "Work will start in May and end by October.",
    "Residents had asked for the park for ten years.",
    "The mayor called it a good day for the city.",
    "Opponents said the money should go to roads instead.",
    "A public meeting on the design is set for March 3.",
)


def test_html_paragraphs_separated_by_br_br_are_paragraphs(tmp_path):
    """A browser shows a blank line at <br><br>: the paragraphs are those of the .txt scrape of the page.
    Only a single line break was kept, and short lines were then joined as hard-wrapped prose, so the
    pair's diff showed edits where nothing had changed."""
    (tmp_path / "news.txt").write_text("\n\n".join(SHORT_PARAGRAPHS) + "\n", encoding="utf-8")
    page = "<html><body><div class=post>" + "<br><br>\n".join(SHORT_PARAGRAPHS) + "<br></div>"
    page += "<div>One line.<br>\n <br> <br>After three breaks.<br>Its second line.</div></body></html>"
    (tmp_path / "news.html").write_text(page, encoding="utf-8")
    docs, _ = docs_and_skips(tmp_path)
    html, txt = docs
    assert [p.text for p in txt.paragraphs] == list(SHORT_PARAGRAPHS)
    assert [p.text for p in html.paragraphs] == [*SHORT_PARAGRAPHS, "One line.", "After three breaks.\nIts second line."]
    for p in html.paragraphs:
        assert html.text[p.start : p.end] == p.text
    report = run([tmp_path])
    (pair,) = report.pairs
    assert [row.op for row in pair.diff] == ["equal"] * len(SHORT_PARAGRAPHS) + ["delete"] * 2


POEM = (
    "The sea is calm tonight.\nThe tide is full, the moon lies fair\nUpon the straits;",
    "Come to the window, sweet is the night-air!\nOnly, from the long line of spray",
    "Listen! you hear the grating roar\nOf pebbles which the waves draw back, and fling,",
)


def test_html_pre_keeps_its_line_breaks(tmp_path):
    """A browser shows a <pre> (a poem, a code listing) line by line, with its blank lines: its
    paragraphs are those of the same text in a .txt file. Its whitespace all collapsed, so the
    whole <pre> was one paragraph of one line."""
    (tmp_path / "poem.txt").write_text("\n\n".join(POEM) + "\n", encoding="utf-8")
    poem = "\n\n".join(POEM).replace("the night-air", "the <i>night-air</i>")
    page = f"<html><body><h1>Dover Beach</h1><pre>\n{poem}\n</pre><p>Matthew Arnold</p></body></html>"
    (tmp_path / "poem.html").write_text(page, encoding="utf-8")
    html, txt = docs_and_skips(tmp_path)[0]
    lines = [p.text for p in txt.paragraphs]
    assert len(lines) > len(POEM)  # the stanzas, and the lines that read as lines
    assert [p.text for p in html.paragraphs] == ["Dover Beach", *lines, "Matthew Arnold"]
    for p in html.paragraphs:
        assert html.text[p.start : p.end] == p.text
    nested = parse_html("<pre>one\n<pre>two\nthree</pre>\nfour</pre><div><pre>five\nsix</pre></div>", id="x.html")
    assert [p.text for p in nested.paragraphs] == ["one", "two\nthree", "four", "five\nsix"]  # <pre> is a block


def test_html_icon_font_references_do_not_split_paragraphs():
    """Icon fonts put their glyphs in the private-use area, written as character references
    (Material Icons' "error" is &#xE000;, "error_outline" &#xE001;): those two code points are
    the extraction's own paragraph and line marks, so a warning icon split its sentence in two."""
    page = (
        "<p><i class='material-icons'>&#xE000;</i> Comments are closed <i class='material-icons'>&#57345;</i>"
        " for this article.</p><p>Next &#xE002; paragraph &#xe0001;.</p>"
    )
    doc = parse_html(page, id="icons.html")
    assert [p.text for p in doc.paragraphs] == ["Comments are closed for this article.", "Next \ue002 paragraph \U000e0001."]


# (page body, the text a browser shows of it): each row is a case the extraction got wrong;
# what dedup reads of a page is what a reader sees of it.
BROWSER_VIEWS = {
    # aria-hidden hides from screen readers only: a decorative pull quote, a rating, TOC numbers
    "aria-hidden": (
        '<p>The council voted on Tuesday.</p><aside aria-hidden="true"><p>"A good day for the city"</p></aside>'
        '<p>Rated <span aria-hidden="true">4 of 5</span> by readers.</p>'
        '<ol><li><a href="#s"><strong aria-hidden="true">1.2.</strong> Installation</a></li></ol>',
        'The council voted on Tuesday.\n\n"A good day for the city"\n\nRated 4 of 5 by readers.\n\n1.2. Installation',
    ),
    # a ligature icon font draws its text as one glyph, aria-hidden or not ("arrow_forward" was read)
    "ligature-icon": (
        '<p><span class="material-icons" aria-hidden="true">share</span> Share this article</p>'
        '<p><span class="icon material-symbols-outlined">arrow_forward</span>Next story</p>',
        "Share this article\n\nNext story",
    ),
    "inline-styles": (
        '<p>Shown.</p><p style="DISPLAY:NONE">upper</p><p style="display : none">spaced</p>'
        '<p style="visibility:hidden">invisible</p><p style="color: red; Visibility: Collapse !important">c</p>'
        '<p style="display:none; display:block">Shown again.</p><p style="display:none !important;display:block">i</p>',
        "Shown.\n\nShown again.",
    ),
    # a body hidden inline is one a script shows (against a flash of unstyled content)
    "hidden-body": ('<body style="display:none"><p>The whole page.</p></body>', "The whole page."),
    # hidden="until-found" is read, as the closed <details> was: content a reader opens or finds
    "collapsed": (
        '<details><summary>Background</summary><p>Read when opened.</p></details>'
        '<div hidden="until-found">Shown when found.</div><div hidden>Never shown.</div>',
        "Background\n\nRead when opened.\n\nShown when found.",
    ),
    # a closed <dialog> is a modal that only a script opens
    "dialog": (
        "<p>The article.</p><dialog><p>Sign up for our newsletter</p></dialog><dialog open><p>A note.</p></dialog>",
        "The article.\n\nA note.",
    ),
    "ruby": ("<p><ruby>Tokyo<rp>(</rp><rt>toukyou</rt><rp>)</rp></ruby> is large.</p>", "Tokyotoukyou is large."),
    # the page's own stylesheet hides by tag, class, id, tag.class, .a.b and lists of them, in any case;
    # in a list, a selector with a combinator or a pseudo-class is skipped alone (the rest applies)
    "style-selectors": (
        "<style>aside{display:none} .js-only{display:none} #newsletter{Visibility: Hidden} p.note{DISPLAY:NONE}"
        " .promo.inline{display:none} .share, .comments a:hover, .print-only{display: none}"
        " .md\\:hidden{display:none}</style>"
        "<p>The council voted on Tuesday.</p><aside><p>Related: a story</p></aside>"
        '<div class="js-only">Loading comments</div><p id="newsletter">Sign up for our newsletter</p>'
        '<p class="note">Hidden note</p><div class="note">The vote was 7 to 2.</div>'
        '<p class="promo inline">Subscribe now</p><p class="promo">Work starts in May.</p>'
        '<p class="share">Share this</p><p class="print-only">Printed on paper</p><p class="md:hidden">Menu</p>',
        "The council voted on Tuesday.\n\nThe vote was 7 to 2.\n\nWork starts in May.",
    ),
    # CSS's cascade: !important, then the inline style, then specificity (id, class, tag), then the later
    # rule; a value no browser accepts (flexbox) is dropped and does not undo an earlier one
    "style-cascade": (
        "<style>.a{display:none} .a{display:block} .b{display:none !important} .b{display:block}"
        " .c{display:none; display:flexbox} #d{display:block} .d{display:none} p.e{display:none} .e{display:block}"
        " .f{display:none} .g{display:none !IMPORTANT} .h{display:block} .i{display:block !important}</style>"
        '<p class="a">A shown.</p><p class="b">b</p><p class="c">c</p><p id="d" class="d">D shown.</p>'
        '<p class="e">e</p><p class="f" style="display:block">F shown.</p><p class="g" style="display:block">g</p>'
        '<p class="h" style="display:none">h</p><p class="i" style="display:none">I shown.</p>',
        "A shown.\n\nD shown.\n\nF shown.\n\nI shown.",
    ),
    # a stylesheet is read as a browser reads it, garbage and all: comments and strings holding braces,
    # <!-- --> around it, url() data with ";", a stray "}" or ";" spoiling the next rule only, the
    # last rule left open, an unclosed comment to the end
    "style-malformed": (
        '<style><!-- /* } */ .a{content:"}{;";display:none} .b{background:url(data:x;{});display:none}'
        " } .c{display:none} .d{display:none} x; .e{display:none} .f{display:none} -->"
        " .g{width:calc(1px} .h{display:none}</style><style>.i{display:none</style><style>.j{display:none} /* .k{display:none}</style>"
        '<p class="a">a</p><p class="b">b</p><p class="c">Stray brace.</p><p class="d">d</p><p class="e">Stray semicolon.</p>'
        '<p class="f">f</p><p class="h">Eaten by an open bracket.</p><p class="i">i</p><p class="j">j</p>'
        '<p class="k">In a comment.</p>',
        "Stray brace.\n\nStray semicolon.\n\nEaten by an open bracket.\n\nIn a comment.",
    ),
    # only the <style> elements a browser applies on a screen: not media="print", another type, or the
    # ones of a <noscript> (read by a browser without scripts only, like the rest of a <noscript>)
    "style-elements": (
        '<style media="print">.a{display:none}</style><style type="text/less">.b{display:none}</style>'
        "<noscript><style>.c{display:none}</style></noscript><style media=\"screen, print\">.d{display:none}</style>"
        '<p class="a">Shown on screen.</p><p class="b">Not CSS.</p><p class="c">Scripts run.</p><p class="d">d</p>',
        "Shown on screen.\n\nNot CSS.\n\nScripts run.",
    ),
    # the visually-hidden classes of Bootstrap, WordPress, Tailwind, GOV.UK ... hide whatever stylesheet
    # (an external one) defines them: text for screen readers only. Bootstrap 4's sr-only-focusable only
    # shows an sr-only element on focus, Tailwind's not-sr-only undoes sr-only
    "visually-hidden": (
        '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>'
        '<a class="visually-hidden-focusable" href="#main">Skip to main content</a>'
        '<p><span class="sr-only">Posted on</span> March 3, 2024 by <a href="/jane">Jane Doe</a></p>'
        '<p>Read <a href="https://example.org" target="_blank">the report<span class="visually-hidden">'
        " (opens in a new window)</span></a> first.</p>"
        '<h2 class="govuk-visually-hidden">Navigation menu</h2><p class="sr-only sr-only-focusable">Skip</p>'
        '<p class="sr-only-focusable">Focusable alone is shown.</p><p class="sr-only not-sr-only">Undone.</p>',
        "March 3, 2024 by Jane Doe\n\nRead the report first.\n\nFocusable alone is shown.\n\nUndone.",
    ),
    # an @media rule for screens of some sizes that shows (display, visibility) what a top-level rule
    # hides: on a desktop it is seen; one for print or a preference is not, nor one that loses the cascade
    "style-media-shown": (
        "<style>.note{display:none} @media (min-width: 768px){.note{display:block}}"
        " .wide{display:none} @media only screen and (min-width:1000px) and (max-width: 2000px){.wide{display:flex}}"
        " .all{display:none} @media all{.all{display:block}} .scr{display:none} @media screen{.scr{display:block}}"
        " .print{display:none} @media print{.print{display:block}}"
        " .motion{display:none} @media (prefers-reduced-motion: reduce){.motion{display:block}}"
        " .ghost{visibility:hidden} @media (min-width:768px){.ghost{visibility:visible}}"
        " .firm{display:none !important} @media (min-width:768px){.firm{display:block}}"
        " #byid{display:none} @media (min-width:768px){.cls{display:block}}"
        " @media (width >= 700px){.later{display:block}} .later{display:none}</style>"
        '<p class="note">Note.</p><p class="wide">Wide.</p><p class="all">All.</p><p class="scr">Screen.</p>'
        '<p class="print">Print.</p><p class="motion">Motion.</p><p class="ghost">Ghost.</p><p class="firm">Firm.</p>'
        '<p id="byid" class="cls">By id.</p><p class="later">Later rule.</p>',
        "Note.\n\nWide.\n\nAll.\n\nScreen.\n\nGhost.",
    ),
    # Tailwind's stylesheet as it is written into a page: its responsive utilities (md:block, lg:flex,
    # md:visible, md:not-sr-only ...) are @media rules that show what .hidden, .invisible, .sr-only hide
    "style-tailwind": (
        "<style>.hidden{display:none} .invisible{visibility:hidden}"
        " .sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0)}"
        " @media (min-width:640px){.sm\\:inline-block{display:inline-block}}"
        " @media (min-width:768px){.md\\:not-sr-only{position:static;width:auto;height:auto;margin:0;overflow:visible;"
        "clip:auto} .md\\:block{display:block} .md\\:contents{display:contents} .md\\:visible{visibility:visible}}"
        " @media (min-width:1024px){.lg\\:flex{display:flex}} @media (min-width:1280px){.xl\\:grid{display:grid}}</style>"
        '<p class="hidden">Hidden everywhere.</p><div class="hidden md:block">Shown from md.</div>'
        '<p class="hidden lg:flex">Shown from lg.</p><p><span class="hidden sm:inline-block">Inline from sm.</span></p>'
        '<div class="hidden xl:grid"><p>Grid from xl.</p></div><div class="hidden md:contents"><p>Contents from md.</p>'
        '</div><p class="invisible md:visible">Visible from md.</p><p class="invisible">Invisible.</p>'
        '<p><span class="sr-only md:not-sr-only">Posted on</span> March 3</p>',
        "Shown from md.\n\nShown from lg.\n\nInline from sm.\n\nGrid from xl.\n\nContents from md.\n\n"
        "Visible from md.\n\nPosted on March 3",
    ),
    # the hidden attribute and a closed <dialog> are the browser's own display:none: a display the page
    # gives the element (inline, by a rule) shows it
    "hidden-overridden": (
        '<style>.shown{display:flex} .modal{display:block}</style><p hidden style="display:block">By style.</p>'
        '<div hidden class="shown">By rule.</div><p hidden style="display:contents">Contents.</p>'
        '<p hidden style="display:inherit">Inherit.</p><p hidden style="display: var(--d)">Var.</p>'
        '<p hidden style="display:none">None.</p><p hidden style="display:bogus">Bogus.</p>'
        '<p hidden style="visibility:visible">Visible.</p><p hidden class="shown" style="display:none">Inline wins.</p>'
        '<dialog style="display:block"><p>Dialog shown.</p></dialog><dialog class="modal"><p>Modal shown.</p></dialog>'
        "<dialog><p>Closed.</p></dialog>",
        "By style.\n\nBy rule.\n\nContents.\n\nInherit.\n\nVar.\n\nDialog shown.\n\nModal shown.",
    ),
    # visibility is inherited: what says visibility:visible inside a hidden element is seen (display:none
    # hides everything inside it whatever it says)
    "visibility-visible": (
        '<div style="visibility:hidden"><p>Hidden.</p><p style="visibility:visible">Shown inside.</p>tail</div>'
        '<div style="display:none"><p style="visibility:visible">Never.</p></div>'
        "<style>.ghost{visibility:hidden} .back{visibility:visible}</style>"
        '<div class="ghost">Label <span class="back">Shown span.</span> end <span>gone</span></div>'
        '<div style="visibility:collapse"><p style="visibility:visible">Out <b style="visibility:hidden">in</b> again.</p>'
        '</div><div style="visibility:hidden"><p style="visibility:initial">Initial.</p>'
        '<p style="visibility:inherit">Inherit.</p><p style="visibility:unset">Unset.</p></div>',
        "Shown inside.\n\nShown span.\n\nOut again.\n\nInitial.",
    ),
}

# (page body, the text read of it): what some screen shows, though not a 1280-pixel-wide one (and so
# not checked in Chromium): a reader of the page may see it.
SHOWN_ON_SOME_SCREEN = {
    # Tailwind's and Bootstrap's responsive display utilities show what .hidden, .invisible, .d-none and
    # .sr-only hide, though their stylesheet is linked (not in the page): the class says it
    "utility-classes": (
        '<link rel="stylesheet" href="/tailwind.css"><style>.hidden{display:none} .invisible{visibility:hidden}'
        " .d-none{display:none !important} .hide{display:none}</style>"
        '<div class="hidden md:block">Shown from md.</div><p class="hidden lg:flex">Shown from lg.</p>'
        '<p><span class="hidden sm:inline-block">Inline from sm.</span></p><div class="hidden xl:grid">From xl.</div>'
        '<div class="hidden 2xl:table">Table from 2xl.</div><div class="hidden md:contents">Contents from md.</div>'
        '<p class="hidden max-md:block">Below md.</p><p class="invisible md:visible">Visible from md.</p>'
        '<p><span class="sr-only md:not-sr-only">Posted on</span> March 3</p><p class="d-none d-md-block">Bootstrap.</p>'
        '<p class="hide">Hidden.</p><p class="hidden hover:block">On hover.</p><p class="hidden print:block">Print.</p>'
        '<p class="invisible">Invisible.</p><p><span class="sr-only focus:not-sr-only">Skip</span> Focus.</p>'
        '<p hidden class="md:block">Hidden attribute.</p>',
        "Shown from md.\n\nShown from lg.\n\nInline from sm.\n\nFrom xl.\n\nTable from 2xl.\n\n"
        "Contents from md.\n\nBelow md.\n\nVisible from md.\n\nPosted on March 3\n\nBootstrap.\n\nFocus.\n\n"
        "Hidden attribute.",
    ),
    # @media rules that show on wide screens (2xl), narrow ones, in portrait; a <style> for some screens
    "media": (
        "<style>.wider{display:none} .narrow{display:none} .portrait{visibility:hidden} .x{display:none}"
        " @media (min-width: 1536px){.wider{display:block}} @media screen and (max-width: 600px){.narrow{display:block}}"
        ' @media (orientation: portrait){.portrait{visibility:visible}}</style><style media="(max-width: 600px)">'
        " .x{display:block} .y{display:none}</style>"
        '<p class="wider">Wider.</p><p class="narrow">Narrow.</p><p class="portrait">Portrait.</p>'
        '<p class="x">Small screens.</p><p class="y">Hidden on small screens only.</p>',
        "Wider.\n\nNarrow.\n\nPortrait.\n\nSmall screens.\n\nHidden on small screens only.",
    ),
    # the same without any stylesheet in the page (the elements that may be hidden are found alone)
    "no-stylesheet": (
        '<div style="visibility:hidden"><p>Hidden.</p><p class="md:visible">Visible from md.</p>'
        '<p class="md:!visible">Important.</p></div><p hidden class="d-md-block">Bootstrap.</p>'
        '<p style="display:none" class="md:!block">Block from md.</p><p style="display:none" class="md:block">Inline wins.</p>'
        '<p class="sr-only lg:not-sr-only">Not sr-only from lg.</p><dialog class="md:flex"><p>Dialog.</p></dialog>',
        "Visible from md.\n\nImportant.\n\nBootstrap.\n\nBlock from md.\n\nNot sr-only from lg.\n\nDialog.",
    ),
}


# (page body, the text read of it): what of a stylesheet is not followed, on purpose, and what it
# cannot hide. Each row also has a rule that is followed, so that each says both.
STYLES_NOT_FOLLOWED = {
    # @supports, @container, @layer: their rules depend on the browser, the layout or layer order; an
    # @media rule that hides depends on the screen (only those that show again count: see above)
    "at-rules": (
        "<style>@media screen{.a{display:none}} @supports (display:grid){.b{display:none}}"
        " @container (width > 1px){.c{display:none}} @layer base{.d{display:none}} .e{display:none}</style>"
        '<p class="a">Media.</p><p class="b">Supports.</p><p class="c">Container.</p><p class="d">Layer.</p>'
        '<p class="e">e</p>',
        "Media.\n\nSupports.\n\nContainer.\n\nLayer.",
    ),
    # an @media rule that hides, on some screens only (the mobile-only menu, md:hidden), is not followed
    "media-hides": (
        "<style>@media (min-width: 768px){.md\\:hidden{display:none} .wide-hide{visibility:hidden}}"
        " @media screen{.s{display:none}} .e{display:none}</style>"
        '<p class="md:hidden">Mobile menu.</p><p class="wide-hide">Narrow only.</p><p class="s">Screen.</p>'
        '<p class="e">e</p>',
        "Mobile menu.\n\nNarrow only.\n\nScreen.",
    ),
    # combinators, attribute selectors and pseudo-classes are not followed (a browser would hide these)
    "selectors": (
        '<style>.post .byline{display:none} p:first-child{display:none} [data-ad]{display:none} .ad{display:none}</style>'
        '<div class="post"><p>First paragraph.</p><p class="byline">By Jane Doe</p>'
        '<p data-ad="1">Attribute.</p><p class="ad">ad</p></div>',
        "First paragraph.\n\nBy Jane Doe\n\nAttribute.",
    ),
    # no rule or class hides <body>, <main> or <article> themselves: one odd rule cannot blank a page
    "page-elements": (
        '<style>body{display:none} main{display:none} .story{visibility:hidden} .ad{display:none}</style>'
        '<main class="sr-only"><article class="story"><p>The whole story.</p><p class="ad">ad</p></article></main>',
        "The whole story.",
    ),
}


@pytest.mark.parametrize(
    ("table", "name"),
    [("shown on some screen", name) for name in SHOWN_ON_SOME_SCREEN]
    + [("not followed", name) for name in STYLES_NOT_FOLLOWED],
)
def test_html_shown_on_some_screen_or_not_followed_is_read(table, name):
    page, read = (SHOWN_ON_SOME_SCREEN if table == "shown on some screen" else STYLES_NOT_FOLLOWED)[name]
    doc = parse_html(f"<!doctype html><html><body>{page}</body></html>", id="page.html")
    assert doc.text == read


def test_html_stylesheet_that_hides_every_paragraph_is_ignored():
    """A page that a script reveals (``.wrapper{visibility:hidden}`` until it runs) would read as
    empty; its stylesheet is ignored, visually-hidden classes with it. Beside one paragraph it
    does not hide, the same rule hides the wrapper."""
    style = "<style>.wrapper{visibility:hidden} .ad{display:none}</style>"
    wrapper = '<div class="wrapper"><p>First paragraph.</p><p class="sr-only">Posted on</p><p>Second one.</p></div>'
    whole = parse_html(f"<html><head>{style}</head><body>{wrapper}</body></html>", id="a.html")
    assert [p.text for p in whole.paragraphs] == ["First paragraph.", "Posted on", "Second one."]
    page = f"<html><head>{style}</head><body>{wrapper}<p>Comments are closed.</p><p class=ad>Ad</p></body></html>"
    assert [p.text for p in parse_html(page, id="b.html").paragraphs] == ["Comments are closed."]
    with pytest.raises(DocumentError, match="no visible text"):  # hidden by HTML itself: still no text
        parse_html(f"<html><head>{style}</head><body><div hidden>{wrapper}</div></body></html>", id="c.html")


def test_html_stylesheet_too_costly_to_apply_is_ignored(monkeypatch):
    """Matching tries each rule on the elements that have its id, class or tag: a page and a
    stylesheet made so that every element meets every rule would cost their product. Past a
    budget (a million tries plus one per character of the page) the rules are ignored; the
    visually-hidden classes still count."""
    page = (
        "<style>.a{display:none} .a.b{display:none}</style>"
        '<p class="a">One.</p><p class="b">Two.</p><p class="sr-only">Three.</p>'
    )
    assert parse_html(page, id="a.html").text == "Two."
    monkeypatch.setattr(html_text, "_MATCH_BUDGET", -len(page))  # not even one try
    assert parse_html(page, id="a.html").text == "One.\n\nTwo."


# A publisher's article page (WordPress-like) and the plain-text copy of the same article.
PUBLISHED_PAGE = """<!doctype html><html lang="en"><head><title>Park budget approved</title>
<style>
/* theme */ .site-header{padding:1em} .js-only{display:none} .comment-form .hint{display:none}
.print-only, .share-count {display:none} #cookie-note{visibility:hidden}
@media (min-width: 800px) { .nav-toggle { display: none } }
</style></head><body class="single-post">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header class="site-header"><p class="site-title">The Daily Example</p></header>
<main id="content"><article class="post">
<h1 class="entry-title">City council approves new park budget</h1>
<div class="entry-meta"><span class="screen-reader-text">Posted on</span> March 3, 2024
<span class="byline"><span class="sr-only">Author</span> Jane Doe</span></div>
<p>The council voted 7-2 on Tuesday to fund the park on the former rail yard.</p>
<p>Work will start in May and end by October, the mayor said<span class="print-only"> (print edition)</span>.</p>
<p>Residents had asked for the park for ten years. Read <a href="https://example.org/plan" target="_blank">the plan
<span class="visually-hidden">(opens in a new window)</span></a> online.</p>
<div class="js-only">Loading comments...</div>
<p id="cookie-note">We use cookies.</p>
</article></main></body></html>"""
PLAIN_COPY = """The Daily Example

City council approves new park budget

March 3, 2024 Jane Doe

The council voted 7-2 on Tuesday to fund the park on the former rail yard.

Work will start in May and end by October, the mayor said.

Residents had asked for the park for ten years. Read the plan online.
"""


def test_a_publishers_page_and_its_plain_copy_diff_as_equal(tmp_path):
    """The text a page hides with its own stylesheet (.js-only, .print-only) and its visually-hidden
    classes ("Skip to content", "Posted on", "(opens in a new window)") is no article text: it
    made one-sided rows and edits when the page was compared with a plain copy of the article."""
    from typer.testing import CliRunner

    from dedup.cli import app

    (tmp_path / "page.html").write_text(PUBLISHED_PAGE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(PLAIN_COPY, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "page.html"), str(tmp_path / "copy.txt"), "-f", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    rows = json.loads(result.stdout)["diff"]
    assert [(row["op"], row["score"]) for row in rows] == [("equal", 100.0)] * 6


# A page built with Tailwind, saved with the part of its stylesheet it uses, and a plain-text copy of
# the article: on a desktop, the byline, the dateline's "Posted on", the side note and the closing
# paragraph are seen (md:inline, md:not-sr-only, an @media rule of the page, lg:block).
TAILWIND_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Park budget approved</title>
<link rel="stylesheet" href="/assets/app.css">
<style>
.hidden{display:none} .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
.flex{display:flex} .js-only{display:none} .sidebar-note{display:none} .print-only{display:none}
@media (min-width: 768px) { .sidebar-note { display: block } .md\\:hidden { display: none } }
@media print { .print-only { display: inline } }
</style></head><body class="bg-white text-gray-900">
<header class="flex items-center justify-between"><p class="text-xl font-bold">The Daily Example</p>
<button class="md:hidden" aria-label="Open menu">Menu</button></header>
<main class="mx-auto max-w-prose"><article>
<h1 class="text-3xl font-bold">City council approves new park budget</h1>
<p class="text-sm text-gray-500"><span class="sr-only md:not-sr-only">Posted on</span> March 3, 2024
<span class="hidden md:inline">by Jane Doe</span></p>
<p>The council voted 7-2 on Tuesday to fund the park on the former rail yard.</p>
<aside class="sidebar-note border-l-4 pl-4"><p>The rail yard closed in 2009.</p></aside>
<p>Work will start in May and end by October, the mayor said<span class="print-only"> (print edition)</span>.</p>
<div class="hidden lg:block"><p>Residents had asked for the park for ten years.</p></div>
<div class="js-only">Loading comments...</div>
</article></main></body></html>"""
TAILWIND_COPY = """The Daily Example

City council approves new park budget

Posted on March 3, 2024 by Jane Doe

The council voted 7-2 on Tuesday to fund the park on the former rail yard.

The rail yard closed in 2009.

Work will start in May and end by October, the mayor said.

Residents had asked for the park for ten years.
"""


def test_a_tailwind_page_and_its_plain_copy_diff_as_equal(tmp_path):
    """What a page hides on small screens only and shows on a desktop (Tailwind's ``hidden md:inline``
    and ``sr-only md:not-sr-only``, an @media rule of its own) is article text: it was dropped, and
    made one-sided rows and edits against a plain copy."""
    from typer.testing import CliRunner

    from dedup.cli import app

    (tmp_path / "page.html").write_text(TAILWIND_PAGE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(TAILWIND_COPY, encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "page.html"), str(tmp_path / "copy.txt"), "-f", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    rows = json.loads(result.stdout)["diff"]
    assert [(row["op"], row["score"]) for row in rows] == [("equal", 100.0)] * 7


@pytest.mark.parametrize("name", BROWSER_VIEWS)
def test_html_is_read_as_a_browser_shows_it(tmp_path, name):
    from typer.testing import CliRunner

    from dedup.cli import app

    page, shown = BROWSER_VIEWS[name]
    (tmp_path / "page.html").write_text(f"<!doctype html><html><body>{page}</body></html>", encoding="utf-8")
    (tmp_path / "shown.txt").write_text(shown + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", str(tmp_path / "page.html"), str(tmp_path / "shown.txt"), "-f", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    rows = json.loads(result.stdout)["diff"]
    assert [(row["op"], row["score"]) for row in rows] == [("equal", 100.0)] * len(shown.split("\n\n"))


def test_visible_again_deep_inside_invisible_elements():
    """Each text's visibility is its nearest element's that sets one: found in one pass over the
    page, however deep (an element that sets none inherits its parent's)."""
    html = '<div style="visibility:hidden">hidden <div style="visibility:visible">shown <b>' * 2500
    doc = parse_html(html + "</b></div></div>" * 2500, id="deep.html")
    assert [p.text for p in doc.paragraphs] == ["shown"] * 2500


def test_html_without_visible_text_is_an_error():
    with pytest.raises(DocumentError, match="no visible text"):
        parse_html("<html><head><script>x</script></head><body> </body></html>", id="e.html")


def test_deeply_nested_html():
    html = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    assert [p.text for p in parse_html(html, id="deep.html").paragraphs] == ["deep text"]


def test_absurdly_nested_html_is_refused_quickly():
    html = "<div>" * 100_000 + "deep text" + "</div>" * 100_000
    with pytest.raises(DocumentError, match=r"HTML nested too deeply \(100000 levels; the limit is 20000\)"):
        parse_html(html, id="deeper.html")


def test_unclosed_paragraphs_do_not_count_as_nesting():
    html = "<p>para" * 30_000
    assert len(parse_html(html, id="many.html").paragraphs) == 30_000


def test_nesting_scan_stops_at_the_last_tag_end(monkeypatch):
    """Each "<x" is read up to the next ">": past the last one, to the end of the page, so text
    such as "x<y " * 20,000 after the last tag (80 KB) took 19 s, and twice as much four times
    as long. The scan now stops at the last ">" and finds the same tags."""
    searched = []

    class Recorder:
        def finditer(self, text, pos=0, endpos=sys.maxsize):
            searched.append(min(endpos, len(text)) - pos)
            return real.finditer(text, pos, endpos)

    real = html_text._TAG
    monkeypatch.setattr(html_text, "_TAG", Recorder())
    head = "<html><body><div><p>Intro text.</p>" + "<p>item</p>" * 10 + "<div><p>math: "
    doc = parse_html(head + "x<y " * 100_000, id="math.html")
    assert searched == [head.rfind(">") + 1]  # not the 400,000 characters after it
    assert [p.text for p in doc.paragraphs[:2]] == ["Intro text.", "item"]
    assert doc.paragraphs[-1].text.startswith("math: x") and len(doc.paragraphs) == 12
    assert html_text._nesting("<div>" * 3 + "x<y " * 10) == 3 == html_text._nesting("<div>" * 3 + "<b/>x<y")


# --------------------------------------------------------------------------- folders


def test_folder_walk_sorted_relative_ids(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zed")
    (tmp_path / "a.md").write_text("# A\n\nalpha")
    (tmp_path / "c.html").write_text("<p>see</p>")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # not a document type: ignored in folders
    (tmp_path / ".hidden.txt").write_text("hidden")
    docs, skipped = docs_and_skips(tmp_path)
    assert [d.id for d in docs] == ["a.md", "b/z.txt", "c.html"]
    assert [d.format for d in docs] == ["markdown", "text", "html"]
    assert skipped == []


def test_bad_files_are_skipped_with_a_reason_and_the_rest_is_read(tmp_path):
    (tmp_path / "good.txt").write_text("A good document.\n\nWith two paragraphs.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "big.txt").write_text("x" * 2000)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    docs, skipped = docs_and_skips(tmp_path, max_bytes=1000)
    assert [d.id for d in docs] == ["good.txt"]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"] == "no text (only whitespace)"
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["big.txt"].startswith("too large (2.0 KiB; the limit is 1000 bytes")
    assert reasons["dangling.txt"] == "broken symbolic link"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path):
    f = tmp_path / "locked.txt"
    f.write_text("secret")
    f.chmod(0)
    _, skipped = docs_and_skips(tmp_path)
    assert skipped == [Skipped("locked.txt", "permission denied")]


def test_same_file_twice_and_symlink_loop(tmp_path):
    (tmp_path / "a.txt").write_text("alpha")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "sub" / "again.txt").symlink_to(tmp_path / "a.txt")
    docs, skipped = docs_and_skips(tmp_path, tmp_path / "a.txt")
    assert [d.id for d in docs] == ["a.txt"]
    assert {s.reason for s in skipped} == {"same file as a.txt"}


def test_symbolic_links_out_of_the_folder_are_not_followed(tmp_path):
    """An unpacked archive may hold links to / or to a private file: they are named, not read."""
    (tmp_path / "private.txt").write_text("private words that must stay out of any report")
    folder = tmp_path / "scraped"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("alpha beta gamma")
    (folder / "leak.txt").symlink_to(tmp_path / "private.txt")
    (folder / "root").symlink_to("/")
    (folder / "up").symlink_to("..")
    (folder / "sub" / "inside.txt").symlink_to("../a.txt")  # inside: followed (and read once)
    (folder / "sub" / "here").symlink_to(folder)
    (folder / "other.bin").symlink_to(tmp_path / "private.txt")  # not a type the walk reads: ignored
    docs, skipped = docs_and_skips(folder)
    assert [d.id for d in docs] == ["a.txt"]
    assert [(s.path, s.reason) for s in skipped] == [
        ("leak.txt", "symbolic link out of the folders given"),
        ("root/", "symbolic link out of the folders given"),
        ("sub/inside.txt", "same file as a.txt"),
        ("up/", "symbolic link out of the folders given"),
    ]
    # named on the command line, a link is read wherever it leads
    docs, skipped = docs_and_skips(folder / "leak.txt")
    assert [d.text for d in docs] == ["private words that must stay out of any report"] and not skipped


def test_the_same_path_given_twice_is_read_once_without_a_message(tmp_path):
    (tmp_path / "a.txt").write_text("alpha beta")
    os.link(tmp_path / "a.txt", tmp_path / "hard.txt")
    docs, skipped = docs_and_skips(tmp_path, tmp_path / "a.txt", tmp_path / "." / "a.txt")
    assert [d.id for d in docs] == ["a.txt"]
    assert skipped == [Skipped("hard.txt", "same file as a.txt")]  # another name: worth a line


def test_a_fifo_in_a_folder_is_named_and_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.bin")
    docs, skipped = docs_and_skips(tmp_path)
    assert docs == [] and skipped == [Skipped("pipe.txt", "not a regular file")]


def test_ids_relative_to_common_parent(tmp_path):
    for name in ("x/one.txt", "y/two.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name)
    sources, _ = find_sources([tmp_path / "y", tmp_path / "x" / "one.txt"])
    assert [s.id for s in sources] == ["x/one.txt", "y/two.txt"]
    sources, _ = find_sources([SEED_A, SEED_B])
    assert [s.id for s in sources] == [SEED_A.name, SEED_B.name]


def test_explicit_file_with_unknown_suffix_is_read_as_text(tmp_path):
    f = tmp_path / "NOTES"
    f.write_text("plain words")
    docs, _ = docs_and_skips(f)
    assert docs[0].id == "NOTES" and docs[0].paragraphs[0].text == "plain words"


def test_jsonl_records(tmp_path):
    f = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "n1", "body": "First article.\n\nSecond paragraph."}),
        "{not json",
        json.dumps({"id": "n2"}),
        json.dumps({"body": "No id: the line number is the key."}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": "n1", "body": "duplicate id"}),
    ]
    f.write_text("\n".join(lines) + "\n")
    docs, skipped = docs_and_skips(f, text_field="body")
    assert [d.id for d in docs] == ["corpus.jsonl#n1", "corpus.jsonl#4"]
    assert [p.text for p in docs[0].paragraphs] == ["First article.", "Second paragraph."]
    reasons = {s.path: s.reason for s in skipped}
    assert reasons["corpus.jsonl:2"].startswith("invalid JSON")
    assert reasons["corpus.jsonl:3"] == "no 'body' field (its fields: id; see --text-field)"
    assert reasons["corpus.jsonl:5"] == "not a JSON object"
    assert reasons["corpus.jsonl:7"] == "duplicate 'id' 'n1'"


def test_jsonl_fields_may_be_dotted_paths(tmp_path):
    """``--text-field content.body --id-field meta.url`` skipped every record: fields were top-level keys only."""
    f = tmp_path / "shard.jsonl"
    rows = [
        {"meta": {"url": "https://example.com/a", "lang": "en"}, "content": {"body": "Nested text.\n\nTwo."}},
        {"meta": {"lang": "en"}, "content": {"body": "No url: the line number is the key."}},
        {"meta": "https://example.com/c", "content": {"body": "An id that stops at a string: the line."}},
        {"url": "https://example.com/d", "title": "T", "maintext": "The text is elsewhere."},
        {"meta": {"url": "https://example.com/e"}, "content": "a string, not an object"},
        {"meta": {"url": "https://example.com/f"}, "content": {"title": "T", "html": "<p>x</p>"}},
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs, skipped = docs_and_skips(f, text_field="content.body", id_field="meta.url")
    assert [(d.id, d.text) for d in docs] == [
        ("shard.jsonl#https://example.com/a", "Nested text.\n\nTwo."),
        ("shard.jsonl#2", "No url: the line number is the key."),
        ("shard.jsonl#3", "An id that stops at a string: the line."),
    ]
    assert [(s.path, s.reason) for s in skipped] == [
        ("shard.jsonl:4", "no 'content.body' field (its fields: url, title, maintext; see --text-field)"),
        ("shard.jsonl:5", "no 'content.body' field ('content' is a string, not an object; see --text-field)"),
        ("shard.jsonl:6", "no 'content.body' field (the fields of 'content': title, html; see --text-field)"),
    ]


def test_a_key_spelled_with_the_dot_wins_over_the_path(tmp_path):
    """A name that worked before dotted paths reads what it read: the literal key, when a record has it."""
    f = tmp_path / "c.jsonl"
    rows = [
        {"meta.url": "literal", "meta": {"url": "nested"}, "content.body": "Literal text.", "content": {"body": "No."}},
        {"meta": {"url": "nested"}, "content": {"body": "Nested text."}},
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs, skipped = docs_and_skips(f, text_field="content.body", id_field="meta.url")
    assert [(d.id, d.text) for d in docs] == [("c.jsonl#literal", "Literal text."), ("c.jsonl#nested", "Nested text.")]
    assert skipped == []


def test_a_record_without_the_text_field_is_skipped_with_the_fields_it_has(tmp_path):
    """It said only "no 'text' field": the user had to open the file to find the right --text-field."""
    f = tmp_path / "crawl.jsonl"
    rows = [
        {"url": "u", "title": "T", "maintext": "Words."},
        {f"f{k}": k for k in range(20)},
        {},
        {"text": None, "url": "u"},  # a null text: the field is there
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs, skipped = docs_and_skips(f)
    assert docs == []
    assert [(s.path, s.reason) for s in skipped] == [
        ("crawl.jsonl:1", "no 'text' field (its fields: url, title, maintext; see --text-field)"),
        ("crawl.jsonl:2", "no 'text' field (its fields: f0, f1, f2, f3, f4, f5, f6, f7, ...; see --text-field)"),
        ("crawl.jsonl:3", "no 'text' field (it has no fields; see --text-field)"),
        ("crawl.jsonl:4", "no 'text' field (see --text-field)"),
    ]


def test_a_jsonl_id_is_named_as_the_file_spells_it(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text("".join(json.dumps({"id": key, "text": f"Article {n}."}) + "\n"
                         for n, key in enumerate([True, False, 7, 2.5, "x y"])))
    docs, skipped = docs_and_skips(f)
    assert ([d.id for d in docs], skipped) == (["c.jsonl#true", "c.jsonl#false", "c.jsonl#7", "c.jsonl#2.5",
                                                "c.jsonl#x y"], [])


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "invalid JSON (nested too deeply)"),
        ('{"id": ' + "1" * 5000 + ', "text": "An integer id of 5,000 digits."}',
         f"invalid JSON (an integer of more than {sys.get_int_max_str_digits()} digits)"),
        ('{"id": "x", "text": "cut off', "invalid JSON (Invalid control character at column 29)"),
    ],
    ids=["nested-100000", "integer-5000-digits", "newline-in-a-string"],
)
def test_a_jsonl_line_python_cannot_parse_is_skipped_and_the_rest_is_read(tmp_path, line, reason):
    """json.loads raises RecursionError and a plain ValueError too: one line, not the run."""
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "Before."}) + "\n" + line + "\n" + json.dumps({"id": "b", "text": "After."}))
    docs, skipped = docs_and_skips(f)
    assert [d.id for d in docs] == ["c.jsonl#a", "c.jsonl#b"]
    assert [(s.path, s.reason) for s in skipped] == [("c.jsonl:2", reason)]


def test_a_jsonl_file_without_records_is_named(tmp_path):
    """A 0-byte or blank JSONL file used to vanish: neither read nor skipped."""
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n\r\n")
    docs, skipped = docs_and_skips(tmp_path)
    assert docs == []
    assert skipped == [Skipped("blank.jsonl", "no records (only blank lines)"), Skipped("empty.jsonl", "empty file")]
    report = run([str(tmp_path)])
    assert [(s.path, s.reason) for s in report.skipped] == [(s.path, s.reason) for s in skipped]


def test_blank_lines_before_the_records_of_a_later_span_are_not_an_empty_file(tmp_path):
    f = tmp_path / "late.jsonl"
    f.write_bytes(b"\n" * 100 + json.dumps({"id": "x", "text": "At last."}).encode() + b"\n")
    (source,), _ = find_sources([f])
    spans = jsonl_spans(str(f), size=10)
    assert len(spans) > 1
    items = [item for start, end, line in spans for _, _, item in load_span(source, start=start, end=end, first_line=line)]
    assert [type(i).__name__ for i in items] == ["Document"] and items[0].id == "late.jsonl#x"


def test_reading_never_writes(tmp_path):
    (tmp_path / "a.txt").write_text("alpha\n\nbeta")
    (tmp_path / "b.html").write_text("<p>x</p>")
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()}
    list(read([tmp_path]))
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(
    "name, data",
    [
        ("a.txt", b"Title\n\nFirst paragraph.\nCredit/AP\n"),
        ("a.md", "# Heading\n\n- one\n- two\n\nCaf\u00e9 au lait.".encode("cp1252")),
        ("a.html", b"<html><body><h1>Title</h1><p>One <b>two</b></p><script>x</script></body></html>"),
        ("a.jsonl", b'{"id": "x", "text": "Hello there."}\nnot json\n{"text": "Second one."}\n'),
        ("empty.txt", b""),
        ("b.txt", b"%PDF-1.4 binary"),
        ("big.txt", b"word " * 100),
    ],
)
def test_load_bytes_parses_as_load_reads(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (source,), _ = find_sources([tmp_path / name])
    from_file = list(load(source, max_bytes=200))
    from_bytes = list(load_bytes(data, source, max_bytes=200))
    assert from_bytes == from_file
    assert from_file  # every case gives a Document or a Skipped

_LINE_TEXT = st.text(alphabet=st.sampled_from(list("ab. \t\xa0\u200b\ufeff•-#/ABC\r\n")), max_size=200)


@settings(max_examples=300)
@given(_LINE_TEXT)
def test_fast_split_agrees_with_the_line_by_line_split(text):
    """split_paragraphs takes a one-pass route for LF/CRLF text; it must equal the general one."""
    text = text.replace("\r\n", "\n").replace("\r", "\r\n")  # only CRLF, never a lone CR
    assert _split_fast(text) == _split_lines(text)
    for p in _split_fast(text):
        assert text[p.start : p.end] == p.text


def test_the_strip_set_is_every_space_character_plus_zero_width_space_and_bom():
    from dedup.paragraphs import _STRIP

    spaces = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert _STRIP == spaces + "\u200b\ufeff"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\n\r\t\u2028\u00a0\u200b\ufeff\x0c\x85")), max_size=40))
def test_text_only_loading_gives_the_same_text_and_verdict(text):
    """dedup check reads without paragraphs: same text, same 'has no text' decision, same reason."""
    from dedup.document import Source, load_bytes

    source = Source("x.txt", "x.txt", "text")
    data = text.encode("utf-8")
    (full,) = load_bytes(data, source)
    (bare,) = load_bytes(data, source, paragraphs=False)
    assert type(full) is type(bare)
    if isinstance(full, Document):
        assert bare.text == full.text and bare.paragraphs == ()
    else:
        assert bare == full


@settings(max_examples=400)
@given(st.one_of(_LINE_TEXT, st.text(alphabet=st.sampled_from(list("ab. \n\r\u2028\x0c\x85•-#AB")), max_size=120)))
def test_count_paragraphs_is_the_number_split_paragraphs_finds(text):
    """Detection counts paragraphs without making them: the count must be split_paragraphs' own,
    and whether there are any (has_paragraphs, how text-only loading tells an empty file) too."""
    from dedup.document import count_paragraphs, split_paragraphs
    from dedup.paragraphs import has_paragraphs

    for t in (text, text.replace("\r\n", "\n").replace("\r", "\r\n")):
        assert count_paragraphs(t) == len(split_paragraphs(t))
        assert has_paragraphs(t) == bool(split_paragraphs(t))


def test_a_run_without_diffs_reports_the_paragraph_counts_of_a_run_with_them(tmp_path):
    """documents[].paragraphs does not depend on whether paragraphs were made (diff off counts them)."""
    from dedup.pipeline import Config, run

    (tmp_path / "wrapped.txt").write_text(
        "Title line\n\nA hard-wrapped paragraph that goes on for a while and\nthen continues on the next line.\n\n"
        "- one bullet\n- two bullet\n\nCaption of a photo.\nPhoto: Someone/AGENCY\n",
        encoding="utf-8",
    )
    (tmp_path / "menu.md").write_text("Home\nNews\nSport\n\n# Heading\nBody text here.\r\nMore.\r\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("<h1>T</h1><p>One two three.</p><ul><li>a</li><li>b</li></ul>")
    (tmp_path / "docs.jsonl").write_text('{"id": "r", "text": "First.\\n\\nSecond\\nThird line"}\n', encoding="utf-8")
    with_paras = run([str(tmp_path)], Config(diff=True)).documents
    counted = run([str(tmp_path)], Config(diff=False)).documents
    assert [(d.id, d.paragraphs) for d in counted] == [(d.id, d.paragraphs) for d in with_paras]
    assert all(d.paragraphs > 0 for d in counted)


def test_read_ahead_is_only_a_hint_on_odd_sources(tmp_path):
    """The read-ahead before a task's files are read: missing, unreadable-type and oversized
    sources are passed over without error, and nothing is written or read into a Document."""
    import hashlib
    import os

    from dedup.document import Source, read_ahead

    (tmp_path / "a.txt").write_text("Some text.\n")
    (tmp_path / "big.txt").write_bytes(b"x" * 4096)
    (tmp_path / "dir.txt").mkdir()
    os.mkfifo(tmp_path / "pipe.txt")  # opened non-blocking: no writer, no hang
    files = ["a.txt", "big.txt", "dir.txt", "pipe.txt", "gone.txt"]
    sources = [Source(str(tmp_path / f), f, "text", 4096 if f != "a.txt" else 11) for f in files]
    before = hashlib.sha256((tmp_path / "a.txt").read_bytes()).hexdigest()
    assert read_ahead(sources, max_bytes=1024) is None
    assert hashlib.sha256((tmp_path / "a.txt").read_bytes()).hexdigest() == before
    assert sorted(os.listdir(tmp_path)) == sorted(f for f in files if f != "gone.txt")


def test_a_record_with_an_empty_text_is_named_by_its_line_and_field(tmp_path):
    """It was skipped as 'empty file', under its id, in a file that is not empty."""
    f = tmp_path / "feed.jsonl"
    rows = [{"id": "a", "body": "Some text."}, {"id": "b", "body": ""}, {"id": "c", "body": " \r\n\t "}]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs, skipped = docs_and_skips(f, text_field="body")
    assert [d.id for d in docs] == ["feed.jsonl#a"]
    assert [(s.path, s.reason) for s in skipped] == [
        ("feed.jsonl:2", "an empty 'body' field"),
        ("feed.jsonl:3", "no text in the 'body' field (only whitespace)"),
    ]


def test_a_parquet_file_named_to_the_local_reader_says_which_engine_reads_it(tmp_path):
    """It was read as text: 'binary file (NUL bytes, and not UTF-16 or UTF-32)'."""
    (tmp_path / "docs.parquet").write_bytes(b"PAR1\x00\x00\x15\x04PAR1")
    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    docs, skipped = docs_and_skips(tmp_path / "docs.parquet", tmp_path / "a.txt")
    assert [d.id for d in docs] == ["a.txt"]
    assert skipped == [Skipped("docs.parquet", "a Parquet file (read by --engine ray)")]
    assert docs_and_skips(tmp_path) == (docs, skipped)  # in a folder too: it holds documents


def test_documents_in_a_form_not_read_are_skipped_in_folders_and_other_files_left_out(tmp_path):
    """A folder of .jsonl.gz shards gave an empty report and no word on why: compressed documents
    and Parquet (read by the Ray engine) were left out of folders as images are."""
    import gzip

    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    for name in ("shard-0.jsonl.gz", "shard-1.NDJSON.GZ", "notes.txt.bz2", "page.html.xz", "docs.parquet"):
        (tmp_path / "in" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes(gzip.compress(b'{"text": "x"}\n'))
    for name in ("photo.jpg", "site.css", "backup.tar.gz", "dump.gz", "report.pdf", "data.json.gz"):
        (tmp_path / "in" / name).write_bytes(b"\x1f\x8b\x08\x00 not read")
    docs, skipped = docs_and_skips(tmp_path)
    assert [d.id for d in docs] == ["a.txt"]
    assert [(s.path, s.reason) for s in skipped] == [
        ("in/docs.parquet", "a Parquet file (read by --engine ray)"),
        ("in/notes.txt.bz2", "compressed text (bunzip2 it first)"),
        ("in/page.html.xz", "compressed HTML (unxz it first)"),
        ("in/shard-0.jsonl.gz", "compressed JSONL (gunzip it first, or zcat FILE | dedup report -)"),
        ("in/shard-1.NDJSON.GZ", "compressed JSONL (gunzip it first, or zcat FILE | dedup report -)"),
    ]
    # named, with the same reason (it was "binary file (gzip archive)"), and once if also found
    named = docs_and_skips(tmp_path / "in" / "shard-0.jsonl.gz", tmp_path / "in")[1]
    assert named == [Skipped(s.path.removeprefix("in/"), s.reason) for s in skipped]
    assert docs_and_skips(tmp_path / "in" / "shard-0.jsonl.gz")[1] == [
        Skipped("shard-0.jsonl.gz", "compressed JSONL (gunzip it first, or zcat FILE | dedup report -)")]


def test_a_record_over_max_bytes_is_named_alike_in_jsonl_and_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from dedup import parquet
    from dedup.document import Source, load

    rows = [{"id": "big", "text": "word " * 20_000}, {"id": "ok", "text": "a few words of text"}]
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "r.parquet")
    jsonl = list(load(Source(str(tmp_path / "r.jsonl"), "r.jsonl", "jsonl"), max_bytes=65_536))
    source = Source(str(tmp_path / "r.parquet"), "r.parquet", "parquet")
    table = [item for _, _, item in parquet.load_row_group(source, 0, 0, max_bytes=65_536)]
    assert [(s.path, s.reason) for s in jsonl if isinstance(s, Skipped)] == [
        ("r.jsonl:1", "record too large (over the 64.0 KiB limit, see --max-bytes)")]
    assert [(s.path, s.reason) for s in table if isinstance(s, Skipped)] == [
        ("r.parquet:1", "record too large (over the 64.0 KiB limit, see --max-bytes)")]
