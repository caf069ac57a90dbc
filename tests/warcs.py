"""Small web archives written on the spot: WARC records as crawlers write them (ISO 28500).

:func:`warc` joins records into a file's bytes, plain or as ``.warc.gz`` (one gzip member per
record, as Heritrix, wget and Common Crawl write them); :func:`response` is a captured HTTP
response, optionally chunked and gzipped as a server sends it (Common Crawl keeps both).

    >>> data = warc([warcinfo(), request(URI), response(URI, page("Title", ["A paragraph."]))], gz=True)
"""

from __future__ import annotations

import gzip
import uuid
import zlib
from collections.abc import Iterable, Sequence

URI = "https://example.com/news/story?id=7"
DATE = "2024-03-01T10:00:00Z"


def page(title: str, paragraphs: Sequence[str], *, head: str = "") -> str:
    """An article as a small HTML page: its title as ``<h1>``, then one ``<p>`` a paragraph."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!doctype html>\n<html><head>{head}<title>{title}</title></head>\n"
            f"<body><h1>{title}</h1>\n{body}</body></html>\n")


def record(kind: str, block: bytes, headers: Iterable[tuple[str, str]] = (), *, version: str = "1.0") -> bytes:
    """One WARC record: the version line, ``WARC-Type``, the ``headers``, ``Content-Length``, the block, CRLF CRLF."""
    lines = [f"WARC/{version}", f"WARC-Type: {kind}", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def _record_id(seed: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}>"


def warcinfo() -> bytes:
    fields = b"software: tests/warcs.py\r\nformat: WARC File Format 1.0\r\n"
    return record("warcinfo", fields, [("WARC-Date", DATE), ("WARC-Record-ID", _record_id("info")),
                                       ("Content-Type", "application/warc-fields")])


def request(uri: str, *, date: str = DATE) -> bytes:
    http = b"GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: tests\r\n\r\n"
    return record("request", http, [("WARC-Target-URI", uri), ("WARC-Date", date),
                                    ("WARC-Record-ID", _record_id("request" + uri + date)),
                                    ("Content-Type", "application/http; msgtype=request")])


def chunked(body: bytes, size: int = 100) -> bytes:
    """``body`` in HTTP/1.1 chunked transfer coding, ``size`` bytes a chunk, with an extension and a trailer."""
    out = b""
    for i in range(0, len(body), size):
        part = body[i : i + size]
        out += f"{len(part):x}".encode() + (b";ext=1" if i == 0 else b"") + b"\r\n" + part + b"\r\n"
    return out + b"0\r\nX-Trailer: yes\r\n\r\n"


def encoded(body: bytes, coding: str) -> bytes:
    """``body`` in a Content-Encoding: gzip, deflate (zlib's format) or raw-deflate (what some servers
    send as deflate)."""
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(body, mtime=0)
    if coding == "deflate":
        return zlib.compress(body)
    if coding == "raw-deflate":
        c = zlib.compressobj(wbits=-15)
        return c.compress(body) + c.flush()
    if coding == "br":
        import brotli  # noqa: PLC0415 - only where the test has it

        return brotli.compress(body)
    raise ValueError(coding)


def response(
    uri: str,
    html: str | bytes,
    *,
    status: int = 200,
    content_type: str | None = "text/html; charset=utf-8",
    charset: str = "utf-8",
    date: str = DATE,
    record_id: str | None = None,
    chunk: bool = False,
    coding: str | None = None,
    http_headers: Sequence[tuple[str, str]] = (),
    warc_headers: Sequence[tuple[str, str]] = (),
    version: str = "1.0",
) -> bytes:
    """A ``response`` record of an HTTP response: the status line, headers, the body as sent
    (``coding``: Content-Encoding; ``chunk``: Transfer-Encoding: chunked, applied after it)."""
    body = html.encode(charset) if isinstance(html, str) else html
    headers = [("Server", "tests")]
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    if coding is not None:
        body = encoded(body, coding)
        headers.append(("Content-Encoding", "deflate" if coding == "raw-deflate" else coding))
    if chunk:
        body = chunked(body)
        headers.append(("Transfer-Encoding", "chunked"))
    else:
        headers.append(("Content-Length", str(len(body))))
    headers.extend(http_headers)
    reasons = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}
    head = f"HTTP/1.1 {status} {reasons.get(status, 'Status')}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    block = head.encode("latin-1") + b"\r\n" + body
    meta = [("WARC-Target-URI", uri), ("WARC-Date", date),
            ("WARC-Record-ID", record_id or _record_id("response" + uri + date)),
            ("Content-Type", "application/http; msgtype=response"), *warc_headers]
    return record("response", block, meta, version=version)


def resource(uri: str, body: str | bytes, content_type: str = "text/html", *, date: str = DATE) -> bytes:
    """A ``resource`` record: the document itself, without HTTP (Webrecorder, wget's saved files)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return record("resource", data, [("WARC-Target-URI", uri), ("WARC-Date", date),
                                     ("WARC-Record-ID", _record_id("resource" + uri + date)),
                                     ("Content-Type", content_type)])


def revisit(uri: str, *, date: str = DATE) -> bytes:
    """A ``revisit`` record: the page did not change (the HTTP headers only, no body)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    return record("revisit", http, [("WARC-Target-URI", uri), ("WARC-Date", date),
                                    ("WARC-Record-ID", _record_id("revisit" + uri + date)),
                                    ("WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
                                    ("Content-Type", "application/http; msgtype=response")])


def metadata(uri: str) -> bytes:
    return record("metadata", b"outlinks: https://example.com/other\r\n",
                  [("WARC-Target-URI", uri), ("WARC-Date", DATE), ("Content-Type", "application/warc-fields")])


def warc(records: Iterable[bytes], *, gz: bool) -> bytes:
    """A file of ``records``: as they are, or one gzip member each (``.warc.gz``)."""
    return b"".join(gzip.compress(r, mtime=0) if gz else r for r in records)


def offsets(records: Sequence[bytes], *, gz: bool) -> list[int]:
    """Where each of ``records`` starts in :func:`warc`'s bytes (its gzip member's start)."""
    out, at = [], 0
    for r in records:
        out.append(at)
        at += len(gzip.compress(r, mtime=0) if gz else r)
    return out
