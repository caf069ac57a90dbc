"""Candidate generation: containment-aware band tables, bounded buckets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.index import COMPILED, Tier, candidates, candidates_of, detection_probability, plan
from dedup.signature import sign_batch
from tests.helpers import prose


def test_default_plan_has_a_same_size_tier_and_a_containment_tier():
    tiers = plan(num_perm=128, threshold=0.5, containment=0.75)
    assert tiers[0].r == 3 and tiers[0].b == 42
    assert 1.5 < tiers[0].max_ratio < 1.7
    assert tiers[1] == Tier(1, 128, math.inf)
    # each tier finds the weakest reportable pair of its range with probability >= 0.95
    j_edge = 0.75 / (1 + tiers[0].max_ratio - 0.75)
    assert detection_probability(j_edge, r=3, b=42) == pytest.approx(0.95, abs=1e-6)
    assert detection_probability(0.5, r=3, b=42) > 0.99


def test_jaccard_only_plan_stops_at_the_reachable_ratio():
    tiers = plan(num_perm=128, threshold=0.8, containment=None)
    assert len(tiers) == 1 and tiers[0].r > 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0.0}, "threshold must be in"),
        ({"threshold": 1.5}, "threshold must be in"),
        ({"containment": 2.0}, "containment must be in"),
        ({"num_perm": 1}, "num_perm must be at least 2"),
        # Config(recall=...) raised ZeroDivisionError, or TypeError on complex numbers
        ({"recall": 0.0}, r"recall must be in \(0, 1\], got 0.0"),
        ({"recall": 1.5}, "recall must be in"),
        ({"recall": -0.5}, "recall must be in"),
        ({"recall": float("nan")}, "recall must be in"),
    ],
)
def test_plan_rejects_bad_knobs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plan(**kwargs)


def _signed(texts):
    sig = sign_batch(texts, num_perm=128, seed=1)
    return sig.hashvalues, sig.sizes


def test_a_small_document_contained_in_a_large_one_is_a_candidate():
    article = prose(1, paragraphs=4)
    page = "\n\n".join([prose(100 + k, paragraphs=4) for k in range(3)] + [article])  # ratio ~4, Jaccard ~0.25
    texts = [article, page] + [prose(200 + k) for k in range(20)]
    hv, sizes = _signed(texts)
    tiers = plan()
    found = {tuple(p) for p in candidates(hv, sizes, tiers).tolist()}
    assert (0, 1) in found
    assert len(found) <= 2  # unrelated prose does not collide


def test_unrelated_documents_are_not_candidates():
    hv, sizes = _signed([prose(k) for k in range(50)])
    assert len(candidates(hv, sizes, plan())) == 0


def test_a_huge_bucket_is_chained_not_paired_all_to_all():
    text = prose(7)
    n = 300
    hv, sizes = _signed([text] * n + [prose(9)])
    pairs = candidates(hv, sizes, plan(), max_bucket=16)
    assert len(pairs) < 2 * n  # linear, not n*(n-1)/2 = 44850
    # but every copy is connected to the next one
    assert {(i, i + 1) for i in range(n - 1)} <= {tuple(p) for p in pairs.tolist()}
    assert not (pairs == n).any()


def test_candidates_are_sorted_unique_and_ordered():
    a = prose(3)
    hv, sizes = _signed([a, a, a, prose(4)])
    pairs = candidates(hv, sizes, plan())
    assert pairs.tolist() == [[0, 1], [0, 2], [1, 2]]


def test_documents_without_shingles_never_pair():
    hv = np.full((3, 128), 0xFFFFFFFF, dtype=np.uint32)
    assert len(candidates(hv, np.zeros(3), plan())) == 0


def test_same_answer_with_more_workers():
    texts = [prose(k % 7) for k in range(40)]
    hv, sizes = _signed(texts)
    assert candidates(hv, sizes, plan(), workers=1).tolist() == candidates(hv, sizes, plan(), workers=2).tolist()


def _corpus_and_queries():
    """Unrelated documents, near-copies, a clean article inside a page, and empty rows."""
    texts = [prose(k, paragraphs=4) for k in range(40)]
    texts.append(texts[3].replace("the", "a", 5))  # a light edit of 3
    texts.append(prose(900, paragraphs=3) + "\n\n" + texts[7] + "\n\n" + prose(901, paragraphs=6))  # 7 inside a page
    texts.append("")  # no shingles
    texts.append(texts[20][: len(texts[20]) // 3])  # the start of 20
    return texts


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize("queries", [[40], [41, 43], [3, 40, 42], [0, 7, 20, 41]])
def test_candidates_of_finds_what_candidates_finds_on_all_rows(monkeypatch, direct, queries):
    if not direct:
        monkeypatch.setattr("dedup.index.DIRECT_QUERIES", 0)
    texts = _corpus_and_queries()
    rest = [k for k in range(len(texts)) if k not in queries]
    order = queries + rest  # query rows first, as candidates_of numbers them
    sig = sign_batch([texts[k] for k in order], num_perm=128, seed=1)
    tiers = plan()
    nq = len(queries)
    expected = candidates(sig.hashvalues, sig.sizes, tiers)
    expected = {tuple(p) for p in expected.tolist() if p[0] < nq}
    got = candidates_of(sig.hashvalues[:nq], sig.sizes[:nq], sig.hashvalues[nq:], sig.sizes[nq:], tiers)
    assert got.dtype == np.int64 and got.shape[1] == 2
    assert [tuple(p) for p in got.tolist()] == sorted(expected)
    assert expected  # every query set here has a real pair among its candidates


def test_candidates_of_with_no_corpus_or_no_query():
    sig = sign_batch([prose(1), prose(1), prose(2)], num_perm=64, seed=1)
    tiers = plan(num_perm=64)
    empty = np.zeros((0, 64), dtype=np.uint32)
    none = np.zeros(0, dtype=np.int64)
    assert candidates_of(sig.hashvalues, sig.sizes, empty, none, tiers).tolist() == [[0, 1]]
    assert candidates_of(empty, none, sig.hashvalues, sig.sizes, tiers).shape == (0, 2)


@pytest.mark.parametrize("max_bucket", [2, 4, 64])
def test_bucket_pairs_of_whole_buckets_taken_apart_are_the_bands_pairs(max_bucket):
    """What the Ray engine relies on: a band's pairs are the union of its buckets' pairs,
    whichever way whole buckets are spread over tasks (each part's positions in id order)."""
    from dedup.index import MAX_EXTRA_ROWS, band_keys, band_tables, bucket_pairs, extra_rows

    rng = np.random.default_rng(4)
    base = rng.integers(0, 2**32, size=(6, 32), dtype=np.uint64).astype(np.uint32)
    sig = base[rng.integers(0, 6, size=300)]  # six families of identical signatures: big buckets
    sig[:, 8:] = np.where(rng.random((300, 24)) < 0.3, rng.integers(0, 4, (300, 24)), sig[:, 8:]).astype(np.uint32)
    rows = np.ascontiguousarray(sig.T)
    tiers = plan(num_perm=32, threshold=0.5, containment=0.75)
    for _, start, r in band_tables(tiers)[:6]:
        keys = band_keys(rows, start, r)
        following = extra_rows(start, r, 32)
        assert len(following) == MAX_EXTRA_ROWS
        whole = {
            (int(a), int(b))
            for x, y in bucket_pairs(keys, lambda e, g: rows[following[e], g], max_bucket=max_bucket)
            for a, b in zip(x, y)
        }
        part = (keys.astype(np.uint64) * np.uint64(2654435761) % np.uint64(3)).astype(int)
        pieces = set()
        for p in range(3):
            members = np.flatnonzero(part == p)
            ex = rows[following][:, members].T
            for x, y in bucket_pairs(keys[members], lambda e, g, ex=ex: ex[g, e], max_bucket=max_bucket):
                pieces.update(zip(members[x].tolist(), members[y].tolist()))
        assert pieces == whole and all(a < b for a, b in whole)


# The compiled kernel (dedup/_bands.c) against the numpy path: the same pairs, always.

needs_kernel = pytest.mark.skipif(not COMPILED, reason="dedup._bands was not built (no C compiler at install time)")


def test_the_kernel_is_built_where_a_c_compiler_is():
    """`pip install` builds dedup/_bands.c; it is optional only for machines without a compiler."""
    import shutil
    import sysconfig

    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): the numpy path is used")
    assert COMPILED, "a C compiler is there but dedup._bands is not built: reinstall with `pip install -e .`"


