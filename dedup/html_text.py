"""HTML -> visible text, one block element per paragraph: the HTML step of reading.

A real parser (selectolax's lexbor) builds the tree; what a browser would not show is
dropped, and the text of each block element becomes a paragraph of the extracted text,
which is what offsets in reports point into.
"""

from __future__ import annotations

import re

from dedup.errors import DocumentError

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

# What a browser hides (the extracted text is what a reader sees in one):
# - the ``hidden`` attribute, but for ``hidden="until-found"``: that content is part of the
#   article, shown when the reader searches the page or follows a link to it, as a closed
#   ``<details>`` is shown when opened: both are read (the summary and the content);
# - a closed ``<dialog>`` (no ``open``): a modal that only a script opens (sign-up, consent);
# - an inline style that says ``display: none`` or ``visibility: hidden`` (or ``collapse``), in
#   any case and spacing, the last declaration of each winning unless an earlier one is
#   ``!important``. (A descendant that sets ``visibility: visible`` would show again: not handled.)
# ``aria-hidden="true"`` is not among them: it hides an element from screen readers, not from
# the eye (MDN: "doesn't visually hide anything"), and sites put visible text there: decorative
# pull quotes, star ratings, the section numbers of a table of contents. Icon glyphs there are
# visible too, and the private-use ones are no words; the names that ligature icon fonts draw as
# one glyph are dropped below whatever their aria-hidden.
# ``<html>`` and ``<body>`` are never hidden: a page whose whole body is hidden inline
# (``<body style="display:none">`` against a flash of unstyled content) is one a script reveals.
_HIDDEN = "[hidden], dialog:not([open]), [style]"
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


def _hidden(tag: str | None, attributes: dict[str, str | None]) -> bool:
    """Whether an element (one that ``_HIDDEN`` matches) is hidden in a browser."""
    if "hidden" in attributes and (attributes["hidden"] or "").lower() != "until-found":
        return True
    if tag == "dialog" and "open" not in attributes:
        return True
    found: dict[str, tuple[bool, str]] = {}  # property -> (!important, value)
    for declaration in (attributes.get("style") or "").split(";"):  # split, not a regex: linear
        name, colon, value = declaration.partition(":")
        if not colon:
            continue
        name, value = name.strip().lower(), value.strip().lower()
        head, bang, flag = value.rpartition("!")
        important = bool(bang) and flag.strip() == "important"
        if important:
            value = head.strip()
        if important or not found.get(name, (False, ""))[0]:
            found[name] = (important, value)
    display = found.get("display", (False, ""))[1]
    return display == "none" or found.get("visibility", (False, ""))[1] in ("hidden", "collapse")


def visible_text(text: str, *, id: str) -> str:
    """The visible text of an HTML page, blocks separated by blank lines.

    Scripts, styles, forms, embedded frames, and what a browser hides (``hidden``, inline
    ``display: none`` or ``visibility: hidden``, a closed ``<dialog>``; not ``aria-hidden``,
    which only screen readers skip: see ``_HIDDEN``) are left out; whitespace collapses as a
    browser collapses it, but for the line breaks of ``<pre>``; ``<br>`` becomes a line break, and two or more in a row (``<br><br>``,
    a blank line in ``<pre>``) end a paragraph; every block element starts a paragraph.
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
    from selectolax.lexbor import LexborHTMLParser  # noqa: PLC0415 - HTML is rare; keep start-up lean

    text = _MARK_REFERENCE.sub(" ", text.replace(_BLOCK_MARK, " ").replace(_LINE_MARK, " "))
    depth = _nesting(text)
    if depth > MAX_HTML_DEPTH:
        raise DocumentError(id, f"HTML nested too deeply ({depth} levels; the limit is {MAX_HTML_DEPTH})")
    try:
        tree = LexborHTMLParser(text)
    except Exception as err:  # lexbor reports malformed input only in extreme cases
        raise DocumentError(id, f"HTML could not be parsed ({err})") from err
    tree.strip_tags(list(_INVISIBLE))
    for node in tree.css(_HIDDEN):
        if node.tag not in ("html", "body") and _hidden(node.tag, node.attributes):
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
    return "\n\n".join(blocks)
