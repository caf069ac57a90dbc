"""HTML -> visible text, one block element per paragraph: the HTML step of reading.

A real parser (selectolax's lexbor) builds the tree; what a browser would not show is
dropped, and the text of each block element becomes a paragraph of the extracted text,
which is what offsets in reports point into.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dedup.errors import DocumentError
from dedup.html_style import (
    VISUALLY_HIDDEN,
    Element,
    Look,
    Rules,
    Screens,
    look,
    parse_stylesheets,
    responsive_rules,
    screens,
    visually_hidden,
)

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["MAX_HTML_DEPTH", "extract_text", "visible_text"]

# Elements whose content is never visible text (noembed, noframes and rp: hidden by every
# browser's own stylesheet; rp holds the parentheses shown only where ruby is not supported).
_INVISIBLE = (
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "svg", "math", "canvas", "audio", "video", "select", "datalist", "map", "button",
    "input", "textarea", "noembed", "noframes", "rp",
)
# Elements that start a new paragraph (HTML's block-level and table elements).
_BLOCKS = (
    "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul", "center", "body",
    "legend", "option", "menu",
)
#: HTML nested deeper than this is skipped: HTML parsers take quadratic time on it.
MAX_HTML_DEPTH = 20_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
# Elements left out of the depth estimate: void elements, and those whose end tag may be omitted.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup rp rt thead tbody tfoot colgroup caption html head body".split()
)
_BLOCK_MARK = "\ue000"  # private-use characters cannot come from the page: visible_text removes them,
_LINE_MARK = "\ue001"  # and the character references to them (icon fonts: Material Icons' "error" is &#xE000;)
_MARK_REFERENCE = re.compile(r"&#(?:[xX]0*[eE]00[01](?![0-9a-fA-F])|0*5734[45](?![0-9]));?")
_WS = re.compile(r"[^\S\ue001]+")
# Two line breaks or more in a row (``<br><br>``), with nothing visible between them: the blank
# line a browser shows there separates paragraphs, as a blank line does in a text file.
_BLANK_LINE = re.compile(r"\ue001(?:[^\S\ue001]*\ue001)+")

# What a browser hides (the extracted text is what a reader sees in one, on a screen of any size:
# what a page hides on phones only and shows on a desktop is read):
# - the ``hidden`` attribute, but for ``hidden="until-found"``: that content is part of the
#   article, shown when the reader searches the page or follows a link to it, as a closed
#   ``<details>`` is shown when opened: both are read (the summary and the content);
# - a closed ``<dialog>`` (no ``open``): a modal that only a script opens (sign-up, consent).
#   These two are the browser's own ``display: none``: a display the page gives the element
#   (``<p hidden style="display:block">``, a rule of its class) shows it again;
# - CSS that says ``display: none`` or ``visibility: hidden`` (or ``collapse``), in any case and
#   spacing: an inline ``style``, and the simple top-level rules of the page's own ``<style>``
#   elements (``.js-only{display:none}``), with CSS's cascade between them; and the
#   visually-hidden classes of the common frameworks (``sr-only``, ``screen-reader-text``:
#   text for screen readers only), whatever stylesheet defines them. A rule of an ``@media``
#   block for screens of some sizes that shows the element again (``display: block``,
#   ``visibility: visible``) and a responsive utility class (Tailwind's ``hidden md:block``,
#   ``sr-only md:not-sr-only``) count in the cascade: it is seen on some screen. What is
#   followed of CSS, and why, is in :mod:`dedup.html_style`.
# ``display: none`` hides an element and everything in it; ``visibility`` is inherited, and a
# descendant that says ``visibility: visible`` is seen inside a hidden element.
# ``aria-hidden="true"`` is not among them: it hides an element from screen readers, not from
# the eye (MDN: "doesn't visually hide anything"), and sites put visible text there: decorative
# pull quotes, star ratings, the section numbers of a table of contents. Icon glyphs there are
# visible too, and the private-use ones are no words; the names that ligature icon fonts draw as
# one glyph are dropped below whatever their aria-hidden.
# ``<html>`` and ``<body>`` are never hidden: a page whose whole body is hidden inline
# (``<body style="display:none">`` against a flash of unstyled content) is one a script reveals.
# ``<main>`` and ``<article>`` are hidden (or shown again) by their own ``hidden`` or inline style
# only, never by the stylesheet or a class: one odd rule cannot blank a page. Nor can a whole stylesheet: when
# the page's styles leave no text at all (``.page{visibility:hidden}`` until a script runs,
# ``.wrapper{display:none}``), the page is read as if it had none.
_NEVER_HIDDEN = ("html", "body")
_UNSTYLED = ("main", "article")
# The elements that may be hidden, or set their visibility, when the page's stylesheets say nothing
# of them: lexbor finds them. (A responsive utility that sets a display matters only on an element
# hidden by these; one that sets visibility, md:visible, on any element inside them.)
_HIDDEN = "[hidden], dialog, [style]"
_STYLED = ", ".join((_HIDDEN, *(f".{name}" for name in VISUALLY_HIDDEN), '[class*=":visible"], [class*=":!visible"]'))
_SHOWN = Look(displayed=True, visibility=None)
_GONE = Look(displayed=False, visibility=None)
# Matching a stylesheet's rules to a page costs at most this much work (one rule tried on one
# element) plus one per character of the page; a stylesheet made to cost more is ignored.
_MATCH_BUDGET = 1_000_000
_CLASS_SEPARATOR = re.compile(r"[\t\n\f\r ]+")  # HTML splits a class list at ASCII white space
# Ligature icon fonts draw their text ("share", "arrow_forward") as one glyph: the classes of
# Google's Material Icons (``material-icons``, ``material-icons-outlined`` ...) and Material Symbols.
_LIGATURE_ICON = re.compile(r"material-(?:icons(?:-\S+)?|symbols-\S+)")  # one class name, fullmatch


def _nesting(html: str) -> int:
    """Deepest element nesting, estimated from the tags alone (close tags may be omitted)."""
    depth = deepest = 0
    # A tag ends at a ">": past the last one, each "<x" would be read to the end of the page, in vain.
    for m in _TAG.finditer(html, 0, html.rfind(">") + 1):
        if m.group(1):
            depth = max(0, depth - 1)
        elif not m.group(3) and m.group(2).lower() not in _NOT_NESTING:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _stylesheets(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    """The text and ``media`` of the page's ``<style>`` elements that apply on a screen, in
    document order: not those of a ``<noscript>`` (a browser with scripts ignores them, as the
    reader does their content), a ``<template>`` (inert), another ``type`` than CSS, or a
    ``media`` for no screen (``print``; one for screens of some sizes shows only: see
    :func:`~dedup.html_style.parse_stylesheets`)."""
    sheets = []
    for node in tree.css("style:not(noscript style)"):
        attributes = node.attributes
        kind = (attributes.get("type") or "").lower()  # not stripped: " text/css" is no CSS to a browser
        media = attributes.get("media") or ""
        if kind in ("", "text/css") and screens(media) is not Screens.NONE:
            sheets.append((node.text(deep=True), media))
    return sheets


def _hidden_elements(
    tree: LexborHTMLParser, rules: Rules | None, *, styles: bool, budget: int
) -> tuple[list[tuple[LexborNode, Look]], bool]:
    """The elements a browser hides (see above) or that set their own visibility, in document
    order, each with what CSS makes of it; and whether the page's styles changed that: its
    ``rules``, the visually-hidden classes and the responsive utilities, which count only when
    ``styles``. When matching the rules would take more than ``budget`` tries (a page and a
    stylesheet made for each other), the rules are ignored."""
    if rules:  # any element may be hidden: each is looked at
        nodes: Iterable[LexborNode] = tree.root.traverse() if tree.root is not None else ()
        tags = rules.tags  # the elements without attributes that a rule may match
    else:  # only those that lexbor finds (in document order; one matching twice is found twice)
        rules, tags = None, frozenset()
        found = tree.css(_STYLED if styles else _HIDDEN)
        nodes = [node for k, node in enumerate(found) if not k or node.mem_id != found[k - 1].mem_id]
    looked: list[tuple[LexborNode, Look]] = []
    styled, work = False, 0
    for node in nodes:
        tag = node.tag or ""
        if not node.is_element_node or tag in _NEVER_HIDDEN:
            continue
        attributes = node.attributes
        if not attributes and tag not in tags and tag != "dialog":
            continue
        # the browser's own display:none, which a display the page gives the element overrides
        closed = ("hidden" in attributes and (attributes["hidden"] or "").lower() != "until-found") or (
            tag == "dialog" and "open" not in attributes
        )
        style = attributes.get("style")
        seen = plain = look((), style, hidden=closed) if style is not None or closed else _SHOWN
        if styles and tag not in _UNSTYLED:
            classes = frozenset(_CLASS_SEPARATOR.split(attributes.get("class") or "")) - {""}
            matched = list(responsive_rules(classes))
            if rules is not None:
                by_rules, tried = rules.matching(Element(tag, attributes.get("id") or None, classes))
                matched += by_rules
                work += tried
                if work > budget:
                    return _hidden_elements(tree, None, styles=styles, budget=budget)
            seen = _GONE if visually_hidden(classes) else look(matched, style, hidden=closed) if matched else plain
            styled = styled or seen != plain
        if seen != _SHOWN:
            looked.append((node, seen))
    return looked, styled


def _invisible_text(tree: LexborHTMLParser, visibility: dict[int, str]) -> list[LexborNode]:
    """The text nodes whose visibility is hidden: each element's is the one it sets itself
    (``visibility``, by ``mem_id``), else its parent's. One pass over the page."""
    inherited: dict[int, bool] = {}  # whether each element is invisible (those of the page's elements met)
    found = []
    for node in tree.root.traverse(include_text=True) if tree.root is not None else ():
        parent = node.parent
        invisible = inherited.get(parent.mem_id, False) if parent is not None else False
        if node.is_element_node:
            own = visibility.get(node.mem_id)
            inherited[node.mem_id] = invisible if own is None else own == "hidden"
        elif invisible and node.is_text_node:
            found.append(node)
    return found


