"""Frozen copy of dedup/classify.py as of commit 0ee8f05 (before the classify branch's rewrite).

Kept only so that benchmarks/align_speed.py can time the old implementation in the same run;
nothing in the package imports it.
"""

# ruff: noqa
"""Say what every paragraph of an aligned pair is, with the evidence; build the diff rows.

:func:`diff` aligns two documents (:func:`dedup.align.align`) and gives each row a
:class:`Role`. Shared paragraphs are ``body`` (``title``/``heading`` when both versions
carry a headline or section heading; a boilerplate role when both carry a short piece of
page furniture with strong evidence). A paragraph present in one version only gets the
role its evidence supports, tried in this order:

1. ``duplicate``: repeats another paragraph of the same document (10+ words, or 8+
   words ending like a sentence); the copy that is shared, else the first, is the original;
2. ``pull_quote``: 4-60 words (a sentence, or 12+ words) whose word pairs mostly (70%)
   occur in a shared paragraph at least 1.5 times longer;
3. repetition across the folder: 30 words or fewer, seen in ``min_documents`` or more
   documents (:class:`ParagraphStats`): the phrase role below if any, else ``navigation``;
4. the phrase tables of :mod:`dedup.phrases` (syndication, paywall, byline and author
   bios, comments, related, ad, photo credits and caption wording, navigation; date lines
   as ``byline``), each only on paragraphs short enough for a phrase to be telling; the
   earliest match wins; a short line repeated three or more times in the document is
   ``navigation``;
5. neighbours: a sentence next to a photo credit is a ``caption``; a name-like line
   next to a byline is a ``byline``; a paragraph with no evidence continues the
   related-links, comments, paywall, byline or navigation block it sits in; inside the
   body, a lone sentence followed by a short credit-like line is a caption and its credit;
6. position and shape: headline-like lines (and a dek) right before the body, across
   bylines, captions and share bars, are ``title``; short lines between body paragraphs
   are ``heading``; short lines outside the body are ``navigation``; outside the body,
   text farther out than navigation, related links, comments, paywall or ad takes the
   role of that furniture; anything else is ``other`` (real content in one version only).

Evidence is a short phrase: "repeats body paragraph 6", "paywall phrase: subscribe",
"seen in 37 documents of this folder", "short line between body paragraphs".

Each :class:`DiffRow` maps 1:1 onto a JSON row (:func:`row_as_dict`)::

    {"op": "equal|replace|insert|delete|move", "role": "<role>", "score": 0-100,
     "a": {"index": i, "start": s, "end": e} | null, "b": {...} | null,
     "evidence": "...", "words": [...]}

``start``/``end`` are character offsets in the document's decoded text. ``words`` is
always present: an empty list except on ``replace`` rows, where it is the inline word
diff as ``{"op": "equal|replace|delete|insert", "a": "...", "b": "..."}`` chunks whose
``a`` texts concatenate to the A paragraph and ``b`` texts to the B paragraph
(:class:`dedup.align.WordEdit`).

Row order (that of :func:`dedup.align.align`): rows follow B; between two in-order
matches come first the A-only rows of that gap in A order, then the B rows of the gap in
B order (``insert``, or ``move`` at its B position). Every paragraph of both documents
appears in exactly one row, except a paragraph that the other version splits into
several: it appears in one row per piece, consecutively, and the pieces' spans tile it.
"""


import enum
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from benchmarks.baseline import old_phrases as phrases
from benchmarks.baseline.old_align import MAX_CELLS, Alignment, Op, WordEdit, align, normalise, word_diff
from dedup.document import Document

__all__ = [
    "KeyCounts",
    "Label",
    "ParagraphStats",
    "Role",
    "DiffRow",
    "Span",
    "classify",
    "diff",
    "paragraph_key",
    "paragraph_keys",
    "paragraph_stats",
    "row_as_dict",
]


