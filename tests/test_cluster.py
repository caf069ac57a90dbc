"""Exact verification and clustering."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedup.cluster import Match, clusters, overlap, verify

sets = st.sets(st.integers(min_value=0, max_value=2**64 - 1), max_size=60)


@given(sets, sets)
def test_overlap_is_the_exact_intersection(a, b):
    fa = np.array(sorted(a), dtype=np.uint64)
    fb = np.array(sorted(b), dtype=np.uint64)
    assert overlap(fa, fb) == len(a & b)


def test_match_figures():
    m = Match(0, 1, size_a=100, size_b=400, shared=90)
    assert m.jaccard == 90 / 410
    assert m.containment_a_in_b == 0.9
    assert m.containment_b_in_a == 90 / 400


def _fps(*sets_):
    arrays = [np.array(sorted(s), dtype=np.uint64) for s in sets_]
    return arrays.__getitem__


def test_verify_keeps_jaccard_or_containment_pairs_only():
    body = set(range(100))
    get = _fps(
        body,  # 0: the article
        body | set(range(1000, 1300)),  # 1: a full page around it (Jaccard 0.25, containment 1)
        set(range(50, 150)),  # 2: half of it (Jaccard 0.33, containment 0.5)
        set(range(5000, 5100)),  # 3: unrelated
    )
    pairs = np.array([[0, 1], [0, 2], [0, 3], [1, 2]])
    kept = verify(pairs, get, threshold=0.5, containment=0.75)
    assert [(m.a, m.b) for m in kept] == [(0, 1)]
    assert verify(pairs, get, threshold=0.5, containment=None) == []
    assert [(m.a, m.b) for m in verify(pairs, get, threshold=0.3, containment=None)] == [(0, 2)]


def test_clusters_are_components_with_a_canonical_member():
    # 0: body + a caption; 1: a full page; 2: the clean body; 3 and 4: another article
    matches = [Match(0, 1, 101, 400, 100), Match(1, 2, 400, 100, 100), Match(3, 4, 100, 101, 100)]
    out = clusters(5, matches, ids=["a", "b", "c", "d", "e"])
    assert [c.members for c in out] == [(0, 1, 2), (3, 4)]
    assert out[0].canonical == 2  # most shared, least of its own
    assert out[0].reason == "most text shared with another version (100 shingles) and least of its own (0)"
    assert out[1].canonical == 3


def test_canonical_ties_go_to_the_smaller_id():
    out = clusters(2, [Match(0, 1, 100, 100, 90)], ids=["b.txt", "a.txt"])
    assert out[0].canonical == 1
