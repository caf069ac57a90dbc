"""Saved web pages in MHTML (``.mhtml``, ``.mht``): read as the ``.html`` of the same page is.

The archives are built here as the browsers write them: Chrome's ("Save page as... single file":
``From: <Saved by Blink>``, ``Snapshot-Content-Location``, the page quoted-printable, a stylesheet,
an image in base64) and Internet Explorer's (a preamble, the page in windows-1252).
"""

from __future__ import annotations

import base64
import json
import quopri

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dedup.cli import app
from dedup.document import SUFFIXES, Document, Skipped, Source, decode, find_sources, load_bytes, parse_html, read

runner = CliRunner()

# --------------------------------------------------------------------------- archives as browsers write them

CHROME_BOUNDARY = "----MultipartBoundary--dKq0sPNyQ5oNRyUwzbJk1KHgEXakVw0wb4i4Y6Jv1H----"
IE_BOUNDARY = "----=_NextPart_000_0000_01D2A3B4.C5D6E7F0"

#: The page as the site served it (the ``.html`` a user saved beside the archive).
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves the Main Street bike lanes</title>
<link rel="stylesheet" href="https://news.example.com/static/site.css">
<style>.js-only { display: none }</style>
<script>window.dataLayer = [];</script>
</head><body>
<nav><a href="/">Home</a> <a href="/city">City</a></nav>
<article>
<h1>Council approves the Main Street bike lanes</h1>
<p class="byline">By Jane Doe · 3 March 2024</p>
<p>The city council voted 7–2 on Tuesday night to build protected bike lanes along Main Street,
ending more than two years of debate over parking, deliveries and the café terraces.</p>
<figure><img src="https://news.example.com/img/lanes.png" alt="">
<figcaption>Cyclists on Main Street. Photo: Jane Doe/Reuters</figcaption></figure>
<p>“Ten years from now nobody will remember this fight,” the mayor said. “They will remember that
their children could ride to school safely.”</p>
<p class="js-only">Loading comments…</p>
<p>Opponents, mostly shop owners, say they will lose customers when 40 parking spaces go; the first
section is due to open next spring at a cost of $4 million.</p>
</article>
<footer><p>© 2024 The Example News</p></footer>
</body></html>
"""

CSS = "body { font: 16px/1.5 Georgia, serif } .byline { color: #555 }\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" + bytes(range(256)) * 8


def saved_by_chrome(page: str) -> str:
    """The page as Chrome serialises it into an archive: a Content-Type meta first, stylesheets by Content-ID."""
    head = '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    return page.replace("<head>", "<head>" + head, 1).replace(
        "https://news.example.com/static/site.css", "cid:css-6c1fa5c1-8a1e-4f0a-9d31-0b7a4c2a9e10@mhtml.blink"
    )


def qp(data: bytes) -> bytes:
    """Quoted-printable as Chrome writes it: ``=3D``, ``=E2=80=9C``, soft line breaks ``=`` at 76, CRLF."""
    return quopri.encodestring(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def mime_part(content_type: str, body: bytes, *, encoding: str = "quoted-printable", headers: str = "") -> bytes:
    head = f"Content-Type: {content_type}\r\n{headers}Content-Transfer-Encoding: {encoding}\r\n"
    return head.encode() + b"\r\n" + body + b"\r\n"


def archive(*parts: bytes, boundary: str = CHROME_BOUNDARY, params: str = "", close: bool = True) -> bytes:
    """A Chrome-style ``multipart/related`` message of ``parts``, with more ``params`` on its Content-Type."""
    head = (
        "From: <Saved by Blink>\r\n"
        "Snapshot-Content-Location: https://news.example.com/city/bike-lanes\r\n"
        "Subject: Council approves the Main Street bike lanes\r\n"
        "Date: Sun, 3 Mar 2024 10:12:41 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";{params}\r\n\tboundary="{boundary}"\r\n\r\n\r\n'
    ).encode()
    sep = f"--{boundary}\r\n".encode()
    return head + b"".join(sep + p for p in parts) + (f"--{boundary}--\r\n".encode() if close else b"")


def chrome(page: str = PAGE, *, page_part: bytes | None = None) -> bytes:
    """What Chrome's "Save page as... Webpage, single file" writes: page, stylesheet, image."""
    if page_part is None:
        page_part = mime_part(
            "text/html", qp(saved_by_chrome(page).encode()),
            headers="Content-ID: <frame-3F0D5E2C8B1A4C97A1B2@mhtml.blink>\r\n"
            "Content-Location: https://news.example.com/city/bike-lanes\r\n",
        )
    return archive(
        page_part,
        mime_part("text/css", qp(CSS.encode()), headers="Content-Location: https://news.example.com/static/site.css\r\n"),
        mime_part("image/png", b64(PNG), encoding="base64", headers="Content-Location: https://news.example.com/img/lanes.png\r\n"),
    )


