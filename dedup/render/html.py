"""Report -> one self-contained HTML page: clusters overview, each pair side by side.

The page is its own world: the CSS and the script (``static/report.css``, ``static/report.js``)
are inlined, nothing is fetched, and a Content-Security-Policy (``default-src 'none'``) lets
only that one script and that one style sheet run, by their ``sha256-`` hashes.

Document text never becomes markup. The report travels as JSON in a
``<script type="application/json">`` block in which ``<``, ``>``, ``&`` and U+2028/U+2029
are ``\\u`` escapes (so no text can close the element), and the script builds the page with
``textContent`` only. Pairs are drawn one at a time and the overview is paged, so a report
with thousands of pairs stays quick.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from importlib import resources

from dedup.document import Document
from dedup.render.view import OPS, ROLES, PairView, cluster_numbers, pair_view, printable_name, roles_in, summary_line

__all__ = ["content_security_policy", "page_data", "pair_html", "script_json", "to_html"]

#: Version of the page's own data format (what report.js reads); not the JSON contract.
PAGE_FORMAT = 1

_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def script_json(obj) -> str:
    """JSON that is safe inside ``<script type="application/json">``: nothing in it can end the element.

    Lone surrogates (undecodable bytes kept as escapes) become ``\\u`` escapes too, so the
    page always encodes as UTF-8.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return _UNSAFE_IN_SCRIPT.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _static(name: str) -> str:
    return resources.files("dedup.render").joinpath("static", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(script: str, style: str) -> str:
    """Nothing may load; only the page's own inline script and style sheet may run."""
    return (
        f"default-src 'none'; script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; "
        "img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
        "frame-src 'none'; child-src 'none'; worker-src 'none'; manifest-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


class _Texts:
    """Every paragraph text once: rows refer to texts by number (equal paragraphs share one)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._seen: dict[str, int] = {}

    def ref(self, text: str | None) -> int:
        if text is None:
            return -1
        k = self._seen.get(text)
        if k is None:
            k = self._seen[text] = len(self.items)
            self.items.append(text)
        return k


def _pair_data(view: PairView, texts: _Texts, cluster: int, a: Document | None, b: Document | None) -> dict:
    def side(s):
        return None if s is None else [s.index, texts.ref(s.text)]

    rows = [
        [r.op, r.role, r.score, side(r.a), side(r.b), r.evidence, [[w.op, w.a, w.b] for w in r.words]]
        for r in view.rows
    ]
    out = {
        "a": view.a,
        "b": view.b,
        "cluster": cluster,
        "figures": [view.jaccard, view.containment_a_in_b, view.containment_b_in_a],
        "shared": view.shared,
        "counts": {op: view.count(op) for op in OPS if view.count(op)},
        "roles": roles_in([view]),
        "rows": rows,
    }
    if not rows and a is not None and b is not None:  # no diff: show both versions whole, unaligned
        out["full"] = {
            "a": [[p.index, texts.ref(p.text)] for p in a.paragraphs],
            "b": [[p.index, texts.ref(p.text)] for p in b.paragraphs],
        }
    return out


def page_data(data: Mapping, documents: Mapping[str, Document] | None = None) -> dict:
    """What the page's script reads: the report dict reshaped for drawing, texts stored once."""
    documents = documents or {}
    texts = _Texts()
    clusters = cluster_numbers(data)
    pairs, views = [], []
    for p in data["pairs"]:
        a, b = documents.get(p["a"]), documents.get(p["b"])
        view = pair_view(p, a, b)
        views.append(view)
        pairs.append(_pair_data(view, texts, clusters.get(p["a"], 0), a, b))
    return {
        "format": PAGE_FORMAT,
        "summary": summary_line(data),
        "skipped": [[s["path"], s["reason"]] for s in data["skipped"]],
        "clusters": [
            {"members": list(c["members"]), "canonical": c["canonical"], "reason": c["reason"]}
            for c in data["clusters"]
        ],
        "pairs": pairs,
        "roles": roles_in(views),
        "all_roles": list(ROLES),
        "ops": OPS,
        "op_order": list(OPS),
        "ops_present": [op for op in OPS if any(v.count(op) for v in views)],
        "texts": texts.items,
    }


def to_html(data: Mapping, documents: Mapping[str, Document] | None = None, *, title: str = "dedup report") -> str:
    """A report dict (``report_dict``) as one self-contained HTML page.

    ``documents`` maps ids to the documents read (``Report.paired``); without them the
    rows show where the paragraphs are but not their text.
    """
    script, style = _static("report.js"), _static("report.css")
    if "</script" in script.lower() or "</style" in style.lower():  # would end the element early
        raise AssertionError("report.js / report.css must not contain a closing tag")
    summary = summary_line(data)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{content_security_policy(script, style)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dedup">
<title>{html.escape(title)}</title>
<style>{style}</style>
</head>
<body>
<header class="top"><h1>{html.escape(title)}</h1><p id="summary">{html.escape(summary)}</p></header>
<noscript><p class="noscript">This report is drawn by the script inside this file: allow JavaScript
for it to see the clusters and the pairs side by side.</p></noscript>
<main id="app"></main>
<script type="application/json" id="dedup-data">{script_json(page_data(data, documents))}</script>
<script>{script}</script>
</body>
</html>
"""


def pair_html(pair: Mapping, a: Document | None = None, b: Document | None = None) -> str:
    """One pair of the JSON contract (``pair_dict``) as a page: for ``dedup diff A B``."""
    data = {
        "documents": [{"id": pair["a"]}, {"id": pair["b"]}],
        "skipped": [],
        "clusters": [],
        "pairs": [pair],
    }
    docs = {d.id: d for d in (a, b) if d is not None}
    # the title is text outside the page's script: the ids' controls are escaped here, as the script does
    return to_html(data, docs, title=f"dedup diff: {printable_name(pair['a'])} ↔ {printable_name(pair['b'])}")
