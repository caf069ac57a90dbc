"""Hostile input: the real command on every kind of :mod:`tests.hostile`, never a traceback.

For each kind, ``dedup report FOLDER --format json`` and ``dedup check FILES --against
FOLDER`` run in subprocesses (and ``dedup diff A B`` where the kind names a pair). Each run
must end with the kind's exit code; stderr must hold exactly the expected one-line messages
(``dedup: skipped PATH: REASON``, control characters escaped; past the first few of a file, one
line counts the rest); the JSON must list every file
under ``documents`` or ``skipped`` with its reason; ``check`` must agree with ``report`` on
the pairs; and no input may change: every file, link and folder under the test's folder
is compared (type, mode, size, mtime, content) before and after, and nothing new appears.

The outcomes, as a user would want them (the kinds' ``outcome`` in ``tests/hostile.py``):

| kind | outcome |
|---|---|
| binary-formats | skipped: "binary file (PNG image)", "(PDF document)", "(gzip archive)", "(SQLite database)", "(executable)", whatever the suffix says |
| binary-noise | skipped: "binary file (N control characters in the first M)" or "(NUL bytes, and not UTF-16 or UTF-32)" |
| nul-bytes-in-text | a few NULs in prose: processed (kept in the text); every space a NUL: skipped as binary |
| invalid-utf8 | UTF-8 with a few bad bytes: processed as UTF-8, each bad byte a U+FFFD, however few its other non-ASCII characters (a stray cp1252 quote among curly ones); ASCII with one stray byte: processed |
| utf16-with-bom | processed; the same text as its UTF-8 copy (Jaccard 1.0) |
| utf16-without-bom | processed (sniffed from the NUL bytes); the same text as its UTF-8 copy |
| unicode-without-bom | processed: French, Russian and Chinese in UTF-16 and UTF-32 LE and BE without a BOM; the same text as the UTF-8 copy |
| utf32-and-utf8-bom | processed; the BOM is not text; the same text as the plain UTF-8 copy |
| latin-1 | processed (charset-normalizer, ties go to cp1252); the same text as its UTF-8 copy |
| cp1252 | processed; curly quotes, dashes, the euro sign: the same text as the UTF-8 copy |
| mixed-line-endings | processed: CRLF, LF, CR, U+2028, form feeds end lines; the same paragraphs as with LF only |
| empty-files | skipped: "empty file" (0 bytes, a UTF-8 BOM alone, a 0-byte JSONL file) |
| whitespace-only | skipped: "no text (only whitespace)", "no visible text in the HTML", "no records (only blank lines)", "no words to compare" |
| file-100mb | skipped: "too large (100.0 MiB; the limit is 32.0 MiB, see --max-bytes)", not read (slow) |
| file-100mb-allowed | with --max-bytes 128 MiB (and --no-diff): processed (slow) |
| line-10mb | processed: one paragraph of 10 MiB (slow) |
| files-10000 | processed: 10,000 documents, the one pair among them found (slow) |
| html-deeply-nested | 10,000 levels: processed; 30,000: skipped "HTML nested too deeply (30000 levels; the limit is 20000)" |
| html-active-content | processed: only visible text (no script, style, noscript, iframe, svg, template, form control, hidden) |
| html-malformed | processed as a browser parses it (unclosed/stray tags, broken attributes, open comment, bad entities) |
| mhtml-broken | Chrome's .mhtml, IE's .mht (windows-1252), one with an unknown charset: processed, the same text as the page's .html (Jaccard 1.0); skipped: "not an MHTML archive (no MIME headers)", "no HTML page in the MHTML archive", "truncated MHTML archive (the page is cut off)", "invalid base64 in the MHTML archive's page", "MHTML archive nested too deeply", "too large (...)" over --max-bytes |
| jsonl-broken | good records processed; each bad line skipped with its line number and reason (invalid JSON, not UTF-8, not an object, no/non-string text, duplicate id, nested 10,000 deep, a 5,000-digit number, over --max-bytes, empty text) |
| warc-broken | each HTML page captured processed (file.warc.gz#URI; a second capture #URI@date); requests, images, redirects, revisits passed over without a word; each bad record skipped with its offset and reason (a bad gzip member, a truncated one, a page over --max-bytes, an empty page, bytes that are not a record); a .warc that is not one: "not a WARC file" |
| symlink-loops | a folder link back up: walked once, no message; a file link loop: skipped "symbolic link loop" |
| symlink-dangling | skipped: "broken symbolic link" (one without a suffix dedup reads is ignored) |
| symlink-outside | a link out of the folders given (to /, to a private file, to ..): skipped "symbolic link out of the folders given" |
| unreadable-file | skipped: "permission denied", the rest is read (run as nobody) |
| unreadable-folder | "locked/: permission denied"; a folder listable but not enterable: each file "permission denied" (run as nobody) |
| names-with-spaces | processed: ids keep the spaces |
| names-with-newlines-and-controls | processed; ids keep the characters (escaped in JSON); stderr and terminal show them escaped, one line |
| names-not-utf8 | processed; ids as \\udcXX escapes in JSON (os.fsencode gives the bytes back), \\xXX on stderr/terminal |
| same-file-twice | read once: another name for it (hard or symbolic link) skipped "same file as a.txt"; a path given twice: no message |
| fifo | skipped: "not a regular file", never opened (check: an error, exit 2, not a hang) |
| exact-duplicates | processed: one cluster, pairs of Jaccard 1.0, diffs all "equal" |
| one-paragraph | processed: one paragraph; a one-word document too |
| paragraphs-5000 | processed: 5,000 paragraphs; the edited version is paired and diffed |
| escape-sequences-in-text | processed (too few control characters to look binary); the terminal shows them escaped |
| markup-in-text | processed: Markdown and HTML in .txt shown literally; .md read as it renders (no script, no image, a javascript: link literal); nothing fetched or run |
| missing-path | usage error, exit 2: "dedup: skipped PATH: no such file or folder", no report |
| empty-folder | processed: an empty report, exit 0 |
| bad-max-bytes | usage error, exit 2: one line naming --max-bytes and its range, one line on where the help is |

The slowest kinds are marked ``slow`` (they still run in ``make test``). Kinds that need
permissions to stop a read run the command as nobody (see ``tests.helpers.unprivileged``)
and are skipped, saying why, only where no interpreter nobody can run is found.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dedup.cli import LISTED_IN_JSON
from dedup.document import Skipped
from dedup.render.skips import record_place, skip_lines
from dedup.render.view import printable
from tests.helpers import GIT_ENV, NOBODY, ROOT, unprivileged
from tests.hostile import FAST, KINDS, Kind

FINDING = re.compile(r"(?P<path>.+): near-duplicate of (?P<other>.+) \(jaccard \d\.\d\d, containment \d\.\d\d\)")
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


# --------------------------------------------------------------------------- running the command


@pytest.fixture
def world():
    """A folder every user can traverse (the unprivileged runs need it), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="dedup-hostile-"))
    folder.chmod(0o755)
    yield folder
    for path, dirs, _ in os.walk(folder):  # folders the kinds locked
        for d in dirs:
            p = os.path.join(path, d)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    shutil.rmtree(folder)


