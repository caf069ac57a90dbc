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
   documents (:class:`dedup.stats.ParagraphStats`): the phrase role below if any, else
   ``navigation``;
4. the phrase tables of :mod:`dedup.phrases` (syndication, paywall, byline and author
   bios, comments, related, ad, photo credits and caption wording, navigation; date lines
   as ``byline``), each only on paragraphs short enough for a phrase to be telling; the
   earliest match wins; a short line repeated three or more times in the document is
   ``navigation``;
5. neighbours: a sentence next to a photo credit (a credit line, not a caption ending
   in its credit) or right after a gallery counter ("Image 2 of 5") is a ``caption``; a
   name-like line next to a byline is a ``byline``; a paragraph with no evidence
   continues the related-links, comments, paywall, byline or navigation block it sits
   in; inside the body, a lone sentence followed by a short credit-like line is a caption
   and its credit, and so is a credit-like line between a caption (by its wording) and
   the body;
6. position and shape: headline-like lines (and a dek) right before the body, across
   bylines, captions and share bars, are ``title``, but one sentence between a byline
   below the headline and the body is the lead picture's ``caption``; short lines
   between body paragraphs are ``heading``; short lines outside the body are
   ``navigation``; outside the body, text farther out than navigation, related links,
   comments, paywall or ad takes the role of that furniture; anything else is ``other``
   (real content in one version only).

A paragraph that is a piece of a longer paragraph of the other version (one version
splits what the other keeps as one block; see "Splits" in :mod:`dedup.align`) is in
both versions: it is classified like a shared paragraph.

Evidence is a short phrase. It names paragraphs as the reports do, from 1 and with the
document's letter: ``A11`` is the eleventh paragraph of A (JSON ``index`` 10), ``B5``
the fifth of B: "repeats body paragraph B5", "repeats paragraph A11", "paywall phrase:
subscribe", "seen in 37 documents of this folder", "short line between body
paragraphs", "part of B3 (B3 is A25-A27 in A)".

Each :class:`DiffRow` maps 1:1 onto a JSON row (:func:`row_as_dict`)::

    {"op": "equal|replace|insert|delete|move", "role": "<role>", "score": 0-100,
     "a": {"index": i, "start": s, "end": e} | null, "b": {...} | null,
     "evidence": "...", "words": [...]}

``index`` is 0-based; ``start``/``end`` are the paragraph's character offsets in the
document's decoded text. ``words`` is always present: an empty list except on
``replace`` rows, where it is the inline word diff as ``{"op":
"equal|replace|delete|insert", "a": "...", "b": "..."}`` chunks whose ``a`` texts
concatenate to the A paragraph and ``b`` texts to the B paragraph
(:class:`dedup.align.WordEdit`).

Every paragraph of both documents appears in exactly one row, with its whole span.
Rows are in the order of :func:`dedup.align.align`: rows follow B; between two in-order
matches come first the A-only rows of that gap in A order, then the B rows of the gap
in B order (``insert``, or ``move`` at its B position). When one version splits a
paragraph of the other into pieces, the paragraph's row pairs it with one piece
(``replace``, or ``move``; its evidence ends with the pieces: "A5 is B3-B5 in B"), and
each other piece is a one-sided row (``insert`` for a piece in B, ``delete`` in A)
whose evidence starts with "part of A5": the op says the paragraph has no counterpart
paragraph, the evidence that its text is in both versions.
"""

from __future__ import annotations

import bisect
import enum
import functools
import itertools
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from dedup import phrases
from dedup.align import MAX_CELLS, Alignment, Op, WordEdit, _record_maker, align, word_diff
from dedup.document import Document, paragraph_numbers
from dedup.stats import KeyCounts, ParagraphStats, paragraph_key, paragraph_keys, paragraph_stats

__all__ = [
    "DiffRow",
    "EncodedRows",
    "KeyCounts",
    "Label",
    "ParagraphStats",
    "Role",
    "Span",
    "classify",
    "diff",
    "paragraph_key",
    "paragraph_keys",
    "paragraph_stats",
    "row_as_dict",
    "row_json",
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
    """Where a row's paragraph is: its index (0-based) and character offsets."""

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


_row = _record_maker(DiffRow)
_label = _record_maker(Label)
_span = _record_maker(Span)


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


_string = json.encoder.encode_basestring  # the encoder of json.dumps(..., ensure_ascii=False)


def row_json(row: DiffRow) -> str:
    """The JSON row (:func:`row_as_dict`) as text, laid out as :func:`dedup.render.json.dumps` does.

    Sorted keys, ``", "`` and ``": "`` between items, UTF-8 text, on one line; a row with a
    word diff has a line per key and per word chunk instead (indented by two and four
    spaces). Written directly: a large report has millions of rows.
    """
    a, b = row.a, row.b
    a = "null" if a is None else f'{{"end": {a.end}, "index": {a.index}, "start": {a.start}}}'
    b = "null" if b is None else f'{{"end": {b.end}, "index": {b.index}, "start": {b.start}}}'
    evidence = _EVIDENCE.get(row.evidence) or _string(row.evidence)
    if not row.words:
        return (
            f'{{"a": {a}, "b": {b}, "evidence": {evidence}, "op": "{row.op}", "role": "{row.role}", '
            f'"score": {float(row.score)!r}, "words": []}}'
        )
    words = ",\n    ".join(f'{{"a": {_string(w.a)}, "b": {_string(w.b)}, "op": {_string(w.op)}}}' for w in row.words)
    return (
        f'{{\n  "a": {a},\n  "b": {b},\n  "evidence": {evidence},\n  "op": "{row.op}",\n  "role": "{row.role}",\n'
        f'  "score": {float(row.score)!r},\n  "words": [\n    {words}\n  ]\n}}'
    )


