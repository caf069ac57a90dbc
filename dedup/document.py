"""Read files and folders into Documents: the only module that reads user files.

The read stage in nine modules: this one finds files and reads them (folders, symlinks,
size limits, JSONL records, the pages of web archives) and makes the records; :mod:`dedup.warc`
finds the HTML pages in a WARC file; :mod:`dedup.decode` turns bytes into
text, :mod:`dedup.paragraphs` splits text into paragraphs with offsets,
:mod:`dedup.html_text` extracts a page's visible text (what its own stylesheet hides by
:mod:`dedup.html_style`) and :mod:`dedup.markdown_text` a Markdown document's;
:mod:`dedup.mhtml` takes the page out of a saved web page (MHTML);
:mod:`dedup.fields` finds a record's text and id fields (dotted paths). Their public names
are re-exported here.

A :class:`Document` is the decoded text of one article with its paragraphs, each
paragraph carrying its character offsets in that text, so that every later stage
can point back into the file. Reading never writes anything and never raises for
one bad file: :func:`read` yields a :class:`Skipped` with a short reason instead.

>>> doc = parse_text("Title\\n\\nFirst paragraph.\\nCredit/AP", id="a.txt")
>>> [(p.start, p.end, p.text) for p in doc.paragraphs]
[(0, 5, 'Title'), (7, 23, 'First paragraph.'), (24, 33, 'Credit/AP')]
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dedup import warc
from dedup.decode import decode
from dedup.errors import DocumentError
from dedup.fields import field_path
from dedup.html_text import visible_text
from dedup.markdown_text import visible_text as markdown_visible_text
from dedup.mhtml import page_text
from dedup.paragraphs import Paragraph, count_paragraphs, has_paragraphs, paragraph_numbers, split_paragraphs

__all__ = [
    "MAX_BYTES",
    "READER_VERSION",
    "RECORD_FILES",
    "SUFFIXES",
    "Document",
    "Paragraph",
    "Skipped",
    "Source",
    "decode",
    "find_sources",
    "jsonl_spans",
    "load",
    "load_at",
    "load_bytes",
    "load_many",
    "load_span",
    "parse_html",
    "parse_markdown",
    "count_paragraphs",
    "paragraph_numbers",
    "parse_text",
    "read",
    "read_ahead",
    "record_document",
    "record_too_large",
    "repeated_record",
    "split_paragraphs",
    "suffix_of",
    "too_large",
]

#: Files (and JSONL records) larger than this are skipped; ``max_bytes=`` changes it.
MAX_BYTES = 32 * 1024 * 1024

#: Bumped whenever the same bytes are read into another text, so that what was made from the
#: old text is not reused (``dedup check``'s index keys its rows on it). 2: Markdown is read as
#: it renders (:mod:`dedup.markdown_text`), no longer as plain text; HTML reads ``aria-hidden``
#: text and drops inline ``DISPLAY:NONE``, ``visibility: hidden`` and ligature icon words.
#: 3: ``--text-field``/``--id-field`` are dotted paths (a record skipped for want of a top-level
#: ``content.body`` key is read from ``content`` -> ``body``), and such a skip names the record's fields.
#: 4: HTML drops what the page's own ``<style>`` rules hide and the visually-hidden classes
#: (``sr-only``, ``screen-reader-text`` ...); inline styles drop values no browser accepts.
#: 5: Markdown's front matter title is its first paragraph (unless the body starts with it).
#: 6: HTML reads what some screen shows: responsive utilities (``hidden md:block``,
#: ``sr-only md:not-sr-only``), ``@media`` rules that show again, a ``display`` given to an element
#: with ``hidden`` (or a closed ``<dialog>``), ``visibility: visible`` inside a hidden element.
#: 7: ``.mhtml`` and ``.mht`` files are saved web pages (:mod:`dedup.mhtml`): their page's visible
#: text (with the stylesheets saved in the archive that it links), no longer the archive as plain
#: text (MIME headers, quoted-printable, base64 as words).
#: 8: web archives (``.warc``, ``.warc.gz``) are read, a document per HTML page, where they were a
#: text file (``.warc``) or skipped as compressed (``.warc.gz``); a declared charset (HTTP) decodes.
READER_VERSION = 8

#: The file types read when a folder is walked. Files named explicitly are read
#: whatever their suffix: unknown suffixes are treated as plain text.
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
}

#: The formats of files that hold many documents, each held to ``max_bytes`` (not the whole file).
RECORD_FILES = frozenset({"jsonl", "warc"})


def suffix_of(name: str, suffixes: Mapping[str, str] = SUFFIXES) -> str:
    """The suffix of a file ``name`` that says its format, lower case: the last one (``.txt``), or
    two when ``suffixes`` has them (``.warc.gz``: a gzipped web archive, where ``.gz`` alone is not
    a format)."""
    lower = name.lower()
    for suffix in suffixes:
        if suffix.count(".") > 1 and lower.endswith(suffix) and len(lower) > len(suffix):
            return suffix
    return os.path.splitext(lower)[1]


#: Files that this reader leaves to another engine (read as text, they were "binary file"):
#: the reason they are skipped with, in folders too.
OTHER_ENGINES = {".parquet": "a Parquet file (read by --engine ray)"}

#: Compression suffixes, and the command that undoes each: a compressed document (``a.jsonl.gz``)
#: is skipped, in folders too, with that advice (it was left out of folders without a word).
COMPRESSED = {".gz": "gunzip", ".bz2": "bunzip2", ".xz": "unxz", ".zst": "unzstd"}
#: ... and the command that writes each uncompressed to a pipe: compressed JSONL can be read from one.
DECOMPRESS_TO_PIPE = {".gz": "zcat", ".bz2": "bzcat", ".xz": "xzcat", ".zst": "zstdcat"}
_KINDS = {
    "text": "text", "markdown": "Markdown", "html": "HTML", "mhtml": "MHTML", "jsonl": "JSONL", "parquet": "Parquet",
    "warc": "WARC",
}


def _unread_reason(name: str, suffixes: Mapping[str, str] = SUFFIXES) -> str | None:
    """Why a file so named, of no suffix in ``suffixes``, is skipped: documents that this reader
    does not read in that form (Parquet, a compressed document). None for any other file."""
    stem, suffix = os.path.splitext(name.lower())
    if suffix in OTHER_ENGINES:
        return OTHER_ENGINES[suffix]
    inner = os.path.splitext(stem)[1]
    kind = suffixes.get(inner) or ("parquet" if inner in OTHER_ENGINES else None)
    if suffix in COMPRESSED and kind == "jsonl":
        return f"compressed JSONL ({COMPRESSED[suffix]} it first, or {DECOMPRESS_TO_PIPE[suffix]} FILE | dedup report -)"
    if suffix in COMPRESSED and kind:
        return f"compressed {_KINDS.get(kind, kind)} ({COMPRESSED[suffix]} it first)"
    return None


@dataclass(frozen=True, slots=True)
class Document:
    """The decoded text of one article and its paragraphs.

    ``id`` is the POSIX path relative to the scanned root (``path#key`` for a JSONL
    record); ``path`` is the file it was read from; ``text`` is the decoded text
    (for HTML and Markdown, the visible text extracted from it, one block per paragraph).
    """

    id: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    path: str = ""
    format: str = "text"
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or record that was not read, and why (one short phrase)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Source:
    """A file found by :func:`find_sources`: where it is, its id, how to parse it, its size."""

    path: str
    id: str
    format: str
    size: int = 0


# --------------------------------------------------------------------------- paths


def find_sources(
    paths: Sequence[str | os.PathLike[str]],
    *,
    hidden: bool = False,
    suffixes: Mapping[str, str] = SUFFIXES,
    left_out: Counter[str] | None = None,
) -> tuple[list[Source], list[Skipped]]:
    """Expand files and folders into readable sources, in sorted order.

    Folders are walked recursively; only files with a suffix in :data:`SUFFIXES` are
    taken from them, and names starting with ``.`` are left out unless ``hidden``; documents
    in a form not read here (:func:`_unread_reason`: Parquet, ``a.jsonl.gz``) are skipped,
    named or found, and other files found are left out without a word.
    Ids are POSIX paths relative to the scanned root: the folder given, or the common
    parent folder of everything given. A file reached twice (two arguments, symbolic
    links) is read once. Symbolic links found in a folder are followed as long as they
    stay inside the folders given: one that leads out of them (``link -> /``, ``x.txt ->
    ~/.ssh/...`` in an unpacked archive) is skipped, so a folder cannot make dedup read,
    and show, files the user did not name. Nothing is opened here beyond ``stat`` and
    ``scandir``.
    ``suffixes`` maps the suffixes taken from folders to formats (the Ray engine adds Parquet).
    ``left_out``, a Counter, counts by suffix (``""`` for none) the files found in folders and
    left out without a word: what to tell a user whose folders held no document (``.json`` files).
    Raises ValueError for no paths, or for one path given alone (``"corpus/"``, whose
    characters would each be taken for a path, ``"/"`` among them).
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise ValueError(
            f"paths must be a list of files and folders, got the single path {os.fsdecode(paths)!r}; "
            f"give [{os.fsdecode(paths)!r}]"
        )
    paths = list(paths)  # an iterator is walked twice below
    if not paths:
        raise ValueError("paths: give at least one file or folder")
    given = [os.path.abspath(os.fspath(p)) for p in paths]
    root = _scan_root(given)
    folders = tuple(os.path.realpath(p) for p in given if os.path.isdir(p))
    sources: list[Source] = []
    skipped: list[Skipped] = []
    seen: dict[tuple[int, int], str] = {}

    def add_file(path: str, st: os.stat_result, explicit: bool) -> None:
        suffix = suffix_of(path, suffixes)
        fmt = suffixes.get(suffix)
        ident = _relative_id(path, root)
        unread = None if fmt else _unread_reason(os.path.basename(path), suffixes)
        if fmt is None:
            if unread is None and not explicit:
                if left_out is not None:
                    left_out[suffix] += 1
                return  # not a document (.jpg, .css): no news
            fmt = "text"
        key = (st.st_dev, st.st_ino)
        if key in seen:
            if seen[key] != ident:  # another name for it (a link); the same path twice is no news
                skipped.append(Skipped(ident, f"same file as {seen[key]}"))
            return
        seen[key] = ident
        if unread is not None:  # documents, in a form not read here: say what to do
            skipped.append(Skipped(ident, unread))
            return
        sources.append(Source(path, ident, fmt, st.st_size))

    for original, path in zip(paths, given):
        shown = Path(original).as_posix()  # a path given on the command line is named as given
        try:
            st = os.stat(path)
        except FileNotFoundError:
            reason = "broken symbolic link" if os.path.islink(path) else "no such file or folder"
            skipped.append(Skipped(shown, reason))
            continue
        except OSError as err:
            skipped.append(Skipped(shown, _os_reason(err)))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(path, root, hidden, add_file, skipped, folders, suffixes)
        elif stat.S_ISREG(st.st_mode):
            add_file(path, st, explicit=True)
        else:
            skipped.append(Skipped(shown, "not a regular file"))
    sources.sort(key=lambda s: s.id)
    skipped.sort(key=lambda s: (s.path, s.reason))
    return sources, skipped


