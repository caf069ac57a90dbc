"""The HTML report in a real browser: Debian's chromium, headless, driven over DevTools.

``make test`` installs chromium when it is missing (scripts/ensure-chromium). Without it
these tests skip, except in CI (``CI`` set), where a missing browser is a failure.
Screenshots are kept in ``build/screenshots/`` for people to look at.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from dedup.document import read
from dedup.render.html import to_html
from dedup.render.view import ROLES
from tests.browser import CHROMIUM, Browser
from tests.fixtures import seed_report
from tests.helpers import ROOT, SEEDS, prose

SHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: `make test` installs it (scripts/ensure-chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with Browser() as b:
        yield b


@pytest.fixture
def page(browser):
    """The browser, with the events of earlier tests forgotten."""
    browser.clear_events()
    return browser


class Hits(list):
    port: int


@contextlib.contextmanager
def recording_server(page: Path | None = None):
    """A local HTTP server that records every request's path; with ``page``, it serves that
    file at /report.html (every other request gets an empty 204)."""
    hits = Hits()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            if page is not None and self.path == "/report.html":
                data = page.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_response(204)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hits.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield hits
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server():
    """A local HTTP server that records every request: hostile markup tries to reach it."""
    with recording_server() as hits:
        yield hits


def open_report(page: Browser, path: Path, fragment: str = "") -> None:
    page.open("about:blank")  # a new load even when only the #fragment differs
    page.open(path.as_uri() + fragment)
    assert page.evaluate("document.documentElement.getAttribute('data-ready')") == "1", page.log()[-3000:]


def assert_not_blank(png: bytes, name: str) -> Image.Image:
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / name).write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 1000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50, f"{name}: only {len(colours)} colours"
    background = max(colours)[0] / (image.width * image.height)
    assert background < 0.95, f"{name}: {background:.0%} of the page is one colour"
    return image


def texts(page: Browser, selector: str) -> list[str]:
    return page.evaluate(f"Array.from(document.querySelectorAll({json.dumps(selector)}), n => n.textContent)")


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the seeds


def test_the_seed_report_from_the_command_line(page, tmp_path):
    out = tmp_path / "report.html"
    subprocess.run([sys.executable, "-m", "dedup", "report", str(SEEDS), "-o", str(out)], check=True)
    open_report(page, out)
    assert_not_blank(page.screenshot(), "seeds-cli.png")
    assert page.evaluate("document.getElementById('pair-title').textContent").startswith("Pair 1 of 1")
    if page.evaluate("!!document.getElementById('rows')"):  # the pair has a labelled diff
        page.press("e")  # unfold the paragraphs both versions share
        assert texts(page, "#legend .badge")
    a_text = flat(" ".join(texts(page, ".cell.a .text")))
    b_text = flat(" ".join(texts(page, ".cell.b .text")))
    doc_a, doc_b = read([SEEDS])
    for p in doc_a.paragraphs:
        assert flat(p.text) in a_text
    for p in doc_b.paragraphs:
        assert flat(p.text) in b_text


def test_the_labelled_seed_diff_side_by_side(page, tmp_path):
    data, docs = seed_report()
    out = tmp_path / "seeds.html"
    out.write_text(to_html(data, docs), encoding="utf-8")
    open_report(page, out)
    assert texts(page, "#legend .badge") == [
        "title", "heading", "caption", "pull-quote", "paywall", "byline", "syndication", "duplicate", "other"
    ]
    count = "document.querySelectorAll({!r}).length".format
    assert page.evaluate(count(".row.r-caption")) == 4
    assert page.evaluate(count(".row.r-pull_quote")) == 2
    assert page.evaluate(count(".row.r-paywall")) == 6
    assert page.evaluate(count(".row.equal")) == 0  # shared paragraphs start folded
    assert texts(page, ".row.r-caption .cell.b .text") == [
        docs[data["pairs"][0]["b"]].paragraphs[0].text, "Pyeongyang Press Corps/REUTERS"
    ]
    assert "You are reading a free article." in texts(page, ".row.r-paywall .cell.b .text")
    assert_not_blank(page.screenshot(), "seeds.png")
    (SHOTS / "seeds-full.png").write_bytes(page.screenshot(full_page=True))  # for people: the whole pair
    page.press("e")
    assert page.evaluate(count(".row.equal")) == 14
    page.press("e")
    # the legend filters: hide the paywall rows, then bring them back
    page.click("#legend label:nth-of-type(5) input")
    assert page.evaluate(count(".row.r-paywall")) == 0
    assert page.evaluate(count(".row.r-caption")) == 4
    page.click("#legend label:nth-of-type(5) input")
    assert page.evaluate(count(".row.r-paywall")) == 6
    page.page("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    assert_not_blank(page.screenshot(), "seeds-dark.png")
    page.page("Emulation.setEmulatedMedia", {"features": []})


# --------------------------------------------------------------------------- 1,000 pairs


def many_pairs(n: int) -> dict:
    rows = [
        {"op": "equal", "role": "body", "score": 100, "a": {"index": 0, "start": 0, "end": 1},
         "b": {"index": 0, "start": 0, "end": 1}, "evidence": ""},
        {"op": "insert", "role": "caption", "score": 0, "a": None, "b": {"index": 1, "start": 0, "end": 1},
         "evidence": ""},
        {"op": "delete", "role": "paywall", "score": 0, "a": {"index": 1, "start": 0, "end": 1}, "b": None,
         "evidence": ""},
        {"op": "replace", "role": "body", "score": 90, "a": {"index": 2, "start": 0, "end": 1},
         "b": {"index": 2, "start": 0, "end": 1}, "evidence": "",
         "words": [{"op": "equal", "a": "same", "b": "same"}, {"op": "replace", "a": "old", "b": "new"}]},
    ]
    pairs = [
        {"a": f"doc{k:04}a.txt", "b": f"doc{k:04}b.txt", "jaccard": 0.8, "containment_a_in_b": 0.9,
         "containment_b_in_a": 0.85, "shared": 100, "diff": rows}
        for k in range(n)
    ]
    clusters = [
        {"members": [p["a"], p["b"]], "canonical": p["a"], "reason": "most text shared"} for p in pairs
    ]
    return {"documents": [], "skipped": [], "clusters": clusters, "pairs": pairs}


def test_a_thousand_pairs_stay_light_and_the_keyboard_moves_between_them(page, tmp_path):
    out = tmp_path / "many.html"
    out.write_text(to_html(many_pairs(1000)), encoding="utf-8")
    open_report(page, out)
    count = "document.querySelectorAll({!r}).length".format
    assert page.evaluate(count("#pairs tbody tr")) == 50  # paged
    assert page.evaluate(count("#clusters tbody tr")) == 50
    assert page.evaluate(count(".row")) == 3  # only the pair on show is drawn
    assert page.evaluate("document.getElementsByTagName('*').length") < 2500
    title = "document.getElementById('pair-title').textContent"
    assert page.evaluate(title) == "Pair 1 of 1000 · cluster 1"
    for _ in range(3):
        page.press("j")
    assert page.evaluate(title) == "Pair 4 of 1000 · cluster 4"
    page.press("k")
    assert page.evaluate(title) == "Pair 3 of 1000 · cluster 3"
    assert page.evaluate("location.hash") == "#pair-3"
    assert page.evaluate("document.activeElement.id") == "pair-title"
    page.press("n")
    assert page.evaluate(title).startswith("Pair 4 of")
    page.press("p")
    assert page.evaluate(title).startswith("Pair 3 of")
    open_report(page, out, "#pair-1000")
    assert page.evaluate(title) == "Pair 1000 of 1000 · cluster 1000"
    assert "page 20 of 20" in page.evaluate("document.querySelector('#pairs .pager').textContent")
    page.press("j")  # past the last pair: stays
    assert page.evaluate(title).startswith("Pair 1000 of")
    assert page.evaluate("document.querySelector('.row.op-replace del').textContent") == "old"
    assert page.evaluate("document.querySelector('.row.op-replace ins').textContent") == "new"
    page.press("?")
    assert page.evaluate("document.getElementById('help').hidden") is False


def test_every_pair_of_the_overview_is_reached_with_the_keyboard(page, tmp_path):
    out = tmp_path / "many.html"
    out.write_text(to_html(many_pairs(120)), encoding="utf-8")
    open_report(page, out)
    title = "document.getElementById('pair-title').textContent"
    focused = "document.activeElement.textContent"
    page.evaluate("document.querySelector('#pairs h3').tabIndex = -1, document.querySelector('#pairs h3').focus()")
    page.key("Tab")  # from the heading of the pairs table, Tab lands on its first pair
    assert page.evaluate(focused) == "1"
    page.key("Tab")
    assert page.evaluate(focused) == "2"
    page.key("Enter")
    assert page.evaluate(title) == "Pair 2 of 120 · cluster 2"
    assert page.evaluate("document.activeElement.id") == "pair-title"
    page.evaluate("document.querySelector('#pairs .pager button:last-child').focus()")
    page.key("Enter")  # the next page of the overview; the focus stays on the button pressed
    assert "page 2 of 3" in page.evaluate("document.querySelector('#pairs .pager').textContent")
    assert page.evaluate(focused) == "next ›"
    page.key("Enter")
    assert page.evaluate(focused) == "‹ previous"  # "next" is disabled on the last page
    page.key("Enter")
    assert "page 2 of 3" in page.evaluate("document.querySelector('#pairs .pager').textContent")
    page.evaluate("document.querySelector('#pairs h3').tabIndex = -1, document.querySelector('#pairs h3').focus()")
    page.key("Tab")
    assert page.evaluate(focused) == "51"
    page.key("Enter")
    assert page.evaluate(title) == "Pair 51 of 120 · cluster 51"
    assert page.evaluate("location.hash") == "#pair-51"


@contextlib.contextmanager
def window(page: Browser, width: int, height: int = 800):
    """The page's window at ``width`` x ``height`` CSS pixels, then back to the usual 1280 x 1000."""
    page.page("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                     "mobile": False})
    try:
        yield
    finally:
        page.page("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1000, "deviceScaleFactor": 1,
                                                         "mobile": False})


