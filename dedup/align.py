"""Align the paragraphs of two documents: which are shared, edited, moved, split, or only on one side.

:func:`align` anchors paragraphs whose text is identical and unique in both documents
(patience-diff style), then, between anchors, paragraphs whose normalised text is
unique within the gap; the rest of each gap is scored with ``rapidfuzz.process.cdist``
and the best monotone alignment picked by dynamic programming. A paragraph that holds
the text of several paragraphs of the other version (one version splits it, or an
extractor glued a page into one block) is then matched with them; paragraphs left
over on both sides are paired, if they match well enough, as ``move``. The change
vocabulary is difflib's and rapidfuzz's:

- ``equal``: the same paragraph after normalisation (score 100);
- ``replace``: similar but edited (score = ``scorer`` similarity, >= ``score_cutoff``),
  or one paragraph contains the whole text of the other (see splits below);
- ``delete``: only in A; ``insert``: only in B (score 0);
- ``move``: in both, but out of order (score >= ``move_cutoff``, or containment).

Every paragraph of both documents is in exactly one step.

Splits. When a paragraph ``h`` of one version contains, in order, the normalised text
of several paragraphs of the other (its *pieces*: two or more of them of more than
:data:`MERGE_MIN_WORDS` words, shorter pieces only right after another piece, together
at least :data:`MERGE_COVER` of ``h``'s words), ``h`` is paired with one piece (the
one it was already matched with, else the longest that keeps the in-order matches in
order) as a ``replace`` (or a ``move`` when no piece is in order), and every other
piece is a one-sided step (``delete`` in A, ``insert`` in B) whose ``part_of`` names
``h``: its text is in both versions, but as a paragraph it has no counterpart. A
paragraph that contains a single paragraph of the other version (more than
:data:`MERGE_MIN_WORDS` words, at least :data:`CONTAIN_COVER` of its words) is paired
with it the same way, with no pieces. Pieces may lie anywhere in their document
(extractors glue footers far from where they stand), but a piece's words must occur
in the host after those of the piece before it.

Order of the steps: walk the in-order matches (equal/replace); before each one, and at
the end, come the paragraphs of the gap before it: first the A-only paragraphs of the
gap in A order (``delete``), then the B paragraphs of the gap in B order (``insert``,
or ``move`` when the paragraph matches an A paragraph elsewhere). So B paragraphs
always appear in B order, A paragraphs that did not move in A order, and a move sits
at its B position.

The result does not depend on which document is passed first, up to mirroring:
``align(b, a)`` has the same steps as ``align(a, b)`` with ``a`` and ``b`` swapped and
``insert``/``delete`` exchanged (the order of the steps follows the second document).

Bounds: scores are computed on at most :data:`SCORE_CHARS` characters of each paragraph
(its head and tail); a gap of more than ``max_cells`` paragraph pairs is not scored
densely but through candidate pairs that share rare word trigrams (each paragraph keeps
its best few candidates), aligned by a heaviest-increasing-subsequence pass; the split
search tests at most ``max_cells`` host-piece pairs and reads at most 256 characters of
host text per cell of ``max_cells`` to find them, then places each piece of three words or
more in its host through an index of the host's words (not by reading the host again); word diffs of very long paragraphs
diff only up to ``max_words`` words after common prefix and suffix. Memory therefore
stays linear in the text plus ``max_cells``.

>>> from dedup.document import parse_text
>>> a = parse_text("Title\\n\\nOne two three.\\n\\nFour five six.", id="a")
>>> b = parse_text("One two three.\\n\\nFour five six seven.\\n\\nShare this", id="b")
>>> [(s.op.value, s.a, s.b) for s in align(a, b).steps]
[('delete', 0, None), ('equal', 1, 0), ('replace', 2, 1), ('insert', None, 2)]
"""

from __future__ import annotations

import enum
import hashlib
import re
import itertools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import MISSING, dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel
from rapidfuzz.utils import default_process

from dedup.document import Document

__all__ = [
    "CONTAIN_COVER",
    "MAX_CELLS",
    "MAX_WORDS",
    "MERGE_COVER",
    "MERGE_MIN_WORDS",
    "SCORE_CHARS",
    "Alignment",
    "Op",
    "Step",
    "WordEdit",
    "align",
    "normalise",
    "word_diff",
]

#: Gaps with more paragraph pairs than this are aligned from sparse candidates, not a full matrix.
MAX_CELLS = 1_000_000
#: Paragraphs longer than this are scored on their first and last SCORE_CHARS // 2 characters.
SCORE_CHARS = 8_000
#: Word diffs compare at most this many words per side (after common prefix and suffix).
MAX_WORDS = 5_000
# Candidates kept per paragraph in the sparse fallback, and how common a trigram may be.
_SPARSE_TOP = 3
_SPARSE_MAX_POSTINGS = 16
_WORD = re.compile(r"\S+")
#: Share of a paragraph's words that the other version's paragraphs must cover to split it.
MERGE_COVER = 0.6
#: Pieces of this many words or fewer (table cells, menu items) are weak evidence: a split needs two
#: longer pieces, and short ones may only sit right after another piece.
MERGE_MIN_WORDS = 3
#: Share of a paragraph's words that one paragraph of the other version must cover to be matched
#: with it by containment alone.
CONTAIN_COVER = 0.5
# Pieces of at least this many words may be glued to the words around them ("SurinDeleuze").
_GLUED_WORDS = 8
# At most this many words of the host between a short piece and the piece before it.
_SHORT_GAP_WORDS = 3
# Places in the host looked at for one piece (a sentence may occur in it more than once).
_PLACES = 8
# The split search reads at most this many characters of host text per paragraph pair of max_cells.
_SCAN_CHARS_PER_CELL = 256
# Gaps of at most this many paragraph pairs are scored and aligned in plain Python, not numpy.
_SMALL_GAP = 16


