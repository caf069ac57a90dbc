"""Read files and folders into Documents: the only module that reads user files.

A :class:`Document` is the decoded text of one article with its paragraphs, each
paragraph carrying its character offsets in that text, so that every later stage
can point back into the file. Reading never writes anything and never raises for
one bad file: :func:`read` yields a :class:`Skipped` with a short reason instead.

>>> doc = parse_text("Title\\n\\nFirst paragraph.\\nCredit/AP", id="a.txt")
>>> [(p.start, p.end, p.text) for p in doc.paragraphs]
[(0, 5, 'Title'), (7, 23, 'First paragraph.'), (24, 33, 'Credit/AP')]
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dedup.errors import DocumentError

__all__ = [
    "MAX_BYTES",
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
    "count_paragraphs",
    "paragraph_numbers",
    "parse_text",
    "read",
    "record_document",
    "split_paragraphs",
    "too_large",
]

#: Files (and JSONL records) larger than this are skipped; ``max_bytes=`` changes it.
MAX_BYTES = 32 * 1024 * 1024

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
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: ``text == document.text[start:end]``, stripped of surrounding whitespace."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """The decoded text of one article and its paragraphs.

    ``id`` is the POSIX path relative to the scanned root (``path#key`` for a JSONL
    record); ``path`` is the file it was read from; ``text`` is the decoded text
    (for HTML, the visible text extracted from it, one block per paragraph).
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


def paragraph_numbers(indexes, side: str = "") -> str:
    """Paragraph names for people, 1-based, runs collapsed: ``B3-B5, B9`` (``3-5, 9`` without a side)."""
    nums = sorted({i + 1 for i in indexes})
    parts: list[str] = []
    k = 0
    while k < len(nums):
        j = k
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        parts.append(f"{side}{nums[k]}" if j == k else f"{side}{nums[k]}-{side}{nums[j]}")
        k = j + 1
    return ", ".join(parts)


# --------------------------------------------------------------------------- paths


