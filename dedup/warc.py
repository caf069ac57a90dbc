"""Web archives (ISO 28500: ``.warc``, ``.warc.gz``) -> the HTML pages they captured.

A WARC file is a run of records: a ``WARC/1.0`` (or ``WARC/1.1``) line, named headers, a blank
line, ``Content-Length`` bytes of block, then ``\\r\\n\\r\\n``. A ``.warc.gz`` holds the same bytes
gzipped, by convention one gzip member per record (Heritrix, wget, Common Crawl), which is what
lets a record be read again from the offset of its member; a file gzipped whole (one member,
or blocks cut anywhere) is read too. A *page* is a ``response`` record whose HTTP response is
an HTML page (status 200, ``text/html`` or ``application/xhtml+xml``), its body decoded as the
server sent it (``Transfer-Encoding: chunked``, ``Content-Encoding: gzip``, ``deflate``, ``br``
where the ``brotli`` module is installed), or a ``resource`` record of those types. Every other
record (``warcinfo``, ``request``, ``metadata``, ``revisit``, images, redirects, errors) is not
an article: :func:`records` yields it as a :class:`Record` with no page, and its bytes are
passed over without being kept.

Nothing here makes Documents or raises for bad input: :mod:`dedup.document` turns pages into
Documents with the HTML reader, and a record that cannot be read is a Record with a ``reason``
(a truncated record, a bad gzip member, bytes that are not a record), after which reading goes
on from the next record (the next gzip member, or the next ``WARC/`` line).
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# The media types of pages (the HTTP Content-Type, or a resource record's): those of a saved page's.
from dedup.mhtml import HTML_TYPES

__all__ = ["HTML_TYPES", "PAGE_TYPES", "Record", "is_gzip", "records"]

#: The record types that may hold a page: a captured HTTP response, a resource kept as it was.
PAGE_TYPES = frozenset({"response", "resource"})

#: Bytes of one record's WARC headers (or of its HTTP headers) read before it is given up.
MAX_HEAD = 1 << 20
#: Bytes of an oversized record's block read to see whether it is a page (HTTP headers are short).
PEEK = 1 << 16
#: Bytes read from the file, and bytes of output asked of zlib, at a time.
CHUNK = 1 << 16

_GZIP_MAGIC = b"\x1f\x8b"
_VERSION = re.compile(rb"WARC/\d+\.\d+\r?\n")
_NOT_A_FILE = "not a WARC file (it does not start with a WARC/1.x line)"
_NOT_A_RECORD = "not a WARC record (no WARC/1.x line here; read on from the next one)"


@dataclass(frozen=True, slots=True)
class Record:
    """One record of a WARC file, or bytes that are not one (``kind`` ``""``, with a ``reason``).

    ``offset`` and ``within`` say where to read it again (``records(fh, start=offset,
    within=within, one=True)``): in a ``.warc``, the offset of its ``WARC/`` line and 0; in a
    ``.warc.gz``, the offset of the gzip member it starts in and the uncompressed bytes before it
    in that member (0 when every record is a member). ``kind`` is its ``WARC-Type``, lower case;
    ``uri`` its ``WARC-Target-URI`` (without the angle brackets some writers put round it);
    ``page`` the HTML of a page, as served after its transfer and content codings are undone,
    with the ``charset`` its Content-Type declares; None for a record that is not a page.
    ``reason`` says why a page (or what is at ``offset``) cannot be read; ``oversized`` that it is a
    page over ``max_bytes``; ``whole`` that the reason is about the whole file (``empty file``,
    ``not a WARC file``).
    """

    offset: int
    within: int
    kind: str
    uri: str = ""
    date: str = ""
    record_id: str = ""
    page: bytes | None = None
    charset: str | None = None
    reason: str | None = None
    oversized: bool = False
    whole: bool = False

    @property
    def is_page(self) -> bool:
        """Whether it is a page: one read, or one that cannot be (``reason``, ``oversized``)."""
        return self.kind != "" and (self.page is not None or self.reason is not None or self.oversized)


def is_gzip(head: bytes) -> bool:
    """Whether a file starting with ``head`` is gzipped (``.warc.gz``); else it is read as it is."""
    return head.startswith(_GZIP_MAGIC)


class _Broken(Exception):
    """The file's bytes cannot be read on from here: a bad or truncated gzip member at ``offset``."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset
        self.reason = reason


