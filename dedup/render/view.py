"""What every renderer shows, computed once: a pair's diff rows with their paragraph text.

Renderers work from the JSON contract (``dedup.render.json.report_dict`` / ``pair_dict``)
plus the documents' texts (``Report.paired``), never from pipeline internals. A diff row of
the contract is::

    {"op": "equal|replace|insert|delete|move", "role": "<role>", "score": 0-100,
     "a": {"index": i, "start": s, "end": e} | None, "b": {...} | None,
     "evidence": "...", "words": [...]}            # words only for replace

``start``/``end`` are character offsets into the document's decoded text. Nothing here
aligns or classifies anything: it only slices texts and groups rows for display.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from dedup.document import Document, paragraph_numbers

__all__ = [
    "OPS",
    "ROLES",
    "PairView",
    "Row",
    "Same",
    "Side",
    "Word",
    "blocks",
    "clip",
    "cluster_numbers",
    "elide",
    "escaped",
    "flat",
    "pair_view",
    "plural",
    "printable",
    "role_label",
    "roles_in",
    "same_summary",
    "span",
    "summary_line",
    "where",
    "words",
]

#: The roles of the contract, in the order legends list them (body first, then the page's parts).
ROLES = (
    "body",
    "title",
    "heading",
    "caption",
    "pull_quote",
    "paywall",
    "byline",
    "syndication",
    "related",
    "navigation",
    "comments",
    "ad",
    "duplicate",
    "other",
)

#: The change vocabulary (difflib's, plus ``move``) and what each op means for a reader.
OPS = {
    "delete": "only in A",
    "insert": "only in B",
    "replace": "edited",
    "move": "moved",
    "equal": "equal",
}


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a row: paragraph ``index`` (0-based) and its text (None when not at hand)."""

    index: int
    start: int
    end: int
    text: str | None


@dataclass(frozen=True, slots=True)
class Word:
    """One step of a word-level diff: ``a`` is the old words, ``b`` the new ones."""

    op: str
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class Row:
    op: str
    role: str
    score: float
    a: Side | None
    b: Side | None
    evidence: str
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Same:
    """A run of consecutive ``equal`` rows, shown collapsed."""

    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class PairView:
    a: str
    b: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared: int
    rows: tuple[Row, ...]
    has_text: bool

    @property
    def differing(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.op != "equal")

    def count(self, op: str) -> int:
        return sum(1 for r in self.rows if r.op == op)

    def counts(self) -> str:
        """``14 equal, 11 only in A, 14 only in B``: the ops present, in contract order."""
        return ", ".join(f"{self.count(op)} {OPS[op]}" for op in OPS if self.count(op))


def words(row: Mapping) -> tuple[Word, ...]:
    """The word-level diff of a ``replace`` row. The one place that knows its element format.

    Assumed: a list of ``{"op": "equal|insert|delete|replace", "a": "...", "b": "..."}``.
    """
    out = []
    for w in row.get("words") or ():
        if isinstance(w, Mapping):
            out.append(Word(str(w.get("op", "equal")), str(w.get("a") or ""), str(w.get("b") or "")))
    return tuple(out)


def _side(ref: Mapping | None, doc: Document | None) -> Side | None:
    if not ref:
        return None
    start, end = int(ref.get("start", 0)), int(ref.get("end", 0))
    text = doc.text[start:end] if doc is not None and 0 <= start <= end <= len(doc.text) else None
    return Side(int(ref.get("index", 0)), start, end, text)


def pair_view(pair: Mapping, a: Document | None = None, b: Document | None = None) -> PairView:
    """A pair of the JSON contract with each row's paragraph text sliced from the documents."""
    rows = tuple(
        Row(
            op=str(r.get("op", "")),
            role=str(r.get("role") or "other"),
            score=r.get("score") or 0,
            a=_side(r.get("a"), a),
            b=_side(r.get("b"), b),
            evidence=str(r.get("evidence") or ""),
            words=words(r),
        )
        for r in pair.get("diff") or ()
    )
    return PairView(
        a=pair["a"],
        b=pair["b"],
        jaccard=pair["jaccard"],
        containment_a_in_b=pair["containment_a_in_b"],
        containment_b_in_a=pair["containment_b_in_a"],
        shared=pair["shared"],
        rows=rows,
        has_text=a is not None and b is not None,
    )


def blocks(rows: Iterable[Row]) -> Iterator[Row | Same]:
    """The rows in order, each run of ``equal`` rows folded into one :class:`Same`."""
    run: list[Row] = []
    for row in rows:
        if row.op == "equal":
            run.append(row)
            continue
        if run:
            yield Same(tuple(run))
            run = []
        yield row
    if run:
        yield Same(tuple(run))


def span(indices: Sequence[int]) -> str:
    """Paragraph numbers for people (1-based): ``4``, ``4-6``, ``4-6, 9``."""
    return paragraph_numbers(indices)


