"""Config + run(paths) -> Report: the one library entry point used by the CLI and the hook.

The stages, in order (each a module of its own):

    document  read files and folders -> Documents (paragraphs with offsets)
    shingle   Document text -> sorted uint64 fingerprints of word n-grams
    signature fingerprints -> MinHash signatures (datasketch affine32-compatible)
    index     signatures -> candidate pairs (containment-aware banded LSH)
    cluster   candidates -> verified pairs (exact Jaccard / containment) -> clusters
    classify  each verified pair -> aligned, labelled paragraph diff (align + roles)

Memory stays proportional to the signatures: documents' texts are not kept after
signing; their shingle sets are handed over in temporary files while they fit
``fingerprint_memory``, else the workers read the candidates' documents again and send
back only intersection counts; the documents of verified pairs are read again for the diffs,
a cluster at a time, and the workers send each pair's rows back as JSON text
(``classify.EncodedRows``). Work is cut into tasks (a run of files, or a span of a JSONL
file) that a process pool maps in order, so the output does not depend on ``workers``.
"""

from __future__ import annotations

import gc
import importlib
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.pool
import os
import signal
import tempfile
import threading
from multiprocessing import resource_tracker
from contextlib import contextmanager, nullcontext
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import groupby

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup.decode import sniff_format
from dedup.errors import DedupError, UsageError
from dedup.document import (
    MAX_BYTES,
    RECORD_FILES,
    SUFFIXES,
    Document,
    Skipped,
    Source,
    count_paragraphs,
    find_sources,
    jsonl_spans,
    load_at,
    load_bytes,
    load_many,
    load_span,
    read_ahead,
    repeated_record,
    suffix_of,
    too_large,
)
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
    "SignedBatch",
    "article_stats",
    "compare",
    "partition_items",
    "read_bytes",
    "read_pair",
    "run",
    "sign_documents",
]

#: Files handed to one worker task.
FILES_PER_TASK = 512
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
    #: Bytes of shingle fingerprints kept in memory between signing and verification;
    #: past this, the candidates' documents are read again instead (memory stays bounded).
    fingerprint_memory: int = 1 << 30
    #: Characters of diff rows (their JSON text) kept in memory until the report is written;
    #: past this, they wait in an unnamed temporary file (a million documents have gigabytes).
    diff_memory: int = 1 << 28

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, got {self.shingle_size!r}; 5 is the default")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers!r}")
        if self.max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes!r}")
        self.tiers  # noqa: B018 - validates num_perm, threshold, containment and recall

    @property
    def read_options(self) -> dict:
        """The knobs of reading a document, as the readers of ``dedup.document`` take them."""
        return {"max_bytes": self.max_bytes, "text_field": self.text_field, "id_field": self.id_field}

    @property
    def tiers(self) -> tuple[index_stage.Tier, ...]:
        return index_stage.plan(
            num_perm=self.num_perm, threshold=self.threshold, containment=self.containment, recall=self.recall
        )

    def as_dict(self) -> dict:
        """The knobs, plus the LSH band tables they imply (``b`` and ``r`` of the first).

        ``workers``, ``fingerprint_memory`` and ``diff_memory`` are left out: they change how
        fast, never what, so two runs on the same input give the same JSON whatever their values.
        """
        out = asdict(self)
        del out["workers"], out["fingerprint_memory"], out["diff_memory"]
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
    """A verified pair, ``a < b`` by id, with its exact figures and (optionally) its diff.

    ``diff`` is a sequence of ``classify.DiffRow``: a tuple, or from :func:`run` a
    ``classify.EncodedRows`` (the rows as the workers wrote them, as JSON text) or the
    same text waiting in a temporary file (``text`` reads it back).
    """

    a: str
    b: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared: int
    diff: Sequence = ()

    @classmethod
    def of(cls, a: str, b: str, match: cluster_stage.Match, diff: Sequence = ()) -> PairInfo:
        """The pair of ids ``a``, ``b`` with ``match``'s figures, rounded to 6 places as reports show them."""
        return cls(
            a,
            b,
            round(match.jaccard, 6),
            round(match.containment_a_in_b, 6),
            round(match.containment_b_in_a, 6),
            match.shared,
            diff,
        )


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

    def __init__(self, where: Mapping[str, _Where], config: Config) -> None:
        self._where = dict(sorted(where.items()))
        self._config = config
        self._read = lru_cache(maxsize=256)(self._load)

    def _load(self, ident: str) -> Document | None:
        w = self._where[ident]
        item = load_at(w.source, w.offset, w.line, **self._config.read_options)
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
    """Some files, or one span ``(start, end, first_line)`` of a JSONL file, to sign.

    A task carries its own sources, so that nothing large is sent to every worker.
    """

    sources: tuple[Source, ...]
    span: tuple[int, int | None, int] | None = None


@dataclass(frozen=True, slots=True)
class _Where:
    """Where to read a document again: its source, byte offset and line (JSONL)."""

    source: Source
    offset: int = 0
    line: int = 1


@dataclass(frozen=True, slots=True)
class _Signed:
    """What a signing task returns, as columns (one entry per document, in input order).

    Plain lists and arrays: pickling a hundred thousand small records back to the
    parent would cost it more than the work.
    """

    ids: list[str]
    paragraphs: np.ndarray
    chars: np.ndarray
    shingles: np.ndarray
    source: np.ndarray  # index into the task's sources
    offset: np.ndarray
    line: np.ndarray
    hashvalues: np.ndarray
    skipped: tuple[Skipped, ...]
    #: Each document's distinct paragraph keys, concatenated (only when the run diffs).
    paragraph_keys: np.ndarray
    paragraph_counts: np.ndarray
    #: Each document's shingle fingerprints, concatenated (their counts are ``shingles``),
    #: or the file holding them (see _kept).
    fingerprints: np.ndarray | str


