"""What a page's own stylesheet hides: the few CSS rules that the HTML reader follows.

:mod:`dedup.html_text` reads a page as a browser shows it. Besides what HTML itself hides
(``hidden``, inline ``style``), a page hides text with the rules of its ``<style>`` elements
(``.js-only{display:none}``) and with the visually-hidden classes of its framework
(``sr-only``, ``screen-reader-text``: "Opens in a new window", "Skip to content", "Posted on"),
text that sighted readers never see and that a plain-text copy of the article leaves out.
What a page hides on some screens only (on a phone) and shows on others (a desktop) is seen
by its readers: it stays.

Only what needs no layout is followed:

- rules at the top level of a stylesheet, which hide or show on every screen;
- the rules of an ``@media`` block for screens (``all``, ``screen``) or for screens of some
  sizes (``(min-width: 768px)``, ``screen and (max-width: 600px)``, ``(width >= 40rem)``,
  ``(orientation: portrait)``; see :func:`screens`), and of a ``<style media="...">`` for such
  screens, in as far as they *show*: a ``display`` other than ``none``, ``visibility:
  visible``. They take part in the cascade as on a screen where they apply (``.note{display:
  none}`` then ``@media (min-width: 768px){.note{display:block}}``: shown). What such rules hide
  is hidden on some screens only and is not followed, and ``@media print``, ``not``, and the
  queries on a preference or device (``prefers-reduced-motion``, ``hover``, resolution) hold on
  no screen a reader is known to use: skipped. So are the rules inside ``@supports``,
  ``@container``, ``@layer`` and the like, and nested rules (CSS nesting);
- the responsive utilities of Tailwind (``md:block``, ``lg:flex``, ``max-md:grid``,
  ``md:visible``, ``md:not-sr-only``) and Bootstrap (``d-md-block``), wherever their
  stylesheet is (usually linked): :func:`responsive_rules` turns them into the class rules
  they stand for, so that ``hidden md:block`` is read. Those that hide (``md:hidden``) and the
  variants of a state (``hover:block``, ``focus:not-sr-only``, ``print:block``) are not;
- selectors that are one compound of a tag, classes and ids (``p``, ``.a``, ``#b``, ``p.a``,
  ``.a.b``, ``div#b.a``; ``*.a`` is ``.a``, a lone ``*`` is not followed). A selector with a
  combinator (``.a .b``, ``.a > .b``), an attribute (``[x]``) or a pseudo-class (``:hover``,
  ``::before``) is skipped alone and the rest of its list is followed, as a browser follows it:
  those selectors only add elements this reader does not know of (skipping the whole list would
  read ``.js-only, .no-js .x {display:none}`` as hiding nothing). A selector list that is not one
  (an empty selector, a stray ``;``, ``}``, ``!`` or ``<``, unbalanced brackets) is dropped
  whole, as a browser drops it;
- the ``display`` and ``visibility`` declarations: ``display: none`` and ``visibility: hidden``
  (or ``collapse``) hide, in any case and spacing; the cascade between rules and the inline
  ``style`` is CSS's: ``!important`` first, then the inline style, then specificity
  (ids, classes, tag), then the later rule; within one rule or style, the last declaration wins
  unless an earlier one is ``!important``. The ``hidden`` attribute and a closed ``<dialog>``
  are the browser's own ``display: none``: any ``display`` the page gives them wins (but for
  ``revert`` and ``revert-layer``, which fall back to it). ``visibility`` is inherited:
  :class:`Look` says what an element sets itself, and a descendant that sets ``visible`` shows
  inside a hidden element.

Not followed either: values computed from ``var()`` (they never hide). Classes and ids are
matched as written (as in standards mode; a page in quirks mode matches them in any case).

Reading is linear in the size of the stylesheet whatever it holds (unclosed braces, comments
and strings holding braces, ``<!-- -->`` wrappers, ``url(...)`` data with semicolons): one scan
that jumps from one character that matters to the next. Blocks left open at the end of a
stylesheet close there, as in a browser.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "VISUALLY_HIDDEN",
    "Element",
    "Look",
    "Rule",
    "Rules",
    "Screens",
    "hides",
    "look",
    "parse_stylesheets",
    "responsive_rules",
    "screens",
    "visually_hidden",
]

# The "-focusable" classes that hide by themselves (Bootstrap 5's visually-hidden-focusable,
# GOV.UK's govuk-visually-hidden-focusable, on skip links) are in: they show only while the
# keyboard focus is on them, and "Skip to main content" is no article text. Those that only
# *reveal* an element on focus (Bootstrap 4's sr-only-focusable, Drupal's focusable, Tailwind's
# focus:not-sr-only) hide nothing by themselves and are not: their text is left out only when
# the element also has one of these classes, as it is then hidden until focused too.
# Visually-hidden (screen-reader-only) utility classes, as the frameworks' and CMSs' docs name them:
VISUALLY_HIDDEN = (
    "sr-only",  # Bootstrap 3-4, Tailwind, Primer (GitHub)
    "visually-hidden",  # Bootstrap 5, Drupal 8+, HTML5 Boilerplate
    "visually-hidden-focusable",  # Bootstrap 5's skip links
    "visuallyhidden",  # HTML5 Boilerplate before 2020, GOV.UK Elements
    "screen-reader-text",  # WordPress core and its themes
    "element-invisible",  # Drupal 7
    "govuk-visually-hidden",  # GOV.UK Frontend
    "govuk-visually-hidden-focusable",  # GOV.UK Frontend's skip links
    "nhsuk-u-visually-hidden",  # NHS.UK Frontend
    "show-for-sr",  # Foundation
    "is-sr-only",  # Bulma
    "usa-sr-only",  # US Web Design System
    "screenreader-only",  # Canvas LMS, TinyMCE
    "a11y-hidden",  # sites' own helper, common in hand-written stylesheets
    "u-visually-hidden",  # sites' own helper in the "u-" utility naming (ITCSS, BEM)
)
_VISUALLY_HIDDEN = frozenset(VISUALLY_HIDDEN)

# Responsive utilities: a class that shows an element on the screens from (or up to) a width, named
# after the breakpoint. Tailwind's "<screen>:<utility>" (its default breakpoints sm md lg xl 2xl, v4's
# max-* forms and arbitrary min-[...]/max-[...]; "!" before or after the utility makes it !important)
# and Bootstrap's "d-<breakpoint>-<display>" (always !important). The utilities that hide on some
# screens (md:hidden, d-md-none) and the variants of a state (hover:, focus:, dark:, print:) are not.
_SCREEN = r"(?:(?:max-)?(?:sm|md|lg|xl|2xl)|(?:min|max)-\[[^\]\s]+\])"
_TAILWIND_DISPLAY = (  # Tailwind's display utilities (and "visible"), class name -> the CSS they set
    "block inline-block inline flex inline-flex table inline-table table-caption table-cell table-column "
    "table-column-group table-footer-group table-header-group table-row-group table-row flow-root grid "
    "inline-grid contents list-item"
).split()
_BOOTSTRAP_DISPLAY = "inline inline-block block grid inline-grid table table-row table-cell flex inline-flex".split()
_RESPONSIVE = re.compile(
    rf"{_SCREEN}:(!?)({'|'.join(_TAILWIND_DISPLAY)}|visible)(!?)"
    rf"|d-(?:sm|md|lg|xl|xxl)-({'|'.join(_BOOTSTRAP_DISPLAY)})"
)
# Tailwind's class that undoes sr-only on the same element, on every screen or from (up to) a width
# (the form prefixed by a state, focus:not-sr-only, undoes it on focus only: not followed).
_SHOWN_AGAIN = re.compile(rf"(?:{_SCREEN}:)?!?not-sr-only!?")
# Where the utilities stand among the page's rules: after all of them, as in the frameworks' stylesheets.
_UTILITY_ORDER = sys.maxsize

_PROPERTIES = ("display", "visibility")
# The values a browser accepts for them (CSS Display 3, CSS 2's visibility; Chrome's -webkit-
# forms): a declaration with another value is dropped, as a browser drops it, and does not
# override an earlier one (``display:none; display:flexbox`` stays hidden). A value with var()
# is computed later: it never hides here.
_DISPLAY_PARTS = frozenset("block inline run-in flow flow-root table flex grid ruby math list-item".split())
_DISPLAY_WORDS = frozenset(
    "none contents inline-block inline-table inline-flex inline-grid table-row-group table-header-group "
    "table-footer-group table-row table-cell table-column-group table-column table-caption ruby-base "
    "ruby-text ruby-base-container ruby-text-container -webkit-box -webkit-inline-box -webkit-flex "
    "-webkit-inline-flex".split()
)
_VISIBILITY_WORDS = frozenset(("visible", "hidden", "collapse"))
_GLOBAL_WORDS = frozenset(("inherit", "initial", "unset", "revert", "revert-layer"))
# The display of the hidden attribute and a closed <dialog> (the browser's own display:none) stays
# with these values: they fall back to the browser's stylesheet (Chromium shows an element of
# hidden with display:revert; HTML's rendering rules, and this reader, do not).
_BROWSERS_DISPLAY = frozenset(("", "none", "revert", "revert-layer"))

# The characters that matter to the structure of a stylesheet; everything between two of them
# is copied in one piece. ``url(`` is a token of its own: unquoted, it may hold ";" and braces.
_TOKEN = re.compile(r"/\*|<!--|-->|[{}()\[\];\"'\\]|(?<![\w-])url\(", re.IGNORECASE)
_STRING = {  # the rest of a string after its quote; a newline ends it unclosed, as in CSS
    '"': re.compile(r'(?:[^"\\\n\r\f]|\\[\s\S])*"?'),
    "'": re.compile(r"(?:[^'\\\n\r\f]|\\[\s\S])*'?"),
}
_QUOTED_URL = re.compile(r"[ \t\n\r\f]*[\"']")
_URL = re.compile(r"(?:[^)\\]|\\[\s\S])*\)?")  # the rest of an unquoted url(...)
# blocks: a rule's declarations, a block skipped whole, brackets, an @media block for some screens
_RULE, _SKIP, _INNER, _MEDIA = range(4)

_ESCAPE = r"\\(?:[0-9a-fA-F]{1,6}+[ \t\n\r\f]?+|[^\n\r\f0-9a-fA-F])"
_IDENT = rf"(?>(?:--|-?(?:[A-Za-z_]|[^\x00-\x7f]|{_ESCAPE}))(?:[A-Za-z0-9_-]|[^\x00-\x7f]|{_ESCAPE})*)"
_COMPOUND = re.compile(rf"(?:([A-Za-z][A-Za-z0-9-]*)|\*(?=[.#]))?((?:[.#]{_IDENT})*)")  # fullmatch; "*.a" is ".a"
_PART = re.compile(rf"([.#])({_IDENT})")
_UNESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|([\s\S]))")
_SELECTOR_TOKEN = re.compile(r"[,()\[\]\"'\\{};!<]")
_CSS_SPACE = " \t\n\r\f"

# Media queries (Media Queries 4), lower case: a query holds on every screen when it is a media type
# for screens ("all", "screen", with "only"); on some screens when it is made of conditions on the
# viewport's size or orientation (the breakpoints of responsive pages), after such a type or not.
# Anything else (print, speech, "not", a preference such as prefers-reduced-motion, a device feature
# such as hover or resolution) holds on no screen a reader is known to use.
_MEDIA_AT_RULE = re.compile(r"@media(?![\w-])", re.IGNORECASE)
_MEDIA_CONDITION = re.compile(r"\(([^()]*)\)")  # the innermost parentheses: one condition each
_MEDIA_ALL = re.compile(r"(?:only[ \t\n\r\f]+)?(?:all|screen)")
_MEDIA_SOME = re.compile(
    r"(?:(?:only[ \t\n\r\f]+)?(?:all|screen)[ \t\n\r\f]+and[ \t\n\r\f]*)?\x00"
    r"(?:[ \t\n\r\f]*(?:and|or)[ \t\n\r\f]*\x00)*"
)  # fullmatch, each condition replaced by "\x00"
_SIZE_FEATURES = frozenset(
    f"{prefix}{device}{name}" for prefix in ("", "min-", "max-") for device in ("", "device-")
    for name in ("width", "height", "aspect-ratio")
)
_SIZE_RANGE = re.compile(r"[0-9.]+[a-z%]*|[ \t\n\r\f/]+")  # a range's numbers, ratios and spaces
_SIZE_OPERATORS = ("<", ">", "<=", ">=", "=")


class Screens(StrEnum):
    """The screens a media query list holds on (see :func:`screens`)."""

    ALL = "all"
    SOME = "some"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Element:
    """What a selector looks at: the tag (lower case), the id and the classes of an element."""

    tag: str
    id: str | None
    classes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Rule:
    """One selector of a top-level rule, with the ``display`` and ``visibility`` the rule declares.

    ``declared`` holds one ``(property, important, value)`` per property: the declaration that
    wins within the rule. ``order`` is the rule's rank among the page's rules (later wins).
    """

    tag: str | None
    ids: frozenset[str]
    classes: frozenset[str]
    specificity: tuple[int, int, int]
    order: int
    declared: tuple[tuple[str, bool, str], ...]

    def matches(self, element: Element) -> bool:
        return (
            (self.tag is None or self.tag == element.tag)
            and (not self.ids or self.ids == {element.id})
            and self.classes <= element.classes
        )


@dataclass(frozen=True, slots=True)
class Look:
    """What CSS makes of one element: whether it is displayed (``display: none`` hides it and all it
    holds, whatever they say) and the visibility it sets itself, ``"hidden"`` or ``"visible"``, or
    None when it inherits its parent's (visibility is inherited: a descendant may be visible again)."""

    displayed: bool
    visibility: str | None