class _Stream:
    """The bytes of a WARC file from the offset ``start``, gunzipped member by member when ``gz``.

    Positions are counted in the uncompressed bytes from ``start``; :meth:`place` turns one into
    the ``(offset, within)`` that reads it again. Raises :class:`_Broken` for a bad gzip member;
    :meth:`resync` then goes on from the next member.
    """

    def __init__(self, fh: BinaryIO, start: int, gz: bool) -> None:
        self._fh = fh
        self._gz = gz
        self._buf = bytearray()
        self._i = 0  # bytes of _buf already read
        self._pos = 0  # the position of _buf[0]
        self._starts = [0]  # each member's start, as a position ...
        self._offsets = [start]  # ... and as a file offset (one entry for a plain file)
        self._raw = b""  # gzipped bytes read from the file, not yet given to zlib
        self._raw_end = start  # the file offset just past them
        self._z = zlib.decompressobj(31)  # unused in a plain file
        self._fed = False  # the current member has been given bytes
        self._done = False

    def tell(self) -> int:
        return self._pos + self._i

    def place(self, pos: int) -> tuple[int, int]:
        """``(offset, within)`` of position ``pos`` (positions asked for only ever grow)."""
        if not self._gz:
            return self._offsets[0] + pos, 0
        k = bisect_right(self._starts, pos) - 1
        if k > 0:  # earlier members are never asked for again
            del self._starts[:k], self._offsets[:k]
        return self._offsets[0], pos - self._starts[0]

    def _append(self, data: bytes) -> None:
        if self._i and self._i * 2 >= len(self._buf):
            del self._buf[: self._i]
            self._pos += self._i
            self._i = 0
        self._buf += data

    def _more(self) -> bool:
        """Add some bytes to the buffer; False at the end of the file."""
        if self._done:
            return False
        if not self._gz:
            block = self._fh.read(CHUNK)
            if not block:
                self._done = True
                return False
            self._append(block)
            return True
        z = self._z
        while True:
            if z.eof:  # the member ended: the next one starts where its bytes ended
                self._raw = z.unused_data
                self._starts.append(self.tell() + len(self._buf) - self._i)
                self._offsets.append(self._raw_end - len(self._raw))
                self._z = z = zlib.decompressobj(31)
                self._fed = False
            if not self._raw:
                self._raw = self._fh.read(CHUNK)
                self._raw_end += len(self._raw)
                if not self._raw:
                    self._done = True
                    if self._fed:
                        raise _Broken(self._offsets[-1], "truncated gzip member")
                    if len(self._starts) > 1:  # no member after the last one: drop its entry
                        self._starts.pop()
                        self._offsets.pop()
                    return False
            self._fed = True
            try:
                out = z.decompress(self._raw, CHUNK)
            except zlib.error as err:
                self._done = True
                raise _Broken(self._offsets[-1], f"bad gzip member ({_zlib_reason(err)})") from None
            self._raw = z.unconsumed_tail
            if out:
                self._append(out)
                return True

    def resync(self, after: int) -> None:
        """Go on from the first gzip member header past the file offset ``after`` (a broken
        member's); what was read of the broken member is dropped. At the end of the file when
        there is none."""
        self._buf.clear()
        self._pos, self._i = self._pos + self._i, 0
        self._fh.seek(after + 1)
        at, tail = after + 1, b""
        while block := self._fh.read(CHUNK):
            found = (tail + block).find(b"\x1f\x8b\x08")
            if found >= 0:
                at += found - len(tail)
                break
            at += len(block)
            tail = block[-2:]
        else:
            self._done = True
            return
        self._fh.seek(at)
        self._raw, self._raw_end = b"", at
        self._z, self._fed, self._done = zlib.decompressobj(31), False, False
        self._starts, self._offsets = [self._pos], [at]

    def readline(self, limit: int) -> bytes:
        """The next line with its ``\\n``; at most ``limit`` bytes of a longer one; what is left at the end."""
        while True:
            nl = self._buf.find(b"\n", self._i, self._i + limit)
            if nl >= 0:
                return self._take(nl + 1 - self._i)
            if len(self._buf) - self._i >= limit or not self._more():
                return self._take(min(limit, len(self._buf) - self._i))

    def read(self, n: int) -> bytes:
        """The next ``n`` bytes (fewer at the end of the file)."""
        while len(self._buf) - self._i < n and self._more():
            pass
        return self._take(min(n, len(self._buf) - self._i))

    def skip(self, n: int) -> int:
        """Pass over the next ``n`` bytes without keeping them; how many there were."""
        done = 0
        while done < n:
            if self._i == len(self._buf):
                self._pos += self._i
                self._buf.clear()
                self._i = 0
                if not self._more():
                    break
            step = min(n - done, len(self._buf) - self._i)
            self._i += step
            done += step
        return done

    def _take(self, n: int) -> bytes:
        out = bytes(self._buf[self._i : self._i + n])
        self._i += n
        return out