class Dedup:
    """Runs ``python -m dedup`` in a subprocess, as root or as nobody, from a folder of its own."""

    def __init__(self, world: Path, *, as_nobody: bool) -> None:
        self.cwd = world / "cwd"
        self.cwd.mkdir(exist_ok=True)
        self.cwd.chmod(0o777)
        env = {k: v for k, v in os.environ.items() if k not in GIT_ENV}
        env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(self.cwd / "cache"), NO_COLOR="1", COLUMNS="120")
        self.python, self.env, self.user = sys.executable, env, {}
        if as_nobody:
            found = unprivileged()
            if found is None:
                pytest.skip("no Python interpreter that the unprivileged user can run was found, and "
                            "root reads every file: the outcome of unreadable input cannot be observed")
            self.python, nobody_env = found
            self.env = {**nobody_env, **{k: v for k, v in env.items() if k != "PYTHONPATH"}}
            self.user = {"user": NOBODY, "group": NOBODY, "extra_groups": []}

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([self.python, "-m", "dedup", *args], cwd=self.cwd, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, **self.user)

    def run(self, *args: str) -> tuple[int, bytes, str]:
        return finish(self.start(*args))


def finish(proc: subprocess.Popen) -> tuple[int, bytes, str]:
    """Exit code, stdout (bytes) and stderr (checked: text, no traceback, one line per message)."""
    out, err = proc.communicate()
    text = err.decode("utf-8")  # strict: stderr is valid UTF-8 whatever the file names
    assert "Traceback" not in text and "internal error" not in text, text
    for line in text.splitlines():
        assert line.startswith(("dedup: ", "Try ")), text
        assert not UNPRINTABLE.search(line), line
    return proc.returncode, out, text