def _declaration(text: str) -> tuple[str, bool, str] | None:
    """``"Display: NONE !important"`` -> ``("display", True, "none")``; None without a colon."""
    name, colon, value = text.partition(":")
    if not colon:
        return None
    name, value = name.strip().lower(), value.strip().lower()
    head, bang, flag = value.rpartition("!")
    important = bool(bang) and flag.strip() == "important"
    if important:
        value = head.strip()
    return name, important, value


def _valid(name: str, value: str) -> bool:
    """Whether a browser accepts ``value`` (lower case) for ``display`` or ``visibility``."""
    if value in _GLOBAL_WORDS or "var(" in value:
        return True
    if name == "visibility":
        return value in _VISIBILITY_WORDS
    words = value.split()
    return (len(words) == 1 and words[0] in _DISPLAY_WORDS) or (
        0 < len(words) <= 3 and all(word in _DISPLAY_PARTS for word in words)
    )


def screens(media: str) -> Screens:
    """Which screens a media query list (an ``@media`` prelude, a ``media`` attribute) holds on:
    ALL for none (``""``), ``all`` or ``screen``; SOME for conditions on the viewport's size or
    orientation (``(min-width: 768px)``, ``screen and (max-width: 600px)``, ``(width >= 40rem)``);
    NONE for anything else (``print``, ``not screen``, ``(prefers-reduced-motion: reduce)``). A list
    holds where one of its queries does. Linear in the length of ``media``."""
    found = Screens.NONE
    for query in media.lower().split(","):
        query = query.strip(_CSS_SPACE)
        if not query or _MEDIA_ALL.fullmatch(query):
            return Screens.ALL
        conditions: list[str] = []

        def hold(m: re.Match[str]) -> str:
            conditions.append(m.group(1))
            return "\x00"

        if _MEDIA_SOME.fullmatch(_MEDIA_CONDITION.sub(hold, query.replace("\x00", " "))) and all(
            _size_condition(condition) for condition in conditions
        ):
            found = Screens.SOME
    return found


