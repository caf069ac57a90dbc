"""The hook's persistent index: signatures and fingerprints in one SQLite file, keyed by content.

A *content* is the bytes of one file (named by their git blob id) read as one format. It
gives one document, or one per record for JSONL, or a reason why it gave none. Each
document is kept as a row: its shingle-set size, its MinHash signature (``uint32`` x
``num_perm``) and its sorted fingerprints (``uint64``), under the *recipe* that made it (a
digest of the knobs and of the code's output): rows of another recipe are never read,
so a change of ``num_perm``, ``seed`` or ``shingle_size`` simply misses.

Every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode: concurrent runs wait for
each other's writes, never see half of one, and a run killed in the middle leaves the
index as its last commit left it. Problems never stop a check:

* a corrupt file (garbage, truncated) or an incompatible schema version is made anew;
* a file that cannot be written (read-only, locked too long, disk full) is replaced by an
  in-memory index for the rest of the run;

each adds one line to :attr:`Store.warnings`. A SQLite file that dedup did not make is
never touched: :func:`open_store` raises :class:`~dedup.errors.IndexStoreError`.

Paths, names and reasons are kept as BLOBs of UTF-8 with lone surrogates encoded as
``surrogatepass`` does (:func:`_encode`), so every Python string round-trips exactly: a
file name that is not UTF-8 (``os.fsdecode`` gives its bytes as lone surrogates) or a
JSONL key written with a ``\\udXXX`` escape cannot be stored as SQLite TEXT.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from dedup.errors import IndexStoreError

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "FileStat", "Key", "Part", "Store", "open_store"]

#: ``PRAGMA user_version`` of the schema below; an older one in _MIGRATIONS is brought up to
#: date in place, any other value is rebuilt. 2: paths, names and reasons as BLOBs (were TEXT).
SCHEMA_VERSION = 2
#: ``PRAGMA application_id``: "dedu", so a foreign SQLite file is recognised and left alone.
APPLICATION_ID = 0x64656475
#: Rows no run has used for this many days are deleted (checked at most once a day).
KEEP_DAYS = 30
#: Store.parts looks up this many keys or fewer one by one (primary key), more by one scan.
LOOKUP_KEYS = 256
#: Seconds a run waits for another run's write transaction before going on without the index.
BUSY_TIMEOUT = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    recipe TEXT NOT NULL,           -- digest of the knobs and code that made the row
    hash TEXT NOT NULL,             -- the content's git blob id
    format TEXT NOT NULL,           -- how it was read: text, markdown, html, jsonl
    part INTEGER NOT NULL,          -- 0, or the rank of the record in a JSONL file
    name BLOB NOT NULL,             -- appended to the file's id: '', '#key', or ':line' when skipped
    reason BLOB,                    -- why this part gave no document, else NULL
    size INTEGER NOT NULL,          -- shingles in the set
    signature BLOB,                 -- little-endian uint32 x num_perm
    fingerprints BLOB,              -- little-endian sorted uint64 x size
    used INTEGER NOT NULL,          -- the last day (since 1970) a run used the row
    PRIMARY KEY (recipe, hash, format, part)
);
CREATE TABLE IF NOT EXISTS files (  -- outside git: a file's stat -> its hash, so unchanged files are not re-read
    root BLOB NOT NULL,
    path BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (root, path)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Statements that bring an index of an older schema version up to this one, in one transaction.
# 1 -> 2: the TEXT columns that hold paths, names and reasons become BLOBs. Version 1 could
# hold no lone surrogate (sqlite3 refused to encode one), so CAST's UTF-8 bytes are _encode's.
_MIGRATIONS = {
    1: [
        _SCHEMA.split(";\n")[0].replace("documents (", "documents_v2 (", 1),
        "INSERT INTO documents_v2 SELECT recipe, hash, format, part, CAST(name AS BLOB), CAST(reason AS BLOB), "
        "size, signature, fingerprints, used FROM documents",
        "DROP TABLE documents",
        "ALTER TABLE documents_v2 RENAME TO documents",
        _SCHEMA.split(";\n")[1].replace("files (", "files_v2 (", 1),
        "INSERT INTO files_v2 SELECT CAST(root AS BLOB), CAST(path AS BLOB), size, mtime_ns, inode, hash FROM files",
        "DROP TABLE files",
        "ALTER TABLE files_v2 RENAME TO files",
    ],
}

# sqlite3 error names that mean the file is damaged or is not the schema we expect.
_BROKEN = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_ERROR")

#: ``(content hash, format)``: what a row is about.
Key = tuple[str, str]
T = TypeVar("T")


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One document read from a content, or one record of it that gave none (``reason``).

    ``signature`` is ``None`` for a skipped part; ``fingerprints`` is ``None`` when it was
    not loaded (:meth:`Store.parts` leaves them out: see :meth:`Store.fingerprints`).
    """

    name: str
    reason: str | None
    size: int
    signature: np.ndarray | None
    fingerprints: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class FileStat:
    """What ``stat`` says of a file, and the hash of its bytes when it said so."""

    size: int
    mtime_ns: int
    inode: int
    hash: str