# --------------------------------------------------------------------------- nothing changes


def snapshot(top: Path) -> dict[bytes, tuple]:
    """Everything under ``top``, links not followed: type, mode, size, mtime and a content hash."""
    out: dict[bytes, tuple] = {}
    base = os.fsencode(top)
    for path, dirs, files in os.walk(base):
        for name in dirs + files:
            full = os.path.join(path, name)
            st = os.lstat(full)
            entry: tuple = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_mtime_ns)
            if stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256()
                with open(full, "rb") as fh:
                    while block := fh.read(1 << 22):
                        digest.update(block)
                entry += (st.st_size, digest.hexdigest())
            elif stat.S_ISLNK(st.st_mode):
                entry += (os.readlink(full),)
            out[os.path.relpath(full, base)] = entry
    return out


# --------------------------------------------------------------------------- the outcome of each kind


def files_of(folder: Path) -> list[str]:
    """What a user would give to check: the entries at the top of the kind's folder that are not
    folders (files, FIFOs, links to files, broken links and link loops)."""
    return sorted(str(folder / name) for name in os.listdir(folder) if not os.path.isdir(folder / name))


def assert_report(kind: Kind, code: int, out: bytes, err: str) -> dict | None:
    assert code == kind.exit, err
    if kind.exit != 0:
        lines = err.splitlines()
        assert len(lines) == len(kind.errors) and all(re.fullmatch(e, l) for e, l in zip(kind.errors, lines)), err
        assert out == b""
        return None
    data = json.loads(out.decode("utf-8"))  # strict UTF-8
    documents = {d["id"]: d["paragraphs"] for d in data["documents"]}
    assert set(documents) == set(kind.documents), sorted(documents)
    for ident, paragraphs in kind.documents.items():
        assert paragraphs is None or documents[ident] == paragraphs, (ident, documents[ident])
    skipped = [(s["path"], s["reason"]) for s in data["skipped"]]
    expected = sorted(kind.skipped)
    assert [p for p, _ in skipped] == [p for p, _ in expected], skipped
    for (path, reason), (_, pattern) in zip(skipped, expected):
        assert re.fullmatch(pattern, reason), (path, reason)
    # Every one named, but past the first few of a file (records.jsonl:2, 3, 5, 6, 7; each other reason's first): a count
    shown = skip_lines([Skipped(p, r) for p, r in skipped], listed=LISTED_IN_JSON)
    assert err.splitlines() == [f"dedup: {printable(line)}" for line in shown]
    assert len(shown) == len(skipped) or kind.name == "jsonl-broken", shown
    pairs = {(p["a"], p["b"]): p for p in data["pairs"]}
    assert set(pairs) == {(a, b) for a, b, _ in kind.pairs}, sorted(pairs)
    for a, b, jaccard in kind.pairs:
        if jaccard is not None:
            assert pairs[a, b]["jaccard"] == jaccard
        if jaccard == 1.0 and pairs[a, b]["diff"]:
            assert {row["op"] for row in pairs[a, b]["diff"]} == {"equal"}
    return data


def assert_check(report: dict | None, against: str, checked: list[str], code: int, out: bytes, err: str) -> None:
    """``check FILES --against FOLDER``: one line per finding, agreeing with report on the pairs."""
    lines = out.decode("utf-8").splitlines()
    findings = [FINDING.fullmatch(line) for line in lines]
    assert all(findings), lines
    errors = [line for line in err.splitlines() if not line.startswith(("dedup: skipped ", "dedup: warning: "))]
    assert code == (2 if errors else 1 if findings else 0), err
    if report is None or errors:
        return
    ids = {printable(Path(os.path.relpath(f, against)).as_posix()): f for f in checked}
    found = {frozenset((m["path"], m["other"])) for m in findings}
    paired = {frozenset((printable(p["a"]), printable(p["b"]))) for p in report["pairs"]}
    # check reports pairs with a checked file, or a record of one (a.jsonl#1, crawl.warc.gz#https://...)
    expected = {pair for pair in paired if any(record_place(x)[0] in ids for x in pair)}
    assert expected <= found, (expected, found)
    for pair in found - expected:  # report reads a file reached twice once; check compares the paths
        a, b = (os.path.join(against, i) for i in pair)
        assert os.path.samefile(a, b), pair


