"""Shingles: normalisation, tokens, fingerprints; the batch fast path against the slow reference."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import shingle
from dedup.chars import fold
from dedup.shingle import (
    fingerprint,
    fingerprint_batch,
    fingerprints,
    hashfunc,
    normalize,
    shingle_strings,
    tokens,
)

ARTICLE = (
    "The regime in Pyongyang no longer has to rely on saber-rattling and warmongering to intimidate "
    "its neighbors. Just as important, the arsenal forces the United States to find ways to "
    "accommodate North Korea; Kim’s government knows it."
)

# Characters that stress normalisation: case pairs, expansions, compatibility forms, marks,
# scripts without spaces, separators that NFKC expands, controls, surrogates, emoji.
TRICKY = (
    "aAzZ09 .,'’—…\u00a0\u2028\t\nßẞİıΣσςǰǅﬁﬀ½²™ＡＢａ１\u0301\u0308\u0338\u0e31\u0e38\u093c\u094d"
    "\u0915\u0958ค가각\u1100\u1161\u11a8\u3099\u304b\u30ab\uff76\uff9e北京😀\U0001f1fa\x00\x1f\ud800"
    "\u200b\u200d\u00ad\ufe0f\U000e0041\u034f\u0cbf\u0cd5\u0cc0\u0f73\u0f71\u0f72é<"
)
tricky_text = st.one_of(
    st.text(alphabet=TRICKY, max_size=40),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=25),
)


def reference(text: str, size: int = 5) -> np.ndarray:
    """The fingerprint set through the slow path: shingle strings, one fingerprint each."""
    return np.array(sorted({fingerprint(s) for s in shingle_strings(text, size=size)}), dtype=np.uint64)


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (ARTICLE, ARTICLE.upper()),  # case
        (ARTICLE, ARTICLE.replace(" ", "\n\n  \t")),  # whitespace
        (ARTICLE, ARTICLE.replace(",", "").replace(".", " ... ").replace(";", " —")),  # punctuation
        (ARTICLE, ARTICLE.replace("’", "'")),  # curly vs straight quotes
        (ARTICLE, ARTICLE.replace(" ", "\u00a0")),  # no-break spaces (NFKC)
        (ARTICLE + " …", ARTICLE + " ..."),  # ellipsis (NFKC)
        ("Café au lait déjà vu naïve Zoë", unicodedata.normalize("NFD", "Café au lait déjà vu naïve Zoë")),
        ("ﬁnal ﬂow of ＦＵＬＬ width １２３", "final flow of full width 123"),  # compatibility forms
        ("Die STRASSE ist groß", "die straße ist GROSS"),  # full case folding
        ("ΣΊΣΥΦΟΣ ΟΔΟΣ", "σίσυφος οδος"),  # final sigma
        ("“Quoted” — ‘text’ «here»", '"quoted" - \'text\' <<here>>'),
    ],
)
def test_normalisation_insensitive(a, b):
    assert normalize(a) == normalize(b)
    assert np.array_equal(fingerprints(a), fingerprints(b))
    assert len(fingerprints(a)) > 0


@pytest.mark.parametrize(
    ("a", "b"),
    [("the north korean regime is", "the south korean regime is"), ("naïve", "naive"), ("one two", "two one")],
)
def test_different_text_different_fingerprints(a, b):
    assert not np.array_equal(fingerprints(a), fingerprints(b))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kim's", ["kim", "s"]),
        ("Kim’s", ["kim", "s"]),
        ("saber-rattling—and", ["saber", "rattling", "and"]),
        ("北京大学 students", ["北", "京", "大", "学", "students"]),
        ("これはテストです", ["こ", "れ", "は", "テ", "ス", "ト", "で", "す"]),
        ("สวัสดีครับ", ["ส", "วั", "ส", "ดี", "ค", "รั", "บ"]),  # marks stay on their letter
        ("한국어 텍스트", ["한국어", "텍스트"]),  # Hangul is written with spaces
        ("x😀y 🇺🇸 ok", ["x", "y", "ok"]),  # emoji separate
        ("a\x00b\x07c", ["a", "b", "c"]),  # control characters separate
        ("co\u00adoper\u200bate\u200d", ["cooperate"]),  # invisible characters are deleted
        ("I \u2764\ufe0f NY 1\ufe0f\u20e3", ["i", "ny", "1\u20e3"]),  # emoji and variation selectors
        ("e\u0301t\u00e9", ["\u00e9t\u00e9"]),  # NFD and NFC forms
        ("\u0301abc \u0308", ["abc"]),  # a mark with no token before it is dropped
        ("İstanbul", ["i\u0307stanbul"]),
        ("½ x²", ["1", "2", "x2"]),
        ("", []),
        (" \n\t…—", []),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


@settings(max_examples=400, deadline=None)
@given(tricky_text)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once
    assert fold(fold(text)) == fold(text)


# --------------------------------------------------------------------------- shingles


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        ("one two three", 5, ["one two three"]),  # fewer tokens than size: one shingle of all
        ("One, two!", 1, ["one", "two"]),
        ("a b c d e f", 5, ["a b c d e", "b c d e f"]),
        ("a b a b a b", 2, ["a b", "b a", "a b", "b a", "a b"]),  # repeats kept, in order
        ("...", 5, []),
        ("", 3, []),
    ],
)
def test_shingle_strings(text, size, expected):
    assert shingle_strings(text, size=size) == expected
    assert len(fingerprints(text, size=size)) == len(set(expected))


def test_fingerprints_sorted_unique_uint64():
    fps = fingerprints(ARTICLE + " " + ARTICLE)
    assert fps.dtype == np.uint64
    assert np.all(fps[1:] > fps[:-1])
    assert np.array_equal(fps, reference(ARTICLE + " " + ARTICLE))


def test_hashfunc_is_the_top_half_of_the_fingerprint():
    shingles = shingle_strings(ARTICLE)
    for s in shingles[:5]:
        assert hashfunc(s) == fingerprint(s) >> 32 == hashfunc(s.encode("utf-8"))
        assert 0 <= hashfunc(s) < 2**32
    # hashfunc takes normalised tokens as they are: it does not normalise again
    assert hashfunc("the north korean regime is") != hashfunc("The North Korean regime is")
    assert int(fingerprints("The NORTH-Korean regime, is")[0] >> 32) == hashfunc("the north korean regime is")


def test_empty_shingle_is_an_error():
    with pytest.raises(ValueError, match="shingle"):
        hashfunc("")


@pytest.mark.parametrize("size", [0, -1, 2.5, True, "5"])
def test_bad_size(size):
    with pytest.raises(ValueError, match="size"):
        fingerprint_batch(["text"], size=size)
    with pytest.raises(ValueError, match="size"):
        shingle_strings("text", size=size)


def test_non_string_text_is_a_type_error():
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        fingerprint_batch(["fine", b"bytes"])


# --------------------------------------------------------------------------- the fast path


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tricky_text, min_size=1, max_size=8), st.integers(1, 6))
def test_batch_equals_reference(texts, size):
    fps, offsets = fingerprint_batch(texts, size=size)
    assert fps.dtype == np.uint64 and offsets.dtype == np.int64
    assert len(offsets) == len(texts) + 1 and offsets[0] == 0 and offsets[-1] == len(fps)
    for i, text in enumerate(texts):
        assert np.array_equal(fps[offsets[i] : offsets[i + 1]], reference(text, size)), text


words = st.lists(st.sampled_from(["alpha", "Beta", "gamma,", "DELTA", "epsilon.", "北京", "’s", "\u00e9t\u00e9"]), max_size=60)


@settings(max_examples=150, deadline=None)
@given(st.lists(words.map(" ".join), min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_batch_equals_per_document_and_ignores_composition(texts, rnd):
    fps, offsets = fingerprint_batch(texts)
    alone = [fingerprints(t) for t in texts]
    for i in range(len(texts)):
        assert np.array_equal(fps[offsets[i] : offsets[i + 1]], alone[i])
    order = list(range(len(texts)))
    rnd.shuffle(order)
    others = [texts[i] for i in order] + ["unrelated filler text " * 3]
    fps2, offsets2 = fingerprint_batch(others)
    for j, i in enumerate(order):
        assert np.array_equal(fps2[offsets2[j] : offsets2[j + 1]], alone[i])


def test_chunking_does_not_change_results(monkeypatch):
    texts = [ARTICLE * (i % 4 + 1) for i in range(40)] + ["", "one", "北京 " * 300]
    expected = fingerprint_batch(texts)
    monkeypatch.setattr(shingle, "_CHUNK_CHARS", 500)
    monkeypatch.setattr(shingle, "_WINDOW_CHARS", 64)
    got = fingerprint_batch(texts)
    assert np.array_equal(expected[0], got[0]) and np.array_equal(expected[1], got[1])


def test_empty_batch():
    fps, offsets = fingerprint_batch([])
    assert len(fps) == 0 and offsets.tolist() == [0]


def test_empty_and_short_documents_in_a_batch():
    fps, offsets = fingerprint_batch(["", "one two", "   ", "a b c d e f", "!"], size=5)
    assert np.diff(offsets).tolist() == [0, 1, 0, 2, 0]
    assert fps[offsets[1]] == fingerprint("one two")


def test_very_long_text():
    # 2.4 million characters of prose and one token of 1.5 million letters: linear memory.
    prose = (ARTICLE + "\n\n") * 8000
    giant = "x" * 1_500_000
    fps, offsets = fingerprint_batch([prose, giant + " tail", "short"])
    n_tokens = len(tokens(ARTICLE)) * 8000
    assert 0 < offsets[1] <= n_tokens - 4
    assert np.array_equal(fps[: offsets[1]], reference(ARTICLE * 2))  # the repeats add nothing new
    assert fps[offsets[1] : offsets[2]].tolist() == [fingerprint(giant + " tail")]


def test_every_bmp_character_folds_like_the_reference():
    # The code point tables against fold() and tokens(), one character in context at a time.
    texts = [f"Ab{chr(cp)}cD" for cp in range(0x10000)] + [f"x{chr(cp)}\u0301 y" for cp in range(0x80, 0x3000)]
    fps, offsets = fingerprint_batch(texts, size=2)
    for i, text in enumerate(texts):
        got = fps[offsets[i] : offsets[i + 1]].tolist()
        assert got == reference(text, 2).tolist(), repr(text)


def _fingerprints_in_subprocess(seed: str) -> str:
    code = "from dedup.shingle import fingerprints; print(fingerprints(%r).tolist())" % ARTICLE
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_fingerprints_do_not_depend_on_pythonhashseed():
    assert _fingerprints_in_subprocess("0") == _fingerprints_in_subprocess("12345") == f"{fingerprints(ARTICLE).tolist()}\n"


def test_importing_shingle_does_not_import_datasketch():
    code = "import sys, dedup.shingle; print('datasketch' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"
