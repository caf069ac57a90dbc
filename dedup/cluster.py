"""Candidates -> verified pairs (exact Jaccard, containment both ways) -> clusters.

Every candidate from the LSH stage is checked against the exact shingle sets: sorted
``uint64`` fingerprint arrays, intersected with ``searchsorted`` (no Python sets). A
pair is kept when its Jaccard reaches ``threshold`` or the containment of either
document in the other reaches ``containment``. Clusters are the connected components
of the kept pairs; each names a canonical version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Cluster", "Match", "canonical", "clusters", "overlap", "verify"]


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


def verify(
    pairs: np.ndarray,
    fingerprints: Callable[[int], np.ndarray],
    *,
    threshold: float = 0.5,
    containment: float | None = 0.75,
) -> list[Match]:
    """Keep the candidate pairs whose exact Jaccard or containment passes its threshold.

    ``pairs`` is an ``(n, 2)`` array of row indices with ``a < b``; ``fingerprints(i)``
    returns the sorted unique fingerprints of document ``i``.
    """
    kept = []
    for a, b in pairs.tolist():
        fa, fb = fingerprints(a), fingerprints(b)
        m = Match(a, b, len(fa), len(fb), overlap(fa, fb))
        if m.shared == 0:
            continue
        if m.jaccard >= threshold or (
            containment is not None and max(m.containment_a_in_b, m.containment_b_in_a) >= containment
        ):
            kept.append(m)
    return kept


def clusters(
    n: int, matches: Sequence[Match], fingerprints: Callable[[int], np.ndarray], ids: Sequence[str]
) -> list[Cluster]:
    """Connected components of the matches (size >= 2), each with its canonical member.

    Clusters come sorted by their first member; members are sorted.
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matches:
        ra, rb = find(m.a), find(m.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for m in matches:
        for x in (m.a, m.b):
            groups.setdefault(find(x), []).append(x)
    out = []
    for members in groups.values():
        members = sorted(set(members))
        best, reason = canonical(members, fingerprints, ids)
        out.append(Cluster(tuple(members), best, reason))
    out.sort(key=lambda c: c.members)
    return out


def canonical(
    members: Sequence[int], fingerprints: Callable[[int], np.ndarray], ids: Sequence[str]
) -> tuple[int, str]:
    """The version with the most text shared with the others and the least of its own.

    Shared text is the body the versions agree on; text found in one version only is
    what the others call boilerplate (captions, menus, paywall prompts ...). The score
    is shared minus own shingles; ties go to the smaller id.
    """
    fps = [fingerprints(i) for i in members]
    values, counts = np.unique(np.concatenate(fps), return_counts=True)
    best = None
    for i, f in zip(members, fps):
        shared = int(np.count_nonzero(counts[np.searchsorted(values, f)] >= 2))
        own = len(f) - shared
        key = (-(shared - own), ids[i])
        if best is None or key < best[0]:
            best = (key, i, shared, own)
    _, i, shared, own = best
    return i, f"most text shared with the other versions ({shared} shingles) and least of its own ({own})"