@pytest.mark.parametrize("width", [375, 600, 1280])
def test_a_narrow_window_neither_scrolls_sideways_nor_hides_the_pair_under_the_legend(page, tmp_path, width):
    data = many_pairs(120)
    every_role = [{"op": "insert", "role": role, "score": 0, "a": None, "b": {"index": 3 + k, "start": 0, "end": 1},
                   "evidence": ""} for k, role in enumerate(ROLES)]  # a legend of every role wraps in a narrow window
    for p in data["pairs"]:  # ids as long as a crawl's
        p["diff"] = p["diff"] + every_role
        p["a"], p["b"] = (f"www.example-news-site.com/2019/11/19/{p[x][:-4]}-a-long-headline.html" for x in "ab")
    for c, p in zip(data["clusters"], data["pairs"]):
        c["members"], c["canonical"] = [p["a"], p["b"]], p["a"]
    out = tmp_path / "many.html"
    out.write_text(to_html(data), encoding="utf-8")
    with window(page, width):
        open_report(page, out)
        assert page.evaluate("document.documentElement.scrollWidth") == width  # the tables scroll, not the page
        for k in range(1, 4):
            page.press("j")
            box = page.evaluate("JSON.stringify([document.getElementById('controls').getBoundingClientRect(), "
                                "document.getElementById('pair-title').getBoundingClientRect()])")
            controls, title = json.loads(box)
            assert page.evaluate("document.getElementById('pair-title').textContent").startswith(f"Pair {k + 1} of")
            assert title["top"] >= max(controls["bottom"], 0), (width, k, controls, title)  # in sight
            assert title["bottom"] <= 800