def visible_text(text: str, *, id: str) -> str:
    """The visible text of an HTML page, blocks separated by blank lines.

    Scripts, styles, forms, embedded frames, and what a browser hides (``hidden``, a closed
    ``<dialog>``, ``display: none`` or ``visibility: hidden`` inline or by a simple rule of the
    page's ``<style>``, the visually-hidden classes such as ``sr-only``; not ``aria-hidden``,
    which only screen readers skip, nor what some screen shows: ``hidden md:block``, an
    ``@media`` rule that shows again; see the comment above ``_NEVER_HIDDEN``) are left out;
    whitespace collapses as a browser collapses it, but for the line breaks of ``<pre>``;
    ``<br>`` becomes a line break, and two or more in a row (``<br><br>``, a blank line in
    ``<pre>``) end a paragraph; every block element starts a paragraph.
    Raises DocumentError (naming ``id``) for pages nested too deeply, unparsable, or
    without visible text.
    """
    extracted = extract_text(text, id=id)
    if not extracted:
        raise DocumentError(id, "no visible text in the HTML")
    return extracted


def extract_text(text: str, *, id: str) -> str:
    """:func:`visible_text`, but ``""`` for a page without visible text (for callers that
    name that case themselves: the Markdown reader). Raises DocumentError for pages nested
    too deeply or unparsable."""
    text = _MARK_REFERENCE.sub(" ", text.replace(_BLOCK_MARK, " ").replace(_LINE_MARK, " "))
    depth = _nesting(text)
    if depth > MAX_HTML_DEPTH:
        raise DocumentError(id, f"HTML nested too deeply ({depth} levels; the limit is {MAX_HTML_DEPTH})")
    extracted, styled = _extract(_parse(text, id=id), styles=True, budget=_MATCH_BUDGET + len(text))
    if not extracted and styled:  # the page's styles hide all of its text: read it without them
        extracted, _ = _extract(_parse(text, id=id), styles=False, budget=0)
    return extracted


