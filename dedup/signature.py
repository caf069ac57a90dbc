"""Shingles -> MinHash signatures (datasketch affine32-compatible).

TEMPORARY simple implementation (the vectorised one is being written on branch `sig`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.shingle import fingerprint_batch


@dataclass(frozen=True, slots=True)
class Signatures:
    hashvalues: np.ndarray
    sizes: np.ndarray
    num_perm: int
    seed: int


def _perms(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def sign_fingerprints(fps: np.ndarray, offsets: np.ndarray, *, num_perm: int = 128, seed: int = 1) -> Signatures:
    a, b = _perms(num_perm, seed)
    n = len(offsets) - 1
    out = np.full((n, num_perm), 0xFFFFFFFF, dtype=np.uint32)
    h = _fmix32((fps & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    for i in range(n):
        s, e = offsets[i], offsets[i + 1]
        if e > s:
            out[i] = (h[s:e, None] * a[None, :] + b[None, :]).min(axis=0)
    return Signatures(out, np.diff(offsets), num_perm, seed)


def sign_batch(texts: Sequence[str], *, num_perm: int = 128, seed: int = 1, size: int = 5) -> Signatures:
    fps, offsets = fingerprint_batch(texts, size=size)
    return sign_fingerprints(fps, offsets, num_perm=num_perm, seed=seed)