def _row_of(d: dict) -> DiffRow:
    """The DiffRow of a JSON row (the inverse of :func:`row_as_dict`)."""
    a, b = d["a"], d["b"]
    return _row(
        Op(d["op"]),
        Role(d["role"]),
        d["score"],
        None if a is None else _span(a["index"], a["start"], a["end"]),
        None if b is None else _span(b["index"], b["start"], b["end"]),
        d["evidence"],
        tuple(WordEdit(w["op"], w["a"], w["b"]) for w in d["words"]),
    )


@dataclass(frozen=True, slots=True)
class EncodedRows(Sequence):
    """A pair's diff rows as JSON text: the :func:`row_json` of each, joined by ``",\\n"``.

    How the pipeline's workers hand rows back: one string pickles, travels and is written
    out cheaply, where rows as objects cost the main process more than the workers spent
    making them (a report of 100,000 documents has two million rows). Reads as a
    sequence of DiffRow, decoded on access; ``text`` is the inside of the JSON list.
    """

    text: str = ""
    size: int = 0  # not "count": that is Sequence.count(value), which rows keep

    @classmethod
    def of(cls, rows: Collection[DiffRow]) -> EncodedRows:
        return cls(",\n".join(map(row_json, rows)), len(rows))

    def dicts(self) -> list[dict]:
        """The rows as :func:`row_as_dict` gives them."""
        return json.loads(f"[{self.text}]")

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, k):
        rows = tuple(map(_row_of, self.dicts()))
        return rows[k]

    def __iter__(self) -> Iterator[DiffRow]:
        return map(_row_of, self.dicts())


# --------------------------------------------------------------------------- the phrase rules