def _size_condition(condition: str) -> bool:
    """Whether a media condition (lower case, without its parentheses) is on the viewport's size or
    orientation: ``min-width: 768px``, ``orientation: landscape``, ``400px <= width < 700px``."""
    name, colon, value = condition.partition(":")
    name, value = name.strip(_CSS_SPACE), value.strip(_CSS_SPACE)
    if colon:
        orientation = name == "orientation" and value in ("portrait", "landscape")
        return bool(value) and (name in _SIZE_FEATURES or orientation)
    parts = re.split(r"([<>]=?|=)", _SIZE_RANGE.sub(" ", condition))
    words = [part.strip(_CSS_SPACE) for part in parts[::2]]
    return (
        len(parts) in (3, 5)
        and all(op in _SIZE_OPERATORS for op in parts[1::2])
        and sum(word in _SIZE_FEATURES for word in words) == 1
        and all(word in _SIZE_FEATURES or not word for word in words)
    )


def parse_stylesheets(sheets: Iterable[str | tuple[str, str]]) -> tuple[Rule, ...]:
    """The rules of a page's stylesheets (in document order) that declare ``display`` or
    ``visibility``, one per selector this reader follows (see the module's docstring). A sheet is
    its text, or its text and its ``media`` attribute: one for no screen is skipped, and of one for
    some screens, as of the ``@media`` blocks for some screens, only what shows is kept. Never
    raises: what is not CSS is skipped as a browser skips it."""
    rules: list[Rule] = []
    order = 0
    for sheet in sheets:
        css, media = (sheet, "") if isinstance(sheet, str) else sheet
        held = screens(media)
        if held is Screens.NONE:
            continue
        for prelude, declarations, in_media in _top_level_rules(css):
            declared = _winners(declarations)
            if in_media or held is Screens.SOME:
                declared = tuple(declaration for declaration in declared if _shows(*declaration))
            if declared:
                for tag, ids, classes, specificity in _selectors(prelude):
                    rules.append(Rule(tag, ids, classes, specificity, order, declared))
                order += 1
    return tuple(rules)