def _parse(text: str, *, id: str) -> LexborHTMLParser:
    from selectolax.lexbor import LexborHTMLParser  # noqa: PLC0415 - HTML is rare; keep start-up lean

    try:
        return LexborHTMLParser(text)
    except Exception as err:  # lexbor reports malformed input only in extreme cases
        raise DocumentError(id, f"HTML could not be parsed ({err})") from err


def _extract(tree: LexborHTMLParser, *, styles: bool, budget: int) -> tuple[str, bool]:
    """The visible text of a parsed page (which this changes), with its ``<style>`` elements
    and visually-hidden classes followed or not (``styles``), and whether they hid or showed
    anything."""
    rules = Rules(parse_stylesheets(_stylesheets(tree))) if styles else None
    tree.strip_tags(list(_INVISIBLE))
    looked, styled = _hidden_elements(tree, rules, styles=styles, budget=budget)
    # An invisible element goes whole with what it holds, unless something on the page is visible
    # again: then the text that inherits a hidden visibility goes, and the visible stays.
    again = any(seen.visibility == "visible" for _, seen in looked)
    visibility = {node.mem_id: seen.visibility for node, seen in looked if again and seen.displayed and seen.visibility}
    hidden = [node for node, seen in looked if not seen.displayed or (not again and seen.visibility == "hidden")]
    for node in reversed(hidden):  # a hidden element before its hidden ancestor: no node is used once freed
        node.decompose()
    if again:
        for node in _invisible_text(tree, visibility):
            node.decompose()
    for node in tree.css("[class*=material-]"):
        if any(_LIGATURE_ICON.fullmatch(name) for name in (node.attributes.get("class") or "").split()):
            node.decompose()
    for node in tree.css(",".join(_BLOCKS)):
        node.insert_before(_BLOCK_MARK)
        node.insert_after(_BLOCK_MARK)
    for node in tree.css("br"):
        node.insert_before(_LINE_MARK)
    for node in tree.css("pre:not(pre pre)"):  # a <pre> inside another is part of its text
        node.replace_with(node.text(deep=True, separator="", strip=False).replace("\n", _LINE_MARK))
    root = tree.body or tree.root
    raw = root.text(deep=True, separator="", strip=False) if root is not None else ""
    blocks = []
    for block in raw.split(_BLOCK_MARK):
        for part in _BLANK_LINE.split(block):
            lines = [_WS.sub(" ", line).strip() for line in part.split(_LINE_MARK)]
            lines = [line for line in lines if line]
            if lines:
                blocks.append("\n".join(lines))
    return "\n\n".join(blocks), styled