def _families(seed: int, n: int, num_perm: int, families: int, noise: float, empties: int) -> np.ndarray:
    """Signatures in families that agree on most rows (big buckets, split and chained), plus empty rows."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**32, size=(families, num_perm), dtype=np.uint64).astype(np.uint32)
    sig = base[rng.integers(0, families, size=n)]
    mask = rng.random((n, num_perm)) < noise
    sig = np.where(mask, rng.integers(0, 6, size=(n, num_perm)), sig).astype(np.uint32)  # few values: collisions
    sig[rng.choice(n, size=min(empties, n), replace=False)] = 0xFFFFFFFF
    return sig


@needs_kernel
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(2, 400),
    families=st.integers(1, 30),
    noise=st.sampled_from([0.0, 0.3, 0.7, 0.95]),
    empties=st.integers(0, 5),
    max_bucket=st.sampled_from([2, 3, 8, 64]),
    containment=st.sampled_from([0.75, None]),
)
def test_kernel_and_numpy_find_the_same_candidates(seed, n, families, noise, empties, max_bucket, containment):
    num_perm = 32
    hv = _families(seed, n, num_perm, families, noise, empties)
    sizes = np.random.default_rng(seed + 1).integers(0, 3000, size=n)  # every size ratio, and empty sets
    tiers = plan(num_perm=num_perm, threshold=0.5, containment=containment)
    kernel = candidates(hv, sizes, tiers, max_bucket=max_bucket, compiled=True)
    numpy = candidates(hv, sizes, tiers, max_bucket=max_bucket, compiled=False)
    assert kernel.tolist() == numpy.tolist()


@needs_kernel
def test_kernel_and_numpy_agree_on_real_signatures_with_two_workers():
    article = prose(1, paragraphs=4)
    texts = [prose(k % 9, paragraphs=3) for k in range(60)] + [article, article + "\n\n" + prose(77, paragraphs=9)]
    hv, sizes = _signed(texts * 3)
    for max_bucket in (2, 4, 64):
        kernel = candidates(hv, sizes, plan(), max_bucket=max_bucket, workers=2, compiled=True)
        assert kernel.tolist() == candidates(hv, sizes, plan(), max_bucket=max_bucket, compiled=False).tolist()
        assert len(kernel)


@needs_kernel
@settings(deadline=None)
@given(codes=st.lists(st.integers(0, 2**64 - 1), max_size=300), small=st.booleans())
def test_sort_unique_is_numpys_unique(codes, small):
    from dedup import _bands

    values = np.array(codes, dtype=np.uint64) % np.uint64(5000 if small else 2**64 - 1)
    work = values.copy()
    m = _bands.sort_unique(work, np.empty_like(work))
    assert work[:m].tolist() == np.unique(values).tolist()


@needs_kernel
def test_agreements_count_the_equal_rows():
    from dedup.index import agreements

    hv = _families(3, 200, 64, 5, 0.5, 3)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 200, 500), rng.integers(0, 200, 500)
    assert agreements(hv, a, b).tolist() == np.count_nonzero(hv[a] == hv[b], axis=1).tolist()


@needs_kernel
def test_the_kernel_rejects_bad_buffers():
    from dedup import _bands

    n = 10
    keys, rows = np.zeros(n, np.uint32), np.zeros((4, n), np.uint32)
    following, sizes, alive = np.arange(4, dtype=np.int64), np.ones(n), np.ones(n, np.uint8)
    scratch = bytearray(_bands.table_bytes(n))
    with pytest.raises(ValueError, match="one entry per document"):
        _bands.table_pairs(keys, rows, following, sizes[:5], alive, 0.0, 2.0, 8, scratch)
    with pytest.raises(ValueError, match="outside the signature"):
        _bands.table_pairs(keys, rows, following + 4, sizes, alive, 0.0, 2.0, 8, scratch)
    with pytest.raises(ValueError, match="scratch"):
        _bands.table_pairs(keys, rows, following, sizes, alive, 0.0, 2.0, 8, bytearray(8))
    with pytest.raises(IndexError, match="outside hashvalues"):
        _bands.agreements(rows.T.copy(), 4, np.array([0]), np.array([n]), np.zeros(1, np.int64))
    # all ten documents share one key: one bucket of ten, every pair
    found = np.frombuffer(_bands.table_pairs(keys, rows, following, sizes, alive, 0.0, 2.0, 16, scratch), np.uint64)
    assert sorted(found.tolist()) == [i * n + j for i in range(n) for j in range(i + 1, n)]