def _scan_root(given: list[str]) -> str:
    if len(given) == 1 and os.path.isdir(given[0]):
        return given[0]
    parents = [p if os.path.isdir(p) else os.path.dirname(p) for p in given]
    try:
        return os.path.commonpath(parents)
    except ValueError:  # different drives on Windows
        return os.path.dirname(given[0])


def _relative_id(path: str, root: str) -> str:
    prefix = root if root.endswith(os.sep) else root + os.sep
    if path.startswith(prefix) and os.sep + ".." + os.sep not in path:  # the common case, found by the walk
        rel = path[len(prefix) :]
    else:
        rel = os.path.relpath(path, root)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _inside(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == f or path.startswith(f if f.endswith(os.sep) else f + os.sep) for f in folders)


def _walk(
    top: str, root: str, hidden: bool, add_file, skipped: list[Skipped], folders: tuple[str, ...], suffixes: Mapping[str, str]
) -> None:
    """Iterative, sorted, symlink-loop-safe walk (``os.walk`` follows loops forever) that
    follows symbolic links only within ``folders`` (real paths)."""
    visited: set[tuple[int, int]] = set()
    try:
        st = os.stat(top)
        visited.add((st.st_dev, st.st_ino))
    except OSError:
        pass
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            skipped.append(Skipped(_relative_id(folder, root) + "/", _os_reason(err)))
            continue
        subfolders = []
        for entry in entries:
            if not hidden and entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except FileNotFoundError:
                if suffixes.get(suffix_of(entry.name, suffixes)):
                    skipped.append(Skipped(_relative_id(entry.path, root), "broken symbolic link"))
                continue
            except OSError as err:
                skipped.append(Skipped(_relative_id(entry.path, root), _os_reason(err)))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            known = is_dir or suffixes.get(suffix_of(entry.name, suffixes))
            if entry.is_symlink() and not _inside(os.path.realpath(entry.path), folders):
                if known:
                    where = _relative_id(entry.path, root) + "/" * is_dir
                    skipped.append(Skipped(where, "symbolic link out of the folders given"))
                continue
            if is_dir:
                key = (st.st_dev, st.st_ino)
                if key in visited:
                    continue  # a symbolic link back into a folder already walked
                visited.add(key)
                subfolders.append(entry.path)
            elif stat.S_ISREG(st.st_mode):
                add_file(entry.path, st, explicit=False)
            elif known:
                skipped.append(Skipped(_relative_id(entry.path, root), "not a regular file"))
        stack.extend(reversed(subfolders))