def _tasks(sources: Sequence[Source]) -> list[_Task]:
    tasks: list[_Task] = []
    run: list[Source] = []
    for source in sources:
        if source.format == "jsonl":
            try:
                spans = jsonl_spans(source.path, size=JSONL_SPAN)
            except OSError:
                spans = [(0, None, 1)]  # load_span reports the error as a Skipped
            tasks.extend(_Task((source,), span) for span in spans)
            continue
        if source.format == "warc":  # read whole, in order (a page's id depends on the pages before it)
            tasks.append(_Task((source,)))
            continue
        run.append(source)
        if len(run) >= FILES_PER_TASK:
            tasks.append(_Task(tuple(run)))
            run = []
    if run:
        tasks.append(_Task(tuple(run)))
    return tasks


# Worker state, set once per process by _init.
_STATE: dict = {}


#: Generation thresholds of the cyclic garbage collector while a run makes its many small
#: records (see _few_collections).
GC_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run with the cyclic collector seldom triggered, then restore its thresholds.

    A run allocates millions of small acyclic records (paragraphs, document rows,
    matches); with the default thresholds (700, 10, 10) the collector keeps rescanning
    everything alive, which cost 10-20% of a worker's time when measured (123 against
    135-149 µs a document, benchmarks/README.md). Garbage is still collected, only less often.
    """
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _init(config: Config, keep: bool = False, spill: str | None = None) -> None:
    """Worker state. ``keep``: return the shingle sets; ``spill``: as files in this folder."""
    gc.set_threshold(*GC_THRESHOLDS)  # a worker process is ours: see _few_collections
    _STATE["config"] = config
    _STATE["keep"] = keep
    _STATE["spill"] = spill


#: What a terminal or a service manager may send to every process of a run (Ctrl-C, a closed
#: terminal, ``kill -- -PGID``). The main process acts on them, not its helpers: see _Executor.
GROUP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _init_worker(*state) -> None:
    """A pool worker's :func:`_init`. A terminal signals the whole foreground process group
    (SIGINT for Ctrl-C, SIGHUP when it closes), but only the main process acts on it: it ends
    the pool (with SIGTERM) and cleans up. A worker left to raise KeyboardInterrupt would print
    a traceback, and one that died of SIGHUP on its own could take the pool's queue locks with
    it. The forkserver hands the group signals over blocked (see _Executor)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, GROUP_SIGNALS)
    _init(*state)


def _items(task: _Task) -> Iterator[tuple[int, int, int, Document | Skipped]]:
    """``(source index in the task, offset, line, item)`` for everything the task reads."""
    config = _STATE["config"]
    # Detection alone needs each document's text and paragraph count, not its paragraphs.
    kwargs = {**config.read_options, "paragraphs": config.diff}
    if task.span is not None:
        start, end, line = task.span
        for offset, lineno, item in load_span(task.sources[0], start=start, end=end, first_line=line, **kwargs):
            yield 0, offset, lineno, item
        return
    read_ahead(task.sources, max_bytes=config.max_bytes)
    for i, source in enumerate(task.sources):
        for offset, lineno, item in load_span(source, **kwargs):
            yield i, offset, lineno, item


@dataclass(frozen=True, slots=True, eq=False)
class SignedBatch:
    """A batch of documents signed: the rows of those that have words, in batch order.

    ``kept`` are their positions in the batch; ``fingerprints`` their sorted shingle sets
    concatenated (``sizes`` long each); ``paragraph_keys`` one array per kept document
    when the run diffs, else empty; ``skipped`` the documents without words.
    """

    kept: np.ndarray
    hashvalues: np.ndarray
    sizes: np.ndarray
    fingerprints: np.ndarray
    paragraph_keys: tuple[np.ndarray, ...]
    skipped: tuple[Skipped, ...]


def sign_documents(docs: Sequence[Document], config: Config) -> SignedBatch:
    """Shingle and sign a batch of documents (vectorised), as every engine does it."""
    flat, offsets = fingerprint_batch([d.text for d in docs], size=config.shingle_size)
    signed = sign_fingerprints(flat, offsets, num_perm=config.num_perm, seed=config.seed)
    sizes = np.diff(offsets)
    keep = np.flatnonzero(sizes > 0)
    keys: tuple[np.ndarray, ...] = ()
    if config.diff:
        from dedup.stats import paragraph_keys  # noqa: PLC0415 - not classify: its phrase tables are for the diff stage

        keys = tuple(paragraph_keys(docs[k]) for k in keep)
    return SignedBatch(
        kept=keep,
        hashvalues=signed.hashvalues[keep],
        sizes=sizes[keep].astype(np.int64),
        fingerprints=flat,  # documents without words add nothing to it
        paragraph_keys=keys,
        skipped=tuple(Skipped(docs[k].id, "no words to compare") for k in np.flatnonzero(sizes == 0)),
    )


def partition_items(
    items: Iterable[tuple[int, int, int, Document | Skipped]],
) -> tuple[list[Document], list[tuple[int, int, int]], list[Skipped]]:
    """``(source, offset, line, item)`` as a task reads them -> documents, their places, skipped items."""
    docs: list[Document] = []
    where: list[tuple[int, int, int]] = []
    skipped: list[Skipped] = []
    for i, offset, line, item in items:
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            docs.append(item)
            where.append((i, offset, line))
    return docs, where, skipped


