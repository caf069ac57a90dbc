"""Bytes -> text: the decoding step of reading, and the verdict on binary files.

UTF-8 first (with a few bad bytes tolerated), then byte order marks and UTF-16 without one,
then charset-normalizer for legacy encodings. Binary data (known file signatures, NUL bytes,
too many control characters) and empty data raise :class:`~dedup.errors.DocumentError` with
a short reason that names the file.
"""

from __future__ import annotations

import codecs
import re

from dedup.errors import DocumentError

__all__ = ["BINARY_CONTROL_RATIO", "MAX_BAD_UTF8", "MAX_BAD_UTF8_SHARE", "MIN_VALID_UTF8_SHARE", "decode"]

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


def decode(data: bytes, *, path: str = "<bytes>") -> tuple[str, str]:
    """Decode file contents: UTF-8 first, then BOMs, then charset-normalizer.

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
    if text is None and b"\x00" in data[:4096]:
        # UTF-16 without a BOM is valid UTF-8 full of NULs: look for it first.
        utf16 = _sniff_utf16(data)
        if utf16:
            try:
                text, encoding = data.decode(utf16), utf16
            except UnicodeDecodeError:
                pass
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = _mostly_utf8(data)
            encoding = "utf-8"
            if text is None:
                text, encoding = _decode_other(data, path)
    if encoding in ("utf-8", "utf-8-sig"):  # control characters are single bytes: count those, much faster
        sample = data[:65536]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    else:
        sample = text[:65536]
        controls = len(_CONTROL.findall(sample))
    if controls > BINARY_CONTROL_RATIO * len(sample):
        raise DocumentError(path, f"binary file ({controls} control characters in the first {len(sample)})")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


#: UTF-8 with a few bad bytes (a scrape cut mid-character, one stray cp1252 byte) stays UTF-8, each
#: bad sequence replaced by U+FFFD, when its valid multi-byte characters are at least as many as its
#: bad sequences and these are few: at most MAX_BAD_UTF8, or MAX_BAD_UTF8_SHARE of the characters ...
MAX_BAD_UTF8 = 8
MAX_BAD_UTF8_SHARE = 0.005
#: ... or, however many, when at least this share of its non-ASCII characters are valid.
MIN_VALID_UTF8_SHARE = 0.8
_NON_ASCII = bytes(range(0x80, 0x100))


def _mostly_utf8(data: bytes) -> str | None:
    """The text of UTF-8 data with a few invalid bytes, or None when it does not look like UTF-8.

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
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(text) - len(data.translate(None, _NON_ASCII)) - bad  # ASCII bytes decode one to one
    few = bad <= max(MAX_BAD_UTF8, MAX_BAD_UTF8_SHARE * len(text))
    return text if valid >= bad and (few or valid >= MIN_VALID_UTF8_SHARE * (valid + bad)) else None


def _decode_other(data: bytes, path: str) -> tuple[str, str]:
    if b"\x00" in data[:8192]:
        raise DocumentError(path, "binary file (NUL bytes, and not UTF-16)")
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


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