_C = phrases.compile_table
# (role, name in the evidence, table, most words a paragraph may have for it to count); ties go to the first.
_RULES: tuple[tuple[Role, str, phrases.PhraseTable, int], ...] = (
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
_MAX_RULE_WORDS = max(r[3] for r in _RULES)
_PHRASE_RULES = phrases.PhraseRules([rule[2] for rule in _RULES])
_NAV_WORD = re.compile(rf"(?:{phrases.NAVIGATION_WORDS[0]})", re.IGNORECASE)
_DATE = _C(phrases.DATE_PHRASES)
_DATE_WORDS = 16
_CREDIT = _C(phrases.CREDIT_PHRASES)
_BULLET = re.compile(r"^\s*(?:[•·▪▫◦‣⁃●○■□►▸➢✓✔*+\-–—]|\d{1,3}[.)])\s+")
_SENTENCE_END = (".", "!", "?", "…", ".\"", ".”", ".’", "!\"", "!”", "?\"", "?”", ".)")
_WORDS = re.compile(r"[^\W_]+")
_ROLE_RANK = {role: k for k, role in enumerate(Role)}
_PARENTHESISED = re.compile(r"^\([^()]{2,60}\)$")
# "Image 2 of 5", "Foto 3 von 12", "Slide 4/9": the counter of a picture gallery (en, de, es, fr, pt, it, nl).
_GALLERY_COUNTER = re.compile(
    r"^(?:image|photo|picture|slide|foto|bild|imagen|imagem|diapositiva|immagine|afbeelding)\s+\d+\s*"
    r"(?:of|von|de|sur|di|van|/)\s*\d+$",
    re.IGNORECASE,
)
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Word counting without a regex: ASCII letters and digits (and every byte of a character outside
# ASCII, once those that are not letters or digits are blanked) become "a", everything else a
# space; words are the runs of "a".
_RUNS = bytes(ord("a") if chr(c).isalnum() or c >= 128 else ord(" ") for c in range(256))
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]")
# Texts up to this long get a word set for the phrase pre-check; longer ones look words up as substrings.
_WORD_SET_CHARS = 20_000

#: Paragraphs of at most this many words repeated this often in one document are page furniture.
SHORT_REPEAT_WORDS = 8
SHORT_REPEAT_TIMES = 3
#: Pull quotes are looked for in the first this many words of a body paragraph (bounds memory).
PULL_QUOTE_SPAN = 5_000
#: How many furniture paragraphs (share bars, menus) may sit between the headline and the body.
TITLE_REACH = 25


def _count_words(text: str) -> int:
    """Runs of letters and digits (``[^\\W_]+``), the words every word limit counts."""
    data = text.encode("utf-8", "surrogatepass")
    if not text.isascii():
        for c in set(_NON_ASCII_NON_WORD.findall(text)):
            data = data.replace(c.encode("utf-8", "surrogatepass"), b" ")
    return (b" " + data.translate(_RUNS)).count(b" a")


@functools.lru_cache(maxsize=1 << 15)
def _features(raw: str) -> tuple[str, int, bool, bool]:
    """(text with whitespace collapsed and a leading bullet removed, words, bulleted, ends like a sentence)."""
    odd = "  " in raw or raw[:1] == " " or raw[-1:] == " " or _ODD_SPACE.search(raw)
    flat = " ".join(raw.split()) if odd else raw
    m = _BULLET.match(flat) if flat[:1] in _BULLET_STARTS else None
    if m and not flat[:1].isdigit():
        flat = flat[m.end():]
    return flat, _count_words(flat), bool(m), flat.endswith(_SENTENCE_END)


# Whitespace that " ".join(text.split()) would change (str.isspace characters but a single space).
_ODD_SPACE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_BULLET_STARTS = frozenset("•·▪▫◦‣⁃●○■□►▸➢✓✔*+-–—0123456789 \t\n")


class _Para:
    """One paragraph's text and shape (from :func:`_features`, cached by text)."""

    __slots__ = ("bullet", "index", "raw", "sentence", "text", "words")

    def __init__(self, index: int, raw: str) -> None:
        self.index = index
        self.raw = raw
        self.text, self.words, self.bullet, self.sentence = _features(raw)


@dataclass(frozen=True, slots=True)
class _Hit:
    role: Role
    evidence: str
    start: int  # where the phrase starts in the paragraph (0: it leads the paragraph)
    kind: str  # "phrase", "date" or "menu"


@functools.lru_cache(maxsize=1 << 15)
def _phrase(text: str, words: int, leading: bool) -> _Hit | None:
    """The earliest telling phrase in a paragraph (only one that leads it, if ``leading``)."""
    low = text.lower()
    # A phrase that leads the text needs no word list (its pre-check looks words up as substrings).
    wset = None if (leading and words > _DATE_WORDS) or len(low) > _WORD_SET_CHARS else phrases.text_words(low)
    best: tuple[int, int, Role, str, str] | None = None
    allowed = [rank for rank, rule in enumerate(_RULES) if words <= rule[3]]
    found = _PHRASE_RULES.candidates(low, wset, leading=leading, tables=allowed) if allowed else ()
    for rank, ks in enumerate(found):
        if not ks:
            continue
        role, name, table, _ = _RULES[rank]
        m = table.first(ks, text, leading=leading)
        if m and (best is None or (m.start(), rank) < best[:2]):
            best = (m.start(), rank, role, name, m.group())
    date = _date_line(text, words, low, wset)
    if date is not None and (best is None or best[2] not in (Role.BYLINE, Role.SYNDICATION)):
        return _Hit(Role.BYLINE, f"date line: {date}", 0, "date")
    if best is None:
        return _nav_words(text) if words <= 6 else None
    start, _, role, name, found = best
    if role is Role.BYLINE:
        found = text  # a name says more than the keyword before it
    elif name == "photo credit" and start == 0 and len(found) > 40:
        found = "..." + " ".join(found.split())[-37:].lower()  # the credit is at the end
    else:
        found = " ".join(found.split()).strip(" :,|-").lower()
    if len(found) > 40 and not found.startswith("..."):
        found = found[:37].rstrip() + "..."
    return _Hit(role, f"{name}: {found}", start, "phrase")


def _date_line(text: str, words: int, low: str, wset) -> str | None:
    """A paragraph that is little more than a date, time or "updated" stamp."""
    if words > _DATE_WORDS:
        return None
    pattern = _DATE.narrow(low, wset)
    if pattern is None:
        return None
    found = list(pattern.finditer(text))
    if not found:
        return None
    rest = pattern.sub(" ", text)
    rest_words = [w for w in _WORDS.findall(rest) if not w.isdigit()]
    if len(rest_words) <= 3 or (found[0].start() == 0 and words <= 8):
        return " ".join(found[0].group().split())
    return None


def _nav_words(text: str) -> _Hit | None:
    words = _WORDS.findall(text)
    if not words or len(words) > 6:
        return None
    if all(_NAV_WORD.fullmatch(w) for w in words):
        return _Hit(Role.NAVIGATION, f"menu or share label: {' '.join(words[:4]).lower()}", 0, "menu")
    return None


def _headline(p: _Para) -> bool:
    return 2 <= p.words <= 25 and not p.bullet and (not p.sentence or p.text.endswith("?")) and p.text[:1].isupper()


def _heading(p: _Para) -> bool:
    return 1 <= p.words <= 12 and not p.sentence and not p.bullet and len(p.text) <= 120 and not p.text[:1].islower()


def _long(p: _Para) -> bool:
    """Long enough that a second copy is a duplicate rather than a repeated label."""
    return p.words >= 10 or (p.words >= SHORT_REPEAT_WORDS and p.sentence)


_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


@functools.lru_cache(maxsize=1 << 15)
def _copy_key(raw: str) -> bytes:
    """What two copies of a paragraph share: its letters and digits, lower-cased."""
    low = raw.lower()
    data = low.encode("utf-8", "surrogatepass").translate(None, _NOT_ALNUM)
    if not raw.isascii():
        for c in set(_NON_ASCII_NON_WORD.findall(low)):
            data = data.replace(c.encode("utf-8", "surrogatepass"), b"")
    return data or raw.encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=1 << 14)
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    """Pairs of consecutive words (case-folded) of the first :data:`PULL_QUOTE_SPAN` words."""
    folded = text.casefold()
    if len(folded) > 20 * PULL_QUOTE_SPAN:
        words = [m.group() for m in itertools.islice(_WORDS.finditer(folded), PULL_QUOTE_SPAN + 1)]
    else:
        words = _WORDS.findall(folded)[: PULL_QUOTE_SPAN + 1]
    return frozenset(zip(words, words[1:]))


