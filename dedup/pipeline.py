"""Config + run(paths) -> Report: the one library entry point used by the CLI and the hook.

The stages, in order (each a module of its own):

    document  read files and folders -> Documents (paragraphs with offsets)
    shingle   Document text -> sorted uint64 fingerprints of word n-grams
    signature fingerprints -> MinHash signatures (datasketch affine32-compatible)
    index     signatures -> candidate pairs (containment-aware banded LSH)
    cluster   candidates -> verified pairs (exact Jaccard / containment) -> clusters
    classify  each verified pair -> aligned, labelled paragraph diff (align + roles)

Memory stays proportional to the signatures: documents' texts and shingle sets are not
kept after signing; the documents of candidate pairs are read again for verification
and for the diffs. Work is cut into tasks (a run of files, or a span of a JSONL file)
that a process pool maps in order, so the output does not depend on ``workers``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup.errors import UsageError
from dedup.document import MAX_BYTES, Document, Skipped, Source, find_sources, jsonl_spans, load_at, load_span
from dedup.shingle import fingerprint_batch
from dedup.signature import sign_fingerprints

__all__ = [
    "ClusterInfo",
    "Config",
    "DocumentInfo",
    "PairInfo",
    "PairedDocuments",
    "Progress",
    "Report",
    "compare",
    "read_pair",
    "run",
]

#: Files handed to one worker task.
FILES_PER_TASK = 256
#: Bytes of a JSONL file handed to one worker task.
JSONL_SPAN = 8 * 1024 * 1024
#: Documents re-read (for verification) or pairs diffed per worker task.
ROWS_PER_TASK = 512

#: progress(stage, done, total): stage is "read", "candidates", "verify" or "diff";
#: total is None while unknown.
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class Config:
    """Every knob of a run. Echoed into the JSON report so a run can be reproduced."""

    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.5
    containment: float | None = 0.75
    recall: float = 0.95
    max_bucket: int = 64
    max_bytes: int = MAX_BYTES
    text_field: str = "text"
    id_field: str = "id"
    diff: bool = True
    workers: int = 1

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, got {self.shingle_size!r}; 5 is the default")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers!r}")
        if self.max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes!r}")
        self.tiers  # noqa: B018 - validates num_perm, threshold, containment and recall

    @property
    def tiers(self) -> tuple[index_stage.Tier, ...]:
        return index_stage.plan(
            num_perm=self.num_perm, threshold=self.threshold, containment=self.containment, recall=self.recall
        )

    def as_dict(self) -> dict:
        """The knobs, plus the LSH band tables they imply (``b`` and ``r`` of the first).

        ``workers`` is left out: it changes how fast, never what, so two runs on the
        same input give the same JSON whatever their worker counts.
        """
        out = asdict(self)
        del out["workers"]
        tiers = self.tiers
        out["b"], out["r"] = tiers[0].b, tiers[0].r
        out["lsh_tiers"] = [
            {"b": t.b, "r": t.r, "max_ratio": None if math.isinf(t.max_ratio) else round(t.max_ratio, 4)}
            for t in tiers
        ]
        return out


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    paragraphs: int
    chars: int
    shingles: int


@dataclass(frozen=True, slots=True)
class PairInfo:
    """A verified pair, ``a < b`` by id, with its exact figures and (optionally) its diff."""

    a: str
    b: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared: int
    diff: tuple = ()


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    members: tuple[str, ...]
    canonical: str
    reason: str


class PairedDocuments(Mapping):
    """The documents of the reported pairs, by id, read again from disk when asked for.

    Renderers need paragraph texts; keeping every paired document in memory would not
    scale, so this mapping holds only where each one is and caches the last few read.
    A document that cannot be read any more (changed or removed since) is missing.
    """

    def __init__(self, where: Mapping[str, _Where], sources: Sequence[Source], config: Config) -> None:
        self._where = dict(sorted(where.items()))
        self._sources = sources
        self._config = config
        self._read = lru_cache(maxsize=256)(self._load)

    def _load(self, ident: str) -> Document | None:
        item = load_at(self._sources[(w := self._where[ident]).source], w.offset, w.line, **_read_kwargs(self._config))
        return item if isinstance(item, Document) and item.id == ident else None

    def __getitem__(self, ident: str) -> Document:
        doc = self._read(ident) if ident in self._where else None
        if doc is None:
            raise KeyError(ident)
        return doc

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


@dataclass(frozen=True, slots=True)
class Report:
    config: Config
    documents: tuple[DocumentInfo, ...]
    skipped: tuple[Skipped, ...]
    clusters: tuple[ClusterInfo, ...]
    pairs: tuple[PairInfo, ...]
    #: The documents of the reported pairs (read again on access), for renderers that show
    #: paragraph text; empty when the run had ``diff`` off. Not part of the JSON.
    paired: Mapping[str, Document] = field(default_factory=dict, compare=False, repr=False)


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True, slots=True)
class _Task:
    """A run of files ``sources[first : first + count]``, or one span of a JSONL file."""

    first: int
    count: int = 1
    span: tuple[int, int, int] | None = None  # (start, end, first_line) in a JSONL file


@dataclass(frozen=True, slots=True)
class _Where:
    """Where to read a document again: its source, byte offset and line (JSONL)."""

    source: int
    offset: int = 0
    line: int = 1


@dataclass(frozen=True, slots=True)
class _Signed:
    """What a signing task returns: one entry per document, in input order."""

    infos: tuple[DocumentInfo, ...]
    where: tuple[_Where, ...]
    hashvalues: np.ndarray
    skipped: tuple[Skipped, ...]
    #: Each document's distinct paragraph keys, concatenated (only when the run diffs).
    paragraph_keys: np.ndarray
    paragraph_counts: np.ndarray


def _tasks(sources: Sequence[Source]) -> list[_Task]:
    tasks: list[_Task] = []
    run_start = None
    for i, source in enumerate(sources):
        if source.format == "jsonl":
            if run_start is not None:
                tasks.append(_Task(run_start, i - run_start))
                run_start = None
            try:
                spans = jsonl_spans(source.path, size=JSONL_SPAN)
            except OSError:
                spans = [(0, None, 1)]  # load_span reports the error as a Skipped
            tasks.extend(_Task(i, 1, span) for span in spans)
        else:
            if run_start is None:
                run_start = i
            elif i - run_start >= FILES_PER_TASK:
                tasks.append(_Task(run_start, i - run_start))
                run_start = i
    if run_start is not None:
        tasks.append(_Task(run_start, len(sources) - run_start))
    return tasks


# Worker state, set once per process by _init (sources and config do not travel with tasks).
_STATE: dict = {}


def _init(sources: Sequence[Source], config: Config) -> None:
    _STATE["sources"] = sources
    _STATE["config"] = config


def _read_kwargs(config: Config) -> dict:
    return {"max_bytes": config.max_bytes, "text_field": config.text_field, "id_field": config.id_field}


def _items(task: _Task) -> Iterator[tuple[_Where, Document | Skipped]]:
    sources, config = _STATE["sources"], _STATE["config"]
    if task.span is not None:
        start, end, line = task.span
        for offset, lineno, item in load_span(
            sources[task.first], start=start, end=end, first_line=line, **_read_kwargs(config)
        ):
            yield _Where(task.first, offset, lineno), item
        return
    for i in range(task.first, task.first + task.count):
        for offset, lineno, item in load_span(sources[i], **_read_kwargs(config)):
            yield _Where(i, offset, lineno), item


def _sign(task: _Task) -> _Signed:
    config = _STATE["config"]
    docs: list[Document] = []
    where: list[_Where] = []
    skipped: list[Skipped] = []
    for w, item in _items(task):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            docs.append(item)
            where.append(w)
    flat, offsets = fingerprint_batch([d.text for d in docs], size=config.shingle_size)
    signed = sign_fingerprints(flat, offsets, num_perm=config.num_perm, seed=config.seed)
    sizes = np.diff(offsets)
    keep = np.flatnonzero(sizes > 0)
    skipped.extend(Skipped(docs[k].id, "no words to compare") for k in np.flatnonzero(sizes == 0))
    keys: list[np.ndarray] = []
    if config.diff:
        from dedup.classify import paragraph_keys  # noqa: PLC0415 - only runs that diff need them

        keys = [paragraph_keys(docs[k]) for k in keep]
    return _Signed(
        infos=tuple(
            DocumentInfo(docs[k].id, len(docs[k].paragraphs), len(docs[k].text), int(sizes[k])) for k in keep
        ),
        where=tuple(where[k] for k in keep),
        hashvalues=signed.hashvalues[keep],
        skipped=tuple(skipped),
        paragraph_keys=np.concatenate(keys) if keys else np.zeros(0, np.uint64),
        paragraph_counts=np.array([len(k) for k in keys], dtype=np.int64),
    )


def _reread(where: _Where) -> Document | None:
    config = _STATE["config"]
    item = load_at(_STATE["sources"][where.source], where.offset, where.line, **_read_kwargs(config))
    return item if isinstance(item, Document) else None


def _fingerprints(chunk: Sequence[_Where]) -> list[np.ndarray | None]:
    """Shingle sets of documents read again (None for one that cannot be read now)."""
    config = _STATE["config"]
    docs = [_reread(w) for w in chunk]
    flat, offsets = fingerprint_batch([d.text if d else "" for d in docs], size=config.shingle_size)
    return [flat[offsets[k] : offsets[k + 1]].copy() if d else None for k, d in enumerate(docs)]


def _diff(job: tuple[Sequence[tuple[_Where, _Where]], object]) -> list[tuple]:
    from dedup.classify import diff  # noqa: PLC0415 - only runs that diff pay for alignment

    chunk, stats = job
    cache: dict[_Where, Document | None] = {}

    def doc(w: _Where) -> Document | None:
        if w not in cache:
            cache[w] = _reread(w)
        return cache[w]

    out = []
    for wa, wb in chunk:
        a, b = doc(wa), doc(wb)
        out.append(tuple(diff(a, b, stats=stats)) if a is not None and b is not None else ())
    return out


class _Executor:
    """Maps task functions in order: inline for one worker, else over a process pool."""

    def __init__(self, workers: int, sources: Sequence[Source], config: Config, tasks: int) -> None:
        self._pool = None
        if workers > 1 and tasks > 1:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["dedup.pipeline"])
            self._pool = ctx.Pool(workers, initializer=_init, initargs=(sources, config))
        else:
            _init(sources, config)

    def map(self, fn, items: Iterable) -> Iterator:
        if self._pool is None:
            return map(fn, items)
        return self._pool.imap(fn, items)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()

    def __enter__(self) -> _Executor:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None and self._pool is not None:
            self._pool.terminate()
        self.close()


def _chunks(items: Sequence, size: int) -> list[Sequence]:
    return [items[k : k + size] for k in range(0, len(items), size)]


# --------------------------------------------------------------------------- run


def _round(x: float) -> float:
    return round(x, 6)


def run(paths: Sequence[str], config: Config | None = None, *, progress: Progress | None = None) -> Report:
    """Find the versions of each article among ``paths`` (files and folders).

    Raises ValueError for bad knobs; bad documents become ``Report.skipped``.
    """
    config = config or Config()
    note = progress or (lambda stage, done, total: None)
    sources, found_skipped = find_sources(paths)
    skipped = list(found_skipped)
    tasks = _tasks(sources)

    infos: list[DocumentInfo] = []
    where: list[_Where] = []
    blocks: list[np.ndarray] = []
    key_blocks: list[np.ndarray] = []
    key_counts: list[np.ndarray] = []
    with _Executor(config.workers, sources, config, len(tasks)) as ex:
        for result in ex.map(_sign, tasks):
            infos.extend(result.infos)
            where.extend(result.where)
            blocks.append(result.hashvalues)
            skipped.extend(result.skipped)
            key_blocks.append(result.paragraph_keys)
            key_counts.append(result.paragraph_counts)
            note("read", len(infos), None)
        note("read", len(infos), len(infos))

        # Rows in id order, so that row order and id order agree; a repeated id keeps its first document.
        order, seen = [], set()
        for i in sorted(range(len(infos)), key=lambda i: infos[i].id):
            if infos[i].id in seen:
                skipped.append(Skipped(infos[i].id, "duplicate id (a record with this id came earlier)"))
                continue
            seen.add(infos[i].id)
            order.append(i)
        hashvalues = (np.concatenate(blocks) if blocks else np.zeros((0, config.num_perm), np.uint32))[order]
        # Paragraph keys by row: the row (in id order) of the document each key comes from.
        row_of = np.full(len(infos), -1, dtype=np.int64)
        row_of[order] = np.arange(len(order))
        per_doc = np.concatenate(key_counts) if key_counts else np.zeros(0, np.int64)
        para_keys = np.concatenate(key_blocks) if key_blocks else np.zeros(0, np.uint64)
        para_rows = np.repeat(row_of[: len(per_doc)], per_doc)
        del blocks, key_blocks, key_counts
        infos = [infos[i] for i in order]
        where = [where[i] for i in order]
        ids = [d.id for d in infos]
        sizes = np.array([d.shingles for d in infos], dtype=np.int64)

        tiers = config.tiers
        cands = index_stage.candidates(
            hashvalues,
            sizes,
            tiers,
            max_bucket=config.max_bucket,
            workers=config.workers,
            progress=lambda done: note("candidates", done, sum(t.b for t in tiers)),
        )
        del hashvalues

        # Verification: read the candidates' documents again for their exact shingle sets.
        rows = np.unique(cands).tolist()
        fps: dict[int, np.ndarray | None] = {}
        for chunk_rows, got in zip(
            _chunks(rows, ROWS_PER_TASK), ex.map(_fingerprints, [[where[r] for r in c] for c in _chunks(rows, ROWS_PER_TASK)])
        ):
            fps.update(zip(chunk_rows, got))
            note("verify", len(fps), len(rows))
        vanished = sorted(r for r, f in fps.items() if f is None)
        if vanished:
            skipped.extend(Skipped(ids[r], "changed or vanished while reading") for r in vanished)
            gone = set(vanished)
            cands = np.array([p for p in cands.tolist() if p[0] not in gone and p[1] not in gone]).reshape(-1, 2)
        matches = cluster_stage.verify(cands, fps.__getitem__, threshold=config.threshold, containment=config.containment)
        groups = cluster_stage.clusters(len(ids), matches, fps.__getitem__, ids)
        del fps

        diffs: list[tuple] = [()] * len(matches)
        if config.diff and matches:
            stats = _article_stats(para_keys, para_rows, len(ids), groups)
            jobs = [(where[m.a], where[m.b]) for m in matches]
            done = 0
            diffs = []
            for got in ex.map(_diff, [(chunk, stats) for chunk in _chunks(jobs, ROWS_PER_TASK)]):
                diffs.extend(got)
                done += len(got)
                note("diff", done, len(jobs))

    paired: Mapping[str, Document] = {}
    if config.diff and matches:
        paired = PairedDocuments({ids[r]: where[r] for m in matches for r in (m.a, m.b)}, sources, config)
    pairs = [
        PairInfo(
            ids[m.a],
            ids[m.b],
            _round(m.jaccard),
            _round(m.containment_a_in_b),
            _round(m.containment_b_in_a),
            m.shared,
            d,
        )
        for m, d in zip(matches, diffs)
    ]
    skipped.sort(key=lambda s: (s.path, s.reason))
    return Report(
        config=config,
        documents=tuple(infos),
        skipped=tuple(skipped),
        clusters=tuple(ClusterInfo(tuple(ids[i] for i in c.members), ids[c.canonical], c.reason) for c in groups),
        pairs=tuple(sorted(pairs, key=lambda p: (p.a, p.b))),
        paired=paired,
    )


def read_pair(a: str, b: str, config: Config | None = None) -> tuple[Document | Skipped, Document | Skipped]:
    """Read two documents for :func:`compare`; ids are relative to their common parent folder.

    Each side is a Document, or a Skipped saying why it cannot be read. A file given
    twice is read once and compared with itself. Raises UsageError for a folder or a
    JSONL file (which holds many documents).
    """
    config = config or Config()
    for given in (a, b):
        if os.path.isdir(given):
            raise UsageError(f"{given}: is a folder; dedup diff compares two files")
    sources, skipped = find_sources([a, b])
    out: list[Document | Skipped] = []
    for given in (a, b):
        path = os.path.abspath(given)
        source = next((s for s in sources if s.path == path), None)
        if source is None and os.path.exists(path):  # the same file as the other argument
            source = next((s for s in sources if os.path.samefile(s.path, path)), None)
        if source is None:
            out.append(next((s for s in skipped if not s.reason.startswith("same file")), Skipped(given, "cannot be read")))
            continue
        if source.format == "jsonl":
            raise UsageError(f"{given}: is a JSONL file of many documents; dedup diff compares two documents")
        out.append(next(iter(load_span(source, **_read_kwargs(config))))[2])
    return out[0], out[1]


def compare(a: Document, b: Document, config: Config | None = None, *, stats=None) -> PairInfo:
    """One pair, in the order given: exact Jaccard and containments, and the labelled diff.

    ``config.diff`` off gives the figures only; ``stats`` are the folder's paragraph
    statistics (:func:`dedup.classify.paragraph_stats`) if there is a folder.
    """
    config = config or Config()
    fa = fingerprint_batch([a.text], size=config.shingle_size)[0]
    fb = fingerprint_batch([b.text], size=config.shingle_size)[0]
    m = cluster_stage.Match(0, 1, len(fa), len(fb), cluster_stage.overlap(fa, fb))
    rows: tuple = ()
    if config.diff:
        from dedup.classify import diff  # noqa: PLC0415

        rows = tuple(diff(a, b, stats=stats))
    return PairInfo(
        a.id, b.id, _round(m.jaccard), _round(m.containment_a_in_b), _round(m.containment_b_in_a), m.shared, rows
    )


def _article_stats(keys: np.ndarray, rows: np.ndarray, n: int, groups: Sequence[cluster_stage.Cluster]):
    """In how many articles of the folder each paragraph occurs.

    An article is a cluster of versions, or a document without versions: the body of
    a story syndicated twenty times is one article's text, not boilerplate, while a
    line that recurs across many different articles is.
    """
    from dedup.classify import KeyCounts, ParagraphStats  # noqa: PLC0415

    article = np.arange(n, dtype=np.int64)
    for c in groups:
        article[list(c.members)] = c.members[0]
    keep = rows >= 0
    pairs = np.unique(np.stack([keys[keep], article[rows[keep]].astype(np.uint64)], axis=1), axis=0)
    uniq, counts = np.unique(pairs[:, 0], return_counts=True) if len(pairs) else (keys[:0], np.zeros(0, np.int64))
    repeated = counts >= 2
    articles = n - sum(len(c.members) - 1 for c in groups)
    return ParagraphStats(articles, KeyCounts(uniq[repeated], counts[repeated].astype(np.uint32)), unit="articles")
