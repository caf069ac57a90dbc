"""MHTML -> the saved page's HTML as text: the MHTML step of reading.

A page saved "as a single file" (Chrome and Edge: ``.mhtml``; Internet Explorer and Word:
``.mht``) is a MIME message (RFC 2557): ``multipart/related``, one part for the page's HTML
and one for each stylesheet, image or frame, in quoted-printable or base64. :func:`page_text`
finds the page, undoes its transfer encoding with the stdlib :mod:`email` package and decodes
it to text; the reader then reads that text as it reads an ``.html`` file
(:func:`dedup.document.parse_html`), so a saved page and the ``.html`` of the same page give the
same paragraphs. Chrome saves a page's ``<style>`` elements as parts of their own, which the
page links (``<link rel="stylesheet" href="cid:css-...@mhtml.blink">``), and saves the
stylesheets the page links from its site too: each stylesheet part that the page links is put
back in the page as a ``<style>`` in the link's place, so that what the page's CSS hides
(:mod:`dedup.html_style`) is hidden as in the ``.html`` (whose linked stylesheets, not in the
file, are not fetched: a saved page can read closer to what its reader saw).
"""

from __future__ import annotations

import base64
import email
import email.errors
import email.policy
import email.utils
import html as html_escapes
import re
from email.message import Message
from urllib.parse import urljoin

from dedup.decode import decode
from dedup.errors import DocumentError

__all__ = ["HTML_TYPES", "page_text"]

#: The content types of a page (Chrome saves an XHTML page as ``application/xhtml+xml``).
HTML_TYPES = ("text/html", "application/xhtml+xml")

# What the email parser records when a multipart's boundary never comes, or comes without its end.
_NO_BOUNDARY = (email.errors.NoBoundaryInMultipartDefect, email.errors.StartBoundaryNotFoundDefect)
_NO_END = email.errors.CloseBoundaryNotFoundDefect
# A <link> start tag, and one of its attributes (name, then a quoted or bare value).
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


def page_text(data: bytes, *, path: str) -> tuple[str, str]:
    """The text of the page an MHTML archive holds, and its encoding (``(text, encoding)``, as
    :func:`dedup.decode.decode` gives for an ``.html`` file).

    The page (:func:`_archive`), its transfer encoding undone, is decoded as an ``.html`` file's
    bytes are (a byte order mark, UTF-8, else a guess), but for bytes that are not UTF-8 and fit
    the charset its part declares (``Content-Type: text/html; charset=windows-1252``, as Internet
    Explorer writes): that label is read rather than guessed (``decode(..., charset=)``, as for a
    page in a web archive). Raises DocumentError (naming ``path``) as :func:`_archive` and
    :func:`~dedup.decode.decode` do, and for ``invalid base64 in the MHTML archive's page`` and an
    ``empty page in the MHTML archive``.
    """
    message, root = _archive(data, path)
    html = _payload(root, path)
    if not html:
        raise DocumentError(path, "empty page in the MHTML archive")
    text, encoding = decode(html, path=path, charset=root.get_content_charset())
    return _with_stylesheets(text, message, str(root.get("Content-Location", "")).strip()), encoding


def _archive(data: bytes, path: str) -> tuple[Message, Message]:
    """The message of an MHTML archive and its page's part.

    The page is the part that the ``start`` parameter of ``multipart/related`` names by its
    Content-ID, when that part is HTML; else the first HTML part (:data:`HTML_TYPES`), depth
    first (Chrome's frames come after the page). A message that is one HTML part is its page.
    Raises DocumentError, naming ``path``, with one of these reasons: ``empty file``; ``not an
    MHTML archive (no MIME headers)``; ``no HTML page in the MHTML archive``; ``malformed MHTML
    archive (its parts' boundary is not found)``; ``truncated MHTML archive (the page is cut
    off)``: the page is the last part of its multipart and the boundary that would end that
    multipart never comes (an archive cut in a later part, an image, still has its whole page);
    ``MHTML archive nested too deeply``.
    """
    if not data:
        raise DocumentError(path, "empty file")
    try:
        # compat32, not policy.default: the same transfer decoding and charset, but the default
        # policy runs its header-value parser on every part's headers (for the multipart test):
        # an archive of 300,000 empty parts (10 MB) took 60 s to parse with it, 5 s without.
        message = email.message_from_bytes(data, policy=email.policy.compat32)
        if message.get("Content-Type") is None:
            raise DocumentError(path, "not an MHTML archive (no MIME headers)")
        root, parent = _root(message)
    except RecursionError as err:  # the parser and walk() recurse once per nested multipart
        raise DocumentError(path, "MHTML archive nested too deeply") from err
    if root is None:
        if any(isinstance(d, _NO_BOUNDARY) for p in message.walk() for d in p.defects):
            raise DocumentError(path, "malformed MHTML archive (its parts' boundary is not found)")
        raise DocumentError(path, "no HTML page in the MHTML archive")
    if parent is not None and _parts(parent)[-1] is root and any(isinstance(d, _NO_END) for d in parent.defects):
        raise DocumentError(path, "truncated MHTML archive (the page is cut off)")
    return message, root