@functools.lru_cache(maxsize=1 << 14)
def _casefolded(text: str) -> str:
    return text.casefold()


@functools.lru_cache(maxsize=1 << 14)
def _probes(text: str, n: int = 3) -> list[str]:
    """The longest words of a text (case-folded), to find the paragraphs it may repeat."""
    words = {w.strip(_PUNCT).casefold() for w in sorted(text.split(), key=len, reverse=True)[: 2 * n]}
    return [w for w in sorted(words, key=lambda w: (-len(w), w))[:n] if w]


_PUNCT = "".join(chr(c) for c in range(0x2000, 0x2070)) + ".,;:!?()[]{}\"'«»‹›¿¡*/|-–—_#@&%$€£+=<>~`^\\"


#: Words up to this long are indexed by their character trigrams in :class:`_Containing`; longer ones are
#: scanned (a line without spaces, a long URL).
_INDEXED_WORD_CHARS = 256
#: :class:`_Containing` scans the texts for this many strings before it indexes their words (a scan is
#: about a thousand times cheaper than indexing: most documents never need the index).
_SCANS_BEFORE_INDEX = 512


class _Containing:
    """Which of some texts hold a string: ``{k for k, t in enumerate(texts) if s in t}`` (a string
    spanning two texts, should one hold ``\\x00``, counts for the one where it starts).

    The first :data:`_SCANS_BEFORE_INDEX` strings are looked for in the texts; after that, a
    string without white space (which lies inside one word, ``str.split``, of a text) is looked
    for among the distinct words of the texts: through the character trigrams of those of at
    most :data:`_INDEXED_WORD_CHARS` characters (the words under its rarest trigram are
    tested), and by scanning the longer words (and all of them for a string shorter than a
    trigram). Each string is looked up once. ``work`` counts the characters scanned and the
    words tested: past the first scans, it grows with the words that may hold a string, not
    with the length of the texts.
    """

    __slots__ = ("_found", "_grams", "_long", "_texts", "_vocab", "_where", "work")

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = _Joined(texts, range(len(texts)))
        self._found: dict[str, frozenset[int]] = {}
        self._grams: dict[str, list[int]] | None = None
        self.work = 0

    def holding(self, strings: Iterable[str]) -> set[int]:
        """The texts that hold any of ``strings``: the scans inline (the path of most documents).

        The scan is :meth:`_Joined.find`'s loop written out: a call per probe cost about 1% of an
        ordinary pair's diff.
        """
        out: set[int] = set()
        joined = self._texts
        text, starts = joined.text, joined.starts
        for s in strings:
            if self._grams is None and self.work < _SCANS_BEFORE_INDEX * len(text):
                self.work += len(text)
                at = text.find(s)
                while at >= 0:
                    k = bisect.bisect_right(starts, at) - 1
                    out.add(k)
                    at = text.find(s, starts[k + 1]) if k + 1 < len(starts) else -1
            else:
                out |= self(s)
        return out

    def __call__(self, s: str) -> frozenset[int]:
        found = self._found.get(s)
        if found is None:
            found = self._found[s] = frozenset(self._lookup(s))
        return found

    def _lookup(self, s: str) -> set[int] | list[int]:
        texts = self._texts
        if self._grams is None and self.work < _SCANS_BEFORE_INDEX * len(texts.text) or "\x00" in s or s.split() != [s]:
            self.work += len(texts.text)
            return texts.find(s)
        if self._grams is None:
            self._index()
        if len(s) < 3:
            self.work += len(self._vocab.text)
            words = self._vocab.find(s)
        else:
            self.work += len(self._long.text)
            under = min((self._grams.get(s[i : i + 3], ()) for i in range(len(s) - 2)), key=len)
            self.work += len(under)
            words = [*self._long.find(s), *(x for x in under if s in self._vocab.items[x])]
        return {k for x in words for k in self._where[x]}

    def _index(self) -> None:
        where: dict[str, list[int]] = {}
        for k, t in enumerate(self._texts.items):
            for w in set(t.split()):
                where.setdefault(w, []).append(k)
        self._where = list(where.values())
        words = list(where)
        self._vocab = _Joined(words, range(len(words)))
        long = [x for x, w in enumerate(words) if len(w) > _INDEXED_WORD_CHARS]
        self._long = _Joined([words[x] for x in long], long)
        grams: dict[str, list[int]] = {}
        for x, w in enumerate(words):
            if len(w) <= _INDEXED_WORD_CHARS:
                for g in {w[i : i + 3] for i in range(len(w) - 2)}:
                    grams.setdefault(g, []).append(x)
        self._grams = grams


class _Joined:
    """Strings joined by ``\\x00`` (their ``keys`` alongside), to find which of them hold a string."""

    __slots__ = ("items", "keys", "starts", "text")

    def __init__(self, items: Sequence[str], keys: Sequence[int]) -> None:
        self.items = items
        self.keys = keys
        self.text = "\x00".join(items)
        self.starts = list(itertools.accumulate((len(t) + 1 for t in items[:-1]), initial=0)) if items else []

    def find(self, s: str) -> list[int]:
        """The keys of the strings that hold ``s`` (of the string where it starts, should it span two)."""
        out = []
        at = self.text.find(s) if self.items else -1
        while at >= 0:
            k = bisect.bisect_right(self.starts, at) - 1
            out.append(self.keys[k])
            at = self.text.find(s, self.starts[k + 1]) if k + 1 < len(self.starts) else -1
        return out


