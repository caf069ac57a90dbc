"""The check behind ``dedup check`` and the pre-commit hook: new files against a corpus.

:func:`check` compares the files it is given with each other and with a *corpus*: the
files git tracks in the repository (as staged: the index is what the commit will hold),
or, outside git, the documents under a folder. A file's id is its POSIX path relative to
the repository root (or to that folder). The rule is the one of ``dedup report``:
candidates by LSH band collision with the tiers of :func:`dedup.index.plan`, then exact
verification with :func:`dedup.cluster.verify`.

Everything it learns is kept in a :mod:`dedup.store` index keyed by content hash, so a
second run reads only files whose content changed. Nothing here writes into the working
tree, prints, or reads environment variables: the CLI resolves those and passes them in.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup.document import (
    READER_VERSION,
    RECORD_FILES,
    SUFFIXES,
    Document,
    Skipped,
    Source,
    find_sources,
    load_bytes,
    suffix_of,
    too_large,
)
from dedup.errors import DedupError
from dedup.pipeline import Config
from dedup.shingle import fingerprint_batch
from dedup.signature import sign_fingerprints
from dedup import repo
from dedup.repo import Globs, Settings, blob_id, blob_sizes, git_blobs, glob_regex, selected
from dedup.store import FileStat, Key, Part, Store, open_store

__all__ = ["Finding", "Outcome", "check", "recipe"]

#: Documents shingled and signed at once while indexing.
SIGN_BATCH = 512

#: A text whose fingerprints and signature stand for the code that makes them (see recipe()).
_PROBE = "The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps again. Ünïcödé 123."


@dataclass(frozen=True, slots=True)
class Finding:
    """A checked document (``path``) that is a near-duplicate of ``other``, with the exact figures.

    ``containment`` is the larger of the two containments: the share of the smaller
    document's shingles that are found in the other one.
    """

    path: str
    other: str
    jaccard: float
    containment_path_in_other: float
    containment_other_in_path: float
    shared: int

    @property
    def containment(self) -> float:
        return max(self.containment_path_in_other, self.containment_other_in_path)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check found. ``skipped`` are checked files (or records) with nothing to compare;
    ``errors`` are checked files that could not be read; ``indexed`` counts the contents read
    and signed by this run (the others came from the index)."""

    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    errors: tuple[Skipped, ...]
    warnings: tuple[str, ...]
    checked: int
    corpus: int
    indexed: int
    index: str | None = None


@dataclass(slots=True)
class _File:
    """A file of the check or of the corpus: its id, where it is, how to read it, its content key."""

    id: str
    path: str
    format: str
    key: Key | None = None
    data: bytes | None = None
    parts: tuple[Part, ...] = field(default=())


# --------------------------------------------------------------------------- the recipe


def recipe(config: Config) -> str:
    """A digest of everything that decides what the index keeps for a content: the knobs,
    dedup's version and its reader's (:data:`~dedup.document.READER_VERSION`), and the
    fingerprints and signature of a probe text (so that a new shingling or signing
    implementation never reads rows made by the old one)."""
    from dedup import __version__

    fps, offsets = fingerprint_batch([_PROBE], size=config.shingle_size)
    sig = sign_fingerprints(fps, offsets, num_perm=config.num_perm, seed=config.seed)
    probe = hashlib.sha256(np.asarray(fps, "<u8").tobytes() + np.asarray(sig.hashvalues, "<u4").tobytes())
    knobs = {
        "shingle_size": config.shingle_size,
        "num_perm": config.num_perm,
        "seed": config.seed,
        "max_bytes": config.max_bytes,
        "text_field": config.text_field,
        "id_field": config.id_field,
        "version": __version__,
        "reader": READER_VERSION,
        "probe": probe.hexdigest(),
    }
    return hashlib.sha256(json.dumps(knobs, sort_keys=True).encode()).hexdigest()[:24]


# --------------------------------------------------------------------------- the check