class Rules:
    """A page's rules, each filed under one id, class or tag that an element must have for the
    rule to match it (its id, else its longest class name, else its tag), as browsers file them."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._filed: dict[tuple[str, str], list[Rule]] = {}
        for rule in rules:
            if rule.ids:
                key = ("#", min(rule.ids))
            elif rule.classes:
                key = (".", max(rule.classes, key=lambda name: (len(name), name)))
            else:
                key = ("", rule.tag or "")
            self._filed.setdefault(key, []).append(rule)
        #: The tags of the rules filed under a tag: the only elements without attributes they match.
        self.tags = frozenset(name for kind, name in self._filed if kind == "")

    def __bool__(self) -> bool:
        return bool(self._filed)

    def matching(self, element: Element) -> tuple[list[Rule], int]:
        """The rules that match ``element``, and how many were tried (the work done: a page and
        a stylesheet can be made so that every element is tried against every rule)."""
        tried = list(self._filed.get(("", element.tag), ()))
        if element.id:
            tried += self._filed.get(("#", element.id), ())
        for name in element.classes:
            tried += self._filed.get((".", name), ())
        return [rule for rule in tried if rule.matches(element)], len(tried)


def hides(rules: Iterable[Rule], style: str | None) -> bool:
    """Whether an element that ``rules`` match, with the inline ``style`` attribute ``style``,
    is hidden: its ``display`` is ``none`` or its ``visibility`` ``hidden`` or ``collapse``."""
    seen = look(rules, style)
    return not seen.displayed or seen.visibility == "hidden"


def look(rules: Iterable[Rule], style: str | None, *, hidden: bool = False) -> Look:
    """What CSS's cascade makes of an element that ``rules`` match, with the inline ``style``
    attribute ``style``. ``hidden``: the browser's own stylesheet hides it (the ``hidden``
    attribute, a closed ``<dialog>``); a ``display`` the page gives it overrides that, but for
    ``none`` and the values that fall back to the browser's (``revert``, ``revert-layer``)."""
    best: dict[str, tuple[tuple[bool, bool, tuple[int, int, int], int], str]] = {}
    # The inline style's own winners (as a rule's: split, not a regex: linear), ranked above every
    # rule's declaration of the same importance.
    inline = (
        ((important, True, (0, 0, 0), 0), name, value)
        for name, important, value in _winners((style or "").split(";"))
    )
    ruled = (
        ((important, False, rule.specificity, rule.order), name, value)
        for rule in rules
        for name, important, value in rule.declared
    )
    for rank, name, value in (*ruled, *inline):
        if name not in best or rank > best[name][0]:
            best[name] = (rank, value)
    display = best.get("display", ((), ""))[1]
    visibility = best.get("visibility", ((), ""))[1]
    own = {"hidden": "hidden", "collapse": "hidden", "visible": "visible", "initial": "visible"}.get(visibility)
    return Look(displayed=display != "none" and not (hidden and display in _BROWSERS_DISPLAY), visibility=own)


