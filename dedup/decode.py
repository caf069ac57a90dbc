"""Bytes -> text: the decoding step of reading, and the verdict on binary files.

Byte order marks first, then UTF-8 (with a few bad bytes tolerated), UTF-32 and UTF-16
without a BOM (tried first when the data has NUL bytes and is not UTF-8 text), then
charset-normalizer for legacy encodings. Binary data (known file signatures, NUL bytes, too
many control characters) and empty data raise :class:`~dedup.errors.DocumentError` with a
short reason that names the file.
"""

from __future__ import annotations

import codecs
import collections
import re
import unicodedata

from dedup.errors import DocumentError

__all__ = [
    "BINARY_CONTROL_RATIO",
    "MAX_BAD_UTF8",
    "MAX_ASCII_PAIRS",
    "MAX_BAD_UTF8_SHARE",
    "MAX_ODD_WIDE_SHARE",
    "MAX_STRAY_LETTERS",
    "MIN_VALID_UTF8_SHARE",
    "MIN_WIDE_CHARS",
    "decode",
    "sniff_format",
]

# File signatures of common binary formats, so the reason can name the format.
_MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 control characters other than tab, newlines, vertical tab and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
#: Share of control characters above which decoded text is treated as binary.
BINARY_CONTROL_RATIO = 0.01


def decode(data: bytes, *, path: str = "<bytes>", charset: str | None = None) -> tuple[str, str]:
    """Decode file contents: BOMs, UTF-8, UTF-32 and UTF-16 without a BOM, then charset-normalizer.

    ``charset`` is the encoding the data is declared in, where something outside it says so (the
    HTTP Content-Type of a page in a web archive): it is taken before the guess, for data that is
    not UTF-8 (a page declared Latin-1 that is UTF-8 is read as UTF-8, as it was most likely written),
    and a label that Python does not know, or that does not decode the data, is passed over.
    Returns ``(text, encoding)``. Raises :class:`DocumentError` for empty, binary or
    undecodable data. A leading BOM is not part of the text.
    """
    if not data:
        raise DocumentError(path, "empty file")
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(path, f"binary file ({name})")
    text = encoding = None
    bad_bom = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(codec), codec
                break
            except UnicodeDecodeError:  # UTF-16 LE starting with U+0000 looks like UTF-32 LE: try the next
                bad_bom = bad_bom or codec
    if text is None and bad_bom:
        raise DocumentError(path, f"invalid {bad_bom.upper()} after its byte order mark")
    if text is None:
        utf8 = _utf8(data)
        # UTF-16 and UTF-32 without a BOM have NUL bytes, and Latin or Cyrillic text in them is
        # valid UTF-8 full of control characters: look for them when the UTF-8 reading fails.
        if b"\x00" in data and (utf8 is None or _binary_reason(data, utf8, "utf-8")):
            wide = _sniff_wide(data)
            if wide is not None:
                text, encoding = wide
        if text is None and utf8 is not None:
            text, encoding = utf8, "utf-8"
        if text is None and charset:
            text, encoding = _declared(data, charset)
        if text is None:
            text, encoding = _decode_other(data, path)
    reason = _binary_reason(data, text, encoding)
    if reason:
        raise DocumentError(path, reason)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def _binary_reason(data: bytes, text: str, encoding: str) -> str | None:
    """Why decoded data is binary (too many control characters), or None when it is text."""
    if encoding in ("utf-8", "utf-8-sig"):  # control characters are single bytes: count those, much faster
        sample = data[:65536]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    else:
        sample = text[:65536]
        controls = len(_CONTROL.findall(sample))
    if controls > BINARY_CONTROL_RATIO * len(sample):
        return f"binary file ({controls} control characters in the first {len(sample)})"
    return None