# --------------------------------------------------------------------------- classify one document


def classify(
    doc: Document,
    shared: Collection[int],
    *,
    stats: ParagraphStats | None = None,
    min_documents: int = 5,
    side: str = "A",
) -> tuple[Label, ...]:
    """The role of every paragraph of ``doc``; ``shared`` are the indexes matched in the other version.

    ``stats`` (from :func:`dedup.stats.paragraph_stats` over the folder) lets text seen in
    ``min_documents`` or more documents count as boilerplate; ``side`` is the letter that
    names this document's paragraphs in the evidence ("A" gives "A1", "A2", ...). Returns
    one Label per paragraph, in order. See the module docstring for the rules.
    """
    if min_documents < 2:
        raise ValueError(f"min_documents must be at least 2, got {min_documents!r}")
    return _Classifier(doc, set(shared), stats, min_documents, side).run()


class _Classifier:
    """The work of one :func:`classify` call."""

    def __init__(self, doc: Document, shared: set[int], stats, min_documents: int, side: str) -> None:
        self.doc = doc
        self.paras = [_Para(p.index, p.text) for p in doc.paragraphs]
        self.n = len(self.paras)
        self.shared = shared
        self.stats = stats
        self.min_documents = min_documents
        self.side = side
        self.labels: list[Label | None] = [None] * self.n
        self.hits: list[_Hit | None] = [None] * self.n
        self.shared_order = sorted(shared)
        self.first = self.shared_order[0] if shared else self.n
        self.last = self.shared_order[-1] if shared else -1
        self._copies: list[list[int]] | None = None
        self._shared_low: _Containing | None = None  # the shared paragraphs, case-folded

    def name(self, i: int) -> str:
        return f"{self.side}{i + 1}"

    def seen(self, i: int) -> int:
        p = self.paras[i]
        return self.stats.seen(p.raw) if self.stats is not None and p.words <= 30 else 0

    def copies(self, i: int) -> list[int]:
        """The paragraphs of this document with the same text as paragraph ``i`` (itself included)."""
        if self._copies is None:
            groups: dict[bytes, list[int]] = {}
            self._copies = [groups.setdefault(_copy_key(p.raw), []) for p in self.paras]
            for i2, group in enumerate(self._copies):
                group.append(i2)
        return self._copies[i]

    def hit(self, i: int) -> _Hit | None:
        p = self.paras[i]
        if p.words > _MAX_RULE_WORDS and p.words > 6:
            return None  # no rule looks at paragraphs this long
        # Shared paragraphs longer than a label only count a phrase that leads them.
        return _phrase(p.text, p.words, i in self.shared and p.words > 12)

    def run(self) -> tuple[Label, ...]:
        paras, labels, shared = self.paras, self.labels, self.shared
        hits = self.hits
        for i in range(self.n):
            hits[i] = self.hit(i)
        first, last = self.first, self.last

        # Shared paragraphs: body, title, heading, or furniture that both versions kept.
        for i in self.shared_order:
            p, hit = paras[i], hits[i]
            if hit is not None and (p.words <= 12 or hit.start == 0):
                labels[i] = _label(hit.role, hit.evidence + " (in both versions)")
            elif p.words <= 12 and (count := self.seen(i)) >= 2 * self.min_documents:
                labels[i] = _label(Role.NAVIGATION, f"seen in {count} {self.stats.unit} of this folder (in both versions)")
            elif i == first and _headline(p):
                labels[i] = _label(Role.TITLE, "headline in both versions")
            elif _heading(p) and self._next_long_shared(i):
                labels[i] = _label(Role.HEADING, "section heading in both versions")
            else:
                labels[i] = _BODY
        if len(self.shared_order) == self.n:
            return tuple(labels)  # every paragraph is shared: the passes below only fill unlabelled ones

        for p in paras:
            i = p.index
            if labels[i] is not None:
                continue
            # 1. a repeat of a longer paragraph of this document
            if _long(p):
                copies = self.copies(i)
                if len(copies) > 1:
                    original = next((c for c in copies if c in shared), copies[0])
                    if original != i:
                        labels[i] = _label(Role.DUPLICATE, f"repeats paragraph {self.name(original)}")
                        continue
            # 2. a pull quote (or near repeat) of a shared paragraph
            if shared and ((4 <= p.words <= 60 and (p.sentence or p.words >= 12)) or _long(p)):
                lab = self._repeat(p)
                if lab is not None:
                    labels[i] = lab
                    continue
            # 3. phrase tables; 4. repetition across the folder or inside the document
            hit = hits[i]
            count_docs = self.seen(i)
            if count_docs >= self.min_documents:
                role = hit.role if hit else Role.NAVIGATION
                labels[i] = _label(role, f"seen in {count_docs} {self.stats.unit} of this folder")
            elif hit is not None:
                labels[i] = _label(hit.role, hit.evidence)
            elif p.words <= SHORT_REPEAT_WORDS and len(copies := self.copies(i)) >= SHORT_REPEAT_TIMES:
                labels[i] = _label(Role.NAVIGATION, f"appears {len(copies)} times in this document")

        self._neighbours()
        self._carry()
        self._credit_pairs()

        # 6. position and shape
        self._titles()
        for p in paras:
            i = p.index
            if labels[i] is not None:
                continue
            inside = first < i < last
            if inside and _heading(p):
                labels[i] = _label(Role.HEADING, "short line between body paragraphs")
            elif not inside and p.words <= 8 and not p.sentence:
                where = "before" if i < first else "after"
                labels[i] = _label(Role.NAVIGATION, f"short line {where} the article")
        self._beyond_furniture()
        for p in paras:
            if labels[p.index] is None:
                why = "no evidence of boilerplate" + ("" if shared else " (nothing shared)")
                labels[p.index] = _label(Role.OTHER, why)
        return tuple(labels)  # type: ignore[arg-type]

    def _repeat(self, p: _Para) -> Label | None:
        """A pull quote of a longer shared paragraph, or a near repeat of one (bigrams in common)."""
        # Candidates: shared paragraphs holding one of the quote's longest words.
        probes = _probes(p.text)
        if not probes:
            return None
        if self._shared_low is None:
            self._shared_low = _Containing([_casefolded(self.paras[j].text) for j in self.shared_order])
        order = self.shared_order
        found = {order[k] for k in self._shared_low.holding(probes)}
        g: frozenset | None = None
        best_j, best_h = -1, 0
        for j in sorted(found):
            if g is None:
                g = _bigrams(p.text)
                if not g:
                    return None
            h = len(g & _bigrams(self.paras[j].text))
            if h > best_h:
                best_j, best_h = j, h
        if best_j < 0 or g is None:
            return None
        share = best_h / len(g)
        q = self.paras[best_j]
        if share >= 0.8 and _long(p) and q.words <= 1.5 * p.words:
            return _label(Role.DUPLICATE, f"repeats paragraph {self.name(best_j)}")
        if share >= 0.7 and (p.sentence or p.words >= 12) and p.words <= 60 and q.words >= 1.5 * p.words:
            return _label(Role.PULL_QUOTE, f"repeats body paragraph {self.name(best_j)}")
        return None

    def _next_long_shared(self, i: int) -> bool:
        for j in range(i + 1, self.n):
            if j in self.shared:
                return self.paras[j].words > self.paras[i].words
        return False

    def _neighbours(self) -> None:
        """5. Captions next to photo credits; names next to bylines."""
        paras, labels, shared, n = self.paras, self.labels, self.shared, self.n
        for p in paras:
            i = p.index
            if labels[i] is not None or not 4 <= p.words <= 80:
                continue
            for step in (1, -1):
                # the nearest paragraph, past gallery counters ("6", "1 / 4") and copies of this one
                j = i + step
                while 0 <= j < n and j not in shared and (not _HAS_LETTER.search(paras[j].text) or self.copies(j) is self.copies(i)):
                    j += step
                if 0 <= j < n and j not in shared and paras[j].words <= 12 and labels[j] is not None:
                    if labels[j].role is Role.CAPTION and _is_credit(paras[j]):
                        labels[i] = _label(Role.CAPTION, f"next to a photo credit ({self.name(j)})")
                        break
            # a sentence right after a gallery counter ("Image 2 of 5") is that picture's caption
            if labels[i] is None and p.sentence and i > 0 and i - 1 not in shared and _GALLERY_COUNTER.match(paras[i - 1].text):
                labels[i] = _label(Role.CAPTION, f"after a gallery counter ({self.name(i - 1)})")
        for p in paras:
            i = p.index
            if labels[i] is None and i not in shared and _name_like(p):
                for j in (i + 1, i - 1):
                    if 0 <= j < n and labels[j] is not None and labels[j].role is Role.BYLINE and j not in shared:
                        labels[i] = _label(Role.BYLINE, f"name next to a byline ({self.name(j)})")
                        break

    def _carry(self) -> None:
        """Paragraphs without evidence continue the furniture block they sit in (shared ones end it)."""
        paras, labels, hits, shared = self.paras, self.labels, self.hits, self.shared
        carry: Role | None = None
        origin = since = -1
        pending: list[int] = []  # short lines of a paywall block: paywall only if the block goes on past them

        def in_block(what: str = "") -> Label:
            return _label(carry, f"{what}in a {_BLOCK_NAMES[carry]} block (from {self.name(origin)})")

        for p in paras:
            i = p.index
            lab = labels[i]
            if i in shared:
                carry = None
                pending.clear()
                continue
            if lab is not None:
                hit = hits[i]
                if hit is not None and hit.kind == "date" and lab.role is Role.BYLINE:
                    if carry is not None:
                        since = i  # a date line (a story's or a comment's) neither starts nor ends a block
                        if carry is Role.COMMENTS:  # a comment's date belongs to it, not to the article's byline
                            labels[i] = in_block("date line ")
                elif lab.role is Role.BYLINE and not lab.evidence.startswith(("byline", "author bio")):
                    if carry is not None:
                        since = i  # names and dates sit in many blocks: they neither start nor end one
                elif lab.role in _BLOCK_NAMES:
                    if pending and carry is lab.role:
                        for k in pending:
                            labels[k] = in_block()
                    pending.clear()
                    carry, origin, since = lab.role, i, i
                elif lab.role is not Role.DUPLICATE:
                    carry = None
                    pending.clear()
                continue
            if carry is not None and i - since <= _BLOCK_REACH[carry] and _continues(carry, p):
                if carry is Role.PAYWALL and not p.bullet:
                    pending.append(i)
                else:
                    labels[i] = in_block()

    def _credit_pairs(self) -> None:
        """Inside the body, a lone sentence followed by a short name-like line is a caption and its credit."""
        paras, labels, shared, hits = self.paras, self.labels, self.shared, self.hits
        for i in range(max(self.first, 0), min(self.last, self.n - 1)):
            p, q = paras[i], paras[i + 1]
            if labels[i] is not None or labels[i + 1] is not None or i in shared or i + 1 in shared:
                continue
            if not (4 <= p.words <= 60 and (p.sentence or p.words >= 8)) or not _credit_like(q):
                continue
            if p.text.endswith("?"):
                continue  # a poll's or a teaser's question, not a caption ("Würdest du ...?", "Auswahlmöglichkeiten")
            before = paras[i - 1] if i > 0 else None
            after = i + 2
            if before is not None and before.index not in shared and labels[before.index] is None:
                continue
            if after < len(paras) and after not in shared and labels[after] is None:
                continue
            labels[i] = _label(Role.CAPTION, f"lone sentence followed by a credit-like line ({self.name(i + 1)})")
            labels[i + 1] = _label(Role.CAPTION, f"credit-like line after a lone sentence ({self.name(i)})")
        # Inside the body, a credit-like line between a caption (by its wording) and a shared paragraph is
        # the caption's credit ("Video: In this talk ..." then "TEDMED").
        for i in range(max(self.first, 1), self.last):
            if labels[i] is None and i - 1 not in shared and i + 1 in shared and _credit_like(paras[i]):
                hit, caption = hits[i - 1], paras[i - 1]
                by_wording = hit is not None and hit.role is Role.CAPTION and labels[i - 1] == _label(hit.role, hit.evidence)
                if by_wording and caption.words >= 8 and caption.sentence:
                    labels[i] = _label(Role.CAPTION, f"credit-like line after a caption ({self.name(i - 1)})")

    def _beyond_furniture(self) -> None:
        """Outside the body, text farther out than some furniture takes the role of the nearest furniture."""
        labels, first, last = self.labels, self.first, self.last
        if not self.shared:
            return
        for order, where in ((range(last + 1, self.n), "after"), (range(first - 1, -1, -1), "before")):
            near: tuple[Role, int] | None = None
            for i in order:
                lab = labels[i]
                if lab is not None:
                    if lab.role in _FURNITURE:
                        near = (lab.role, i)
                    continue
                if near is not None:
                    role, j = near
                    labels[i] = _label(role, f"{where} the article, beyond {role.value.replace('_', ' ')} ({self.name(j)})")

    def _titles(self) -> None:
        """The headline (and dek) right before the body; bylines, dates, captions and share bars between are skipped."""
        paras, labels, first = self.paras, self.labels, self.first
        if not self.shared or first == 0:
            return
        found: list[int] = []
        bylines: dict[int, int] = {}  # found paragraph -> the byline or date line right above it
        i = first - 1
        while i >= 0 and len(found) < 3:
            lab = labels[i]
            p = paras[i]
            if lab is not None:
                if lab.role in (Role.BYLINE, Role.CAPTION, Role.DUPLICATE, Role.AD) or (
                    lab.role in (Role.NAVIGATION, Role.PAYWALL) and not found and i >= first - TITLE_REACH
                ):
                    if lab.role is Role.BYLINE and found:
                        bylines.setdefault(found[-1], i)
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
                if n == 0 and k in bylines and len(found) > 1 and _lone_sentence(paras[k]):
                    # one sentence below the byline, the headline above it: the lead picture's caption, not a dek
                    labels[k] = _label(Role.CAPTION, f"sentence between the byline ({self.name(bylines[k])}) and the body")
                    continue
                what = "headline before the body" if n == 0 and _headline(paras[k]) else "headline or subtitle before the body"
                labels[k] = _label(Role.TITLE, what)


