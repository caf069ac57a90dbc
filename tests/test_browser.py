"""The HTML report in a real browser: Debian's chromium, headless, driven over DevTools.

``make test`` installs chromium when it is missing (scripts/ensure-chromium). Without it
these tests skip, except in CI (``CI`` set), where a missing browser is a failure.
Screenshots are kept in ``build/screenshots/`` for people to look at.
"""

from __future__ import annotations

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


@pytest.fixture
def server():
    """A local HTTP server that records every request: hostile markup tries to reach it."""
    hits = Hits()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hits.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield hits
    httpd.shutdown()
    httpd.server_close()


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