class Op(enum.StrEnum):
    """What happened to a paragraph between A and B (difflib's vocabulary, plus ``move``)."""

    EQUAL = "equal"
    REPLACE = "replace"
    INSERT = "insert"
    DELETE = "delete"
    MOVE = "move"


@dataclass(frozen=True, slots=True)
class Step:
    """One paragraph of A, of B, or one of each: ``a``/``b`` are paragraph indexes or None.

    ``score`` is the similarity 0-100 (100 for equal, 0 for insert/delete). ``part_of``
    is set on a one-sided step whose paragraph is a piece of a longer paragraph of the
    other document (see "Splits" in the module docstring): that paragraph's index.
    ``host`` is set on a step that pairs a paragraph with one it contains (its piece):
    ``"a"`` when the A paragraph holds the B one, ``"b"`` the other way round.
    """

    op: Op
    a: int | None
    b: int | None
    score: float
    part_of: int | None = None
    host: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """The alignment of document ``a`` (ids) with document ``b``: every paragraph of both
    appears in exactly one step, in the order described in the module docstring."""

    a: str
    b: str
    steps: tuple[Step, ...]

    def pairs(self) -> tuple[tuple[int, int], ...]:
        """The matched ``(a, b)`` paragraph indexes (equal, replace and move), sorted."""
        return tuple(sorted((s.a, s.b) for s in self.steps if s.a is not None and s.b is not None))


@dataclass(frozen=True, slots=True)
class WordEdit:
    """One chunk of an inline word diff.

    ``op`` is ``equal``, ``replace``, ``delete`` or ``insert``; ``a`` and ``b`` are the exact
    text of the chunk in each paragraph, including the whitespace that follows it, so
    that ``"".join(w.a for w in edits)`` is the A paragraph and ``"".join(w.b ...)`` the B
    paragraph. ``a == ""`` for insert, ``b == ""`` for delete; an equal chunk has the same
    words on both sides (its whitespace may differ).
    """

    op: str
    a: str
    b: str


def _record_maker(cls):
    """A constructor for a frozen, slotted dataclass that fills its slots directly.

    Same result as ``cls(*fields)`` (all fields positional), about a third of the cost:
    the generated ``__init__`` of a frozen dataclass sets every field through
    ``object.__setattr__``. Used where records are made by the thousand (steps, rows).
    """
    names = list(cls.__dataclass_fields__)
    defaults = {n: f.default for n, f in cls.__dataclass_fields__.items() if f.default is not MISSING}
    params = ", ".join(f"{n}={n}_default" if n in defaults else n for n in names)
    body = "; ".join(f"set_{n}(o, {n})" for n in names)
    ns = {"new": object.__new__, "cls": cls, **{f"set_{n}": getattr(cls, n).__set__ for n in names}}
    ns.update({f"{n}_default": v for n, v in defaults.items()})
    exec(f"def make({params}):\n    o = new(cls); {body}; return o", ns)  # noqa: S102 - fixed code, no input
    return ns["make"]


# --------------------------------------------------------------------------- keys and scores


def normalise(text: str, *, processor: Callable[[str], str] | None = default_process) -> str:
    """The text paragraphs are compared on: ``processor`` applied, whitespace collapsed.

    With the default processor this is lower case, with punctuation and symbols
    removed. Text that the processor empties (``"***"``) is kept as it is, so that it
    still equals only itself.
    """
    if processor is default_process:
        # default_process leaves only single spaces as whitespace (everything else not a letter or digit
        # becomes one) and trims the ends: closing the double spaces is the same as split and join.
        key = default_process(text)
        while "  " in key:
            key = key.replace("  ", " ")
    else:
        processed = processor(text) if processor is not None else text
        key = " ".join(processed.split())
    return key or " ".join(text.split())


def _clip(text: str) -> str:
    if len(text) <= SCORE_CHARS:
        return text
    half = SCORE_CHARS // 2
    return text[:half] + " " + text[-half:]


# --------------------------------------------------------------------------- align