def _sign(task: _Task) -> _Signed:
    config = _STATE["config"]
    docs, where, skipped = partition_items(_items(task))
    batch = sign_documents(docs, config)
    keep, keys = batch.kept, batch.paragraph_keys
    skipped.extend(batch.skipped)
    kept_where = np.array([where[k] for k in keep], dtype=np.int64).reshape(-1, 3)
    return _Signed(
        ids=[docs[k].id for k in keep],
        paragraphs=np.array(
            [len(docs[k].paragraphs) or count_paragraphs(docs[k].text) for k in keep], dtype=np.int64
        ),
        chars=np.array([len(docs[k].text) for k in keep], dtype=np.int64),
        shingles=batch.sizes,
        source=kept_where[:, 0],
        offset=kept_where[:, 1],
        line=kept_where[:, 2],
        hashvalues=batch.hashvalues,
        skipped=tuple(skipped),
        paragraph_keys=np.concatenate(keys) if keys else np.zeros(0, np.uint64),
        paragraph_counts=np.array([len(k) for k in keys], dtype=np.int64),
        fingerprints=_kept(batch.fingerprints) if _STATE["keep"] else batch.fingerprints[:0],
    )


def _kept(flat: np.ndarray) -> np.ndarray | str:
    """Shingle sets to hand to the parent: in a pool, written to a file the parent maps.

    Pickling hundreds of megabytes back through the pool's pipe costs the parent (a third
    process on a two-core machine) as much CPU as a worker; a file in the run's spill
    folder costs one write, and the parent maps it without reading it.
    """
    if _STATE["spill"] is None:
        return flat
    try:
        fd, path = tempfile.mkstemp(suffix=".u64", dir=_STATE["spill"])
        with os.fdopen(fd, "wb") as fh:
            fh.write(np.ascontiguousarray(flat, dtype=np.uint64).tobytes())
    except OSError as err:  # a full or read-only TMPDIR: the run's I/O error, not a bug
        raise no_room(os.path.dirname(_STATE["spill"]), err) from None
    return path


def no_room(folder: str, err: OSError) -> DedupError:
    """The error of a temporary file that cannot be written in ``folder`` (TMPDIR): full, read-only."""
    return DedupError(
        f"cannot write temporary files in {folder}: {err.strerror or err} (set TMPDIR to a folder with room)"
    )


def _load_kept(kept: np.ndarray | str) -> np.ndarray:
    if isinstance(kept, str):
        if not os.path.getsize(kept):
            return np.zeros(0, np.uint64)
        return np.memmap(kept, dtype=np.uint64, mode="r").view(np.ndarray)  # plain slices: no memmap objects
    return kept


def _reread_all(chunk: Sequence[_Where]) -> list[Document | None]:
    """Documents read again, each source opened once and read in offset order."""
    kwargs = _STATE["config"].read_options
    docs: list[Document | None] = [None] * len(chunk)
    order = sorted(range(len(chunk)), key=lambda k: (chunk[k].source.path, chunk[k].offset))
    for _, group in groupby(order, key=lambda k: chunk[k].source.path):
        group = list(group)
        places = [(chunk[k].offset, chunk[k].line) for k in group]
        for k, item in zip(group, load_many(chunk[group[0]].source, places, **kwargs)):
            docs[k] = item if isinstance(item, Document) else None
    return docs


def _prepare_diff(_: int) -> None:
    """Import the diff stage (its phrase tables take 0.3 s to compile) while the main process verifies."""
    importlib.import_module("dedup.classify")


def _diff(job: tuple[Sequence[tuple[_Where, _Where]], object]) -> list:
    """The diff rows of a chunk of pairs, as JSON text (``classify.EncodedRows``)."""
    from dedup.classify import EncodedRows, diff  # noqa: PLC0415 - only runs that diff pay for alignment

    chunk, stats = job
    places = sorted({w for pair in chunk for w in pair}, key=lambda w: (w.source.path, w.offset))
    docs = dict(zip(places, _reread_all(places)))
    out = []
    for wa, wb in chunk:
        a, b = docs[wa], docs[wb]
        out.append(EncodedRows.of(diff(a, b, stats=stats)) if a is not None and b is not None else EncodedRows())
    return out


class _Pool(multiprocessing.pool.Pool):
    """A process pool whose workers are not replaced when they die.

    ``multiprocessing.pool.Pool`` starts a new worker for one that exited, but the task the dead
    one held is lost (and with it, often, the lock on the task queue), so the run would wait for
    a result forever: a worker the kernel's out-of-memory killer ended, or a ``kill -9``. And a
    replacement started while the main process is stopping (a SIGTERM to the whole process
    group) finds the pool's semaphores gone and prints a traceback. Here the pool gets a
    :class:`_NoWorker` in place of a dead worker, and :meth:`_Executor.map` turns the death
    into an error. ``Process`` is the factory through which ``Pool`` starts every worker, the
    one ``multiprocessing.pool.ThreadPool`` replaces to start threads.
    """

    def __init__(self, processes: int, *args, **kwargs) -> None:
        self._to_start = processes
        super().__init__(processes, *args, **kwargs)

    def Process(self, ctx, *args, **kwargs):  # noqa: N802 - the name Pool calls
        if self._to_start == 0:
            return _NoWorker()
        self._to_start -= 1
        return ctx.Process(*args, **kwargs)


class _NoWorker:
    """What :class:`_Pool` starts in place of a dead worker: nothing. It never exits (so the pool
    does not start another), has no sentinel to wait on, and ends and joins at once."""

    exitcode = None
    name = "no worker"
    daemon = True

    def start(self) -> None:
        pass

    def terminate(self) -> None:
        pass

    def is_alive(self) -> bool:
        return False

    def join(self, timeout: float | None = None) -> None:
        pass


#: How long :meth:`_Executor.map` waits for a result before it looks whether a worker died.
#: Only an idle wait is cut into such slices: a result that arrives is taken at once.
DEAD_WORKER_POLL = 1.0


