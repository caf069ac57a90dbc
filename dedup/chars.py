"""Characters for the shingle stage: normalisation and classes, for strings and code point arrays.

:func:`fold` is the normalisation: NFKC, full Unicode case folding, NFKC again (the result
folds to itself). :func:`char_class` sorts a code point into one of four classes that
define tokens (see ``dedup.shingle``). :func:`folded_code_points` computes both for a whole
batch of texts as numpy arrays, through a lazily filled table over all code points; it
gives the tokens that :func:`fold` and :func:`char_class` give, character for character.
The table (4.4 MB) is built on the first text that is not ASCII, in about 50 ms, once per
process.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = [
    "IGNORABLE",
    "MARK",
    "NO_SPACE_SCRIPTS",
    "SEP",
    "SINGLE",
    "WORD",
    "char_class",
    "fold",
    "folded_code_points",
]

# Code point ranges of scripts written without spaces between words: each letter is a token.
# From Unicode's Blocks.txt: Thai, Lao, Myanmar, Khmer and other South-East Asian scripts,
# Japanese kana, Bopomofo, Yi and CJK ideographs. Hangul is written with spaces: not here.
NO_SPACE_SCRIPTS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0x1A20, 0x1AAF),  # Tai Tham
    (0x1B00, 0x1B7F),  # Balinese
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # ideographic iteration mark, closing mark, number zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x303C),  # kana repeat marks, ideographic iteration marks
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31FF),  # Bopomofo extended, CJK strokes, Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA000, 0xA4CF),  # Yi
    (0xA980, 0xA9DF),  # Javanese
    (0xA9E0, 0xA9FF),  # Myanmar extended-B
    (0xAA60, 0xAA7F),  # Myanmar extended-A
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth Katakana (NFKC maps most of them to full width)
    (0x16FE0, 0x16FFF),  # ideographic symbols
    (0x1B000, 0x1B16F),  # kana supplement and extended
    (0x20000, 0x323AF),  # CJK extensions B-H, compatibility supplement
)

# Invisible format characters that are deleted before anything else, so that they neither
# split a word nor make one: soft hyphen, combining grapheme joiner, Arabic letter mark,
# Mongolian variation selectors, zero-width space and (non-)joiners, directional marks and
# embeddings, word joiner and invisible operators, variation selectors, byte order mark, tags.
# From Unicode's Default_Ignorable_Code_Point list, without the Hangul fillers (letters that
# NFKC produces from other characters).
IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xE0000, 0xE0FFF),
)
_IGNORABLE_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in IGNORABLE) + "]")

#: Character classes. SEP separates tokens; WORD characters (letters, digits) run together;
#: a SINGLE character (a script without spaces) is a token of its own; a MARK (combining
#: mark) continues the token before it, and is dropped where no token precedes it.
SEP, WORD, SINGLE, MARK = 0, 1, 2, 3


def fold(text: str) -> str:
    """The normalised text, before tokenising: :data:`IGNORABLE` characters deleted, then
    NFKC, full case folding, NFKC again (so that folding the result changes nothing)."""
    if text.isascii():
        return text.lower()
    text = _IGNORABLE_RE.sub("", text)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


@functools.lru_cache(maxsize=1 << 16)
def char_class(cp: int) -> int:
    """The class of one (folded) code point: letters and digits are WORD (or SINGLE), marks MARK."""
    major = unicodedata.category(chr(cp))[0]
    if major == "M":
        return MARK
    if major not in "LN":
        return SEP
    for lo, hi in NO_SPACE_SCRIPTS:
        if lo <= cp <= hi:
            return SINGLE
    return WORD


# --------------------------------------------------------------------------- code point tables

_ASCII_WORD = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
    _ASCII_WORD[_c] = True
_ASCII_WORD.flags.writeable = False
_ASCII_LOWER = np.arange(256, dtype=np.uint8)
_ASCII_LOWER[65:91] += 32
_ASCII_LOWER.flags.writeable = False

# One uint32 per code point, filled lazily with the distinct code points of each batch:
# the low 24 bits hold its folding (when that is one character), the top 8 bits the class
# of its folding and these flags: it folds to another single character (_CHANGED); the fast
# path cannot fold it, so a text holding it is folded as a string (_SLOW); it is deleted
# (_IGNORE); not yet described.
_CLASS_MASK, _CHANGED, _SLOW, _IGNORE, _UNKNOWN = 3, 4, 8, 16, 128
_lock = threading.Lock()
_table: np.ndarray | None = None
_second: frozenset[int] = frozenset()  # second characters of canonical compositions


def _get_table() -> np.ndarray:
    global _table, _second
    if _table is None:
        with _lock:
            if _table is None:
                second = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V and T jamo
                for cp in range(0x30000):
                    dec = unicodedata.decomposition(chr(cp))
                    if dec and dec[0] != "<":
                        parts = dec.split()
                        if len(parts) == 2:
                            second.add(int(parts[1], 16))
                _second = frozenset(second)
                table = np.arange(0x110000, dtype=np.uint32)
                table |= np.uint32(_UNKNOWN << 24)
                for cp in range(128):
                    folded, info = _describe(cp)
                    table[cp] = folded | (info << 24)
                _table = table
    return _table


def _plain(ch: str) -> bool:
    """Neither a combining mark nor a character that can compose with the one before it."""
    return unicodedata.combining(ch) == 0 and ord(ch) not in _second


def _describe(cp: int) -> tuple[int, int]:
    """(folding, info bits) of one code point.

    A text whose characters all fold to one plain character (or, for separators, to
    separators only) folds character by character: NFKC cannot join or reorder plain
    characters, and separators never reach a token. Anything else marks the text _SLOW.
    """
    ch = chr(cp)
    cls = char_class(cp)
    if _IGNORABLE_RE.match(ch):
        return cp, cls | _IGNORE
    if not _plain(ch):
        return cp, cls | _SLOW
    folded = fold(ch)
    if folded == ch:
        return cp, cls
    if len(folded) == 1 and _plain(folded) and fold(folded) == folded:
        return ord(folded), char_class(ord(folded)) | _CHANGED
    if cls == SEP and all(char_class(ord(x)) == SEP and _plain(x) for x in folded):
        return cp, SEP
    return cp, cls | _SLOW


def _lookup(cps: np.ndarray) -> np.ndarray:
    """The table entry of each code point, describing new code points on the way."""
    table = _get_table()
    got = np.take(table, cps)
    unknown = got >= np.uint32(_UNKNOWN << 24)
    if unknown.any():
        with _lock:
            for cp in np.unique(cps[unknown]).tolist():
                folded, info = _describe(cp)
                table[cp] = folded | (info << 24)
        got = np.take(table, cps)
    return got


def _utf32(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def folded_code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """The code points of ``" " + " ".join(map(fold, texts)) + " "``, their classes, and where each text starts.

    Returns ``(cps, classes, starts)``: text ``d`` is ``cps[starts[d] + 1 : starts[d + 1]]``,
    between separators. When everything is ASCII, ``cps`` is uint8 and ``classes`` None
    (letters and digits are the WORD characters); otherwise ``cps`` is uint32 and ``classes``
    uint8. A text may come out longer or shorter than :func:`fold` makes it where separators
    expand (``…`` is one separator here, three in NFKC), never in its tokens.
    """
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    joined = " " + " ".join(texts) + " "
    if joined.isascii():
        return np.take(_ASCII_LOWER, np.frombuffer(joined.encode("ascii"), dtype=np.uint8)), None, starts
    raw = _utf32(joined)
    entry = _lookup(raw)
    info = (entry >> np.uint32(24)).astype(np.uint8)
    entry &= np.uint32(0xFFFFFF)
    if (info & np.uint8(_IGNORE)).any():
        drop = (info & np.uint8(_IGNORE)).astype(bool)
        starts -= np.cumsum(drop)[starts]  # starts are separators, never dropped
        keep = ~drop
        raw, entry, info = raw[keep], entry[keep], info[keep]
    if (info & np.uint8(_SLOW)).any():
        slow = np.bitwise_or.reduceat(info, starts[:-1]) & np.uint8(_SLOW)  # a separator and one text each
        lengths = np.diff(starts)
        parts: list[np.ndarray] = []
        prev = 0
        for d in np.flatnonzero(slow).tolist():
            parts.append(entry[prev : starts[d] + 1])
            text = raw[starts[d] + 1 : starts[d + 1]].tobytes().decode("utf-32-le", "surrogatepass")
            folded = fold(text)
            parts.append(_utf32(folded))
            lengths[d] = len(folded) + 1
            prev = int(starts[d + 1])
        parts.append(entry[prev:])
        np.cumsum(lengths, out=starts[1:])
        entry = np.concatenate(parts)
        # Folded text folds to itself, so the class of each code point's folding is its class.
        info = (_lookup(entry) >> np.uint32(24)).astype(np.uint8)
    info &= np.uint8(_CLASS_MASK)
    return entry, info, starts