def test_right_to_left_text_reads_right_to_left_and_a_name_cannot_reverse_itself(page, tmp_path):
    folder = tmp_path / "rtl"
    folder.mkdir()
    body = prose(11, paragraphs=6)
    hebrew = "מאמר זה פורסם במקור באתר שלנו."  # ends with a full stop: right to left, it is drawn leftmost
    (folder / "a.txt").write_text(body + "\n\n" + hebrew, encoding="utf-8")
    (folder / "evil\u202etxt.md").write_text(body, encoding="utf-8")  # shows as "evildm.txt" if obeyed
    out = tmp_path / "rtl.html"
    subprocess.run([sys.executable, "-m", "dedup", "report", str(folder), "-o", str(out)], check=True)
    open_report(page, out)
    assert texts(page, ".versions .id") == ["a.txt", "evil\\u202etxt.md"]
    assert texts(page, "#pairs tbody td.id") == ["a.txt", "evil\\u202etxt.md"]
    assert texts(page, ".row.diff .cell.a .text") == [hebrew]
    where = """(() => {
        const node = document.querySelector(".row.diff .cell.a .text").firstChild;
        const at = k => { const r = document.createRange(); r.setStart(node, k); r.setEnd(node, k + 1);
                          return r.getBoundingClientRect().left; };
        return [getComputedStyle(node.parentNode).direction, at(0), at(node.length - 1)];
    })()"""
    direction, first_letter, full_stop = page.evaluate(where)
    assert direction == "rtl"
    assert full_stop < first_letter
    assert page.evaluate("getComputedStyle(document.querySelector('.same + .row, .row')).direction") == "ltr"


