"""Frozen copy of dedup/align.py as of commit 0ee8f05 (before the classify branch's rewrite).

Kept only so that benchmarks/align_speed.py can time the old implementation in the same run;
nothing in the package imports it.
"""

# ruff: noqa
"""Align the paragraphs of two documents: which are shared, edited, moved, or only on one side.

:func:`align` anchors paragraphs that are identical after normalisation and unique in
both documents (patience-diff style), scores the paragraphs between anchors with
``rapidfuzz.process.cdist`` and picks the best monotone alignment of each gap by
dynamic programming. Paragraphs left over on both sides are then paired, if they
match well enough, as ``move``. The change vocabulary is difflib's and rapidfuzz's:

- ``equal``: the same paragraph after normalisation (score 100);
- ``replace``: similar but edited (score = ``scorer`` similarity, >= ``score_cutoff``);
- ``delete``: only in A; ``insert``: only in B (score 0);
- ``move``: in both, but out of order (score >= ``move_cutoff``).

Order of the steps: walk the in-order matches (equal/replace); before each one, and at
the end, come the paragraphs of the gap before it: first the A-only paragraphs of the
gap in A order (``delete``), then the B paragraphs of the gap in B order (``insert``,
or ``move`` when the paragraph matches an A paragraph elsewhere). So B paragraphs
always appear in B order, A paragraphs that did not move in A order, and a move sits
at its B position.

The result does not depend on which document is passed first, up to mirroring:
``align(b, a)`` has the same pairs as ``align(a, b)`` with ``a`` and ``b`` swapped and
``insert``/``delete`` exchanged (the order of the steps follows the second document).

Bounds: scores are computed on at most :data:`SCORE_CHARS` characters of each paragraph
(its head and tail); a gap of more than ``max_cells`` paragraph pairs is not scored
densely but through candidate pairs that share rare word trigrams (each paragraph keeps
its best few candidates), aligned by a heaviest-increasing-subsequence pass; word diffs
of very long paragraphs diff only up to ``max_words`` words after common prefix and
suffix. Memory therefore stays linear in the text plus ``max_cells``.

>>> from dedup.document import parse_text
>>> a = parse_text("Title\\n\\nOne two three.\\n\\nFour five six.", id="a")
>>> b = parse_text("One two three.\\n\\nFour five six seven.\\n\\nShare this", id="b")
>>> [(s.op.value, s.a, s.b) for s in align(a, b).steps]
[('delete', 0, None), ('equal', 1, 0), ('replace', 2, 1), ('insert', None, 2)]
"""


import enum
import hashlib
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel
from rapidfuzz.utils import default_process

from dedup.document import Document

