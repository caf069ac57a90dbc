"""Paragraph keys: the fast paths give the key of the documented normalisation."""

from __future__ import annotations

import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.chars import fold
from dedup.document import parse_text
from dedup.stats import KEY_CHARS, ParagraphStats, paragraph_key, paragraph_keys, paragraph_stats


def by_definition(text: str) -> int:
    """The module docstring, written plainly: fold, keep the letters; else the numbers; else the symbols."""
    folded = fold(text)
    norm = "".join(c for c in folded if c.isalpha())
    if not norm:
        words, word = [], ""
        for c in folded:
            if c.isalnum():
                word += c
            elif word:
                words.append(word)
                word = ""
        norm = " ".join([*words, word] if word else words) or " ".join(text.split())
    data = norm.encode("utf-8", "surrogatepass")
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


pieces = st.sampled_from(
    ["Share", "share", "THIS", "12", "3", " ", "  ", "!", ",", "—", "“", "”", "é", "É", "ë", "ß", "ﬁ", "Ａ", "e\u0301",
     "©", "€", "7.1K", "Über", "uns", "\u00a0", "ı", "İ", "ǅ", "Ⅻ", "٣", "_", "-", "\t", "가", "\u1100\u1161"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=12).map("".join))
def test_key_is_the_documented_normalisation(text):
    if text.strip():
        assert paragraph_key(text) == by_definition(text)


def test_keys_of_short_lines_only():
    long = " ".join(["word"] * 60)
    d = parse_text(f"Share this\n\n{long}\n\nshare  THIS!", id="d")
    assert len(long) > KEY_CHARS
    keys = paragraph_keys(d)
    assert keys.dtype == np.uint64 and keys.tolist() == [paragraph_key("Share this")]
    stats = paragraph_stats([d, parse_text(long, id="e")])
    assert stats.seen(long) == 0  # never counted


def test_seen_counts_documents():
    docs = [parse_text(f"Story {k} about something.\n\n{k} comments", id=str(k)) for k in range(3)]
    stats = paragraph_stats(docs)
    assert isinstance(stats, ParagraphStats) and stats.seen("12 Comments") == 3


@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, 5), st.integers(-1, n - 1)), max_size=60),
            st.lists(st.integers(0, n - 1), max_size=n),  # each document's cluster label
        )
    )
)
def test_article_stats_count_each_paragraph_once_per_article(case):
    from dedup.cluster import Cluster
    from dedup.pipeline import article_stats

    n, occurrences, labels = case
    labels = labels + list(range(len(labels), n))  # documents without a label stand alone
    members: dict[int, list[int]] = {}
    for doc, label in enumerate(labels):
        members.setdefault(label, []).append(doc)
    groups = [Cluster(tuple(m), m[0], "test") for m in members.values() if len(m) > 1]
    keys = np.array([k * 0x9E3779B97F4A7C15 % 2**64 for k, _ in occurrences], dtype=np.uint64)
    rows = np.array([r for _, r in occurrences], dtype=np.int64)
    stats = article_stats(keys, rows, n, groups)
    articles: dict[int, set[int]] = {}
    for key, row in zip(keys.tolist(), rows.tolist()):
        if row >= 0:
            articles.setdefault(key, set()).add(labels[row])
    assert dict(stats.counts) == {k: len(a) for k, a in articles.items() if len(a) >= 2}
    assert stats.documents == len(members)