# --------------------------------------------------------------------------- hostile documents


def payloads(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}"
    return [
        f'</script><script>window.__pwned=1;fetch("{url}/script")</script>',
        f'<img src="{url}/img" onerror="window.__pwned=2;fetch(\'{url}/onerror\')">',
        f"<a href=\"javascript:window.__pwned=3;fetch('{url}/js-link')\">click me</a> and javascript:alert(1)",
        f'<svg onload="window.__pwned=4;fetch(\'{url}/svg\')"></svg><iframe src="{url}/iframe"></iframe>',
        f'<style>@import url({url}/css);</style><link rel="stylesheet" href="{url}/link">',
        f'<meta http-equiv="refresh" content="0;url={url}/refresh"> <!-- ]]> --> \u2028 & &amp; &lt;',
        f"<object data=\"{url}/object\"></object><video src=\"{url}/video\" onerror=\"window.__pwned=5\">",
    ]


def assert_nothing_ran(page: Browser, server: Hits) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert server == []
    assert page.page_events("Page.javascriptDialogOpening") == []
    assert page.page_events("Runtime.exceptionThrown") == []
    assert page.page_events("Runtime.consoleAPICalled") == []
    urls = [e["params"]["request"]["url"] for e in page.page_events("Network.requestWillBeSent")]
    assert urls and all(u.startswith(("file://", "about:")) for u in urls), urls
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("document.querySelectorAll('img,iframe,svg,a,object,embed,video,link').length") == 0
    assert page.evaluate("document.querySelectorAll('style').length") == 1
    assert page.evaluate("document.querySelectorAll('meta[http-equiv=refresh]').length") == 0


def hostile_folder(tmp_path: Path, port: int) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    body = prose(7, paragraphs=6)
    bad = payloads(port)
    (folder / "clean.txt").write_text(body + "\n\n" + "\n\n".join(bad[:4]), encoding="utf-8")
    # a file name is a document id, and ids are shown too
    name = '<img src=x onerror="window.__pwned=6">.txt'
    (folder / name).write_text("\n\n".join(bad[4:]) + "\n\n" + body, encoding="utf-8")
    return folder


def test_a_hostile_document_runs_nothing_and_shows_as_text(page, tmp_path, server):
    folder = hostile_folder(tmp_path, server.port)
    out = tmp_path / "hostile.html"
    subprocess.run([sys.executable, "-m", "dedup", "report", str(folder), "-o", str(out)], check=True)
    open_report(page, out)
    assert_nothing_ran(page, server)
    if page.evaluate("!!document.getElementById('rows')"):
        page.press("e")
    shown = page.evaluate("document.body.textContent")
    for payload in payloads(server.port):
        assert flat(payload.split("\u2028")[0]) in flat(shown)
    assert '<img src=x onerror="window.__pwned=6">.txt' in shown
    # press every button and key the page offers, then look again
    page.evaluate("document.querySelectorAll('button').forEach(b => b.click())")
    for key in "jkep?":
        page.press(key)
    assert_nothing_ran(page, server)


def test_hostile_diff_rows_run_nothing(page, tmp_path, server):
    """Document text in every field a diff row has: paragraphs, words, evidence, role."""
    bad = payloads(server.port)
    docs = {d.id: d for d in read([hostile_folder(tmp_path, server.port)])}
    (a, b) = docs.values()
    rows = [
        {"op": "delete", "role": bad[0], "score": 0, "b": None, "evidence": bad[1],
         "a": {"index": p.index, "start": p.start, "end": p.end}}
        for p in a.paragraphs
    ] + [
        {"op": "replace", "role": "body", "score": 50, "evidence": bad[2],
         "a": {"index": 0, "start": 0, "end": 5}, "b": {"index": 0, "start": 0, "end": 5},
         "words": [{"op": "equal", "a": bad[3], "b": bad[3]}, {"op": "replace", "a": bad[4], "b": bad[5]}]}
    ]
    data = {"documents": [], "skipped": [{"path": bad[6], "reason": bad[0]}], "clusters": [],
            "pairs": [{"a": a.id, "b": b.id, "jaccard": 0.5, "containment_a_in_b": 0.5,
                       "containment_b_in_a": 0.5, "shared": 1, "diff": rows}]}
    out = tmp_path / "rows.html"
    out.write_text(to_html(data, docs), encoding="utf-8")
    open_report(page, out)
    page.evaluate("document.querySelector('details').open = true")
    assert_nothing_ran(page, server)
    shown = flat(page.evaluate("document.body.textContent"))
    for payload in bad:
        assert flat(payload.split("\u2028")[0]) in shown


