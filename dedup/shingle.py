"""Text -> shingles: normalised word n-grams, hashed without a Python object per shingle.

Normalisation folds text with NFKC and Unicode case folding; tokens are maximal runs of
letters, digits and combining marks, so punctuation, quotes, dashes, emoji and whitespace
only separate tokens. A character of a script written without spaces (CJK ideographs, kana,
Thai, Lao, Khmer, Myanmar, ...) is a token of its own. A shingle is ``size`` consecutive
tokens; a document with fewer tokens (but at least one) has one shingle of all of them.

Every shingle has a 64-bit *fingerprint* (for exact set comparison) and a 32-bit *hash*
(its top 32 bits, the MinHash input). Both are pure functions of the shingle's tokens: no
dependence on ``PYTHONHASHSEED``, on the process, or on the other documents of a batch.

>>> normalize("The Kim’s  REGIME—isn't it?")
'the kim s regime isn t it'
>>> shingle_strings("The North Korean regime is changing.", size=5)
['the north korean regime is', 'north korean regime is changing']
>>> hashfunc("the north korean regime is") == int(fingerprints("The North-Korean regime is!")[0] >> 32)
True

The fast path (:func:`fingerprint_batch`, and ``dedup.signature.sign_batch``) works on whole
batches with numpy: the folded texts are concatenated, turned into code points, classified
through a lookup table, cut into tokens with vectorised comparisons, hashed with a
polynomial rolling hash over prefix sums (mod 2^64), combined into n-gram hashes from
shifted token-hash arrays and finished with the MurmurHash3 64-bit finaliser.
:func:`tokens`, :func:`shingle_strings` and :func:`hashfunc` are the slow, readable
reference for the same definitions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from dedup.chars import _ASCII_WORD, MARK, NO_SPACE_SCRIPTS, SEP, SINGLE, WORD, char_class, fold, folded_code_points

__all__ = [
    "NO_SPACE_SCRIPTS",
    "fingerprint",
    "fingerprint_batch",
    "fingerprints",
    "hashfunc",
    "normalize",
    "shingle_strings",
    "tokens",
]

_M64 = (1 << 64) - 1
# Odd multiplier of the rolling hash over code points, with B % 4 == 3 so that B - 1 has a
# single factor of two (fewer structured collisions mod 2^64), and its inverse mod 2^64.
_B = 0x9E3779B97F4A7C17
_B_INV = pow(_B, -1, 1 << 64)
# Odd multiplier combining the token hashes of a shingle, and a salt per token count.
_M = 0xC2B2AE3D27D4EB4F
_K_SALT = 0x165667B19E3779F9

# Characters of one internal chunk of documents (bounds the temporaries, ~40 bytes a character;
# half a million characters, about 130 news articles, was the fastest on a 1 MiB L2 cache).
_CHUNK_CHARS = 1 << 19
# Characters hashed in one window of the rolling hash: its uint64 arrays stay in cache, and
# the cached power tables stay small.
_WINDOW_CHARS = 1 << 18


# --------------------------------------------------------------------------- reference


def tokens(text: str) -> list[str]:
    """The normalised tokens of ``text`` (slow reference of what the fast path computes).

    >>> tokens("Kim’s NEW café — 北京大学!")
    ['kim', 's', 'new', 'café', '北', '京', '大', '学']
    """
    folded = fold(text)
    out: list[str] = []
    current: list[str] = []
    prev_eff = SEP
    for ch in folded:
        base = char_class(ord(ch))
        eff = base
        if base == MARK:
            eff = prev_eff  # a mark continues the token before it; with none, it is dropped
        start = eff != SEP and (prev_eff == SEP or base == SINGLE or (base == WORD and prev_eff == SINGLE))
        if (eff == SEP or start) and current:
            out.append("".join(current))
            current = []
        if eff != SEP:
            current.append(ch)
        prev_eff = eff
    if current:
        out.append("".join(current))
    return out


def normalize(text: str) -> str:
    """The normalised text: its tokens joined by single spaces.

    Two texts have the same normalisation exactly when they have the same tokens, and so the
    same shingles and fingerprints.
    """
    return " ".join(tokens(text))


def _check_size(size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be an integer >= 1 (tokens per shingle), got {size!r}; 5 is the usual choice")


def shingle_strings(text: str, *, size: int = 5) -> list[str]:
    """The shingles of ``text`` as strings of normalised tokens joined by single spaces, in order.

    With fewer than ``size`` tokens (but at least one) there is one shingle of all of them;
    with none, there are no shingles. Repeated shingles are repeated.
    """
    _check_size(size)
    toks = tokens(text)
    if not toks:
        return []
    if len(toks) < size:
        return [" ".join(toks)]
    return [" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1)]


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def _token_hash_int(token: str) -> int:
    h, power = 0, 1
    for ch in token:
        h = (h + ord(ch) * power) & _M64
        power = (power * _B) & _M64
    return _fmix64_int(h)


def fingerprint(shingle: bytes | str) -> int:
    """The 64-bit fingerprint of one shingle given as normalised tokens joined by single spaces.

    The string is not normalised again: pass what :func:`shingle_strings` returns.
    Raises ValueError for an empty shingle.
    """
    if isinstance(shingle, (bytes, bytearray, memoryview)):
        shingle = bytes(shingle).decode("utf-8")
    if not shingle:
        raise ValueError("shingle must not be empty: give its normalised tokens joined by single spaces")
    parts = shingle.split(" ")
    g = 0
    for part in parts:
        g = (g * _M + _token_hash_int(part)) & _M64
    return _fmix64_int((g + len(parts) * _K_SALT) & _M64)


def hashfunc(shingle: bytes | str) -> int:
    """The 32-bit hash of one shingle (the top half of its :func:`fingerprint`).

    It is the MinHash input: ``datasketch.MinHash(num_perm=n, seed=s, hashfunc=hashfunc)``
    updated with :func:`shingle_strings` has the hash values ``dedup.signature`` computes.

    >>> hashfunc(b"the north korean regime is") == hashfunc("the north korean regime is")
    True
    """
    return fingerprint(shingle) >> 32


# --------------------------------------------------------------------------- fast path

_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser on a uint64 array, in place; returns it."""
    s, m1, m2 = _FMIX64
    h ^= h >> s
    h *= m1
    h ^= h >> s
    h *= m2
    h ^= h >> s
    return h


