"""Candidates -> verified pairs (exact Jaccard, containment both ways) -> clusters.

Every candidate from the LSH stage is checked against the exact shingle sets: sorted
``uint64`` fingerprint arrays, intersected with ``searchsorted`` (no Python sets). A
pair is kept when its Jaccard reaches ``threshold`` or the containment of either
document in the other reaches ``containment``. Clusters are the connected components
of the kept pairs; each names a canonical version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


def clusters(n: int, matches: Sequence[Match], ids: Sequence[str]) -> list[Cluster]:
    """Connected components of the matches (size >= 2), each with its canonical member.

    Clusters come sorted by their first member; members are sorted. The canonical
    member is the one with the most text shared with another version and the least of
    its own (see :func:`canonical`).
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
    groups: dict[int, set[int]] = {}
    best: dict[int, int] = {}  # the most shingles each document shares with one other version
    size: dict[int, int] = {}
    for m in matches:
        groups.setdefault(find(m.a), set()).update((m.a, m.b))
        for x, sx in ((m.a, m.size_a), (m.b, m.size_b)):
            best[x] = max(best.get(x, 0), m.shared)
            size[x] = sx
    out = []
    for members in groups.values():
        ordered = tuple(sorted(members))
        chosen, reason = canonical(ordered, {x: best[x] for x in ordered}, {x: size[x] for x in ordered}, ids)
        out.append(Cluster(ordered, chosen, reason))
    out.sort(key=lambda c: c.members)
    return out


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
    return i, f"most text shared with another version ({shared[i]} shingles) and least of its own ({size[i] - shared[i]})"