__all__ = [
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
_TOKEN = re.compile(r"[^\W_]+")
#: Share of a paragraph's words that a run of the other version's paragraphs must cover to split it.
MERGE_COVER = 0.6
#: Pieces of fewer words (table cells, menu items) are weak evidence: a split needs two longer pieces,
#: and short ones may only sit right next to them.
MERGE_MIN_WORDS = 3


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

    ``score`` is the similarity 0-100 (100 for equal, 0 for insert/delete).
    ``a_range``/``b_range`` are None when the step holds the whole paragraph; when the
    other version splits a paragraph into several, each piece is one step and its range
    gives the piece's ``(start, end)`` character offsets in that document's text.
    """

    op: Op
    a: int | None
    b: int | None
    score: float
    a_range: tuple[int, int] | None = None
    b_range: tuple[int, int] | None = None


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


# --------------------------------------------------------------------------- keys and scores


def normalise(text: str, *, processor: Callable[[str], str] | None = default_process) -> str:
    """The text paragraphs are compared on: ``processor`` applied, whitespace collapsed.

    With the default processor this is lower case, with punctuation and symbols
    removed. Text that the processor empties (``"***"``) is kept as it is, so that it
    still equals only itself.
    """
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
    ``max_cells`` bounds the dense score matrix of one gap. Raises ValueError for
    knobs out of range.
    """
    if not 0 <= score_cutoff <= 100:
        raise ValueError(f"score_cutoff must be within 0-100, got {score_cutoff!r}")
    if not 0 <= move_cutoff <= 100:
        raise ValueError(f"move_cutoff must be within 0-100, got {move_cutoff!r}")
    if max_cells < 1:
        raise ValueError(f"max_cells must be at least 1, got {max_cells!r}")
    pa, pb = a.paragraphs, b.paragraphs
    ka = [normalise(p.text, processor=processor) for p in pa]
    kb = [normalise(p.text, processor=processor) for p in pb]
    # Align in a canonical orientation, so that swapping the documents mirrors the result.
    swap = (len(kb), kb) < (len(ka), ka)
    if swap:
        pa, pb, ka, kb = pb, pa, kb, ka
    aligner = _Aligner(pa, pb, ka, kb, score_cutoff, scorer, processor, workers, max_cells)
    entries = aligner.merges(aligner.monotone())
    moves = aligner.moves(entries, move_cutoff)
    if swap:
        entries = [_Entry(e.b, e.a, e.op, e.score, e.b_range, e.a_range) for e in entries]
        moves = [_Entry(e.b, e.a, e.op, e.score) for e in moves]
        pa, pb = pb, pa
    steps = _order(len(pa), len(pb), sorted(entries), moves)
    return Alignment(a.id, b.id, steps)


@dataclass(frozen=True, slots=True, order=True)
class _Entry:
    a: int
    b: int
    op: Op
    score: float
    a_range: tuple[int, int] | None = None
    b_range: tuple[int, int] | None = None


def _order(n: int, m: int, entries: list[_Entry], moves: list[_Entry]) -> tuple[Step, ...]:
    """Lay the matches out as steps, in the order described in the module docstring."""
    moved_a = {e.a for e in moves}
    move_at = {e.b: e for e in moves}
    steps: list[Step] = []
    ai = bj = 0
    for e in [*entries, None]:
        i, j = (n, m) if e is None else (e.a, e.b)
        steps.extend(Step(Op.DELETE, x, None, 0.0) for x in range(ai, i) if x not in moved_a)
        for y in range(bj, j):
            mv = move_at.get(y)
            if mv is not None:
                steps.append(Step(Op.MOVE, mv.a, y, mv.score))
            else:
                steps.append(Step(Op.INSERT, None, y, 0.0))
        if e is not None:
            steps.append(Step(e.op, i, j, e.score, e.a_range, e.b_range))
        ai, bj = i + 1, j + 1
    return tuple(steps)


class _Aligner:
    """The work of one :func:`align` call."""

    def __init__(self, pa, pb, ka: list[str], kb: list[str], cutoff: float, scorer, processor, workers, max_cells):
        self.pa, self.pb = pa, pb
        self.ka, self.kb = ka, kb
        self.cutoff = cutoff
        self.scorer = scorer
        self.processor = processor
        self.workers = workers
        self.max_cells = max_cells

    def _entry(self, i: int, j: int, score: float, op: Op | None = None) -> _Entry:
        if self.ka[i] == self.kb[j]:
            return _Entry(i, j, op or Op.EQUAL, 100.0)
        return _Entry(i, j, op or Op.REPLACE, round(float(score), 1))

    # ---- in-order matches

    def monotone(self) -> list[_Entry]:
        """In-order matches, increasing in both a and b."""
        anchors = self._anchors()
        out: list[_Entry] = []
        pi = pj = 0
        for i, j in [*anchors, (len(self.ka), len(self.kb))]:
            if i > pi and j > pj:
                out.extend(self._entry(x, y, s) for x, y, s in self._gap(pi, i, pj, j))
            if i < len(self.ka):
                out.append(_Entry(i, j, Op.EQUAL, 100.0))
            pi, pj = i + 1, j + 1
        return out

    def _anchors(self) -> list[tuple[int, int]]:
        """Keys unique in both documents, longest increasing run of them (patience diff)."""
        ka, kb = self.ka, self.kb
        count_a: dict[str, int] = {}
        for k in ka:
            count_a[k] = count_a.get(k, 0) + 1
        where_b: dict[str, int] = {}
        count_b: dict[str, int] = {}
        for j, k in enumerate(kb):
            count_b[k] = count_b.get(k, 0) + 1
            where_b[k] = j
        cand = [(i, where_b[k]) for i, k in enumerate(ka) if count_a[k] == 1 and count_b.get(k) == 1]
        return _lis(cand)

    def _gap(self, i0: int, i1: int, j0: int, j1: int) -> list[tuple[int, int, float]]:
        qa = [_clip(k) for k in self.ka[i0:i1]]
        qb = [_clip(k) for k in self.kb[j0:j1]]
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
        scores = process.cdist(
            qa, qb, scorer=self.scorer, score_cutoff=self.cutoff, dtype=np.float32, workers=self.workers
        )
        return [(i0 + i, j0 + j, float(scores[i, j])) for i, j in _dp(scores)]

    # ---- paragraphs that the other version splits in several

    def merges(self, entries: list[_Entry]) -> list[_Entry]:
        """Replace 1:1 matches by pieces where one version splits a paragraph of the other.

        A host paragraph (equal-matched ones excepted) takes a run of two or more
        consecutive paragraphs of the other document that are free (or its own partner),
        lie between the in-order matches around it, whose words occur in it in order, and
        that together cover at least :data:`MERGE_COVER` of its words.
        """
        cands = []
        budget = [self.max_cells]
        for side in (0, 1):
            cands.extend(self._merge_candidates(entries, side, budget))
        if not cands:
            return entries
        cands.sort(key=lambda c: (-c[0], c[1], c[2], c[3]))
        current = list(entries)
        for _, side, host, first, last, spans in cands:
            trial = self._apply_merge(current, side, host, first, last, spans)
            if trial is not None:
                current = trial
        return current

    def _merge_candidates(self, entries: list[_Entry], side: int, budget: list[int]):
        host_par, mem_par = (self.pa, self.pb) if side == 0 else (self.pb, self.pa)
        host_keys, mem_keys = (self.ka, self.kb) if side == 0 else (self.kb, self.ka)
        pairs = [(e.a, e.b) if side == 0 else (e.b, e.a) for e in entries]  # (host, member), sorted
        partner = dict(pairs)
        taken = {m for _, m in pairs}
        host_idx = [h for h, _ in pairs]
        mem_tokens: dict[int, str] = {}
        out = []
        for h in range(len(host_par)):
            p = partner.get(h)
            if p is not None and host_keys[h] == mem_keys[p]:
                continue
            k = bisect_left(host_idx, h)
            lo = pairs[k - 1][1] + 1 if k > 0 else 0
            k2 = k + 1 if k < len(pairs) and host_idx[k] == h else k
            hi = pairs[k2][1] if k2 < len(pairs) else len(mem_par)
            if hi - lo < 2:
                continue
            free = sum(1 for mi in range(lo, hi) if mi not in taken or mi == p)
            if free < 2:
                continue
            budget[0] -= hi - lo
            if budget[0] < 0:
                return out
            words, starts = _tokens(host_par[h].text)
            if len(words) < 2:
                continue
            host_str = " " + " ".join(words) + " "
            offsets = []  # host_str offset of each word
            pos = 1
            for w in words:
                offsets.append(pos)
                pos += len(w) + 1
            run: list[tuple[int, int, bool]] = []  # (member, first word, substantial)
            runs = []
            at = 0
            for mi in range(lo, hi):
                ms = mem_tokens.get(mi)
                if ms is None:
                    mw = _tokens(mem_par[mi].text)[0]
                    ms = mem_tokens[mi] = " " + " ".join(mw) + " " if mw else ""
                if (mi in taken and mi != p) or not ms or len(ms) > len(host_str):
                    runs.append(run)
                    run, at = [], 0
                    continue
                big = ms.count(" ") > MERGE_MIN_WORDS
                f = host_str.find(ms, at) if run else -1
                if f >= 0 and not big and host_str.count(" ", at, f) > 3:
                    f = -1  # a short piece must follow the previous one closely
                if f < 0:
                    runs.append(run)
                    run, at = [], 0
                    if not big:
                        continue
                    f = host_str.find(ms)
                    if f < 0:
                        continue
                run.append((mi, bisect_left(offsets, f + 1), big))
                at = f + len(ms) - 1
            runs.append(run)
            for r in runs:
                while r and not r[-1][2]:
                    r.pop()
                if sum(big for _, _, big in r) < 2:
                    continue
                covered = sum(len(mem_tokens[mi]) - 1 for mi, _, _ in r)
                cover = covered / (len(host_str) - 1)
                if cover < MERGE_COVER:
                    continue
                if p is not None and not r[0][0] <= p <= r[-1][0]:
                    continue
                spans = _piece_spans(host_par[h], starts, [w0 for _, w0, _ in r])
                out.append((round(cover, 6), side, h, r[0][0], r[-1][0], spans))
        return out

    def _apply_merge(self, entries: list[_Entry], side: int, host: int, first: int, last: int, spans):
        """``entries`` with the merge applied, or None if it conflicts with them."""
        keep = []
        for e in entries:
            h, m = (e.a, e.b) if side == 0 else (e.b, e.a)
            if h == host:
                if e.a_range is not None or e.b_range is not None or not first <= m <= last:
                    return None  # already split, or matched elsewhere
                continue
            if first <= m <= last:
                return None
            keep.append(e)
        pieces = []
        host_par = self.pa[host] if side == 0 else self.pb[host]
        for mi, (s, t) in zip(range(first, last + 1), spans):
            piece = host_par.text[s - host_par.start : t - host_par.start]
            kp = normalise(piece, processor=self.processor)
            km = self.kb[mi] if side == 0 else self.ka[mi]
            if kp == km:
                op, score = Op.EQUAL, 100.0
            else:
                op, score = Op.REPLACE, round(float(self.scorer(_clip(kp), _clip(km))), 1)
            if side == 0:
                pieces.append(_Entry(host, mi, op, score, a_range=(s, t)))
            else:
                pieces.append(_Entry(mi, host, op, score, b_range=(s, t)))
        merged = sorted(keep + pieces)
        for x, y in zip(merged, merged[1:]):
            if y.b < x.b or (y.a == x.a and y.b == x.b):
                return None
        return merged

    # ---- out-of-order matches

    def moves(self, entries: list[_Entry], cutoff: float) -> list[_Entry]:
        """Pair paragraphs left over on both sides: identical keys first, then best scores."""
        used_a = {e.a for e in entries}
        used_b = {e.b for e in entries}
        ua = [i for i in range(len(self.ka)) if i not in used_a]
        ub = [j for j in range(len(self.kb)) if j not in used_b]
        if not ua or not ub:
            return []
        out: list[_Entry] = []
        free_b: dict[str, list[int]] = {}
        for j in ub:
            free_b.setdefault(self.kb[j], []).append(j)
        rest_a = []
        for i in ua:
            js = free_b.get(self.ka[i])
            if js:
                out.append(_Entry(i, js.pop(0), Op.MOVE, 100.0))
            else:
                rest_a.append(i)
        taken_b = {e.b for e in out}
        rest_b = [j for j in ub if j not in taken_b]
        if rest_a and rest_b:
            qa = [_clip(self.ka[i]) for i in rest_a]
            qb = [_clip(self.kb[j]) for j in rest_b]
            if len(qa) * len(qb) > self.max_cells:
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


def _tokens(text: str) -> tuple[list[str], list[int]]:
    """Lower-case words (runs of letters and digits) of a paragraph, and where each starts."""
    words, starts = [], []
    for m in _TOKEN.finditer(text):
        words.append(m.group().casefold())
        starts.append(m.start())
    return words, starts


def _piece_spans(par, starts: list[int], firsts: list[int]) -> list[tuple[int, int]]:
    """Cut a paragraph into pieces that start at the given words and tile it."""
    cuts = [0] + [starts[w] for w in firsts[1:]] + [len(par.text)]
    spans = []
    for x in range(len(firsts)):
        s, t = cuts[x], cuts[x + 1]
        while t > s and par.text[t - 1].isspace():
            t -= 1
        spans.append((par.start + s, par.start + t))
    return spans


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

    Words are runs of non-space characters compared exactly; the diff is the longest
    common subsequence of words (``rapidfuzz.distance.Indel.opcodes``), with a delete
    next to an insert merged into one ``replace``. Beyond ``max_words`` words per side
    (after the common prefix and suffix) the middle becomes one ``replace`` chunk.

    >>> [(w.op, w.a, w.b) for w in word_diff("the old red car", "the new red car")]
    [('equal', 'the ', 'the '), ('replace', 'old ', 'new '), ('equal', 'red car', 'red car')]
    """
    wa = _WORD.findall(a)
    wb = _WORD.findall(b)
    lo = 0
    while lo < len(wa) and lo < len(wb) and wa[lo] == wb[lo]:
        lo += 1
    hi = 0
    while hi < len(wa) - lo and hi < len(wb) - lo and wa[-1 - hi] == wb[-1 - hi]:
        hi += 1
    mid_a, mid_b = wa[lo : len(wa) - hi], wb[lo : len(wb) - hi]
    blocks: list[tuple[str, int, int, int, int]] = []
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
    merged: list[list] = []
    for tag, s1, e1, s2, e2 in blocks:
        if tag != "equal" and merged and merged[-1][0] != "equal":
            last = merged[-1]
            last[1], last[2] = min(last[1], s1), max(last[2], e1)
            last[3], last[4] = min(last[3], s2), max(last[4], e2)
        else:
            merged.append([tag, s1, e1, s2, e2])
    sa, sb = _word_starts(a), _word_starts(b)
    out = []
    for tag, s1, e1, s2, e2 in merged:
        if tag != "equal":
            tag = "replace" if e1 > s1 and e2 > s2 else ("delete" if e1 > s1 else "insert")
        out.append(WordEdit(tag, _chunk(a, sa, s1, e1), _chunk(b, sb, s2, e2)))
    return tuple(out)


def _word_starts(text: str) -> array:
    return array("q", (m.start() for m in _WORD.finditer(text)))


def _chunk(text: str, starts: array, start: int, end: int) -> str:
    """The text of words ``start:end`` and the whitespace after them."""
    if start >= end:
        return ""
    begin = 0 if start == 0 else starts[start]
    finish = len(text) if end >= len(starts) else starts[end]
    return text[begin:finish]