def _os_reason(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a folder"
    if err.errno == 40:  # ELOOP
        return "symbolic link loop"
    return (err.strerror or type(err).__name__).lower()


# --------------------------------------------------------------------------- reading


def read(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_bytes: int = MAX_BYTES,
    text_field: str = "text",
    id_field: str = "id",
    hidden: bool = False,
) -> Iterator[Document | Skipped]:
    """Read files and folders: yields a Document per article and a Skipped per failure.

    Documents come in id order (JSONL records in file order). ``max_bytes`` bounds a
    file (or one JSONL record); ``text_field``/``id_field`` name the JSONL fields, dotted paths
    too (``meta.url``: see :mod:`dedup.fields`).
    """
    sources, skipped = find_sources(paths, hidden=hidden)
    yield from skipped
    for source in sources:
        yield from load(source, max_bytes=max_bytes, text_field=text_field, id_field=id_field)


def load(
    source: Source, *, max_bytes: int = MAX_BYTES, text_field: str = "text", id_field: str = "id"
) -> Iterator[Document | Skipped]:
    """Read one source: one Document (or Skipped), or one per record for JSONL."""
    for _, _, item in load_span(source, max_bytes=max_bytes, text_field=text_field, id_field=id_field):
        yield item


def load_span(
    source: Source,
    *,
    start: int = 0,
    end: int | None = None,
    first_line: int = 1,
    max_bytes: int = MAX_BYTES,
    text_field: str = "text",
    id_field: str = "id",
    paragraphs: bool = True,
) -> Iterator[tuple[int, int, Document | Skipped]]:
    """Like :func:`load`, yielding ``(offset, line, item)``, for part of a JSONL file.

    ``start``/``end`` select the records whose line starts in ``[start, end)``;
    ``start`` must be the start of a line, ``first_line`` its 1-based number. A web archive
    is read whole (``start`` 0, ``end`` None), an item per page: its offset is its record's
    (its gzip member's), its ``line`` says where in that member it starts and which form its id
    takes (see :func:`_warc_items`). For any other file the whole file is one item at offset 0,
    line 1. The offset and line are what :func:`load_at` takes to read the same item again.
    ``paragraphs=False``: see :func:`parse_text` (HTML documents always come with their paragraphs).
    """
    if source.format == "warc":
        if start != 0 or end is not None:
            raise ValueError(f"a web archive is read whole, not from byte {start} to {end}: {source.id}")
        try:
            fh = open(source.path, "rb")
        except OSError as err:
            yield 0, 1, Skipped(source.id, _os_reason(err))
            return
        with fh:
            yield from _warc_items(fh, source, max_bytes=max_bytes)
        return
    fields = {"max_bytes": max_bytes, "text_field": text_field, "id_field": id_field, "paragraphs": paragraphs}
    if source.format == "jsonl":
        try:
            fh = open(source.path, "rb")
        except OSError as err:
            yield start, first_line, Skipped(source.id, _os_reason(err))
            return
        with fh:
            fh.seek(start)
            yield from _jsonl_records(fh, source, start=start, end=end, first_line=first_line, **fields)
        return
    try:
        data = _read_bytes(source.path, max_bytes)
    except DocumentError as err:
        yield 0, 1, Skipped(source.id, err.reason)
        return
    yield 0, 1, _parse_bytes(data, source, max_bytes=max_bytes, paragraphs=paragraphs)


def load_bytes(
    data: bytes,
    source: Source,
    *,
    max_bytes: int = MAX_BYTES,
    text_field: str = "text",
    id_field: str = "id",
    paragraphs: bool = True,
) -> Iterator[Document | Skipped]:
    """Parse contents already read (a git blob, say) as :func:`load` parses ``source``.

    ``source.path`` is not opened; it is only recorded in the Documents. The same bytes
    always give the same Documents, so callers may cache the result under a hash of ``data``.
    ``paragraphs=False`` is for callers that only need the text (``dedup check``): a plain
    text or Markdown document then comes with no paragraphs, the same text, and the same
    verdict on whether it has any.
    """
    if source.format == "jsonl":
        records = _jsonl_records(
            io.BytesIO(data), source, max_bytes=max_bytes, text_field=text_field, id_field=id_field, paragraphs=paragraphs
        )
        for _, _, item in records:
            yield item
        return
    if source.format == "warc":
        for _, _, item in _warc_items(io.BytesIO(data), source, max_bytes=max_bytes):
            yield item
        return
    yield _parse_bytes(data, source, max_bytes=max_bytes, paragraphs=paragraphs)


def _parse_bytes(data: bytes, source: Source, *, max_bytes: int, paragraphs: bool = True) -> Document | Skipped:
    try:
        if len(data) > max_bytes:
            raise DocumentError(
                source.path, too_large(len(data), max_bytes)
            )
        if source.format == "mhtml":  # a saved web page: its page, read as an .html file is
            text, encoding = page_text(data, path=source.id)
            return parse_html(text, id=source.id, path=source.path, encoding=encoding, format="mhtml")
        text, encoding = decode(data, path=source.id)
        if source.format == "html":
            return parse_html(text, id=source.id, path=source.path, encoding=encoding)
        if source.format == "markdown":
            return parse_markdown(text, id=source.id, path=source.path, encoding=encoding, paragraphs=paragraphs)
        return parse_text(
            text, id=source.id, path=source.path, format=source.format, encoding=encoding, paragraphs=paragraphs
        )
    except DocumentError as err:
        return Skipped(source.id, err.reason)


def load_at(
    source: Source,
    offset: int = 0,
    line: int = 1,
    *,
    max_bytes: int = MAX_BYTES,
    text_field: str = "text",
    id_field: str = "id",
) -> Document | Skipped:
    """Read again the item that :func:`load_span` gave at ``offset`` (on ``line``)."""
    return load_many(source, [(offset, line)], max_bytes=max_bytes, text_field=text_field, id_field=id_field)[0]


def load_many(
    source: Source,
    places: Sequence[tuple[int, int]],
    *,
    max_bytes: int = MAX_BYTES,
    text_field: str = "text",
    id_field: str = "id",
) -> list[Document | Skipped]:
    """:func:`load_at` for several ``(offset, line)`` of one source, opening it once."""
    fields = {"max_bytes": max_bytes, "text_field": text_field, "id_field": id_field}
    if source.format not in RECORD_FILES:
        whole = next(load_span(source, **fields))[2]
        return [whole for _ in places]
    gone = [Skipped(source.id, f"no record at byte {o} any more (changed while reading?)") for o, _ in places]
    try:
        fh = open(source.path, "rb")
    except OSError as err:
        return [Skipped(source.id, _os_reason(err)) for _ in places]
    out: list[Document | Skipped] = []
    with fh:
        if source.format == "warc":
            head = fh.read(2)
        for (offset, line), missing in zip(places, gone):
            fh.seek(offset)
            if source.format == "warc":
                found = next(_warc_items(fh, source, max_bytes=max_bytes, start=offset, line=line, head=head), None)
            else:
                found = next(_jsonl_records(fh, source, start=offset, end=offset + 1, first_line=line, **fields), None)
            out.append(found[2] if found is not None else missing)
    return out


def jsonl_spans(path: str, *, size: int = 8 * 1024 * 1024) -> list[tuple[int, int, int]]:
    """Cut a JSONL file into ``(start, end, first_line)`` spans of about ``size`` bytes at line starts.

    One pass over the file, counting newlines, so that every span knows the number of
    its first line (for ids of records without one, and for messages).
    """
    spans: list[tuple[int, int, int]] = []
    start, start_line = 0, 1
    pos, line = 0, 1  # offset and line number at the start of the current block
    with open(path, "rb") as fh:
        while block := fh.read(4 * 1024 * 1024):
            i = 0
            while True:
                target = max(start + size - pos, i)
                if target >= len(block):
                    break
                nl = block.find(b"\n", target)
                if nl < 0:
                    break
                spans.append((start, pos + nl + 1, start_line))
                start, start_line = pos + nl + 1, line + block.count(b"\n", 0, nl + 1)
                i = nl + 1
            line += block.count(b"\n")
            pos += len(block)
    if pos > start or not spans:  # an empty file is one empty span: reading it says it is empty
        spans.append((start, pos, start_line))
    return spans


# O_NONBLOCK: a FIFO put where a file was must not hang the run (no effect on files).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_ahead(sources: Sequence[Source], *, max_bytes: int = MAX_BYTES) -> None:
    """Ask the kernel to start reading these files now (``posix_fadvise(WILLNEED)``), before they are read.

    Files read one after another from a cold disk wait for each read in turn; asked for
    together, they are fetched with many requests in flight. Reading 40,000 files cold in two
    processes took 4.1-5.9 s one after another and 1.9-2.0 s after this call, with no cost
    when they are cached. Only a hint: nothing is read here, errors are left for the real read.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for source in sources:
        if source.format in RECORD_FILES or not 0 < source.size <= max_bytes:
            continue
        try:
            fd = os.open(source.path, _OPEN_FLAGS)
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """The file's bytes, at most ``max_bytes`` (else DocumentError). Plain ``os.read``:
    a buffered ``read(max_bytes + 1)`` would allocate the whole limit for every file."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as err:
        raise DocumentError(path, _os_reason(err)) from err
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise DocumentError(path, too_large(size, max_bytes))
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, max(size + 1 - total, 1 << 16))  # size + 1: notices a file that grew
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as err:
        raise DocumentError(path, _os_reason(err)) from err
    finally:
        os.close(fd)
    if total > max_bytes:  # grew while we read it
        raise DocumentError(path, too_large(None, max_bytes))
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def too_large(size: int | None, limit: int) -> str:
    """The reason given for a file over ``max_bytes``: ``too large (100.0 MiB; the limit is 32.0 MiB, ...)``;
    ``size`` None where it is not known (a file that grew while read, standard input):
    ``too large (over the 32.0 MiB limit, see --max-bytes)``."""
    if size is None:
        return f"too large (over the {_size(limit)} limit, see --max-bytes)"
    return f"too large ({_size(size)}; the limit is {_size(limit)}, see --max-bytes)"


