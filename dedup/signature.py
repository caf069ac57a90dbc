"""Shingles -> MinHash signatures that datasketch accepts (``scheme="affine32"``).

datasketch 2.x's affine32 MinHash pre-mixes each 32-bit input hash with the MurmurHash3
32-bit finaliser, then applies ``num_perm`` permutations ``h -> a_k * h + b_k mod 2^32``
(``a_k`` odd) and keeps the minimum of each. This module computes exactly those hash
values, with the permutation parameters datasketch draws from ``RandomState(seed)``, for
whole batches of documents as uint32 matrix operations. The input hash of a shingle is
:func:`dedup.shingle.hashfunc`, so::

    m = datasketch.MinHash(num_perm=128, seed=1, hashfunc=dedup.shingle.hashfunc)
    for s in dedup.shingle.shingle_strings(text):
        m.update(s)
    assert (m.hashvalues == sign(text)).all()

``import dedup.signature`` does not import datasketch (it pulls in scipy and costs about
a second); only :func:`lean_minhash` and :meth:`Signatures.lean` do.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dedup.shingle import _iter_raw, _sort_unique

if TYPE_CHECKING:
    from datasketch import LeanMinHash

__all__ = [
    "EMPTY",
    "SCHEME",
    "Signatures",
    "lean_minhash",
    "permutations",
    "sign",
    "has_shingles",
    "sign_batch",
    "sign_fingerprints",
]

#: datasketch's name of the permutation scheme these signatures use.
SCHEME = "affine32"
#: The hash value of every permutation for a document without shingles (datasketch's empty MinHash).
EMPTY = np.uint32(0xFFFFFFFF)


def has_shingles(hashvalues: np.ndarray) -> np.ndarray:
    """For each signature row, whether its document has shingles (else the row is all :data:`EMPTY`)."""
    return ~np.all(hashvalues == EMPTY, axis=1)


# Elements of one temporary (num_perm x shingles) uint32 block: 4 MiB, about 13 news articles
# at 128 permutations. Smaller blocks were slower (numpy's per-call cost, short inner loops),
# larger ones too (out of cache).
_BLOCK_ELEMENTS = 1 << 20


@dataclass(frozen=True, slots=True, eq=False)
class Signatures:
    """MinHash signatures of a batch of documents, one row per document.

    ``hashvalues`` is a read-only ``uint32`` matrix of shape ``(n, num_perm)``; a document
    without shingles has the all-``0xFFFFFFFF`` row. ``sizes`` (``int64``, length ``n``) is
    the number of distinct shingles of each document: exact from :func:`sign_fingerprints`;
    from :func:`sign_batch`, the number of distinct 32-bit MinHash inputs, which is one less
    where two of a document's shingles share their 32-bit hash (about n**2 / 2**33 times for
    n shingles: one document in 20,000 at n = 600). Compared by identity (numpy arrays
    inside); ``len()`` is the number of documents.
    """

    hashvalues: np.ndarray
    sizes: np.ndarray
    num_perm: int
    seed: int

    def __len__(self) -> int:
        return len(self.hashvalues)

    def lean(self, i: int) -> LeanMinHash:
        """Document ``i``'s signature as a ``datasketch.LeanMinHash`` (imports datasketch)."""
        return lean_minhash(self.hashvalues[i], seed=self.seed)

    def jaccard(self, i: int, j: int) -> float:
        """Estimated Jaccard similarity of documents ``i`` and ``j``: the share of equal hash values."""
        return float(np.count_nonzero(self.hashvalues[i] == self.hashvalues[j])) / self.num_perm


def _check(num_perm: int, seed: int) -> None:
    if isinstance(num_perm, bool) or not isinstance(num_perm, (int, np.integer)) or not 1 <= num_perm <= 1 << 20:
        raise ValueError(f"num_perm must be an integer in [1, 1048576], got {num_perm!r}; 128 is the usual choice")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 1 << 32:
        raise ValueError(f"seed must be an integer in [0, 2**32) (numpy's RandomState), got {seed!r}; 1 is the default")


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int = 128, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The affine32 permutation parameters ``(a, b)`` (``uint32``, read-only) of datasketch.

    Drawn as ``datasketch.MinHash._init_permutations`` draws them: from
    ``np.random.RandomState(seed)``, ``a = 2 * randint(0, 2**31) + 1`` then ``b = randint(0, 2**32)``.
    """
    _check(num_perm, seed)
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


def _premix(fps: np.ndarray) -> np.ndarray:
    """The MinHash input of each fingerprint: its top 32 bits, through MurmurHash3's fmix32."""
    h = (fps >> np.uint64(32)).astype(np.uint32)
    s16, m1, s13, m2 = _FMIX32
    h ^= h >> s16
    h *= m1
    h ^= h >> s13
    h *= m2
    h ^= h >> s16
    return h