def _zlib_reason(err: zlib.error) -> str:
    """zlib's words: ``Error -3 while decompressing data: invalid block type`` -> ``invalid block type``."""
    return str(err).rsplit(": ", 1)[-1]


# --------------------------------------------------------------------------- records


def records(
    fh: BinaryIO, *, gz: bool, max_bytes: int, start: int = 0, within: int = 0, one: bool = False
) -> Iterator[Record]:
    """The records of ``fh`` from the file offset ``start`` (``fh`` positioned there), ``within``
    uncompressed bytes into it; ``one``: only the first (a record read again by its place).

    ``gz`` (:func:`is_gzip` of the file's first bytes) says whether it is gzipped. A page whose
    block, or whose body once decoded, is over ``max_bytes`` is ``oversized`` (its bytes are not
    kept); records that are not pages are passed over whatever their size. A whole file that is
    empty, or does not start as a WARC file, is one Record with ``whole`` set.
    """
    stream = _Stream(fh, start, gz)
    whole = start == 0 and within == 0 and not one
    quiet = False  # after a bad gzip member, until a record is read: the same damage, said once
    lost = False  # after bytes that are not a record: pass over lines up to the next WARC/ line
    seen = 0
    try:
        if within and stream.skip(within) < within:
            return
    except _Broken as err:
        yield Record(err.offset, 0, "", reason=err.reason)
        return
    while True:
        try:
            at = stream.tell()
            line = stream.readline(MAX_HEAD)
            if not line:
                break
            if not _VERSION.fullmatch(line):
                if lost or not line.strip():
                    continue
                if whole and not seen:
                    yield Record(0, 0, "", reason=_NOT_A_FILE, whole=True)
                    return
                seen += 1
                yield Record(*stream.place(at), "", reason=_NOT_A_RECORD)
                if one:
                    return
                lost = True
                continue
            record = _record(stream, at, line, max_bytes)
        except _Broken as err:
            if not quiet:
                yield Record(err.offset, 0, "", reason=err.reason)
            if one:
                return
            seen += 1
            quiet, lost = True, False
            stream.resync(err.offset)
            continue
        seen += 1
        quiet, lost = False, record.kind == ""  # a bad record: its block is not read as records
        yield record
        if one:
            return
    if whole and not seen:
        yield Record(0, 0, "", reason="empty file" if stream.tell() == 0 else "no WARC records (only blank lines)",
                     whole=True)