class _Broken(Exception):
    """The index file is damaged or of another schema: it is made anew."""


def _wal(conn: sqlite3.Connection) -> None:
    """Put the index in WAL mode. While other runs open the same new file, SQLite may refuse the
    switch at once with "database is locked" rather than wait in its busy handler (so it avoids a
    deadlock); it is tried again, with growing pauses, for up to :data:`BUSY_TIMEOUT` seconds.
    Without this, 13 of 300 rounds of 8 runs opening a new index at once had one run go on without it."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if getattr(err, "sqlite_errorname", "") != "SQLITE_BUSY" or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(2 * pause, 0.1)


class Store:
    """An open index. Create it with :func:`open_store`; use it from one thread."""

    def __init__(self, path: str | None, *, recipe: str, num_perm: int, today: int) -> None:
        self.path = path
        self.recipe = recipe
        self.num_perm = num_perm
        self.today = today
        #: One line per problem met (rebuilt, running without persisting ...), for the CLI.
        self.warnings: list[str] = []
        self._conn: sqlite3.Connection | None = None
        self._rebuilt = False

    @property
    def persistent(self) -> bool:
        """False when the run goes on with an in-memory index (nothing will be kept)."""
        return self.path is not None

    # ------------------------------------------------------------------ opening

    def _open(self) -> None:
        if self.path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            for statement in _statements():
                conn.execute(statement)
            self._conn = conn
            return
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        self._conn = conn
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")
        # One statement, so one snapshot: read one by one, another run's commit could fall between
        # (application id 0 read before it, its tables after: "not made by dedup").
        app, version, tables = conn.execute(
            "SELECT (SELECT application_id FROM pragma_application_id), "
            "(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)"
        ).fetchone()
        if app == APPLICATION_ID and version == SCHEMA_VERSION:
            return
        if app not in (0, APPLICATION_ID) or (app == 0 and tables):
            conn.close()
            self._conn = None
            raise IndexStoreError(
                f"{self.path} is a SQLite database that dedup did not make; give another --index"
            )
        with self._write():
            # Checked again inside the transaction: another run may have just made it.
            app = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app == APPLICATION_ID and version in _MIGRATIONS:
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
                version = SCHEMA_VERSION
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if app == APPLICATION_ID and version != SCHEMA_VERSION:
                self.warnings.append(
                    f"the index {self.path} has schema version {version}, this dedup uses "
                    f"{SCHEMA_VERSION}: rebuilding it"
                )
                for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    conn.execute(f'DROP TABLE "{table}"')
            if not (app == APPLICATION_ID and version == SCHEMA_VERSION):
                for statement in _statements():  # not executescript: it would COMMIT first
                    conn.execute(statement)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(self.path + suffix)
            except FileNotFoundError:
                pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ resilience

    def _guard(self, work: Callable[[], T]) -> T:
        """Run ``work``; on a damaged file rebuild it, on any other SQLite failure go on
        in memory, and try again (each at most once a run, then the error is raised)."""
        while True:
            try:
                if self._conn is None:
                    self._open()
                return work()
            except (sqlite3.DatabaseError, _Broken) as err:
                name = getattr(err, "sqlite_errorname", "") or ""
                broken = isinstance(err, _Broken) or name.startswith(_BROKEN)
                if self.path is not None and broken and not self._rebuilt:
                    self._rebuilt = True
                    self.warnings.append(f"the index {self.path} is unreadable ({_reason(err)}): rebuilding it")
                    self.close()
                    try:
                        self._remove_files()
                    except OSError as os_err:
                        self._go_in_memory(os_err)
                    continue
                if self.path is not None:
                    self._go_in_memory(err)
                    continue
                raise
            except OSError as err:  # the folder cannot be made, the file cannot be opened
                if self.path is None:
                    raise
                self._go_in_memory(err)

    def _go_in_memory(self, err: BaseException) -> None:
        self.warnings.append(f"cannot use the index {self.path} ({_reason(err)}): going on without keeping it")
        self.close()
        self.path = None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        conn.execute("COMMIT")

    # ------------------------------------------------------------------ documents

    def parts(self, keys: Collection[Key]) -> dict[Key, tuple[Part, ...]]:
        """The parts kept for each of ``keys`` that the index knows, without fingerprints.

        Marks them used today, so that they outlive the pruning of unused rows.
        """
        wanted = set(keys)
        if not wanted:
            return {}

        def work() -> dict[Key, tuple[Part, ...]]:
            found: dict[Key, list[tuple[int, Part]]] = {}
            stale: set[Key] = set()
            sig_bytes = 4 * self.num_perm
            columns = "SELECT hash, format, part, name, reason, size, signature, used FROM documents WHERE recipe = ?"
            if len(wanted) <= LOOKUP_KEYS:  # through the primary key: a scan per call made indexing quadratic
                rows = itertools.chain.from_iterable(
                    self._conn.execute(columns + " AND hash = ? AND format = ?", (self.recipe, h, fmt))
                    for h, fmt in sorted(wanted)
                )
            else:
                rows = self._conn.execute(columns, (self.recipe,))
            for h, fmt, part, name, reason, size, signature, used in rows:
                key = (h, fmt)
                if key not in wanted:
                    continue
                name, reason = _decode(name), (None if reason is None else _decode(reason))
                if reason is None:
                    if signature is None or len(signature) != sig_bytes:
                        raise _Broken(f"a signature of {0 if signature is None else len(signature)} bytes")
                    signature = np.frombuffer(signature, dtype="<u4")
                else:
                    signature = None
                found.setdefault(key, []).append((part, Part(name, reason, size, signature)))
                if used < self.today:
                    stale.add(key)
            if stale and self.path is not None:
                with self._write() as conn:
                    conn.executemany(
                        "UPDATE documents SET used = ? WHERE recipe = ? AND hash = ? AND format = ?",
                        [(self.today, self.recipe, h, fmt) for h, fmt in stale],
                    )
            return {key: tuple(p for _, p in sorted(items, key=lambda x: x[0])) for key, items in found.items()}

        return self._guard(work)

    def fingerprints(self, wanted: Iterable[tuple[Key, int]]) -> dict[tuple[Key, int], np.ndarray]:
        """The fingerprints of the given ``(key, part)``; those the index lost are left out."""
        wanted = list(dict.fromkeys(wanted))

        def work() -> dict[tuple[Key, int], np.ndarray]:
            out = {}
            for (h, fmt), part in wanted:
                row = self._conn.execute(
                    "SELECT size, fingerprints FROM documents "
                    "WHERE recipe = ? AND hash = ? AND format = ? AND part = ? AND reason IS NULL",
                    (self.recipe, h, fmt, part),
                ).fetchone()
                if row is None:
                    continue
                size, blob = row
                if blob is None or len(blob) != 8 * size:
                    raise _Broken(f"{0 if blob is None else len(blob)} bytes of fingerprints for {size} shingles")
                out[((h, fmt), part)] = np.frombuffer(blob, dtype="<u8")
            return out

        return self._guard(work)

    def add(self, contents: Mapping[Key, Sequence[Part]]) -> None:
        """Keep the parts of these contents, in one transaction (all of them or none)."""
        rows = []
        for (h, fmt), parts in contents.items():
            for k, p in enumerate(parts):
                sig = None if p.signature is None else np.asarray(p.signature, dtype="<u4").tobytes()
                fps = None if p.fingerprints is None else np.asarray(p.fingerprints, dtype="<u8").tobytes()
                reason = None if p.reason is None else _encode(p.reason)
                rows.append((self.recipe, h, fmt, k, _encode(p.name), reason, p.size, sig, fps, self.today))
        if not rows:
            return

        def work() -> None:
            with self._write() as conn:
                conn.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

        self._guard(work)

    def prune(self) -> int:
        """Delete the rows no run used in :data:`KEEP_DAYS` days (once a day). Returns how many."""
        if self.path is None:
            return 0

        def work() -> int:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
            if row is not None and int(row[0]) >= self.today:
                return 0
            with self._write() as conn:
                gone = conn.execute("DELETE FROM documents WHERE used < ?", (self.today - KEEP_DAYS,)).rowcount
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', ?)", (str(self.today),))
            return gone

        return self._guard(work)

    # ------------------------------------------------------------------ files outside git

    def file_stats(self, root: str) -> dict[str, FileStat]:
        """What the last run under ``root`` learnt of each file: path -> stat and hash."""

        def work() -> dict[str, FileStat]:
            rows = self._conn.execute(
                "SELECT path, size, mtime_ns, inode, hash FROM files WHERE root = ?", (_encode(root),)
            )
            return {_decode(path): FileStat(size, mtime, inode, h) for path, size, mtime, inode, h in rows}

        return self._guard(work)

    def set_file_stats(self, root: str, stats: Mapping[str, FileStat], *, forget: Iterable[str] = ()) -> None:
        """Record files' stats and hashes under ``root``, and forget the paths in ``forget``."""
        forget = list(forget)
        if not stats and not forget:
            return

        top = _encode(root)

        def work() -> None:
            with self._write() as conn:
                conn.executemany("DELETE FROM files WHERE root = ? AND path = ?", [(top, _encode(p)) for p in forget])
                conn.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    [(top, _encode(p), s.size, s.mtime_ns, s.inode, s.hash) for p, s in stats.items()],
                )

        self._guard(work)