def align(
    a: Document,
    b: Document,
    *,
    score_cutoff: float = 60.0,
    move_cutoff: float = 80.0,
    scorer: Callable[..., float] = fuzz.ratio,
    processor: Callable[[str], str] | None = default_process,
    workers: int = 1,
    max_cells: int = MAX_CELLS,
) -> Alignment:
    """Align the paragraphs of ``a`` and ``b`` (see the module docstring for the rules).

    ``score_cutoff`` (0-100) is the least ``scorer`` similarity for an in-order match,
    ``move_cutoff`` for an out-of-order one; ``processor`` normalises text before
    comparing (and decides what counts as ``equal``); ``workers`` goes to ``cdist``;
    ``max_cells`` bounds the dense score matrix of one gap and the split search.
    Raises ValueError for knobs out of range.
    """
    if not 0 <= score_cutoff <= 100:
        raise ValueError(f"score_cutoff must be within 0-100, got {score_cutoff!r}")
    if not 0 <= move_cutoff <= 100:
        raise ValueError(f"move_cutoff must be within 0-100, got {move_cutoff!r}")
    if max_cells < 1:
        raise ValueError(f"max_cells must be at least 1, got {max_cells!r}")
    ta = [p.text for p in a.paragraphs]
    tb = [p.text for p in b.paragraphs]
    # Align in a canonical orientation, so that swapping the documents mirrors the result.
    swap = (len(tb), tb) < (len(ta), ta)
    if swap:
        ta, tb = tb, ta
    al = _Aligner(ta, tb, score_cutoff, scorer, processor, workers, max_cells)
    entries = al.monotone()
    moves: list[_Entry] = []
    parts: tuple[dict[int, int], dict[int, int]] = ({}, {})
    if len(entries) < len(ta) or len(entries) < len(tb):
        entries, moves, parts = al.splits(entries)
        moves = al.moves(entries, moves, parts, move_cutoff)
    parts_a, parts_b = parts
    n, m = len(ta), len(tb)
    if swap:
        entries = [_Entry(e.b, e.a, e.op, e.score, _SWAP_HOST[e.host]) for e in entries]
        moves = [_Entry(e.b, e.a, e.op, e.score, _SWAP_HOST[e.host]) for e in moves]
        parts_a, parts_b, n, m = parts_b, parts_a, m, n
    return Alignment(a.id, b.id, _order(n, m, entries, moves, parts_a, parts_b))


@dataclass(frozen=True, slots=True, order=True)
class _Entry:
    a: int
    b: int
    op: Op
    score: float
    host: str | None = None  # "a" or "b": that side's paragraph contains the other


_SWAP_HOST = {None: None, "a": "b", "b": "a"}
_step = _record_maker(Step)


def _order(
    n: int, m: int, entries: list[_Entry], moves: list[_Entry], parts_a: dict[int, int], parts_b: dict[int, int]
) -> tuple[Step, ...]:
    """Lay the matches out as steps, in the order described in the module docstring."""
    if not moves and not parts_a and not parts_b and len(entries) == n == m:
        return tuple(_step(e.op, e.a, e.b, e.score, None, e.host) for e in entries)  # one-to-one, in order
    moved_a = {e.a for e in moves}
    move_at = {e.b: e for e in moves}
    steps: list[Step] = []
    add, step, delete, insert, move = steps.append, _step, Op.DELETE, Op.INSERT, Op.MOVE
    ai = bj = 0
    for e in [*entries, None]:
        i, j = (n, m) if e is None else (e.a, e.b)
        for x in range(ai, i):
            if x not in moved_a:
                add(step(delete, x, None, 0.0, parts_a.get(x), None))
        for y in range(bj, j):
            mv = move_at.get(y)
            if mv is not None:
                add(step(move, mv.a, y, mv.score, None, mv.host))
            else:
                add(step(insert, None, y, 0.0, parts_b.get(y), None))
        if e is not None:
            add(step(e.op, i, j, e.score, None, e.host))
        ai, bj = i + 1, j + 1
    return tuple(steps)