def responsive_rules(classes: Iterable[str]) -> tuple[Rule, ...]:
    """The rules that the responsive utilities among ``classes`` stand for, wherever their stylesheet
    is: each shows the element on some screens (``md:block``: display:block from 768 pixels on;
    ``md:visible``; Bootstrap's ``d-md-block``, !important), as a rule of one class after all the
    page's rules. ``hidden md:block`` is hidden on phones only: a reader of the page sees it."""
    rules = []
    for name in classes:
        m = _RESPONSIVE.fullmatch(name)
        if m is not None:
            before, tailwind, after, bootstrap = m.groups()
            if bootstrap is not None:
                declared = ("display", True, bootstrap)
            elif tailwind == "visible":
                declared = ("visibility", bool(before or after), "visible")
            else:
                declared = ("display", bool(before or after), tailwind)
            rules.append(Rule(None, frozenset(), frozenset((name,)), (0, 1, 0), _UTILITY_ORDER, (declared,)))
    return tuple(rules)


def visually_hidden(classes: frozenset[str]) -> bool:
    """Whether an element of these classes has one of the :data:`VISUALLY_HIDDEN` ones (and not
    Tailwind's ``not-sr-only``, which undoes them, on all screens or from a screen width on:
    ``md:not-sr-only``)."""
    return not classes.isdisjoint(_VISUALLY_HIDDEN) and not any(_SHOWN_AGAIN.fullmatch(name) for name in classes)