def _with_stylesheets(text: str, message: Message, location: str) -> str:
    """The page's HTML ``text`` with each ``<link rel="stylesheet">`` whose ``href`` (resolved
    against the page's ``location``) names a ``text/css`` part of the archive by its
    Content-Location replaced by a ``<style>`` holding that part, with the link's ``media``."""
    sheets: dict[str, Message] = {}
    for part in message.walk():
        where = str(part.get("Content-Location", "")).strip()
        if where and not part.is_multipart() and part.get_content_type() == "text/css":
            sheets.setdefault(where, part)
    if not sheets:
        return text

    def inline(m: re.Match[str]) -> str:
        attributes = {
            name.lower(): html_escapes.unescape((value or "").strip("\"'"))
            for name, value in _ATTRIBUTE.findall(m.group()[5:-1])
        }
        if "stylesheet" not in attributes.get("rel", "").lower().split():
            return m.group()
        href = attributes.get("href", "").strip()
        part = sheets.get(href) or sheets.get(urljoin(location, href)) if href else None
        if part is None:
            return m.group()
        payload = part.get_payload(decode=True)
        try:
            css = payload.decode(part.get_content_charset() or "utf-8", "replace") if isinstance(payload, bytes) else ""
        except LookupError:  # a charset Python does not know
            css = payload.decode("utf-8", "replace")
        media = html_escapes.escape(attributes.get("media", ""))
        return f'<style media="{media}">' + re.sub(r"(?i)</(style)", r"<\\/\1", css) + "</style>"

    return _LINK.sub(inline, text)


def _root(message: Message) -> tuple[Message | None, Message | None]:
    """The page's part (None for none) and the multipart that holds it (None for the message itself)."""
    start = message.get_param("start") if message.is_multipart() else None
    wanted = _content_id(email.utils.collapse_rfc2231_value(start)) if start else None
    first: tuple[Message, Message] | None = None
    for holder in message.walk():
        for part in _parts(holder):
            if part.is_multipart() or part.get_content_type() not in HTML_TYPES:
                continue
            if wanted and _content_id(part.get("Content-ID", "")) == wanted:
                return part, holder
            first = first or (part, holder)
    if first is not None:
        return first
    if not message.is_multipart() and message.get_content_type() in HTML_TYPES:
        return message, None
    return None, None


def _parts(holder: Message) -> list[Message]:
    """The parts a multipart (or an attached message) holds; none for a leaf."""
    payload = holder.get_payload() if holder.is_multipart() else None
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def _content_id(value: str) -> str:
    """A Content-ID as ``start`` and the ``Content-ID`` header both write it: ``<id>``, ``id``, ``cid:id``."""
    value = str(value).strip()
    return value.removeprefix("cid:").strip("<>").strip()


def _payload(part: Message, path: str) -> bytes:
    """A part's bytes, its transfer encoding undone. Base64 is held to its alphabet (white space
    anywhere, padding optional): the email package would turn garbage into other garbage."""
    if str(part.get("Content-Transfer-Encoding", "")).strip().lower() != "base64":
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) else b""
    compact = "".join(str(part.get_payload()).split())
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except ValueError as err:  # binascii.Error, and non-ASCII characters
        raise DocumentError(path, "invalid base64 in the MHTML archive's page") from err