def assert_diff(kind: Kind, code: int, out: bytes, err: str) -> None:
    a, b, expected = kind.diff
    assert code == expected, err
    if expected == 0:
        pair = json.loads(out.decode("utf-8"))
        assert pair["diff"] and not err
        if pair["jaccard"] == 1.0:
            assert {row["op"] for row in pair["diff"]} == {"equal"}
    else:  # one line: the reader's reason, or click's usage error and where the help is
        lines = err.splitlines()
        assert out == b"" and (len(lines) == 1 or len(lines) == 2 and lines[1].startswith("Try ")), err


def run_kind(kind: Kind, world: Path) -> None:
    folder = world / "in"
    folder.mkdir()
    kind.make(folder)
    dedup = Dedup(world, as_nobody=kind.unprivileged)
    before = snapshot(folder)
    paths = kind.paths(folder) if kind.paths else [str(folder)]
    against = paths[0] if kind.paths and kind.exit == 0 else str(folder)
    options = [a for a in kind.args if a != "--no-diff"]  # check has no diff to turn off
    checked = files_of(Path(against)) if os.path.isdir(against) and not kind.slow else []
    report = dedup.start("report", *paths, "--format", "json", *kind.args)
    check = kind.check and dedup.start(
        "check", *checked, "--against", against, "--index", str(dedup.cwd / "index.sqlite"), *options
    )
    # os.path.join, not Path's /: a record's id may hold a URI's // (crawl.warc.gz#https://...)
    diff = kind.diff and dedup.start("diff", *(os.path.join(folder, d) for d in kind.diff[:2]), "--format", "json")
    data = assert_report(kind, *finish(report))
    if check:
        assert_check(data, against, checked, *finish(check))
    if diff:
        assert_diff(kind, *finish(diff))
    assert snapshot(folder) == before, "an input file, link or folder changed"


@pytest.mark.parametrize(
    "kind", [pytest.param(k, id=k.name, marks=[pytest.mark.slow] if k.slow else []) for k in KINDS.values()]
)
def test_hostile_input(kind, world):
    run_kind(kind, world)


# --------------------------------------------------------------------------- all at once, every format


@pytest.mark.slow
def test_every_kind_at_once_in_every_format(world):
    """The fast kinds side by side in one folder: each format renders, nothing changes."""
    folder = world / "all"
    for k in FAST:
        if not (k.paths or k.args or k.unprivileged):
            (folder / k.name).mkdir(parents=True)
            k.make(folder / k.name)
    dedup = Dedup(world, as_nobody=False)
    before = snapshot(folder)
    out = {  # JSON through the process pool; the others in one process (to spare the CPU)
        fmt: dedup.start("report", str(folder), "--format", fmt, *(["-j", "1"] if fmt != "json" else []))
        for fmt in ("json", "text", "md", "html")
    }
    results = {fmt: finish(proc) for fmt, proc in out.items()}
    assert {fmt: code for fmt, (code, _, _) in results.items()} == dict.fromkeys(out, 0)
    data = json.loads(results["json"][1].decode("utf-8"))
    assert len(data["documents"]) >= 50 and len(data["skipped"]) >= 20 and len(data["pairs"]) >= 20
    text = results["text"][1].decode("utf-8")
    assert not UNPRINTABLE.search(text.replace("\n", ""))
    assert "new\\nline.txt" in text and "caf\\xe9.txt" in text  # escaped, one line each
    md = results["md"][1].decode("utf-8")
    assert not UNPRINTABLE.search(md.replace("\n", "")) and "<script" not in md
    page = results["html"][1].decode("utf-8")
    block = page.split('id="dedup-data">', 1)[1].split("</script>", 1)[0]
    assert page.count("<script") == 2 and "<" not in block  # no document text can end the data block
    assert len(json.loads(block)["pairs"]) == len(data["pairs"])
    assert snapshot(folder) == before


def test_the_table_names_every_kind():
    """The docstring's table cannot drift from tests/hostile.py."""
    rows = re.findall(r"^\| ([a-z0-9-]+) \| ", __doc__, re.M)[1:]  # after the header
    assert rows == list(KINDS)
    assert len(KINDS) >= 25