def _death(exitcode: int) -> str:
    """How a worker ended, for the message: ``killed by SIGKILL (out of memory?)``, ``exit code 1``."""
    if exitcode >= 0:
        return f"exit code {exitcode}"
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = f"signal {-exitcode}"
    return f"killed by {name}" + (" (out of memory?)" if exitcode == -signal.SIGKILL else "")


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (if it is not running) with /dev/null for stderr.

    The tracker unlinks the semaphores a process leaves behind when it ends, and warns on its
    stderr of each one ("There appear to be 1 leaked semaphore objects", "No such file or
    directory"): about one run in 150 that a signal stopped in the tests left one, and the warnings,
    meant for a developer, would reach the user's terminal after "dedup: interrupted". The
    tracker inherits this process's descriptor 2, so that is /dev/null while it starts.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(devnull, 2)
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _Executor:
    """Maps task functions in order: inline for one worker, else over a process pool."""

    def __init__(self, workers: int, tasks: int, *state) -> None:
        self._pool = None
        self._workers = workers
        if workers > 1 and tasks > 1:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["dedup.pipeline"])
            # Started with the group signals blocked, the resource tracker and the forkserver keep
            # them blocked for good (they end when this process does): a signal to the group
            # leaves them be. The tracker first: starting it unblocks SIGINT and SIGTERM.
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, GROUP_SIGNALS)
            try:
                _start_resource_tracker()
                signal.pthread_sigmask(signal.SIG_BLOCK, GROUP_SIGNALS)
                before = set(multiprocessing.active_children())
                self._pool = _Pool(workers, initializer=_init_worker, initargs=state, context=ctx)
                self._processes = [p for p in multiprocessing.active_children() if p not in before]
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        else:
            _init(*state)

    def map(self, fn, items: Iterable) -> Iterator:
        """``fn`` over ``items``, results in order. Raises :class:`DedupError` when a worker has
        died and a result is still missing: its task is lost (see :class:`_Pool`)."""
        if self._pool is None:
            return map(fn, items)
        return self._results(self._pool.imap(fn, items))

    def _results(self, results) -> Iterator:
        while True:
            try:
                yield results.next(timeout=DEAD_WORKER_POLL)
            except StopIteration:
                return
            except multiprocessing.TimeoutError:
                dead = [p.exitcode for p in self._processes if p.exitcode is not None]
                if dead:
                    raise DedupError(
                        f"a worker process ended before the run did ({_death(dead[0])}); "
                        "try fewer --workers, or --workers 1"
                    ) from None

    def warm(self, fn) -> None:
        """Have each worker call ``fn(k)`` when it is idle, without waiting (no-op inline)."""
        if self._pool is not None:
            self._pool.map_async(fn, range(self._workers), chunksize=1)

    def close(self) -> None:
        """Let the workers finish and join them; the results are whole when this is called.

        A worker that died all the same (the out-of-memory killer, ``kill -9``, once its last
        result was in) may hold the task queue's lock, which the others then wait for forever to
        take their stop signal: so this watches the workers end, and on the first that did not
        end cleanly (its exit code is known only once its sentinel is ready: a death is seen
        late, never missed) ends the pool as after an error.
        """
        if self._pool is None:
            return
        self._pool.close()
        pending = {p.sentinel: p for p in self._processes}
        while pending:
            for sentinel in multiprocessing.connection.wait(list(pending)):
                if pending.pop(sentinel).exitcode != 0:
                    self._end()
                    return
        self._pool.join()

    def __enter__(self) -> _Executor:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None and self._pool is not None:
            self._end()
            return
        self.close()

    def _end(self) -> None:
        """End the pool after an error or a signal, without waiting on a dead worker's locks.

        ``Pool.terminate()`` waits forever when a worker died on its own (a SIGTERM sent to the
        whole process group, or to a systemd unit's every process; ``kill -9``) holding one of
        the pool's queue locks, or halfway through sending a result, and only then ends the
        others. So the workers still running are sent SIGTERM here first, this waits until
        every worker has exited and frees the task queue's read lock if a dead one held it,
        and the rest of the terminate runs on a thread of its own: a worker killed halfway
        through sending a result leaves half a message that the pool's result thread waits on
        for good. The thread is a daemon, so an exit does not wait for it.
        """
        for process in self._processes:
            if process.exitcode is None:
                process.terminate()
        pending = [p.sentinel for p in self._processes]
        while pending:
            ready = multiprocessing.connection.wait(pending)
            pending = [s for s in pending if s not in ready]
        # An idle worker waits for a task holding the task queue's read lock. Every worker has
        # exited, and only they and the pool's finalizer (not yet run) take that lock: if it is
        # still held, a dead worker held it, so free it. Else the finalizer waits for it forever,
        # on the thread below or on this one, when the pool is garbage collected or at exit. (The
        # result queue's write lock, which a worker killed while sending holds, is left alone:
        # this process's task thread takes it too, and it only stops the thread below.)
        lock = self._pool._inqueue._rlock
        lock.acquire(False)
        lock.release()
        threading.Thread(target=self._pool.terminate, name="dedup-end-pool", daemon=True).start()


# --------------------------------------------------------------------------- run


#: Shingle fingerprints per input byte, to decide up front whether they fit in memory
#: (a word of ~6 bytes is one 8-byte fingerprint; HTML markup only lowers it).
FINGERPRINT_BYTES_PER_INPUT_BYTE = 1.5


@dataclass(slots=True)
class _Corpus:
    """Pass one's results, rows in id order (row order and id order agree)."""

    infos: list[DocumentInfo]
    where: list[_Where]
    hashvalues: np.ndarray
    paragraph_keys: np.ndarray
    paragraph_rows: np.ndarray
    fingerprints: cluster_stage.ShingleSets | None

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self.infos]


