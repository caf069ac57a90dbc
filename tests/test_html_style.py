"""The page's own stylesheet (dedup.html_style): which rules are read, and what they hide.

Reading a whole page is tested with the rest of HTML reading in tests/test_document.py; the
rows there marked as a browser's view were checked against Chromium's ``innerText``, and so
were the stylesheets below (what a browser applies of each).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import html_style
from dedup.html_style import (
    VISUALLY_HIDDEN,
    Element,
    Look,
    Rule,
    Rules,
    Screens,
    hides,
    look,
    parse_stylesheets,
    responsive_rules,
    screens,
    visually_hidden,
)


def rules_of(*sheets: str | tuple[str, str]) -> list[str]:
    """Each rule as its selector and what it declares: ``"p#y.x display:none!"``."""
    out = []
    for rule in parse_stylesheets(sheets):
        selector = (rule.tag or "") + "".join("#" + i for i in sorted(rule.ids))
        selector += "".join("." + c for c in sorted(rule.classes))
        declared = " ".join(f"{name}:{value}{'!' if important else ''}" for name, important, value in rule.declared)
        out.append(f"{selector} {declared}")
    return out


@pytest.mark.parametrize(
    ("css", "read"),
    [
        (".a{display:none}", [".a display:none"]),
        # a tag, #id, tag.class, .a.b, any case; the rule's last declaration wins unless an earlier is !important
        ("P#Y.x, .b.a, i {DISPLAY : None !Important; display:block}", ["p#Y.x display:none!", ".a.b", "i"]),
        ("#b{visibility:Collapse} .c{visibility:hidden; visibility:visible}", ["#b visibility:collapse", ".c visibility:visible"]),
        # only display and visibility are kept, and only values a browser accepts (the last valid one wins)
        (".a{color:red} .b{display:flexbox} .c{display:none;display:-ms-flexbox} .d{display:inline flow-root}",
         [".c display:none", ".d display:inline flow-root"]),
        # in a list, what is no compound selector is skipped alone; "*.a" is ".a"
        (".a, .b .c, .d > .e, .f:hover, [g], p::before, *.h, *{display:none}", [".a", ".h"]),
        # a list that is no list is dropped whole, as a browser drops it
        (".a, , .b{display:none} .c,{display:none} .d!{display:none} .e;{display:none} .f)({display:none}", []),
        # at-rules are skipped with their blocks, nested rules too; statements end at ";"
        ("@media screen{.a{display:none}} @supports (x:y){.b{display:none}} @layer l{.c{display:none}}"
         " @import url(x.css); @charset 'x'; .d{ .e{display:none} display:none } @foo bar .f{display:none} .g{display:none}",
         [".d display:none", ".g display:none"]),
        # HTML comment marks where a rule may start are skipped; elsewhere they spoil the selector
        ("<!-- .a{display:none} --> .b <!-- {display:none} .c{display:none}", [".a display:none", ".c display:none"]),
        # comments are nothing (.c/**/.d is .c.d), even with braces in them; strings and url() hold braces and ";"
        ('/* { */ .a{display:/**/none} .c/**/.d{display:none} .e{content:"}{;";display:none}'
         " .f{content:'\\'{'; display:none} .g{background:URL( data:x;{} );display:none}",
         [".a display:none", ".c.d display:none", ".e display:none", ".f display:none", ".g display:none"]),
        # a newline ends an unclosed string: that declaration is spoilt, not the next one
        ('.a{content:"x\n;display:none} .b{display:none}', [".a display:none", ".b display:none"]),
        # a stray "}" or ";" is part of the next prelude and spoils that rule only
        ("} .a{display:none} .b{display:none} x; .c{display:none} .d{display:none}", [".b display:none", ".d display:none"]),
        # an open bracket runs to the end of the stylesheet, braces and all; so does an open comment
        (".a{display:none} .b{width:calc(1px; } .c{display:none}", [".a display:none"]),
        (".a{display:none} /* .b{display:none}", [".a display:none"]),
        # a rule left open closes at the end of its stylesheet (each <style> is one)
        (".a{display:none", [".a display:none"]),
        # escapes in class names: Tailwind's md\:hidden, a leading digit, an escaped brace
        (r".md\:hidden{display:none} .\31 0{display:none} .a\{{display:none}", [".md:hidden", ".10", ".a{"]),
        # in an @media block for screens of some sizes, the rules that show (a display that is not none,
        # visibility: visible) are read, with only what shows; those that hide are about some screens only
        ("@media (min-width: 768px){.a{display:block} .b{display:none} .c{visibility:visible;display:none}"
         " .d{display:none;display:flex}} .e{display:none}",
         [".a display:block", ".c visibility:visible", ".d display:flex", ".e display:none"]),
        # ... not in @media for no screen (print, a preference, a device feature), nor in @supports
        ("@media print{.a{display:block}} @media (prefers-reduced-motion: reduce){.b{display:block}}"
         " @media (hover: hover){.c{display:block}} @supports (display:grid){.d{display:grid}}", []),
        # @media in @media; in a block, a stray ";" spoils the next rule only, and a statement at-rule ends at ";"
        ("@media screen{@media (max-width:600px){.a{display:block}}} @media (orientation: landscape){x; .b{display:block}"
         " @import 'x.css'; .c{display:block} .d{ .e{display:block} display:inline } @font-face{display:block}} .f{display:none}",
         [".a display:block", ".c display:block", ".d display:inline", ".f display:none"]),
        # an @media block left open closes at the end of its stylesheet, and so does a rule in it
        (".a{display:none} @media (min-width:1px){.b{display:block} .c{display:block", [".a", ".b", ".c"]),
        # escapes that once took exponential time to find no selector (6^n ways to split them)
        ("." + "\\aaaaaa" * 40 + "!{display:none} .b{display:none}", [".b display:none"]),
    ],
)
def test_stylesheets_are_read_as_a_browser_reads_them(css, read):
    """``read``: each rule as its selector, and what it declares when that is the point."""
    found = rules_of(css)
    assert len(found) == len(read)
    assert [rule if " " in expected else rule.split()[0] for rule, expected in zip(found, read)] == read


@pytest.mark.parametrize(
    ("media", "read"),
    [
        ("", [".a display:none", ".b display:block"]),
        ("screen", [".a display:none", ".b display:block"]),
        ("(min-width: 768px)", [".b display:block"]),  # some screens: what shows only
        ("print", []),
    ],
)
def test_a_stylesheets_media_attribute(media, read):
    assert rules_of((".a{display:none} .b{display:block}", media)) == read


@pytest.mark.parametrize(
    ("media", "holds"),
    [
        # every screen: no media query, all or screen (a list holds where one of its queries does)
        ("", Screens.ALL), ("all", Screens.ALL), ("Screen", Screens.ALL), ("only screen", Screens.ALL),
        ("print, screen", Screens.ALL), ("(min-width: 768px), all", Screens.ALL),
        # screens of some widths, heights or orientation (Tailwind's, Bootstrap's breakpoints; level 4 ranges)
        ("(min-width: 768px)", Screens.SOME), ("( MAX-WIDTH : 600PX )", Screens.SOME),
        ("screen and (min-width: 768px)", Screens.SOME),
        ("only screen and (min-width: 48em) and (max-width: 64em)", Screens.SOME),
        ("(min-device-width: 1024px)", Screens.SOME), ("(width >= 40rem)", Screens.SOME),
        ("(400px <= width < 700px)", Screens.SOME), ("(orientation: landscape)", Screens.SOME),
        ("(min-aspect-ratio: 16/9)", Screens.SOME), ("(min-height: 600px) or (min-width: 900px)", Screens.SOME),
        ("print, (min-width: 1px)", Screens.SOME),
        # no screen a reader is known to use: print, speech, a preference or a device feature, "not"
        ("print", Screens.NONE), ("speech", Screens.NONE), ("tv", Screens.NONE), ("not screen", Screens.NONE),
        ("(prefers-reduced-motion: reduce)", Screens.NONE), ("screen and (hover: hover)", Screens.NONE),
        ("(min-width: 768px) and (prefers-color-scheme: dark)", Screens.NONE),
        ("(-webkit-min-device-pixel-ratio: 2)", Screens.NONE), ("(min-resolution: 2dppx)", Screens.NONE),
        ("(orientation: sideways)", Screens.NONE), ("(min-width: calc(1px + 1em))", Screens.NONE),
        ("screen and", Screens.NONE), ("(width >= 1px) and print", Screens.NONE), ("(color)", Screens.NONE),
    ],
)
def test_which_screens_a_media_query_holds_on(media, holds):
    assert screens(media) is holds


def test_rules_keep_the_order_of_the_stylesheets():
    rules = parse_stylesheets([".a{display:none} .b, .c{display:none}", ".d{visibility:hidden}"])
    assert [(sorted(r.classes), r.order, r.specificity) for r in rules] == [
        (["a"], 0, (0, 1, 0)), (["b"], 1, (0, 1, 0)), (["c"], 1, (0, 1, 0)), (["d"], 2, (0, 1, 0)),
    ]


RULES = parse_stylesheets([
    ".a{display:none} .a{display:block} .b{display:none !important} .b{display:block} #d{display:block}"
    " .d{display:none} p.e{display:none} .e{display:block} .f{display:none} .g{display:none !important}"
    " .h{display:block} .i{display:block !important} .j{visibility:hidden} .k{display:none}"
])


@pytest.mark.parametrize(
    ("tag", "id", "classes", "style", "hidden"),
    [
        ("p", None, "a", None, False),  # the later rule wins
        ("p", None, "b", None, True),  # !important wins
        ("p", "d", "d", None, False),  # an id beats a class
        ("p", None, "e", None, True),  # tag.class beats a class
        ("p", None, "f", "display: block", False),  # the inline style beats a rule
        ("p", None, "g", "display:block", True),  # an !important rule beats the inline style
        ("p", None, "g", "display:block !important", False),  # unless that is !important too
        ("p", None, "h", "DISPLAY:NONE", True),
        ("p", None, "i", "display:none", False),
        ("p", None, "j", None, True),
        ("p", None, "j", "visibility: visible", False),
        ("p", None, "k", "display:none; display:block", False),  # inline: the last wins
        ("p", None, "c", "display:none; display:bogus", True),  # ... if a browser accepts it
        ("p", None, "c", "visibility:collapse", True),
    ],
)
def test_the_cascade_between_rules_and_the_inline_style(tag, id, classes, style, hidden):
    element = Element(tag, id, frozenset(classes.split()))
    matched, _ = Rules(RULES).matching(element)
    assert hides(matched, style) is hidden


# A page whose own stylesheet hides with Tailwind's or Bootstrap's utilities (their responsive ones
# being in a stylesheet of their own, linked), and rules it has of its own.
UTILITIES = parse_stylesheets([
    ".hidden{display:none} .invisible{visibility:hidden} .d-none{display:none !important} #menu{display:none}"
    " .firm{display:none !important} p.hidden{display:none}"
])


@pytest.mark.parametrize(
    ("tag", "id", "classes", "style", "hidden"),
    [
        # a responsive display utility shows the element from (or up to) a screen width: on some screen
        ("div", None, "hidden md:block", None, False),
        ("div", None, "hidden sm:inline-block", None, False),
        ("div", None, "lg:flex hidden", None, False),
        ("div", None, "hidden xl:grid", None, False),
        ("div", None, "hidden 2xl:table", None, False),
        ("div", None, "hidden md:contents", None, False),
        ("div", None, "hidden max-md:block", None, False),
        ("div", None, "hidden min-[900px]:inline-flex", None, False),
        ("div", None, "invisible md:visible", None, False),
        ("div", None, "d-none d-md-block", None, False),  # Bootstrap's (!important, as its d-none)
        ("div", None, "d-none d-xxl-inline-flex", None, False),
        # ... as a class rule would (specificity 0-1-0, after the page's rules): an id, tag.class, an
        # !important rule and the inline style win over it, unless it is !important itself (md:!block)
        ("div", "menu", "hidden md:block", None, True),
        ("p", None, "hidden md:block", None, True),
        ("div", None, "firm md:block", None, True),
        ("div", None, "firm md:!block", None, False),
        ("div", None, "hidden md:block", "display:none", True),
        ("div", None, "hidden md:block!", "display:none", False),  # Tailwind 4 puts the "!" last
        # not screen widths (state, colour scheme, print), hiding, or not a display value: not followed
        ("div", None, "hidden hover:block", None, True),
        ("div", None, "hidden group-hover:block", None, True),
        ("div", None, "hidden dark:block", None, True),
        ("div", None, "hidden print:block", None, True),
        ("div", None, "hidden md:hover:block", None, True),
        ("div", None, "hidden xs:block", None, True),  # no such breakpoint in Tailwind
        ("div", None, "hidden md:bogus", None, True),
        ("div", None, "hidden md:hidden", None, True),
        ("div", None, "hidden block", None, True),  # Tailwind's own block: the page's stylesheet decides
        ("div", None, "d-none d-print-block", None, True),
        ("div", None, "invisible md:block", None, True),  # shown, but still invisible
    ],
)
def test_responsive_display_utilities_show_an_element_on_some_screen(tag, id, classes, style, hidden):
    element = Element(tag, id, frozenset(classes.split()))
    matched, _ = Rules(UTILITIES).matching(element)
    assert hides([*matched, *responsive_rules(element.classes)], style) is hidden


@pytest.mark.parametrize(
    ("style", "classes", "shown"),
    [
        # the hidden attribute (and a closed <dialog>) is the browser's own display:none: a display
        # the page gives the element overrides it, inline or by a rule, as in Chromium
        (None, "", False),
        ("display:block", "", True),
        ("DISPLAY : CONTENTS", "", True),
        ("display: var(--shown)", "", True),  # a var() never hides: an undefined one is unset (inline)
        ("display:inherit", "", True),
        ("display:none", "", False),
        ("display:bogus", "", False),
        ("display:revert", "", False),  # back to the browser's own stylesheet: hidden (Chromium shows it)
        ("display:revert-layer", "", False),
        ("visibility:visible", "", False),
        (None, "shown", True),
        ("display:none", "shown", False),
        (None, "hidden md:block", True),
    ],
)
def test_a_display_the_page_gives_overrides_the_hidden_attribute(style, classes, shown):
    element = Element("p", None, frozenset(classes.split()))
    matched, _ = Rules(parse_stylesheets([".shown{display:flex} .hidden{display:none}"])).matching(element)
    assert look([*matched, *responsive_rules(element.classes)], style, hidden=True).displayed is shown


@pytest.mark.parametrize(
    ("style", "visibility"),
    [
        # what an element says of its visibility: hidden, visible, or nothing (it inherits its parent's)
        (None, None),
        ("visibility:hidden", "hidden"),
        ("visibility:collapse", "hidden"),
        ("visibility:visible", "visible"),
        ("visibility:initial", "visible"),
        ("visibility:inherit", None),
        ("visibility:unset", None),
        ("visibility:revert", None),
        ("visibility: var(--v)", None),
        ("visibility:bogus", None),
    ],
)
def test_the_visibility_an_element_sets(style, visibility):
    assert look((), style) == Look(displayed=True, visibility=visibility)


def test_rules_are_tried_on_the_elements_that_have_their_id_class_or_tag_only():
    rules = Rules(parse_stylesheets(["#x.a{display:none} .a.long-name{display:none} p{display:none} .z{display:none}"]))
    assert rules.tags == {"p"}
    element = Element("div", None, frozenset({"a", "b"}))
    assert rules.matching(element) == ([], 0)  # filed under #x, .long-name and p: none of them here
    matched, tried = rules.matching(Element("p", "x", frozenset({"a", "long-name"})))
    assert (len(matched), tried) == (3, 3)


@pytest.mark.parametrize("name", VISUALLY_HIDDEN)
def test_visually_hidden_classes(name):
    assert visually_hidden(frozenset({"icon", name}))
    assert not visually_hidden(frozenset({name, "not-sr-only"}))  # Tailwind's undo
    for screen in ("sm", "md", "lg", "xl", "2xl", "max-md", "min-[900px]"):  # ... from (or up to) a screen width
        assert not visually_hidden(frozenset({name, f"{screen}:not-sr-only"}))
    for state in ("focus", "focus-within", "hover", "print", "dark", "md:focus"):  # ... not on focus alone
        assert visually_hidden(frozenset({name, f"{state}:not-sr-only"}))


def test_visually_hidden_classes_are_exact_names():
    assert len(set(VISUALLY_HIDDEN)) == len(VISUALLY_HIDDEN)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) for name in VISUALLY_HIDDEN)
    for shown in ("sr-only-focusable", "focusable", "hidden", "invisible", "d-none", "sr", "only"):
        assert not visually_hidden(frozenset({shown})), shown


def test_the_scan_reads_each_character_once(monkeypatch):
    """One pass: each search starts where the last token ended, and what an unclosed comment,
    string or url() would swallow is not searched again (it ends the stylesheet)."""
    searched = []

    class Recorder:
        def search(self, text, pos=0):
            m = real.search(text, pos)
            searched.append((m.end() if m else len(text)) - pos)
            return m

    real = html_style._TOKEN
    monkeypatch.setattr(html_style, "_TOKEN", Recorder())
    garbage = '.a{display:none} } ; <!-- --> \\{ url(x;{) "{" (]) .b{ .c{x:y} } @media (min-width:1px){.m{display:block} x; } '
    css = garbage * 1000
    parse_stylesheets([css])
    assert sum(searched) <= len(css)
    for unclosed in ("/*", '.b{content:"', ".b{background:url("):
        searched.clear()
        rules = parse_stylesheets([".a{display:none} " + unclosed + " .c{display:none}" * 10_000])
        assert [sorted(rule.classes) for rule in rules] == [["a"]]
        assert len(searched) <= 5  # the rule's braces, then the unclosed token: nothing after it is searched


CSS_SOUP = st.lists(
    st.sampled_from([*"{}()[];:,.#*>!@<-/\\\"' \nabdpx", "/*", "*/", "<!--", "-->", "url(", "display:none",
                     "display:block", "@media ", "(min-width:1px)"])
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(CSS_SOUP, max_size=3))
def test_any_text_reads_as_a_stylesheet(sheets):
    """Garbage never raises; what it yields is a rule this reader follows."""
    for rule in parse_stylesheets(sheets):
        assert isinstance(rule, Rule) and rule.declared
        assert rule.tag is None or re.fullmatch(r"[a-z][a-z0-9-]*", rule.tag)
        assert all(name in ("display", "visibility") for name, _, _ in rule.declared)