#: UTF-8 with a few bad bytes (a scrape cut mid-character, one stray cp1252 byte) stays UTF-8, each
#: bad sequence replaced by U+FFFD, when its valid multi-byte characters are at least as many as its
#: bad sequences and these are few: at most MAX_BAD_UTF8, or MAX_BAD_UTF8_SHARE of the characters ...
MAX_BAD_UTF8 = 8
MAX_BAD_UTF8_SHARE = 0.005
#: ... or, however many, when at least this share of its non-ASCII characters are valid.
MIN_VALID_UTF8_SHARE = 0.8
_NON_ASCII = bytes(range(0x80, 0x100))


def _utf8(data: bytes) -> str | None:
    """The text of UTF-8 data, a few invalid bytes as U+FFFD, or None when it does not look like UTF-8.

    A legacy encoding (cp1252, Latin-1, Mac Roman, cp1251) makes an invalid sequence of every
    non-ASCII character, and a valid multi-byte one only where two or three high bytes happen
    to fall in a row; Shift-JIS, GBK or Big5 make several invalid sequences for each valid one.
    So UTF-8 is told by valid multi-byte characters at least as many as the bad sequences,
    however few non-ASCII characters the text has. Guessing another encoding for such a file
    would turn each valid character into mojibake (charset-normalizer read English UTF-8 with
    one stray cp1252 quote as Mac Roman), where reading it as UTF-8 loses only the bad bytes.
    Data without a valid multi-byte character (ASCII with a stray byte, Latin-1, cp1252) is
    left to the guess.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(text) - len(data.translate(None, _NON_ASCII)) - bad  # ASCII bytes decode one to one
    few = bad <= max(MAX_BAD_UTF8, MAX_BAD_UTF8_SHARE * len(text))
    return text if valid >= bad and (few or valid >= MIN_VALID_UTF8_SHARE * (valid + bad)) else None


#: Labels that browsers read as windows-1252 (WHATWG Encoding, "windows-1252"): pages labelled
#: Latin-1 or ASCII are written in it, curly quotes and the euro sign (0x80-0x9f) included.
WINDOWS_1252_LABELS = frozenset({
    "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
    "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
    "x-cp1252",
})


#: Python codecs that are no web page's charset (escapes, IDNA; UTF-7, which browsers refuse): a
#: label naming one is passed over, as an unknown label is.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7"})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")  # the characters of _CONTROL_BYTES


def _declared(data: bytes, charset: str) -> tuple[str, str] | tuple[None, None]:
    """``(text, codec)`` of data in its declared ``charset``, or ``(None, None)`` when Python does not
    know the label as a charset, it does not decode the data, or the text has as many control
    characters as binary data (:data:`BINARY_CONTROL_RATIO`): the guess reads it then."""
    label = charset.strip().lower()
    try:
        info = codecs.lookup("cp1252" if label in WINDOWS_1252_LABELS else label)
    except (LookupError, ValueError, TypeError):  # ValueError: a label with a NUL in it
        return None, None
    name = "cp1252" if info.name in ("iso8859-1", "ascii") else info.name
    if name in ("utf-8", "utf-16", "utf-32") or name in _NOT_CHARSETS or not info._is_text_encoding:
        return None, None  # UTF-8 was tried; UTF-16/32 need their BOM or the sniffing; rot13, base64 ...
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        return None, None
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > BINARY_CONTROL_RATIO * len(sample):
        return None, None
    return text, name


def _decode_other(data: bytes, path: str) -> tuple[str, str]:
    if b"\x00" in data[:8192]:
        raise DocumentError(path, "binary file (NUL bytes, and not UTF-16 or UTF-32)")
    from charset_normalizer import from_bytes  # only files that are not UTF-8 pay for it

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise DocumentError(path, "not UTF-8, and no other text encoding fits")
    # Equally good guesses come in name order, so cp1250 beats cp1252 on a tie, and French,
    # Spanish or Portuguese in Latin-1 came out with ŕ for à and č for è. On a tie, take
    # windows-1252: the web's default for legacy text (WHATWG), and by far the most common.
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos and match.coherence >= best.coherence:
            best = match
            break
    return str(best), best.encoding


#: UTF-16 or UTF-32 without a BOM: how much of a sample may decode to characters text does not have
#: (controls, unassigned or private-use code points). Binary data that decodes at all has more.
MAX_ODD_WIDE_SHARE = 0.01
#: Fewer characters than this are too few to tell UTF-16 or UTF-32 from binary data, unless they
#: have the NUL pattern of Western text (see _western).
MIN_WIDE_CHARS = 32
#: Text is written in Latin letters and at most two other scripts (Japanese: ideographs and kana;
#: Korean: Hangul); random code units are ideographs, Hangul, Yi and many more. At most this
#: share of the letters of UTF-16 or UTF-32 without a BOM may come from other scripts.
MAX_STRAY_LETTERS = 0.1
#: 8-bit text with NULs in it read as UTF-16 is ideographs made of two ASCII bytes each; text in
#: UTF-16 has at most this share of those (Chinese about a fifth; kana, U+30xx, not counted).
MAX_ASCII_PAIRS = 0.5
_SNIFF_BYTES = 16384
_WIDE = (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2))
# Format characters that do occur in text: soft hyphen, Arabic letter mark, Mongolian vowel
# separator, zero-width space, non-joiner and joiner, direction marks, embeddings and isolates,
# word joiner, zero-width no-break space (BOM).
_TEXT_FORMAT = frozenset(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_TEXT_CONTROL = frozenset("\t\n\v\f\r\x1b")  # the C0 controls that _CONTROL lets through
_C0_C1 = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")  # _CONTROL and the C1 controls
# 1 for the printable ASCII bytes, 0 for the others (and, as a high byte, for 0x30: kana).
_ASCII_LOW = bytes(0x20 <= b < 0x7F for b in range(256))
_ASCII_HIGH = bytes(0x20 <= b < 0x7F and b != 0x30 for b in range(256))
# Bytes of ASCII text, and NUL.
_ASCII_TEXT = bytes([0, *range(0x09, 0x0E), *range(0x20, 0x7F)])


def _sniff_wide(data: bytes) -> tuple[str, str] | None:
    """``(text, codec)`` for UTF-32 or UTF-16 data without a BOM, or None when it is not.

    UTF-32 LE and BE, then UTF-16 LE and BE, are tried on the first :data:`_SNIFF_BYTES`. A
    candidate must decode strictly (code points up to U+10FFFF, surrogates paired) and either
    have the NUL pattern of Western text (:func:`_western`, what was sniffed before), or be
    at least :data:`MIN_WIDE_CHARS` characters with at most :data:`MAX_ODD_WIDE_SHARE` that
    text does not have, from one writing system (:func:`_one_writing`) and, in UTF-16, with no
    more than :data:`MAX_ASCII_PAIRS` units of two printable ASCII bytes. Those last rules are
    for random data and for 8-bit text with NULs in it, which reads as UTF-16 ideographs;
    data of nothing but ASCII text and NULs (``find -print0``, spaces made NULs) must have the
    Western pattern. When both byte orders pass (Latin text read the wrong way round is
    ideographs), the one whose characters fall in fewer blocks of 256 code points wins. The
    whole of ``data`` must then decode strictly too.
    """
    head = data[:_SNIFF_BYTES]
    ascii_only = not head.translate(None, _ASCII_TEXT)
    for group in (_WIDE[:2], _WIDE[2:]):  # UTF-32 first: UTF-16 reads its zero bytes as U+0000
        found = []
        for codec, width in group:
            if len(data) % width:
                continue
            sample = head[: len(head) - len(head) % width]
            if width == 2 and len(sample) < len(data):
                high = sample[-1] if codec.endswith("le") else sample[-2]
                if 0xD8 <= high <= 0xDB:
                    sample = sample[:-2]  # the sample ends between the two halves of a surrogate pair
            try:
                chars = sample.decode(codec)
            except UnicodeDecodeError:
                continue
            if not chars:
                continue
            if _western(chars) or (
                not ascii_only
                and len(chars) >= MIN_WIDE_CHARS
                and _odd_characters(chars) <= MAX_ODD_WIDE_SHARE * len(chars)
                and (width == 4 or _ascii_pairs(sample, codec) <= MAX_ASCII_PAIRS * len(chars))
                and _one_writing(chars)
            ):
                found.append((len({ord(c) >> 8 for c in chars}), codec))
        for _, codec in sorted(found):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:  # past the sample
                continue
    return None


def _western(chars: str) -> bool:
    """The NUL pattern of Western text: at least 30% of the characters Latin-1 (a NUL high byte),
    under 5% with a NUL low byte (U+xx00), and no more control characters (C0 or C1) than text
    has: the Latin-1 characters of binary data are a quarter controls."""
    n = len(chars)
    low_nul = sum(1 for c in chars if not ord(c) & 0xFF)
    latin = len(chars.encode("latin-1", "ignore"))
    return latin >= 0.3 * n and low_nul < 0.05 * n and len(_C0_C1.findall(chars)) <= BINARY_CONTROL_RATIO * n


def _ascii_pairs(sample: bytes, codec: str) -> int:
    """How many UTF-16 code units of ``sample`` are two printable ASCII bytes, the high one not 0x30."""
    high, low = (sample[1::2], sample[0::2]) if codec == "utf-16-le" else (sample[0::2], sample[1::2])
    both = int.from_bytes(high.translate(_ASCII_HIGH), "big") & int.from_bytes(low.translate(_ASCII_LOW), "big")
    return both.bit_count()


def _odd_characters(text: str) -> int:
    """How many characters of ``text`` text does not have: controls other than whitespace and
    ESC, unassigned, private-use and surrogate code points, most format characters."""
    odd = 0
    for c in text:
        if not (c.isprintable() or c in _TEXT_CONTROL or c in _TEXT_FORMAT):
            odd += unicodedata.category(c) not in ("Zs", "Zl", "Zp")  # separators are not printable
    return odd


def _one_writing(text: str) -> bool:
    """Whether the letters of ``text`` come from Latin and at most two other scripts, give or
    take :data:`MAX_STRAY_LETTERS`.

    Strays are the letters of other scripts; Hangul or Chinese ideographs, whichever are fewer,
    when both are there (Korean with a few hanja); the rare ideographs of CJK Extension A; and
    Latin letters standing alone between letters of another script, as ``x\\0`` makes in the
    UTF-16 reading of 8-bit text with NULs in it (``A股`` is rare).
    """
    scripts = [_script(c) if c.isalpha() else "" for c in text[:4096]]
    letters = collections.Counter(filter(None, scripts))
    total = letters.total()
    alone = sum(1 for a, b, c in zip(scripts, scripts[1:], scripts[2:]) if b == "LATIN" and a and c and a != b != c)
    kept = letters.pop("LATIN", 0) - alone
    letters.pop("CJK A", 0)
    if letters["HANGUL"] and letters["CJK"]:
        letters.pop(min("HANGUL", "CJK", key=letters.__getitem__))
    kept += sum(n for _, n in letters.most_common(2))
    return total - kept <= MAX_STRAY_LETTERS * total


def _script(letter: str) -> str:
    """The script of a letter, from its Unicode name: LATIN, CYRILLIC, CJK, KANA, HANGUL ..."""
    name = unicodedata.name(letter, "")
    if "LATIN" in name:  # FULLWIDTH LATIN CAPITAL LETTER A too
        return "LATIN"
    first = name.split(" ", 1)[0]
    if first in ("CJK", "IDEOGRAPHIC"):
        return "CJK A" if "\u3400" <= letter <= "\u4dbf" else "CJK"
    if first == "HIRAGANA" or "KATAKANA" in name:
        return "KANA"
    return first


# --------------------------------------------------------------------------- bytes without a name

#: Bytes looked at to tell a page from text (:func:`sniff_format`).
SNIFF_HTML_BYTES = 4096
# What a page starts with: a doctype, or an <html>, <head> or <body> start tag (the tag name followed
# by white space, "/" or ">"), after white space, comments and an XML declaration.
_PAGE_START = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s/>]", re.I)
_PROLOGUE = re.compile(r"(?:\s+|<!--.*?-->|<\?xml[^>]*>)*", re.S)
# The elements whose tags mark a fragment of a page (what a scraper keeps): those of the WHATWG MIME
# sniffing standard's "text/html" patterns (script, iframe, h1, div, font, table, a, style, title, b,
# br, p), the block elements of dedup.html_text (article, section, li ...), and common inline ones.
HTML_ELEMENTS = (
    "a", "address", "article", "aside", "b", "blockquote", "body", "br", "button", "center", "cite",
    "code", "dd", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "iframe", "img", "label", "li",
    "main", "meta", "nav", "noscript", "ol", "p", "picture", "pre", "q", "script", "section", "small",
    "span", "strong", "style", "sub", "sup", "table", "tbody", "td", "th", "thead", "time", "title",
    "tr", "u", "ul",
)
_ELEMENT = "(?:" + "|".join(HTML_ELEMENTS) + ")"
# A whole start tag of one of them: its name, then white space or the end of the tag, and a ">"
# before any other "<".
_FRAGMENT_START = re.compile(r"<" + _ELEMENT + r"(?:\s[^<>]*)?/?>", re.I)
# Markup further on: a <p> or <div> start tag, or an end tag of one of them.
_MORE_MARKUP = re.compile(r"<(?:p|div)[\s/>]|</" + _ELEMENT + r"\s*>", re.I)

#: Bytes looked at for Markdown after an opening HTML block (:func:`sniff_format`): a README's
#: logo and badges may fill the first 4 KB.
SNIFF_MARKDOWN_BYTES = 16384
# What Markdown may open with: a whole start tag of an HTML element or of one of CommonMark's HTML
# blocks (its "type 6" names, e.g. <details>, that HTML_ELEMENTS leaves out).
_COMMONMARK_BLOCKS = (
    "base", "basefont", "caption", "col", "colgroup", "details", "dialog", "dir", "fieldset", "frame",
    "frameset", "legend", "link", "menu", "menuitem", "noframes", "optgroup", "option", "param", "search",
    "summary", "tfoot", "track",
)
_BLOCK_START = re.compile(r"<(?:" + "|".join(HTML_ELEMENTS + _COMMONMARK_BLOCKS) + r")(?:\s[^<>]*)?/?>", re.I)
# What only a whole page has (anywhere but in Markdown's code): a doctype, an <html>, <head> or <body> tag.
_DOCUMENT_TAG = re.compile(r"<(?:!doctype|html|head|body)[\s/>]", re.I)
# Markdown's code, where a README shows HTML: fenced blocks and code spans.
_MARKDOWN_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*$|\Z)|`[^`\n]+`", re.M | re.S)
# What says nothing of the blocks around it: comments, and elements whose content is not markup.
_OPAQUE = re.compile(
    r"<!--.*?(?:-->|\Z)|<(pre|script|style|textarea|code|template|xmp)\b.*?(?:</\1\s*>|\Z)", re.I | re.S
)
# A start or end tag (perhaps over several lines).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
# Elements that never hold others (void) or whose end tag may be left out: not counted as open.
_UNCOUNTED = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rtc rp".split()
)
# CommonMark blocks no prose starts a line with: an ATX heading, a code fence, a list item; and a link
# or image anywhere in a line ("[text](", "![alt](").
_MARKDOWN_BLOCK = re.compile(r" {0,3}(?:#{1,6}[ \t]+\S|`{3,}|~{3,}|(?:[-*+]|\d{1,9}[.)])[ \t]+\S)")
_MARKDOWN_LINK = re.compile(r"\[[^\[\]\n]+\]\(\S")


def sniff_format(data: bytes) -> str:
    """``"html"`` when bytes that come without a file name (standard input) start like a page,
    ``"markdown"`` when they start with HTML that Markdown follows, else ``"text"``.

    After a byte order mark, white space, comments and an XML declaration, a page starts with a
    doctype or an ``<html>``, ``<head>`` or ``<body>`` tag; a fragment of one (what a scraper
    keeps) starts with a whole start tag of an HTML element (:data:`HTML_ELEMENTS`: ``<p>``,
    ``<div class="x">``, ``<article>``) and has, further on in its first :data:`SNIFF_HTML_BYTES`
    bytes, a ``<p>`` or ``<div>`` tag or an end tag of such an element (``</p>``). Prose that starts
    with ``<`` is text: ``<3``, ``<-``, ``<grin>``, ``<jane@example.com>``, ``<https://example.com>``
    name no element, and one that does by chance (``<a nice day> ...``) is not followed by an end tag
    such as ``</a>``: two tags of HTML elements are markup, not prose.

    A GitHub README often starts with an HTML block (``<div align="center">``, a logo, badges) and
    goes on in Markdown: what starts with such a tag (or one of CommonMark's HTML blocks, such
    as ``<details>``) is Markdown when, in its first
    :data:`SNIFF_MARKDOWN_BYTES` bytes, it has no doctype, ``<html>``, ``<head>`` or ``<body>`` tag
    and has a Markdown block (:func:`_markdown_after_html`). Markdown that does not start with HTML
    cannot be told from text this way: the caller says so itself.
    """
    text = _head(data, SNIFF_MARKDOWN_BYTES)
    html = text if len(data) <= SNIFF_HTML_BYTES else _head(data, SNIFF_HTML_BYTES)
    at = _PROLOGUE.match(html).end()
    if _PAGE_START.match(html, at):
        return "html"
    if _BLOCK_START.match(html, at) and _markdown_after_html(text):
        return "markdown"
    tag = _FRAGMENT_START.match(html, at)
    if tag and _MORE_MARKUP.search(html, tag.end()):
        return "html"
    return "text"


def _head(data: bytes, size: int) -> str:
    """The first ``size`` bytes of ``data`` as text enough to sniff, without a byte order mark."""
    head = data[:size]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            text = head.decode(codec, "ignore")
            break
    else:  # every encoding the reader guesses writes markup as ASCII: Latin-1 reads those bytes as they are
        text = head.decode("latin-1")
    return text.lstrip("\ufeff")


def _markdown_after_html(text: str) -> bool:
    """Whether ``text`` (which starts with an HTML tag) has a Markdown block after its HTML, as
    CommonMark reads it: after a blank line (which ends an HTML block), a line that does not start
    with a tag, outside every element (comments, ``<pre>``, ``<code>`` and the like dropped, and
    what is in Markdown's code fences and spans; elements whose end tag may be left out, such as
    ``<p>``, are not counted), that opens an ATX
    heading (``# Title``), a code fence or a list item, or has a link (``[text](url)``). Never for
    a page: a doctype, ``<html>``, ``<head>`` or ``<body>`` tag anywhere (but in that code: a
    README's example) gives False.
    """
    text = _MARKDOWN_CODE.sub(lambda m: m[1] or "``", _OPAQUE.sub("", text))  # a fence stays a fence, empty
    if _DOCUMENT_TAG.search(text):
        return False
    tags = _TAG.finditer(text)
    tag = next(tags, None)
    depth = 0  # elements open at the start of the line
    tag_end = 0  # where the last tag before the line ends (past the line's start: a tag over several lines)
    blank = False  # the line before was blank
    start = 0
    for body in text.split("\n"):
        while tag is not None and tag.start() < start:
            tag_end = tag.end()
            if not tag[3] and tag[2].lower() not in _UNCOUNTED:
                depth = max(0, depth + (-1 if tag[1] else 1))
            tag = next(tags, None)
        if (
            blank and depth == 0 and tag_end <= start and not body.lstrip().startswith("<")
            and (_MARKDOWN_BLOCK.match(body) or _MARKDOWN_LINK.search(body))
        ):
            return True
        start += len(body) + 1
        blank = not body.strip()
    return False