def _sign_all(ex: _Executor, tasks: list[_Task], config: Config, keep: bool, skipped: list, note) -> _Corpus:
    ids: list[str] = []
    where: list[_Where] = []
    columns: dict[str, list[np.ndarray]] = {"paragraphs": [], "chars": [], "shingles": []}
    blocks: list[np.ndarray] = []
    key_blocks: list[np.ndarray] = []
    key_counts: list[np.ndarray] = []
    fp_blocks: list[np.ndarray] = []
    fp_block: list[np.ndarray] = []
    for task, result in zip(tasks, ex.map(_sign, tasks)):
        ids.extend(result.ids)
        where.extend(
            _Where(task.sources[i], o, n)
            for i, o, n in zip(result.source.tolist(), result.offset.tolist(), result.line.tolist())
        )
        for name, column in columns.items():
            column.append(getattr(result, name))
        blocks.append(result.hashvalues)
        skipped.extend(result.skipped)
        key_blocks.append(result.paragraph_keys)
        key_counts.append(result.paragraph_counts)
        if keep:
            fp_block.append(np.full(len(result.ids), len(fp_blocks), dtype=np.int32))
            fp_blocks.append(_load_kept(result.fingerprints))
        note("read", len(ids), None)
    note("read", len(ids), len(ids))

    # Rows in id order; a repeated id (JSONL records in two spans) keeps its first document.
    order, seen = [], set()
    for i in sorted(range(len(ids)), key=ids.__getitem__):
        if ids[i] in seen:
            w = where[i]
            skipped.append(repeated_record(w.source.id, w.source.format, ids[i], w.line, id_field=config.id_field))
            continue
        seen.add(ids[i])
        order.append(i)
    paragraphs, chars, sizes = (
        np.concatenate(columns[name]) if columns[name] else np.zeros(0, np.int64) for name in columns
    )
    row_of = np.full(len(ids), -1, dtype=np.int64)
    row_of[order] = np.arange(len(order))
    per_doc = np.concatenate(key_counts) if key_counts else np.zeros(0, np.int64)
    fingerprints = None
    if keep:
        block = np.concatenate(fp_block) if fp_block else np.zeros(0, np.int32)
        stop = np.cumsum(sizes)
        stop -= (stop - sizes)[np.searchsorted(block, block)]  # offsets restart in every block
        fingerprints = cluster_stage.ShingleSets(fp_blocks, block[order], (stop - sizes)[order], stop[order])
    return _Corpus(
        infos=[
            DocumentInfo(ids[i], p, c, n)
            for i, p, c, n in zip(order, paragraphs[order].tolist(), chars[order].tolist(), sizes[order].tolist())
        ],
        where=[where[i] for i in order],
        hashvalues=(np.concatenate(blocks) if blocks else np.zeros((0, config.num_perm), np.uint32))[order],
        paragraph_keys=np.concatenate(key_blocks) if key_blocks else np.zeros(0, np.uint64),
        paragraph_rows=np.repeat(row_of[: len(per_doc)], per_doc),
        fingerprints=fingerprints,
    )