class Role(enum.StrEnum):
    """What a paragraph is."""

    BODY = "body"
    TITLE = "title"
    HEADING = "heading"
    CAPTION = "caption"
    PULL_QUOTE = "pull_quote"
    PAYWALL = "paywall"
    BYLINE = "byline"
    SYNDICATION = "syndication"
    RELATED = "related"
    NAVIGATION = "navigation"
    COMMENTS = "comments"
    AD = "ad"
    DUPLICATE = "duplicate"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Label:
    """The role of one paragraph and the evidence for it (a short phrase)."""

    role: Role
    evidence: str


@dataclass(frozen=True, slots=True)
class Span:
    """Where a row's paragraph (or piece of one) is: its index and character offsets."""

    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a pair's diff; see the module docstring and :func:`row_as_dict`."""

    op: Op
    role: Role
    score: float
    a: Span | None
    b: Span | None
    evidence: str
    words: tuple[WordEdit, ...] = ()


def row_as_dict(row: DiffRow) -> dict:
    """The JSON row: ``words`` is always a list (empty unless the row is a replace)."""
    return {
        "op": str(row.op),
        "role": str(row.role),
        "score": row.score,
        "a": None if row.a is None else {"index": row.a.index, "start": row.a.start, "end": row.a.end},
        "b": None if row.b is None else {"index": row.b.index, "start": row.b.start, "end": row.b.end},
        "evidence": row.evidence,
        "words": [{"op": w.op, "a": w.a, "b": w.b} for w in row.words],
    }


# --------------------------------------------------------------------------- corpus statistics

_KEY_TOKEN = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")


def _key_text(text: str) -> str:
    words = [m.group().casefold() for m in _KEY_TOKEN.finditer(text)]
    if not words:
        return " ".join(text.split())
    joined = " ".join(words)
    return _DIGITS.sub("0", joined) if any(not w.isdigit() for w in words) else joined


def paragraph_key(text: str) -> int:
    """A stable unsigned 64-bit key of a paragraph's normalised text.

    Normalised: lower-case words (runs of letters and digits) joined by one space; when
    some word has a letter, each run of digits becomes ``0`` (so "12 comments" and
    "3 comments" share a key, but "286,35" and "12,50" do not); text without letters
    or digits keeps its symbols. BLAKE2b, so the key does not
    depend on ``PYTHONHASHSEED`` or the platform.
    """
    digest = hashlib.blake2b(_key_text(text).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class KeyCounts(Mapping[int, int]):
    """A read-only mapping key -> count on two sorted numpy arrays (12 bytes a key)."""

    __slots__ = ("_counts", "_keys")

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._keys = np.asarray(keys, dtype=np.uint64)
        self._counts = np.asarray(counts, dtype=np.uint32)
        if self._keys.shape != self._counts.shape:
            raise ValueError("keys and counts must have the same length")

    def __getitem__(self, key: int) -> int:
        if not 0 <= key < 1 << 64:
            raise KeyError(key)
        k = np.uint64(key)
        i = int(np.searchsorted(self._keys, k))
        if i < len(self._keys) and self._keys[i] == k:
            return int(self._counts[i])
        raise KeyError(key)

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, KeyCounts):
            return bool(np.array_equal(self._keys, other._keys) and np.array_equal(self._counts, other._counts))
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash((self._keys.tobytes(), self._counts.tobytes()))

    def __repr__(self) -> str:
        return f"KeyCounts({len(self)} keys)"


@dataclass(frozen=True, slots=True)
class ParagraphStats:
    """How many documents of a folder contain each paragraph key (:func:`paragraph_key`).

    ``counts`` holds only keys seen in at least two documents; a missing key means
    "at most one".
    """

    documents: int
    counts: Mapping[int, int]
    #: What was counted: "documents", or "articles" when versions of one article count once.
    unit: str = "documents"

    def seen(self, text: str) -> int:
        """How many documents contain a paragraph like ``text`` (0 if fewer than two)."""
        return self.counts.get(paragraph_key(text), 0)


def paragraph_keys(doc: Document) -> np.ndarray:
    """The distinct :func:`paragraph_key` values of a document, sorted (``uint64``)."""
    return np.unique(np.array([paragraph_key(p.text) for p in doc.paragraphs], dtype=np.uint64))