_BODY = _label(Role.BODY, "in both versions")
#: The JSON text of the evidence of most rows (:func:`row_json`): most paragraphs are shared body.
_EVIDENCE = {e: _string(e) for e in (_BODY.evidence, "no evidence of boilerplate", "headline in both versions")}


def _lone_sentence(p: _Para) -> bool:
    """One sentence of at most 25 words, neither a question nor a date line."""
    if not p.sentence or p.words > 25 or p.text.endswith("?") or _INNER_SENTENCE_END.search(p.text[:-1]):
        return False
    low = p.text.lower()
    return _DATE.search(p.text, low, phrases.text_words(low)) is None


# A sentence that ends inside the text: a word's last two letters, its full stop, a capital. (Searched as
# two letters or more, a long run of letters without a full stop was read again from each letter.)
_INNER_SENTENCE_END = re.compile(r"[^\W\d_]{2}[.!?][\"”’]?\s+[A-ZÀ-Ý]")


def _credit_like(q: _Para) -> bool:
    """Shaped like a credit: "(Name/Agency)", or one to five capitalised words that are no sentence."""
    return bool(_PARENTHESISED.match(q.text) and q.words <= 6) or (
        1 <= q.words <= 5 and not q.sentence and all(w[:1].isupper() for w in q.text.split() if w[:1].isalpha())
    )


