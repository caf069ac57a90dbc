"""Web archives (.warc, .warc.gz): each captured HTML page is a record, ``file.warc.gz#<URI>``.

The files are written by :mod:`tests.warcs` as crawlers write them; the pages are read as the
HTML reader reads an ``.html`` file, re-read by byte offset for verification and diffs, and
every bad record is one line naming ``file:<offset>`` while the rest of the file is read.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.document import Document, Skipped, Source, find_sources, load_bytes, load_many, load_span, read
from dedup.pipeline import Config, read_pair, record_reference, run
from dedup.render.skips import record_place
from tests.helpers import ROOT, SEED_A, SEED_B, prose
from tests.warcs import (
    URI,
    metadata,
    offsets,
    page,
    request,
    resource,
    response,
    revisit,
    warc,
    warcinfo,
)

runner = CliRunner()
GZ = [pytest.param(True, id="warc.gz"), pytest.param(False, id="warc")]
ARTICLE = ["First paragraph of the story, with enough words to matter.", "Second paragraph: café, naïve, 10 €."]


def name(gz: bool) -> str:
    return "crawl.warc.gz" if gz else "crawl.warc"


def items(path, **kw) -> tuple[list[Document], list[Skipped]]:
    got = list(read([str(path)], **kw))
    return [d for d in got if isinstance(d, Document)], [s for s in got if isinstance(s, Skipped)]


def article_html(paragraphs=ARTICLE, title="The story") -> str:
    return page(html.escape(title), [html.escape(p) for p in paragraphs])


def seed_html(path) -> str:
    """A seed article as an HTML page, one <p> a paragraph."""
    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return page(html.escape(paragraphs[0]), [html.escape(p) for p in paragraphs[1:]])


# --------------------------------------------------------------------------- what is a document


@pytest.mark.parametrize("gz", GZ)
def test_each_html_page_captured_is_a_document_and_nothing_else_is(tmp_path, gz):
    records = [
        warcinfo(),
        request(URI),
        response(URI, article_html()),
        metadata(URI),
        response("https://example.com/logo.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
        response("https://example.com/gone", article_html(["Not found, with words."]), status=404),
        response("https://example.com/moved", "", status=301, http_headers=[("Location", "/there")]),
        revisit(URI, date="2024-03-02T10:00:00Z"),
        response("https://example.com/feed.json", '{"text": "a feed"}', content_type="application/json"),
        response("https://example.com/x.xhtml", article_html(["An XHTML page."]), content_type="application/xhtml+xml"),
        resource("https://example.com/saved.html", article_html(["A page saved as a resource."])),
        resource("https://example.com/notes.txt", "A text resource.", content_type="text/plain"),
        response("https://example.com/upper", article_html(["Upper-case type."]), content_type="TEXT/HTML;Charset=UTF-8",
                 version="1.1"),
    ]
    (tmp_path / name(gz)).write_bytes(warc(records, gz=gz))
    docs, skipped = items(tmp_path / name(gz))
    assert skipped == []
    assert [d.id for d in docs] == [
        f"{name(gz)}#{URI}",
        f"{name(gz)}#https://example.com/x.xhtml",
        f"{name(gz)}#https://example.com/saved.html",
        f"{name(gz)}#https://example.com/upper",
    ]
    assert [p.text for p in docs[0].paragraphs] == ["The story", *ARTICLE]
    assert {d.format for d in docs} == {"html"} and docs[0].path == str(tmp_path / name(gz))


def test_a_page_reads_as_its_saved_html_copy(tmp_path):
    """The same bytes in a WARC record and in an .html file are the same document (Jaccard 1.0)."""
    (tmp_path / "saved.html").write_text(seed_html(SEED_A), encoding="utf-8")
    (tmp_path / "crawl.warc.gz").write_bytes(warc([response(URI, seed_html(SEED_A))], gz=True))
    report = run([str(tmp_path)], Config())
    (pair,) = report.pairs
    assert (pair.a, pair.b, pair.jaccard) == (f"crawl.warc.gz#{URI}", "saved.html", 1.0)
    assert report.paired[pair.a].text == report.paired[pair.b].text


@pytest.mark.parametrize(
    "coding, chunk",
    [("gzip", True), ("gzip", False), ("x-gzip", False), ("deflate", False), ("raw-deflate", True), (None, True)],
)
def test_bodies_are_read_as_the_server_sent_them_chunked_and_compressed(tmp_path, coding, chunk):
    """Common Crawl, Heritrix and wget keep the body as it came: Transfer-Encoding chunked, then
    Content-Encoding gzip or deflate (zlib's format, or raw as some servers send it)."""
    body = article_html([prose(1, paragraphs=1), *ARTICLE])
    data = warc([request(URI), response(URI, body, chunk=chunk, coding=coding)], gz=True)
    (tmp_path / "cc.warc.gz").write_bytes(data)
    (doc,), skipped = items(tmp_path / "cc.warc.gz")
    assert skipped == [] and [p.text for p in doc.paragraphs][-2:] == ARTICLE


def test_a_common_crawl_record_in_a_legacy_charset(tmp_path):
    """The charset of the HTTP Content-Type decodes a page that is not UTF-8 (cp1252 here, chunked
    and gzipped), as a browser does; a page without one is decoded as an .html file is."""
    text = ["“Quotes” — and a euro: 5 € for a café crème."] * 2
    body = article_html(text).encode("cp1252")
    records = [
        warcinfo(),
        request(URI),
        response(URI, body, content_type="text/html; charset=windows-1252", chunk=True, coding="gzip",
                 warc_headers=[("WARC-Identified-Payload-Type", "text/html")]),
        response("https://example.com/latin", article_html(["Ça coûte 5 €."]).encode("cp1252"),
                 content_type='text/html;charset="ISO-8859-1"'),
        response("https://example.com/utf8-mislabelled", article_html(["Ça coûte 5 €."]),
                 content_type="text/html; charset=iso-8859-1"),
    ]
    (tmp_path / "cc.warc.gz").write_bytes(warc(records, gz=True))
    docs, skipped = items(tmp_path / "cc.warc.gz")
    assert skipped == []
    assert [p.text for p in docs[0].paragraphs][1:] == text
    # ISO-8859-1 is read as windows-1252 (as browsers do: the euro sign is 0x80); a page that is
    # UTF-8 stays UTF-8 whatever its label says
    assert [p.text for p in docs[1].paragraphs][1:] == [p.text for p in docs[2].paragraphs][1:] == ["Ça coûte 5 €."]


def test_brotli_is_read_where_the_brotli_module_is_installed_else_named(tmp_path):
    try:
        import brotli  # noqa: F401
    except ImportError:
        brotli = None
    if brotli is None:
        block = response(URI, b"\x0b\x02\x80hello\x03", http_headers=[("Content-Encoding", "br")])
    else:
        block = response(URI, article_html(), coding="br")
    (tmp_path / "c.warc").write_bytes(warc([block, response(URI + "&2", article_html())], gz=False))
    docs, skipped = items(tmp_path / "c.warc")
    if brotli is None:
        assert skipped == [Skipped("c.warc:0", "a Brotli-compressed body (pip install brotli to read it)")]
        assert [d.id for d in docs] == [f"c.warc#{URI}&2"]
    else:
        assert skipped == [] and len(docs) == 2


def test_an_unknown_content_encoding_is_named(tmp_path):
    block = response(URI, article_html(), http_headers=[("Content-Encoding", "zstd")])
    (tmp_path / "c.warc").write_bytes(warc([block], gz=False))
    assert items(tmp_path / "c.warc") == ([], [Skipped("c.warc:0", "a body in an unknown Content-Encoding ('zstd')")])


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    "uri",
    [
        "https://example.com/a//b/../c?q=1&r=2#section",
        "http://user@host:8080/p;x=1",
        "urn:x-wayback:1",
        "<https://example.com/angled>",
    ],
)
def test_a_target_uri_is_the_id_as_written(tmp_path, uri):
    """Kept whole: ``#``, ``//`` and ``:`` (a URI in <angle brackets>, as old wget wrote it, loses them)."""
    (tmp_path / "c.warc.gz").write_bytes(warc([response(uri, article_html())], gz=True))
    (doc,), _ = items(tmp_path / "c.warc.gz")
    assert doc.id == "c.warc.gz#" + uri.strip("<>")
    given = os.path.join(tmp_path, doc.id)
    assert record_reference(given) == (str(tmp_path / "c.warc.gz"), uri.strip("<>"))
    a, b = read_pair(given, os.path.join(tmp_path, doc.id))
    assert isinstance(a, Document) and a.id == doc.id and a.text == doc.text