def find_sources(
    paths: Sequence[str | os.PathLike[str]], *, hidden: bool = False, suffixes: Mapping[str, str] = SUFFIXES
) -> tuple[list[Source], list[Skipped]]:
    """Expand files and folders into readable sources, in sorted order.

    Folders are walked recursively; only files with a suffix in :data:`SUFFIXES` are
    taken from them, and names starting with ``.`` are left out unless ``hidden``.
    Ids are POSIX paths relative to the scanned root: the folder given, or the common
    parent folder of everything given. A file reached twice (two arguments, symbolic
    links) is read once. Symbolic links found in a folder are followed as long as they
    stay inside the folders given: one that leads out of them (``link -> /``, ``x.txt ->
    ~/.ssh/...`` in an unpacked archive) is skipped, so a folder cannot make dedup read,
    and show, files the user did not name. Nothing is opened here beyond ``stat`` and
    ``scandir``.
    ``suffixes`` maps the suffixes taken from folders to formats (the Ray engine adds Parquet).
    """
    if not paths:
        raise ValueError("paths: give at least one file or folder")
    given = [os.path.abspath(os.fspath(p)) for p in paths]
    root = _scan_root(given)
    folders = tuple(os.path.realpath(p) for p in given if os.path.isdir(p))
    sources: list[Source] = []
    skipped: list[Skipped] = []
    seen: dict[tuple[int, int], str] = {}

    def add_file(path: str, st: os.stat_result, explicit: bool) -> None:
        suffix = os.path.splitext(path)[1].lower()
        fmt = suffixes.get(suffix)
        if fmt is None:
            if not explicit:
                return
            fmt = "text"
        ident = _relative_id(path, root)
        key = (st.st_dev, st.st_ino)
        if key in seen:
            if seen[key] != ident:  # another name for it (a link); the same path twice is no news
                skipped.append(Skipped(ident, f"same file as {seen[key]}"))
            return
        seen[key] = ident
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
                if suffixes.get(os.path.splitext(entry.name)[1].lower()):
                    skipped.append(Skipped(_relative_id(entry.path, root), "broken symbolic link"))
                continue
            except OSError as err:
                skipped.append(Skipped(_relative_id(entry.path, root), _os_reason(err)))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            known = is_dir or suffixes.get(os.path.splitext(entry.name)[1].lower())
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
    file (or one JSONL record); ``text_field``/``id_field`` name the JSONL keys.
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
    ``start`` must be the start of a line, ``first_line`` its 1-based number. For any
    other file the whole file is one item at offset 0, line 1. The offset and line
    are what :func:`load_at` takes to read the same item again. ``paragraphs=False``: see
    :func:`parse_text` (HTML documents always come with their paragraphs).
    """
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
    yield _parse_bytes(data, source, max_bytes=max_bytes, paragraphs=paragraphs)


def _parse_bytes(data: bytes, source: Source, *, max_bytes: int, paragraphs: bool = True) -> Document | Skipped:
    try:
        if len(data) > max_bytes:
            raise DocumentError(
                source.path, too_large(len(data), max_bytes)
            )
        text, encoding = decode(data, path=source.id)
        if source.format == "html":
            return parse_html(text, id=source.id, path=source.path, encoding=encoding)
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
    if source.format != "jsonl":
        whole = next(load_span(source, **fields))[2]
        return [whole for _ in places]
    gone = [Skipped(source.id, f"no record at byte {o} any more (changed while reading?)") for o, _ in places]
    try:
        fh = open(source.path, "rb")
    except OSError as err:
        return [Skipped(source.id, _os_reason(err)) for _ in places]
    out: list[Document | Skipped] = []
    with fh:
        for (offset, line), missing in zip(places, gone):
            fh.seek(offset)
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


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """The file's bytes, at most ``max_bytes`` (else DocumentError). Plain ``os.read``:
    a buffered ``read(max_bytes + 1)`` would allocate the whole limit for every file."""
    try:
        # O_NONBLOCK: a FIFO put where a file was must not hang the run (no effect on files).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
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
        raise DocumentError(path, f"too large (over the {_size(max_bytes)} limit, see --max-bytes)")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def too_large(size: int, limit: int) -> str:
    """The reason given for a file over ``max_bytes``: ``too large (100.0 MiB; the limit is 32.0 MiB, ...)``."""
    return f"too large ({_size(size)}; the limit is {_size(limit)}, see --max-bytes)"


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
            yield here, lineno, Skipped(where, f"record too large (over the {_size(max_bytes)} limit, see --max-bytes)")
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
        yield here, lineno, record_document(
            source,
            record.get(text_field),
            record.get(id_field),
            lineno,
            seen_ids,
            text_field=text_field,
            id_field=id_field,
            format="jsonl",
            paragraphs=paragraphs,
        )
    if start == 0 and not records and not fh.read(1):  # the whole file, and not one record in it
        yield 0, first_line, Skipped(source.id, "empty file" if offset == 0 else "no records (only blank lines)")


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

    The text field must be a string; the id is ``file#<id field>``, or ``file#<number>``
    without one; an id already in ``seen`` (which this adds to) is skipped as a duplicate.
    """
    where = f"{source.id}:{number}"
    if not isinstance(text, str):
        missing = "no" if text is None else "a non-string"
        return Skipped(where, f"{missing} {text_field!r} field (see --text-field)")
    key = str(number) if key is None or isinstance(key, (dict, list)) else str(key)
    ident = f"{source.id}#{key}"
    if ident in seen:
        return Skipped(where, f"duplicate {id_field!r} {key!r}")
    seen.add(ident)
    try:
        return parse_text(text, id=ident, path=source.path, format=format, encoding="utf-8", paragraphs=paragraphs)
    except DocumentError as err:
        return Skipped(ident, err.reason)