class _Aligner:
    """The work of one :func:`align` call, in the canonical orientation.

    Normalised keys are computed only for the paragraphs that need them (those not
    anchored by identical text).
    """

    def __init__(self, ta: list[str], tb: list[str], cutoff: float, scorer, processor, workers, max_cells):
        self.t = (ta, tb)
        self.k: tuple[list[str | None], list[str | None]] = ([None] * len(ta), [None] * len(tb))
        self.cutoff = cutoff
        self.scorer = scorer
        self.processor = processor
        self.workers = workers
        self.max_cells = max_cells
        self.read = 0  # characters of host text the split search read to place pieces (see _Places)

    def key(self, side: int, i: int) -> str:
        k = self.k[side][i]
        if k is None:
            k = self.k[side][i] = normalise(self.t[side][i], processor=self.processor)
        return k

    def _entry(self, i: int, j: int, score: float) -> _Entry:
        if self.key(0, i) == self.key(1, j):
            return _Entry(i, j, Op.EQUAL, 100.0)
        return _Entry(i, j, Op.REPLACE, round(float(score), 1))

    # ---- in-order matches

    def monotone(self) -> list[_Entry]:
        """In-order matches, increasing in both a and b."""
        ta, tb = self.t
        anchors = _unique_pairs(ta, tb)
        out: list[_Entry] = []
        pi = pj = 0
        for i, j in [*anchors, (len(ta), len(tb))]:
            if i > pi and j > pj:
                out.extend(self._gap(pi, i, pj, j))
            if i < len(ta):
                out.append(_Entry(i, j, Op.EQUAL, 100.0))
            pi, pj = i + 1, j + 1
        return out

    def _gap(self, i0: int, i1: int, j0: int, j1: int) -> list[_Entry]:
        """Matches between two anchors: unique normalised keys first, then scores."""
        ka = [self.key(0, i) for i in range(i0, i1)]
        kb = [self.key(1, j) for j in range(j0, j1)]
        inner = [(i0 + i, j0 + j) for i, j in _unique_pairs(ka, kb)]
        out: list[_Entry] = []
        pi, pj = i0, j0
        for i, j in [*inner, (i1, j1)]:
            if i > pi and j > pj:
                out.extend(self._entry(x, y, s) for x, y, s in self._scored(pi, i, pj, j))
            if i < i1:
                out.append(_Entry(i, j, Op.EQUAL, 100.0))
            pi, pj = i + 1, j + 1
        return out

    def _scored(self, i0: int, i1: int, j0: int, j1: int) -> list[tuple[int, int, float]]:
        qa = [_clip(self.key(0, i)) for i in range(i0, i1)]
        qb = [_clip(self.key(1, j)) for j in range(j0, j1)]
        if len(qa) * len(qb) > self.max_cells:
            scored = []
            for i, j in _sparse_candidates(qa, qb):
                s = self.scorer(qa[i], qb[j], score_cutoff=self.cutoff)
                if s >= self.cutoff and s > 0:
                    scored.append((i, j, float(s)))
            return [(i0 + i, j0 + j, s) for i, j, s in _heaviest_chain(scored)]
        if len(qa) == 1 and len(qb) == 1:
            s = self.scorer(qa[0], qb[0], score_cutoff=self.cutoff)
            return [(i0, j0, float(s))] if s >= self.cutoff and s > 0 else []
        if len(qa) * len(qb) <= _SMALL_GAP:
            rows = [[float(self.scorer(x, y, score_cutoff=self.cutoff)) for y in qb] for x in qa]
            if not any(any(r) for r in rows):
                return []
            return [(i0 + i, j0 + j, rows[i][j]) for i, j in _dp_small(rows)]
        scores = process.cdist(
            qa, qb, scorer=self.scorer, score_cutoff=self.cutoff, dtype=np.float32, workers=self.workers
        )
        if not scores.any():
            return []
        return [(i0 + i, j0 + j, float(scores[i, j])) for i, j in _dp(scores)]

    # ---- paragraphs that hold the text of several (or one) of the other version

    def splits(self, entries: list[_Entry]) -> tuple[list[_Entry], list[_Entry], tuple[dict[int, int], dict[int, int]]]:
        """Hosts and their pieces (module docstring, "Splits").

        Returns the in-order matches (with hosts newly paired in order added), host
        pairs that are out of order (moves), and for each side its pieces: index -> host.
        """
        partner = ({e.a: e for e in entries}, {e.b: e for e in entries})
        cands = []
        budget = [self.max_cells]
        for side in (0, 1):
            cands.extend(self._hosts(side, partner, budget))
        parts: tuple[dict[int, int], dict[int, int]] = ({}, {})
        if not cands:
            return entries, [], parts
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        current = list(entries)
        moves: list[_Entry] = []
        claimed: tuple[set[int], set[int]] = (set(), set())
        for _, side, h, pieces in cands:
            other = 1 - side
            if h in claimed[side]:
                continue
            if claimed[other].intersection(pieces):
                # another host took some of them: look again among the members still free
                hk = self.key(side, h)
                members = [m for m in self._members(side, h, partner) if m not in claimed[other]]
                found = self._pieces(hk, hk.count(" ") + 1, members, other, self._window(current, side, h))
                own = self._own(partner, side, h)
                if found is None or (own is not None and (own not in found[1] or len(found[1]) == 1)):
                    continue
                pieces = found[1]
            current, move, best = self._pair_host(current, side, h, pieces)
            if move is not None:
                moves.append(move)
            claimed[side].add(h)
            claimed[other].update(pieces)
            for p in pieces:
                if p != best:
                    parts[other][p] = h
        return current, moves, parts

    @staticmethod
    def _own(partner, side: int, h: int) -> int | None:
        e = partner[side].get(h)
        return None if e is None else (e.b if side == 0 else e.a)

    def _members(self, side: int, h: int, partner) -> list[int]:
        """The paragraphs of the other document that could be pieces of ``h``: the free ones and its partner."""
        other = 1 - side
        free = [x for x in range(len(self.t[other])) if x not in partner[other]]
        own = self._own(partner, side, h)
        return free if own is None else sorted([*free, own])

    @staticmethod
    def _window(entries: list[_Entry], side: int, h: int) -> tuple[int, int]:
        """The other document's paragraphs between the in-order matches around ``h`` (exclusive bounds)."""
        hs = [e.a for e in entries] if side == 0 else [e.b for e in entries]
        others = [e.b for e in entries] if side == 0 else [e.a for e in entries]
        k = bisect_left(hs, h)
        lo = others[k - 1] if k > 0 else -1
        k2 = k + 1 if k < len(hs) and hs[k] == h else k
        hi = others[k2] if k2 < len(hs) else 1 << 62
        return lo, hi

    def _hosts(self, side: int, partner, budget: list[int]) -> list[tuple[float, int, int, list[int]]]:
        """Candidate hosts on ``side``: (cover, side, host, pieces)."""
        other = 1 - side
        free = [x for x in range(len(self.t[other])) if x not in partner[other]]
        if not free:
            return []
        hosts = [h for h in range(len(self.t[side])) if (e := partner[side].get(h)) is None or e.op is Op.REPLACE]
        if not hosts:
            return []
        # A host holds at least one free member of more than MERGE_MIN_WORDS words (besides its own partner).
        keys = [self.key(side, h) for h in hosts]
        joined = "\x00".join(keys)
        starts = list(itertools.accumulate((len(k) + 1 for k in keys[:-1]), initial=0))
        held: set[int] = set()
        scan = budget[0] * _SCAN_CHARS_PER_CELL  # characters of host text the search may read
        for x in free:
            mk = self.key(other, x)
            if mk.count(" ") < MERGE_MIN_WORDS:
                continue
            scan -= len(joined)
            if scan < 0:
                break
            at = joined.find(mk)
            while at >= 0:
                k = bisect_right(starts, at) - 1
                held.add(k)
                at = joined.find(mk, starts[k + 1]) if k + 1 < len(starts) else -1
        if not held:
            return []
        free_len = sum(len(self.key(other, x)) for x in free)
        entries = sorted(partner[0].values())
        out = []
        for k in sorted(held):
            h, hk = hosts[k], keys[k]
            words = hk.count(" ") + 1
            e = partner[side].get(h)
            own = None if e is None else (e.b if side == 0 else e.a)
            if words <= MERGE_MIN_WORDS or free_len + (0 if own is None else len(self.key(other, own))) < CONTAIN_COVER * len(hk):
                continue
            members = free if own is None else sorted([*free, own])
            budget[0] -= len(members)
            if budget[0] < 0:
                break
            found = self._pieces(hk, words, members, other, self._window(entries, side, h))
            if found is None:
                continue
            cover, pieces = found
            if own is not None and own not in pieces:
                continue  # matched with a paragraph that is not one of its pieces
            if own is not None and len(pieces) == 1:
                continue  # contains its own partner only: nothing new
            out.append((cover, side, h, pieces))
        return out

    def _pieces(
        self, hk: str, words: int, members: list[int], other: int, window: tuple[int, int]
    ) -> tuple[float, list[int]] | None:
        """The members whose text ``hk`` holds in order, and the share of its words they cover.

        The longer members (more than :data:`MERGE_MIN_WORDS` words) form the chain that
        covers most words with both their order and their places in ``hk`` increasing
        (among equal ones, the chain with most members inside ``window``, the host's
        place in the in-order alignment); short members join it only right after a
        piece of it (in both documents).
        """
        host = " " + hk + " "
        lo, hi = window
        cands: list[tuple[int, int, int, int]] = []  # (member, start, end, weight) of each place found
        short: list[tuple[int, str, int]] = []
        keys = self.k[other]
        places = _Places(hk)
        for m in members:
            mk = keys[m] or self.key(other, m)
            if len(mk) >= len(hk):
                continue
            found = places.find(mk)
            first = next(found, None)
            if first is None:
                continue
            mw = mk.count(" ") + 1
            if mw <= MERGE_MIN_WORDS:
                short.append((m, mk, mw))
                continue
            # as a whole run of words (" mk " in host), else, for a long member, glued to the words around it
            whole = (x for x in itertools.chain((first,), found) if places.whole(x, len(mk)))
            at = list(itertools.islice(whole, _PLACES))
            if not at and mw >= _GLUED_WORDS:
                at = list(itertools.islice(places.find(mk), _PLACES))
            weight = mw * 64 + (lo < m < hi)
            cands.extend((m, x + 1, x + 1 + len(mk), weight) for x in at)  # offsets in host
        self.read += places.read
        chain = _heaviest_places(cands)
        if not chain:
            return None
        found = [m for m, _, _, _ in chain]
        covered = sum(w // 64 for _, _, _, w in chain)
        if short:
            ends = {m: e for m, _, e, _ in chain}
            taken = set(found)
            for m, mk, mw in short:  # members in order: a short one follows the piece just before it
                prev = max((x for x in ends if x < m), default=None)
                if prev is None or m - prev > 2 or m in taken:
                    continue
                at = ends[prev]
                # at most _SHORT_GAP_WORDS words between: the search ends where more would start
                reach = at
                for _ in range(_SHORT_GAP_WORDS + 2):
                    reach = host.find(" ", reach) + 1 or len(host) + 1
                f = host.find(" " + mk + " ", at - 1, reach + len(mk) + 1)
                self.read += min(reach, len(host)) - at
                if f < 0 or host.count(" ", at, f + 1) > _SHORT_GAP_WORDS + 1:
                    continue
                nxt = min((s for x, s, _, _ in chain if x > m), default=len(host))
                if f + len(mk) + 1 > nxt:
                    continue
                ends[m] = f + 1 + len(mk)
                taken.add(m)
                covered += mw
            found = sorted(taken)
        cover = covered / words
        big = len(chain)
        if big >= 2 and cover >= MERGE_COVER:
            return round(cover, 6), found
        if len(found) == 1 and big == 1 and cover >= CONTAIN_COVER:
            return round(cover, 6), found
        return None

    def _pair_host(self, entries: list[_Entry], side: int, h: int, pieces: list[int]):
        """Pair host ``h`` with one of its pieces: (entries, move or None, the piece)."""
        host = "a" if side == 0 else "b"
        hs = [e.a for e in entries] if side == 0 else [e.b for e in entries]  # increasing
        k = bisect_left(hs, h)
        if k < len(entries) and hs[k] == h:
            e = entries[k]  # already paired with one of its pieces
            entries = [*entries[:k], _Entry(e.a, e.b, e.op, e.score, host), *entries[k + 1 :]]
            return entries, None, (e.b if side == 0 else e.a)
        others = [e.b for e in entries] if side == 0 else [e.a for e in entries]
        lo = others[k - 1] if k > 0 else -1
        hi = others[k] if k < len(entries) else len(self.t[1 - side])
        inside = [p for p in pieces if lo < p < hi]
        best = max(inside or pieces, key=lambda p: (len(self.key(1 - side, p)), -p))
        i, j = (h, best) if side == 0 else (best, h)
        score = round(float(self.scorer(_clip(self.key(0, i)), _clip(self.key(1, j)))), 1)
        if inside:
            return sorted([*entries, _Entry(i, j, Op.REPLACE, score, host)]), None, best
        return entries, _Entry(i, j, Op.MOVE, score, host), best

    # ---- out-of-order matches

    def moves(self, entries: list[_Entry], moves: list[_Entry], parts, cutoff: float) -> list[_Entry]:
        """Pair paragraphs left over on both sides: identical keys first, then best scores."""
        used_a = {e.a for e in entries} | {e.a for e in moves} | set(parts[0])
        used_b = {e.b for e in entries} | {e.b for e in moves} | set(parts[1])
        ua = [i for i in range(len(self.t[0])) if i not in used_a]
        ub = [j for j in range(len(self.t[1])) if j not in used_b]
        out = list(moves)
        if not ua or not ub:
            return sorted(out)
        free_b: dict[str, list[int]] = {}
        for j in ub:
            free_b.setdefault(self.key(1, j), []).append(j)
        rest_a = []
        for i in ua:
            js = free_b.get(self.key(0, i))
            if js:
                out.append(_Entry(i, js.pop(0), Op.MOVE, 100.0))
            else:
                rest_a.append(i)
        taken_b = {e.b for e in out}
        rest_b = [j for j in ub if j not in taken_b]
        if rest_a and rest_b:
            qa = [_clip(self.key(0, i)) for i in rest_a]
            qb = [_clip(self.key(1, j)) for j in rest_b]
            if len(qa) * len(qb) <= _SMALL_GAP * 4:
                scored = []
                for i, x in enumerate(qa):
                    for j, y in enumerate(qb):
                        s = self.scorer(x, y, score_cutoff=cutoff)
                        if s >= cutoff and s > 0:
                            scored.append((float(s), i, j))
            elif len(qa) * len(qb) > self.max_cells:
                scored = []
                for i, j in _sparse_candidates(qa, qb):
                    s = self.scorer(qa[i], qb[j], score_cutoff=cutoff)
                    if s >= cutoff and s > 0:
                        scored.append((float(s), i, j))
            else:
                scores = process.cdist(
                    qa, qb, scorer=self.scorer, score_cutoff=cutoff, dtype=np.float32, workers=self.workers
                )
                ii, jj = np.nonzero(scores >= max(cutoff, 1e-9))
                scored = [(float(scores[i, j]), int(i), int(j)) for i, j in zip(ii, jj)]
            scored.sort(key=lambda t: (-t[0], t[1], t[2]))
            seen_a: set[int] = set()
            seen_b: set[int] = set()
            for s, i, j in scored:
                if i not in seen_a and j not in seen_b:
                    seen_a.add(i)
                    seen_b.add(j)
                    out.append(_Entry(rest_a[i], rest_b[j], Op.MOVE, round(s, 1)))
        return sorted(out)


class _Places:
    """Where the key of a paragraph occurs in the key ``hk`` of a host (words joined by single spaces).

    A key of three words or more occurs only where its middle words are words of ``hk``: it is
    tested at the places of its rarest middle word, not by reading ``hk``. Shorter keys (and
    any key, should ``hk`` not be single-spaced) are found with ``str.find``. ``read`` counts
    the characters of ``hk`` compared or scanned.
    """

    __slots__ = ("hk", "read", "_starts", "_words")

    def __init__(self, hk: str) -> None:
        self.hk = hk
        self.read = len(hk)  # splitting it into words
        self._words: dict[str, list[int]] = {}
        self._starts: list[int] = []
        if "  " in hk or hk != hk.strip(" "):
            return
        pos = 0
        for k, w in enumerate(hk.split(" ")):
            self._words.setdefault(w, []).append(k)
            self._starts.append(pos)
            pos += len(w) + 1

    def find(self, mk: str) -> Iterator[int]:
        """Every offset in ``hk`` where ``mk`` starts (overlapping ones too), increasing."""
        hk = self.hk
        words = mk.split(" ")
        if len(words) < 3 or not self._starts or "" in words:
            self.read += len(hk)
            f = hk.find(mk)
            while f >= 0:
                yield f
                self.read += len(mk)
                f = hk.find(mk, f + 1)
            return
        i = min(range(1, len(words) - 1), key=lambda x: len(self._words.get(words[x], ())))
        before = sum(map(len, words[:i])) + i  # characters of mk before its i-th word
        starts = self._starts
        for q in self._words.get(words[i], ()):
            self.read += len(mk)
            f = starts[q] - before
            if f >= 0 and hk.startswith(mk, f):
                yield f

    def whole(self, f: int, size: int) -> bool:
        """Whether the ``size`` characters at ``f`` are whole words of ``hk``."""
        hk = self.hk
        return (f == 0 or hk[f - 1] == " ") and (f + size == len(hk) or hk[f + size] == " ")


def _unique_pairs(ka: Sequence, kb: Sequence) -> list[tuple[int, int]]:
    """Keys unique in both sequences, longest run of them increasing on both sides (patience diff)."""
    where_b = {k: j for j, k in enumerate(kb)}
    if len(where_b) == len(kb) and len(set(ka)) == len(ka):  # all unique (the usual case)
        cand = [(i, where_b[k]) for i, k in enumerate(ka) if k in where_b]
    else:
        count_a = Counter(ka)
        count_b = Counter(kb)
        cand = [(i, where_b[k]) for i, k in enumerate(ka) if count_a[k] == 1 and count_b.get(k) == 1]
    if all(x[1] < y[1] for x, y in zip(cand, cand[1:])):
        return cand
    return _lis(cand)


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest run of ``pairs`` (sorted by the first item) increasing in the second item."""
    if not pairs:
        return []
    tails: list[int] = []  # smallest second item ending an increasing run of each length
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos] = j
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos else -1
    out = []
    k = tail_at[-1]
    while k >= 0:
        out.append(pairs[k])
        k = back[k]
    return out[::-1]


def _heaviest_places(cands: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The chain of places ``(member, start, end, weight)`` with members increasing and places in order
    without overlap, of the most total weight (ties: the earliest)."""
    if not cands:
        return []
    ends = sorted({e for _, _, e, _ in cands})
    rank = {e: r + 1 for r, e in enumerate(ends)}
    size = len(ends)
    tree_val = [0] * (size + 1)
    tree_at = [-1] * (size + 1)
    order = sorted(range(len(cands)), key=lambda k: (cands[k][0], cands[k][1]))
    total = [0] * len(cands)
    back = [-1] * len(cands)
    k = 0
    while k < len(order):
        group = [order[k]]
        while k + len(group) < len(order) and cands[order[k + len(group)]][0] == cands[order[k]][0]:
            group.append(order[k + len(group)])
        for c in group:  # places of one member never chain with each other
            _, start, _, w = cands[c]
            q, at, pos = 0, -1, bisect_right(ends, start)
            while pos > 0:
                if tree_val[pos] > q:
                    q, at = tree_val[pos], tree_at[pos]
                pos -= pos & -pos
            total[c], back[c] = q + w, at
        for c in group:
            pos = rank[cands[c][2]]
            while pos <= size:
                if total[c] > tree_val[pos]:
                    tree_val[pos], tree_at[pos] = total[c], c
                pos += pos & -pos
        k += len(group)
    c = max(order, key=lambda x: (total[x], -cands[x][0], -cands[x][1]))
    out = []
    while c >= 0:
        out.append(cands[c])
        c = back[c]
    return out[::-1]


def _dp_small(rows: list[list[float]]) -> list[tuple[int, int]]:
    """:func:`_dp` on a small matrix given as lists (numpy costs more than it saves there)."""
    n, m = len(rows), len(rows[0])
    total = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        prev, cur, row = total[i], total[i + 1], rows[i]
        for j in range(m):
            s = row[j]
            w = s + 1e-4 * (1.0 - (i + j) / (n + m + 1)) if s > 0 else 0.0
            cur[j + 1] = max(prev[j + 1], prev[j] + w, cur[j])
    out = []
    i, j = n, m
    while i > 0 and j > 0:
        here = total[i][j]
        if here == total[i - 1][j]:
            i -= 1
        elif here == total[i][j - 1]:
            j -= 1
        else:
            out.append((i - 1, j - 1))
            i -= 1
            j -= 1
    return out[::-1]


def _dp(scores: np.ndarray) -> list[tuple[int, int]]:
    """Monotone matching of the most total score; zero cells never match.

    Ties prefer matches nearer the start of both documents (a tiny bonus decreasing
    with ``i + j``), so the result is deterministic.
    """
    n, m = scores.shape
    bonus = 1e-4 * (1.0 - (np.arange(n)[:, None] + np.arange(m)[None, :]) / (n + m + 1))
    w = np.where(scores > 0, scores.astype(np.float64) + bonus, 0.0)
    total = np.zeros((n + 1, m + 1))
    for i in range(n):
        prev = total[i]
        row = np.maximum(prev[1:], prev[:-1] + w[i])
        total[i + 1, 1:] = np.maximum.accumulate(row)
    out = []
    i, j = n, m
    while i > 0 and j > 0:
        here = total[i, j]
        if here == total[i - 1, j]:
            i -= 1
        elif here == total[i, j - 1]:
            j -= 1
        else:  # here == total[i-1, j-1] + w[i-1, j-1] and w > 0
            out.append((i - 1, j - 1))
            i -= 1
            j -= 1
    return out[::-1]


def _trigrams(text: str) -> set[int]:
    words = text.split()
    if len(words) < 3:
        return {_h(" ".join(words))} if words else set()
    return {_h(" ".join(words[k : k + 3])) for k in range(len(words) - 2)}


def _h(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _sparse_candidates(qa: Sequence[str], qb: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs that share word trigrams that are rare in the gap; each paragraph keeps its best few."""
    postings: dict[int, list[int]] = {}
    for j, t in enumerate(qb):
        for g in _trigrams(t):
            postings.setdefault(g, []).append(j)
    best: dict[tuple[int, int], int] = {}
    for i, t in enumerate(qa):
        shared: dict[int, int] = {}
        for g in _trigrams(t):
            js = postings.get(g)
            if js and len(js) <= _SPARSE_MAX_POSTINGS:
                for j in js:
                    shared[j] = shared.get(j, 0) + 1
        for j, c in sorted(shared.items(), key=lambda t: (-t[1], t[0]))[:_SPARSE_TOP]:
            best[(i, j)] = c
    by_b: dict[int, list[tuple[int, int]]] = {}
    for (i, j), c in best.items():
        by_b.setdefault(j, []).append((c, i))
    keep = set()
    for j, lst in by_b.items():
        for c, i in sorted(lst, key=lambda t: (-t[0], t[1]))[:_SPARSE_TOP]:
            keep.add((i, j))
    return sorted(keep)


def _heaviest_chain(scored: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The chain of ``(i, j, score)`` increasing in both i and j with the most total score."""
    if not scored:
        return []
    scored = sorted(scored, key=lambda t: (t[0], -t[1]))
    js = sorted({j for _, j, _ in scored})
    rank = {j: r for r, j in enumerate(js)}
    size = len(js)
    tree_val = [0.0] * (size + 1)
    tree_at = [-1] * (size + 1)
    best_total = [0.0] * len(scored)
    back = [-1] * len(scored)
    # Items of one i are visited by decreasing j, so no chain takes two of them.
    for k, (_, j, s) in enumerate(scored):
        r = rank[j]
        q, at, pos = 0.0, -1, r  # prefix maximum over ranks < r
        while pos > 0:
            if tree_val[pos] > q:
                q, at = tree_val[pos], tree_at[pos]
            pos -= pos & -pos
        best_total[k] = q + s
        back[k] = at
        pos = r + 1
        while pos <= size:
            if best_total[k] > tree_val[pos]:
                tree_val[pos], tree_at[pos] = best_total[k], k
            pos += pos & -pos
    k = max(range(len(scored)), key=lambda x: (best_total[x], -x))
    out = []
    while k >= 0:
        out.append(scored[k])
        k = back[k]
    return out[::-1]


# --------------------------------------------------------------------------- word diff


def word_diff(a: str, b: str, *, max_words: int = MAX_WORDS) -> tuple[WordEdit, ...]:
    """An inline word diff of two paragraphs, as :class:`WordEdit` chunks (see there).

    Words are runs of non-space characters (``str.split``) compared exactly; the diff is the longest
    common subsequence of words (``rapidfuzz.distance.Indel.opcodes``), with a delete
    next to an insert merged into one ``replace``. Beyond ``max_words`` words per side
    (after the common prefix and suffix) the middle becomes one ``replace`` chunk.

    >>> [(w.op, w.a, w.b) for w in word_diff("the old red car", "the new red car")]
    [('equal', 'the ', 'the '), ('replace', 'old ', 'new '), ('equal', 'red car', 'red car')]
    """
    wa = a.split()
    wb = b.split()
    blocks: list[tuple[str, int, int, int, int]] = []
    if len(wa) <= max_words and len(wb) <= max_words:
        # Indel.opcodes strips the common prefix and suffix itself
        blocks = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Indel.opcodes(wa, wb)]
        return _edits(a, b, wa, wb, blocks)
    lo = 0
    while lo < len(wa) and lo < len(wb) and wa[lo] == wb[lo]:
        lo += 1
    hi = 0
    while hi < len(wa) - lo and hi < len(wb) - lo and wa[-1 - hi] == wb[-1 - hi]:
        hi += 1
    mid_a, mid_b = wa[lo : len(wa) - hi], wb[lo : len(wb) - hi]
    if lo:
        blocks.append(("equal", 0, lo, 0, lo))
    if mid_a or mid_b:
        if len(mid_a) > max_words or len(mid_b) > max_words or not mid_a or not mid_b:
            blocks.append(("replace", lo, lo + len(mid_a), lo, lo + len(mid_b)))
        else:
            for op in Indel.opcodes(mid_a, mid_b):
                blocks.append((op.tag, lo + op.src_start, lo + op.src_end, lo + op.dest_start, lo + op.dest_end))
    if hi:
        blocks.append(("equal", len(wa) - hi, len(wa), len(wb) - hi, len(wb)))
    return _edits(a, b, wa, wb, blocks)


def _edits(a: str, b: str, wa: list[str], wb: list[str], blocks) -> tuple[WordEdit, ...]:
    """Word-level blocks as :class:`WordEdit` chunks: a delete next to an insert is one replace."""
    merged: list[list] = []
    for tag, s1, e1, s2, e2 in blocks:
        if tag != "equal" and merged and merged[-1][0] != "equal":
            last = merged[-1]
            last[1], last[2] = min(last[1], s1), max(last[2], e1)
            last[3], last[4] = min(last[3], s2), max(last[4], e2)
        else:
            merged.append([tag, s1, e1, s2, e2])
    sa, sb = _word_starts(a, wa), _word_starts(b, wb)
    out = []
    for tag, s1, e1, s2, e2 in merged:
        if tag != "equal":
            tag = "replace" if e1 > s1 and e2 > s2 else ("delete" if e1 > s1 else "insert")
        out.append(WordEdit(tag, _chunk(a, sa, s1, e1), _chunk(b, sb, s2, e2)))
    return tuple(out)


def _word_starts(text: str, words: list[str]) -> list[int]:
    """Where each word (of ``text.split()``) starts."""
    if " ".join(words) == text:  # single spaces: the offsets add up
        return list(itertools.accumulate(map((1).__add__, map(len, words[:-1])), initial=0)) if words else []
    return [m.start() for m in _WORD.finditer(text)]


def _chunk(text: str, starts: list[int], start: int, end: int) -> str:
    """The text of words ``start:end`` and the whitespace after them."""
    if start >= end:
        return ""
    begin = 0 if start == 0 else starts[start]
    finish = len(text) if end >= len(starts) else starts[end]
    return text[begin:finish]