def test_two_captures_of_one_page_are_two_documents(tmp_path):
    """A page captured twice (an update, a paywall added) is what a user wants compared: the first
    capture in the file is ``file#URI``, a later one ``file#URI@<WARC-Date>``, and one captured at the
    same second ``file#URI@<WARC-Record-ID>``."""
    later = "2024-03-05T08:30:00Z"
    records = [
        response(URI, seed_html(SEED_A)),
        response(URI, seed_html(SEED_B), date=later),
        response(URI, seed_html(SEED_B), date=later, record_id="<urn:uuid:00000000-0000-0000-0000-000000000001>"),
    ]
    (tmp_path / "c.warc.gz").write_bytes(warc(records, gz=True))
    report = run([str(tmp_path)], Config())
    first, second = f"c.warc.gz#{URI}", f"c.warc.gz#{URI}@{later}"
    third = f"c.warc.gz#{URI}@urn:uuid:00000000-0000-0000-0000-000000000001"
    assert [d.id for d in report.documents] == sorted([first, second, third]) and report.skipped == ()
    assert {(p.a, p.b) for p in report.pairs} >= {(first, second), (second, third)}
    assert report.paired[second].text == report.paired[third].text  # read again by offset, under their own ids
    result = runner.invoke(app, ["diff", os.path.join(tmp_path, first), os.path.join(tmp_path, second), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    pair = json.loads(result.stdout)
    assert (pair["a"], pair["b"]) == (first, second) and pair["diff"]


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize("gz", GZ)
def test_a_record_is_read_again_by_its_offset(tmp_path, gz):
    """The place of a page is its record's offset (its gzip member's): read again alone, it is the same document."""
    records = [warcinfo(), request(URI), response(URI, article_html()), response(URI + "&b", article_html(ARTICLE[::-1])),
               response(URI, article_html(["Later."]), date="2024-04-01T00:00:00Z")]
    data = warc(records, gz=gz)
    (tmp_path / name(gz)).write_bytes(data)
    source = Source(str(tmp_path / name(gz)), name(gz), "warc", len(data))
    found = list(load_span(source))
    assert [offset for offset, _, _ in found] == offsets(records, gz=gz)[2:]
    for offset, _, _ in found:
        assert data[offset : offset + 2] == b"\x1f\x8b" if gz else data[offset:].startswith(b"WARC/1.0\r\n")
    again = load_many(source, [(o, n) for o, n, _ in reversed(found)])
    assert again == [item for _, _, item in reversed(found)]
    assert list(load_bytes(data, source)) == [item for _, _, item in found]


def test_a_file_gzipped_whole_is_read_and_its_records_read_again(tmp_path):
    """``gzip crawl.warc`` makes one member of every record: still read, each page found again."""
    records = [warcinfo(), response(URI, article_html()), response(URI + "&b", article_html(["Other text here."]))]
    data = gzip.compress(warc(records, gz=False), mtime=0)
    (tmp_path / "whole.warc.gz").write_bytes(data)
    source = Source(str(tmp_path / "whole.warc.gz"), "whole.warc.gz", "warc", len(data))
    found = list(load_span(source))
    assert [item.id for _, _, item in found] == [f"whole.warc.gz#{URI}", f"whole.warc.gz#{URI}&b"]
    assert load_many(source, [(o, n) for o, n, _ in found]) == [item for _, _, item in found]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("gz", GZ)
def test_bad_records_are_named_by_offset_and_the_rest_is_read(tmp_path, gz):
    good = [response(URI + f"&{k}", article_html([prose(k, paragraphs=1)])) for k in range(4)]
    big = response(URI + "&big", article_html(["word " * 20_000]))
    image = response("https://example.com/big.png", b"\x89PNG" + b"\x00" * 100_000, content_type="image/png")
    records = [good[0], big, image, good[1], good[2]]
    data = warc(records, gz=gz)
    at = offsets(records, gz=gz)
    if gz:  # the fourth member broken in its middle: its record is lost, the next one read
        start = at[3]
        data = data[: start + 20] + b"\xff" * 8 + data[start + 28 :]
    else:  # a line that is not a record between two records: passed over up to the next record
        data = data[: at[3]] + b"garbage between records\r\n" + data[at[3] :]
    truncated = warc([good[3]], gz=gz)[:-40]
    data += truncated
    (tmp_path / name(gz)).write_bytes(data)
    docs, skipped = items(tmp_path / name(gz), max_bytes=65_536)
    kept = [0, 1, 2] if not gz else [0, 2]
    assert [d.id for d in docs] == [f"{name(gz)}#{URI}&{k}" for k in kept]
    last = len(data) - len(truncated)
    expected = [(f"{name(gz)}:{at[1]}", r"record too large \(over the 64\.0 KiB limit, see --max-bytes\)")]
    if gz:  # zlib's words for the broken data: invalid block type, invalid distance ..., incorrect data check
        expected += [(f"{name(gz)}:{at[3]}", r"bad gzip member \((invalid|incorrect) [a-z ]+\)"),
                     (f"{name(gz)}:{last}", r"truncated gzip member")]
    else:
        expected += [(f"{name(gz)}:{at[3]}", r"not a WARC record \(no WARC/1\.x line here; read on from the next one\)"),
                     (f"{name(gz)}:{last}", r"truncated record \(only \d+ of its \d+ bytes\)")]
    assert [s.path for s in skipped] == [path for path, _ in expected]
    for s, (_, reason) in zip(skipped, expected):
        assert re.fullmatch(reason, s.reason), s
    for s in skipped:
        assert record_place(s.path) == (name(gz), int(s.path.rsplit(":", 1)[1]))


@pytest.mark.parametrize(
    "data, reason",
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"<html><body><p>A page named .warc</p></body></html>",
                     "not a WARC file (it does not start with a WARC/1.x line)", id="html"),
        pytest.param(gzip.compress(b'{"text": "a JSONL shard"}\n', mtime=0),
                     "not a WARC file (it does not start with a WARC/1.x line)", id="jsonl.gz"),
        pytest.param(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xff", "bad gzip member (invalid block type)",
                     id="bad-gzip"),
        pytest.param(warc([warcinfo(), request(URI), revisit(URI)], gz=True),
                     "no HTML pages (3 records: 1 warcinfo, 1 request, 1 revisit)", id="no-responses"),
        pytest.param(warc([warcinfo(), response(URI, b"GIF89a", content_type="image/gif")], gz=False),
                     "no HTML pages (2 records: 1 warcinfo, 1 response)", id="an-image"),
    ],
)
def test_a_file_that_gives_no_page_says_why_in_one_line(tmp_path, data, reason):
    (tmp_path / "x.warc.gz").write_bytes(data)
    named = "x.warc.gz:0" if "gzip member" in reason else "x.warc.gz"  # a member is named by its offset
    assert items(tmp_path / "x.warc.gz") == ([], [Skipped(named, reason)])