def record_too_large(limit: int) -> str:
    """The reason given for a JSONL or Parquet record over ``limit`` bytes."""
    return f"record too large (over the {_size(limit)} limit, see --max-bytes)"


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _jsonl_records(
    fh: BinaryIO,
    source: Source,
    *,
    start: int = 0,
    end: int | None = None,
    first_line: int = 1,
    max_bytes: int,
    text_field: str,
    id_field: str,
    paragraphs: bool = True,
) -> Iterator[tuple[int, int, Document | Skipped]]:
    """``(offset, line, item)`` for the records of ``fh`` (positioned at ``start``) up to ``end``."""
    text_path, id_path = field_path(text_field), field_path(id_field)  # resolved once, read per record
    seen_ids: set[str] = set()
    offset, lineno = start, first_line - 1
    records = False  # a line that is not blank
    while end is None or offset < end:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            break
        here, offset, lineno = offset, offset + len(raw), lineno + 1
        where = f"{source.id}:{lineno}"
        if len(raw) > max_bytes:
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = fh.readline(1024 * 1024)
                offset += len(raw)
            records = True
            yield here, lineno, Skipped(where, record_too_large(max_bytes))
            continue
        if not raw.strip():
            continue
        records = True
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError) as err:  # ValueError: also not UTF-8, an integer of 5,000 digits
            yield here, lineno, Skipped(where, f"invalid JSON ({_json_reason(err)})")
            continue
        if not isinstance(record, dict):
            yield here, lineno, Skipped(where, "not a JSON object")
            continue
        text = text_path.get(record)
        if text is None and (absent := text_path.absence(record)) is not None:
            yield here, lineno, Skipped(where, f"no {text_field!r} field ({absent}; see --text-field)")
            continue
        yield here, lineno, record_document(
            source,
            text,
            id_path.get(record),
            lineno,
            seen_ids,
            text_field=text_field,
            id_field=id_field,
            format="jsonl",
            paragraphs=paragraphs,
        )
    if start == 0 and not records and not fh.read(1):  # the whole file, and not one record in it
        yield 0, first_line, Skipped(source.id, "empty file" if offset == 0 else "no records (only blank lines)")


