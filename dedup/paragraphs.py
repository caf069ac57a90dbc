"""Text -> paragraphs with their character offsets: the splitting step of reading.

Paragraphs end at blank lines, and at the line breaks that separate blocks even without a
blank line: bullets and numbered items, Markdown headings and rules, a caption followed by
its credit, and lines too uneven to be hard-wrapped prose. Each :class:`Paragraph` keeps
``text == document_text[start:end]``.

>>> [(p.start, p.end, p.text) for p in split_paragraphs("Title\\n\\nFirst paragraph.\\nCredit/AP")]
[(0, 5, 'Title'), (7, 23, 'First paragraph.'), (24, 33, 'Credit/AP')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["WRAP_WIDTH", "Paragraph", "count_paragraphs", "has_paragraphs", "paragraph_numbers", "split_paragraphs"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: ``text == document.text[start:end]``, stripped of surrounding whitespace."""

    index: int
    start: int
    end: int
    text: str


def paragraph_numbers(indexes, side: str = "") -> str:
    """Paragraph names for people, 1-based, runs collapsed: ``B3-B5, B9`` (``3-5, 9`` without a side)."""
    nums = sorted({i + 1 for i in indexes})
    parts: list[str] = []
    k = 0
    while k < len(nums):
        j = k
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(f"{side}{nums[k]}" if j == k else f"{side}{nums[k]}-{side}{nums[j]}")
        k = j + 1
    return ", ".join(parts)


# Line breaks: CRLF, LF, CR and the Unicode line/paragraph separators.
_LINE = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x85]*")
# A bullet or numbered list item at the start of a line.
_BULLET = re.compile(r"[ \t\xa0]*(?:[•·▪▫◦‣⁃●○■□►▸➢✓✔*+\-–—]|\d{1,3}[.)])[ \t\xa0]+\S")
# A Markdown ATX heading or a horizontal rule.
_MD_BLOCK = re.compile(r"[ \t]{0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$)")
# The underline of a Markdown setext heading (``Heading`` over ``-------`` or ``=======``); a line of
# dashes under a line of text is that, not a rule (CommonMark).
_SETEXT_UNDERLINE = re.compile(r"-{3,}|={3,}")
# A photo credit line: "Photo: ...", "(Getty Images)", "Name Surname/AGENCY".
_CREDIT = re.compile(
    r"(?i:(?:photo|image|picture|credit|source|video|illustration)s?(?: by)?\s*[:|]"
    r"|\(?(?:getty images|reuters|ap photo|afp|epa|shutterstock)\b)"
    r"|[^\n/]{1,60}/\s*[A-Z][A-Z.&\- ]+\)?$"
)
_SENTENCE_END = ('.', '!', '?', '"', '\u201d', '\u2019', "'", ')', ':')
#: Lines longer than this are never hard-wrapped prose: every line break separates paragraphs.
WRAP_WIDTH = 100


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Split text into paragraphs with their character offsets.

    Paragraphs end at blank lines, and at line breaks that separate blocks: a bullet
    line, a Markdown heading or rule, a caption line followed by its credit line, or any
    line break in a block whose lines are too long or too uneven to be hard-wrapped prose.
    A line of ``-`` or ``=`` under a line of text underlines it (a setext heading): it stays
    in that line's paragraph.
    Line breaks inside hard-wrapped prose (lines of similar length, each "full") are
    kept inside the paragraph.
    """
    if ("\r" not in text or text.count("\r") == text.count("\r\n")) and not any(c in text for c in _OTHER_BREAKS):
        return _split_fast(text)
    return _split_lines(text)


# Line terminators other than LF and CRLF: texts holding one take the line-by-line path.
_OTHER_BREAKS = ("\u2028", "\u2029", "\x0b", "\x0c", "\x85")
# What surrounds a line's content: Unicode whitespace, zero-width spaces and byte order marks.
_STRIP = (  # every character for which str.isspace() is true (tests/test_document.py checks it)
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
) + "\u200b\ufeff"


def has_paragraphs(text: str) -> bool:
    """``bool(split_paragraphs(text))``, without splitting: some character is not white space."""
    return bool(text.strip(_STRIP))


# A block: a run of lines that hold something besides white space (the fast path's unit).
_CONTENT = r"[^\n]*[^\s\u200b\ufeff][^\n]*"
_BLOCK = re.compile(rf"(?m)^{_CONTENT}(?:\n{_CONTENT})*")


def _split_fast(text: str) -> tuple[Paragraph, ...]:
    """split_paragraphs for text whose only line breaks are LF and CRLF (CR is stripped as space).

    Blocks (runs of non-blank lines) are found by one regular expression; a block of one
    line, the common case, is a paragraph without looking at its lines.
    """
    paragraphs: list[Paragraph] = []
    append = paragraphs.append
    for m in _BLOCK.finditer(text):
        raw = m.group()
        start = m.start() + len(raw) - len(raw.lstrip(_STRIP))
        content = raw.strip(_STRIP)
        if "\n" not in content:
            append(Paragraph(len(paragraphs), start, start + len(content), content))
            continue
        _add_block(text, _block_lines(raw, m.start()), paragraphs)
    return tuple(paragraphs)


def _block_lines(raw: str, pos: int) -> list[tuple[int, int]]:
    """The stripped spans of the lines of a block found by _BLOCK at ``pos`` (each has content)."""
    lines = []
    for line in raw.split("\n"):
        start = pos + len(line) - len(line.lstrip(_STRIP))
        lines.append((start, start + len(line.strip(_STRIP))))
        pos += len(line) + 1
    return lines


def _add_block(text: str, block: list[tuple[int, int]], paragraphs: list[Paragraph]) -> None:
    for start, end in _split_block(text, block):
        paragraphs.append(Paragraph(len(paragraphs), start, end, text[start:end]))


def _split_lines(text: str) -> tuple[Paragraph, ...]:
    """split_paragraphs line by line, for any line terminator."""
    paragraphs: list[Paragraph] = []
    block: list[tuple[int, int]] = []

    def flush() -> None:
        if block:
            _add_block(text, block, paragraphs)
            block.clear()

    pos, n = 0, len(text)
    while pos <= n:
        m = _LINE.match(text, pos)
        start, end = m.start(), m.end()
        s, e = _strip_span(text, start, end)
        if s < e:
            block.append((s, e))
        else:
            flush()
        if end >= n:
            break
        pos = end + (2 if text.startswith("\r\n", end) else 1)
    flush()
    return tuple(paragraphs)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


def _split_block(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group the stripped lines of one block into paragraphs (see split_paragraphs)."""
    if len(lines) == 1:
        return lines
    strs = [text[s:e] for s, e in lines]
    width = max(len(x) for x in strs)
    out = [lines[0]]
    for i in range(1, len(lines)):
        if _hard_break(text, lines, strs, i, width):
            out.append(lines[i])
        else:
            out[-1] = (out[-1][0], lines[i][1])
    return out