def test_the_policy_blocks_anything_the_page_did_not_bring(page, tmp_path, server):
    """Markup slipped into the file (not through dedup) still cannot run or load."""
    data, docs = seed_report()
    url = f"http://127.0.0.1:{server.port}"
    injected = (
        f'<script>window.__pwned=1;fetch("{url}/inline")</script>'
        f'<img src="{url}/img" onerror="window.__pwned=2">'
        f'<link rel="stylesheet" href="{url}/css"><div style="background:url({url}/bg)">styled</div>'
    )
    page_html = to_html(data, docs).replace("<body>", "<body>" + injected, 1)
    out = tmp_path / "tampered.html"
    out.write_text(page_html, encoding="utf-8")
    open_report(page, out)  # the page's own script still runs: its hash is right
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert server == []
    messages = json.dumps(page.page_events("Log.entryAdded", "Runtime.consoleAPICalled"))
    assert "Content Security Policy" in messages


# --------------------------------------------------------------------------- a folder of hostile files, served


def hostile_corpus(folder: Path, url: str) -> list[str]:
    """Files whose text and names try everything; returns the payloads that must show as text."""
    body = prose(11, paragraphs=5)
    attacks = [
        f'</script><script>window.__pwned=1;fetch("{url}/breakout")</script>',
        f"</SCRIPT ><img src={url}/upper onerror=window.__pwned=2>",
        f'<!--<script>--></script><script>fetch("{url}/comment")</script>',
        f"<a href=\"javascript:fetch('{url}/js')\">js link</a> <a href=\"data:text/html,<script>fetch('{url}/data')</script>\">data link</a>",
        f'<svg onload="fetch(\'{url}/svg\')"><circle/></svg><math><mtext><img src={url}/math></mtext></math>',
        f"<div style=\"background:url('{url}/css-url')\">styled</div><style>@import '{url}/import';</style>",
        f'<meta http-equiv="refresh" content="0;url={url}/refresh"><base href="{url}/base/">',
        f'<iframe srcdoc="<script>parent.__pwned=3</script>" src="{url}/frame"></iframe><embed src="{url}/embed">',
        f"<form action=\"{url}/form\"><button formaction=\"{url}/button\">go</button></form> {{{{7*7}}}} ${{7*7}}",
        "\u2028</script>\u2029<script>window.__pwned=4</script> <x onclick=alert(1)>",
    ]
    (folder / "sub").mkdir(parents=True)
    (folder / "plain.txt").write_text(body + "\n\n" + "\n\n".join(attacks[:5]), encoding="utf-8")
    # Markdown is read as it renders: the markup it holds as text is in code blocks.
    fenced = [f"~~~\n{a}\n~~~" for a in attacks[5:]]
    (folder / "sub" / "copy.md").write_text(body + "\n\n" + "\n\n".join(fenced), encoding="utf-8")
    # An HTML page's visible text may itself be markup: escaped in the source, literal once extracted.
    escaped = "".join(f"<p>{html.escape(a)}</p>" for a in attacks[:3])
    (folder / "page.html").write_text(
        f"<html><body><script>fetch('{url}/page-script')</script><p>{body.replace(chr(10) * 2, '</p><p>')}</p>"
        f"{escaped}<img src={url}/page-img></body></html>", encoding="utf-8")
    # JSONL ids are shown too.
    records = [{"id": f'<img src={url}/id onerror="window.__pwned=5">', "text": body},
               {"id": "</script><script>window.__pwned=6</script>", "text": body + "\n\nOne more paragraph here."}]
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    # File names are ids: markup, quotes, a newline, bytes that are not UTF-8.
    for name in ("<svg onload=window.__pwned=8>.txt", '"><img src=x onerror=alert(7)>.txt',
                 "new\nline <b>bold</b>.txt", os.fsdecode(b"caf\xe9 <i>.txt")):  # "</b>": a folder "<b>bold<"
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes((body + "\n\nA paragraph only this copy has: ").encode() + os.fsencode(name))
    return attacks


@pytest.fixture
def site(tmp_path):
    """An HTTP server that serves the report at /report.html and records every request."""
    page = tmp_path / "served.html"
    with recording_server(page) as hits:
        hits.page = page
        yield hits


