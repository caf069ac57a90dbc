"""Signatures -> candidate pairs: banded MinHash LSH that is aware of containment.

A Jaccard LSH misses the pairs this tool exists for: a clean article and a full-page
scrape of it share almost every shingle of the article (containment near 1) but the
scrape is three to ten times larger, so their Jaccard is 0.1-0.5. Following the idea
behind datasketch's ``MinHashLSHEnsemble`` (partition by set size, pick the band
width for each size range), a pair must collide in a band table whose width suits the
ratio of its set sizes:

* for a size ratio ``rho = |big| / |small|``, the smallest Jaccard a reportable pair
  can have is ``j(rho) = min(threshold, containment / (1 + rho - containment))``;
* each :class:`Tier` is a band table (``b`` bands of ``r`` rows) that finds a pair of
  Jaccard ``j`` with probability ``1 - (1 - j**r)**b`` (at least ``recall``) for the
  pairs whose ratio falls in its range; similar-size pairs use wide bands (few false
  candidates), very different sizes use single-row bands.

Buckets are found with numpy sorts (no dict per band, no Python object per key). A
bucket larger than ``max_bucket`` (shared boilerplate, a common phrase) is split by
the following signature rows until its parts are small; parts that stay large after
that are near-identical documents, chained in id order instead of paired all-to-all,
so the work stays linear.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dedup.signature import has_shingles

try:  # the compiled band-table kernel (dedup/_bands.c), built at install time where a C compiler is found
    from dedup import _bands
except ImportError:  # pragma: no cover - installs without a compiler use the numpy path
    _bands = None

__all__ = [
    "COMPILED",
    "agreements",
    "MAX_EXTRA_ROWS",
    "Tier",
    "band_keys",
    "band_tables",
    "bucket_pairs",
    "candidates",
    "candidates_of",
    "detection_probability",
    "extra_rows",
    "plan",
    "plausible",
    "size_tier",
    "transpose",
]

#: Whether the C kernel is there: :func:`candidates` uses it by default (same pairs as numpy, faster).
COMPILED = _bands is not None

#: Rows added, one at a time, to split an oversized bucket before chaining it.
MAX_EXTRA_ROWS = 8

#: candidates_of compares each query row with every corpus row (work: queries x corpus x
#: bands) up to this many query rows; above it, one candidates() run over all rows is cheaper.
DIRECT_QUERIES = 64

#: Corpus rows compared at once with a query row (bounds the boolean temporaries).
_CHUNK = 16384


@dataclass(frozen=True, slots=True)
class Tier:
    """A band table used for the pairs whose size ratio is at most ``max_ratio``."""

    r: int
    b: int
    max_ratio: float


def detection_probability(jaccard: float, *, r: int, b: int) -> float:
    """Probability that a pair of the given Jaccard collides in at least one band."""
    return 1.0 - (1.0 - jaccard**r) ** b


def _lowest_jaccard(rho: float, threshold: float, containment: float | None) -> float:
    if containment is None:
        return threshold
    return min(threshold, containment / (1.0 + rho - containment))


def _max_ratio(r: int, b: int, threshold: float, containment: float | None, recall: float) -> float:
    """Largest size ratio at which tier (r, b) still finds reportable pairs with ``recall``."""
    # Smallest Jaccard the tier detects with the wanted probability.
    j = (1.0 - (1.0 - recall) ** (1.0 / b)) ** (1.0 / r)
    if containment is None or j > containment:
        return 1.0 / threshold if j <= threshold else 0.0
    return containment / j - 1.0 + containment


def plan(
    *, num_perm: int = 128, threshold: float = 0.5, containment: float | None = 0.75, recall: float = 0.95
) -> tuple[Tier, ...]:
    """Choose the band tables for these thresholds.

    The first tier takes the widest bands that still find same-size pairs at the
    thresholds with probability ``recall``; if pairs of larger size ratios can be
    reportable (always, when ``containment`` is set), a second tier of single-row
    bands covers them. Pairs beyond the last tier's ``max_ratio`` are found with a
    lower probability (``inf`` when the single-row tier is the last one: its
    probability falls gently with the ratio, see README).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}; 0.5 is the default")
    if containment is not None and not 0.0 < containment <= 1.0:
        raise ValueError(f"containment must be in (0, 1] or None, got {containment!r}; 0.75 is the default")
    if num_perm < 2:
        raise ValueError(f"num_perm must be at least 2, got {num_perm!r}")
    if not 0.0 < recall <= 1.0:  # 0 divided by zero below; above 1, powers of negatives went complex
        raise ValueError(f"recall must be in (0, 1], got {recall!r}; 0.95 is the default")
    j0 = _lowest_jaccard(1.0, threshold, containment)
    r = 1
    for width in range(num_perm, 0, -1):
        if detection_probability(j0, r=width, b=num_perm // width) >= recall:
            r = width
            break
    first = Tier(r, num_perm // r, _max_ratio(r, num_perm // r, threshold, containment, recall))
    reachable = math.inf if containment is not None else 1.0 / threshold
    if r == 1 or first.max_ratio >= reachable:
        return (Tier(first.r, first.b, math.inf),)
    return (first, Tier(1, num_perm, math.inf))


_GOLDEN = np.uint32(0x9E3779B1)  # Knuth's multiplicative hash constant (2^32 / golden ratio)


def size_tier(size_a: np.ndarray, size_b: np.ndarray, tiers: tuple[Tier, ...]) -> np.ndarray:
    """For each pair, the index of the tier whose size-ratio range holds it (``len(tiers)``: none).

    Sizes are shingle counts (at least 1 is used); the ratio is larger over smaller, and
    tier ``k`` holds the ratios in ``(tiers[k-1].max_ratio, tiers[k].max_ratio]``.
    """
    a = np.maximum(np.asarray(size_a, dtype=np.float64), 1.0)
    b = np.maximum(np.asarray(size_b, dtype=np.float64), 1.0)
    upper = np.array([t.max_ratio for t in tiers])
    return np.searchsorted(upper, np.maximum(a, b) / np.minimum(a, b), side="left")


def band_tables(tiers: tuple[Tier, ...]) -> list[tuple[int, int, int]]:
    """Every band table of the tiers, in order: ``(tier index, first signature row, rows r)``."""
    return [(k, band * t.r, t.r) for k, t in enumerate(tiers) for band in range(t.b)]


def transpose(hashvalues: np.ndarray, *, block: int = 256) -> np.ndarray:
    """The signature matrix transposed, one contiguous row per permutation.

    Copied a block of documents at a time: a block's signatures stay in the cache while
    they are scattered into the rows, which makes it about four times faster than
    ``np.ascontiguousarray(hashvalues.T)`` at 100k signatures.
    """
    n, num_perm = hashvalues.shape
    rows = np.empty((num_perm, n), dtype=hashvalues.dtype)
    for lo in range(0, n, block):
        rows[:, lo : lo + block] = hashvalues[lo : lo + block].T
    return rows


def band_keys(rows: np.ndarray, start: int, r: int) -> np.ndarray:
    """One uint32 key per document for the band of signature rows start..start+r-1 (wrapping).

    ``rows`` is the transposed signature matrix (one contiguous row per permutation).
    Keys of wider bands are mixed into 32 bits: an accidental collision only adds a
    candidate that verification rejects, it never loses one.
    """
    num_perm = rows.shape[0]
    key = rows[start % num_perm].copy()
    for i in range(1, r):
        key *= _GOLDEN
        key ^= rows[(start + i) % num_perm]
    return key


def extra_rows(start: int, r: int, num_perm: int) -> np.ndarray:
    """The signature rows that split an oversized bucket of the band at ``start`` (``r`` rows), in order."""
    return (start + r + np.arange(MAX_EXTRA_ROWS)) % num_perm


def _groups(keys: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members sharing a key with another member, grouped: ``(members, starts, sizes)``.

    ``members[starts[g] : starts[g] + sizes[g]]`` is group ``g`` (size >= 2, members
    ascending). Sorting every key of a band is the cost to avoid: a counting pass over
    ~8n hash buckets (the multiplicatively hashed key's top bits) finds the few
    documents that may share a key, and only those are sorted.
    """
    empty = np.zeros(0, dtype=np.int64)
    n = len(keys)
    if n < 2:
        return empty, empty, empty
    bits = min(22, max(4, n.bit_length() + 3))
    bucket = ((keys * _GOLDEN) >> np.uint32(32 - bits)).astype(np.intp)
    maybe = np.flatnonzero(np.bincount(bucket, minlength=1 << bits)[bucket] > 1)
    if not len(maybe):
        return empty, empty, empty
    # One sort of (key, position) gives the groups and keeps each group's members ascending.
    packed = np.sort((keys[maybe].astype(np.uint64) << np.uint64(32)) | np.arange(len(maybe), dtype=np.uint64))
    order = maybe[(packed & np.uint64(0xFFFFFFFF)).astype(np.intp)]
    sk = (packed >> np.uint64(32)).astype(np.uint32)
    same = sk[1:] == sk[:-1]
    in_group = np.concatenate(([False], same)) | np.concatenate((same, [False]))
    order, sk = order[in_group], sk[in_group]
    if not len(order):
        return empty, empty, empty
    starts = np.flatnonzero(np.concatenate(([True], sk[1:] != sk[:-1])))
    sizes = np.diff(np.append(starts, len(sk)))
    return members[order], starts, sizes


def _all_pairs(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair inside every group, vectorised per group size (groups are small)."""
    firsts, seconds = [], []
    for m in np.unique(sizes).tolist():
        rows = members[starts[sizes == m][:, None] + np.arange(m)]  # (groups, m)
        i, j = np.triu_indices(m, k=1)
        firsts.append(rows[:, i].ravel())
        seconds.append(rows[:, j].ravel())
    return np.concatenate(firsts), np.concatenate(seconds)


def bucket_pairs(
    keys: np.ndarray,
    extra: Callable[[int, np.ndarray], np.ndarray],
    *,
    max_bucket: int,
    members: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs of one band table, as two arrays of positions ``(i, j)``, ``i < j``.

    Positions index ``keys`` (uint32 band keys), which must come in id order: a bucket is
    all positions sharing a key. Every pair of a bucket of up to ``max_bucket`` is a
    candidate; a larger bucket is split by the following signature rows, ``extra(e,
    positions)`` giving row ``e`` (``0 <= e < MAX_EXTRA_ROWS``, see :func:`extra_rows`)
    of those positions, and a part still too large after them is chained in id order.
    The pairs of a bucket depend on its members alone, so buckets may be split across
    tasks (the Ray engine does) as long as each bucket stays whole. ``members``, when
    given, are the positions (ascending) that ``keys`` belong to, one key each.
    """
    members = np.arange(len(keys)) if members is None else members
    return _split([(members, keys, 0)], extra, max_bucket)


def _split(
    work: list[tuple[np.ndarray, np.ndarray, int]], extra: Callable[[int, np.ndarray], np.ndarray], max_bucket: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs of buckets ``(members, keys, e)`` still to be grouped by their keys (rows used: ``e``)."""
    out = []
    while work:
        members, k, e = work.pop()
        members, starts, sizes = _groups(k, members)
        if not len(sizes):
            continue
        small = sizes <= max_bucket
        if small.any():
            out.append(_all_pairs(members, starts[small], sizes[small]))
        for s, m in zip(starts[~small].tolist(), sizes[~small].tolist()):
            _oversized(members[s : s + m], e, extra, work, out)
    return out


def _oversized(g: np.ndarray, e: int, extra: Callable[[int, np.ndarray], np.ndarray], work: list, out: list) -> None:
    """A bucket larger than max_bucket: split it by signature row ``e``, or chain it after the last row."""
    if e < MAX_EXTRA_ROWS:
        work.append((g, extra(e, g), e + 1))
    else:  # near-identical documents: chain them (a spanning path) in id order
        out.append((g[:-1], g[1:]))


def _leave_signals_to_the_main_thread() -> None:
    """A band-search thread blocks SIGINT, SIGTERM and SIGHUP: Python handles them in the main thread,
    which the kernel would leave asleep if it gave one to this thread (see ``dedup.cli._stop_on_signals``)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _table_codes(
    rows: np.ndarray,
    table: tuple[int, int, int],
    tiers: tuple[Tier, ...],
    sizes: np.ndarray,
    alive: np.ndarray,
    max_bucket: int,
    *,
    compiled: bool,
    scratch: threading.local | None = None,
) -> list[np.ndarray]:
    """The candidate pairs of one band table that belong to its tier, as codes ``i * n + j``.

    ``compiled`` runs the C kernel (dedup/_bands.c), which does what :func:`bucket_pairs`
    and the tier test do here, in one pass; both ways give the same codes. ``scratch``
    keeps the kernel's work area of each thread from table to table.
    """
    k, start, r = table
    n = len(sizes)
    lo, hi = (tiers[k - 1].max_ratio if k else 0.0), tiers[k].max_ratio
    keys = band_keys(rows, start, r)
    following = extra_rows(start, r, rows.shape[0])
    if compiled:
        scratch = threading.local() if scratch is None else scratch
        if len(getattr(scratch, "buffer", b"")) < (need := _bands.table_bytes(n)):
            scratch.buffer = bytearray(need)
        found = _bands.table_pairs(
            keys, rows, following.astype(np.int64), sizes, alive.view(np.uint8), lo, hi, max_bucket, scratch.buffer
        )
        return [np.frombuffer(found, dtype=np.uint64)]
    live = np.flatnonzero(alive)
    codes: list[np.ndarray] = []
    for a, b in bucket_pairs(keys[live], lambda e, g: rows[following[e], g], max_bucket=max_bucket, members=live):
        lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
        keep = size_tier(sizes[lo_], sizes[hi_], tiers) == k
        if keep.any():
            codes.append(lo_[keep].astype(np.uint64) * np.uint64(n) + hi_[keep].astype(np.uint64))
    return codes


def candidates(
    hashvalues: np.ndarray,
    sizes: np.ndarray,
    tiers: tuple[Tier, ...],
    *,
    max_bucket: int = 64,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    compiled: bool | None = None,
) -> np.ndarray:
    """Candidate pairs ``(i, j)`` with ``i < j`` (rows of ``hashvalues``), sorted and unique.

    ``sizes`` are the shingle-set sizes: they decide which tier a pair belongs to.
    Documents without shingles (an all-max signature row) never pair. ``compiled``
    chooses the C kernel or the numpy path (same pairs; default: the kernel when it
    was built, see :data:`COMPILED`).
    """
    n, num_perm = hashvalues.shape
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if max_bucket < 2:
        raise ValueError(f"max_bucket must be at least 2, got {max_bucket!r}")
    if compiled is None:
        compiled = COMPILED
    elif compiled and not COMPILED:
        raise ValueError("the compiled kernel dedup._bands was not built (no C compiler at install time)")
    sizes = np.ascontiguousarray(np.maximum(np.asarray(sizes, dtype=np.float64), 1.0))
    alive = has_shingles(hashvalues)
    rows = transpose(hashvalues)

    scratch = threading.local()

    def run(table: tuple[int, int, int]) -> list[np.ndarray]:
        return _table_codes(rows, table, tiers, sizes, alive, max_bucket, compiled=compiled, scratch=scratch)

    codes: list[np.ndarray] = []
    # the kernel and numpy's sorts release the GIL; a signal to the process is left to the main thread
    with ThreadPoolExecutor(max_workers=max(1, workers), initializer=_leave_signals_to_the_main_thread) as pool:
        for done, found in enumerate(pool.map(run, band_tables(tiers)), start=1):
            codes.extend(found)
            if progress is not None:
                progress(done)
    uniq = np.concatenate(codes) if codes else np.zeros(0, dtype=np.uint64)
    if not len(uniq):
        return np.zeros((0, 2), dtype=np.int64)
    if compiled:
        uniq = uniq[: _bands.sort_unique(uniq, np.empty_like(uniq))]
    else:
        uniq.sort()  # sort + neighbour test: numpy 2's hashing np.unique is several times slower here
        uniq = uniq[np.concatenate(([True], uniq[1:] != uniq[:-1]))]
    return np.stack([(uniq // np.uint64(n)).astype(np.int64), (uniq % np.uint64(n)).astype(np.int64)], axis=1)


def candidates_of(
    query: np.ndarray,
    query_sizes: np.ndarray,
    corpus: np.ndarray,
    corpus_sizes: np.ndarray,
    tiers: tuple[Tier, ...],
    *,
    max_bucket: int = 64,
    workers: int = 1,
) -> np.ndarray:
    """Candidate pairs that involve a query row: new documents against an indexed corpus.

    Rows are numbered query first: row ``i < len(query)`` is ``query[i]``, row
    ``len(query) + j`` is ``corpus[j]``. Returns pairs ``(i, j)``, ``i < j``, sorted and
    unique; a pair of two corpus rows is never returned.

    The rule is :func:`candidates`': a pair is a candidate when its rows agree on every row
    of a band of the tier for its size ratio. Query pairs come from :func:`candidates` on
    the query rows. For up to :data:`DIRECT_QUERIES` query rows, each is compared with
    every corpus row directly (exact band equality, no bucket limit), which finds every
    pair :func:`candidates` on all rows would find, plus the few that it drops when it
    splits an oversized bucket; for more, :func:`candidates` runs on all rows.
    """
    nq, nc = len(query), len(corpus)
    if nq == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if nc and query.shape[1] != corpus.shape[1]:
        raise ValueError(f"query has {query.shape[1]} permutations and corpus {corpus.shape[1]}: sign both alike")
    if nq > DIRECT_QUERIES and nc:
        found = candidates(
            np.concatenate([query, corpus]),
            np.concatenate([query_sizes, corpus_sizes]),
            tiers,
            max_bucket=max_bucket,
            workers=workers,
        )
        return found[found[:, 0] < nq]
    parts = [candidates(query, query_sizes, tiers, max_bucket=max_bucket, workers=workers)]
    if nc:
        qs = np.maximum(np.asarray(query_sizes, dtype=np.float64), 1.0)
        cs = np.maximum(np.asarray(corpus_sizes, dtype=np.float64), 1.0)
        live_c = has_shingles(corpus)
        upper = np.array([t.max_ratio for t in tiers])
        for i in np.flatnonzero(has_shingles(query)):
            ratio = np.maximum(cs, qs[i]) / np.minimum(cs, qs[i])
            tier_of = np.searchsorted(upper, ratio, side="left")  # the first tier whose range holds it
            hit = np.zeros(nc, dtype=bool)
            for k, tier in enumerate(tiers):
                rows = np.flatnonzero((tier_of == k) & live_c)
                width = tier.b * tier.r
                for lo in range(0, len(rows), _CHUNK):
                    sub = rows[lo : lo + _CHUNK]
                    same = corpus[sub, :width] == query[i, :width]
                    if tier.r > 1:
                        same = same.reshape(len(sub), tier.b, tier.r).all(axis=2)
                    hit[sub[same.any(axis=1)]] = True
            js = np.flatnonzero(hit)
            parts.append(np.stack([np.full(len(js), i, dtype=np.int64), js.astype(np.int64) + nq], axis=1))
    found = np.concatenate(parts)
    if not len(found):
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(found, axis=0)


#: The chance, for one reportable pair, that :func:`plausible` drops it.
ALPHA = 1e-4


@lru_cache(maxsize=16)
def _fewest_agreements(num_perm: int, alpha: float, grid: int = 2048) -> np.ndarray:
    """``q[k]``: the fewest agreeing rows kept for a pair whose Jaccard is at least ``k / grid``.

    For ``m`` agreeing rows out of ``num_perm`` and Jaccard ``J``, ``m`` follows
    Binomial(num_perm, J); ``q[k]`` is its ``alpha`` quantile at ``J = k / grid``.
    """
    q = np.zeros(grid + 1, dtype=np.int64)
    for k in range(1, grid + 1):
        j = k / grid
        if j >= 1.0:
            q[k] = num_perm
            continue
        total, m = 0.0, 0
        log_j, log_1j = math.log(j), math.log1p(-j)
        while m <= num_perm:
            log_pmf = math.lgamma(num_perm + 1) - math.lgamma(m + 1) - math.lgamma(num_perm - m + 1)
            total += math.exp(log_pmf + m * log_j + (num_perm - m) * log_1j)
            if total >= alpha:
                break
            m += 1
        q[k] = m
    return q


def plausible(
    pairs: np.ndarray,
    hashvalues: np.ndarray,
    sizes: np.ndarray,
    *,
    threshold: float,
    containment: float | None,
    alpha: float = ALPHA,
) -> np.ndarray:
    """The candidate pairs whose signatures agree often enough for them to be reportable.

    A pair of size ratio ``rho`` can only be reported if its Jaccard is at least
    ``j(rho) = min(threshold, containment / (1 + rho - containment))`` (see
    :func:`plan`); its signatures then agree in Binomial(num_perm, J >= j(rho)) rows.
    A pair agreeing in fewer rows than that distribution's ``alpha`` quantile is
    dropped, so a reportable pair is lost with probability below ``alpha``, while the
    pairs that only share a common phrase through a single-row band (a few agreeing
    rows where dozens are expected) never reach exact verification.
    """
    if not len(pairs):
        return pairs
    num_perm = hashvalues.shape[1]
    sizes = np.maximum(np.asarray(sizes, dtype=np.float64), 1.0)
    a, b = pairs[:, 0], pairs[:, 1]
    rho = np.maximum(sizes[a], sizes[b]) / np.minimum(sizes[a], sizes[b])
    lowest = np.full(len(pairs), threshold, dtype=np.float64)
    if containment is not None:
        lowest = np.minimum(lowest, containment / (1.0 + rho - containment))
    table = _fewest_agreements(num_perm, alpha)
    grid = len(table) - 1
    need = table[np.clip(np.floor(lowest * grid).astype(np.int64), 0, grid)]  # rounded down: keeps more
    return pairs[agreements(hashvalues, a, b) >= need]


def agreements(hashvalues: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each pair of rows ``(a[i], b[i])``, on how many signature rows the two agree."""
    agree = np.empty(len(a), dtype=np.int64)
    if COMPILED and hashvalues.dtype == np.uint32 and hashvalues.flags.c_contiguous:
        _bands.agreements(hashvalues, hashvalues.shape[1], np.ascontiguousarray(a, dtype=np.int64),
                          np.ascontiguousarray(b, dtype=np.int64), agree)
        return agree
    for lo in range(0, len(a), _CHUNK):
        sl = slice(lo, lo + _CHUNK)
        agree[sl] = np.count_nonzero(hashvalues[a[sl]] == hashvalues[b[sl]], axis=1)
    return agree
