"""Markdown -> visible text, one block per paragraph: the Markdown step of reading.

A Markdown file is read as what it renders to. A real parser (markdown-it-py: CommonMark,
with GitHub's tables and strikethrough) makes its token stream, which is rendered to HTML
and read by :func:`dedup.html_text.extract_text`, so that a page written in Markdown and
the same page in HTML give the same text: headings, paragraphs, list items and quoted
paragraphs are blocks; links, emphasis and code spans are their text; code blocks keep
their lines; HTML inside the Markdown is read as the HTML reader reads it (comments,
scripts and hidden elements left out). Three things differ from markdown-it's own HTML:

* front matter (YAML between ``---`` lines, TOML between ``+++`` lines, at the very start)
  is metadata, not text, and is dropped before parsing, but for its title
  (:func:`front_matter_title`): a static site's page shows it as its ``<h1>``, so it is the
  first paragraph, as a ``# Title`` heading would be, unless the body starts with it;
* an image alone in its paragraph (a photo, perhaps inside a link) becomes its alt text
  (else its title) as a paragraph of its own, the caption a Markdown converter gives a
  figure (pandoc writes ``<figure>``'s caption as the alt text); an image among words is
  left out, as the HTML reader leaves out ``<img>``;
* a table row is one paragraph, its cells separated by `` | ``.

>>> visible_text("---\\ntitle: Hi\\n---\\n# Head\\n\\nSome *em* and [a link](https://x.org).\\n\\n![A photo.](p.jpg)", id="a.md")
'Hi\\n\\nHead\\n\\nSome em and a link.\\n\\nA photo.'
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from dedup.errors import DocumentError
from dedup.html_text import extract_text

__all__ = ["MAX_MARKDOWN_DEPTH", "front_matter_title", "strip_front_matter", "visible_text"]

#: markdown-it's ``maxNesting``, as its CommonMark preset sets it: how deep blocks nest (a quote
#: is one level, a list two: list and item) and inline markup (links, emphasis). Past it,
#: markdown-it drops a block's content (such a file is skipped) and reads inline markup as text.
#: Higher limits cost in proportion on runs of unclosed brackets (``[[[[``, ``![![``): 10-17 us
#: a byte at 20, 66-87 at 100, against under 1 us for prose.
MAX_MARKDOWN_DEPTH = 20

# Front matter: Jekyll, Hugo, Obsidian and pandoc's YAML between "---" lines (pandoc may close
# with "..."), Hugo's TOML between "+++" lines: (opening, closings, what a line inside may be).
# "---" is also a rule, so YAML must look like a mapping throughout: keys, indented lines (nested
# values, continued strings), list items, comments; a rule at the top of an article followed by
# prose and another rule is not front matter. "+++" is nothing else in Markdown: any line will do.
_FRONT_MATTER = (
    ("---", ("---", "..."), re.compile(r"(?:[^\s#:\-][^:]*:|-)(?:[ \t]|$)|[ \t#]|$")),
    ("+++", ("+++",), re.compile(r"")),
)
# Lines as CommonMark counts them (markdown-it ends lines only at LF, CRLF and CR).
_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")
# The title in front matter: a top-level key "title" (any case, as Hugo reads keys; bare or quoted),
# then YAML's ": " or TOML's "=", and the rest of the line. Other keys are not text: "description"
# is most often the search engines' summary (a <meta> tag, not shown), "subtitle" shown by some
# themes only, and a dek the page does not show would be a row in one version only.
_TITLE_KEY = r"""(?:title|"title"|'title')[ \t]*"""
_YAML_TITLE = re.compile(_TITLE_KEY + r":(?=[ \t]|$)[ \t]*(.*)", re.I)
_TOML_TITLE = re.compile(r"[ \t]*" + _TITLE_KEY + r"=[ \t]*(.*)", re.I)
# One-line strings, then white space and perhaps a comment: YAML's and TOML's double-quoted
# strings (with escapes), YAML's single-quoted (with '' for ') and TOML's literal strings.
_END = r"[ \t]*(?:#.*)?"
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"' + _END)
_YAML_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'" + _END)
_TOML_LITERAL = re.compile(r"'([^']*)'" + _END)
# The escapes of YAML's double-quoted strings (TOML's are among them): \x41, \u00e9, \U0001F600, \n ...
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
# What a YAML plain scalar cannot start with (a flow collection, an anchor, an alias, a tag, a block
# scalar ...), and its nulls.
_YAML_INDICATORS = tuple("[]{}&*!|>%@`,#") + ("- ", "? ", ": ")
_YAML_NULLS = ("~", "null", "Null", "NULL")
_TOO_DEEP = f"Markdown nested too deeply (quotes and lists reach {MAX_MARKDOWN_DEPTH} levels, a list counting two)"
# Block containers whose content markdown-it tokenizes one level deeper (and drops past the limit).
_CONTAINERS = ("blockquote_open", "list_item_open")
# Inline tokens that may stand beside a lone image in its paragraph.
_BESIDE_IMAGES = frozenset({"image", "link_open", "link_close", "softbreak", "hardbreak"})


def strip_front_matter(text: str) -> str:
    """``text`` without its front matter: YAML between ``---`` lines (closed by ``---`` or
    ``...``) or TOML between ``+++`` lines, from the very first line. YAML must look like a
    mapping (keys, indented lines, list items, comments) or it is a rule and is kept, as is
    an opening line never closed.

    >>> strip_front_matter("---\\ntitle: A\\ntags:\\n  - x\\n---\\nBody")
    'Body'
    >>> strip_front_matter("---\\nA line of prose.\\n---\\nBody")
    '---\\nA line of prose.\\n---\\nBody'
    """
    found = _front_matter(text)
    return text if found is None else text[found[3] :]


def front_matter_title(text: str) -> str | None:
    """The title in ``text``'s front matter (see :func:`strip_front_matter`), or None.

    Only a simple top-level ``title`` key (any case) is read, with no YAML parser: YAML's
    ``title: value`` (a plain scalar, perhaps with a comment, or a one-line quoted string)
    and TOML's ``title = "value"`` (a basic or literal string) before any ``[table]``. A
    title given otherwise (a block scalar, a list, a string continued on the next line), a
    key given twice, a null or an empty title give None, as does a document without front
    matter.

    >>> front_matter_title('---\\ntitle: "Learning to Love Kim\\'s Bomb"\\ndate: 2017-08-10\\n---\\nBody')
    "Learning to Love Kim's Bomb"
    >>> front_matter_title("+++\\ntitle = 'Hugo'\\n+++\\nBody")
    'Hugo'
    >>> front_matter_title("---\\ntitle: >-\\n  Folded\\n---\\n") is None
    True
    """
    found = _front_matter(text)
    return None if found is None else _title(text, *found[:3])


def _title(text: str, opening: str, start: int, end: int) -> str | None:
    """:func:`front_matter_title` of front matter whose lines are ``text[start:end]``."""
    toml = opening == "+++"
    key = _TOML_TITLE if toml else _YAML_TITLE
    titles = []
    pos = start
    while pos < end:
        m = _LINE.match(text, pos, end)
        line, pos = m.group(1), m.end()
        if toml and line.lstrip(" \t").startswith("["):
            break  # a [table]: the keys after it are not the page's
        value = key.fullmatch(line)
        if value is None:
            continue
        following = _LINE.match(text, pos, end).group(1)
        if not toml and following[:1] in (" ", "\t") and following.strip():
            return None  # the value goes on (a block scalar, a list, a string over two lines)
        titles.append((_toml_string if toml else _yaml_scalar)(value[1]))
    if len(titles) != 1 or titles[0] is None:
        return None
    return titles[0].strip() or None


def _front_matter(text: str) -> tuple[str, int, int, int] | None:
    """``(opening, start, end, after)`` of ``text``'s front matter (see :func:`strip_front_matter`):
    its lines are ``text[start:end]`` and the document goes on at ``after``; or None."""
    for opening, closings, inside in _FRONT_MATTER:
        if not text.startswith(opening):
            continue
        first = _LINE.match(text)
        if first.group(1).rstrip(" \t") != opening:
            return None
        pos = first.end()
        while pos < len(text):
            m = _LINE.match(text, pos)
            line = m.group(1)
            if line.rstrip(" \t") in closings:
                return opening, first.end(), pos, m.end()
            if not inside.match(line):
                return None
            pos = m.end()
        return None  # never closed: a rule (or a paragraph), not front matter
    return None


def _yaml_scalar(value: str) -> str | None:
    """A YAML scalar written on one line (``plain # comment``, ``"double"``, ``'single'``), or None."""
    if value.startswith('"'):
        m = _DOUBLE_QUOTED.fullmatch(value)
        return None if m is None else _unescape(m[1])
    if value.startswith("'"):
        m = _YAML_SINGLE_QUOTED.fullmatch(value)
        return None if m is None else m[1].replace("''", "'")
    value = re.split(r"[ \t]#", value, maxsplit=1)[0].rstrip(" \t")
    if value.startswith(_YAML_INDICATORS) or value in _YAML_NULLS or ": " in value or value.endswith(":"):
        return None
    return value


def _toml_string(value: str) -> str | None:
    """A TOML basic (``"..."``) or literal (``'...'``) string on one line, or None."""
    if value.startswith(('"""', "'''")):
        return None
    m = _DOUBLE_QUOTED.fullmatch(value)
    if m is not None:
        return _unescape(m[1])
    m = _TOML_LITERAL.fullmatch(value)
    return None if m is None else m[1]


def _unescape(body: str) -> str | None:
    """A double-quoted string's text, its escapes replaced; None for an escape YAML does not know."""
    out: list[str] = []
    pos = 0
    for m in _ESCAPE.finditer(body):
        if m[4] is not None:
            char = _ESCAPES.get(m[4])
        else:
            code = int(m[1] or m[2] or m[3], 16)
            char = chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None
        if char is None:
            return None
        out += (body[pos : m.start()], char)
        pos = m.end()
    out.append(body[pos:])
    return "".join(out)


def visible_text(text: str, *, id: str) -> str:
    """The visible text of a Markdown document, blocks separated by blank lines.

    Front matter is dropped (:func:`strip_front_matter`) but for its title
    (:func:`front_matter_title`), the first block, read as the text of an ``<h1>``, unless
    the body's first block is the same text (white space and case aside). The body is parsed
    as CommonMark with tables and strikethrough, rendered to HTML, and read as the HTML
    reader reads a page (see the module's docstring for images and tables). Raises
    DocumentError (naming ``id``) for documents nested deeper than :data:`MAX_MARKDOWN_DEPTH`,
    unparsable, or without visible text (a title alone is none).
    """
    found = _front_matter(text)
    rendered = _render(text if found is None else text[found[3] :], id=id)
    try:
        extracted = extract_text(rendered, id=id)
    except DocumentError as err:  # "HTML nested too deeply": raw HTML, or 20,000 nested emphases
        raise DocumentError(id, f"Markdown rendered as {err.reason}") from err
    if not extracted:
        raise DocumentError(id, "no visible text in the Markdown")
    title = None if found is None else _title(text, *found[:3])
    if title is None:
        return extracted
    heading = extract_text(f"<h1>{html.escape(title)}</h1>", id=id)
    if not heading or _folded(heading) == _folded(extracted.split("\n\n", 1)[0]):
        return extracted
    return f"{heading}\n\n{extracted}"


def _folded(block: str) -> str:
    """A block's words, for telling whether the body starts with the title."""
    return " ".join(block.split()).casefold()


def _render(text: str, *, id: str) -> str:
    """The HTML of a Markdown document's body (its front matter already dropped). Its tokens
    (about 15 bytes a byte of Markdown) are gone when it returns, before the HTML is parsed in turn."""
    md = _parser()
    try:
        tokens = md.parse(text)
        if any(t.type in _CONTAINERS and t.level + 1 >= MAX_MARKDOWN_DEPTH for t in tokens):
            raise _TooDeep
        return md.renderer.render(tokens, md.options, {})
    except (_TooDeep, RecursionError) as err:
        raise DocumentError(id, _TOO_DEEP) from err
    except Exception as err:  # markdown-it raises only for its own bugs; one file must not stop the run
        raise DocumentError(id, f"Markdown could not be parsed ({type(err).__name__}: {err})") from err


class _TooDeep(Exception):
    """markdown-it reached MAX_MARKDOWN_DEPTH and dropped a block's content."""


@lru_cache(maxsize=1)
def _parser():
    """The markdown-it parser and renderer (made once per process: markdown is rare, start-up stays lean)."""
    from markdown_it import MarkdownIt  # noqa: PLC0415
    from markdown_it.renderer import RendererHTML  # noqa: PLC0415

    class _Renderer(RendererHTML):
        """markdown-it's HTML, but for lone images (their alt text, a block) and table rows (one block each)."""

        def image(self, tokens, idx, options, env):
            token = tokens[idx]
            if not token.meta.get("lone"):
                return ""
            alt = self.renderInlineAsText(token.children, options, env).strip() or str(token.attrGet("title") or "")
            return f"<div>{html.escape(alt)}</div>" if alt.strip() else ""

        def table_open(self, tokens, idx, options, env):
            return "<div>"

        def table_close(self, tokens, idx, options, env):
            return "</div>\n"

        def tr_open(self, tokens, idx, options, env):
            return "<p>"

        def tr_close(self, tokens, idx, options, env):
            return "</p>\n"

        def td_open(self, tokens, idx, options, env):
            return "" if tokens[idx - 1].type == "tr_open" else " | "

        def _nothing(self, tokens, idx, options, env):
            return ""

        th_open = td_open
        th_close = td_close = thead_open = thead_close = tbody_open = tbody_close = _nothing

    md = MarkdownIt("commonmark", {"maxNesting": MAX_MARKDOWN_DEPTH}, renderer_cls=_Renderer)
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("lone_images", _mark_lone_images)
    return md


def _mark_lone_images(state) -> None:
    """A core rule: mark ``meta["lone"]`` on the images of a paragraph or heading that holds
    nothing else (but links around them, line breaks and spaces)."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children or i == 0:
            continue
        if tokens[i - 1].type not in ("paragraph_open", "heading_open"):
            continue
        children = token.children
        if all(c.type in _BESIDE_IMAGES or (c.type == "text" and not c.content.strip()) for c in children):
            for c in children:
                if c.type == "image":
                    c.meta["lone"] = True
