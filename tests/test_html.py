"""The HTML page without a browser: escaping, the CSP hashes, the embedded data."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from dedup.document import parse_text
from dedup.render.html import content_security_policy, page_data, pair_html, script_json, to_html
from tests.fixtures import edited_pair, seed_report

HOSTILE = (
    '</script><script>alert(1)</script> <!-- <script> --> <img src=x onerror="alert(2)"> '
    '<a href="javascript:alert(3)">click</a> \u2028 \u2029 & &amp; ]]> </style>'
)


def parts(page: str) -> dict:
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)[1]
    return {"scripts": scripts, "styles": styles, "csp": csp}


def sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_script_json_cannot_end_its_element():
    obj = {"text": HOSTILE, "lone": "\udcff", "id": "<b>&"}
    text = script_json(obj)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == obj
    text.encode("utf-8")  # lone surrogates are escaped, so the page always encodes


def test_the_page_has_one_script_one_data_block_one_style_and_a_strict_csp():
    data, docs = seed_report()
    page = to_html(data, docs)
    p = parts(page)
    (data_attrs, data_json), (code_attrs, code) = p["scripts"]
    assert data_attrs == ' type="application/json" id="dedup-data"' and code_attrs == ""
    (style,) = p["styles"]
    csp = p["csp"]
    assert csp.startswith("default-src 'none'; ")
    assert f"script-src '{sha(code)}';" in csp and f"style-src '{sha(style)}';" in csp
    assert "unsafe" not in csp and "http" not in csp
    assert csp == content_security_policy(code, style)
    # nothing in the page loads anything
    outside_data = page.replace(data_json, "")
    for needle in ("src=", "href=", "url(", "@import", "http://", "https://", "//fonts"):
        assert needle not in outside_data.lower(), needle


def test_report_js_builds_the_page_with_text_nodes_only():
    data, docs = seed_report()
    code = parts(to_html(data, docs))["scripts"][1][1]
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(",
                      "setTimeout(\"", ".href", ".src", "fetch(", "XMLHttpRequest", "import("):
        assert forbidden not in code, forbidden


def test_hostile_text_and_ids_never_reach_the_markup():
    a = parse_text("Shared words of one article here.\n\n" + HOSTILE, id='<img src=x onerror="alert(4)">.txt')
    b = parse_text("Shared words of one article here.", id="b</title><script>alert(5)</script>.txt")
    pair = {
        "a": a.id, "b": b.id, "jaccard": 0.5, "containment_a_in_b": 0.5, "containment_b_in_a": 1.0, "shared": 3,
        "diff": [
            {"op": "equal", "role": "body", "score": 100, "a": {"index": 0, "start": 0, "end": 33},
             "b": {"index": 0, "start": 0, "end": 33}, "evidence": ""},
            {"op": "delete", "role": "<b>role</b>", "score": 0, "b": None, "evidence": HOSTILE,
             "a": {"index": 1, "start": a.paragraphs[1].start, "end": a.paragraphs[1].end}},
        ],
    }
    page = pair_html(pair, a, b)
    p = parts(page)
    assert len(p["scripts"]) == 2  # the data block and the page's own script, nothing else
    data_json = p["scripts"][0][1]
    assert "<" not in data_json and ">" not in data_json
    assert a.paragraphs[1].text.startswith("</script><script>alert(1)")
    assert a.paragraphs[1].text in json.loads(data_json)["texts"]
    outside = page.replace(data_json, "")
    for needle in ("<script>alert", 'onerror="', "javascript:", "<img", "<a "):
        assert needle not in outside, needle
    assert "&lt;img src=x onerror=&quot;alert(4)&quot;&gt;.txt" in page  # the <title>, escaped


def test_texts_are_stored_once():
    data, docs = seed_report()
    page = page_data(data, docs)
    a, b = docs.values()
    distinct = {p.text for p in a.paragraphs} | {p.text for p in b.paragraphs}
    assert sorted(page["texts"]) == sorted(distinct)  # 14 shared body paragraphs stored once, not twice
    (pair,) = page["pairs"]
    assert len(pair["rows"]) == 36 and "full" not in pair
    assert page["roles"] == ["title", "heading", "caption", "pull_quote", "paywall", "byline", "syndication",
                             "duplicate", "other"]
    assert page["ops_present"] == ["delete", "insert", "equal"]


def test_pairs_without_a_diff_carry_both_versions_whole():
    data, docs = seed_report()
    data["pairs"][0]["diff"] = []
    (pair,) = page_data(data, docs)["pairs"]
    a, b = docs.values()
    assert [i for i, _ in pair["full"]["a"]] == list(range(len(a.paragraphs)))
    assert [i for i, _ in pair["full"]["b"]] == list(range(len(b.paragraphs)))
    (pair,) = page_data(data, None)["pairs"]  # no texts at hand: nothing to show whole
    assert "full" not in pair


def test_word_diffs_travel_through_the_adapter():
    pair, a, b = edited_pair()
    page = page_data({"documents": [], "skipped": [], "clusters": [], "pairs": [pair]}, {a.id: a, b.id: b})
    rows = page["pairs"][0]["rows"]
    assert rows[3][6] == [
        ["equal", "Work will start in the spring and last", "Work will start in the spring and last"],
        ["replace", "two", "three"],
        ["equal", "years, the mayor said.", "years, the mayor said."],
    ]


@pytest.mark.parametrize("n", [0, 1])
def test_reports_with_no_or_one_pair(n):
    data, docs = seed_report()
    data["pairs"] = data["pairs"][:n]
    assert "<main id=\"app\"></main>" in to_html(data, docs)