def test_an_empty_page_and_a_page_without_words_are_named(tmp_path):
    records = [response(URI, ""), response(URI + "&2", "<html><body><script>x()</script></body></html>")]
    (tmp_path / "c.warc").write_bytes(warc(records, gz=False))
    docs, skipped = items(tmp_path / "c.warc")
    at = offsets(records, gz=False)
    assert docs == [] and skipped == [Skipped(f"c.warc:{at[0]}", "an empty page"),
                                      Skipped(f"c.warc:{at[1]}", "no visible text in the HTML")]


# --------------------------------------------------------------------------- files and folders


def test_folders_give_web_archives_and_name_the_ones_compressed_otherwise(tmp_path):
    data = warc([response(URI, article_html())], gz=True)
    for file in ("a.warc.gz", "B.WARC.GZ", "c.warc"):
        (tmp_path / file).write_bytes(data if file != "c.warc" else gzip.decompress(data))
    (tmp_path / "d.warc.bz2").write_bytes(b"BZh9")
    (tmp_path / "e.wat.gz").write_bytes(data)  # metadata, not pages: left out
    sources, skipped = find_sources([tmp_path])
    assert [(s.id, s.format) for s in sources] == [("B.WARC.GZ", "warc"), ("a.warc.gz", "warc"), ("c.warc", "warc")]
    assert skipped == [Skipped("d.warc.bz2", "compressed WARC (bunzip2 it first)")]