def _record(stream: _Stream, at: int, first: bytes, max_bytes: int) -> Record:
    """The record whose ``WARC/`` line (``first``) was read at position ``at``: its headers and block."""
    offset, within = stream.place(at)
    headers: dict[str, str] = {}
    size, name = len(first), ""
    while True:
        line = stream.readline(MAX_HEAD)
        size += len(line)
        if not line.endswith(b"\n"):
            if size > MAX_HEAD:
                return Record(offset, within, "", reason=f"WARC headers longer than {MAX_HEAD // 1024} KiB")
            return Record(offset, within, "", reason="truncated record (it ends in its headers)")
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and name:  # a header continued on the next line
            headers[name] += " " + _text(line.strip())
            continue
        key, colon, value = line.partition(b":")
        if colon:
            name = _text(key.strip()).lower()
            headers[name] = _text(value.strip())
    length_text = headers.get("content-length", "")
    if not (length_text.isascii() and length_text.isdigit()):
        got = f" (got {length_text!r})" if length_text else ""
        return Record(offset, within, "", reason=f"no Content-Length{got}")
    length = int(length_text)
    kind = headers.get("warc-type", "").lower() or "unknown"
    uri = headers.get("warc-target-uri", "").strip().removeprefix("<").removesuffix(">")
    meta = (uri, headers.get("warc-date", ""), headers.get("warc-record-id", ""))  # Record's uri, date, record_id
    if kind not in PAGE_TYPES:
        got = stream.skip(length)
        if got < length:
            return _truncated(offset, within, got, length)
        return Record(offset, within, kind, *meta)
    if length > max_bytes:  # read what says whether it is a page, pass over the rest
        head = stream.read(min(length, PEEK))
        got = len(head) + stream.skip(length - len(head))
        if got < length:
            return _truncated(offset, within, got, length)
        page = _page(kind, headers, head, max_bytes, peek=True)
        return Record(offset, within, kind, *meta, oversized=page is not None)
    block = stream.read(length)
    if len(block) < length:
        return _truncated(offset, within, len(block), length)
    page = _page(kind, headers, block, max_bytes)
    if page is None:
        return Record(offset, within, kind, *meta)
    body, charset, reason = page
    if reason == "oversized":
        return Record(offset, within, kind, *meta, oversized=True)
    return Record(offset, within, kind, *meta, page=body, charset=charset, reason=reason)


def _truncated(offset: int, within: int, got: int, length: int) -> Record:
    return Record(offset, within, "", reason=f"truncated record (only {got} of its {length} bytes)")


def _text(raw: bytes) -> str:
    """A header's bytes as text: UTF-8 (WARC 1.1), other bytes kept as file names keep theirs."""
    return raw.decode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------- pages


def _page(
    kind: str, headers: dict[str, str], block: bytes, max_bytes: int, *, peek: bool = False
) -> tuple[bytes, str | None, str | None] | None:
    """``(html, charset, reason)`` of a page (reason ``"oversized"`` past ``max_bytes`` once decoded),
    or None for a record that is not one. ``peek``: ``block`` is the start of the record's block,
    enough to tell whether it is a page (the html is then left empty)."""
    if kind == "resource":
        media, charset = _media_type(headers.get("content-type", ""))
        return (b"" if peek else block, charset, None) if media in HTML_TYPES else None
    if not block.startswith(b"HTTP/"):  # dns:, whois: ... responses are not web pages
        return None
    end, gap = block.find(b"\r\n\r\n"), 4
    if end < 0:  # some writers end the headers' lines with \n alone
        end, gap = block.find(b"\n\n"), 2
    head, body = (block[:end], block[end + gap :]) if end >= 0 else (block, b"")
    lines = head.splitlines()
    status = lines[0].split(None, 2)
    if len(status) < 2 or status[1] != b"200":
        return None
    http: dict[str, str] = {}
    for line in lines[1:]:
        key, colon, value = line.partition(b":")
        if colon:
            name = key.strip().decode("latin-1").lower()
            value_text = value.strip().decode("latin-1")
            http[name] = f"{http[name]}, {value_text}" if name in http and name != "content-type" else value_text
    media, charset = _media_type(http.get("content-type", ""))
    if media not in HTML_TYPES:
        return None
    if peek:
        return b"", charset, None
    codings = [c.strip().lower() for c in http.get("content-encoding", "").split(",") if c.strip()]
    transfer = [c.strip().lower() for c in http.get("transfer-encoding", "").split(",") if c.strip()]
    if transfer and transfer[-1] == "chunked":
        transfer.pop()
        body = _dechunk(body)
    for coding in reversed(codings + transfer):
        body, reason = _undo(coding, body, max_bytes)
        if reason is not None:
            return body, charset, reason
    return body, charset, None