#: The forms of a page's id in a web archive, by number: the first capture of a URI in the file is
#: ``file#URI``, a later one ``file#URI@<WARC-Date>``, one captured at the same second too
#: ``file#URI@<WARC-Record-ID>`` (without its angle brackets). Which one a page has depends on the
#: records before it, so its ``line`` carries it: ``line = 4 * within + form`` (see _warc_items).
WARC_ID_FORMS = (1, 2, 3)


def _warc_items(
    fh: BinaryIO,
    source: Source,
    *,
    max_bytes: int,
    start: int = 0,
    line: int | None = None,
    head: bytes | None = None,
) -> Iterator[tuple[int, int, Document | Skipped]]:
    """``(offset, line, item)`` for the pages of a web archive (``fh`` at ``start``): an HTML Document
    per page (:mod:`dedup.warc`), a Skipped per bad record, named ``file:<offset>``.

    The whole file (``line`` None): ids take the first of :data:`WARC_ID_FORMS` not taken by an
    earlier page; a page's ``line`` is ``4 * within + form``, ``within`` its uncompressed bytes into
    the gzip member at ``offset`` (0 but in a file gzipped whole), so that it is read again alone
    with ``start=offset, line=line``. A file without a page, nor a bad record, is one Skipped that
    counts its records by type (they are not articles; they are named nowhere else). ``head``: the
    file's first bytes, where ``fh`` is not at its start.
    """
    if head is None:
        head = fh.read(2)
        fh.seek(start)
    within, form = divmod(line, 4) if line is not None else (0, None)
    seen: set[str] = set()
    others: Counter[str] = Counter()
    told = False
    again = line is not None
    for rec in warc.records(fh, gz=warc.is_gzip(head), max_bytes=max_bytes, start=start, within=within, one=again):
        where = f"{source.id}:{rec.offset}"
        if rec.whole or rec.kind == "":
            if again:  # no record where one was: load_many says the file changed
                return
            told = True
            yield rec.offset, 0, Skipped(source.id if rec.whole else where, rec.reason or "")
            continue
        if not rec.is_page:
            others[rec.kind] += 1
            continue
        told = True
        taken = _warc_key(rec, seen, form)
        if taken is None and again:
            return
        if taken is None:
            what = ("WARC-Record-ID", rec.record_id) if rec.record_id else ("WARC-Target-URI", rec.uri)
            yield rec.offset, 0, Skipped(where, f"duplicate {what[0]!r} {what[1]!r}")
            continue
        key, number = taken
        seen.add(key)
        place = 4 * rec.within + number
        if rec.oversized:
            yield rec.offset, place, Skipped(where, record_too_large(max_bytes))
        elif rec.reason is not None or rec.page is None:
            yield rec.offset, place, Skipped(where, rec.reason or "no page")
        else:
            yield rec.offset, place, _warc_document(rec.page, rec.charset, f"{source.id}#{key}", source, where)
    if not again and not told:
        counted = ", ".join(f"{n} {kind}" for kind, n in others.items())
        total = sum(others.values())
        yield 0, 0, Skipped(source.id, f"no HTML pages ({total} {'record' if total == 1 else 'records'}: {counted})")