# --------------------------------------------------------------------------- the commands


def test_report_diff_and_check_agree_on_a_web_archive(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    uri_b = "https://mirror.example.org/2024/03/story.html#top"
    records = [warcinfo(), request(URI), response(URI, seed_html(SEED_A), coding="gzip", chunk=True),
               response(uri_b, seed_html(SEED_B)), response("https://example.com/other", article_html([prose(3)]))]
    (corpus / "crawl.warc.gz").write_bytes(warc(records, gz=True))
    shutil.copy(SEED_B, corpus / "reprint.txt")
    result = runner.invoke(app, ["report", str(corpus), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    pairs = {(p["a"], p["b"]) for p in data["pairs"]}
    a, b = f"crawl.warc.gz#{URI}", f"crawl.warc.gz#{uri_b}"
    assert pairs == {(a, b), (a, "reprint.txt"), (b, "reprint.txt")}
    assert all(p["diff"] for p in data["pairs"])

    result = runner.invoke(app, ["diff", os.path.join(corpus, a), str(corpus / "reprint.txt"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    (reported,) = [p for p in data["pairs"] if (p["a"], p["b"]) == (a, "reprint.txt")]
    assert json.loads(result.stdout)["jaccard"] == reported["jaccard"]

    done = dedup("diff", corpus / "crawl.warc.gz", corpus / "reprint.txt")
    assert (done.returncode, done.stderr) == (2, f"dedup: {corpus / 'crawl.warc.gz'}: is a WARC file of many documents; "
                                                 f"dedup diff compares two documents (one record: {corpus / 'crawl.warc.gz'}#URI)\n")
    done = dedup("diff", f"{corpus / 'crawl.warc.gz'}#https://nowhere.example/", corpus / "reprint.txt")
    assert done.returncode == 2
    assert done.stderr.endswith("no page with WARC-Target-URI 'https://nowhere.example/' in crawl.warc.gz\n"), done.stderr

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", str(corpus / "crawl.warc.gz"), "--against", str(corpus)])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [  # one line a pair: the second of two checked records names the first
        _finding(data, a, "reprint.txt"),
        _finding(data, b, a),
        _finding(data, b, "reprint.txt"),
    ]


def test_diff_pairs_reads_pages_named_as_reports_name_them(tmp_path, monkeypatch):
    other = "https://example.org//b#frag"
    (tmp_path / "c.warc.gz").write_bytes(warc([response(URI, seed_html(SEED_A)), response(other, seed_html(SEED_B))], gz=True))
    shutil.copy(SEED_B, tmp_path / "b.txt")
    (tmp_path / "pairs.tsv").write_text(
        f"c.warc.gz#{URI}\tc.warc.gz#{other}\nc.warc.gz#{other}\tb.txt\nc.warc.gz#https://nowhere/\tb.txt\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["diff", "--pairs", "pairs.tsv"])
    assert result.exit_code == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(p["a"], p["b"]) for p in got] == [(f"c.warc.gz#{URI}", f"c.warc.gz#{other}"), (f"c.warc.gz#{other}", "b.txt")]
    assert got[1]["jaccard"] == 1.0
    assert result.stderr == ("dedup: skipped pairs.tsv:3: c.warc.gz#https://nowhere/: "
                             "no page with WARC-Target-URI 'https://nowhere/' in c.warc.gz\n")


def dedup(*args) -> subprocess.CompletedProcess:
    """The real command, for its exit code and stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, text=True, env=env)


def _pair(data, a, b):
    (p,) = [p for p in data["pairs"] if {p["a"], p["b"]} == {a, b}]
    return p


def _finding(data, path, other) -> str:
    """The line ``check`` prints for a pair of the report."""
    p = _pair(data, path, other)
    containment = max(p["containment_a_in_b"], p["containment_b_in_a"])
    return f"{path}: near-duplicate of {other} (jaccard {p['jaccard']:.2f}, containment {containment:.2f})"


def test_the_hook_is_given_web_archives(tmp_path):
    """pre-commit's identify tags a .warc.gz ``binary`` and ``gzip``, and a .warc ``binary`` when a
    payload is: the manifest's types let them through, and its files pattern names them."""
    import yaml

    identify = pytest.importorskip("identify.identify")
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(hook["files"])
    for file in ("crawl.warc", "crawl.warc.gz", "dir/CC-MAIN-0001.WARC.GZ"):
        assert pattern.search(file), file
    for file in ("crawl.warc.bz2", "crawl.wat.gz", "crawl.gz"):
        assert not pattern.search(file), file
    image = response(URI, b"\x89PNG\x00\x00\x00", content_type="image/png")
    for file, data in (("a.warc.gz", warc([response(URI, article_html())], gz=True)), ("b.warc", warc([image], gz=False))):
        (tmp_path / file).write_bytes(data)
        tags = identify.tags_from_path(str(tmp_path / file))
        assert tags & set(hook["types_or"]), (file, tags)


def test_the_documents_of_a_web_archive_are_never_written(tmp_path):
    data = warc([response(URI, seed_html(SEED_A)), response(URI + "&2", seed_html(SEED_B))], gz=True)
    (tmp_path / "c.warc.gz").write_bytes(data)
    before = os.stat(tmp_path / "c.warc.gz")
    result = runner.invoke(app, ["report", str(tmp_path), "-f", "html", "-o", str(tmp_path / "report.html")])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "c.warc.gz").read_bytes() == data
    assert os.stat(tmp_path / "c.warc.gz").st_mtime_ns == before.st_mtime_ns


def test_a_web_archive_wget_writes_is_read(tmp_path):
    """A real crawler's archive: ``wget --warc-file`` over a local site with two versions of an
    article (one served gzipped), an image and a missing page. Each HTML page is a document named
    by its URL, the versions pair, and a page reads as the file the site served."""
    import http.server
    import threading

    wget = shutil.which("wget")
    if wget is None:
        if os.environ.get("CI"):
            pytest.fail("wget is missing: `make test` installs it (scripts/ensure-chromium)")
        pytest.skip("wget is missing: `make test` installs it (scripts/ensure-chromium)")
    site = {
        "/index.html": (b'<html><body><a href="a.html">A</a> <a href="b.html">B</a> <img src="p.png">'
                        b'<a href="gone.html">gone</a></body></html>', "text/html; charset=utf-8", False),
        "/a.html": (seed_html(SEED_A).encode(), "text/html; charset=utf-8", False),
        "/b.html": (seed_html(SEED_B).encode(), "text/html; charset=utf-8", True),
        "/p.png": (b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png", False),
    }

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            if self.path not in site:
                self.send_error(404)
                return
            body, kind, zipped = site[self.path]
            if zipped:
                body = gzip.compress(body)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        done = subprocess.run([wget, "-q", "-r", "-l", "1", "-e", "robots=off", "--no-proxy", "-P", str(tmp_path / "mirror"),
                               "--warc-file", str(tmp_path / "crawl"), f"{base}/index.html"],
                              capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
    assert (tmp_path / "crawl.warc.gz").is_file(), done.stderr
    (tmp_path / "b.html").write_text(seed_html(SEED_B), encoding="utf-8")
    report = json.loads(runner.invoke(app, ["report", str(tmp_path / "crawl.warc.gz"), str(tmp_path / "b.html"),
                                            "-f", "json"]).stdout)
    ids = [d["id"] for d in report["documents"]]
    assert ids == ["b.html", *(f"crawl.warc.gz#{base}/{name}" for name in ("a.html", "b.html", "index.html"))]
    assert report["skipped"] == []
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert set(pairs) == {("b.html", f"crawl.warc.gz#{base}/a.html"), ("b.html", f"crawl.warc.gz#{base}/b.html"),
                          (f"crawl.warc.gz#{base}/a.html", f"crawl.warc.gz#{base}/b.html")}
    same = pairs["b.html", f"crawl.warc.gz#{base}/b.html"]  # the gzipped page and the file the site served
    assert same["jaccard"] == 1.0 and {row["op"] for row in same["diff"]} == {"equal"}