def open_store(path: str | os.PathLike[str] | None, *, recipe: str, num_perm: int, today: int | None = None) -> Store:
    """Open (or make) the index at ``path``; ``None`` keeps it in memory for this run only.

    ``recipe`` names what made the rows (see module docs); ``num_perm`` lets damaged rows be
    recognised; ``today`` (days since 1970, default now) dates the rows' use. Raises
    :class:`IndexStoreError` when ``path`` is a SQLite database dedup did not make.
    Problems met on the way are in the returned store's ``warnings``.
    """
    if today is None:
        today = int(time.time() // 86400)
    store = Store(None if path is None else os.fspath(path), recipe=recipe, num_perm=num_perm, today=today)
    store._guard(lambda: None)  # opens it: rebuilds or falls back to memory as needed
    return store


def _encode(text: str) -> bytes:
    """``text`` as a BLOB: UTF-8, lone surrogates included (``surrogatepass``), so any str round-trips."""
    return text.encode("utf-8", "surrogatepass")


def _decode(blob: bytes) -> str:
    """The str :func:`_encode` was given. Raises _Broken for what _encode cannot have made."""
    try:
        return blob.decode("utf-8", "surrogatepass")
    except (AttributeError, UnicodeDecodeError):
        raise _Broken(f"a {type(blob).__name__} that is not a name") from None


def _statements() -> list[str]:
    return [s for s in _SCHEMA.split(";\n") if s.strip()]


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError):
        return (err.strerror or type(err).__name__).lower()
    return str(err) or type(err).__name__
