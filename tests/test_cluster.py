"""Exact verification and clustering."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import cluster as cluster_module
from dedup.cluster import Match, ShingleSets, canonical, clusters, components, overlap, passing, verify
from dedup.index import COMPILED

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


# ShingleSets: many documents' sets in a few blocks, intersected by the C kernel where it was built.

needs_kernel = pytest.mark.skipif(not COMPILED, reason="dedup._bands was not built (no C compiler at install time)")


def _shingle_sets(docs: list[set[int]], cuts: list[int]) -> ShingleSets:
    """The sets laid out as the signing stage hands them back: consecutive documents per block."""
    bounds = sorted({0, len(docs), *(c % (len(docs) + 1) for c in cuts)})
    blocks, block, start, stop = [], [], [], []
    for k, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        parts = [np.array(sorted(docs[i]), dtype=np.uint64) for i in range(lo, hi)]
        at = np.cumsum([0, *map(len, parts)])
        blocks.append(np.concatenate(parts) if parts else np.zeros(0, np.uint64))
        block += [k] * (hi - lo)
        start += at[:-1].tolist()
        stop += at[1:].tolist()
    return ShingleSets(blocks, np.array(block), np.array(start), np.array(stop))


# Small values as well as any 64-bit ones, so that sets share members.
members = st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1))


@given(
    st.lists(st.sets(members, max_size=50), min_size=1, max_size=12),
    st.lists(st.integers(0, 100), max_size=4),
    st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000)), max_size=40),
    st.booleans(),
)
def test_shingle_sets_intersect_every_pair_exactly(docs, cuts, picks, compiled):
    sets = _shingle_sets(docs, cuts)
    pairs = np.array([(a % len(docs), b % len(docs)) for a, b in picks], dtype=np.int64).reshape(-1, 2)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cluster_module, "COMPILED", compiled and COMPILED)
        got = sets.overlaps(pairs)
    assert got.tolist() == [len(docs[a] & docs[b]) for a, b in pairs.tolist()]
    assert sets.sizes().tolist() == [len(d) for d in docs]
    assert [sets[i].tolist() for i in range(len(docs))] == [sorted(d) for d in docs]


def test_verify_gives_the_same_matches_from_shingle_sets_as_from_a_lookup():
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**63, size=400, dtype=np.uint64)
    docs = [set(rng.choice(base, size=int(rng.integers(0, 300)), replace=False).tolist()) for _ in range(30)]
    sets = _shingle_sets(docs, [7, 19])
    pairs = np.array([(a, b) for a in range(30) for b in range(a + 1, 30)], dtype=np.int64)
    lookup = {i: np.array(sorted(d), dtype=np.uint64) for i, d in enumerate(docs)}
    for threshold, containment in ((0.3, 0.5), (0.5, None)):
        want = verify(pairs, lookup.__getitem__, threshold=threshold, containment=containment)
        assert want  # the case keeps some pairs and drops others
        assert len(want) < len(pairs)
        assert verify(pairs, sets, threshold=threshold, containment=containment) == want


@needs_kernel
def test_the_overlap_kernel_rejects_bad_buffers():
    from dedup import _bands

    sets = [np.array([1, 2, 3], np.uint64)]
    block, start, stop = np.zeros(2, np.int64), np.array([0, 1]), np.array([2, 3])
    one, out = np.array([0]), np.zeros(1, np.int64)
    _bands.overlaps(sets, block, start, stop, one, one + 1, out)
    assert out.tolist() == [1]  # {1, 2} & {2, 3}
    with pytest.raises(IndexError, match="outside block"):
        _bands.overlaps(sets, block, start, stop, one, one + 2, out)
    with pytest.raises(IndexError, match="outside its block"):
        _bands.overlaps(sets, block, start, stop + 1, one, one, out)
    with pytest.raises(IndexError, match="outside its block"):
        _bands.overlaps(sets, block + 1, start, stop, one, one, out)
    with pytest.raises(ValueError, match="one length"):
        _bands.overlaps(sets, block, start[:1], stop, one, one, out)
    with pytest.raises(ValueError, match="uint64"):
        _bands.overlaps([b"abc"], block, start, stop, one, one, out)
    with pytest.raises(TypeError):
        _bands.overlaps(5, block, start, stop, one, one, out)