def internet_explorer(page: str = PAGE) -> bytes:
    """What Internet Explorer's "Web Archive, single file (*.mht)" writes: a preamble, the page in windows-1252."""
    html = page.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">')
    return (
        "From: <Saved by Windows Internet Explorer 8>\r\n"
        "Subject: Council approves the Main Street bike lanes\r\n"
        "Date: Sun, 3 Mar 2024 10:12:41 +0100\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{IE_BOUNDARY}"\r\n'
        "X-MimeOLE: Produced By Microsoft MimeOLE V6.1.7601.17609\r\n\r\n"
        "This is a multi-part message in MIME format.\r\n\r\n"
        f"--{IE_BOUNDARY}\r\n"
        'Content-Type: text/html;\r\n\tcharset="windows-1252"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: https://news.example.com/city/bike-lanes\r\n\r\n"
    ).encode() + qp(html.encode("cp1252")) + (
        f"\r\n--{IE_BOUNDARY}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: https://news.example.com/img/lanes.png\r\n\r\n"
    ).encode() + b64(PNG) + f"\r\n--{IE_BOUNDARY}--\r\n".encode()


def read_mhtml(data: bytes, name: str = "page.mhtml", **kw) -> Document | Skipped:
    (item,) = load_bytes(data, Source(name, name, "mhtml"), **kw)
    return item


def html_doc(page: str = PAGE) -> Document:
    return parse_html(page, id="page.html")


def paragraphs(doc: Document) -> list[tuple[int, int, str]]:
    return [(p.start, p.end, p.text) for p in doc.paragraphs]


# --------------------------------------------------------------------------- the page, as its .html reads


def test_a_page_saved_by_chrome_reads_as_its_html():
    doc = read_mhtml(chrome())
    assert isinstance(doc, Document), doc
    expected = html_doc()
    assert doc.text == expected.text and paragraphs(doc) == paragraphs(expected)
    assert doc.text.startswith("Home City\n\nCouncil approves the Main Street bike lanes\n\nBy Jane Doe · 3 March 2024")
    assert "“Ten years from now" in doc.text and "Loading comments" not in doc.text  # the page's own <style> applies
    assert (doc.format, doc.encoding) == ("mhtml", "utf-8")


STYLE_PART = "cid:css-0d2b6a4e-51f2-4f5e-a1a4-2f6f4c1d9e77@mhtml.blink"


def _styled(link: str, css_parts: list[tuple[str, str]], page: str = PAGE) -> bytes:
    """An archive of ``page`` whose <style> became ``link`` (as Chrome writes one) and ``css_parts``
    ((Content-Location, text) of stylesheet parts)."""
    html = saved_by_chrome(page).replace("<style>.js-only { display: none }</style>", link)
    page_part = mime_part("text/html", qp(html.encode()),
                          headers="Content-Location: https://news.example.com/city/bike-lanes\r\n")
    return archive(page_part, *(mime_part("text/css", qp(css.encode()), headers=f"Content-Location: {where}\r\n")
                                for where, css in css_parts))


@pytest.mark.parametrize(
    ("link", "parts", "hidden"),
    [
        # Chrome saves a <style> as a part the page links by cid: it applies, as the <style> did
        (f'<link rel="stylesheet" type="text/css" href="{STYLE_PART}" />', [(STYLE_PART, ".js-only { display: none; }")],
         ["Loading comments"]),
        # a stylesheet of the site, saved in the archive: it applies (the .html's is not fetched), by URL or
        # by a link relative to the page
        ('<link rel="stylesheet" href="https://news.example.com/static/x.css">',
         [("https://news.example.com/static/x.css", ".js-only, .byline { display: none }")],
         ["Loading comments", "By Jane Doe"]),
        ('<link rel=StyleSheet href="../static/x.css">',
         [("https://news.example.com/static/x.css", ".byline{display:none}")], ["By Jane Doe"]),
        # for print only, or not in the archive, or not a stylesheet: not applied
        ('<link rel="stylesheet" media="print" href="https://news.example.com/p.css">',
         [("https://news.example.com/p.css", ".byline{display:none}")], []),
        ('<link rel="stylesheet" href="https://news.example.com/gone.css">',
         [("https://news.example.com/p.css", ".byline{display:none}")], []),
        ('<link rel="preload" href="https://news.example.com/p.css">',
         [("https://news.example.com/p.css", ".byline{display:none}")], []),
        # a stylesheet cannot end its <style> and write text into the page
        (f'<link rel="stylesheet" href="{STYLE_PART}">',
         [(STYLE_PART, "/* </STYLE><p>Injected</p> */ .byline{display:none}")], ["By Jane Doe"]),
    ],
    ids=["chrome-style", "site-stylesheet", "relative-link", "print", "not-saved", "not-a-stylesheet", "no-injection"],
)
def test_the_stylesheets_saved_in_the_archive_that_the_page_links_apply(link, parts, hidden):
    """Chrome turns each <style> of the page into a part the page links (tests/test_browser.py checks
    it with Chromium's own archive): read without it, what the page hides ("Loading comments...")
    was read from the archive and not from the .html."""
    doc = read_mhtml(_styled(link, parts))
    assert isinstance(doc, Document), doc
    for text in ("Council approves", "Loading comments", "By Jane Doe", "Opponents, mostly"):
        assert (text in doc.text) == (text not in hidden), text
    assert "Injected" not in doc.text


