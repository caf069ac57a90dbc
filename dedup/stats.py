"""Which short paragraphs recur across a folder: keys of paragraphs and how many documents hold each.

:func:`paragraph_key` gives a stable 64-bit key of a paragraph's normalised text;
:func:`paragraph_keys` the distinct keys of one document's short paragraphs (the
pipeline computes them for every document while signing); :func:`paragraph_stats`
counts, for every key, the documents that hold it, and :class:`ParagraphStats` answers
"in how many documents (or articles) of this folder is this line?" for
:mod:`dedup.classify`, which calls a short line seen in many of them boilerplate.

Normalisation, so that "12 Comments" and "3 comments", or "Share this!" and
"share  this", get one key: the text is folded (:func:`dedup.chars.fold`: NFKC and
case folding) and everything but its letters is dropped (spaces, punctuation, and the
ASCII digits too). Text without letters keeps its numbers as they are, one space
between them ("286,35 €" and "12,50 €" differ, "1 / 4" is "1 4"); text with neither
letters nor digits keeps its symbols, whitespace collapsed. The key is the CRC-32 (high half) and Adler-32 (low half) of
the UTF-8 result: it does not depend on ``PYTHONHASHSEED``, the process or the
platform. Only paragraphs of at most :data:`KEY_CHARS` characters are keyed: the
classifier asks only about short lines, and skipping the body keeps this cheap.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from dedup.chars import fold
from dedup.document import Document

__all__ = [
    "KEY_CHARS",
    "KeyCounts",
    "ParagraphStats",
    "paragraph_key",
    "paragraph_keys",
    "paragraph_stats",
]

#: Paragraphs longer than this (in characters) are not keyed nor counted: no boilerplate line the
#: classifier asks about (30 words at most) is that long but for URLs and very long words.
KEY_CHARS = 200

_LOWER = bytes(range(256)).lower()
_NOT_LETTER = bytes(c for c in range(128) if not chr(c).isalpha())  # ASCII digits, punctuation, spaces, controls
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORDS = re.compile(r"[^\W_]+")


def paragraph_key(text: str) -> int:
    """The stable unsigned 64-bit key of a paragraph's normalised text (module docstring)."""
    return _key(text)


@functools.lru_cache(maxsize=1 << 16)
def _key(text: str) -> int:
    if text.isascii():
        norm = text.encode("ascii").translate(_LOWER, _NOT_LETTER)
    else:
        others = set(_NON_ASCII.findall(text))
        # fold() changes nothing but case when every character outside ASCII folds alone to its lower case
        if all(map(_folds_alone, others)):
            folded = text.lower()
        else:
            folded = fold(text)
            others = set(_NON_ASCII.findall(folded))
        norm = folded.encode("utf-8", "surrogatepass").translate(_LOWER, _NOT_LETTER)
        for c in others:
            if not c.isalpha():  # signs and digits outside ASCII go too
                norm = norm.replace(c.lower().encode("utf-8", "surrogatepass"), b"")
    if not norm:  # no letters: the numbers as they are, else the symbols
        norm = (" ".join(_WORDS.findall(fold(text))) or " ".join(text.split())).encode("utf-8", "surrogatepass")
    return (zlib.crc32(norm) << 32) | zlib.adler32(norm)


@functools.lru_cache(maxsize=1 << 12)
def _folds_alone(c: str) -> bool:
    """Whether folding a text leaves this character as its lower case, whatever is around it."""
    return c.lower() == fold(c) and len(c.lower()) == 1 and unicodedata.combining(c) == 0 and not _COMPOSES(c)


def _COMPOSES(c: str) -> bool:  # noqa: N802 - a predicate table
    """Characters that NFKC may merge with a neighbour: combining marks and Hangul jamo."""
    cp = ord(c)
    return 0x1100 <= cp <= 0x11FF or 0xA960 <= cp <= 0xA97F or 0xD7B0 <= cp <= 0xD7FF or unicodedata.category(c)[0] == "M"


def paragraph_keys(doc: Document) -> np.ndarray:
    """The distinct :func:`paragraph_key` values of a document's paragraphs of at most
    :data:`KEY_CHARS` characters, sorted (``uint64``)."""
    keys = {_key(p.text) for p in doc.paragraphs if len(p.text) <= KEY_CHARS}
    return np.array(sorted(keys), dtype=np.uint64)


class KeyCounts(Mapping[int, int]):
    """A read-only mapping key -> count on two sorted numpy arrays (12 bytes a key)."""

    __slots__ = ("_counts", "_keys")

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._keys = np.asarray(keys, dtype=np.uint64)
        self._counts = np.asarray(counts, dtype=np.uint32)
        if self._keys.shape != self._counts.shape:
            raise ValueError("keys and counts must have the same length")

    def __getitem__(self, key: int) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: int, default=None):
        """``self[key]``, or ``default``: without raising KeyError, as most keys looked up are not here."""
        if not 0 <= key < 1 << 64:
            return default
        k = np.uint64(key)
        i = int(self._keys.searchsorted(k))
        return int(self._counts[i]) if i < len(self._keys) and self._keys[i] == k else default

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, KeyCounts):
            return bool(np.array_equal(self._keys, other._keys) and np.array_equal(self._counts, other._counts))
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash((self._keys.tobytes(), self._counts.tobytes()))

    def __repr__(self) -> str:
        return f"KeyCounts({len(self)} keys)"


@dataclass(frozen=True, slots=True)
class ParagraphStats:
    """How many documents of a folder contain each paragraph key (:func:`paragraph_key`).

    ``counts`` holds only keys seen in at least two documents; a missing key means
    "at most one".
    """

    documents: int
    counts: Mapping[int, int]
    #: What was counted: "documents", or "articles" when versions of one article count once.
    unit: str = "documents"

    def seen(self, text: str) -> int:
        """How many documents contain a paragraph like ``text`` (0 if fewer than two, or if
        it is longer than :data:`KEY_CHARS`)."""
        if len(text) > KEY_CHARS:
            return 0
        return self.counts.get(_key(text), 0)


def paragraph_stats(docs: Iterable[Document], *, batch: int = 1 << 20) -> ParagraphStats:
    """Count, for every paragraph key, the documents that contain it (once per document).

    Streams: keys are counted in batches of ``batch`` and merged, so memory grows with
    the number of distinct keys, not of paragraphs; keys seen once are dropped at the end.
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch!r}")
    keys = np.zeros(0, dtype=np.uint64)
    counts = np.zeros(0, dtype=np.uint32)
    buf: list[int] = []
    n = 0

    def flush() -> None:
        nonlocal keys, counts
        if buf:
            k, c = np.unique(np.array(buf, dtype=np.uint64), return_counts=True)
            keys, counts = _merge_counts(keys, counts, k, c.astype(np.uint32))
            buf.clear()

    for doc in docs:
        n += 1
        buf.extend(paragraph_keys(doc).tolist())
        if len(buf) >= batch:
            flush()
    flush()
    keep = counts >= 2
    return ParagraphStats(n, KeyCounts(keys[keep], counts[keep]))


def _merge_counts(k1, c1, k2, c2):
    if not len(k1):
        return k2, c2
    k = np.concatenate([k1, k2])
    c = np.concatenate([c1, c2])
    order = np.argsort(k, kind="stable")
    k, c = k[order], c[order]
    uniq, first = np.unique(k, return_index=True)
    return uniq, np.add.reduceat(c, first).astype(np.uint32)