# Powers of _B and of its inverse mod 2^64, grown on demand (read-only, replaced whole, so
# threads can share them).
_pow = np.ones(1, dtype=np.uint64)
_ipow = np.ones(1, dtype=np.uint64)


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    global _pow, _ipow
    pw, ipw = _pow, _ipow
    if len(pw) < n:
        size = max(n, 2 * len(pw), 4096)
        pw = np.full(size, _B, dtype=np.uint64)
        pw[0] = 1
        np.multiply.accumulate(pw, out=pw)
        ipw = np.full(size, _B_INV, dtype=np.uint64)
        ipw[0] = 1
        np.multiply.accumulate(ipw, out=ipw)
        pw.flags.writeable = False
        ipw.flags.writeable = False
        if size <= 4 * _WINDOW_CHARS:  # cache the usual sizes, not one pathological token
            _pow, _ipow = pw, ipw
    return pw, ipw


def _token_spans(cps: np.ndarray, cls: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every token; ``cps`` starts and ends with a separator.

    ``cls`` holds the class of each code point, or None when ``cps`` is ASCII (uint8).
    """
    if cls is None:
        word = np.take(_ASCII_WORD, cps)
    elif not (cls > WORD).any():
        word = cls.view(bool)
    else:
        word = None
    if word is not None:
        # Word runs start where the flag rises and end where it falls, alternately.
        edges = np.flatnonzero(word[1:] != word[:-1]) + 1
        return edges[0::2], edges[1::2]
    eff = cls
    marks = cls == MARK
    if marks.any():
        # A mark takes the class of the character it follows (so it is dropped after a separator).
        idx = np.where(marks, 0, np.arange(len(cls)))
        np.maximum.accumulate(idx, out=idx)
        eff = cls[idx]
    tok = eff != SEP
    prev = eff[:-1]
    cur_base = cls[1:]
    start = tok[1:] & ((prev == SEP) | (cur_base == SINGLE) | ((cur_base == WORD) & (prev == SINGLE)))
    starts = np.flatnonzero(start) + 1
    is_start = np.zeros(len(cls), dtype=bool)
    is_start[starts] = True
    end = tok[:-1] & (~tok[1:] | is_start[1:])
    ends = np.flatnonzero(end) + 1
    return starts, ends


def _token_hashes(cps: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Rolling hash of every token, ``sum(cp[s + j] * B**j)`` mod 2^64, then fmix64."""
    out = np.empty(len(starts), dtype=np.uint64)
    t0 = 0
    while t0 < len(starts):
        # A window of whole tokens, from the separator before its first token.
        c0 = int(starts[t0]) - 1
        t1 = int(np.searchsorted(starts, c0 + _WINDOW_CHARS, side="left"))
        t1 = max(t1, t0 + 1)
        c1 = int(ends[t1 - 1])
        pw, ipw = _powers(c1 - c0)
        acc = cps[c0:c1].astype(np.uint64)
        acc *= pw[: c1 - c0]
        np.cumsum(acc, out=acc)
        s = starts[t0:t1] - c0
        h = np.take(acc, ends[t0:t1] - (c0 + 1))
        h -= np.take(acc, s - 1)
        h *= np.take(ipw, s)
        out[t0:t1] = h
        t0 = t1
    return _fmix64(out)


def _shingle_hashes(th: np.ndarray, tok_off: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Fingerprints of the shingles of each document, grouped by document (not sorted).

    ``th`` holds the token hashes of all documents, document ``d`` owning
    ``th[tok_off[d]:tok_off[d + 1]]``. Returns (fingerprints, offsets).
    """
    n_tok = len(th)
    counts = np.diff(tok_off)
    short = np.flatnonzero((counts > 0) & (counts < size))
    g = th.copy()
    if size > 1:
        padded = np.concatenate([th, np.zeros(size - 1, dtype=np.uint64)])
        short_g = np.empty(len(short), dtype=np.uint64)
        if len(short):
            first = tok_off[:-1][short]
            k1 = counts[short] == 1
            short_g[k1] = th[first[k1]]
        m = np.uint64(_M)
        for i in range(1, size):
            g *= m
            g += padded[i : i + n_tok]
            if len(short):
                ki = counts[short] == i + 1
                if ki.any():
                    short_g[ki] = g[first[ki]]
    valid_counts = np.where(counts >= size, counts - size + 1, np.minimum(counts, 1))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(valid_counts, out=offsets[1:])
    keep = np.ones(n_tok, dtype=bool)
    if size > 1 and n_tok:
        # The last size-1 token positions of each document start no full shingle.
        tails = (tok_off[1:, None] - np.arange(1, size)[None, :]).ravel()
        own = np.repeat(tok_off[:-1], size - 1)
        keep[tails[tails >= own]] = False
        if len(short):
            keep[tok_off[:-1][short]] = True
    fps = g[keep]
    fps += np.uint64(size * _K_SALT & _M64)  # the salt of the token count
    if size > 1 and len(short):
        salt = counts[short].astype(np.uint64) * np.uint64(_K_SALT)
        fps[offsets[:-1][short]] = short_g + salt
    return _fmix64(fps), offsets


def _iter_raw(texts: Sequence[str], size: int) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """Yield ``(first, last, fingerprints, offsets)`` for chunks of documents ``texts[first:last]``.

    Fingerprints are grouped by document in ``offsets`` (length ``last - first + 1``) but
    neither sorted nor deduplicated. Chunks hold about :data:`_CHUNK_CHARS` characters.
    """
    _check_size(size)
    n = len(texts)
    first = 0
    while first < n:
        chars = 0
        last = first
        while last < n and (chars < _CHUNK_CHARS or last == first):
            text = texts[last]
            if not isinstance(text, str):
                raise TypeError(f"texts[{last}] is {type(text).__name__}, not str")
            chars += len(text) + 1
            last += 1
        chunk = texts[first:last] if isinstance(texts, (list, tuple)) else [texts[i] for i in range(first, last)]
        cps, classes, doc_start = folded_code_points(chunk)
        starts, ends = _token_spans(cps, classes)
        del classes
        th = _token_hashes(cps, starts, ends) if len(starts) else np.empty(0, dtype=np.uint64)
        del cps, ends
        tok_off = np.searchsorted(starts, doc_start, side="left").astype(np.int64)
        fps, offsets = _shingle_hashes(th, tok_off, size)
        yield first, last, fps, offsets
        first = last


def _sort_unique(fps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort the values (unsigned integers) of each document and drop repeats; returns new (values, offsets).

    Documents of ordinary length are sorted as the rows of one padded matrix (much faster
    than a global sort by (document, fingerprint)); a document far longer than the median
    is sorted on its own, so padding never costs more than about twice the input.
    """
    counts = np.diff(offsets)
    n_docs = len(counts)
    if len(fps) == 0:
        return fps, offsets
    limit = max(2 * int(np.median(counts)), 64)
    long_docs = np.flatnonzero(counts > limit)
    regular = counts.copy()
    regular[long_docs] = 0
    width = int(regular.max())
    out_counts = np.zeros(n_docs, dtype=np.int64)
    if width:
        mask = np.arange(width)[None, :] < regular[:, None]
        if len(long_docs):
            keep = np.repeat(counts <= limit, counts)
            src = fps[keep]
        else:
            src = fps
        # Padding sorts last; a real fingerprint equal to the padding is still counted right,
        # because only the first count entries of each row are read.
        rows = np.full((n_docs, width), np.iinfo(fps.dtype).max, dtype=fps.dtype)
        rows[mask] = src
        rows.sort(axis=1)
        mask[:, 1:] &= rows[:, 1:] != rows[:, :-1]
        out_counts += mask.sum(axis=1)
    long_parts = {}
    for d in long_docs:
        u = np.unique(fps[offsets[d] : offsets[d + 1]])
        long_parts[int(d)] = u
        out_counts[d] = len(u)
    new_off = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(out_counts, out=new_off[1:])
    if not long_parts:
        return rows[mask], new_off
    out = np.empty(int(new_off[-1]), dtype=fps.dtype)
    is_long = np.zeros(n_docs, dtype=bool)
    is_long[long_docs] = True
    if width:
        out[np.repeat(~is_long, out_counts)] = rows[mask]
    for d, u in long_parts.items():
        out[new_off[d] : new_off[d + 1]] = u
    return out, new_off


def fingerprint_batch(texts: Sequence[str], *, size: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Shingle fingerprints of many documents at once.

    Returns ``(fingerprints, offsets)``: document ``i`` owns the sorted, unique ``uint64``
    fingerprints ``fingerprints[offsets[i]:offsets[i + 1]]``; ``offsets`` is ``int64`` of
    length ``len(texts) + 1``. A document's fingerprints do not depend on the rest of the batch.
    Raises ValueError for a bad ``size`` and TypeError for a text that is not a str.
    """
    parts: list[np.ndarray] = []
    offs: list[np.ndarray] = [np.zeros(1, dtype=np.int64)]
    base = 0
    for _first, _last, fps, offsets in _iter_raw(texts, size):
        fps, offsets = _sort_unique(fps, offsets)
        parts.append(fps)
        offs.append(offsets[1:] + base)
        base += len(fps)
    if not parts:
        _check_size(size)
        return np.empty(0, dtype=np.uint64), np.zeros(1, dtype=np.int64)
    return np.concatenate(parts), np.concatenate(offs)


def fingerprints(text: str, *, size: int = 5) -> np.ndarray:
    """The sorted, unique ``uint64`` shingle fingerprints of one text: its exact shingle set.

    >>> a = fingerprints("North Korea's arsenal forces the United States to adapt.")
    >>> b = fingerprints("north korea’s ARSENAL forces the united states to adapt")
    >>> bool((a == b).all()) and len(a)
    6
    """
    fps, _ = fingerprint_batch([text], size=size)
    return fps