def test_a_stylesheet_part_in_an_unknown_charset_is_read_as_utf8():
    data = _styled(f'<link rel="stylesheet" href="{STYLE_PART}">', [(STYLE_PART, ".byline{display:none}")])
    data = data.replace(b"Content-Type: text/css", b"Content-Type: text/css; charset=x-no-such")
    doc = read_mhtml(data)
    assert isinstance(doc, Document) and "By Jane" not in doc.text


def test_offsets_point_into_the_extracted_text_as_for_html():
    doc = read_mhtml(chrome())
    assert doc.paragraphs and all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
    assert "=3D" not in doc.text and "Saved by Blink" not in doc.text and "MultipartBoundary" not in doc.text


def test_a_page_saved_by_internet_explorer_in_windows_1252_reads_as_its_html():
    doc = read_mhtml(internet_explorer(), "page.mht")
    assert isinstance(doc, Document), doc
    assert paragraphs(doc) == paragraphs(html_doc())
    assert doc.encoding == "cp1252"


@pytest.mark.parametrize("name", ["page.mhtml", "page.mht", "PAGE.MHTML", "Page.Mht"])
def test_mhtml_and_mht_are_read_from_folders_in_any_case(tmp_path, name):
    (tmp_path / name).write_bytes(chrome())
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "lanes.png").write_bytes(PNG)  # not a document: left out
    sources, skipped = find_sources([tmp_path])
    assert [(s.id, s.format) for s in sources] == sorted([(name, "mhtml"), ("page.html", "html")]) and not skipped
    docs = [d for d in read([tmp_path]) if isinstance(d, Document)]
    assert len(docs) == 2 and docs[0].text == docs[1].text


# --------------------------------------------------------------------------- which part is the page


def _html_part(text: str, cid: str = "", encoding: str = "quoted-printable", content_type: str = "text/html") -> bytes:
    body = qp(text.encode()) if encoding == "quoted-printable" else b64(text.encode())
    return mime_part(content_type, body, encoding=encoding, headers=f"Content-ID: <{cid}>\r\n" if cid else "")


ROOTS = [
    # (archive, the text read)
    (archive(mime_part("text/css", qp(b"p{}")), _html_part("<p>First page.</p>"), _html_part("<p>Its frame.</p>")),
     "First page."),
    (archive(_html_part("<p>Not the start.</p>", "a@x"), _html_part("<p>The start.</p>", "b@x"), params=' start="<b@x>";'),
     "The start."),
    (archive(_html_part("<p>First page.</p>", "a@x"), params=' start="<missing@x>";'), "First page."),
    (archive(mime_part("image/png", b64(PNG), encoding="base64", headers="Content-ID: <img@x>\r\n"),
             _html_part("<p>First page.</p>"), params=' start="<img@x>";'), "First page."),
    (archive(_html_part("<p>In base64.</p>", encoding="base64")), "In base64."),
    (archive(_html_part("<p>XHTML.</p>", content_type="application/xhtml+xml")), "XHTML."),
    (archive(mime_part('multipart/alternative; boundary="inner"', (
        b"--inner\r\n" + mime_part("text/plain", b"Plain words.") + b"--inner\r\n"
        + _html_part("<p>Nested page.</p>") + b"--inner--"), encoding="7bit")), "Nested page."),
    # one HTML message, not multipart: MHTML of a page with no resources
    (b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
     b"<p>Caf=C3=A9 alone.</p>\r\n", "Café alone."),
    # cut off in the image, after the whole page: the page is read
    (chrome("<p>Whole page.</p>")[:-200], "Whole page."),
    # base64 with trailing spaces and no padding
    (archive(mime_part("text/html", b"PHA+U3BhY2VkLjwvcD4  \r\n", encoding="base64")), "Spaced."),
]