def assert_silent(page: Browser) -> None:
    """No dialog, no exception, no console message, no policy violation: nothing tried to run."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.page_events("Page.javascriptDialogOpening") == []
    assert page.page_events("Runtime.exceptionThrown") == []
    assert page.page_events("Runtime.consoleAPICalled") == []
    assert page.page_events("Log.entryAdded") == [], page.page_events("Log.entryAdded")
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("document.querySelectorAll('img,iframe,svg,math,a,object,embed,form,base,link,"
                         "meta[http-equiv]:not([http-equiv=Content-Security-Policy]),style:not(head > style)').length") == 0


def walk_every_pair(page: Browser) -> int:
    """Show every pair with its shared paragraphs unfolded; returns how many there are."""
    total = page.evaluate("document.getElementById('pair-title').textContent").split(" of ")[1].split()[0]
    for k in range(int(total)):
        if k:
            page.press("j")
        if page.evaluate("!!document.getElementById('rows')") and not page.evaluate(
            "document.querySelectorAll('.row.equal').length"
        ):
            page.press("e")
        assert_silent(page)
    page.evaluate("document.querySelectorAll('button, summary').forEach(b => b.click())")
    for key in "kep?":
        page.press(key)
    return int(total)


def test_a_report_of_hostile_files_and_names_runs_nothing_and_requests_nothing(page, tmp_path, site):
    """Built by the real command, served over HTTP and opened from disk: no script of the
    documents runs, no dialog opens, and the only request is the page itself."""
    url = f"http://127.0.0.1:{site.port}"
    folder = tmp_path / "hostile"
    attacks = hostile_corpus(folder, url)
    done = subprocess.run([sys.executable, "-m", "dedup", "report", str(folder), "-o", str(site.page)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    for where in (f"{url}/report.html", site.page.as_uri()):
        page.clear_events()
        site.clear()
        page.open("about:blank")
        page.open(where)
        assert page.evaluate("document.documentElement.getAttribute('data-ready')") == "1", page.log()[-3000:]
        pairs = walk_every_pair(page)
        assert pairs >= 10  # every copy of the body pairs with every other
        assert_silent(page)
        requested = [e["params"]["request"]["url"] for e in page.page_events("Network.requestWillBeSent")]
        assert requested == ["about:blank", where] or requested == [where], requested
        assert site == (["/report.html"] if where.startswith("http") else []), list(site)
    shown = flat(page.evaluate("document.body.textContent"))
    for attack in attacks[:9]:
        assert flat(attack) in shown, attack  # the markup is there, as text
    assert '"><img src=x onerror=alert(7)>.txt' in shown and f"<img src={url}/id onerror" in shown
    assert_not_blank(page.screenshot(), "hostile-served.png")


def test_a_page_chromium_saves_as_mhtml_reads_as_the_page_it_saved(page, tmp_path):
    """A real "Save page as... single file": Chromium's own MHTML of a page (its DOM as text/html in
    quoted-printable, the image in base64, the stylesheet kept) reads as the .html it was saved from."""
    words = " ".join(["Café crème, “quoted”, 5 € ≥ 4 and a line longer than quoted-printable's 76 columns."] * 3)
    source = (
        "<!doctype html><html><head><meta charset=utf-8><title>Saved</title>"
        "<style>.ad{display:none} p{color:#333}</style></head><body>"
        f"<h1>Über the headline</h1><p>{words}</p><p class=ad>Advertisement</p>"
        "<figure><img src=pic.png alt=''><figcaption>A photo caption.</figcaption></figure><p>Second paragraph.</p>"
        "</body></html>"
    )
    html_file = tmp_path / "page.html"
    html_file.write_text(source, encoding="utf-8")
    Image.new("RGB", (8, 8), (200, 30, 30)).save(tmp_path / "pic.png")
    page.open(html_file.as_uri())
    snapshot = page.page("Page.captureSnapshot", {"format": "mhtml"})["data"]
    saved = tmp_path / "saved.mhtml"
    saved.write_bytes(snapshot.encode("utf-8"))
    assert b"Content-Transfer-Encoding: quoted-printable" in saved.read_bytes()  # a real archive, not the page
    from_html, from_mhtml = (next(read([path])) for path in (html_file, saved))
    assert from_mhtml.text == from_html.text
    assert [p.text for p in from_mhtml.paragraphs] == [
        "Über the headline", words, "A photo caption.", "Second paragraph."
    ]