def _overlaps(job: tuple[Sequence[_Where], np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Read a group of documents again and intersect the shingle sets of its candidate pairs.

    ``job`` is the documents' places and the pairs as positions among them. Returns each
    pair's intersection size, each document's set size, and the documents that cannot
    be read now. Only counts travel back, not the shingle sets.
    """
    places, pairs = job
    docs = _reread_all(places)
    flat, offsets = fingerprint_batch([d.text if d else "" for d in docs], size=_STATE["config"].shingle_size)
    sets = cluster_stage.ShingleSets([flat], np.zeros(len(docs), np.int64), offsets[:-1], offsets[1:])
    return sets.overlaps(pairs), sets.sizes(), [k for k, d in enumerate(docs) if d is None]


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if len(x) else x


#: Candidate pairs verified by one worker task, when their documents are read again.
PAIRS_PER_TASK = 512
#: A connected group of candidates larger than this is cut (its documents then read once per piece).
MAX_PAIRS_PER_TASK = 8 * PAIRS_PER_TASK


def _spans_by_group(group: np.ndarray, size: int, most: int) -> list[tuple[int, int]]:
    """Cut items sorted by ``group`` into ``(start, stop)`` spans of about ``size`` items.

    A span ends where a group does (the first group end past ``size`` items), so that a
    task gets whole groups, except that no span holds more than ``most`` items.
    """
    total = len(group)
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    at = np.searchsorted(starts, np.arange(size, total, size))  # the next group's start
    cuts = starts[at[at < len(starts)]]
    cuts = np.unique(np.concatenate(([0], cuts, np.arange(0, total, most), [total])))
    return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def _verify_by_rereading(
    ex: _Executor, corpus: _Corpus, cands: np.ndarray, config: Config, skipped: list[Skipped], note
) -> list[cluster_stage.Match]:
    """Verify candidates whose shingle sets were not kept: workers read the documents again.

    Pairs are grouped by connected component of the candidate graph, so that a task
    reads the versions of an article together and each document is read about once;
    tasks then return only the intersection counts.
    """
    if not len(cands):
        return []
    component = cluster_stage.components(len(corpus.infos), cands)[cands[:, 0]]
    order = np.argsort(component, kind="stable")
    cands = cands[order]
    total = len(cands)
    spans = _spans_by_group(component[order], PAIRS_PER_TASK, MAX_PAIRS_PER_TASK)
    groups = [_sorted_unique(cands[lo:hi].ravel()) for lo, hi in spans]
    jobs = [
        ([corpus.where[r] for r in rows.tolist()], np.searchsorted(rows, cands[lo:hi]))
        for rows, (lo, hi) in zip(groups, spans)
    ]
    shared = np.zeros(total, dtype=np.int64)
    size_a = np.zeros(total, dtype=np.int64)
    size_b = np.zeros(total, dtype=np.int64)
    alive = np.ones(total, dtype=bool)
    gone: set[int] = set()
    for (lo, hi), rows, (_, local), (counts, sizes, lost) in zip(spans, groups, jobs, ex.map(_overlaps, jobs)):
        shared[lo:hi] = counts
        size_a[lo:hi] = sizes[local[:, 0]]
        size_b[lo:hi] = sizes[local[:, 1]]
        if lost:
            gone.update(rows[lost].tolist())
        note("verify", hi, total)
    if gone:
        skipped.extend(Skipped(corpus.ids[r], "changed or vanished while reading") for r in sorted(gone))
        dead = np.fromiter(gone, dtype=np.int64)
        alive = ~(np.isin(cands[:, 0], dead) | np.isin(cands[:, 1], dead))
    back = np.lexsort((cands[alive, 1], cands[alive, 0]))
    keep = [x[alive][back] for x in (cands, size_a, size_b, shared)]
    return cluster_stage.passing(*keep, threshold=config.threshold, containment=config.containment)


class _SpilledRows(Sequence):
    """A pair's diff rows (``classify.EncodedRows``) waiting in a run's spill file."""

    __slots__ = ("_count", "_file", "_offset", "_size")

    def __init__(self, file, offset: int, size: int, count: int) -> None:
        self._file, self._offset, self._size, self._count = file, offset, size, count

    @property
    def text(self) -> str:
        data = b""
        while len(data) < self._size:  # pread may return less than asked for
            got = os.pread(self._file.fileno(), self._size - len(data), self._offset + len(data))
            if not got:
                raise OSError(f"the diff spill file ends at {self._offset + len(data)} bytes")
            data += got
        return data.decode("utf-8", "surrogatepass")

    def rows(self):
        from dedup.classify import EncodedRows  # noqa: PLC0415

        return EncodedRows(self.text, self._count)

    def dicts(self) -> list[dict]:
        return self.rows().dicts()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, k):
        return self.rows()[k]

    def __iter__(self):
        return iter(self.rows())


class _Spill:
    """Keeps diff rows in memory up to ``budget`` characters of JSON text, then in an unnamed
    temporary file, deleted when the report that reads them is. If the file cannot be
    written (a full disk), the rows stay in memory."""

    def __init__(self, budget: int) -> None:
        self.budget, self.held, self.file, self.end = budget, 0, None, 0

    def keep(self, rows: Sequence) -> Sequence:
        text = getattr(rows, "text", "")
        if self.held + len(text) <= self.budget:
            self.held += len(text)
            return rows
        data = memoryview(text.encode("utf-8", "surrogatepass"))
        try:
            if self.file is None:  # unbuffered: a write that returns is in the file, a full disk fails here
                self.file = tempfile.TemporaryFile(prefix="dedup-diffs-", buffering=0)
            done = 0
            while done < len(data):
                done += os.pwrite(self.file.fileno(), data[done:], self.end + done)
        except OSError:
            self.budget = math.inf  # memory it is, then; what the file already holds stays readable
            self.held += len(text)
            return rows
        spilled = _SpilledRows(self.file, self.end, len(data), len(rows))
        self.end += len(data)
        return spilled


def _diff_all(ex: _Executor, corpus: _Corpus, matches, groups, stats, note, *, memory: int) -> list[Sequence]:
    """The diff rows of every match, in the order of ``matches``.

    Tasks hold whole clusters (but the largest), so that a worker reads the versions of
    an article once and diffs all their pairs. Rows past ``memory`` characters of JSON
    text wait in a temporary file (:class:`_Spill`).
    """
    of_match = _articles(len(corpus.infos), groups)[[m.a for m in matches]]
    order = np.argsort(of_match, kind="stable")
    spans = _spans_by_group(of_match[order], ROWS_PER_TASK, MAX_PAIRS_PER_TASK)
    jobs = [
        ([(corpus.where[matches[k].a], corpus.where[matches[k].b]) for k in order[lo:hi].tolist()], stats)
        for lo, hi in spans
    ]
    diffs: list[Sequence] = [()] * len(matches)
    spill = _Spill(memory)
    done = 0
    for (lo, hi), got in zip(spans, ex.map(_diff, jobs)):
        for k, rows in zip(order[lo:hi].tolist(), got):
            diffs[k] = spill.keep(rows)
        done += hi - lo
        note("diff", done, len(matches))
    return diffs


def run(
    paths: Sequence[str],
    config: Config | None = None,
    *,
    progress: Progress | None = None,
    sources: Sequence[Source] = (),
) -> Report:
    """Find the versions of each article among ``paths`` (files and folders).

    ``sources`` are files to read as they are, beside those found under ``paths``, each under
    the id it gives (``Source(path, "-", "jsonl", size)``: a copy of standard input, whose
    records are ``-#<id>``); they do not change the ids of the others, and must stay in place
    until the report has been rendered (its paired documents are read again then). ``paths``
    may be empty when ``sources`` are given.
    Raises ValueError for bad knobs, or for one path given alone (``run("corpus/")``: give
    ``["corpus/"]``); bad documents become ``Report.skipped``.
    """
    with _few_collections():
        return _run(paths, config or Config(), progress, tuple(sources))


def _run(paths: Sequence[str], config: Config, progress: Progress | None, given: tuple[Source, ...] = ()) -> Report:
    note = progress or (lambda stage, done, total: None)
    sources, found_skipped = find_sources(paths) if paths or not given else ([], [])
    sources = sorted([*sources, *given], key=lambda s: s.id) if given else sources
    skipped = list(found_skipped)
    tasks = _tasks(sources)
    keep = sum(s.size for s in sources) * FINGERPRINT_BYTES_PER_INPUT_BYTE <= config.fingerprint_memory

    pooled = config.workers > 1 and len(tasks) > 1
    with (
        tempfile.TemporaryDirectory(prefix="dedup-") if keep and pooled else nullcontext() as spill,
        _Executor(config.workers, len(tasks), config, keep, spill) as ex,
    ):
        corpus = _sign_all(ex, tasks, config, keep, skipped, note)
        ids = corpus.ids
        tiers = config.tiers
        sizes = np.array([d.shingles for d in corpus.infos], dtype=np.int64)
        cands = index_stage.candidates(
            corpus.hashvalues,
            sizes,
            tiers,
            max_bucket=config.max_bucket,
            workers=config.workers,
            progress=lambda done: note("candidates", done, sum(t.b for t in tiers)),
        )
        cands = index_stage.plausible(
            cands, corpus.hashvalues, sizes, threshold=config.threshold, containment=config.containment
        )
        if config.diff and len(cands):  # pairs to diff are likely: the workers get ready while this process verifies
            ex.warm(_prepare_diff)
        corpus.hashvalues = corpus.hashvalues[:0]

        if corpus.fingerprints is not None:
            matches = cluster_stage.verify(
                cands, corpus.fingerprints, threshold=config.threshold, containment=config.containment
            )
            note("verify", len(cands), len(cands))
            corpus.fingerprints = None
        else:  # the workers read the candidates' documents again for their exact shingle sets
            matches = _verify_by_rereading(ex, corpus, cands, config, skipped, note)
        groups = cluster_stage.clusters(len(ids), matches, ids)

        diffs: list[Sequence] = [()] * len(matches)
        if config.diff and matches:
            stats = article_stats(corpus.paragraph_keys, corpus.paragraph_rows, len(ids), groups)
            diffs = _diff_all(ex, corpus, matches, groups, stats, note, memory=config.diff_memory)

    paired: Mapping[str, Document] = {}
    if config.diff and matches:
        paired = PairedDocuments({ids[r]: corpus.where[r] for m in matches for r in (m.a, m.b)}, config)
    pairs = [PairInfo.of(ids[m.a], ids[m.b], m, d) for m, d in zip(matches, diffs)]
    skipped.sort(key=lambda s: (s.path, s.reason))
    return Report(
        config=config,
        documents=tuple(corpus.infos),
        skipped=tuple(skipped),
        clusters=tuple(ClusterInfo(tuple(ids[i] for i in c.members), ids[c.canonical], c.reason) for c in groups),
        pairs=tuple(sorted(pairs, key=lambda p: (p.a, p.b))),
        paired=paired,
    )


def read_pair(
    a: str | Document | Skipped, b: str | Document | Skipped, config: Config | None = None
) -> tuple[Document | Skipped, Document | Skipped]:
    """Read two documents for :func:`compare`; ids are relative to their common parent folder.

    Each is a file, or one record of a JSONL (or Parquet) file named as reports name it,
    ``path/file.jsonl#key``. Each side is a Document, or a Skipped saying why it cannot
    be read. A file given twice is read once and compared with itself. A side that is a
    Document or a Skipped already (:func:`read_bytes`: standard input) is passed through, and
    the other's id is relative to its own folder. Raises UsageError for a folder or a whole
    JSONL file (which holds many documents).
    """
    config = config or Config()
    files = [given for given in (a, b) if isinstance(given, str)]
    for given in files:
        if os.path.isdir(given):
            raise UsageError(f"{given}: is a folder; dedup diff compares two files")
    targets = {given: record_reference(given) for given in files}
    sources, skipped = (
        find_sources([path for path, _ in targets.values()], suffixes={**SUFFIXES, **RECORD_FORMATS})
        if files
        else ([], [])
    )
    out: list[Document | Skipped] = []
    for given in (a, b):
        if not isinstance(given, str):
            out.append(given)
            continue
        named, key = targets[given]
        path = os.path.abspath(named)
        source = next((s for s in sources if s.path == path), None)
        if source is None and os.path.exists(path):  # the same file as the other argument
            source = next((s for s in sources if os.path.samefile(s.path, path)), None)
        if source is None:
            out.append(next((s for s in skipped if not s.reason.startswith("same file")), Skipped(given, "cannot be read")))
            continue
        if key is not None:
            out.append(_read_record(source, key, given, config))
            continue
        if source.format in MANY_DOCUMENTS:
            kind, naming = MANY_DOCUMENTS[source.format]
            raise UsageError(
                f"{given}: is a {kind} file of many documents; dedup diff compares two documents "
                f"(one record: {given}#{naming})"
            )
        out.append(next(iter(load_span(source, **config.read_options)))[2])
    return out[0], out[1]


#: The formats of files of many documents, as :func:`read_pair` names them, and what names one of them.
MANY_DOCUMENTS = {"jsonl": ("JSONL", "ID"), "parquet": ("Parquet", "ID"), "warc": ("WARC", "URI")}
#: What ``format=`` of :func:`read_bytes` takes: the formats of one document.
BYTES_FORMATS = ("text", "html", "markdown")


def read_bytes(data: bytes, name: str, config: Config | None = None, *, format: str | None = None) -> Document | Skipped:
    """One document from bytes that come without a file (standard input), for :func:`read_pair`.

    ``name`` is its id and names it in every reason (``-``); ``format`` is ``"text"``,
    ``"html"`` or ``"markdown"``, or None for :func:`dedup.decode.sniff_format`'s guess (HTML
    when it starts like a page, Markdown when HTML opens it and Markdown blocks follow, else
    text). The same reasons as for a file: empty, binary, not decodable, and larger than
    ``config.max_bytes`` (give at most ``max_bytes + 1`` bytes: their size past that is not
    known). Raises ValueError for another ``format``.
    """
    config = config or Config()
    if format is not None and format not in BYTES_FORMATS:
        raise ValueError(f"format must be one of {', '.join(BYTES_FORMATS)} or None (a guess), got {format!r}")
    if len(data) > config.max_bytes:
        return Skipped(name, too_large(None, config.max_bytes))
    source = Source("", name, format or sniff_format(data), len(data))
    return next(iter(load_bytes(data, source, **config.read_options)))


#: Files whose records a reference ``file#key`` names, by suffix: their format (every JSONL
#: suffix the reader takes, ``.ndjson`` too, web archives, and Parquet).
RECORD_FORMATS = {suffix: fmt for suffix, fmt in SUFFIXES.items() if fmt in RECORD_FILES} | {".parquet": "parquet"}


def record_reference(given: str) -> tuple[str, str | None]:
    """``(path, key)`` for ``path/file.jsonl#key`` (no file of that whole name), else ``(given, None)``.

    The key is the rest, as given: ``crawl.warc.gz#https://example.com//a#b`` names the page
    ``https://example.com//a#b`` of ``crawl.warc.gz``."""
    if os.path.lexists(given):
        return given, None
    at = given.find("#")
    while at > 0:
        head = given[:at]
        if suffix_of(head, RECORD_FORMATS) in RECORD_FORMATS and os.path.isfile(head):
            return head, given[at + 1 :]
        at = given.find("#", at + 1)
    return given, None


def _read_record(source: Source, key: str, given: str, config: Config) -> Document | Skipped:
    """The record of ``source`` whose id is ``source.id#key``, read with its paragraphs
    (``source`` has its record format: :func:`read_pair` finds it with :data:`RECORD_FORMATS`)."""
    try:
        st = os.stat(source.path)
        places = _record_places(source, st.st_mtime_ns, config.text_field, config.id_field, config.max_bytes)
    except OSError as err:
        return Skipped(given, err.strerror or str(err))
    except ImportError:
        return Skipped(given, "reading Parquet needs pyarrow: pip install 'article-dedup[ray]'")
    place = places.get(f"{source.id}#{key}")
    if place is None:
        if source.format == "warc":
            return Skipped(given, f"no page with WARC-Target-URI {key!r} in {source.id}")
        return Skipped(given, f"no record with {config.id_field!r} {key!r} in {source.id}")
    if source.format == "parquet":
        from dedup.parquet import load_row  # noqa: PLC0415 - pyarrow: the ray extra

        found = load_row(source, place[0], text_field=config.text_field, id_field=config.id_field,
                         max_bytes=config.max_bytes)
    else:
        found = load_at(source, place[0], place[1], **config.read_options)
    return found if isinstance(found, Skipped) or found.id == f"{source.id}#{key}" else Skipped(given, "changed while reading")


@lru_cache(maxsize=4)
def _record_places(
    source: Source, mtime: int, text_field: str, id_field: str, max_bytes: int
) -> dict[str, tuple[int, int]]:
    """Document id -> ``(offset, line)`` of every record of a file, read once for all the pairs
    of a ``diff --pairs`` file that name its records (``mtime`` and the source's size key the cache)."""
    fields = {"max_bytes": max_bytes, "text_field": text_field, "id_field": id_field}
    if source.format == "parquet":
        from dedup.parquet import load_row_group, row_groups  # noqa: PLC0415 - pyarrow: the ray extra

        groups = row_groups(source)
        items = () if isinstance(groups, Skipped) else (
            item for g, first in groups for item in load_row_group(source, g, first, **fields)
        )
    else:
        items = load_span(source, paragraphs=False, **fields)
    places: dict[str, tuple[int, int]] = {}
    for offset, line, item in items:
        if isinstance(item, Document):
            places.setdefault(item.id, (offset, line))  # a repeated id keeps its first record, as in a report
    return places


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
    return PairInfo.of(a.id, b.id, m, rows)


def _articles(n: int, groups: Sequence[cluster_stage.Cluster]) -> np.ndarray:
    """Each row's article: the first member of its cluster, or itself if it has no versions."""
    article = np.arange(n, dtype=np.int64)
    for c in groups:
        article[list(c.members)] = c.members[0]
    return article


def article_stats(keys: np.ndarray, rows: np.ndarray, n: int, groups: Sequence[cluster_stage.Cluster]):
    """In how many articles of the folder each paragraph occurs.

    An article is a cluster of versions, or a document without versions: the body of
    a story syndicated twenty times is one article's text, not boilerplate, while a
    line that recurs across many different articles is.
    """
    from dedup.stats import KeyCounts, ParagraphStats  # noqa: PLC0415 - not classify: its phrase tables take 0.3 s to compile

    article = _articles(n, groups)
    keep = rows >= 0
    key, of = keys[keep], article[rows[keep]]
    order = np.lexsort((of, key))  # by key, then article: np.unique(axis=0) sorts rows as bytes, 3x slower
    key, of = key[order], of[order]
    first = np.ones(len(key), dtype=bool)  # the first occurrence of each (key, article)
    first[1:] = (key[1:] != key[:-1]) | (of[1:] != of[:-1])
    key = key[first]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) else np.zeros(0, np.int64)
    uniq, counts = key[starts], np.diff(np.append(starts, len(key)))
    repeated = counts >= 2
    articles = n - sum(len(c.members) - 1 for c in groups)
    return ParagraphStats(articles, KeyCounts(uniq[repeated], counts[repeated].astype(np.uint32)), unit="articles")