def _is_credit(p: _Para) -> bool:
    """A credit line: a photo credit after at most three words or after names only ("Photo: ...",
    "Name Name, AP", "Name / Publication / Getty Images"), not a caption that ends in its credit."""
    low = p.text.lower()
    m = _CREDIT.search(p.text, low, phrases.text_words(low))
    if m is None:
        return False
    before = _WORDS.findall(p.text[: m.start()])
    return len(before) <= 3 or all(w[:1].isupper() or w.lower() in _NAME_JOINERS for w in before)


_BLOCK_NAMES = {
    Role.RELATED: "related-links",
    Role.COMMENTS: "comments",
    Role.PAYWALL: "paywall",
    Role.NAVIGATION: "navigation",
    Role.BYLINE: "byline",
}
#: How many paragraphs without evidence a block of each role may run on.
_BLOCK_REACH = {Role.RELATED: 1_000_000, Role.COMMENTS: 1_000_000, Role.PAYWALL: 6, Role.NAVIGATION: 1_000_000, Role.BYLINE: 2}


def _continues(role: Role, p: _Para) -> bool:
    """Whether a paragraph without evidence of its own plausibly continues a block of ``role``."""
    if role in (Role.RELATED, Role.COMMENTS):
        return True
    if role is Role.PAYWALL:
        return p.bullet or p.words <= 12
    if role is Role.BYLINE:
        return p.words <= 5 and not p.sentence and p.text[:1].isupper()
    return p.words <= 8 and not p.sentence  # navigation