def _warc_key(rec: warc.Record, seen: set[str], form: int | None) -> tuple[str, int] | None:
    """A page's key (its id after ``file#``) and its form: ``form``'s (a page read again), else the
    first not in ``seen``; None when there is none (the same record twice)."""
    record_id = rec.record_id.strip("<>")
    base = rec.uri or record_id or str(rec.offset)
    forms = (base, f"{base}@{rec.date}" if rec.date else None, f"{base}@{record_id}" if record_id else None)
    for number, key in zip(WARC_ID_FORMS, forms):
        if key is not None and (number == form if form is not None else key not in seen):
            return key, number
    return None


def _warc_document(page: bytes, charset: str | None, ident: str, source: Source, where: str) -> Document | Skipped:
    """A page of a web archive, read as an HTML file is (its declared charset first)."""
    try:
        text, encoding = decode(page, path=where, charset=charset)
        return parse_html(text, id=ident, path=source.path, encoding=encoding)
    except DocumentError as err:
        return Skipped(where, "an empty page" if err.reason == "empty file" else err.reason)


def record_document(
    source: Source,
    text: object,
    key: object,
    number: int,
    seen: set[str],
    *,
    text_field: str,
    id_field: str,
    format: str,
    paragraphs: bool = True,
) -> Document | Skipped:
    """One record of a JSONL or Parquet file (record ``number``, 1-based) as a Document.

    ``text`` and ``key`` are the values of the text and id fields (:meth:`dedup.fields.FieldPath.get`),
    None for none. The text field must be a string with some text (a record without one is
    skipped, and one without the field at all is best skipped by the caller, which can say what
    fields it has); the id is ``file#<id field>``, or ``file#<number>`` without one; an id
    already in ``seen`` (which this adds to) is skipped as a duplicate. A record skipped is
    named ``file:<number>``.
    """
    where = f"{source.id}:{number}"
    if not isinstance(text, str):
        missing = "no" if text is None else "a non-string"
        return Skipped(where, f"{missing} {text_field!r} field (see --text-field)")
    if key is None or isinstance(key, (dict, list)):
        key = str(number)
    elif isinstance(key, bool):  # as the file spells it: #true, not Python's #True
        key = "true" if key else "false"
    else:
        key = str(key)
    ident = f"{source.id}#{key}"
    if ident in seen:
        return repeated_record(source.id, source.format, ident, number, id_field=id_field)
    seen.add(ident)
    try:
        return parse_text(text, id=ident, path=source.path, format=format, encoding="utf-8", paragraphs=paragraphs)
    except DocumentError:  # the file is not empty: its record's text is, named by line as other bad records are
        if not text:
            return Skipped(where, f"an empty {text_field!r} field")
        return Skipped(where, f"no text in the {text_field!r} field (only whitespace)")