def _media_type(value: str) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` for ``text/html; charset="UTF-8"``."""
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").strip() or None
    return media.strip().lower(), charset


def _dechunk(body: bytes) -> bytes:
    """A body in chunked transfer coding, joined; as it is when it is not chunked after all (some
    writers keep the header of a body they stored joined), and what came of one cut short."""
    out = bytearray()
    i = 0
    while True:
        nl = body.find(b"\n", i)
        if nl < 0:
            return bytes(out) if out else body
        size_text = body[i:nl].split(b";", 1)[0].strip()
        if not size_text or not all(c in b"0123456789abcdefABCDEF" for c in size_text):
            return bytes(out) if out else body
        size = int(size_text, 16)
        if size == 0:
            return bytes(out)
        out += body[nl + 1 : nl + 1 + size]
        i = nl + 1 + size
        if i >= len(body):
            return bytes(out)
        i += 2 if body.startswith(b"\r\n", i) else 1 if body.startswith(b"\n", i) else 0


def _undo(coding: str, body: bytes, max_bytes: int) -> tuple[bytes, str | None]:
    """``body`` with one content coding undone, and None; or why it cannot be (``"oversized"``
    past ``max_bytes``)."""
    if coding in ("identity", ""):
        return body, None
    try:
        if coding in ("gzip", "x-gzip"):
            if not body.startswith(_GZIP_MAGIC):  # stored already decoded, the header kept
                return body, None
            return _inflate(body, 31, max_bytes), None
        if coding == "deflate":  # zlib's format, as the RFC says, or raw deflate, as some servers send it
            try:
                return _inflate(body, 15, max_bytes), None
            except zlib.error:
                return _inflate(body, -15, max_bytes), None
        if coding == "br":
            return _unbrotli(body, max_bytes)
    except zlib.error as err:
        return body, f"a body that is not valid {coding} ({_zlib_reason(err)})"
    except _Oversized:
        return body, "oversized"
    return body, f"a body in an unknown Content-Encoding ({coding!r})"


class _Oversized(Exception):
    pass


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    """``data`` inflated (every gzip member of it), at most ``limit`` bytes (else _Oversized); a
    stream cut short gives what came (Common Crawl cuts bodies at 1 MiB: ``WARC-Truncated``)."""
    out = bytearray()
    while data:
        z = zlib.decompressobj(wbits)
        out += z.decompress(data, limit + 1 - len(out))
        if len(out) > limit or z.unconsumed_tail:
            raise _Oversized
        if not z.eof or wbits != 31:
            break
        data = z.unused_data
        if not data.startswith(_GZIP_MAGIC):
            break
    return bytes(out)


def _unbrotli(body: bytes, limit: int) -> tuple[bytes, str | None]:
    try:
        import brotli  # type: ignore[import-not-found]  # noqa: PLC0415 - optional: read where installed
    except ImportError:
        return body, "a Brotli-compressed body (pip install brotli to read it)"
    try:
        out = brotli.decompress(body)
    except brotli.error as err:
        return body, f"a body that is not valid br ({err})"
    if len(out) > limit:
        raise _Oversized
    return out, None
