// The dedup HTML report: draws the page from the JSON block #dedup-data.
// Every piece of document text goes through text nodes (textContent): this file never parses
// HTML, never sets a URL attribute, and never builds code from data.
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("dedup-data").textContent);
  var TEXTS = DATA.texts;
  var PAIRS = DATA.pairs;
  var ROLES = DATA.all_roles;
  var PAGE = 50; // overview rows per page
  var MARKS = { "delete": "−", "insert": "+", "replace": "~", "move": "→", "equal": "=" };
  var state = { pair: -1, pairPage: 0, clusterPage: 0, hidden: {}, openRuns: {}, allOpen: false };
  var app = document.getElementById("app");

  // ------------------------------------------------------------------ DOM helpers (text only)

  function h(tag, cls, children) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (children !== undefined) add(node, children);
    return node;
  }

  function add(node, children) {
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) add(node, c);
      else node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function button(label, onClick, title) {
    var b = h("button", null, label);
    b.type = "button";
    if (title) b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  function roleClass(role) {
    return "r-" + (ROLES.indexOf(role) >= 0 ? role : "other");
  }

  function roleLabel(role) {
    return String(role).replace(/_/g, "-");
  }

  function badge(role) {
    return h("span", "badge " + roleClass(role), roleLabel(role));
  }

  function fig(x) {
    return Number(x).toFixed(2);
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  // The bidirectional controls (embeddings, overrides, isolates, marks): in a file name they would change how it
  // reads ("b\u202etxt.md" shows as "bdm.txt"), so an id shows them as visible escapes.
  var BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

  function idNode(tag, id) {
    return h(tag, "id", String(id).replace(BIDI, function (c) { return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4); }));
  }

  // A paragraph's text takes its direction from its first strong letter: Arabic and Hebrew read right to left,
  // with their punctuation where it belongs, inside a page that stays left to right.
  function textNode(cls, children) {
    var node = h("span", cls, children);
    node.dir = "auto";
    return node;
  }

  function text(ref) {
    return ref >= 0 && ref < TEXTS.length ? TEXTS[ref] : null;
  }

  // ------------------------------------------------------------------ legend and filters

  function controls() {
    var bar = h("div", "controls");
    bar.id = "controls";
    var legend = h("div", "legend");
    legend.id = "legend";
    legend.setAttribute("role", "group");
    legend.setAttribute("aria-label", "Roles (uncheck to hide)");
    add(legend, h("strong", null, "Roles"));
    DATA.roles.forEach(function (role) {
      var box = h("input");
      box.type = "checkbox";
      box.checked = !state.hidden[role];
      var label = h("label", state.hidden[role] ? "off" : null, [box, badge(role)]);
      label.title = "Show or hide " + roleLabel(role) + " paragraphs";
      box.addEventListener("change", function () {
        state.hidden[role] = !box.checked;
        label.className = box.checked ? "" : "off";
        drawPair();
      });
      add(legend, label);
    });
    if (!DATA.roles.length) add(legend, h("span", "muted", "no differing paragraphs"));
    add(bar, legend);
    var ops = h("div", "legend");
    DATA.ops_present.forEach(function (op) {
      add(ops, h("span", "op-" + op, [h("span", "op", MARKS[op]), " " + DATA.ops[op]]));
    });
    add(bar, ops);
    add(bar, h("span", "keys", [h("kbd", null, "j"), " / ", h("kbd", null, "k"), " next / previous pair, ",
      h("kbd", null, "e"), " equal paragraphs, ", h("kbd", null, "?"), " help"]));
    return bar;
  }

  // ------------------------------------------------------------------ overview

  function pager(id, count, page, onPage) {
    var pages = Math.ceil(count / PAGE);
    if (pages <= 1) return null;
    // The overview is drawn again on a new page: keep the keyboard's focus on the button pressed.
    function go(to, which) {
      onPage(to);
      var again = document.querySelectorAll("#" + id + " button");
      var target = again[which].disabled ? again[1 - which] : again[which];
      if (target) target.focus();
    }
    var prev = button("‹ previous", function () { go(page - 1, 0); });
    var next = button("next ›", function () { go(page + 1, 1); });
    prev.disabled = page <= 0;
    next.disabled = page >= pages - 1;
    var box = h("div", "pager", [prev, h("span", "muted", "page " + (page + 1) + " of " + pages), next]);
    box.id = id;
    return box;
  }

  function clustersTable() {
    var box = h("section");
    box.id = "clusters";
    add(box, h("h3", null, "Clusters (" + DATA.clusters.length + ")"));
    if (!DATA.clusters.length) return PAIRS.length ? null : add(box, h("p", "muted", "No near-duplicates found."));
    var byCluster = {};
    PAIRS.forEach(function (p, k) { (byCluster[p.cluster] = byCluster[p.cluster] || []).push(k); });
    var table = h("table", "overview");
    add(table, h("thead", null, h("tr", null, ["#", "versions", "canonical version", "why canonical", "jaccard",
      "pairs"].map(function (t) { return h("th", null, t); }))));
    var body = h("tbody");
    var start = state.clusterPage * PAGE;
    DATA.clusters.slice(start, start + PAGE).forEach(function (c, i) {
      var n = start + i + 1;
      var ks = byCluster[n] || [];
      var js = ks.map(function (k) { return PAIRS[k].figures[0]; });
      var range = js.length ? fig(Math.min.apply(null, js)) + (js.length > 1 ? "–" + fig(Math.max.apply(null, js)) : "") : "";
      var links = h("td");
      ks.slice(0, 8).forEach(function (k) { add(links, [button(String(k + 1), function () { showPair(k, true); }, "Show pair " + (k + 1)), " "]); });
      if (ks.length > 8) add(links, "… " + plural(ks.length, "pair"));
      add(body, h("tr", null, [h("td", "num", String(n)), h("td", "num", String(c.members.length)),
        idNode("td", c.canonical), h("td", "muted", c.reason), h("td", "num", range), links]));
    });
    add(table, body);
    add(box, [h("div", "wide", table), pager("clusters-pager", DATA.clusters.length, state.clusterPage, function (p) { state.clusterPage = p; drawOverview(); })]);
    return box;
  }

  function pairsTable() {
    var box = h("section");
    box.id = "pairs";
    add(box, h("h3", null, "Pairs (" + PAIRS.length + ")"));
    if (!PAIRS.length) return box;
    var table = h("table", "overview");
    add(table, h("thead", null, h("tr", null, ["#", "A", "B", "jaccard", "A in B", "B in A", "differences", "roles"]
      .map(function (t) { return h("th", null, t); }))));
    var body = h("tbody");
    var start = state.pairPage * PAGE;
    PAIRS.slice(start, start + PAGE).forEach(function (p, i) {
      var k = start + i;
      var diffs = DATA.op_order.filter(function (op) { return op !== "equal" && p.counts[op]; })
        .map(function (op) { return p.counts[op] + " " + DATA.ops[op]; }).join(", ");
      var roles = h("td", null, p.roles.map(function (r) { return [badge(r), " "]; }));
      // The number is a button, so that a keyboard reaches every pair (Tab, Enter); a click anywhere on the row works too.
      var pick = button(String(k + 1), function (e) { e.stopPropagation(); showPair(k, true); }, "Show pair " + (k + 1));
      var tr = h("tr", "pick" + (k === state.pair ? " current" : ""), [h("td", "num", pick), idNode("td", p.a),
        idNode("td", p.b), h("td", "num", fig(p.figures[0])), h("td", "num", fig(p.figures[1])),
        h("td", "num", fig(p.figures[2])), h("td", null, diffs || (p.rows.length ? "none" : "no diff")), roles]);
      tr.addEventListener("click", function () { showPair(k, true); });
      add(body, tr);
    });
    add(table, body);
    add(box, [h("div", "wide", table), pager("pairs-pager", PAIRS.length, state.pairPage, function (p) { state.pairPage = p; drawOverview(); })]);
    return box;
  }

  var overview = h("div");
  overview.id = "overview";

  function drawOverview() {
    clear(overview);
    add(overview, [clustersTable(), pairsTable()]);
  }

  // ------------------------------------------------------------------ one pair

  var pairBox = h("section", "pair");
  pairBox.id = "pair";
  pairBox.setAttribute("aria-live", "polite");

  function wordsFor(side, words) {
    var span = textNode("text");
    words.forEach(function (w, i) {
      var op = w[0], a = w[1], b = w[2];
      var parts = [];
      if (op === "equal") parts.push(side === "a" ? a || b : b || a);
      else if (side === "a" && a && (op === "delete" || op === "replace")) parts.push(h("del", null, a));
      else if (side === "b" && b && (op === "insert" || op === "replace")) parts.push(h("ins", null, b));
      if (parts.length && span.childNodes.length) add(span, " ");
      add(span, parts);
    });
    return span;
  }

  function cell(side, ref, row) {
    if (!ref) return h("div", "cell " + side + " empty");
    var op = row[0], words = row[6];
    var node = h("div", "cell " + side + " filled");
    add(node, h("span", "num", side.toUpperCase() + (ref[0] + 1)));
    if (op === "replace" && words.length) return add(node, wordsFor(side, words));
    var t = text(ref[1]);
    return add(node, t === null ? h("span", "text muted", "(text not in this report)") : textNode("text", t));
  }

  function mid(row) {
    var op = row[0], score = row[2], why = row[5];
    var node = h("div", "mid", [h("span", "op", MARKS[op] ? MARKS[op] + " " + (DATA.ops[op] || op) : op), badge(row[1])]);
    if (op === "replace" && score) add(node, h("span", "why", Math.round(score) + "% alike"));
    if (why) add(node, h("span", "why", why));
    return node;
  }

  function rowNode(row) {
    var diff = row[0] !== "equal";
    var node = h("div", "row " + (diff ? "diff" : "equal") + " op-" + row[0] + " " + roleClass(row[1]));
    return add(node, [cell("a", row[3], row), mid(row), cell("b", row[4], row)]);
  }

  function span(nums) {
    nums = nums.slice().sort(function (x, y) { return x - y; });
    var out = [];
    for (var i = 0; i < nums.length; i++) {
      var j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
      out.push(i === j ? String(nums[i] + 1) : (nums[i] + 1) + "-" + (nums[j] + 1));
      i = j;
    }
    return out.join(", ");
  }

  function sameRun(rows, key, grid) {
    var open = state.allOpen || state.openRuns[key];
    var a = rows.filter(function (r) { return r[3]; }).map(function (r) { return r[3][0]; });
    var b = rows.filter(function (r) { return r[4]; }).map(function (r) { return r[4][0]; });
    var label = (open ? "▾ " : "▸ ") + plural(rows.length, "equal paragraph") + " (A " + span(a) + " = B " + span(b) + ")";
    var toggle = button(label, function () { state.openRuns[key] = !open; drawPair(); });
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    add(grid, h("div", "same", toggle));
    if (open) rows.forEach(function (r) { add(grid, rowNode(r)); });
  }

  function drawRows(p, grid) {
    var rows = p.rows;
    var shown = 0;
    for (var i = 0; i < rows.length;) {
      if (rows[i][0] === "equal") {
        var j = i;
        while (j < rows.length && rows[j][0] === "equal") j++;
        sameRun(rows.slice(i, j), state.pair + ":" + i, grid);
        i = j;
        continue;
      }
      if (!state.hidden[rows[i][1]]) {
        add(grid, rowNode(rows[i]));
        shown++;
      }
      i++;
    }
    return shown;
  }

  function fullColumns(p) {
    var box = h("div", "full");
    ["a", "b"].forEach(function (side) {
      var col = h("div", "col " + side);
      p.full[side].forEach(function (ref) {
        add(col, h("div", "cell " + side, [h("span", "num", side.toUpperCase() + (ref[0] + 1)), textNode("text", text(ref[1]))]));
      });
      add(box, col);
    });
    return box;
  }

  function drawPair() {
    clear(pairBox);
    if (state.pair < 0) return;
    var k = state.pair, p = PAIRS[k];
    var cluster = p.cluster ? DATA.clusters[p.cluster - 1] : null;
    var prev = button("‹ previous", function () { showPair(k - 1, true); }, "Previous pair (k)");
    var next = button("next ›", function () { showPair(k + 1, true); }, "Next pair (j)");
    prev.disabled = k <= 0;
    next.disabled = k >= PAIRS.length - 1;
    var title = h("h2", null, "Pair " + (k + 1) + " of " + PAIRS.length + (p.cluster ? " · cluster " + p.cluster : ""));
    title.tabIndex = -1;
    title.id = "pair-title";
    var all = button(state.allOpen ? "fold equal paragraphs" : "show equal paragraphs",
      function () { state.allOpen = !state.allOpen; state.openRuns = {}; drawPair(); }, "e");
    add(pairBox, h("div", "pairnav", [title, prev, next, p.rows.length ? all : null]));
    function head(side, id) {
      var canon = cluster && cluster.canonical === id ? [" ", h("span", "badge r-body", "canonical")] : null;
      return h("div", "head " + side, [side.toUpperCase() + " ", idNode("span", id), canon]);
    }
    add(pairBox, h("div", "versions", [head("a", p.a), h("div"), head("b", p.b)]));
    var counts = DATA.op_order.filter(function (op) { return p.counts[op]; })
      .map(function (op) { return p.counts[op] + " " + DATA.ops[op]; }).join(", ");
    add(pairBox, h("p", "figures", "jaccard " + fig(p.figures[0]) + ", A in B " + fig(p.figures[1]) + ", B in A " +
      fig(p.figures[2]) + " · " + p.shared + " shared shingles" + (counts ? " · " + counts : "")));
    if (!p.rows.length) {
      add(pairBox, h("p", "muted", "No paragraph diff in this report" + (p.full ? ": the two versions in full, not aligned." : ".")));
      if (p.full) add(pairBox, fullColumns(p));
      return;
    }
    var grid = h("div", "grid");
    grid.id = "rows";
    var shown = drawRows(p, grid);
    add(pairBox, grid);
    if (!shown && p.rows.some(function (r) { return r[0] !== "equal"; })) {
      add(pairBox, h("p", "muted", "Every differing paragraph of this pair has a role you have hidden."));
    }
  }

  function showPair(k, focus) {
    if (k < 0 || k >= PAIRS.length) return;
    state.pair = k;
    state.openRuns = {};
    var page = Math.floor(k / PAGE);
    state.pairPage = page;
    drawOverview();
    drawPair();
    try { history.replaceState(null, "", "#pair-" + (k + 1)); } catch (e) { /* a file: URL may refuse */ }
    if (focus) {
      var title = document.getElementById("pair-title");
      if (title) title.focus({ preventScroll: true });
      // Below the sticky legend, however many lines it wraps onto in this window.
      var bar = document.getElementById("controls");
      var stuck = bar && getComputedStyle(bar).position === "sticky";
      pairBox.style.scrollMarginTop = (stuck ? bar.getBoundingClientRect().height : 0) + 8 + "px";
      pairBox.scrollIntoView({ block: "start" });
    }
  }

  // ------------------------------------------------------------------ keys and start

  var help = h("div", "help", [h("strong", null, "Keys"),
    h("p", null, [h("kbd", null, "j"), " or ", h("kbd", null, "n"), " next pair"]),
    h("p", null, [h("kbd", null, "k"), " or ", h("kbd", null, "p"), " previous pair"]),
    h("p", null, [h("kbd", null, "e"), " show or fold equal paragraphs"]),
    h("p", null, [h("kbd", null, "?"), " this help"])]);
  help.hidden = true;
  help.id = "help";

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "TEXTAREA" || t.isContentEditable || (t.tagName === "INPUT" && t.type !== "checkbox"))) return;
    if (e.key === "j" || e.key === "n") showPair(state.pair + 1, true);
    else if (e.key === "k" || e.key === "p") showPair(state.pair - 1, true);
    else if (e.key === "e") { state.allOpen = !state.allOpen; state.openRuns = {}; drawPair(); }
    else if (e.key === "?") help.hidden = !help.hidden;
    else if (e.key === "Escape") help.hidden = true;
    else return;
    e.preventDefault();
  });

  add(app, [controls(), overview, pairBox, help]);
  if (DATA.skipped.length) {
    var skipped = h("details", null, h("summary", null, plural(DATA.skipped.length, "file") + " skipped"));
    DATA.skipped.forEach(function (s) { add(skipped, h("p", null, [idNode("span", s[0]), ": " + s[1]])); });
    app.insertBefore(skipped, overview);
  }
  var m = /^#pair-(\d+)$/.exec(location.hash);
  var first = m ? Math.min(Math.max(parseInt(m[1], 10) - 1, 0), PAIRS.length - 1) : 0;
  drawOverview();
  if (PAIRS.length) showPair(first, false);
  document.documentElement.setAttribute("data-ready", "1");
})();
