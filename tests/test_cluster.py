"""Exact verification and clustering."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedup.cluster import Match, canonical, clusters, components, overlap, passing, verify

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


@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60))))
def test_components_label_each_node_with_the_smallest_node_it_reaches(case):
    n, edges = case
    pairs = np.array([sorted(e) for e in edges], dtype=np.int64).reshape(-1, 2)
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs.tolist():
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    smallest = {}
    for x in range(n):
        smallest.setdefault(find(x), x)
    assert components(n, pairs).tolist() == [smallest[find(x)] for x in range(n)]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)), max_size=40))
def test_verify_and_passing_keep_the_pairs_the_rule_names(rows):
    """verify (sets at hand) and passing (counts made by workers) keep exactly the pairs with
    something shared and Jaccard >= threshold or a containment >= containment, with their figures."""
    sets, pairs, sa, sb, sh = [], [], [], [], []
    for k, (only_a, only_b, common) in enumerate(rows):
        both = np.arange(common, dtype=np.uint64)
        a = np.sort(np.concatenate([both, 1000 + np.arange(only_a, dtype=np.uint64)]))
        b = np.sort(np.concatenate([both, 2000 + np.arange(only_b, dtype=np.uint64)]))
        sets += [a, b]
        pairs.append((2 * k, 2 * k + 1))
        sa.append(len(a)), sb.append(len(b)), sh.append(common)
    pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    for threshold, containment in ((0.5, 0.75), (0.3, None), (0.9, 0.5)):
        expected = []
        for (a, b), x, y, z in zip(pairs.tolist(), sa, sb, sh):
            m = Match(a, b, x, y, z)
            most = max(m.containment_a_in_b, m.containment_b_in_a)
            if z > 0 and (m.jaccard >= threshold or (containment is not None and most >= containment)):
                expected.append(m)
        assert verify(pairs, sets.__getitem__, threshold=threshold, containment=containment) == expected
        assert passing(pairs, sa, sb, sh, threshold=threshold, containment=containment) == expected


@given(
    st.lists(
        st.tuples(st.integers(0, 14), st.integers(0, 14), st.integers(1, 50), st.integers(1, 50), st.integers(1, 50)),
        max_size=30,
    ),
    st.permutations([f"d{k:02d}" for k in range(15)]),
)
def test_clusters_are_the_components_with_the_canonical_rule(raw, ids):
    """The vectorised clusters() against the plain definition: components, canonical() on each."""
    sizes = {}
    matches = []
    for a, b, sa, sb, sh in raw:
        if a == b:
            continue
        a, b = min(a, b), max(a, b)
        sa, sb = sizes.setdefault(a, sa), sizes.setdefault(b, sb)
        matches.append(Match(a, b, sa, sb, min(sh, sa, sb)))
    groups = {}
    label = components(15, np.array([(m.a, m.b) for m in matches], dtype=np.int64).reshape(-1, 2)).tolist()
    for m in matches:
        groups.setdefault(label[m.a], set()).update((m.a, m.b))
    expected = []
    for key in sorted(groups):
        members = tuple(sorted(groups[key]))
        best = {x: max(m.shared for m in matches if x in (m.a, m.b)) for x in members}
        chosen, reason = canonical(members, best, {x: sizes[x] for x in members}, ids)
        expected.append((members, chosen, reason))
    assert [(c.members, c.canonical, c.reason) for c in clusters(15, matches, ids)] == expected