def repeated_record(source_id: str, format: str, ident: str, number: int, *, id_field: str) -> Skipped:
    """The Skipped of document ``ident``, read at ``number`` (line, or row) of a source, when an
    earlier document has that id: ``file:<number>``, ``duplicate 'id' 'key'``.

    :func:`record_document` finds repeats within the part of a file it is given; the engines
    find those across parts (8 MiB spans, row groups) and name them the same way. A file whose
    name is another document's id (``a.jsonl#1`` beside ``a.jsonl``) is named by that id.
    """
    prefix = f"{source_id}#"
    if format not in ("jsonl", "parquet") or not ident.startswith(prefix):
        return Skipped(ident, "duplicate id (a record with this id came earlier)")
    return Skipped(f"{source_id}:{number}", f"duplicate {id_field!r} {ident[len(prefix):]!r}")


def _json_reason(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        # some messages end in "at" ("Unterminated string starting at"): the column completes them
        return f"{err.msg} column {err.colno}" if err.msg.endswith(" at") else f"{err.msg} at column {err.colno}"
    if isinstance(err, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(err):
        return f"an integer of more than {sys.get_int_max_str_digits()} digits"
    return str(err).split("\n", 1)[0]


# --------------------------------------------------------------------------- text -> Document


def parse_text(
    text: str, *, id: str, path: str = "", format: str = "text", encoding: str = "utf-8", paragraphs: bool = True
) -> Document:
    """Make a Document of decoded text. Raises DocumentError when there is no text.

    ``paragraphs=False`` leaves the paragraphs out (for callers that need only the text and
    perhaps :func:`count_paragraphs`); the verdict on whether there is any text is the same.
    """
    if paragraphs:
        found = split_paragraphs(text)
    else:
        found = None if has_paragraphs(text) else ()
    if found == ():
        raise DocumentError(id, "no text (only whitespace)" if text else "empty file")
    return Document(id, text, found or (), path, format, encoding)


def parse_html(text: str, *, id: str, path: str = "", encoding: str = "utf-8", format: str = "html") -> Document:
    """A Document of an HTML page's visible text (:func:`dedup.html_text.visible_text`), one
    paragraph per block element; offsets point into the extracted text. ``format`` is the
    Document's (``"mhtml"`` for the page of a saved web page)."""
    extracted = visible_text(text, id=id)
    return Document(id, extracted, split_paragraphs(extracted), path, format, encoding)


def parse_markdown(text: str, *, id: str, path: str = "", encoding: str = "utf-8", paragraphs: bool = True) -> Document:
    """A Document of a Markdown document's visible text (:func:`dedup.markdown_text.visible_text`:
    front matter dropped but for its title, the first paragraph; rendered as CommonMark with
    tables), one paragraph per block; offsets point into the extracted text. ``paragraphs=False``:
    see :func:`parse_text`."""
    if not has_paragraphs(text):  # empty, or only white space: said as for a text file
        return parse_text(text, id=id, path=path, format="markdown", encoding=encoding, paragraphs=paragraphs)
    extracted = markdown_visible_text(text, id=id)
    return parse_text(extracted, id=id, path=path, format="markdown", encoding=encoding, paragraphs=paragraphs)