@pytest.mark.parametrize(("data", "text"), ROOTS, ids=[text for _, text in ROOTS])
def test_the_page_is_the_start_part_else_the_first_html_part(data, text):
    doc = read_mhtml(data)
    assert isinstance(doc, Document), doc
    assert doc.text == text


# --------------------------------------------------------------------------- the page's charset

CAFE = "Café “quoted” — naïve déjà vu, the fiancée’s crème brûlée."
JAPANESE = "東京都の議会は火曜日、新しい自転車道の建設を承認した。"

AS_HTML = None  # the text read: what the .html file of the same bytes gives (a guess, for legacy bytes)
CHARSETS = [
    # (label, the codec that wrote the page, its text, the text read)
    (None, "utf-8", CAFE, CAFE),
    ("utf-8", "utf-8", CAFE, CAFE),
    ("windows-1252", "cp1252", CAFE, CAFE),  # a guess would read these bytes as Baltic (crčme brūlée)
    ("iso-8859-1", "cp1252", CAFE, CAFE),  # browsers read Latin-1 as windows-1252 (WHATWG)
    ("shift_jis", "shift_jis", JAPANESE, JAPANESE),
    ("windows-1252", "utf-8", CAFE, CAFE),  # wrong: valid UTF-8 is UTF-8
    ("windows-1252", "utf-16", CAFE, CAFE),  # a byte order mark wins
    ("utf-8", "cp1252", CAFE, AS_HTML),  # wrong, and the bytes do not fit it
    ("x-no-such-charset", "cp1252", CAFE, AS_HTML),  # unknown
    ("unicode-escape", "cp1252", "Café \\u0041 \\n as written.", AS_HTML),  # a Python codec, no charset
    ("base64", "cp1252", CAFE, AS_HTML),  # a codec of bytes to bytes
]


@pytest.mark.parametrize(("label", "codec", "text", "read"), CHARSETS, ids=[f"{c[0]}-{c[1]}" for c in CHARSETS])
def test_the_page_charset_when_given_right_wrong_or_unknown(label, codec, text, read):
    page = f"<p>{text}</p>".encode(codec)
    content_type = "text/html" + (f'; charset="{label}"' if label is not None else "")
    doc = read_mhtml(archive(mime_part(content_type, qp(page))))
    assert isinstance(doc, Document), doc
    if read is AS_HTML:
        html, encoding = decode(page)
        assert (doc.text, doc.encoding) == (parse_html(html, id="x").text, encoding)
        assert "\\u0041" in doc.text or label != "unicode-escape"
    else:
        assert doc.text == read


# --------------------------------------------------------------------------- bad archives

_NO_HTML = archive(mime_part("text/css", qp(CSS.encode())), mime_part("image/png", b64(PNG), encoding="base64"))
_WRONG_BOUNDARY = archive(_html_part("<p>Never found.</p>"), boundary="other").replace(
    b'boundary="other"', b'boundary="this-one"'
)

