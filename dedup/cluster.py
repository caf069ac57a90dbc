"""Candidates -> verified pairs (exact Jaccard, containment both ways) -> clusters.

Every candidate from the LSH stage is checked against the exact shingle sets: sorted
``uint64`` fingerprint arrays, intersected by a merge in the compiled kernel
(:class:`ShingleSets`) or with ``searchsorted`` (no Python sets). A
pair is kept when its Jaccard reaches ``threshold`` or the containment of either
document in the other reaches ``containment``. Clusters are the connected components
of the kept pairs; each names a canonical version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dedup.index import COMPILED

__all__ = ["Cluster", "Match", "ShingleSets", "canonical", "clusters", "components", "overlap", "passing", "verify"]


@dataclass(frozen=True, slots=True)
class Match:
    """A verified pair of documents (row indices, ``a < b``) with its exact figures."""

    a: int
    b: int
    size_a: int
    size_b: int
    shared: int

    @property
    def jaccard(self) -> float:
        union = self.size_a + self.size_b - self.shared
        return self.shared / union if union else 0.0

    @property
    def containment_a_in_b(self) -> float:
        """|A ∩ B| / |A|: how much of A is found in B."""
        return self.shared / self.size_a if self.size_a else 0.0

    @property
    def containment_b_in_a(self) -> float:
        """|A ∩ B| / |B|: how much of B is found in A."""
        return self.shared / self.size_b if self.size_b else 0.0


@dataclass(frozen=True, slots=True)
class Cluster:
    """Row indices of the versions of one article, the canonical one, and why it was chosen."""

    members: tuple[int, ...]
    canonical: int
    reason: str


def overlap(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted arrays of unique fingerprints."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = 0
    return int(np.count_nonzero(b[pos] == a)) if len(b) else 0


class ShingleSets:
    """Many documents' shingle sets without copies: row ``r``'s is ``blocks[block[r]][start[r]:stop[r]]``.

    Each block is a uint64 array of several documents' sorted unique fingerprints (the
    signing stage hands them back a batch at a time).
    """

    def __init__(self, blocks: Sequence[np.ndarray], block: np.ndarray, start: np.ndarray, stop: np.ndarray) -> None:
        self._blocks = list(blocks)
        self._block, self._start, self._stop = (np.ascontiguousarray(x, dtype=np.int64) for x in (block, start, stop))

    def __len__(self) -> int:
        return len(self._block)

    def __getitem__(self, row: int) -> np.ndarray:
        return self._blocks[self._block[row]][self._start[row] : self._stop[row]]

    def sizes(self) -> np.ndarray:
        return self._stop - self._start

    def overlaps(self, pairs: np.ndarray) -> np.ndarray:
        """``|A & B|`` of each pair of rows (an ``(n, 2)`` array), as int64.

        The compiled kernel (dedup/_bands.c) merges the two sorted arrays of each pair;
        without it, :func:`overlap` does, a pair at a time.
        """
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        out = np.zeros(len(pairs), dtype=np.int64)
        if COMPILED and all(b.dtype == np.uint64 and b.flags.c_contiguous for b in self._blocks):
            from dedup import _bands  # noqa: PLC0415 - present where COMPILED

            a, b = (np.ascontiguousarray(pairs[:, k]) for k in (0, 1))
            _bands.overlaps(self._blocks, self._block, self._start, self._stop, a, b, out)
            return out
        for k, (a, b) in enumerate(pairs.tolist()):
            out[k] = overlap(self[a], self[b])
        return out


def verify(
    pairs: np.ndarray,
    fingerprints: Callable[[int], np.ndarray] | ShingleSets,
    *,
    threshold: float = 0.5,
    containment: float | None = 0.75,
) -> list[Match]:
    """Keep the candidate pairs whose exact Jaccard or containment passes its threshold.

    ``pairs`` is an ``(n, 2)`` array of row indices with ``a < b``; ``fingerprints(i)``
    returns the sorted unique fingerprints of document ``i``, or ``fingerprints`` is a
    :class:`ShingleSets` (intersected by its compiled kernel).
    """
    if isinstance(fingerprints, ShingleSets):
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        sizes = fingerprints.sizes()
        shared = fingerprints.overlaps(pairs)
        return passing(pairs, sizes[pairs[:, 0]], sizes[pairs[:, 1]], shared, threshold=threshold, containment=containment)
    counts = np.zeros((len(pairs), 3), dtype=np.int64)  # |A|, |B|, |A & B|
    for k, (a, b) in enumerate(pairs.tolist()):
        fa, fb = fingerprints(a), fingerprints(b)
        counts[k] = len(fa), len(fb), overlap(fa, fb)
    return passing(pairs, counts[:, 0], counts[:, 1], counts[:, 2], threshold=threshold, containment=containment)


def passing(
    pairs: np.ndarray,
    size_a: np.ndarray,
    size_b: np.ndarray,
    shared: np.ndarray,
    *,
    threshold: float = 0.5,
    containment: float | None = 0.75,
) -> list[Match]:
    """The pairs that share something and whose Jaccard or either containment passes its threshold.

    ``pairs`` is ``(n, 2)`` with ``a < b``; the other arrays hold each pair's set sizes and
    intersection size, counted by :func:`verify` or by worker processes. The figures are
    the same float divisions :class:`Match` makes.
    """
    sa, sb, sh = (np.asarray(x, dtype=np.int64) for x in (size_a, size_b, shared))
    union = (sa + sb - sh).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, sh / union, 0.0)
        most = np.maximum(np.where(sa > 0, sh / sa, 0.0), np.where(sb > 0, sh / sb, 0.0))
    keep = (sh > 0) & (jaccard >= threshold)
    if containment is not None:
        keep |= (sh > 0) & (most >= containment)
    rows = np.flatnonzero(keep)
    return [
        Match(a, b, x, y, z)
        for a, b, x, y, z in zip(
            pairs[rows, 0].tolist(), pairs[rows, 1].tolist(), sa[rows].tolist(), sb[rows].tolist(), sh[rows].tolist()
        )
    ]


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by ``pairs``: each node's smallest member.

    Vectorised minimum-label propagation with pointer jumping (no Python loop over
    edges): a handful of rounds for the short chains that candidate graphs have.
    """
    label = np.arange(n, dtype=np.int64)
    if not len(pairs):
        return label
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        while True:  # pointer jumping: follow labels to their root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def clusters(n: int, matches: Sequence[Match], ids: Sequence[str]) -> list[Cluster]:
    """Connected components of the matches (size >= 2), each with its canonical member.

    Clusters come sorted by their first member; members are sorted. The canonical
    member is the one with the most text shared with another version and the least of
    its own (see :func:`canonical`). Vectorised: :func:`components`, then one sort.
    """
    if not matches:
        return []
    a = np.fromiter((m.a for m in matches), dtype=np.int64, count=len(matches))
    b = np.fromiter((m.b for m in matches), dtype=np.int64, count=len(matches))
    shared = np.fromiter((m.shared for m in matches), dtype=np.int64, count=len(matches))
    label = components(n, np.stack([a, b], axis=1))
    best = np.zeros(n, dtype=np.int64)  # the most shingles each document shares with one other version
    np.maximum.at(best, a, shared)
    np.maximum.at(best, b, shared)
    size = np.zeros(n, dtype=np.int64)
    size[a] = np.fromiter((m.size_a for m in matches), dtype=np.int64, count=len(matches))
    size[b] = np.fromiter((m.size_b for m in matches), dtype=np.int64, count=len(matches))
    nodes = np.unique(np.concatenate([a, b]))
    nodes = nodes[np.lexsort((nodes, label[nodes]))]  # by cluster (its smallest member), then member
    first = np.flatnonzero(np.concatenate(([True], label[nodes][1:] != label[nodes][:-1])))
    score = 2 * best[nodes] - size[nodes]
    top = np.maximum.reduceat(score, first)
    ends = np.append(first[1:], len(nodes)).tolist()
    members = nodes.tolist()
    tied = (score == np.repeat(top, np.diff(np.append(first, len(nodes))))).tolist()
    out = []
    for s, e in zip(first.tolist(), ends):
        ordered = tuple(members[s:e])
        contenders = [x for x, t in zip(ordered, tied[s:e]) if t]
        chosen = contenders[0] if len(contenders) == 1 else min(contenders, key=ids.__getitem__)
        out.append(Cluster(ordered, chosen, _reason(int(best[chosen]), int(size[chosen]))))
    return out


def _reason(shared: int, size: int) -> str:
    return f"most text shared with another version ({shared} shingles) and least of its own ({size - shared})"


def canonical(
    members: Sequence[int], shared: Mapping[int, int], size: Mapping[int, int], ids: Sequence[str]
) -> tuple[int, str]:
    """The version with the most text shared with another version and the least of its own.

    ``shared[i]`` is the most shingles document ``i`` shares with one other version
    (its largest verified overlap), ``size[i]`` its shingle count. Shared text is the
    body the versions agree on; the rest of a version is what the others call
    boilerplate (captions, menus, paywall prompts ...). The score is shared minus own
    shingles; ties go to the smaller id. Linear in the pairs: no shingle set is read.
    """
    i = min(members, key=lambda x: (-(2 * shared[x] - size[x]), ids[x]))
    return i, _reason(shared[i], size[i])
