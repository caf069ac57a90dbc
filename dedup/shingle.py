"""Document text -> shingles: hashed word n-grams over normalised text.

TEMPORARY simple implementation (the vectorised one is being written on branch `sig`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

_TOKEN = re.compile(r"[^\W_]+")


_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def normalize(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize(text))


def shingle_strings(text: str, *, size: int = 5) -> list[str]:
    w = tokens(text)
    if not w:
        return []
    return [" ".join(w[i : i + size]) for i in range(max(1, len(w) - size + 1))]


def _fp(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little")


def fingerprints(text: str, *, size: int = 5) -> np.ndarray:
    return np.unique(np.array([_fp(s) for s in shingle_strings(text, size=size)], dtype=np.uint64))


def fingerprint_batch(texts: Sequence[str], *, size: int = 5) -> tuple[np.ndarray, np.ndarray]:
    parts = [fingerprints(t, size=size) for t in texts]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    return (np.concatenate(parts) if parts else np.zeros(0, np.uint64)), offsets


def hashfunc(shingle: bytes | str) -> int:
    if isinstance(shingle, bytes):
        shingle = shingle.decode()
    return _fp(shingle) & 0xFFFFFFFF