BAD = [
    (b"", "empty file"),
    (b"Just some notes, not a saved page.\n\nA second paragraph.\n", r"not an MHTML archive \(no MIME headers\)"),
    (PAGE.encode(), r"not an MHTML archive \(no MIME headers\)"),
    (PNG, r"not an MHTML archive \(no MIME headers\)"),
    (_NO_HTML, "no HTML page in the MHTML archive"),
    (b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nA plain message.\r\n", "no HTML page in the MHTML archive"),
    (_WRONG_BOUNDARY, r"malformed MHTML archive \(its parts' boundary is not found\)"),
    (b'MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n--x\r\n', r"malformed MHTML archive \(its parts' boundary is not found\)"),
    (chrome()[:1500], r"truncated MHTML archive \(the page is cut off\)"),
    (archive(mime_part("text/html", b"PHA+Tm90IGJhc2U2NCE8L3A+!!!\r\n", encoding="base64")),
     r"invalid base64 in the MHTML archive's page"),
    (archive(mime_part("text/html", b"PHA+Tm90IGJhc2U2NCE8L3A+P\r\n", encoding="base64")),
     r"invalid base64 in the MHTML archive's page"),
    (archive(mime_part("text/html", b"")), r"empty page in the MHTML archive"),
    (archive(_html_part("<p> &nbsp; </p><script>not text</script>")), "no visible text in the HTML"),
    (archive(mime_part("text/html", b64(bytes(range(256)) * 64), encoding="base64")), r"binary file \(.+\)"),
]


@pytest.mark.parametrize(("data", "reason"), BAD, ids=[f"{k}-{r.split(' ')[0]}" for k, (_, r) in enumerate(BAD)])
def test_a_bad_archive_is_skipped_with_one_clear_reason(data, reason):
    import re

    item = read_mhtml(data)
    assert isinstance(item, Skipped), item
    assert item.path == "page.mhtml" and re.fullmatch(reason, item.reason), item.reason


def test_an_archive_nested_too_deeply_is_skipped():
    body = mime_part("text/html", b"<p>deep</p>", encoding="7bit")
    for k in range(3000):
        body = mime_part(f'multipart/related; boundary="b{k}"', b"--b%d\r\n" % k + body + b"--b%d--" % k, encoding="7bit")
    item = read_mhtml(b"MIME-Version: 1.0\r\n" + body)
    assert item == Skipped("page.mhtml", "MHTML archive nested too deeply")


def test_an_archive_over_max_bytes_is_skipped(tmp_path):
    (tmp_path / "big.mhtml").write_bytes(chrome())
    (item,) = read([tmp_path], max_bytes=4096)
    assert isinstance(item, Skipped) and item.reason.startswith("too large (") and "see --max-bytes" in item.reason


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_an_archive_cut_or_damaged_anywhere_never_raises(data):
    whole = chrome("<p>One paragraph of the page.</p><p>And another one.</p>")
    cut = data.draw(st.integers(0, len(whole)))
    damaged = bytearray(whole[:cut])
    for _ in range(data.draw(st.integers(0, 3))):
        if damaged:
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    item = read_mhtml(bytes(damaged))
    assert isinstance(item, (Document, Skipped))
    if isinstance(item, Document):
        assert item.paragraphs and all(item.text[p.start : p.end] == p.text for p in item.paragraphs)


# --------------------------------------------------------------------------- report, diff and check agree


@pytest.fixture
def saved(tmp_path):
    """A folder of one page four ways: its .html, Chrome's .mhtml, IE's .mht, and a broken archive."""
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "chrome.mhtml").write_bytes(chrome())
    (folder / "ie.MHT").write_bytes(internet_explorer())
    (folder / "cut.mhtml").write_bytes(chrome()[:1500])
    return folder


def test_report_pairs_the_archives_with_the_html(saved):
    result = runner.invoke(app, ["report", str(saved), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(d["id"] for d in data["documents"]) == ["chrome.mhtml", "ie.MHT", "page.html"]
    assert data["skipped"] == [{"path": "cut.mhtml", "reason": "truncated MHTML archive (the page is cut off)"}]
    assert {(p["a"], p["b"], p["jaccard"]) for p in data["pairs"]} == {
        ("chrome.mhtml", "ie.MHT", 1.0), ("chrome.mhtml", "page.html", 1.0), ("ie.MHT", "page.html", 1.0)
    }
    assert result.stderr == "dedup: skipped cut.mhtml: truncated MHTML archive (the page is cut off)\n"


def test_diff_of_an_archive_and_its_html_is_all_equal(saved):
    result = runner.invoke(app, ["diff", str(saved / "chrome.mhtml"), str(saved / "page.html"), "-f", "json"])
    assert result.exit_code == 0, result.output
    pair = json.loads(result.stdout)
    assert pair["jaccard"] == 1.0 and {row["op"] for row in pair["diff"]} == {"equal"}
    assert len(pair["diff"]) == len(html_doc().paragraphs)


def test_diff_names_a_bad_archive_in_one_line(saved):
    result = runner.invoke(app, ["diff", str(saved / "cut.mhtml"), str(saved / "page.html")])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["dedup: cut.mhtml: truncated MHTML archive (the page is cut off)"]


def test_check_finds_a_saved_page_of_a_tracked_html(saved, tmp_path):
    index = tmp_path / "index.sqlite"
    result = runner.invoke(app, ["check", str(saved / "chrome.mhtml"), "--against", str(saved), "--index", str(index)])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "chrome.mhtml: near-duplicate of ie.MHT (jaccard 1.00, containment 1.00)",
        "chrome.mhtml: near-duplicate of page.html (jaccard 1.00, containment 1.00)",
    ]


def test_every_mhtml_suffix_is_a_reader_suffix():
    assert {s: f for s, f in SUFFIXES.items() if f == "mhtml"} == {".mhtml": "mhtml", ".mht": "mhtml"}