def _shows(name: str, important: bool, value: str) -> bool:
    """Whether a ``display`` or ``visibility`` declaration shows: a display that is not ``none``,
    a visibility that is not ``hidden`` or ``collapse``."""
    return value not in (("none",) if name == "display" else ("hidden", "collapse"))


def _winners(declarations: Iterable[str]) -> tuple[tuple[str, bool, str], ...]:
    """The declaration of each of ``display`` and ``visibility`` that wins within one rule."""
    won: dict[str, tuple[bool, str]] = {}
    for text in declarations:
        found = _declaration(text)
        if found and found[0] in _PROPERTIES and _valid(found[0], found[2]):
            name, important, value = found
            if important or not won.get(name, (False, ""))[0]:
                won[name] = (important, value)
    return tuple((name, important, value) for name, (important, value) in sorted(won.items()))


def _top_level_rules(css: str) -> Iterator[tuple[str, list[str], bool]]:
    """The ``(prelude, declarations, in_media)`` of each top-level qualified rule of one
    stylesheet, and of each rule of an ``@media`` block for some or all screens (``in_media``),
    the declarations as text (comments removed), as each rule ends: one pass over the text, linear
    in its size.

    Other at-rules are skipped (with their block when they have one), and so are nested rules.
    Strings, escapes, ``url(...)`` and brackets are read as CSS's tokenizer reads them, so the
    braces and semicolons inside them do not count; a comment counts as nothing. An unclosed
    comment, string or block runs to the end of the stylesheet, as in a browser.
    """
    buf: list[str] = []  # the text of the prelude or the declaration being read
    head = ""  # the first non-blank character of buf
    stack: list[tuple[str, int]] = []  # open blocks: (closing character, kind)
    skipping = 0  # how many _SKIP blocks are open: nothing inside them is kept
    media = 0  # how many _MEDIA blocks are open
    prelude = ""
    declarations: list[str] = []
    in_media = False  # whether the rule being read is in an @media block

    def keep(piece: str) -> None:
        nonlocal head
        if not skipping and piece:
            buf.append(piece)
            if not head:
                head = piece.lstrip(_CSS_SPACE)[:1]

    def take() -> str:
        nonlocal head
        text = "".join(buf)
        buf.clear()
        head = ""
        return text

    def close_block() -> int:
        """Close the innermost open block: ``_RULE`` when that ends a rule (its last declaration
        taken), else its kind."""
        nonlocal skipping, media
        _, kind = stack.pop()
        if kind == _SKIP:
            skipping -= 1
        elif kind == _RULE:
            declarations.append(take())
        elif kind == _MEDIA:  # what is left of a rule that never got its block is no rule
            media -= 1
            take()
        return kind

    pos, end = 0, len(css)
    while pos < end:
        m = _TOKEN.search(css, pos)
        if m is None:
            keep(css[pos:])
            break
        keep(css[pos : m.start()])
        token, pos = m.group(), m.end()
        # ";", "{" and "}" shape the stylesheet only at the top level, in an @media block (read as the
        # top level is) and in a rule's block
        innermost = stack[-1][1] if stack else _MEDIA
        structural = not skipping and innermost in (_RULE, _MEDIA)
        if token == "/*":
            close = css.find("*/", pos)
            pos = end if close < 0 else close + 2
        elif token in _STRING:
            start, pos = pos - 1, _past(_STRING[token], css, pos)
            keep(css[start:pos])
        elif token == "\\":
            keep(css[pos - 1 : pos + 1])
            pos = min(pos + 1, end)
        elif token in ("<!--", "-->"):
            if stack or head:  # the HTML comment marks are skipped where a rule may start
                keep(token)
        elif token.lower() == "url(" and not _QUOTED_URL.match(css, pos):
            start, pos = pos - 4, _past(_URL, css, pos)
            keep(css[start:pos])
        elif token in ("(", "[") or token.lower() == "url(":
            stack.append((")" if token != "[" else "]", _INNER))
            keep(token)
        elif token in (")", "]"):
            if stack and stack[-1][0] == token:
                stack.pop()
            keep(token)
        elif token == "{":
            if not structural:
                stack.append(("}", _INNER))
                keep(token)
            elif innermost == _RULE or head == "@":  # a nested rule, or an at-rule's block
                if innermost == _MEDIA and _media_block(take()):  # @media: its rules are read
                    stack.append(("}", _MEDIA))
                    media += 1
                else:  # skipped whole
                    take()
                    stack.append(("}", _SKIP))
                    skipping += 1
            else:
                prelude = take()
                declarations = []
                in_media = media > 0
                stack.append(("}", _RULE))
        elif token == "}":
            if not stack or stack[-1][0] != "}":  # a stray "}": part of the prelude (spoiling it)
                keep(token)
                continue
            kind = close_block()
            if kind == _RULE:
                yield prelude, declarations, in_media
            elif kind == _INNER:
                keep(token)
        elif token == ";":
            if not structural:
                keep(token)
            elif innermost == _RULE:
                declarations.append(take())
            elif head == "@":  # the end of an at-rule without a block (@import, @charset)
                take()
            else:
                keep(token)  # inside a prelude: the selector is spoilt
    while stack:  # blocks left open close at the end of the stylesheet
        if close_block() == _RULE:
            yield prelude, declarations, in_media