def _minhash_into(out: np.ndarray, h: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """``out[d, k] = min over document d's inputs h of (a[k] * h + b[k]) mod 2^32``.

    ``h`` holds premixed uint32 inputs grouped by document by ``offsets``; rows of
    documents without inputs are left as they are.
    """
    num_perm = len(a)
    counts = np.diff(offsets)
    nonempty = np.flatnonzero(counts)
    if len(nonempty) == 0:
        return
    a_col = a[:, None]
    b_col = b[:, None]
    block = max(1, _BLOCK_ELEMENTS // num_perm)  # inputs per block
    buf = np.empty(num_perm * min(block, len(h)), dtype=np.uint32)
    # Blocks of whole documents, except that one large document may span several blocks.
    d = 0
    n_docs = len(nonempty)
    while d < n_docs:
        lo = int(offsets[nonempty[d]])
        end = int(np.searchsorted(offsets, lo + block, side="right")) - 1  # docs ending by lo + block
        e = int(np.searchsorted(nonempty, end, side="left"))  # nonempty docs [d, e) fit
        if e <= d:  # one document larger than a block: reduce it in pieces
            doc = nonempty[d]
            hi = int(offsets[doc + 1])
            acc = np.full(num_perm, EMPTY, dtype=np.uint32)
            for s in range(lo, hi, block):
                part = h[s : min(s + block, hi)]
                tmp = buf[: num_perm * len(part)].reshape(num_perm, len(part))
                np.multiply(a_col, part, out=tmp)
                np.add(tmp, b_col, out=tmp)
                np.minimum(acc, tmp.min(axis=1), out=acc)
            out[doc] = acc
            d += 1
            continue
        docs = nonempty[d:e]
        hi = int(offsets[docs[-1] + 1])
        part = h[lo:hi]
        tmp = buf[: num_perm * len(part)].reshape(num_perm, len(part))
        np.multiply(a_col, part, out=tmp)
        np.add(tmp, b_col, out=tmp)
        out[docs] = np.minimum.reduceat(tmp, offsets[docs] - lo, axis=1).T
        d = e


def _empty_signatures(n: int, num_perm: int) -> np.ndarray:
    return np.full((n, num_perm), EMPTY, dtype=np.uint32)


def _freeze(hashvalues: np.ndarray, sizes: np.ndarray, num_perm: int, seed: int) -> Signatures:
    hashvalues.flags.writeable = False
    sizes.flags.writeable = False
    return Signatures(hashvalues, sizes, int(num_perm), int(seed))


def sign_fingerprints(
    fingerprints: np.ndarray, offsets: np.ndarray, *, num_perm: int = 128, seed: int = 1
) -> Signatures:
    """Signatures of documents given as shingle fingerprints, as ``fingerprint_batch`` returns them.

    Document ``i`` owns ``fingerprints[offsets[i]:offsets[i + 1]]`` (``uint64``, any order,
    repeats allowed). ``sizes`` counts each document's distinct fingerprints exactly. Raises
    ValueError for bad knobs or offsets.
    """
    _check(num_perm, seed)
    fps = np.asarray(fingerprints, dtype=np.uint64)
    offsets = np.asarray(offsets, dtype=np.int64)
    if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(fps) or np.any(np.diff(offsets) < 0):
        raise ValueError("offsets must be non-decreasing, start at 0 and end at len(fingerprints)")
    if len(fps) > 1:
        # Sorted and unique within each document, as fingerprint_batch gives them? Then the
        # counts are the sizes; otherwise sort and drop repeats first.
        rising = fps[1:] > fps[:-1]
        bounds = offsets[1:-1]
        rising[bounds[(bounds > 0) & (bounds < len(fps))] - 1] = True  # document boundaries
        if not rising.all():
            fps, offsets = _sort_unique(fps, offsets)
    a, b = permutations(num_perm, seed)
    out = _empty_signatures(len(offsets) - 1, num_perm)
    _minhash_into(out, _premix(fps), offsets, a, b)
    return _freeze(out, np.diff(offsets), num_perm, seed)


def sign_batch(texts: Sequence[str], *, num_perm: int = 128, seed: int = 1, size: int = 5) -> Signatures:
    """MinHash signatures of many texts: the fast path.

    Row ``i`` of ``hashvalues`` is what ``datasketch.MinHash(num_perm, seed=seed,
    hashfunc=dedup.shingle.hashfunc)`` holds after being updated with
    ``shingle_strings(texts[i], size=size)``, whatever the batch around it. Raises ValueError
    for bad knobs, TypeError for a text that is not a str.
    """
    _check(num_perm, seed)
    a, b = permutations(num_perm, seed)
    out = _empty_signatures(len(texts), num_perm)
    sizes = np.zeros(len(texts), dtype=np.int64)
    for first, last, fps, offsets in _iter_raw(texts, size):
        inputs, offsets = _sort_unique(_premix(fps), offsets)
        sizes[first:last] = np.diff(offsets)
        _minhash_into(out[first:last], inputs, offsets, a, b)
    return _freeze(out, sizes, num_perm, seed)


def sign(document: str | np.ndarray, *, num_perm: int = 128, seed: int = 1, size: int = 5) -> np.ndarray:
    """The MinHash hash values (``uint32``, length ``num_perm``) of one document.

    ``document`` is a text, or its ``uint64`` shingle fingerprints (``size`` is then unused).
    All ``0xFFFFFFFF`` when there are no shingles.
    """
    if isinstance(document, str):
        return sign_batch([document], num_perm=num_perm, seed=seed, size=size).hashvalues[0]
    fps = np.asarray(document, dtype=np.uint64).ravel()
    return sign_fingerprints(fps, np.array([0, len(fps)]), num_perm=num_perm, seed=seed).hashvalues[0]


def lean_minhash(hashvalues: np.ndarray, *, seed: int) -> LeanMinHash:
    """A ``datasketch.LeanMinHash`` holding one signature row, e.g. to insert into ``MinHashLSH``."""
    from datasketch import LeanMinHash  # noqa: PLC0415 - datasketch imports scipy: only pay when asked

    return LeanMinHash(seed=seed, hashvalues=hashvalues, scheme=SCHEME)