def _hard_break(text: str, lines, strs, i: int, width: int) -> bool:
    prev, cur = strs[i - 1], strs[i]
    line_start = _line_start(text, lines[i][0])
    prev_start = _line_start(text, lines[i - 1][0])
    if _SETEXT_UNDERLINE.fullmatch(cur) and lines[i][0] - line_start <= 3 and not _SETEXT_UNDERLINE.fullmatch(strs[0]):
        # a heading's underline belongs to the heading (under a list item or a rule, or closing
        # front matter that a "---" opened, it is a rule)
        return bool(_MD_BLOCK.match(prev) or _BULLET.match(text, prev_start))
    if _SETEXT_UNDERLINE.fullmatch(prev):
        return True  # the heading ends with its underline
    if width > WRAP_WIDTH:
        return True
    if _BULLET.match(text, line_start) or _MD_BLOCK.match(cur) or _MD_BLOCK.match(prev):
        return True
    if _BULLET.match(text, prev_start):
        # A wrapped list item continues on an indented line; anything else ends it.
        return lines[i][0] - line_start <= lines[i - 1][0] - prev_start
    first_word = cur.split(None, 1)[0]
    if len(prev) + 1 + len(first_word) <= width:
        return True  # the next word would have fitted: the line was ended on purpose
    if prev.endswith(_SENTENCE_END) and i == len(lines) - 1 and not cur.endswith(_SENTENCE_END):
        return True  # a caption followed by its credit line
    return bool(_CREDIT.match(cur)) and i == len(lines) - 1


def _line_start(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] not in "\r\n\u2028\u2029\x0b\x0c\x85":
        pos -= 1
    return pos


def count_paragraphs(text: str) -> int:
    """``len(split_paragraphs(text))``, without making the paragraphs (a third of the time)."""
    if ("\r" in text and text.count("\r") != text.count("\r\n")) or any(c in text for c in _OTHER_BREAKS):
        return len(_split_lines(text))
    n = 0
    for m in _BLOCK.finditer(text):
        raw = m.group()
        if "\n" not in raw:  # a block of one line is one paragraph
            n += 1
            continue
        n += len(_split_block(text, _block_lines(raw, m.start())))
    return n
