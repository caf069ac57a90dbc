"""A corpus of hostile inputs, generated on the spot (nothing is checked in).

Each :class:`Kind` writes its files under a folder and states what ``dedup`` must make of
them: a file is *processed* (listed under ``documents``), *skipped* with a one-line reason
(listed under ``skipped`` and named on stderr), or the run is a *usage error* (exit 2, a
one-line message). ``tests/test_hostile.py`` runs the real command on every kind and has
the table of outcomes in its docstring.

    >>> kind = KINDS["jsonl-broken"]
    >>> kind.make(folder)                       # writes the files
    >>> kind.documents, kind.skipped, kind.exit  # what the JSON report must say

Everything is deterministic (fixed seeds), so two runs write the same bytes.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests import warcs
from tests.helpers import prose

MIB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """One kind of hostile input and its defined outcome.

    ``documents`` maps the ids that must be read to their paragraph count (None: any);
    ``skipped`` lists ``(path, reason)`` with the reason a regular expression (full match);
    ``pairs`` lists the pairs that must be found, ``(a, b, jaccard or None)``. ``paths``
    gives the arguments instead of the folder; ``args`` are more options. ``errors`` are
    the stderr lines (regular expressions) of a usage error. ``diff`` is a ``dedup diff
    A B`` to run (paths under the folder) and its exit code; ``check``: whether to run ``dedup
    check`` on the kind's files too. ``unprivileged``: the outcome
    needs a user that permissions stop (root reads everything).
    """

    name: str
    outcome: str
    make: Callable[[Path], None]
    documents: Mapping[str, int | None] = field(default_factory=dict)
    skipped: Sequence[tuple[str, str]] = ()
    pairs: Sequence[tuple[str, str, float | None]] = ()
    exit: int = 0
    paths: Callable[[Path], list[str]] | None = None
    args: Sequence[str] = ()
    errors: Sequence[str] = ()
    diff: tuple[str, str, int] | None = None
    check: bool = True
    slow: bool = False
    unprivileged: bool = False


KINDS: dict[str, Kind] = {}


def kind(**kw) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    """Register the decorated writer as a kind (its name: the function's, dashed, unless given)."""

    def register(make: Callable[[Path], None]) -> Callable[[Path], None]:
        name = kw.pop("name", make.__name__.strip("_").replace("_", "-"))
        KINDS[name] = Kind(name=name, make=make, **kw)
        return make

    return register


def write(folder: Path, name: str | bytes, data: str | bytes) -> Path:
    """Write ``data`` (str as UTF-8) at ``folder/name``; ``name`` may be bytes (not UTF-8)."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


ARTICLE = prose(1, paragraphs=6)
FRENCH = "\n\n".join(
    [
        "Le président de la République a déclaré mercredi que la réforme des retraites serait présentée "
        "à l'Assemblée nationale avant l'été.",
        "Les syndicats, réunis à Paris, ont dénoncé un projet « brutal » et appelé à une grève générale. "
        "À Lyon, des milliers de manifestants se sont rassemblés près de la préfecture.",
        "La maire a évoqué une journée très tendue ; très peu d'élèves étaient présents dans les lycées, "
        "et les théâtres ont fermé leurs portes à dix-huit heures.",
    ]
)
QUOTES = "Opponents packed the chamber. “We’re not against bikes,” said the head of the merchants’ association.\n\n"
SMART = "“Quoted words” — the euro € sign… ‘single quotes’ • a bullet and the rest of a sentence. " * 4
BINARY_REASON = r"binary file \(.+\)"


# --------------------------------------------------------------------------- bytes


@kind(
    outcome="skipped: 'binary file (PNG image)', '(PDF document)', '(gzip archive)', '(SQLite database)', "
    "'(executable)', whatever the suffix says",
    skipped=[
        ("archive.md", r"binary file \(gzip archive\)"),
        ("database.txt", r"binary file \(SQLite database\)"),
        ("photo.txt", r"binary file \(PNG image\)"),
        ("program.txt", r"binary file \(executable\)"),
        ("scan.html", r"binary file \(PDF document\)"),
    ],
    diff=("photo.txt", "scan.html", 2),
)
def binary_formats(folder: Path) -> None:
    write(folder, "photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    write(folder, "scan.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    write(folder, "archive.md", gzip.compress(ARTICLE.encode(), mtime=0))
    write(folder, "database.txt", b"SQLite format 3\x00" + bytes(4096))
    write(folder, "program.txt", b"\x7fELF\x02\x01\x01" + bytes(1000))


@kind(
    outcome="skipped: 'binary file (N control characters in the first M)' or '(NUL bytes, and not UTF-16 or UTF-32)'",
    skipped=[("noise.txt", BINARY_REASON), ("zeros.txt", BINARY_REASON)],
)
def binary_noise(folder: Path) -> None:
    write(folder, "noise.txt", random.Random(1).randbytes(64 * 1024))
    write(folder, "zeros.txt", bytes(10_000))


@kind(
    outcome="a few NUL bytes in prose: processed (the NULs are kept in the text); text whose every space "
    "is a NUL: skipped as binary",
    documents={"some-nuls.txt": 6},
    skipped=[("all-nuls.txt", BINARY_REASON)],
)
def nul_bytes_in_text(folder: Path) -> None:
    data = ARTICLE.encode()
    write(folder, "some-nuls.txt", data[:100] + b"\x00" + data[100:900] + b"\x00\x00" + data[900:])
    write(folder, "all-nuls.txt", data.replace(b" ", b"\x00"))


@kind(
    outcome="UTF-8 with a few invalid bytes: processed as UTF-8, each bad byte a U+FFFD (near-duplicate of "
    "the clean copy); English UTF-8 with three curly quotes and a stray cp1252 one: UTF-8 too (the same words "
    "as its clean copy); all-ASCII text with one stray byte: processed (charset guess)",
    documents={"clean.txt": 3, "damaged.txt": 3, "stray.txt": 6, "quotes.txt": 5, "quotes-stray.txt": 5},
    pairs=[("clean.txt", "damaged.txt", None), ("quotes-stray.txt", "quotes.txt", 1.0)],
)
def invalid_utf8(folder: Path) -> None:
    data = FRENCH.encode()
    write(folder, "clean.txt", data)
    write(folder, "damaged.txt", data[:60] + b"\xff" + data[60:200] + b"\xc3" + data[200:] + b"\xe2\x80")
    write(folder, "stray.txt", ARTICLE.encode()[:50] + b"\xff" + ARTICLE.encode()[50:])
    quotes = (QUOTES + prose(7, paragraphs=4)).encode()
    write(folder, "quotes.txt", quotes)
    write(folder, "quotes-stray.txt", quotes.replace("merchants’".encode(), b"merchants\x92"))


def _same_text(encodings: Mapping[str, Callable[[str], bytes]], text: str) -> dict:
    """The outcome of files holding one text in several encodings: all read, all identical."""
    names = sorted(encodings)
    return dict(
        documents={n: text.count("\n\n") + 1 for n in names},
        pairs=[(a, b, 1.0) for i, a in enumerate(names) for b in names[i + 1 :]],
    )


def _write_same_text(folder: Path, encodings: Mapping[str, Callable[[str], bytes]], text: str) -> None:
    """The files :func:`_same_text` describes: ``text`` in each encoding, under its name."""
    for name, encode in encodings.items():
        write(folder, name, encode(text))


_UTF16_BOM = {
    "utf8.txt": lambda t: t.encode("utf-8"),
    "utf16-le-bom.txt": lambda t: t.encode("utf-16"),  # little-endian with a BOM on this machine
    "utf16-be-bom.md": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
}


@kind(
    outcome="processed; the same text as its UTF-8 copy (pairs of Jaccard 1.0)",
    **_same_text(_UTF16_BOM, FRENCH),
    diff=("utf8.txt", "utf16-be-bom.md", 0),
)
def utf16_with_bom(folder: Path) -> None:
    _write_same_text(folder, _UTF16_BOM, FRENCH)


_UTF16_NO_BOM = {
    "utf8.txt": lambda t: t.encode("utf-8"),
    "utf16-le.txt": lambda t: t.encode("utf-16-le"),
    "utf16-be.txt": lambda t: t.encode("utf-16-be"),
}


@kind(outcome="processed (sniffed from the NUL bytes); the same text as its UTF-8 copy", **_same_text(_UTF16_NO_BOM, FRENCH))
def utf16_without_bom(folder: Path) -> None:
    _write_same_text(folder, _UTF16_NO_BOM, FRENCH)


RUSSIAN = "\n\n".join(
    [
        "Президент заявил в среду, что пенсионная реформа будет представлена в парламент до лета.",
        "Профсоюзы, собравшиеся в Москве, осудили «жестокий» проект и призвали ко всеобщей забастовке.",
        "В Казани тысячи демонстрантов собрались у здания мэрии; школы и театры закрылись в шесть часов.",
    ]
)
CHINESE = "\n\n".join(
    [
        "北京时间周二晚，市议会以七票对两票通过了在主街修建受保护自行车道的计划，结束了两年多的争论。",
        "该计划预计耗资四百万美元，第一段车道将于明年春天开工。反对者说，商店将因停车位减少而失去顾客。",
        "市长在会后表示：“十年后没有人会记得这场争论，但他们会记得孩子们可以安全地骑车上学。”",
    ]
)
_WIDE_NO_BOM = {
    "utf8.txt": lambda t: t.encode("utf-8"),
    "utf16-le.txt": lambda t: t.encode("utf-16-le"),
    "utf16-be.txt": lambda t: t.encode("utf-16-be"),
    "utf32-le.txt": lambda t: t.encode("utf-32-le"),
    "utf32-be.txt": lambda t: t.encode("utf-32-be"),
}
_WIDE_TEXTS = {"fr": FRENCH, "ru": RUSSIAN, "zh": CHINESE}
# Each text under its language's name, fr-utf8.txt ...: every file of one language has the same text.
_WIDE_OUTCOMES = [_same_text({f"{lang}-{n}": f for n, f in _WIDE_NO_BOM.items()}, t) for lang, t in _WIDE_TEXTS.items()]


@kind(
    outcome="processed: French, Russian and Chinese in UTF-16 and UTF-32, little- and big-endian, without a BOM "
    "(beyond Latin-1, UTF-16 has no NUL in every other byte): the same text as the UTF-8 copy",
    documents={name: count for o in _WIDE_OUTCOMES for name, count in o["documents"].items()},
    pairs=[pair for o in _WIDE_OUTCOMES for pair in o["pairs"]],
    diff=("zh-utf8.txt", "zh-utf32-be.txt", 0),
)
def unicode_without_bom(folder: Path) -> None:
    for lang, text in _WIDE_TEXTS.items():
        _write_same_text(folder, {f"{lang}-{n}": f for n, f in _WIDE_NO_BOM.items()}, text)


_OTHER_UNICODE = {
    "utf8.txt": lambda t: t.encode("utf-8"),
    "utf8-bom.txt": lambda t: t.encode("utf-8-sig"),
    "utf32.txt": lambda t: t.encode("utf-32"),
}


@kind(outcome="processed; the BOM is not part of the text; the same text as the plain UTF-8 copy",
      **_same_text(_OTHER_UNICODE, FRENCH))
def utf32_and_utf8_bom(folder: Path) -> None:
    _write_same_text(folder, _OTHER_UNICODE, FRENCH)


_LEGACY = {"utf8.txt": lambda t: t.encode("utf-8"), "latin1.txt": lambda t: t.encode("latin-1")}


@kind(outcome="processed (charset-normalizer); the same text as its UTF-8 copy", **_same_text(_LEGACY, FRENCH))
def latin_1(folder: Path) -> None:
    _write_same_text(folder, _LEGACY, FRENCH)


@kind(
    outcome="processed; curly quotes, dashes and the euro sign decode to the same text as the UTF-8 copy",
    documents={"utf8.txt": 1, "cp1252.txt": 1},
    pairs=[("cp1252.txt", "utf8.txt", 1.0)],
)
def cp1252(folder: Path) -> None:
    write(folder, "utf8.txt", SMART.encode("utf-8"))
    write(folder, "cp1252.txt", SMART.encode("cp1252"))


@kind(
    outcome="processed: CRLF, LF, CR, U+2028 and form feeds all end lines; the same paragraphs as with LF only",
    documents={"lf.txt": 6, "mixed.txt": 6},
    pairs=[("lf.txt", "mixed.txt", 1.0)],
)
def mixed_line_endings(folder: Path) -> None:
    paras = ARTICLE.split("\n\n")
    write(folder, "lf.txt", ARTICLE)
    breaks = ["\r\n\r\n", "\n\n", "\r\r", "\r\n\n", "\u2028\u2028", "\n\x0c\n"]
    write(folder, "mixed.txt", "".join(p + breaks[k] for k, p in enumerate(paras)).rstrip())


@kind(
    outcome="skipped: 'empty file' (a UTF-8 BOM alone, a 0-byte JSONL file too)",
    skipped=[("bom-only.md", "empty file"), ("empty.jsonl", "empty file"), ("empty.txt", "empty file")],
)
def empty_files(folder: Path) -> None:
    write(folder, "empty.txt", b"")
    write(folder, "bom-only.md", b"\xef\xbb\xbf")
    write(folder, "empty.jsonl", b"")


@kind(
    outcome="skipped: 'no text (only whitespace)', 'no visible text in the HTML', 'no records (only blank "
    "lines)', 'no words to compare' (punctuation only)",
    skipped=[
        ("blank.jsonl", r"no records \(only blank lines\)"),
        ("nbsp.html", "no visible text in the HTML"),
        ("punctuation.txt", "no words to compare"),
        ("spaces.txt", r"no text \(only whitespace\)"),
    ],
)
def whitespace_only(folder: Path) -> None:
    write(folder, "spaces.txt", " \t\n\r\n  \u00a0\u2003\u200b\ufeff \n\n\x0c")
    write(folder, "nbsp.html", "<html><body><p> &nbsp; </p><div>\n\t</div><script>not text</script></body></html>")
    write(folder, "blank.jsonl", "\n \n\r\n")
    write(folder, "punctuation.txt", "... --- !!! ??? • • • — « »")


# --------------------------------------------------------------------------- size


def _big(path: Path, size: int) -> None:
    """``size`` bytes of prose paragraphs (a block repeated: fast to write)."""
    block = ("\n\n".join(prose(k, paragraphs=1, words=100) for k in range(40)) + "\n\n").encode()
    with open(path, "wb") as fh:
        left = size
        while left > 0:
            fh.write(block[:left])
            left -= len(block)


@kind(
    outcome="skipped: 'too large (100.0 MiB; the limit is 32.0 MiB, see --max-bytes)', without reading it",
    skipped=[("big.txt", r"too large \(100\.0 MiB; the limit is 32\.0 MiB, see --max-bytes\)")],
    diff=("big.txt", "big.txt", 2),
    slow=True,
)
def file_100mb(folder: Path) -> None:
    _big(folder / "big.txt", 100 * MIB)


@kind(
    outcome="with --max-bytes 128 MiB (and --no-diff): processed",
    documents={"big.txt": None},
    args=("--max-bytes", str(128 * MIB), "--no-diff"),
    check=False,  # it would do the same work again: 10 s more
    slow=True,
)
def file_100mb_allowed(folder: Path) -> None:
    _big(folder / "big.txt", 100 * MIB)


@kind(outcome="processed: one paragraph of 10 MiB", documents={"line.txt": 1}, slow=True)
def line_10mb(folder: Path) -> None:
    words = prose(5, paragraphs=1, words=2000).rstrip(".")
    line = (words + " ") * (10 * MIB // (len(words) + 1) + 1)
    write(folder, "line.txt", line[: 10 * MIB])


@kind(
    outcome="processed: 10,000 documents (one pair: the two copies among them)",
    documents={f"{k // 1000:02d}/f{k:05d}.txt": 1 for k in range(10_000)},
    pairs=[("00/f00000.txt", "09/f09999.txt", 1.0)],
    slow=True,
)
def files_10000(folder: Path) -> None:
    rng = random.Random(7)
    words = prose(9, paragraphs=1, words=3000).split()
    for k in range(10_000):
        text = " ".join(rng.choice(words) for _ in range(30))
        write(folder, f"{k // 1000:02d}/f{k:05d}.txt", text if k != 9999 else (folder / "00/f00000.txt").read_text())


# --------------------------------------------------------------------------- HTML


@kind(
    outcome="10,000 levels: processed (the text inside); 30,000 levels: skipped 'HTML nested too deeply "
    "(30000 levels; the limit is 20000)'",
    documents={"deep-10000.html": 1, "spans-10000.html": 1},
    skipped=[("deep-30000.html", r"HTML nested too deeply \(30000 levels; the limit is 20000\)")],
)
def html_deeply_nested(folder: Path) -> None:
    write(folder, "deep-10000.html", "<html><body>" + "<div>" * 10_000 + "Words deep down in the page." + "</div>" * 10_000)
    write(folder, "spans-10000.html", "<b><i>" * 5_000 + "Unclosed inline elements, ten thousand of them.")
    write(folder, "deep-30000.html", "<div>" * 30_000 + "too deep")


ACTIVE_HTML = """<!DOCTYPE html><html><head><title>Page title is not text</title>
<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/refresh">
<style>body { background: url(http://127.0.0.1:9/css) } p::after { content: "styled text" }</style>
<script>document.write("<p>written by script</p>"); fetch("http://127.0.0.1:9/script")</script>
<base href="http://127.0.0.1:9/"></head>
<body onload="alert(1)">
<noscript><p>noscript text</p></noscript>
<p>{p0}</p>
<iframe src="http://127.0.0.1:9/frame">iframe fallback text</iframe>
<p><a href="javascript:alert(1)">{p1a}</a> {p1b}</p>
<svg onload="alert(2)"><script>alert(3)</script><text>svg text</text></svg>
<p>{p2}<img src=x onerror="alert(4)"></p>
<template><p>template text</p></template><object data="x.swf">object text</object>
<p style="display:none">hidden text</p><p hidden>hidden too</p>
<form><button onclick="alert(5)">button text</button><textarea>textarea text</textarea></form>
</body></html>"""


def _active_parts() -> list[str]:
    return ARTICLE.split("\n\n")[:3]


@kind(
    outcome="processed: only the visible text is read (no script, style, noscript, iframe, svg, template, "
    "form control or hidden text); the same text as a plain copy",
    documents={"active.html": 3, "visible.txt": 3},
    pairs=[("active.html", "visible.txt", 1.0)],
    diff=("active.html", "visible.txt", 0),
)
def html_active_content(folder: Path) -> None:
    p0, p1, p2 = _active_parts()
    first, rest = p1.split(" ", 1)
    write(folder, "active.html", ACTIVE_HTML.replace("{p0}", p0).replace("{p1a}", first).replace("{p1b}", rest).replace("{p2}", p2))
    write(folder, "visible.txt", "\n\n".join([p0, p1, p2]))


@kind(
    outcome="processed as a browser would parse it (unclosed and stray tags, broken attributes, an "
    "unterminated comment, bad entities, <plaintext>)",
    documents={f"malformed-{k}.html": None for k in range(8)},
)
def html_malformed(folder: Path) -> None:
    pages = [
        "<p>Unclosed <b>bold <i>italic</p><p>Next</div></span> paragraph of text",
        "<div <p>broken attribute, then text</p>",
        "<p>text before<!-- an unterminated comment <p>swallows the rest",
        "<p title='x>y'>a quoted greater-than</p></p></p></html><html><body>after the end",
        "<scr<script>ipt>alert(1)</script>visible after a broken tag",
        "<p>bad entities &bogus; &#0; &#xD800; &#99999999; &amp end</p>",
        "<table><tr><td>cell one<td>cell two<tr><td>row two</table></td></tr> trailing",
        "<plaintext><p>everything after plaintext is text</p>",
    ]
    for k, page in enumerate(pages):
        write(folder, f"malformed-{k}.html", page)


# --------------------------------------------------------------------------- MHTML (saved web pages)


def _nested_mhtml(levels: int) -> bytes:
    from tests.test_mhtml import mime_part

    body = mime_part("text/html", b"<p>A page at the bottom.</p>", encoding="7bit")
    for k in range(levels):
        body = mime_part(f'multipart/related; boundary="b{k}"', b"--b%d\r\n" % k + body + b"--b%d--" % k, encoding="7bit")
    return b"MIME-Version: 1.0\r\n" + body


@kind(
    outcome="Chrome's .mhtml, IE's .mht (windows-1252) and one with an unknown charset: processed, the same "
    "text as the page's .html; skipped: not MIME 'not an MHTML archive (no MIME headers)', 'no HTML page in "
    "the MHTML archive', 'truncated MHTML archive (the page is cut off)', 'invalid base64 in the MHTML "
    "archive's page', 'MHTML archive nested too deeply' (3,000 levels), over --max-bytes 'too large (...)'",
    documents={"page.html": None, "saved.mhtml": None, "saved-ie.MHT": None, "unknown-charset.mhtml": None},
    pairs=[
        ("page.html", "saved-ie.MHT", 1.0), ("page.html", "saved.mhtml", 1.0), ("page.html", "unknown-charset.mhtml", 1.0),
        ("saved-ie.MHT", "saved.mhtml", 1.0), ("saved-ie.MHT", "unknown-charset.mhtml", 1.0),
        ("saved.mhtml", "unknown-charset.mhtml", 1.0),
    ],
    skipped=[
        ("bad-base64.mht", "invalid base64 in the MHTML archive's page"),
        ("big.mhtml", r"too large \(.+ KiB; the limit is 512\.0 KiB, see --max-bytes\)"),
        ("cut.mhtml", r"truncated MHTML archive \(the page is cut off\)"),
        ("deep.mhtml", "MHTML archive nested too deeply"),
        ("images.mhtml", "no HTML page in the MHTML archive"),
        ("notes.mhtml", r"not an MHTML archive \(no MIME headers\)"),
    ],
    args=("--max-bytes", str(512 * 1024)),
    diff=("saved.mhtml", "page.html", 0),
)
def mhtml_broken(folder: Path) -> None:
    from tests.test_mhtml import CSS, PAGE, PNG, archive, b64, chrome, internet_explorer, mime_part, qp

    write(folder, "page.html", PAGE)
    write(folder, "saved.mhtml", chrome())
    write(folder, "saved-ie.MHT", internet_explorer())
    write(folder, "unknown-charset.mhtml", chrome(page_part=mime_part('text/html; charset="x-no-such"', qp(PAGE.encode()))))
    write(folder, "notes.mhtml", ARTICLE)
    write(folder, "images.mhtml", archive(mime_part("text/css", qp(CSS.encode())), mime_part("image/png", b64(PNG), encoding="base64")))
    write(folder, "cut.mhtml", chrome()[:1500])
    write(folder, "bad-base64.mht", archive(mime_part("text/html", b"PHA+bm90IGJhc2U2NDwvcD4=!!!", encoding="base64")))
    write(folder, "deep.mhtml", _nested_mhtml(3000))
    write(folder, "big.mhtml", archive(mime_part("text/html", qp(PAGE.encode())), mime_part("image/png", b64(PNG * 300), encoding="base64")))


# --------------------------------------------------------------------------- JSONL


@kind(
    outcome="good records processed (id from the id field, else the line number); each bad line skipped "
    "with its line number and reason: invalid JSON, not UTF-8, not an object, no or a non-string 'text', "
    "a duplicate id, nesting 10,000 deep, a 5,000-digit number, a record over --max-bytes, an empty text",
    documents={"records.jsonl#a": 2, "records.jsonl#4": 1, "records.jsonl#last": 1, "records.jsonl#x\ny": 1},
    skipped=[
        ("records.jsonl:10", r"no 'text' field \(its fields: id; see --text-field\)"),
        ("records.jsonl:11", r"invalid JSON \(nested too deeply\)"),
        ("records.jsonl:12", r"invalid JSON \(an integer of more than \d+ digits\)"),
        ("records.jsonl:13", r"record too large \(over the 64\.0 KiB limit, see --max-bytes\)"),
        ("records.jsonl:2", r"invalid JSON \(.+\)"),
        ("records.jsonl:3", r"invalid JSON \(.+\)"),
        ("records.jsonl:5", r"invalid JSON \(not UTF-8\)"),
        ("records.jsonl:6", "not a JSON object"),
        ("records.jsonl:7", r"a non-string 'text' field \(see --text-field\)"),
        ("records.jsonl:8", "duplicate 'id' 'a'"),
        ("records.jsonl:14", "an empty 'text' field"),
    ],
    args=("--max-bytes", str(64 * 1024)),
)
def jsonl_broken(folder: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "First record.\n\nIts second paragraph."}).encode(),  # 1
        b'{"id": "b", "text": "unterminated',  # 2
        b"{not json at all}",  # 3
        json.dumps({"text": "No id: the line number is its key."}).encode(),  # 4
        b'{"id": "latin", "text": "caf\xe9"}',  # 5
        b"[1, 2, 3]",  # 6
        json.dumps({"id": "n", "text": 42}).encode(),  # 7
        json.dumps({"id": "a", "text": "A second record with id a."}).encode(),  # 8
        json.dumps({"id": "x\ny", "text": "An id with a newline in it."}).encode(),  # 9
        json.dumps({"id": "missing"}).encode(),  # 10
        b'{"text": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",  # 11
        b'{"id": ' + b"9" * 5000 + b', "text": "a long number"}',  # 12
        json.dumps({"id": "huge", "text": "word " * 20_000}).encode(),  # 13
        json.dumps({"id": "empty", "text": ""}).encode(),  # 14
        b"",  # 15: blank lines are not records
        json.dumps({"id": "last", "text": "The last line has no newline."}).encode(),  # 16
    ]
    write(folder, "records.jsonl", b"\n".join(lines))


def _warc_page(paragraphs: list[str]) -> str:
    return "<html><head><title>A story</title></head><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"


_PAGE = _warc_page(ARTICLE.split("\n\n"))
# The records of crawl.warc.gz, and where each starts (one gzip member each): the 10th is broken
# in its middle, the last cut short.
_CRAWL = [
    warcs.warcinfo(),
    warcs.request(warcs.URI),
    warcs.response(warcs.URI, _PAGE, chunk=True, coding="gzip"),
    warcs.response("https://example.com/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(2000), content_type="image/png"),
    warcs.response("https://example.com/old", "", status=301),
    warcs.revisit(warcs.URI, date="2024-03-02T00:00:00Z"),
    warcs.response("https://example.com/big", _warc_page(["word " * 20_000])),
    warcs.response("https://example.com/empty", ""),
    warcs.response(warcs.URI, _warc_page([*ARTICLE.split("\n\n"), "Subscribe now."]), date="2024-03-09T00:00:00Z"),
    warcs.response("https://example.com/lost", _warc_page([prose(2, paragraphs=2)])),
    warcs.response("https://example.com/other//path#frag", _warc_page([prose(3, paragraphs=2)])),
    warcs.response("https://example.com/cut", _warc_page([prose(4, paragraphs=2)])),
]
_AT = warcs.offsets(_CRAWL, gz=True)
_OLD = [warcs.response("https://example.org/a", _warc_page([prose(5, paragraphs=2)])),
        warcs.response("https://example.org/b", _warc_page([prose(6, paragraphs=2)]))]
_OLD_AT = warcs.offsets(_OLD, gz=False)
_GARBAGE = b"this line is not a WARC record\r\n"


@kind(
    outcome="each HTML page captured processed (file.warc.gz#URI; a second capture #URI@date); requests, images, "
    "redirects, revisits passed over without a word; each bad record skipped with its offset and reason: a bad "
    "gzip member, a truncated one, a page over --max-bytes, an empty page, bytes that are not a record; a .warc "
    "that is not one: 'not a WARC file'",
    documents={
        f"crawl.warc.gz#{warcs.URI}": 6,
        f"crawl.warc.gz#{warcs.URI}@2024-03-09T00:00:00Z": 7,
        "crawl.warc.gz#https://example.com/other//path#frag": 1,
        "old.warc#https://example.org/a": 1,
        "page.html": 6,
    },
    skipped=[
        (f"crawl.warc.gz:{_AT[6]}", r"record too large \(over the 64\.0 KiB limit, see --max-bytes\)"),
        (f"crawl.warc.gz:{_AT[7]}", "an empty page"),
        (f"crawl.warc.gz:{_AT[9]}", r"bad gzip member \((invalid|incorrect) [a-z ]+\)"),
        (f"crawl.warc.gz:{_AT[11]}", "truncated gzip member"),
        (f"old.warc:{_OLD_AT[1]}", r"not a WARC record \(no WARC/1\.x line here; read on from the next one\)"),
        (f"old.warc:{_OLD_AT[1] + len(_GARBAGE)}", r"truncated record \(only \d+ of its \d+ bytes\)"),
        ("notwarc.warc", r"not a WARC file \(it does not start with a WARC/1\.x line\)"),
    ],
    pairs=[
        (f"crawl.warc.gz#{warcs.URI}", f"crawl.warc.gz#{warcs.URI}@2024-03-09T00:00:00Z", None),
        (f"crawl.warc.gz#{warcs.URI}", "page.html", 1.0),
        (f"crawl.warc.gz#{warcs.URI}@2024-03-09T00:00:00Z", "page.html", None),
    ],
    args=("--max-bytes", str(64 * 1024)),
    diff=(f"crawl.warc.gz#{warcs.URI}", "page.html", 0),
)
def warc_broken(folder: Path) -> None:
    data = warcs.warc(_CRAWL, gz=True)
    bad = _AT[9] + 20
    data = data[:bad] + b"\xff" * 8 + data[bad + 8 :]
    write(folder, "crawl.warc.gz", data[:-30])
    old = warcs.warc(_OLD, gz=False)
    write(folder, "old.warc", old[: _OLD_AT[1]] + _GARBAGE + old[_OLD_AT[1] : -40])
    write(folder, "notwarc.warc", _PAGE)
    write(folder, "page.html", _PAGE)


# --------------------------------------------------------------------------- the file system


@kind(
    outcome="a folder link back up is walked once (no loop, no message); a file link loop: skipped 'symbolic "
    "link loop'",
    documents={"a.txt": 6},
    skipped=[("loop-1.txt", "symbolic link loop"), ("loop-2.txt", "symbolic link loop")],
)
def symlink_loops(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)
    (folder / "sub").mkdir()
    (folder / "sub" / "back").symlink_to("..")
    (folder / "sub" / "self").symlink_to(".")
    (folder / "loop-1.txt").symlink_to("loop-2.txt")
    (folder / "loop-2.txt").symlink_to("loop-1.txt")


@kind(
    outcome="skipped: 'broken symbolic link' (a dangling link without a suffix dedup reads is ignored, "
    "like any such file)",
    documents={"a.txt": 6},
    skipped=[("dangling.txt", "broken symbolic link")],
)
def symlink_dangling(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    (folder / "dangling.bin").symlink_to("nowhere.bin")
    (folder / "gone").symlink_to("no-such-folder", target_is_directory=True)


@kind(
    outcome="a link leading out of the folder (to /, to a private file, to ..): skipped 'symbolic link out "
    "of the folders given', never followed; a link within the folder is followed (read once)",
    documents={"a.txt": 6},
    skipped=[
        ("inside.txt", "same file as a.txt"),
        ("private.txt", "symbolic link out of the folders given"),
        ("root/", "symbolic link out of the folders given"),
        ("up/", "symbolic link out of the folders given"),
    ],
    paths=lambda folder: [str(folder / "in")],
)
def symlink_outside(folder: Path) -> None:
    write(folder, "secret.txt", "Private words that must never appear in a report about another folder.")
    inside = folder / "in"
    write(inside, "a.txt", ARTICLE)
    (inside / "private.txt").symlink_to(folder / "secret.txt")
    (inside / "root").symlink_to("/")
    (inside / "up").symlink_to("..")
    (inside / "inside.txt").symlink_to("a.txt")


@kind(
    outcome="skipped: 'permission denied'; the rest is read",
    documents={"a.txt": 6},
    skipped=[("secret.txt", "permission denied")],
    diff=("a.txt", "secret.txt", 2),
    unprivileged=True,
)
def unreadable_file(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)
    write(folder, "secret.txt", prose(2)).chmod(0)


@kind(
    outcome="a folder that cannot be listed: skipped 'locked/: permission denied'; one that can be listed "
    "but not entered: each file skipped 'permission denied'",
    documents={"a.txt": 6},
    skipped=[("locked/", "permission denied"), ("no-entry/b.txt", "permission denied")],
    unprivileged=True,
)
def unreadable_folder(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)
    write(folder, "locked/x.txt", prose(3))
    write(folder, "no-entry/b.txt", prose(4))
    (folder / "locked").chmod(0)
    (folder / "no-entry").chmod(0o644)


@kind(
    outcome="processed: ids keep the spaces",
    documents={"with spaces.txt": 6, " leading and trailing .md": 6, "sub folder/a  b.txt": 6},
    pairs=[(" leading and trailing .md", "sub folder/a  b.txt", 1.0), (" leading and trailing .md", "with spaces.txt", 1.0),
           ("sub folder/a  b.txt", "with spaces.txt", 1.0)],
    diff=("with spaces.txt", "sub folder/a  b.txt", 0),
)
def names_with_spaces(folder: Path) -> None:
    for name in ("with spaces.txt", " leading and trailing .md", "sub folder/a  b.txt"):
        write(folder, name, ARTICLE)


@kind(
    outcome="processed; ids keep the characters (escaped in JSON); stderr and the terminal show them "
    "escaped (\\n, \\x1b), one line per message",
    documents={"new\nline.txt": 6, "tab\there.md": 1, "esc\x1b]0;title\x07.txt": 1, "[bold]markup[/bold].txt": 1},
    skipped=[("empty\nfile.txt", "empty file")],
    diff=("new\nline.txt", "esc\x1b]0;title\x07.txt", 0),
)
def names_with_newlines_and_controls(folder: Path) -> None:
    write(folder, "new\nline.txt", ARTICLE)
    write(folder, "tab\there.md", prose(11, paragraphs=1))
    write(folder, "esc\x1b]0;title\x07.txt", prose(12, paragraphs=1))
    write(folder, "[bold]markup[/bold].txt", prose(13, paragraphs=1))
    write(folder, "empty\nfile.txt", b"")


@kind(
    outcome="processed; ids hold the undecodable bytes as \\udcXX escapes in JSON (json.loads and "
    "os.fsencode give the bytes back) and as \\xXX on stderr and the terminal",
    documents={os.fsdecode(b"caf\xe9.txt"): 6, os.fsdecode(b"\xff\xfe-utf16ish.md"): 6},
    skipped=[(os.fsdecode(b"empty-\x80.txt"), "empty file")],
    pairs=[(os.fsdecode(b"caf\xe9.txt"), os.fsdecode(b"\xff\xfe-utf16ish.md"), 1.0)],
    diff=(os.fsdecode(b"caf\xe9.txt"), os.fsdecode(b"\xff\xfe-utf16ish.md"), 0),
)
def names_not_utf8(folder: Path) -> None:
    write(folder, b"caf\xe9.txt", ARTICLE)
    write(folder, b"\xff\xfe-utf16ish.md", ARTICLE)
    write(folder, b"empty-\x80.txt", b"")


@kind(
    outcome="read once: a hard link or symbolic link to a file already read is skipped 'same file as "
    "a.txt'; a path given twice is read once without a message",
    documents={"a.txt": 6},
    skipped=[("hard.txt", "same file as a.txt"), ("soft.txt", "same file as a.txt")],
    paths=lambda folder: [str(folder), str(folder / "a.txt"), str(folder / "." / "a.txt")],
)
def same_file_twice(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)
    os.link(folder / "a.txt", folder / "hard.txt")
    (folder / "soft.txt").symlink_to("a.txt")


@kind(
    outcome="skipped: 'not a regular file' (never opened, so nothing hangs)",
    documents={"a.txt": 6},
    skipped=[("pipe.txt", "not a regular file")],
)
def fifo(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)
    os.mkfifo(folder / "pipe.txt")


# --------------------------------------------------------------------------- documents


@kind(
    outcome="processed: one cluster, pairs of Jaccard 1.0 whose diffs are all 'equal'",
    documents={"copy-1.txt": 6, "copy-2.txt": 6, "copy-3.md": 6},
    pairs=[("copy-1.txt", "copy-2.txt", 1.0), ("copy-1.txt", "copy-3.md", 1.0), ("copy-2.txt", "copy-3.md", 1.0)],
    diff=("copy-1.txt", "copy-3.md", 0),
)
def exact_duplicates(folder: Path) -> None:
    for name in ("copy-1.txt", "copy-2.txt", "copy-3.md"):
        write(folder, name, ARTICLE)


@kind(
    outcome="processed: one paragraph; a one-word document too (one shingle)",
    documents={"one.txt": 1, "word.txt": 1, "one-b.txt": 1},
    pairs=[("one-b.txt", "one.txt", None)],
    diff=("one.txt", "one-b.txt", 0),
)
def one_paragraph(folder: Path) -> None:
    para = prose(21, paragraphs=1, words=80)
    write(folder, "one.txt", para)
    write(folder, "one-b.txt", para.replace("the", "a", 2))
    write(folder, "word.txt", "Word")


def _paragraphs_5000() -> tuple[str, str]:
    paras = [prose(k, paragraphs=1, words=25) for k in range(5000)]
    rng = random.Random(3)
    edited = list(paras)
    for k in rng.sample(range(5000), 200):
        edited[k] = edited[k].replace(" ", " new ", 1)
    for k in sorted(rng.sample(range(5000), 50), reverse=True):
        del edited[k]
    edited.insert(2500, "Subscribe now to read the rest of this article.")
    return "\n\n".join(paras), "\n\n".join(edited)


@kind(
    outcome="processed: 5,000 paragraphs; its edited version is paired and diffed",
    documents={"long.txt": 5000, "long-edited.txt": 4951},
    pairs=[("long-edited.txt", "long.txt", None)],
    diff=("long.txt", "long-edited.txt", 0),
)
def paragraphs_5000(folder: Path) -> None:
    a, b = _paragraphs_5000()
    write(folder, "long.txt", a)
    write(folder, "long-edited.txt", b)


@kind(
    outcome="processed: escape sequences and bidi controls are text (too few to look binary); the terminal "
    "shows them escaped",
    documents={"ansi.txt": 6, "bidi.md": 6},
    pairs=[("ansi.txt", "bidi.md", None)],
    diff=("ansi.txt", "bidi.md", 0),
)
def escape_sequences_in_text(folder: Path) -> None:
    paras = ARTICLE.split("\n\n")
    paras[1] = "\x1b]0;pwned\x1b\\\x1b[2J\x1b[31m" + paras[1] + "\x1b]52;c;cHduZWQ=\x1b\\\x1b[0m"
    write(folder, "ansi.txt", "\n\n".join(paras))
    paras = ARTICLE.split("\n\n")
    paras[2] = "\u202e" + paras[2] + "\u202c\u2066x\u2069\u200f"
    write(folder, "bidi.md", "\n\n".join(paras))


_MARKUP = ("# Title <script>alert(1)</script>\n\n[link](javascript:alert(1)) ![img](http://127.0.0.1:9/x.png)"
           "\n\n<img src=x onerror=alert(1)> | table | cell |\n\n")


@kind(
    outcome="processed: Markdown and HTML inside .txt are shown literally; a .md file is read as it renders "
    "(the script and the images leave no text; a javascript: link stays literal, as markdown-it refuses it); "
    "nothing is ever fetched or run",
    documents={"page.md": 4, "page.txt": 4},
    pairs=[("page.md", "page.txt", None)],
    diff=("page.md", "page.txt", 0),
)
def markup_in_text(folder: Path) -> None:
    write(folder, "page.md", _MARKUP + prose(31, paragraphs=1))
    write(folder, "page.txt", _MARKUP + prose(31, paragraphs=1))


# --------------------------------------------------------------------------- usage


@kind(
    outcome="usage error, exit 2: 'dedup: skipped PATH: no such file or folder' and no report",
    exit=2,
    paths=lambda folder: [str(folder / "missing")],
    errors=[r"dedup: skipped .*/missing: no such file or folder"],
)
def missing_path(folder: Path) -> None:
    pass


@kind(outcome="processed: an empty report (0 documents), exit 0", documents={})
def empty_folder(folder: Path) -> None:
    (folder / "nothing here").mkdir()


@kind(
    outcome="usage error, exit 2: one line naming --max-bytes and its range, one line on where the help is",
    exit=2,
    args=("--max-bytes", "0"),
    errors=[r"dedup: Invalid value for '--max-bytes': .*1\.", r"Try '.* report -h' for help\."],
)
def bad_max_bytes(folder: Path) -> None:
    write(folder, "a.txt", ARTICLE)


FAST = [k for k in KINDS.values() if not k.slow]
