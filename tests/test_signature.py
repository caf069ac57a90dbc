"""MinHash signatures: exactly datasketch's affine32 values, batch-independent, accurate estimates."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import shingle, signature
from dedup.shingle import fingerprint_batch, fingerprints, hashfunc, shingle_strings
from dedup.signature import EMPTY, lean_minhash, permutations, sign, sign_batch, sign_fingerprints

ARTICLE = (
    "The regime in Pyongyang no longer has to rely on saber-rattling and warmongering to intimidate "
    "its neighbors and keep their superior conventional militaries in check. Just as important, the "
    "arsenal forces the United States to find ways to accommodate North Korea. Kim’s government knows "
    "that, and it has spent the past year showing the world what its missiles can do."
)
TEXTS = [
    ARTICLE,
    ARTICLE.replace("Pyongyang", "Seoul").upper(),
    "Photo: Jane Doe/AP\n\n" + ARTICLE[:200],
    "北京大学的学生 said on Monday — «quite so».",
    "short text",
    "",
    "😀 …",
    "x" * 5000,
]


def datasketch_minhash(text: str, num_perm: int, seed: int) -> MinHash:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=hashfunc)
    for s in shingle_strings(text):
        m.update(s)
    return m


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (1, 0), (64, 42), (256, 2**32 - 1)])
def test_permutations_are_datasketchs(num_perm, seed):
    a, b = permutations(num_perm, seed)
    assert a.dtype == b.dtype == np.uint32
    expected = MinHash(num_perm=num_perm, seed=seed).permutations
    assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (16, 7), (200, 12345)])
def test_hashvalues_equal_datasketch(num_perm, seed):
    sigs = sign_batch(TEXTS, num_perm=num_perm, seed=seed)
    assert sigs.hashvalues.shape == (len(TEXTS), num_perm) and sigs.hashvalues.dtype == np.uint32
    for i, text in enumerate(TEXTS):
        m = datasketch_minhash(text, num_perm, seed)
        assert np.array_equal(sigs.hashvalues[i], m.hashvalues), text[:40]
        assert np.array_equal(sign(text, num_perm=num_perm, seed=seed), m.hashvalues)


def test_empty_document_is_datasketchs_empty_minhash():
    sigs = sign_batch(["", "...", "word"])
    assert (sigs.hashvalues[0] == EMPTY).all() and (sigs.hashvalues[1] == EMPTY).all()
    assert np.array_equal(sigs.hashvalues[0], MinHash(num_perm=128, seed=1).hashvalues)
    assert sigs.sizes.tolist() == [0, 0, 1]
    assert sign_batch([]).hashvalues.shape == (0, 128)


def test_sizes_count_distinct_shingles():
    sigs = sign_batch(TEXTS)
    assert sigs.sizes.dtype == np.int64
    assert sigs.sizes.tolist() == [len(fingerprints(t)) for t in TEXTS]


def test_batch_composition_and_blocking_do_not_matter(monkeypatch):
    texts = TEXTS + [ARTICLE * k for k in range(1, 30)]
    whole = sign_batch(texts).hashvalues
    for i in (0, 3, len(texts) - 1):
        assert np.array_equal(sign_batch([texts[i]]).hashvalues[0], whole[i])
    assert np.array_equal(sign_batch(texts[::-1]).hashvalues[::-1], whole)
    # Tiny chunks and blocks: documents split across blocks, many chunks.
    monkeypatch.setattr(signature, "_BLOCK_ELEMENTS", 128 * 7)
    monkeypatch.setattr(shingle, "_CHUNK_CHARS", 300)
    assert np.array_equal(sign_batch(texts).hashvalues, whole)


def test_sign_from_fingerprints():
    fps = fingerprints(ARTICLE)
    assert np.array_equal(sign(fps), sign(ARTICLE))
    repeated = np.concatenate([fps, fps[::-1]])
    assert np.array_equal(sign(repeated), sign(ARTICLE))
    all_fps, offsets = fingerprint_batch(TEXTS)
    from_fps = sign_fingerprints(all_fps, offsets, num_perm=64, seed=3)
    assert np.array_equal(from_fps.hashvalues, sign_batch(TEXTS, num_perm=64, seed=3).hashvalues)
    assert np.array_equal(from_fps.sizes, np.diff(offsets))
    # unsorted, repeated, empty documents first and last: sizes still count distinct ones
    shuffled = np.concatenate([fps[::-1], fps[:7]])
    odd = sign_fingerprints(shuffled, np.array([0, 0, len(shuffled), len(shuffled)]))
    assert odd.sizes.tolist() == [0, len(fps), 0]
    assert np.array_equal(odd.hashvalues[1], sign(ARTICLE)) and (odd.hashvalues[[0, 2]] == EMPTY).all()


def test_bad_offsets():
    with pytest.raises(ValueError, match="offsets"):
        sign_fingerprints(np.zeros(3, dtype=np.uint64), np.array([0, 2]))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"num_perm": 0}, "num_perm"), ({"num_perm": 1.5}, "num_perm"), ({"seed": -1}, "seed"), ({"seed": 2**32}, "seed"),
     ({"size": 0}, "size")],
)
def test_bad_knobs(kwargs, name):
    with pytest.raises(ValueError, match=name):
        sign_batch(["some text here"], **kwargs)


def test_signatures_are_frozen():
    sigs = sign_batch(TEXTS[:2])
    assert len(sigs) == 2 and (sigs.num_perm, sigs.seed) == (128, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sigs.seed = 2
    with pytest.raises(ValueError):
        sigs.hashvalues[0, 0] = 0
    assert sigs.jaccard(0, 0) == 1.0


def test_lean_minhash_works_with_minhashlsh():
    variants = [ARTICLE, ARTICLE + " Photo: Jane Doe/AP", ARTICLE.replace("past year", "last year"), TEXTS[3]]
    sigs = sign_batch(variants)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i in range(len(variants)):
        lean = sigs.lean(i)
        assert isinstance(lean, LeanMinHash) and lean.scheme == "affine32" and lean.seed == 1
        lsh.insert(f"doc{i}", lean)
    found = set(lsh.query(lean_minhash(sign(ARTICLE.upper()), seed=1)))
    assert {"doc0", "doc1", "doc2"} <= found and "doc3" not in found
    # and the LeanMinHash agrees with a MinHash built by datasketch itself
    assert lean_minhash(sigs.hashvalues[0], seed=1).jaccard(datasketch_minhash(ARTICLE, 128, 1)) == 1.0


def test_importing_signature_does_not_import_datasketch():
    code = "import sys, dedup.signature; print('datasketch' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


# --------------------------------------------------------------------------- accuracy

VOCAB = [f"w{i}" for i in range(400)]


@st.composite
def text_pairs(draw):
    """Two texts of 40-400 words that share a middle stretch of varying length."""
    rnd = draw(st.randoms(use_true_random=False))
    shared = [rnd.choice(VOCAB) for _ in range(draw(st.integers(0, 300)))]
    a = [rnd.choice(VOCAB) for _ in range(draw(st.integers(0, 100)))] + shared
    b = shared + [rnd.choice(VOCAB) for _ in range(draw(st.integers(0, 100)))]
    if len(a) < 40 or len(b) < 40:
        a += [rnd.choice(VOCAB) for _ in range(40)]
        b += [rnd.choice(VOCAB) for _ in range(40)]
    return " ".join(a), " ".join(b)


NUM_PERM = 128


# Each of the 128 permutations matches with probability J (the exact Jaccard), so the
# estimate has standard error sqrt(J (1 - J) / 128), at most 0.044. The tolerance is four
# standard errors (a 1-in-15,000 miss for an exact min-wise scheme; affine32 is close to that
# in practice) plus one permutation's worth (1/128) for rounding near 0 and 1. Hypothesis
# runs derandomized, so the examples are fixed and the test cannot flake.
def tolerance(j: float) -> float:
    return 4 * math.sqrt(j * (1 - j) / NUM_PERM) + 1 / NUM_PERM


@settings(max_examples=150, deadline=None, derandomize=True)
@given(text_pairs(), st.integers(0, 2**32 - 1))
def test_estimated_jaccard_within_tolerance(pair, seed):
    a, b = pair
    fa, fb = fingerprints(a), fingerprints(b)
    exact = len(np.intersect1d(fa, fb)) / len(np.union1d(fa, fb))
    sigs = sign_batch([a, b], num_perm=NUM_PERM, seed=seed)
    estimate = sigs.jaccard(0, 1)
    assert abs(estimate - exact) <= tolerance(exact), (exact, estimate)