# Roles that mark the page around the article (bylines, captions and credits belong to the article itself).
_FURNITURE = frozenset({Role.NAVIGATION, Role.RELATED, Role.COMMENTS, Role.PAYWALL, Role.AD})


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
    shared_a: set[int] = set()
    shared_b: set[int] = set()
    partner_a: dict[int, int] = {}
    partner_b: dict[int, int] = {}
    pieces_of_a: dict[int, list[int]] = {}  # host in A -> its pieces in B (but the one it is paired with)
    pieces_of_b: dict[int, list[int]] = {}
    for s in steps:
        if s.a is not None and s.b is not None:
            shared_a.add(s.a)
            shared_b.add(s.b)
            partner_a[s.a] = s.b
            partner_b[s.b] = s.a
        elif s.part_of is not None:
            if s.a is not None:
                shared_a.add(s.a)
                pieces_of_b.setdefault(s.part_of, []).append(s.a)
            else:
                shared_b.add(s.b)
                pieces_of_a.setdefault(s.part_of, []).append(s.b)
    notes = {("A", h): _split_note("A", h, [*ps, partner_a[h]], "B") for h, ps in pieces_of_a.items()}
    notes.update({("B", h): _split_note("B", h, [*ps, partner_b[h]], "A") for h, ps in pieces_of_b.items()})
    la = classify(a, shared_a, stats=stats, min_documents=min_documents, side="A")
    lb = classify(b, shared_b, stats=stats, min_documents=min_documents, side="B")
    spans_a = [_span(p.index, p.start, p.end) for p in a.paragraphs]
    spans_b = [_span(p.index, p.start, p.end) for p in b.paragraphs]
    rows = []
    for s in steps:
        sa = None if s.a is None else spans_a[s.a]
        sb = None if s.b is None else spans_b[s.b]
        words: tuple[WordEdit, ...] = ()
        if sa is None:
            lab = lb[s.b]
            if s.part_of is not None:
                lab = _label(lab.role, f"part of A{s.part_of + 1} ({notes['A', s.part_of]}); {lab.evidence}")
        elif sb is None:
            lab = la[s.a]
            if s.part_of is not None:
                lab = _label(lab.role, f"part of B{s.part_of + 1} ({notes['B', s.part_of]}); {lab.evidence}")
        else:
            # A paragraph paired with one it contains is described by the container (the piece is part of it).
            lab = la[s.a] if s.host == "a" else lb[s.b] if s.host == "b" else _joint(la[s.a], lb[s.b])
            if s.op is Op.REPLACE:
                lab = _label(lab.role, lab.evidence + f", edited (similarity {s.score:g})")
                words = _word_diff(a.text[sa.start : sa.end], b.text[sb.start : sb.end])
            elif s.op is Op.MOVE:
                lab = _label(lab.role, lab.evidence + ", moved")
            if notes:
                for key in (("A", s.a), ("B", s.b)):
                    if key in notes:
                        lab = _label(lab.role, lab.evidence + "; " + notes[key])
        rows.append(_row(s.op, lab.role, float(s.score), sa, sb, lab.evidence, words))
    return tuple(rows)


#: word_diff of recent paragraph pairs: the versions of one article repeat an edit in several
#: of their pairs (a third of the word diffs of a generated corpus).
_word_diff = functools.lru_cache(maxsize=1 << 12)(word_diff)


def _split_note(side: str, host: int, pieces: list[int], other: str) -> str:
    """``A5 is B3-B5 in B``: a paragraph and the paragraphs the other version splits it into."""
    return f"{side}{host + 1} is {paragraph_numbers(pieces, other)} in {other}"


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