def paragraph_stats(docs: Iterable[Document], *, batch: int = 1 << 20) -> ParagraphStats:
    """Count, for every paragraph key, the documents that contain it (once per document).

    Streams: keys are counted in batches of ``batch`` and merged, so memory grows with
    the number of distinct keys, not of paragraphs; keys seen once are dropped at the end.
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch!r}")
    keys = np.zeros(0, dtype=np.uint64)
    counts = np.zeros(0, dtype=np.uint32)
    buf: list[int] = []
    n = 0

    def flush() -> None:
        nonlocal keys, counts
        if buf:
            k, c = np.unique(np.array(buf, dtype=np.uint64), return_counts=True)
            keys, counts = _merge_counts(keys, counts, k, c.astype(np.uint32))
            buf.clear()

    for doc in docs:
        n += 1
        buf.extend(paragraph_keys(doc).tolist())
        if len(buf) >= batch:
            flush()
    flush()
    keep = counts >= 2
    return ParagraphStats(n, KeyCounts(keys[keep], counts[keep]))


def _merge_counts(k1, c1, k2, c2):
    if not len(k1):
        return k2, c2
    k = np.concatenate([k1, k2])
    c = np.concatenate([c1, c2])
    order = np.argsort(k, kind="stable")
    k, c = k[order], c[order]
    uniq, first = np.unique(k, return_index=True)
    return uniq, np.add.reduceat(c, first).astype(np.uint32)


# --------------------------------------------------------------------------- the phrase rules

_C = phrases.compile_table
# (role, name in the evidence, pattern, most words a paragraph may have for it to count); ties go to the first.
_RULES: tuple[tuple[Role, str, re.Pattern[str], int], ...] = (
    (Role.SYNDICATION, "syndication phrase", _C(phrases.SYNDICATION_PHRASES), 40),
    (Role.PAYWALL, "paywall phrase", _C(phrases.PAYWALL_PHRASES), 40),
    (Role.BYLINE, "byline", _C(phrases.BYLINE_PHRASES, ignore_case=False), 30),
    (Role.BYLINE, "author bio", _C(phrases.BIO_PHRASES, ignore_case=False), 80),
    (Role.COMMENTS, "comments phrase", _C(phrases.COMMENT_PHRASES), 25),
    (Role.RELATED, "related-links phrase", _C(phrases.RELATED_PHRASES), 20),
    (Role.AD, "ad label", _C(phrases.AD_PHRASES), 12),
    (Role.CAPTION, "photo credit", _C(phrases.CREDIT_PHRASES), 80),
    (Role.CAPTION, "caption phrase", _C(phrases.CAPTION_PHRASES), 80),
    (Role.NAVIGATION, "navigation phrase", _C(phrases.NAVIGATION_PHRASES), 30),
)
_NAV_WORD = re.compile(rf"(?:{phrases.NAVIGATION_WORDS[0]})", re.IGNORECASE)
_DATE = _C(phrases.DATE_PHRASES)
_CREDIT = _C(phrases.CREDIT_PHRASES)
_BULLET = re.compile(r"^\s*(?:[•·▪▫◦‣⁃●○■□►▸➢✓✔*+\-–—]|\d{1,3}[.)])\s+")
_SENTENCE_END = (".", "!", "?", "…", ".\"", ".”", ".’", "!\"", "!”", "?\"", "?”", ".)")
_WORDS = re.compile(r"[^\W_]+")
_ROLE_RANK = {role: k for k, role in enumerate(Role)}
_PARENTHESISED = re.compile(r"^\([^()]{2,60}\)$")

#: Paragraphs of at most this many words repeated this often in one document are page furniture.
SHORT_REPEAT_WORDS = 8
SHORT_REPEAT_TIMES = 3


@dataclass(slots=True)
class _Para:
    index: int
    text: str  # whitespace collapsed, bullet removed
    words: int
    bullet: bool
    sentence: bool  # ends like a sentence
    key: str  # dedup.align.normalise key


def _para(index: int, raw: str) -> _Para:
    flat = " ".join(raw.split())
    m = _BULLET.match(flat)
    bullet = bool(m) and not re.match(r"\d", flat)
    if m and bullet:
        flat = flat[m.end():]
    words = len(_WORDS.findall(flat))
    return _Para(index, flat, words, bool(m), flat.endswith(_SENTENCE_END), normalise(raw))


@dataclass(frozen=True, slots=True)
class _Hit:
    role: Role
    evidence: str
    start: int  # where the phrase starts in the paragraph (0: it leads the paragraph)
    kind: str  # "phrase", "date" or "menu"


def _phrase(p: _Para, *, leading: bool = False) -> _Hit | None:
    """The earliest telling phrase in a paragraph (only one that leads it, if ``leading``)."""
    best: tuple[int, int, Role, str, str] | None = None
    for rank, (role, name, pattern, max_words) in enumerate(_RULES):
        if p.words > max_words:
            continue
        m = pattern.match(p.text) if leading else pattern.search(p.text)
        if m and (best is None or (m.start(), rank) < best[:2]):
            best = (m.start(), rank, role, name, m.group())
    date = _date_line(p)
    if date is not None and (best is None or best[2] not in (Role.BYLINE, Role.SYNDICATION)):
        return _Hit(Role.BYLINE, f"date line: {date}", 0, "date")
    if best is None:
        return _nav_words(p)
    start, _, role, name, found = best
    if role is Role.BYLINE:
        found = p.text  # a name says more than the keyword before it
    elif name == "photo credit" and start == 0 and len(found) > 40:
        found = "..." + " ".join(found.split())[-37:].lower()  # the credit is at the end
    else:
        found = " ".join(found.split()).strip(" :,|-").lower()
    if len(found) > 40 and not found.startswith("..."):
        found = found[:37].rstrip() + "..."
    return _Hit(role, f"{name}: {found}", start, "phrase")


def _date_line(p: _Para) -> str | None:
    """A paragraph that is little more than a date, time or "updated" stamp."""
    if p.words > 16:
        return None
    found = list(_DATE.finditer(p.text))
    if not found:
        return None
    rest = _DATE.sub(" ", p.text)
    rest_words = [w for w in _WORDS.findall(rest) if not w.isdigit()]
    if len(rest_words) <= 3 or (found[0].start() == 0 and p.words <= 8):
        return " ".join(found[0].group().split())
    return None


def _nav_words(p: _Para) -> _Hit | None:
    words = _WORDS.findall(p.text)
    if not words or len(words) > 6:
        return None
    if all(_NAV_WORD.fullmatch(w) for w in words):
        return _Hit(Role.NAVIGATION, f"menu or share label: {' '.join(words[:4]).lower()}", 0, "menu")
    return None


def _headline(p: _Para) -> bool:
    return 2 <= p.words <= 25 and not p.bullet and (not p.sentence or p.text.endswith("?")) and p.text[:1].isupper()


def _heading(p: _Para) -> bool:
    return 1 <= p.words <= 12 and not p.sentence and not p.bullet and len(p.text) <= 120 and not p.text[:1].islower()


#: Pull quotes are looked for in the first this many words of a body paragraph (bounds memory).
PULL_QUOTE_SPAN = 5_000


def _bigrams(text: str) -> set[str]:
    w = []
    for m in _WORDS.finditer(text):
        w.append(m.group().casefold())
        if len(w) > PULL_QUOTE_SPAN:
            break
    return {w[k] + " " + w[k + 1] for k in range(len(w) - 1)}


# --------------------------------------------------------------------------- classify one document


def classify(
    doc: Document,
    shared: Collection[int],
    *,
    stats: ParagraphStats | None = None,
    min_documents: int = 5,
) -> tuple[Label, ...]:
    """The role of every paragraph of ``doc``; ``shared`` are the indexes matched in the other version.

    ``stats`` (from :func:`paragraph_stats` over the folder) lets text seen in
    ``min_documents`` or more documents count as boilerplate. Returns one Label per
    paragraph, in order. See the module docstring for the rules.
    """
    if min_documents < 2:
        raise ValueError(f"min_documents must be at least 2, got {min_documents!r}")
    paras = [_para(p.index, p.text) for p in doc.paragraphs]
    n = len(paras)
    shared = set(shared)
    labels: list[Label | None] = [None] * n
    by_key: dict[str, list[int]] = {}
    for p in paras:
        by_key.setdefault(p.key, []).append(p.index)
    # Shared paragraphs longer than a label only count a phrase that leads them.
    hits = [_phrase(p, leading=p.index in shared and p.words > 12) for p in paras]
    first = min(shared) if shared else n
    last = max(shared) if shared else -1

    def seen(i: int) -> int:
        return stats.seen(doc.paragraphs[i].text) if stats is not None and paras[i].words <= 30 else 0

    # Shared paragraphs: body, title, heading, or furniture that both versions kept.
    for i in sorted(shared):
        p, hit = paras[i], hits[i]
        if hit is not None and (p.words <= 12 or hit.start == 0):
            labels[i] = Label(hit.role, hit.evidence + " (in both versions)")
        elif p.words <= 12 and (count := seen(i)) >= 2 * min_documents:
            labels[i] = Label(Role.NAVIGATION, f"seen in {count} {stats.unit} of this folder (in both versions)")
        elif i == first and _headline(p):
            labels[i] = Label(Role.TITLE, "headline in both versions")
        elif _heading(p) and _next_long_shared(paras, shared, i):
            labels[i] = Label(Role.HEADING, "section heading in both versions")
        else:
            labels[i] = Label(Role.BODY, "in both versions")

    # Bigram index of the shared paragraphs, for pull quotes and near-duplicates.
    index: dict[str, list[int]] = {}
    for i in sorted(shared):
        for g in _bigrams(paras[i].text):
            index.setdefault(g, []).append(i)

    for p in paras:
        i = p.index
        if labels[i] is not None:
            continue
        copies = by_key[p.key]
        # 1. a repeat of a longer paragraph of this document
        if _long(p) and len(copies) > 1:
            original = next((c for c in copies if c in shared), copies[0])
            if original != i:
                labels[i] = Label(Role.DUPLICATE, f"repeats paragraph {original}")
                continue
        # 2. a pull quote (or near repeat) of a shared paragraph
        if p.words >= 4 and index:
            g = _bigrams(p.text)
            count: dict[int, int] = {}
            for b in g:
                for j in index.get(b, ()):
                    count[j] = count.get(j, 0) + 1
            if count and g:
                j, h = max(count.items(), key=lambda t: (t[1], -t[0]))
                share = h / len(g)
                if share >= 0.8 and _long(p) and paras[j].words <= 1.5 * p.words:
                    labels[i] = Label(Role.DUPLICATE, f"repeats paragraph {j}")
                    continue
                if share >= 0.7 and (p.sentence or p.words >= 12) and p.words <= 60 and paras[j].words >= 1.5 * p.words:
                    labels[i] = Label(Role.PULL_QUOTE, f"repeats body paragraph {j}")
                    continue
        # 3. phrase tables; 4. repetition across the folder or inside the document
        hit = hits[i]
        count_docs = seen(i)
        if count_docs >= min_documents:
            role = hit.role if hit else Role.NAVIGATION
            labels[i] = Label(role, f"seen in {count_docs} {stats.unit} of this folder")
        elif hit is not None:
            labels[i] = Label(hit.role, hit.evidence)
        elif p.words <= SHORT_REPEAT_WORDS and len(copies) >= SHORT_REPEAT_TIMES:
            labels[i] = Label(Role.NAVIGATION, f"appears {len(copies)} times in this document")

    # 5. neighbours: captions next to photo credits; blocks of furniture.
    for p in paras:
        i = p.index
        if labels[i] is not None or not 4 <= p.words <= 80:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < n and j not in shared and paras[j].words <= 12 and _CREDIT.search(paras[j].text):
                if labels[j] is not None and labels[j].role is Role.CAPTION:
                    labels[i] = Label(Role.CAPTION, f"next to a photo credit (paragraph {j})")
                    break
    for p in paras:
        i = p.index
        if labels[i] is None and i not in shared and _name_like(p):
            for j in (i + 1, i - 1):
                if 0 <= j < n and labels[j] is not None and labels[j].role is Role.BYLINE and j not in shared:
                    labels[i] = Label(Role.BYLINE, f"name next to a byline (paragraph {j})")
                    break
    _carry(paras, labels, hits, shared)
    _credit_pairs(paras, labels, shared, first, last)

    # 6. position and shape
    _titles(paras, labels, shared, first)
    for p in paras:
        i = p.index
        if labels[i] is not None:
            continue
        inside = first < i < last
        if inside and _heading(p):
            labels[i] = Label(Role.HEADING, "short line between body paragraphs")
        elif not inside and p.words <= 8 and not p.sentence:
            where = "before" if i < first else "after"
            labels[i] = Label(Role.NAVIGATION, f"short line {where} the article")
    _beyond_furniture(paras, labels, shared, first, last)
    for p in paras:
        if labels[p.index] is None:
            why = "no evidence of boilerplate" + ("" if shared else " (nothing shared)")
            labels[p.index] = Label(Role.OTHER, why)
    return tuple(labels)  # type: ignore[arg-type]


def _long(p: _Para) -> bool:
    """Long enough that a second copy is a duplicate rather than a repeated label."""
    return p.words >= 10 or (p.words >= SHORT_REPEAT_WORDS and p.sentence)


_BLOCK_NAMES = {
    Role.RELATED: "related-links",
    Role.COMMENTS: "comments",
    Role.PAYWALL: "paywall",
    Role.NAVIGATION: "navigation",
    Role.BYLINE: "byline",
}
#: How many paragraphs without evidence a block of each role may run on.
_BLOCK_REACH = {Role.RELATED: 1_000_000, Role.COMMENTS: 1_000_000, Role.PAYWALL: 6, Role.NAVIGATION: 1_000_000, Role.BYLINE: 2}


def _carry(paras: list[_Para], labels: list[Label | None], hits: list[_Hit | None], shared: set[int]) -> None:
    """Paragraphs without evidence continue the furniture block they sit in (shared ones end it)."""
    carry: Role | None = None
    origin = since = -1
    for p in paras:
        i = p.index
        lab = labels[i]
        if i in shared:
            carry = None
            continue
        if lab is not None:
            hit = hits[i]
            if hit is not None and hit.kind == "date" and lab.role is Role.BYLINE:
                if carry is not None:
                    since = i  # a date line (a story's or a comment's) neither starts nor ends a block
            elif lab.role is Role.BYLINE and not lab.evidence.startswith(("byline", "author bio")):
                if carry is not None:
                    since = i  # names and dates sit in many blocks: they neither start nor end one
            elif lab.role in _BLOCK_NAMES:
                carry, origin, since = lab.role, i, i
            elif lab.role is not Role.DUPLICATE:
                carry = None
            continue
        if carry is not None and i - since <= _BLOCK_REACH[carry] and _continues(carry, p):
            labels[i] = Label(carry, f"in a {_BLOCK_NAMES[carry]} block (from paragraph {origin})")


def _continues(role: Role, p: _Para) -> bool:
    """Whether a paragraph without evidence of its own plausibly continues a block of ``role``."""
    if role in (Role.RELATED, Role.COMMENTS):
        return True
    if role is Role.PAYWALL:
        return p.bullet or p.words <= 12
    if role is Role.BYLINE:
        return p.words <= 5 and not p.sentence and p.text[:1].isupper()
    return p.words <= 8 and not p.sentence  # navigation


def _credit_pairs(paras: list[_Para], labels: list[Label | None], shared: set[int], first: int, last: int) -> None:
    """Inside the body, a lone sentence followed by a short name-like line is a caption and its credit."""
    for i in range(max(first, 0), min(last, len(paras) - 1)):
        p, q = paras[i], paras[i + 1]
        if labels[i] is not None or labels[i + 1] is not None or i in shared or i + 1 in shared:
            continue
        credit = (_PARENTHESISED.match(q.text) and q.words <= 6) or (
            1 <= q.words <= 5 and not q.sentence and all(w[:1].isupper() for w in q.text.split() if w[:1].isalpha())
        )
        if not (4 <= p.words <= 60 and (p.sentence or p.words >= 8)) or not credit:
            continue
        before = paras[i - 1] if i > 0 else None
        after = i + 2
        if before is not None and before.index not in shared and labels[before.index] is None:
            continue
        if after < len(paras) and after not in shared and labels[after] is None:
            continue
        labels[i] = Label(Role.CAPTION, f"lone sentence followed by a credit-like line (paragraph {i + 1})")
        labels[i + 1] = Label(Role.CAPTION, f"credit-like line after a lone sentence (paragraph {i})")


# Roles that mark the page around the article (bylines, captions and credits belong to the article itself).
_FURNITURE = frozenset({Role.NAVIGATION, Role.RELATED, Role.COMMENTS, Role.PAYWALL, Role.AD})


def _beyond_furniture(paras: list[_Para], labels: list[Label | None], shared: set[int], first: int, last: int) -> None:
    """Outside the body, text farther out than some furniture takes the role of the nearest furniture."""
    if not shared:
        return
    for order, where in ((range(last + 1, len(paras)), "after"), (range(first - 1, -1, -1), "before")):
        near: tuple[Role, int] | None = None
        for i in order:
            lab = labels[i]
            if lab is not None:
                if lab.role in _FURNITURE:
                    near = (lab.role, i)
                continue
            if near is not None:
                role, j = near
                labels[i] = Label(role, f"{where} the article, beyond {role.value.replace('_', ' ')} (paragraph {j})")


def _next_long_shared(paras: list[_Para], shared: set[int], i: int) -> bool:
    for j in range(i + 1, len(paras)):
        if j in shared:
            return paras[j].words > paras[i].words
    return False


#: How many furniture paragraphs (share bars, menus) may sit between the headline and the body.
TITLE_REACH = 25


def _titles(paras: list[_Para], labels: list[Label | None], shared: set[int], first: int) -> None:
    """The headline (and dek) right before the body; bylines, dates, captions and share bars between are skipped."""
    if not shared or first == 0:
        return
    found: list[int] = []
    i = first - 1
    while i >= 0 and len(found) < 3:
        lab = labels[i]
        p = paras[i]
        if lab is not None:
            if lab.role in (Role.BYLINE, Role.CAPTION, Role.DUPLICATE, Role.AD) or (
                lab.role in (Role.NAVIGATION, Role.PAYWALL) and not found and i >= first - TITLE_REACH
            ):
                i -= 1
                continue
            break
        if _headline(p) or (2 <= p.words <= 40 and p.text[:1].isupper() and not p.bullet):
            found.append(i)
            i -= 1
            continue
        break
    # At least one of them must look like a headline (a dek alone is not a title).
    if any(_headline(paras[k]) for k in found):
        for n, k in enumerate(found):
            what = "headline before the body" if n == 0 and _headline(paras[k]) else "headline or subtitle before the body"
            labels[k] = Label(Role.TITLE, what)


def _name_like(p: _Para) -> bool:
    """A line that looks like one or a few person names ("Jane Doe", "Meg Kinnard and Errin Haines")."""
    if not 2 <= p.words <= 8 or p.sentence or p.bullet or any(c.isdigit() for c in p.text):
        return False
    tokens = p.text.replace(",", " ").split()
    names = [t for t in tokens if t.lower() not in _NAME_JOINERS]
    if any(_NAV_WORD.fullmatch(t.strip(".")) or t.lower() in _NOT_NAMES for t in names):
        return False
    return 2 <= len(names) <= 3 * (1 + sum(t.lower() in _NAME_JOINERS for t in tokens)) and all(t[:1].isupper() and (t[1:].islower() or len(t) <= 3 or "-" in t or "'" in t or "’" in t) for t in names)


_NAME_JOINERS = frozenset({"and", "und", "y", "et", "e", "&", "de", "da", "van", "von", "der", "del", "la", "le"})
# Capitalised words that start titles and labels rather than names (en, de, es, fr, pt).
_NOT_NAMES = frozenset({"the", "a", "an", "der", "die", "das", "el", "los", "las", "le", "les", "o", "os", "about", "recent", "policy"})


# --------------------------------------------------------------------------- diff


def diff(
    a: Document,
    b: Document,
    *,
    stats: ParagraphStats | None = None,
    min_documents: int = 5,
    score_cutoff: float = 60.0,
    move_cutoff: float = 80.0,
    scorer: Callable[..., float] = fuzz.ratio,
    processor: Callable[[str], str] | None = default_process,
    workers: int = 1,
    max_cells: int = MAX_CELLS,
    alignment: Alignment | None = None,
) -> tuple[DiffRow, ...]:
    """Align ``a`` with ``b`` and classify every paragraph: the rows of the pair's diff.

    Knobs are those of :func:`dedup.align.align` and :func:`classify`; pass
    ``alignment`` to reuse one already computed for the same two documents.
    """
    if alignment is None:
        alignment = align(
            a, b, score_cutoff=score_cutoff, move_cutoff=move_cutoff, scorer=scorer,
            processor=processor, workers=workers, max_cells=max_cells,
        )
    elif alignment.a != a.id or alignment.b != b.id:
        raise ValueError(f"alignment: it aligns {alignment.a!r} with {alignment.b!r}, not {a.id!r} with {b.id!r}")
    steps = alignment.steps
    shared_a = {s.a for s in steps if s.a is not None and s.b is not None}
    shared_b = {s.b for s in steps if s.a is not None and s.b is not None}
    la = classify(a, shared_a, stats=stats, min_documents=min_documents)
    lb = classify(b, shared_b, stats=stats, min_documents=min_documents)
    pieces_a: dict[int, int] = {}
    pieces_b: dict[int, int] = {}
    for s in steps:
        if s.a_range is not None:
            pieces_a[s.a] = pieces_a.get(s.a, 0) + 1
        if s.b_range is not None:
            pieces_b[s.b] = pieces_b.get(s.b, 0) + 1
    rows = []
    for s in steps:
        pa = a.paragraphs[s.a] if s.a is not None else None
        pb = b.paragraphs[s.b] if s.b is not None else None
        span_a = None if pa is None else Span(pa.index, *(s.a_range or (pa.start, pa.end)))
        span_b = None if pb is None else Span(pb.index, *(s.b_range or (pb.start, pb.end)))
        if pa is None:
            lab = lb[s.b]
        elif pb is None:
            lab = la[s.a]
        else:
            lab = _joint(la[s.a], lb[s.b])
            if s.op is Op.REPLACE:
                lab = Label(lab.role, lab.evidence + f", edited (similarity {s.score:g})")
            elif s.op is Op.MOVE:
                lab = Label(lab.role, lab.evidence + ", moved")
            if s.a in pieces_a:
                lab = Label(lab.role, lab.evidence + f"; A paragraph {s.a} is {pieces_a[s.a]} paragraphs in B")
            if s.b in pieces_b:
                lab = Label(lab.role, lab.evidence + f"; B paragraph {s.b} is {pieces_b[s.b]} paragraphs in A")
        words: tuple[WordEdit, ...] = ()
        if s.op is Op.REPLACE:
            words = word_diff(a.text[span_a.start : span_a.end], b.text[span_b.start : span_b.end])
        rows.append(DiffRow(s.op, lab.role, float(s.score), span_a, span_b, lab.evidence, words))
    return tuple(rows)


def _joint(x: Label, y: Label) -> Label:
    """One label for a paragraph both versions carry (the same whichever side is A)."""
    if x == y:
        return x
    for role in (Role.TITLE, Role.HEADING):
        if role in (x.role, y.role):
            return x if x.role is role and (y.role is not role or x.evidence <= y.evidence) else y
    if x.role is Role.BODY or y.role is Role.BODY:
        return x if x.role is Role.BODY and (y.role is not Role.BODY or x.evidence <= y.evidence) else y
    return min(x, y, key=lambda lab: (_ROLE_RANK[lab.role], lab.evidence))