def _json_reason(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg} at column {err.colno}"
    if isinstance(err, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(err):
        return f"an integer of more than {sys.get_int_max_str_digits()} digits"
    return str(err).split("\n", 1)[0]


# --------------------------------------------------------------------------- decoding

# File signatures of common binary formats, so the reason can name the format.
_MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 control characters other than tab, newlines, vertical tab and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
#: Share of control characters above which decoded text is treated as binary.
BINARY_CONTROL_RATIO = 0.01


def decode(data: bytes, *, path: str = "<bytes>") -> tuple[str, str]:
    """Decode file contents: UTF-8 first, then BOMs, then charset-normalizer.

    Returns ``(text, encoding)``. Raises :class:`DocumentError` for empty, binary or
    undecodable data. A leading BOM is not part of the text.
    """
    if not data:
        raise DocumentError(path, "empty file")
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(path, f"binary file ({name})")
    text = encoding = None
    bad_bom = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(codec), codec
                break
            except UnicodeDecodeError:  # UTF-16 LE starting with U+0000 looks like UTF-32 LE: try the next
                bad_bom = bad_bom or codec
    if text is None and bad_bom:
        raise DocumentError(path, f"invalid {bad_bom.upper()} after its byte order mark")
    if text is None and b"\x00" in data[:4096]:
        # UTF-16 without a BOM is valid UTF-8 full of NULs: look for it first.
        utf16 = _sniff_utf16(data)
        if utf16:
            try:
                text, encoding = data.decode(utf16), utf16
            except UnicodeDecodeError:
                pass
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text = _mostly_utf8(data)
            encoding = "utf-8"
            if text is None:
                text, encoding = _decode_other(data, path)
    if encoding in ("utf-8", "utf-8-sig"):  # control characters are single bytes: count those, much faster
        sample = data[:65536]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    else:
        sample = text[:65536]
        controls = len(_CONTROL.findall(sample))
    if controls > BINARY_CONTROL_RATIO * len(sample):
        raise DocumentError(path, f"binary file ({controls} control characters in the first {len(sample)})")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


#: UTF-8 with a few bad bytes (a scrape cut mid-character, one stray Latin-1 byte) stays UTF-8, the
#: bad bytes replaced by U+FFFD, while at least this many of its non-ASCII characters are valid.
MIN_VALID_UTF8_SHARE = 0.8
_NON_ASCII = bytes(range(0x80, 0x100))


def _mostly_utf8(data: bytes) -> str | None:
    """The text of UTF-8 data with a few invalid bytes, or None when it does not look like UTF-8.

    Guessing another encoding for the whole file would turn every accented letter into
    mojibake (charset-normalizer reads such a file as cp932 or cp1252); files with no valid
    multi-byte character at all (Latin-1, cp1252) are left to the guess.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(data.translate(None, _NON_ASCII))  # ASCII bytes decode one to one
    return text if non_ascii - bad >= MIN_VALID_UTF8_SHARE * non_ascii else None


def _decode_other(data: bytes, path: str) -> tuple[str, str]:
    if b"\x00" in data[:8192]:
        raise DocumentError(path, "binary file (NUL bytes, and not UTF-16)")
    from charset_normalizer import from_bytes  # only files that are not UTF-8 pay for it

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise DocumentError(path, "not UTF-8, and no other text encoding fits")
    # Equally good guesses come in name order, so cp1250 beats cp1252 on a tie, and French,
    # Spanish or Portuguese in Latin-1 came out with ŕ for à and č for è. On a tie, take
    # windows-1252: the web's default for legacy text (WHATWG), and by far the most common.
    for match in results:
        if match.encoding == "cp1252" and match.chaos <= best.chaos and match.coherence >= best.coherence:
            best = match
            break
    return str(best), best.encoding


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


# --------------------------------------------------------------------------- paragraphs

# Line breaks: CRLF, LF, CR and the Unicode line/paragraph separators.
_LINE = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x85]*")
# A bullet or numbered list item at the start of a line.
_BULLET = re.compile(r"[ \t\xa0]*(?:[•·▪▫◦‣⁃●○■□►▸➢✓✔*+\-–—]|\d{1,3}[.)])[ \t\xa0]+\S")
# A Markdown ATX heading or a horizontal rule.
_MD_BLOCK = re.compile(r"[ \t]{0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$)")
# A photo credit line: "Photo: ...", "(Getty Images)", "Name Surname/AGENCY".
_CREDIT = re.compile(
    r"(?i:(?:photo|image|picture|credit|source|video|illustration)s?(?: by)?\s*[:|]"
    r"|\(?(?:getty images|reuters|ap photo|afp|epa|shutterstock)\b)"
    r"|[^\n/]{1,60}/\s*[A-Z][A-Z.&\- ]+\)?$"
)
_SENTENCE_END = ('.', '!', '?', '"', '\u201d', '\u2019', "'", ')', ':')
#: Lines longer than this are never hard-wrapped prose: every line break separates paragraphs.
WRAP_WIDTH = 100


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Split text into paragraphs with their character offsets.

    Paragraphs end at blank lines, and at line breaks that separate blocks: a bullet
    line, a Markdown heading, a caption line followed by its credit line, or any line
    break in a block whose lines are too long or too uneven to be hard-wrapped prose.
    Line breaks inside hard-wrapped prose (lines of similar length, each "full") are
    kept inside the paragraph.
    """
    if ("\r" not in text or text.count("\r") == text.count("\r\n")) and not any(c in text for c in _OTHER_BREAKS):
        return _split_fast(text)
    return _split_lines(text)


# Line terminators other than LF and CRLF: texts holding one take the line-by-line path.
_OTHER_BREAKS = ("\u2028", "\u2029", "\x0b", "\x0c", "\x85")
# What surrounds a line's content: Unicode whitespace, zero-width spaces and byte order marks.
_STRIP = (  # every character for which str.isspace() is true (tests/test_document.py checks it)
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
) + "\u200b\ufeff"


# A block: a run of lines that hold something besides white space (the fast path's unit).
_CONTENT = r"[^\n]*[^\s\u200b\ufeff][^\n]*"
_BLOCK = re.compile(rf"(?m)^{_CONTENT}(?:\n{_CONTENT})*")


def _split_fast(text: str) -> tuple[Paragraph, ...]:
    """split_paragraphs for text whose only line breaks are LF and CRLF (CR is stripped as space).

    Blocks (runs of non-blank lines) are found by one regular expression; a block of one
    line, the common case, is a paragraph without looking at its lines.
    """
    paragraphs: list[Paragraph] = []
    append = paragraphs.append
    for m in _BLOCK.finditer(text):
        raw = m.group()
        start = m.start() + len(raw) - len(raw.lstrip(_STRIP))
        content = raw.strip(_STRIP)
        if "\n" not in content:
            append(Paragraph(len(paragraphs), start, start + len(content), content))
            continue
        _add_block(text, _block_lines(raw, m.start()), paragraphs)
    return tuple(paragraphs)


def _block_lines(raw: str, pos: int) -> list[tuple[int, int]]:
    """The stripped spans of the lines of a block found by _BLOCK at ``pos`` (each has content)."""
    lines = []
    for line in raw.split("\n"):
        start = pos + len(line) - len(line.lstrip(_STRIP))
        lines.append((start, start + len(line.strip(_STRIP))))
        pos += len(line) + 1
    return lines


def _add_block(text: str, block: list[tuple[int, int]], paragraphs: list[Paragraph]) -> None:
    for start, end in _split_block(text, block):
        paragraphs.append(Paragraph(len(paragraphs), start, end, text[start:end]))


def _split_lines(text: str) -> tuple[Paragraph, ...]:
    """split_paragraphs line by line, for any line terminator."""
    paragraphs: list[Paragraph] = []
    block: list[tuple[int, int]] = []

    def flush() -> None:
        if block:
            _add_block(text, block, paragraphs)
            block.clear()

    pos, n = 0, len(text)
    while pos <= n:
        m = _LINE.match(text, pos)
        start, end = m.start(), m.end()
        s, e = _strip_span(text, start, end)
        if s < e:
            block.append((s, e))
        else:
            flush()
        if end >= n:
            break
        pos = end + (2 if text.startswith("\r\n", end) else 1)
    flush()
    return tuple(paragraphs)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


def _split_block(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group the stripped lines of one block into paragraphs (see split_paragraphs)."""
    if len(lines) == 1:
        return lines
    strs = [text[s:e] for s, e in lines]
    width = max(len(x) for x in strs)
    out = [lines[0]]
    for i in range(1, len(lines)):
        if _hard_break(text, lines, strs, i, width):
            out.append(lines[i])
        else:
            out[-1] = (out[-1][0], lines[i][1])
    return out


def _hard_break(text: str, lines, strs, i: int, width: int) -> bool:
    prev, cur = strs[i - 1], strs[i]
    if width > WRAP_WIDTH:
        return True
    line_start = _line_start(text, lines[i][0])
    prev_start = _line_start(text, lines[i - 1][0])
    if _BULLET.match(text, line_start) or _MD_BLOCK.match(cur) or _MD_BLOCK.match(prev):
        return True
    if _BULLET.match(text, prev_start):
        # A wrapped list item continues on an indented line; anything else ends it.
        return lines[i][0] - line_start <= lines[i - 1][0] - prev_start
    first_word = cur.split(None, 1)[0]
    if len(prev) + 1 + len(first_word) <= width:
        return True  # the next word would have fitted: the line was ended on purpose
    if prev.endswith(_SENTENCE_END) and i == len(lines) - 1 and not cur.endswith(_SENTENCE_END):
        return True  # a caption followed by its credit line
    return bool(_CREDIT.match(cur)) and i == len(lines) - 1


def _line_start(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1] not in "\r\n\u2028\u2029\x0b\x0c\x85":
        pos -= 1
    return pos


def parse_text(
    text: str, *, id: str, path: str = "", format: str = "text", encoding: str = "utf-8", paragraphs: bool = True
) -> Document:
    """Make a Document of decoded text. Raises DocumentError when there is no text.

    ``paragraphs=False`` leaves the paragraphs out (for callers that need only the text and
    perhaps :func:`count_paragraphs`); the verdict on whether there is any text is the same.
    """
    if paragraphs:
        found = split_paragraphs(text)
    else:  # split_paragraphs finds none exactly when every character is in _STRIP (line breaks are)
        found = () if not text.strip(_STRIP) else None
    if found == ():
        raise DocumentError(id, "no text (only whitespace)" if text else "empty file")
    return Document(id, text, found or (), path, format, encoding)


def count_paragraphs(text: str) -> int:
    """``len(split_paragraphs(text))``, without making the paragraphs (a third of the time)."""
    if ("\r" in text and text.count("\r") != text.count("\r\n")) or any(c in text for c in _OTHER_BREAKS):
        return len(_split_lines(text))
    n = 0
    for m in _BLOCK.finditer(text):
        raw = m.group()
        if "\n" not in raw:  # a block of one line is one paragraph
            n += 1
            continue
        n += len(_split_block(text, _block_lines(raw, m.start())))
    return n


# --------------------------------------------------------------------------- HTML

# Elements whose content is never visible text.
_INVISIBLE = (
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "svg", "math", "canvas", "audio", "video", "select", "datalist", "map", "button",
    "input", "textarea",
)
# Elements that start a new paragraph (HTML's block-level and table elements).
_BLOCKS = (
    "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul", "center", "body",
    "legend", "option", "menu",
)
#: HTML nested deeper than this is skipped: HTML parsers take quadratic time on it.
MAX_HTML_DEPTH = 20_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
# Elements left out of the depth estimate: void elements, and those whose end tag may be omitted.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup rp rt thead tbody tfoot colgroup caption html head body".split()
)
_BLOCK_MARK = "\ue000"  # private-use characters cannot come from the page: _clean_html removes them
_LINE_MARK = "\ue001"
_WS = re.compile(r"[^\S\ue001]+")


def _nesting(html: str) -> int:
    """Deepest element nesting, estimated from the tags alone (close tags may be omitted)."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        if m.group(1):
            depth = max(0, depth - 1)
        elif not m.group(3) and m.group(2).lower() not in _NOT_NESTING:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def parse_html(text: str, *, id: str, path: str = "", encoding: str = "utf-8") -> Document:
    """Extract the visible text of an HTML page, one paragraph per block element.

    Scripts, styles, forms, embedded frames and elements marked ``hidden`` are left
    out; whitespace collapses as a browser collapses it; ``<br>`` becomes a line
    break. The Document's ``text`` is the extracted text, and offsets point into it.
    """
    from selectolax.lexbor import LexborHTMLParser  # noqa: PLC0415 - HTML is rare; keep start-up lean

    text = text.replace(_BLOCK_MARK, " ").replace(_LINE_MARK, " ")
    depth = _nesting(text)
    if depth > MAX_HTML_DEPTH:
        raise DocumentError(id, f"HTML nested too deeply ({depth} levels; the limit is {MAX_HTML_DEPTH})")
    try:
        tree = LexborHTMLParser(text)
    except Exception as err:  # lexbor reports malformed input only in extreme cases
        raise DocumentError(id, f"HTML could not be parsed ({err})") from err
    tree.strip_tags(list(_INVISIBLE))
    for node in tree.css("[hidden], [aria-hidden=true], [style*='display:none'], [style*='display: none']"):
        node.decompose()
    for node in tree.css(",".join(_BLOCKS)):
        node.insert_before(_BLOCK_MARK)
        node.insert_after(_BLOCK_MARK)
    for node in tree.css("br"):
        node.insert_before(_LINE_MARK)
    root = tree.body or tree.root
    raw = root.text(deep=True, separator="", strip=False) if root is not None else ""
    blocks = []
    for block in raw.split(_BLOCK_MARK):
        lines = [_WS.sub(" ", line).strip() for line in block.split(_LINE_MARK)]
        lines = [line for line in lines if line]
        if lines:
            blocks.append("\n".join(lines))
    extracted = "\n\n".join(blocks)
    if not extracted:
        raise DocumentError(id, "no visible text in the HTML")
    return Document(id, extracted, split_paragraphs(extracted), path, "html", encoding)
