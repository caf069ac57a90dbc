"""dedup check: new files against the tracked corpus, the incremental index, the CLI wiring."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.hook import check
from dedup.pipeline import Config, run
from dedup.repo import Settings
from dedup.store import open_store
from tests.helpers import GIT_ENV, ROOT, SEED_A, SEED_B, git, make_repo, prose, write

runner = CliRunner()
A, B = SEED_A.name, SEED_B.name
TEXT_A, TEXT_B = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
SEED_LINE = f"{B}: near-duplicate of {A} (jaccard 0.86, containment 0.93)"


@pytest.fixture(autouse=True)
def _clean_git_env(monkeypatch, tmp_path):
    for name in GIT_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # --against runs never touch ~/.cache


def invoke(repo: Path, monkeypatch, *args: str):
    monkeypatch.chdir(repo)
    return runner.invoke(app, ["check", *[str(a) for a in args]])


def lines(findings) -> list[str]:
    return [
        f"{f.path}: near-duplicate of {f.other} (jaccard {f.jaccard:.2f}, containment {f.containment:.2f})"
        for f in findings
    ]


# --------------------------------------------------------------------------- the check


def test_a_version_of_a_tracked_document_is_found_with_its_figures(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A, "other.txt": prose(1)})
    write(repo, {B: TEXT_B})
    out = check([repo / B], root=repo, git=True, index=tmp_path / "index.sqlite")
    assert lines(out.findings) == [SEED_LINE]
    (f,) = out.findings
    # the larger containment: the share of the smaller document found in the other
    assert f.containment == max(f.containment_path_in_other, f.containment_other_in_path)
    assert (out.checked, out.corpus, out.errors, out.skipped, out.warnings) == (1, 2, (), (), ())


def test_an_unrelated_document_passes(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A, "other.txt": prose(1)})
    write(repo, {"new.txt": prose(2)})
    out = check([repo / "new.txt"], root=repo, git=True, index=tmp_path / "index.sqlite")
    assert out.findings == () and out.checked == 1


def test_checked_files_are_compared_with_each_other_once_per_pair(tmp_path):
    repo = make_repo(tmp_path / "repo", {"other.txt": prose(1)})
    write(repo, {"z/" + A: TEXT_A, "a/" + B: TEXT_B})
    out = check([repo / "z" / A, repo / "a" / B], root=repo, git=True, index=None)
    # the later path is the one reported, as a near-duplicate of the earlier one
    assert lines(out.findings) == [f"z/{A}: near-duplicate of a/{B} (jaccard 0.86, containment 0.93)"]


def test_a_modified_tracked_file_is_not_compared_with_itself(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A, "other.txt": prose(1)})
    write(repo, {A: TEXT_A + "\n\nA new closing paragraph about something else entirely.\n"})
    git(repo, "add", A)
    assert check([repo / A], root=repo, git=True, index=None).findings == ()


def test_an_accepted_pair_passes_and_others_do_not(tmp_path):
    repo = make_repo(tmp_path / "repo", {"seeds/" + A: TEXT_A})
    write(repo, {"seeds/" + B: TEXT_B, "copy.txt": TEXT_B})
    settings = Settings(accepted=((f"seeds/{B}", f"seeds/{A}"),))  # either order
    out = check([repo / "seeds" / B, repo / "copy.txt"], root=repo, git=True, settings=settings, index=None)
    assert [(f.path, f.other) for f in out.findings] == [("copy.txt", f"seeds/{A}"), ("seeds/" + B, "copy.txt")]
    settings = Settings(accepted=(("seeds/*", "seeds/*"), ("copy.txt", "**")))
    assert check([repo / "seeds" / B, repo / "copy.txt"], root=repo, git=True, settings=settings).findings == ()


def test_include_and_exclude_select_the_corpus_and_the_checked_files(tmp_path):
    repo = make_repo(tmp_path / "repo", {"seeds/" + A: TEXT_A, "docs/" + A: TEXT_A})
    write(repo, {"seeds/" + B: TEXT_B, "drafts/" + B: TEXT_B})
    files = [repo / "seeds" / B, repo / "drafts" / B]

    def found(**globs):
        out = check(files, root=repo, git=True, settings=Settings(**globs), index=None)
        return sorted((f.path, f.other) for f in out.findings)

    assert found(include=("seeds/**",)) == [("seeds/" + B, "seeds/" + A)]
    assert found(exclude=("docs/", "drafts/")) == [("seeds/" + B, "seeds/" + A)]
    assert len(found()) == 5  # each new file against both tracked copies and the other new one ...
    assert found(include=("*.md",)) == []  # ... and nothing when no text file is taken


def test_only_reader_types_not_hidden_files_form_the_corpus(tmp_path):
    repo = make_repo(
        tmp_path / "repo",
        {"a.py": TEXT_A, ".hidden/a.txt": TEXT_A, "notes/.a.md": TEXT_A, "a.html": f"<p>{TEXT_A}</p>"},
    )
    write(repo, {B: TEXT_B})
    out = check([repo / B], root=repo, git=True, index=None)
    assert [f.other for f in out.findings] == ["a.html"]


@pytest.mark.parametrize("name", [".github/" + B, "notes/.drafts/" + B, "LICENSE", "NEWS", "b.rst"])
def test_a_file_the_corpus_leaves_out_is_not_checked_either(tmp_path, name):
    # pre-commit hands the hook hidden Markdown and LICENSE, NEWS ... (plain-text to its eyes);
    # once committed they are not in the corpus, so checking them would make a commit's verdict
    # depend on the order: `a` then `b` passes, `b` then `a` fails, and --all-files disagrees.
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {name: TEXT_B})
    assert check([repo / name], root=repo, git=True, index=None).findings == ()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", name)
    write(repo, {"new/" + B: TEXT_B})
    out = check([repo / "new" / B], root=repo, git=True, index=None)
    assert [f.other for f in out.findings] == [A]  # the committed file is not corpus either
    everything = check([repo / A, repo / name, repo / "new" / B], root=repo, git=True, index=None)
    assert lines(everything.findings) == [f"new/{B}: near-duplicate of {A} (jaccard 0.86, containment 0.93)"]
    # the same outside git, where `dedup report` of the folder is the measure
    assert check([repo / name], root=repo, git=False, index=None).findings == ()
    assert {(p.a, p.b) for p in run([str(repo)], Config(diff=False)).pairs} == {(A, "new/" + B)}


def test_a_file_outside_the_root_is_checked_whatever_its_name(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(tmp_path, {".elsewhere/LICENSE": TEXT_B})
    out = check([tmp_path / ".elsewhere" / "LICENSE"], root=repo, git=True, index=None)
    assert [f.other for f in out.findings] == [A]


def test_the_corpus_is_what_git_has_staged(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: prose(5)})
    write(repo, {A: TEXT_A, B: TEXT_B})  # A changed in the working tree but not staged
    assert check([repo / B], root=repo, git=True, index=None).findings == ()
    git(repo, "add", A)
    assert lines(check([repo / B], root=repo, git=True, index=None).findings) == [SEED_LINE]
    git(repo, "rm", "-q", "--cached", A)  # staged for deletion: no longer in the corpus
    assert check([repo / B], root=repo, git=True, index=None).findings == ()


def test_unreadable_files_are_errors_and_empty_ones_are_skipped(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {"empty.txt": "", "bin.txt": b"%PDF-1.7 ...", B: TEXT_B})
    (repo / "folder").mkdir()
    out = check(
        [repo / "missing.txt", repo / "empty.txt", repo / "bin.txt", repo / "folder", repo / B],
        root=repo, git=True, index=None,
    )
    assert [(s.path, s.reason) for s in out.errors] == [
        ("folder", "is a folder (check takes files)"),
        ("missing.txt", "no such file"),
    ]
    assert [(s.path, s.reason) for s in out.skipped] == [
        ("bin.txt", "binary file (PDF document)"),
        ("empty.txt", "empty file"),
    ]
    assert lines(out.findings) == [SEED_LINE]


def test_a_fifo_given_to_check_is_an_error_not_a_hang(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, {A: TEXT_A})
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would wait for a writer for ever
    out = check([tmp_path / "pipe.txt"], root=corpus, git=False, index=None)
    assert [(e.path, e.reason) for e in out.errors] == [((tmp_path / "pipe.txt").as_posix(), "not a regular file")]


def test_a_file_over_max_bytes_is_skipped_without_being_read(tmp_path):
    """64 GiB (sparse: no disk used) would not fit in memory: check must not read it, checked or in the corpus."""
    corpus = tmp_path / "corpus"
    write(corpus, {A: TEXT_A})
    for big in (tmp_path / "huge.txt", corpus / "huge-too.txt"):
        with open(big, "wb") as fh:
            fh.truncate(64 << 30)
    out = check([tmp_path / "huge.txt", tmp_path / "huge.txt"], root=corpus, git=False, index=None)
    assert out.errors == () and out.findings == ()
    assert [(s.path, s.reason) for s in out.skipped] == [
        ((tmp_path / "huge.txt").as_posix(), "too large (64.0 GiB; the limit is 32.0 MiB, see --max-bytes)")
    ]
    assert out.corpus == 1


def test_a_tracked_blob_over_max_bytes_is_not_read(tmp_path):
    """As a file over --max-bytes is not read, a tracked one is not fetched from git (a 2 GB
    blob would be 2 GB of memory): its size is asked for, not its contents."""
    import tracemalloc

    big = ("A line of words that repeats and repeats, as a large export of text would. " * 8 + "\n") * 28_000
    repo = make_repo(tmp_path / "repo", {A: TEXT_A, "big.txt": big})
    assert len(big) > 16 << 20
    write(tmp_path, {B: TEXT_B})
    config = Config(max_bytes=1 << 20)
    check([tmp_path / B], root=repo, git=True, config=config, index=None)  # once for the caches of a first run
    tracemalloc.start()
    try:
        out = check([tmp_path / B], root=repo, git=True, config=config, index=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [f.other for f in out.findings] == [A] and out.corpus == 1
    assert peak < 8 << 20  # the blob is 16 MiB: it was never read


def test_jsonl_records_are_documents(tmp_path):
    records = [{"id": "a", "text": TEXT_A}, {"id": "u", "text": prose(3)}]
    repo = make_repo(tmp_path / "repo", {"data.jsonl": "\n".join(json.dumps(r) for r in records) + "\n"})
    write(repo, {"new.jsonl": json.dumps({"id": "b", "text": TEXT_B}) + "\nnot json\n"})
    out = check([repo / "new.jsonl"], root=repo, git=True, index=tmp_path / "index.sqlite")
    assert [(f.path, f.other) for f in out.findings] == [("new.jsonl#b", "data.jsonl#a")]
    assert [(s.path, s.reason) for s in out.skipped] == [("new.jsonl:2", "invalid JSON (Expecting value at column 1)")]
    again = check([repo / "new.jsonl"], root=repo, git=True, index=tmp_path / "index.sqlite")
    assert again.findings == out.findings and again.skipped == out.skipped and again.indexed == 0


def nested(url: str, text: str) -> str:
    return json.dumps({"meta": {"url": url}, "content": {"body": text}}) + "\n"


NESTED = ("--text-field", "content.body", "--id-field", "meta.url")


def test_jsonl_fields_may_be_dotted_paths(tmp_path, monkeypatch):
    """`check --text-field content.body --id-field meta.url` skipped every record, and found nothing."""
    repo = make_repo(tmp_path / "repo", {"data.jsonl": nested("https://x.org/a", TEXT_A) + nested("https://x.org/u", prose(3))})
    write(repo, {"new.jsonl": nested("https://x.org/b", TEXT_B) + json.dumps({"url": "u", "body": "b"}) + "\n"})
    result = invoke(repo, monkeypatch, "new.jsonl", *NESTED, "--index", tmp_path / "index.sqlite")
    assert result.exit_code == 1, result.stderr
    assert result.stdout == "new.jsonl#https://x.org/b: near-duplicate of data.jsonl#https://x.org/a (jaccard 0.86, containment 0.93)\n"
    assert result.stderr == "dedup: skipped new.jsonl:2: no 'content.body' field (its fields: url, body; see --text-field)\n"


def test_an_index_made_before_dotted_paths_is_not_reused(tmp_path, monkeypatch):
    """The index keeps what was read from each content, skips too: a corpus whose nested records the
    previous reader skipped (same knobs, same bytes) must be read again, not found empty."""
    from dedup import document, hook

    repo = make_repo(tmp_path / "repo", {"data.jsonl": nested("https://x.org/a", TEXT_A)})
    write(repo, {"new.jsonl": nested("https://x.org/b", TEXT_B)})
    config = Config(text_field="content.body", id_field="meta.url")
    index = tmp_path / "index.sqlite"
    with monkeypatch.context() as m:  # reader 2, the last before dotted paths: top-level keys only, every record skipped
        m.setattr(hook, "READER_VERSION", 2)
        m.setattr(hook, "load_bytes", lambda data, source, **kw: document.load_bytes(data, source, **{**kw, "text_field": "?"}))
        assert check([repo / "new.jsonl"], root=repo, git=True, config=config, index=index).findings == ()
    out = check([repo / "new.jsonl"], root=repo, git=True, config=config, index=index)
    assert [(f.path, f.other) for f in out.findings] == [("new.jsonl#https://x.org/b", "data.jsonl#https://x.org/a")]


@pytest.mark.parametrize("git_repo", [False, True])
def test_a_jsonl_file_over_max_bytes_is_read_by_record_as_report_reads_it(tmp_path, git_repo):
    """--max-bytes holds each JSONL record, not the file: a JSONL corpus larger than the limit was
    left out of the check without a word (exit 0), while `dedup report` found the pair."""
    records = [{"id": "a", "text": TEXT_A}] + [{"id": f"u{k}", "text": prose(k)} for k in range(8)]
    corpus = {"data.jsonl": "\n".join(json.dumps(r) for r in records) + "\n"}
    root = make_repo(tmp_path / "repo", corpus) if git_repo else write(tmp_path / "repo", corpus) or tmp_path / "repo"
    write(tmp_path, {"new.jsonl": json.dumps({"id": "b", "text": TEXT_B}) + "\n" + json.dumps({"id": "u", "text": prose(20)}) + "\n"})
    limit = 12_000  # above every record, below both files
    assert (root / "data.jsonl").stat().st_size > limit and (tmp_path / "new.jsonl").stat().st_size > limit
    config = Config(max_bytes=limit)
    out = check([tmp_path / "new.jsonl"], root=root, git=git_repo, index=tmp_path / "index.sqlite", config=config)
    assert [(f.path.rsplit("/", 1)[-1], f.other) for f in out.findings] == [("new.jsonl#b", "data.jsonl#a")]
    assert not out.skipped and not out.errors
    report = run([root, tmp_path / "new.jsonl"], config)
    assert [(p.a, p.b) for p in report.pairs] == [("new.jsonl#b", "repo/data.jsonl#a")]


def test_a_file_outside_the_repository_is_checked_against_it(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(tmp_path, {"elsewhere/" + B: TEXT_B})
    out = check([str(tmp_path / "elsewhere" / B)], root=repo, git=True, index=None)
    assert [f.other for f in out.findings] == [A]
    assert out.findings[0].path == (tmp_path / "elsewhere" / B).as_posix()


def test_against_a_folder_outside_git(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, {"x/" + A: TEXT_A, "other.md": prose(1), ".hidden.txt": TEXT_A})
    write(tmp_path, {"new/" + B: TEXT_B})
    index = tmp_path / "cache" / "index.sqlite"
    out = check([tmp_path / "new" / B], root=corpus, git=False, index=index)
    assert [(f.path, f.other) for f in out.findings] == [((tmp_path / "new" / B).as_posix(), "x/" + A)]
    assert out.indexed == 3  # the new file and the two visible corpus files
    again = check([tmp_path / "new" / B], root=corpus, git=False, index=index)
    assert again.findings == out.findings and again.indexed == 0
    # a changed file is re-read (its stat changed), an unchanged one is not
    write(corpus, {"other.md": prose(2)})
    os.utime(corpus / "other.md", ns=(1, 1))  # an old mtime: trusted from the next run on
    assert check([tmp_path / "new" / B], root=corpus, git=False, index=index).indexed == 1
    assert check([tmp_path / "new" / B], root=corpus, git=False, index=index).indexed == 0


# --------------------------------------------------------------------------- agreement with `dedup report`


def _mixed_corpus() -> dict[str, str]:
    article = prose(11, paragraphs=6)
    menu = "Home\n\nWorld\n\nSport\n\n" + prose(42, paragraphs=2, words=40)
    footer = prose(43, paragraphs=2, words=40) + "\n\nCopyright 2024 Example News."
    files = {
        "seeds/" + A: TEXT_A,
        "seeds/" + B: TEXT_B,
        "clean.txt": article,
        "web/page.html": "<nav>" + prose(100, paragraphs=3) + "</nav><article><p>"
        + article.replace("\n\n", "</p><p>") + "</p></article><footer>" + prose(101, paragraphs=3) + "</footer>",
        "edit1.md": prose(20),
        "edit2.md": prose(20).replace("the", "a", 4),
        "edit3.md": prose(20)[: len(prose(20)) * 2 // 3],
        "snippet.txt": prose(30, paragraphs=10)[:400],
        "long.txt": prose(29, paragraphs=4) + "\n\n" + prose(30, paragraphs=10) + "\n\n" + prose(31, paragraphs=4),
    }
    for k in range(5):
        files[f"site/page{k}.txt"] = menu + "\n\n" + prose(60 + k, paragraphs=5) + "\n\n" + footer
    for k in range(8):
        files[f"misc/u{k}.md"] = prose(200 + k)
    return files


def _report_pairs(folder: Path) -> set[tuple[str, str, float, float]]:
    report = run([str(folder)], Config(diff=False))
    return {(p.a, p.b, round(p.jaccard, 6), round(max(p.containment_a_in_b, p.containment_b_in_a), 6)) for p in report.pairs}


def _as_pairs(findings) -> set[tuple[str, str, float, float]]:
    return {(min(f.path, f.other), max(f.path, f.other), round(f.jaccard, 6), round(f.containment, 6)) for f in findings}


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "stacked"])
def test_check_and_report_agree_on_what_is_a_near_duplicate(tmp_path, monkeypatch, direct):
    if not direct:
        monkeypatch.setattr("dedup.index.DIRECT_QUERIES", 0)
    files = _mixed_corpus()
    repo = make_repo(tmp_path / "repo", files)
    expected = _report_pairs(repo)
    assert len(expected) >= 6  # seeds, clean/page, the edits, snippet/long
    index = tmp_path / "index.sqlite"
    # every file checked alone against the others ...
    for name in files:
        out = check([repo / name], root=repo, git=True, index=index)
        assert _as_pairs(out.findings) == {p for p in expected if name in p[:2]}, name
    # ... and all of them at once (as `pre-commit run --all-files` does)
    out = check([repo / n for n in files], root=repo, git=True, index=index)
    assert _as_pairs(out.findings) == expected
    assert out.corpus == 0 and out.indexed == 0


# --------------------------------------------------------------------------- the incremental index


def test_a_second_run_reads_only_changed_contents(tmp_path):
    files = {f"doc{k:02d}.txt": prose(k) for k in range(30)}
    repo = make_repo(tmp_path / "repo", files)
    write(repo, {"new.txt": prose(99)})
    index = tmp_path / "index.sqlite"
    assert check([repo / "new.txt"], root=repo, git=True, index=index).indexed == 31
    assert check([repo / "new.txt"], root=repo, git=True, index=index).indexed == 0
    write(repo, {"doc03.txt": prose(3) + "\n\nMore.", "copy.txt": prose(4)})  # one new content, one known
    git(repo, "add", "doc03.txt", "copy.txt")
    out = check([repo / "new.txt"], root=repo, git=True, index=index)
    assert out.indexed == 1 and out.corpus == 31
    assert lines(out.findings) == []


def test_an_interrupted_run_leaves_a_usable_index(tmp_path, monkeypatch):
    monkeypatch.setattr("dedup.hook.SIGN_BATCH", 4)
    files = {f"doc{k:02d}.txt": prose(k) for k in range(20)} | {A: TEXT_A}
    repo = make_repo(tmp_path / "repo", files)
    write(repo, {B: TEXT_B})
    index = tmp_path / "index.sqlite"

    def interrupt(done, total):
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check([repo / B], root=repo, git=True, index=index, progress=interrupt)
    out = check([repo / B], root=repo, git=True, index=index)
    assert lines(out.findings) == [SEED_LINE]
    assert 0 < out.indexed < 22  # what the first run committed was kept
    assert check([repo / B], root=repo, git=True, index=index).indexed == 0


def test_a_changed_recipe_reindexes(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A, "o.txt": prose(1)})
    write(repo, {B: TEXT_B})
    index = tmp_path / "index.sqlite"
    assert check([repo / B], root=repo, git=True, index=index).indexed == 3
    out = check([repo / B], root=repo, git=True, index=index, config=Config(num_perm=64, seed=7))
    assert out.indexed == 3 and lines(out.findings) == [SEED_LINE]
    assert check([repo / B], root=repo, git=True, index=index, config=Config(threshold=0.9)).indexed == 0


_CONCURRENT = """
import sys
from dedup.cli import main
sys.argv = ["dedup", "check", sys.argv[1]]
main()
"""


def test_concurrent_cold_runs_agree_and_leave_one_usable_index(tmp_path):
    files = {f"doc{k:03d}.txt": prose(k, paragraphs=3) for k in range(150)} | {A: TEXT_A}
    repo = make_repo(tmp_path / "repo", files)
    write(repo, {B: TEXT_B})
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV} | {"PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _CONCURRENT, B], cwd=repo, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    results = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert results == [(1, SEED_LINE + "\n", "")] * 3
    out = check([repo / B], root=repo, git=True, index=repo / ".git" / "dedup" / "index.sqlite")
    assert out.indexed == 0 and out.warnings == ()


# --------------------------------------------------------------------------- the command


def test_cli_exit_codes_stdout_and_stderr(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {B: TEXT_B, "new.txt": prose(1), "empty.md": ""})
    result = invoke(repo, monkeypatch, B, "new.txt", "empty.md")
    assert (result.exit_code, result.stdout, result.stderr) == (1, SEED_LINE + "\n", "dedup: skipped empty.md: empty file\n")
    result = invoke(repo, monkeypatch, "new.txt")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = invoke(repo, monkeypatch, "new.txt", "gone.txt", B)
    assert (result.exit_code, result.stdout, result.stderr) == (2, SEED_LINE + "\n", "dedup: gone.txt: no such file\n")


def test_cli_compressed_documents_and_parquet_never_fail_a_check(tmp_path, monkeypatch):
    """`dedup report` now names them as skipped in folders; `check` leaves them out as before,
    in the corpus and among the checked files, and says nothing of them."""
    import gzip

    shard = gzip.compress(json.dumps({"text": TEXT_B}).encode())
    write(tmp_path, {"corpus/" + A: TEXT_A, "corpus/shard.jsonl.gz": shard, "corpus/docs.parquet": b"PAR1", B: TEXT_B})
    result = invoke(tmp_path, monkeypatch, B, "--against", "corpus")
    assert (result.exit_code, result.stdout, result.stderr) == (1, f"{B}: near-duplicate of {A} (jaccard 0.86, containment 0.93)\n", "")
    repo = make_repo(tmp_path / "repo", {A: TEXT_A, "old.jsonl.gz": shard})
    write(repo, {"new.jsonl.gz": shard, "docs.parquet": b"PAR1"})
    git(repo, "add", "-A")
    result = invoke(repo, monkeypatch, "new.jsonl.gz", "docs.parquet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_cli_a_finding_is_one_line_whatever_the_file_names_hold(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write(corpus, {"old\nname\x1b[2J.txt": TEXT_A})
    write(tmp_path, {"new\x9b\u202etxt.md": TEXT_B})  # U+202E would make it read "newdm.txt"
    result = invoke(tmp_path, monkeypatch, "new\x9b\u202etxt.md", "--against", corpus)
    assert result.exit_code == 1, result.output
    assert result.stdout == (
        "new\\x9b\\u202etxt.md: near-duplicate of old\\nname\\x1b[2J.txt (jaccard 0.86, containment 0.93)\n"
    )


def test_cli_against_a_folder_with_names_that_are_not_utf8(tmp_path, monkeypatch):
    """Such names (lone surrogates once decoded) once stopped the whole check at the index."""
    corpus = tmp_path / os.fsdecode(b"corpus-\xff")  # the root's name too
    name = os.fsdecode(b"caf\xe9.txt")
    write(corpus, {name: TEXT_A, "other.md": prose(1)})
    for p in corpus.iterdir():
        os.utime(p, ns=(1, 1))  # old: their stats are kept, under their names
    write(tmp_path, {B: TEXT_B})
    for _ in range(2):  # indexing, then from the index
        result = invoke(tmp_path, monkeypatch, B, "--against", corpus)
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, f"{B}: near-duplicate of caf\\xe9.txt (jaccard 0.86, containment 0.93)\n", ""
        )
    with open_store(tmp_path / "xdg-cache" / "dedup" / "index.sqlite", recipe="", num_perm=128) as store:
        assert set(store.file_stats(os.path.realpath(corpus))) == {name, "other.md"}


def test_cli_a_config_file_that_is_not_utf8_is_a_usage_error(tmp_path, monkeypatch):
    write(tmp_path, {"corpus/" + A: TEXT_A, B: TEXT_B, "bad.toml": b'include = ["caf\xe9/**"]\n'})
    result = invoke(tmp_path, monkeypatch, B, "--against", "corpus", "--config", "bad.toml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "dedup: bad.toml is not valid TOML: not UTF-8 (byte 16)\n"


def test_cli_lines_are_sorted(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {"c.txt": TEXT_B, "b.txt": TEXT_A, "a.txt": TEXT_B})
    result = invoke(repo, monkeypatch, "c.txt", "a.txt", "b.txt")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out == sorted(out) and len(out) == 6
    assert out[0].startswith(f"a.txt: near-duplicate of {A} (jaccard ")


def test_cli_reads_the_accepted_pairs_of_pyproject(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"seeds/" + A: TEXT_A})
    write(repo, {"seeds/" + B: TEXT_B})
    assert invoke(repo, monkeypatch, "seeds/" + B).exit_code == 1
    write(repo, {"pyproject.toml": f'[tool.dedup]\naccepted = [["seeds/{A}", "seeds/{B}"]]\n'})
    result = invoke(repo, monkeypatch, "seeds/" + B)
    assert (result.exit_code, result.stdout) == (0, "")
    write(repo, {"pyproject.toml": "[tool.dedup]\naccepted = 3\n"})
    result = invoke(repo, monkeypatch, "seeds/" + B)
    assert result.exit_code == 2 and "accepted must be a list of pairs of paths" in result.stderr


def test_cli_include_and_exclude_options_replace_the_config(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"seeds/" + A: TEXT_A, "pyproject.toml": '[tool.dedup]\ninclude = ["nothing/**"]\n'})
    write(repo, {"seeds/" + B: TEXT_B})
    assert invoke(repo, monkeypatch, "seeds/" + B).exit_code == 0
    assert invoke(repo, monkeypatch, "seeds/" + B, "--include", "seeds/**").exit_code == 1
    assert invoke(repo, monkeypatch, "seeds/" + B, "--include", "**", "--exclude", A).exit_code == 0


@pytest.mark.parametrize("workers", ["0", "2"])
def test_cli_workers_as_for_report(tmp_path, monkeypatch, workers):
    """`--workers 0` is one per CPU core, as its help and `dedup report` say, not a usage error."""
    write(tmp_path, {"corpus/" + A: TEXT_A, B: TEXT_B})
    result = invoke(tmp_path, monkeypatch, B, "--against", "corpus", "--workers", workers)
    assert (result.exit_code, result.stdout, result.stderr) == (1, SEED_LINE + "\n", "")


def test_cli_subfolder_paths_are_relative_to_the_root(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"seeds/" + A: TEXT_A})
    write(repo, {"seeds/" + B: TEXT_B})
    result = invoke(repo / "seeds", monkeypatch, B)
    assert result.stdout == f"seeds/{B}: near-duplicate of seeds/{A} (jaccard 0.86, containment 0.93)\n"


def test_cli_outside_git_needs_against(tmp_path, monkeypatch):
    write(tmp_path, {"corpus/" + A: TEXT_A, B: TEXT_B})
    result = invoke(tmp_path, monkeypatch, B)
    assert result.exit_code == 2
    assert result.stderr == "dedup: not inside a git repository: give --against FOLDER to compare with a folder\n"
    result = invoke(tmp_path, monkeypatch, B, "--against", "corpus")
    assert (result.exit_code, result.stdout) == (1, f"{B}: near-duplicate of {A} (jaccard 0.86, containment 0.93)\n")
    assert (tmp_path / "xdg-cache" / "dedup" / "index.sqlite").is_file()  # $XDG_CACHE_HOME, resolved by the CLI


def test_cli_never_writes_into_the_working_tree(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {B: TEXT_B})
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    status = git(repo, "status", "--porcelain", "--ignored")
    assert invoke(repo, monkeypatch, B).exit_code == 1
    assert invoke(repo, monkeypatch).exit_code == 0  # no files: brings the index up to date
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts} == before
    assert git(repo, "status", "--porcelain", "--ignored") == status
    assert (repo / ".git" / "dedup" / "index.sqlite").is_file()


@pytest.mark.parametrize("damage", [b"garbage " * 500, b"SQLite format 3\x00" + b"\x01" * 4000])
def test_cli_rebuilds_a_corrupt_index_with_a_one_line_warning(tmp_path, monkeypatch, damage):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {B: TEXT_B})
    assert invoke(repo, monkeypatch, B).exit_code == 1
    index = repo / ".git" / "dedup" / "index.sqlite"
    index.write_bytes(damage)
    result = invoke(repo, monkeypatch, B)
    assert (result.exit_code, result.stdout) == (1, SEED_LINE + "\n")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"dedup: warning: the index {index} is unreadable (") and line.endswith(": rebuilding it")
    result = invoke(repo, monkeypatch, B)
    assert (result.exit_code, result.stdout, result.stderr) == (1, SEED_LINE + "\n", "")


def test_cli_refuses_an_index_that_is_another_programs_database(tmp_path, monkeypatch):
    import sqlite3

    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    with sqlite3.connect(tmp_path / "app.db") as conn:
        conn.execute("CREATE TABLE t (x)")
    result = invoke(repo, monkeypatch, A, "--index", tmp_path / "app.db")
    assert result.exit_code == 2 and "dedup did not make; give another --index" in result.stderr


def test_help_states_which_containment(monkeypatch):
    result = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "containment is the larger of the two: the share of the smaller document's shingles found in the other" in text
    for option in ("--against", "--include", "--exclude", "--index", "--config", "--threshold", "--containment"):
        assert option in text


_IMPORTS = """
import sys
from dedup.cli import app
code = app(["check", *sys.argv[1:]], standalone_mode=False)
print(code, sorted(m for m in ("datasketch", "rich", "scipy") if m in sys.modules))
"""


def test_the_check_import_path_stays_lean(tmp_path):
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {B: TEXT_B})
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _IMPORTS, B], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "1 []"


# --------------------------------------------------------------------------- docs cannot drift


def test_the_readme_shows_what_check_prints(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {"seeds/" + A: TEXT_A})
    write(repo, {"seeds/" + B: TEXT_B})
    result = invoke(repo, monkeypatch, "seeds/" + B)
    assert result.exit_code == 1
    assert "\n" + result.stdout in readme  # the line of the README's example, as printed
    help_text = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "200"}).stdout
    section = readme[readme.index("## pre-commit hook") : readme.index("## Exit codes")]
    documented = set(re.findall(r"^\| `(--[a-z-]+)", section, flags=re.M))
    documented |= set(re.findall(r", `(--[a-z-]+)`", section))
    assert documented >= {"--include", "--exclude", "--against", "--config", "--index", "--threshold", "--seed"}
    for option in documented:
        assert option in help_text, option


def test_the_hook_manifest_is_what_the_readme_and_the_issue_say():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "dedup" and hook["entry"] == "dedup check" and hook["language"] == "python"
    # the issue's three types, "text" for JSONL ("and jsonl if you support it") and "binary" for web
    # archives, by name (files:)
    assert hook["types_or"] == ["markdown", "html", "plain-text", "text", "binary"]
    assert hook["files"].endswith("jsonl|ndjson|warc|warc\\.gz)$")
    assert hook["require_serial"] is True and hook["minimum_pre_commit_version"] == "3.2.0"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "      - id: dedup\n" in readme and "    rev: v" in readme
    (local,) = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
    assert local["repo"] == "local" and local["hooks"][0]["id"] == "dedup"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["dedup"]["accepted"] == [[f"seeds/{A}", f"seeds/{B}"]]


_FOUND = f"-notes.md: near-duplicate of {A} (jaccard 0.86, containment 0.93)\n"


@pytest.mark.parametrize(
    ("args", "code", "out"),
    [
        (["-notes.md"], 1, _FOUND),
        (["--threshold", "0.5", "-notes.md", "-j1"], 1, _FOUND),
        (["--", "-notes.md"], 1, _FOUND),
        (["--exclude", "-notes.md", "-notes.md"], 0, ""),  # an option's value is left alone, even one that names a file
        (["-j.md"], 1, _FOUND.replace("-notes.md", "-j.md")),  # not the option -j with the value .md
        (["-nope.md"], 2, ""),  # no such file: still an unknown option
    ],
)
def test_check_takes_a_file_named_like_an_option(tmp_path, monkeypatch, args, code, out):
    """pre-commit passes a staged ``-notes.md`` at the root as it is: it was "No such option: -n"."""
    repo = make_repo(tmp_path / "repo", {A: TEXT_A})
    write(repo, {"-notes.md": TEXT_B, "-j.md": TEXT_B})
    result = invoke(repo, monkeypatch, *args)
    assert (result.exit_code, result.stdout) == (code, out), result.stderr
    if code == 2:
        assert "No such option: -n" in result.stderr