def where(row: Row) -> str:
    """Where a row's paragraphs are, for people: ``A3``, ``B12``, ``A4/B5``, ``A4→B9`` (moved)."""
    if row.a and row.b:
        return f"A{row.a.index + 1}{'→' if row.op == 'move' else '/'}B{row.b.index + 1}"
    side = row.a or row.b
    return f"{'A' if row.a else 'B'}{side.index + 1}" if side else ""


def same_summary(block: Same) -> str:
    """``3 equal paragraphs (A 4-6 = B 3-5)``."""
    a = [r.a.index for r in block.rows if r.a]
    b = [r.b.index for r in block.rows if r.b]
    n = len(block.rows)
    return f"{n} equal paragraph{'s' * (n != 1)} (A {span(a)} = B {span(b)})"


#: Words kept on each side of an edit in an edited paragraph; longer unchanged stretches are cut.
CONTEXT_WORDS = 6


def elide(text: str, *, head: bool, tail: bool) -> str:
    """Unchanged words of an edited paragraph: keep CONTEXT_WORDS next to each edit, cut the rest.

    ``head``: an edit comes before (keep the first words); ``tail``: one comes after.
    """
    words = text.split()
    keep = CONTEXT_WORDS
    if len(words) <= 2 * keep + 1:
        return " ".join(words)
    if head and tail:
        return " ".join(words[:keep] + ["…"] + words[-keep:])
    if head:
        return " ".join(words[:keep] + ["…"])
    if tail:
        return " ".join(["…"] + words[-keep:])
    return " ".join(words)


def roles_in(views: Iterable[PairView]) -> list[str]:
    """The roles of the differing rows of ``views``, in legend order (unknown roles last, sorted)."""
    present = {r.role for v in views for r in v.differing}
    return [r for r in ROLES if r in present] + sorted(present - set(ROLES))


def role_label(role: str) -> str:
    return role.replace("_", "-")


_SPACE = re.compile(r"\s+")
# What must not reach a terminal as it is: C0 and C1 control characters (ESC starts the
# sequences that move the cursor, set the title or write the clipboard), DEL, the line and
# paragraph separators, and lone surrogates (the undecodable bytes of a file name).
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[{_CONTROLS}]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped(c: str) -> str:
    """One character as :func:`printable` shows it: ``\\n``, ``\\x1b``, ``\\u2028``, or ``\\xe9`` for
    a byte of a file name that is not UTF-8 (a lone surrogate U+DC80-U+DCFF, as os.fsdecode gives it)."""
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return _ESCAPES.get(c) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` on one line with nothing a terminal would act on: controls become escapes.

    >>> printable("new\\nline \\x1b]0;title\\x07 caf\\udcc3")
    'new\\\\nline \\\\x1b]0;title\\\\x07 caf\\\\xc3'

    Ids (file names) and document text go through it before the terminal and Markdown
    renderers show them; ordinary text comes out unchanged.
    """
    return _UNPRINTABLE.sub(lambda m: escaped(m[0]), text) if _UNPRINTABLE.search(text) else text


# The bidirectional controls (embeddings, overrides, isolates, marks). In a file name they change how
# the name reads ("evil\u202etxt.md" shows as "evildm.txt" on a terminal that does bidi), so names
# show them as escapes, as the HTML report does; in document text they are the writer's.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE_NAME = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}]")


def printable_name(name: str) -> str:
    """A file name or id as :func:`printable` shows text, and its bidirectional controls as escapes.

    >>> printable_name("evil\\u202etxt.md")
    'evil\\\\u202etxt.md'
    """
    return _UNPRINTABLE_NAME.sub(lambda m: escaped(m[0]), name) if _UNPRINTABLE_NAME.search(name) else name


def flat(text: str) -> str:
    """A paragraph on one line: every run of white space (line breaks too) becomes one space."""
    return _SPACE.sub(" ", text).strip()


#: Paragraphs longer than this are cut to CLIP_CHARS in the terminal and Markdown (HTML shows them whole).
MAX_CHARS = 400
CLIP_CHARS = 300


def clip(text: str) -> str:
    """:func:`flat` text, cut at a word near CLIP_CHARS when longer than MAX_CHARS."""
    text = flat(text)
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind(" ", 0, CLIP_CHARS)
    cut = cut if cut > CLIP_CHARS // 2 else CLIP_CHARS
    return f"{text[:cut]} … (+{len(text) - cut} characters)"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def summary_line(data: Mapping) -> str:
    """``2 documents read, 0 skipped, 1 cluster, 1 pair`` for a report dict."""
    return (
        f"{plural(len(data['documents']), 'document')} read, {len(data['skipped'])} skipped, "
        f"{plural(len(data['clusters']), 'cluster')}, {plural(len(data['pairs']), 'pair')}"
    )


def cluster_numbers(data: Mapping) -> dict[str, int]:
    """Document id -> its cluster's number (1-based, in report order)."""
    return {m: k for k, c in enumerate(data["clusters"], start=1) for m in c["members"]}