def check(
    files: Sequence[str | os.PathLike[str]],
    *,
    root: str | os.PathLike[str],
    git: bool,
    config: Config | None = None,
    settings: Settings | None = None,
    index: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Compare ``files`` with each other and with the corpus under ``root``.

    With ``git``, the corpus is the files git tracks under ``root`` (the top of the working
    tree) as staged; else it is the documents under the folder ``root``, as ``dedup report
    root`` reads them. Either way only files of the types the reader knows, not hidden, and
    selected by ``settings.include``/``exclude`` take part, and the checked files themselves
    are left out of the corpus. ``index`` is the SQLite file to keep (None: in memory only);
    ``progress(done, total)`` is called as contents are read and signed.

    Returns every near-duplicate pair that involves a checked file, except the pairs
    ``settings.accepted``. Raises UsageError for bad knobs or globs.
    """
    config = config or Config()
    settings = settings or Settings()
    root = os.path.abspath(os.fspath(root))
    include, exclude = Globs(settings.include), Globs(settings.exclude)
    accepted = [(glob_regex(a), glob_regex(b)) for a, b in settings.accepted]
    store = open_store(index, recipe=recipe(config), num_perm=config.num_perm)
    try:
        return _check(files, root, git, config, store, include, exclude, accepted, progress)
    finally:
        store.close()


def _check(files, root, git, config, store: Store, include, exclude, accepted, progress) -> Outcome:
    tracked = repo.tracked(root) if git else {}
    sha256 = any(len(oid) == 64 for oid in tracked.values())
    checked, errors = _read_checked(files, root, sha256, include, exclude, config.max_bytes)
    corpus = _list_corpus(root, git, tracked, checked, store, include, exclude, config.max_bytes)
    everything = checked + corpus

    known = store.parts({f.key for f in everything if f.key is not None})
    for f in everything:
        if f.key in known:
            f.parts = known[f.key]
    todo = [f for f in everything if not f.parts]
    indexed = _index(todo, root, git, config, store, sha256, progress)

    queries = _rows(checked)
    rows = _rows(corpus)
    nq = len(queries)
    num_perm = config.num_perm

    def matrix(items):
        if not items:
            return np.zeros((0, num_perm), np.uint32), np.zeros(0, np.int64)
        return np.stack([p.signature for _, p, _ in items]), np.array([p.size for _, p, _ in items], np.int64)

    (qh, qs), (ch, cs) = matrix(queries), matrix(rows)
    pairs = index_stage.candidates_of(
        qh, qs, ch, cs, config.tiers, max_bucket=config.max_bucket, workers=config.workers
    )
    pairs = index_stage.plausible(
        pairs,
        np.concatenate([qh, ch]),
        np.concatenate([qs, cs]),
        threshold=config.threshold,
        containment=config.containment,
    )
    fps = _fingerprints(queries, rows, pairs, nq, root, git, config, store)
    matches = cluster_stage.verify(
        pairs, fps.__getitem__, threshold=config.threshold, containment=config.containment
    )
    ids = [doc_id for _, _, doc_id in queries + rows]
    findings = []
    for m in matches:
        path, other = (ids[m.b], ids[m.a]) if m.b < nq else (ids[m.a], ids[m.b])
        size_path, size_other = (m.size_b, m.size_a) if m.b < nq else (m.size_a, m.size_b)
        if any((a.match(path) and b.match(other)) or (a.match(other) and b.match(path)) for a, b in accepted):
            continue
        findings.append(
            Finding(
                path, other, m.jaccard, m.shared / size_path if size_path else 0.0,
                m.shared / size_other if size_other else 0.0, m.shared,
            )
        )
    findings.sort(key=lambda f: (f.path, f.other))
    store.prune()
    skipped = sorted(
        (Skipped(f.id + p.name, p.reason) for f in checked for p in f.parts if p.reason is not None),
        key=lambda s: (s.path, s.reason),
    )
    return Outcome(
        findings=tuple(findings),
        skipped=tuple(skipped),
        errors=tuple(errors),
        warnings=tuple(store.warnings),
        checked=nq,
        corpus=len(rows),
        indexed=indexed,
        index=store.path,
    )


def _relative(path: str, root: str) -> str | None:
    """``path`` as a POSIX path relative to ``root``, or None when it is outside the root."""
    rel = os.path.relpath(path, root)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return Path(rel).as_posix()


def _unread(size: int, fmt: str, max_bytes: int) -> bool:
    """Whether a file of ``size`` bytes is skipped unread: over ``max_bytes``, but for JSONL and web
    archives, whose records are each held to ``max_bytes``, as ``dedup report`` reads them."""
    return size > max_bytes and fmt not in RECORD_FILES


def _in_corpus(ident: str) -> bool:
    """Whether a file at ``ident`` (relative to the root) would be in the corpus once tracked:
    of a type the reader knows and not hidden. A checked file that would not is not checked,
    so a commit gets the verdict ``pre-commit run --all-files`` gives it later, whatever the order."""
    return suffix_of(ident) in SUFFIXES and not _hidden(ident)


def _read_checked(files, root, sha256, include, exclude, max_bytes) -> tuple[list[_File], list[Skipped]]:
    """Read the checked files into memory (their hash is their key): I/O problems are errors.

    Files under the root that the corpus leaves out (not selected; or hidden, or of a type the
    reader does not know: once found to be files) are left out; a file outside the root is
    checked whatever its name.
    A file over ``max_bytes`` is not read at all (:func:`_unread`).
    """
    out: list[_File] = []
    errors: list[Skipped] = []
    seen: set[str] = set()
    for given in files:
        given = os.fspath(given)
        path = os.path.abspath(given)
        rel = _relative(path, root)
        ident = Path(given).as_posix() if rel is None else rel  # outside the root: as the user wrote it
        if path in seen or not selected(ident, include, exclude):
            continue
        seen.add(path)
        try:
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                errors.append(Skipped(ident, "is a folder (check takes files)"))
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO would block the open below for ever
                errors.append(Skipped(ident, "not a regular file"))
                continue
            if rel is not None and not _in_corpus(rel):
                continue
            fmt = SUFFIXES.get(suffix_of(path), "text")
            if _unread(st.st_size, fmt, max_bytes):
                out.append(_File(ident, path, fmt, parts=(Part("", too_large(st.st_size, max_bytes), 0, None),)))
                continue
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as err:
            errors.append(Skipped(ident, _os_reason(err)))
            continue
        out.append(_File(ident, path, fmt, (blob_id(data, sha256=sha256), fmt), data))
    errors.sort(key=lambda s: (s.path, s.reason))
    return out, errors


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in path.split("/"))


def _list_corpus(root, git, tracked, checked, store: Store, include, exclude, max_bytes) -> list[_File]:
    """The corpus files with their content keys where known without reading them."""
    if git:
        taken = {f.id for f in checked}
        out = []
        for path in sorted(tracked):
            fmt = SUFFIXES.get(suffix_of(path))
            if fmt is None or path in taken or _hidden(path) or not selected(path, include, exclude):
                continue
            out.append(_File(path, os.path.join(root, path), fmt, (tracked[path], fmt)))
        return out
    sources, _ = find_sources([root])  # the reader's walk: what `dedup report root` reads
    taken = {os.path.realpath(f.path) for f in checked}
    known = store.file_stats(root)
    gone = set(known) - {s.id for s in sources}
    if gone:
        store.set_file_stats(root, {}, forget=gone)
    out = []
    for s in sources:
        if not selected(s.id, include, exclude) or os.path.realpath(s.path) in taken:
            continue
        f = _File(s.id, s.path, s.format)
        if _unread(s.size, s.format, max_bytes):  # not read: it could only be skipped
            f.parts = (Part("", too_large(s.size, max_bytes), 0, None),)
            out.append(f)
            continue
        old = known.get(s.id)
        if old is not None:
            try:
                st = os.stat(s.path)
            except OSError:
                st = None
            if st is not None and (st.st_size, st.st_mtime_ns, st.st_ino) == (old.size, old.mtime_ns, old.inode):
                f.key = (old.hash, s.format)
        out.append(f)
    return out


def _index(todo: list[_File], root, git, config: Config, store: Store, sha256, progress) -> int:
    """Read, fingerprint and sign the contents the index lacks; keep them, a batch per transaction."""
    if not todo:
        return 0
    # One content may sit at several paths: read it once.
    by_key: dict[Key | None, list[_File]] = {}
    unkeyed = []
    for f in todo:
        if f.key is None:
            unkeyed.append(f)
        else:
            by_key.setdefault(f.key, []).append(f)
    stats: dict[str, FileStat] = {}
    total = len(by_key) + len(unkeyed)
    done = 0
    group: list[tuple[Key, _File, list[Document | Skipped]]] = []
    docs_in_group = 0

    def flush() -> None:
        nonlocal done, docs_in_group
        if not group:
            return
        docs = [d for _, _, items in group for d in items if isinstance(d, Document)]
        flat, offsets = fingerprint_batch([d.text for d in docs], size=config.shingle_size)
        signed = sign_fingerprints(flat, offsets, num_perm=config.num_perm, seed=config.seed)
        made: dict[int, Part] = {}
        for k, d in enumerate(docs):
            f = flat[offsets[k] : offsets[k + 1]]
            made[id(d)] = Part("", None, len(f), signed.hashvalues[k].copy(), f.copy())
        contents: dict[Key, list[Part]] = {}
        for key, first, items in group:
            parts = []
            for item in items:
                name = (item.id if isinstance(item, Document) else item.path)[len(first.id) :]
                if isinstance(item, Skipped):
                    parts.append(Part(name, item.reason, 0, None))
                elif made[id(item)].size == 0:
                    parts.append(Part(name, "no words to compare", 0, None))
                else:
                    p = made[id(item)]
                    parts.append(Part(name, None, p.size, p.signature, p.fingerprints))
            if not parts:
                parts.append(Part("", "no documents", 0, None))
            contents[key] = parts
        store.add(contents)
        for key, parts in contents.items():
            # Keep fingerprints in memory only for checked files; the corpus's are fetched when needed.
            for f in by_key[key]:
                f.parts = tuple(p if f.data is not None else _without_fps(p) for p in parts)
        done += len(group)
        group.clear()
        docs_in_group = 0
        if progress is not None:
            progress(done, total)

    for key, first, data in _contents(by_key, unkeyed, root, git, config, store, sha256, stats):
        if key not in by_key:  # an unkeyed file whose content the index already knows, or a new one
            by_key[key] = [first]
        elif first not in by_key[key]:
            by_key[key].append(first)
        if data is None:
            continue
        source = Source(first.path, first.id, first.format)
        items = list(
            load_bytes(data, source, **config.read_options, paragraphs=False)  # the index needs the text only
        )
        group.append((key, first, items))
        docs_in_group += len(items)
        if docs_in_group >= SIGN_BATCH:
            flush()
    flush()
    if not git:
        present = {f.id for f in todo}
        store.set_file_stats(root, {p: s for p, s in stats.items() if p in present})
    return done


def _without_fps(p: Part) -> Part:
    return p if p.fingerprints is None else Part(p.name, p.reason, p.size, p.signature)


def _contents(by_key, unkeyed, root, git, config, store: Store, sha256, stats):
    """``(key, file, bytes)`` for each content to index; bytes None when the index knew it after all."""
    # Checked files are already in memory.
    rest = []
    for key, group in list(by_key.items()):  # the caller adds keys as it goes
        first = group[0]
        if first.data is not None:
            yield key, first, first.data
        else:
            rest.append((key, first))
    if git:
        wanted: dict[str, list[tuple[Key, _File]]] = {}
        for key, first in rest:  # one blob may be tracked as two formats (a.txt and a.html)
            wanted.setdefault(key[0], []).append((key, first))
        # A blob is not fetched when every file it is tracked as would be skipped unread.
        for oid, size in blob_sizes(root, list(wanted)).items():
            if all(_unread(size, key[1], config.max_bytes) for key, _ in wanted[oid]):
                for _, first in wanted.pop(oid):
                    first.parts = (Part("", too_large(size, config.max_bytes), 0, None),)
        for oid, data in git_blobs(root, list(wanted)):
            for key, first in wanted[oid]:
                if data is None:
                    first.parts = (Part("", "missing from the git object store", 0, None),)
                    continue
                yield key, first, data
        return
    for key, first in rest:  # keyed from the stat cache, but the index lost the content: read it again
        unkeyed.append(first)
    for f in unkeyed:
        try:
            st = os.stat(f.path)
            if not stat.S_ISREG(st.st_mode):  # replaced by a FIFO since the walk: never block on it
                f.parts = (Part("", "not a regular file", 0, None),)
                continue
            with open(f.path, "rb") as fh:
                data = fh.read()
        except OSError as err:
            f.parts = (Part("", _os_reason(err), 0, None),)
            continue
        f.key = (blob_id(data, sha256=sha256), f.format)
        if st.st_mtime_ns < _now_ns() - 2_000_000_000:  # a file changed within 2 s could change again unseen
            stats[f.id] = FileStat(st.st_size, st.st_mtime_ns, st.st_ino, f.key[0])
        found = store.parts([f.key]).get(f.key)
        if found:
            f.parts = found
            yield f.key, f, None
        else:
            yield f.key, f, data


def _now_ns() -> int:
    return time.time_ns()


def _rows(files: list[_File]) -> list[tuple[_File, Part, str]]:
    """``(file, part, document id)`` of every document with shingles, in id order."""
    rows = [(f, p, f.id + p.name) for f in files for p in f.parts if p.reason is None and p.size > 0]
    rows.sort(key=lambda r: r[2])
    return rows


def _fingerprints(queries, rows, pairs, nq, root, git, config, store: Store) -> dict[int, np.ndarray]:
    """Row -> fingerprints for every row of ``pairs``: in memory, from the index, or read again."""
    out = {i: p.fingerprints for i, (_, p, _) in enumerate(queries) if p.fingerprints is not None}
    needed = {int(j) for j in np.unique(pairs)} - set(out)
    wanted = {}
    for i in needed:
        f, p, _ = rows[i - nq] if i >= nq else queries[i]
        wanted[i] = (f.key, f.parts.index(p))
    got = store.fingerprints(wanted.values())
    lost = []
    for i, w in wanted.items():
        if w in got:
            out[i] = got[w]
        else:
            lost.append(i)
    if lost:  # the index lost them since this run read it (rebuilt, or pruned by another run)
        out.update(_recompute(lost, queries, rows, nq, root, git, config))
    return out


def _recompute(lost, queries, rows, nq, root, git, config) -> dict[int, np.ndarray]:
    out = {}
    for i in lost:
        f, p, _ = rows[i - nq] if i >= nq else queries[i]
        data = f.data
        if data is None and git:
            data = dict(git_blobs(root, [f.key[0]]))[f.key[0]]
        elif data is None:
            with open(f.path, "rb") as fh:
                data = fh.read()
        for item in load_bytes(data or b"", Source(f.path, f.id, f.format), **config.read_options, paragraphs=False):
            if isinstance(item, Document) and item.id == f.id + p.name:
                flat, offsets = fingerprint_batch([item.text], size=config.shingle_size)
                out[i] = flat[offsets[0] : offsets[1]]
        if i not in out:
            raise DedupError(f"{f.id}{p.name} changed while it was being checked; run the check again")
    return out


def _os_reason(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "no such file"
    if isinstance(err, PermissionError):
        return "permission denied"
    return (err.strerror or type(err).__name__).lower()