def _media_block(prelude: str) -> bool:
    """Whether an at-rule's prelude (``@media (min-width: 768px)``) opens an ``@media`` block whose
    rules are read: one for all screens or some (see :func:`screens`)."""
    m = _MEDIA_AT_RULE.match(prelude.lstrip(_CSS_SPACE))
    return m is not None and screens(prelude.lstrip(_CSS_SPACE)[m.end() :]) is not Screens.NONE


def _past(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` (one that matches the empty string too) stops matching from ``pos``."""
    m = pattern.match(text, pos)
    return m.end() if m else pos


def _split_selectors(prelude: str) -> list[str] | None:
    """The selectors of a selector list, split at its top-level commas; None for a list that a
    browser would drop whole (an empty selector, unbalanced brackets, ``{};!<`` outside strings)."""
    parts: list[str] = []
    depth: list[str] = []
    start = pos = 0
    while m := _SELECTOR_TOKEN.search(prelude, pos):
        token, pos = m.group(), m.end()
        if token in _STRING:
            pos = _past(_STRING[token], prelude, pos)
        elif token == "\\":
            pos += 1
        elif token in "([":
            depth.append(")" if token == "(" else "]")
        elif token in ")]":
            if not depth or depth.pop() != token:
                return None
        elif token == ",":
            if not depth:
                parts.append(prelude[start : m.start()])
                start = pos
        else:
            return None
    if depth:
        return None
    parts.append(prelude[start:])
    parts = [part.strip(_CSS_SPACE) for part in parts]
    return None if "" in parts else parts


def _selectors(prelude: str) -> list[tuple[str | None, frozenset[str], frozenset[str], tuple[int, int, int]]]:
    """The compound selectors of a rule's prelude that this reader follows: (tag, ids, classes,
    specificity) each. Others are skipped alone; a list that is no list is skipped whole."""
    out = []
    for selector in _split_selectors(prelude) or ():
        m = _COMPOUND.fullmatch(selector)
        if m is None:
            continue  # a combinator, an attribute, a pseudo-class, or "*": not followed
        ids: list[str] = []
        classes: list[str] = []
        for kind, name in _PART.findall(m.group(2)):
            (ids if kind == "#" else classes).append(_unescape(name))
        tag = m.group(1).lower() if m.group(1) else None
        out.append((tag, frozenset(ids), frozenset(classes), (len(ids), len(classes), int(tag is not None))))
    return out


def _unescape(name: str) -> str:
    """A CSS identifier with its escapes resolved: ``md\\:block`` -> ``md:block``, ``\\31 0`` -> ``10``."""
    return _UNESCAPE.sub(_unescaped, name) if "\\" in name else name


def _unescaped(m: re.Match[str]) -> str:
    if m.group(2) is not None:
        return m.group(2)
    code = int(m.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
