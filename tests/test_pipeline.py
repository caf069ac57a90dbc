"""The whole detection pipeline on real files: seeds, unrelated documents, bad input."""

from __future__ import annotations

import json
import shutil

import pytest

from dedup.pipeline import Config, run
from dedup.shingle import shingle_strings
from tests.helpers import SEED_A, SEED_B, SEEDS, prose


def exact(a: str, b: str, size: int = 5) -> tuple[float, float, float]:
    """Jaccard and both containments from plain Python sets of shingle strings."""
    sa, sb = set(shingle_strings(a, size=size)), set(shingle_strings(b, size=size))
    shared = len(sa & sb)
    return shared / len(sa | sb), shared / len(sa), shared / len(sb)


def test_the_seed_pair_is_found_with_its_exact_figures():
    report = run([str(SEEDS)], Config(diff=False))
    assert [d.id for d in report.documents] == [SEED_A.name, SEED_B.name]
    assert len(report.pairs) == 1
    pair = report.pairs[0]
    assert (pair.a, pair.b) == (SEED_A.name, SEED_B.name)
    j, a_in_b, b_in_a = exact(SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8"))
    assert pair.jaccard == pytest.approx(j, abs=1e-6)
    assert pair.containment_a_in_b == pytest.approx(a_in_b, abs=1e-6)
    assert pair.containment_b_in_a == pytest.approx(b_in_a, abs=1e-6)
    # golden figures: a change of tokenisation or shingling shows up here
    assert (round(pair.jaccard, 2), round(pair.containment_a_in_b, 2), round(pair.containment_b_in_a, 2)) == (
        0.86,
        0.93,
        0.91,
    )
    assert len(report.clusters) == 1
    assert report.clusters[0].members == (SEED_A.name, SEED_B.name)


def test_clean_article_inside_a_full_page_is_found(tmp_path):
    article = prose(1, paragraphs=6)
    boilerplate = "\n\n".join(prose(100 + k, paragraphs=3) for k in range(4))
    (tmp_path / "clean.txt").write_text(article)
    (tmp_path / "page.txt").write_text(boilerplate + "\n\n" + article + "\n\n" + prose(99, paragraphs=3))
    for k in range(10):
        (tmp_path / f"other{k}.txt").write_text(prose(500 + k))
    report = run([str(tmp_path)], Config(diff=False))
    assert [(p.a, p.b) for p in report.pairs] == [("clean.txt", "page.txt")]
    p = report.pairs[0]
    assert p.jaccard < 0.5 and p.containment_a_in_b == 1.0


def test_pages_sharing_only_menus_and_footers_are_not_paired(tmp_path):
    menu = "Home\n\nWorld\n\nBusiness\n\nSport\n\n" + prose(42, paragraphs=2, words=40)
    footer = prose(43, paragraphs=2, words=40) + "\n\nCopyright 2024 Example News. All rights reserved."
    for k in range(6):
        (tmp_path / f"page{k}.txt").write_text(menu + "\n\n" + prose(k, paragraphs=5) + "\n\n" + footer)
    report = run([str(tmp_path)], Config(diff=False))
    assert report.pairs == ()


def test_unrelated_documents_are_never_paired(tmp_path):
    for k in range(40):
        (tmp_path / f"d{k:02}.txt").write_text(prose(1000 + k))
    report = run([str(tmp_path)], Config(diff=False))
    assert len(report.documents) == 40
    assert report.pairs == () and report.clusters == ()


def test_bad_files_are_skipped_and_the_rest_still_pairs(tmp_path):
    shutil.copy(SEED_A, tmp_path)
    shutil.copy(SEED_B, tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "punctuation.txt").write_text("... --- !!!")
    report = run([str(tmp_path)], Config(diff=False))
    assert {s.path: s.reason for s in report.skipped} == {
        "empty.txt": "empty file",
        "image.txt": "binary file (PNG image)",
        "punctuation.txt": "no words to compare",
    }
    assert [(p.a, p.b) for p in report.pairs] == [(SEED_A.name, SEED_B.name)]


def test_jsonl_records_pair_with_files(tmp_path):
    import json

    text = SEED_B.read_text(encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        "\n".join(json.dumps({"id": k, "text": t}) for k, t in [("z", prose(5)), ("copy", text)]) + "\n"
    )
    shutil.copy(SEED_A, tmp_path / "a.txt")
    report = run([str(tmp_path)], Config(diff=False))
    assert [d.id for d in report.documents] == ["a.txt", "b.jsonl#copy", "b.jsonl#z"]
    assert [(p.a, p.b) for p in report.pairs] == [("a.txt", "b.jsonl#copy")]


def test_the_dev_set_detection_bar(dev_data):
    """The issue's bar on the labelled dev set (skips where ../shared is absent)."""
    from benchmarks.detect_quality import score

    r = score(dev_data, Config(diff=False))
    assert r["precision"] >= 0.98
    assert r["recall"] >= 0.97
    hit, total = r["by"]["kinds clean vs fullpage"]
    assert hit / total >= 0.95


def test_rows_handed_back_as_json_text_give_the_report_rows_as_objects_give():
    from dataclasses import replace

    from dedup.classify import EncodedRows
    from dedup.render.json import dumps, report_dict, to_json

    report = run([str(SEEDS)])
    assert report.pairs and all(isinstance(p.diff, EncodedRows) and len(p.diff) > 20 for p in report.pairs)
    as_objects = replace(report, pairs=tuple(replace(p, diff=tuple(p.diff)) for p in report.pairs))
    assert to_json(report) == to_json(as_objects) == dumps(report_dict(report))
    assert report_dict(report) == report_dict(as_objects)


def test_same_report_whatever_the_number_of_workers(tmp_path, monkeypatch):
    import json

    import dedup.pipeline as pipeline
    from dedup.render.json import to_json

    monkeypatch.setattr(pipeline, "FILES_PER_TASK", 3)  # several tasks even for a small folder
    monkeypatch.setattr(pipeline, "JSONL_SPAN", 2000)
    shutil.copy(SEED_A, tmp_path)
    shutil.copy(SEED_B, tmp_path)
    for k in range(8):
        (tmp_path / f"u{k}.txt").write_text(prose(k))
    (tmp_path / "more.jsonl").write_text(
        "\n".join(json.dumps({"id": f"r{k}", "text": prose(k % 4)}) for k in range(12)) + "\n"
    )
    one = to_json(run([str(tmp_path)], Config(workers=1)))
    two = to_json(run([str(tmp_path)], Config(workers=2)))
    assert one == two
    assert len(json.loads(one)["pairs"]) > 1


def test_the_documents_of_the_pairs_come_with_the_report(tmp_path):
    import json

    shutil.copy(SEED_A, tmp_path / "a.txt")
    (tmp_path / "b.jsonl").write_text(
        "\n".join(json.dumps({"id": k, "text": t}) for k, t in [("z", prose(5)), ("copy", SEED_B.read_text())]) + "\n"
    )
    (tmp_path / "c.txt").write_text(prose(6))
    report = run([str(tmp_path)])
    assert list(report.paired) == ["a.txt", "b.jsonl#copy"]  # only documents that are in a pair
    doc = report.paired["b.jsonl#copy"]
    assert doc.text == SEED_B.read_text()
    assert all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
    assert run([str(tmp_path)], Config(diff=False)).paired == {}


def test_boilerplate_is_counted_across_articles_not_versions(tmp_path):
    """A line in many different articles is boilerplate; one in many versions of one article is not."""
    line = "Bananas ripen faster beside apples on the kitchen counter"
    for k in range(6):
        (tmp_path / f"other{k}.txt").write_text(prose(300 + k) + "\n\n" + line)
    article = prose(1, paragraphs=6)
    (tmp_path / "clean.txt").write_text(article)
    (tmp_path / "with_line.txt").write_text(article + "\n\n" + line)
    # the same extra sentence in five versions of a second article: one article, so not boilerplate
    story, extra = prose(2, paragraphs=6), "Otters hold hands while they sleep so they do not drift apart"
    (tmp_path / "story.txt").write_text(story)
    for k in range(5):
        (tmp_path / f"story_v{k}.txt").write_text(story + "\n\n" + prose(400 + k, paragraphs=1, words=8) + "\n\n" + extra)
    report = run([str(tmp_path)])
    (pair,) = [p for p in report.pairs if (p.a, p.b) == ("clean.txt", "with_line.txt")]
    (row,) = [r for r in pair.diff if r.b is not None and r.a is None]
    assert row.evidence == "seen in 7 articles of this folder"
    assert row.role not in ("body", "other")
    story_rows = [r for p in report.pairs if p.a == "story.txt" for r in p.diff if r.a is None]
    extra_rows = [r for r in story_rows if "seen in" in r.evidence]
    assert story_rows and not extra_rows


def test_same_report_when_shingle_sets_do_not_fit_in_memory(tmp_path, monkeypatch):
    """Past fingerprint_memory, documents are read again for verification: same answer."""
    import dedup.pipeline as pipeline
    from dedup.render.json import to_json

    monkeypatch.setattr(pipeline, "FILES_PER_TASK", 4)
    shutil.copy(SEED_A, tmp_path)
    shutil.copy(SEED_B, tmp_path)
    for k in range(10):
        (tmp_path / f"u{k}.txt").write_text(prose(k % 5))
    kept = to_json(run([str(tmp_path)], Config()))
    reread = to_json(run([str(tmp_path)], Config(fingerprint_memory=0)))
    assert kept == reread
    assert '"jaccard": 1.0' in kept


def _folder_of_versions(tmp_path):
    shutil.copy(SEED_A, tmp_path)
    shutil.copy(SEED_B, tmp_path)
    for k in range(6):
        base = prose(k % 3, paragraphs=5)
        (tmp_path / f"v{k}.txt").write_text(base + ("\n\nPhoto: Jane Doe/AP" if k > 2 else ""))
    return tmp_path


@pytest.mark.parametrize("workers", [1, 2])
def test_diff_rows_past_the_memory_budget_wait_on_disk_and_give_the_same_report(tmp_path, monkeypatch, workers):
    """diff_memory: rows beyond it go to a temporary file; every renderer reads them back unchanged."""
    import dedup.pipeline as pipeline
    from dedup.render.json import report_dict, to_json

    monkeypatch.setattr(pipeline, "FILES_PER_TASK", 3)
    folder = str(_folder_of_versions(tmp_path))
    held = run([folder], Config(workers=workers))
    spilled = run([folder], Config(workers=workers, diff_memory=0))
    assert len(spilled.pairs) > 3
    assert all(type(p.diff).__name__ == "_SpilledRows" for p in spilled.pairs)
    assert to_json(spilled) == to_json(held)
    assert report_dict(spilled) == report_dict(held)
    for got, want in zip(spilled.pairs, held.pairs):
        assert len(got.diff) == len(want.diff) and list(got.diff) == list(want.diff)
        assert got.diff[-1] == want.diff[-1]
    # a budget in between keeps the first pairs in memory and the others on disk
    some = run([folder], Config(workers=workers, diff_memory=len(held.pairs[0].diff.text) + 1))
    kinds = {type(p.diff).__name__ for p in some.pairs}
    assert kinds == {"EncodedRows", "_SpilledRows"}
    assert to_json(some) == to_json(held)


def test_diff_rows_stay_in_memory_when_the_temporary_file_cannot_be_written(tmp_path, monkeypatch):
    import tempfile

    from dedup.render.json import to_json

    folder = str(_folder_of_versions(tmp_path))
    held = to_json(run([folder]))

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_space)
    report = run([folder], Config(diff_memory=0))
    assert {type(p.diff).__name__ for p in report.pairs} == {"EncodedRows"}
    assert to_json(report) == held


def test_diff_rows_spilled_before_the_disk_filled_up_are_still_read_back(tmp_path, monkeypatch):
    import os

    from dedup.render.json import to_json

    folder = str(_folder_of_versions(tmp_path))
    held = to_json(run([folder]))
    real, calls = os.pwrite, []

    def fills_up(fd, data, offset):
        calls.append(offset)
        if len(calls) > 2:
            raise OSError(28, "No space left on device")
        return real(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", fills_up)
    report = run([folder], Config(diff_memory=0))
    assert {type(p.diff).__name__ for p in report.pairs} == {"EncodedRows", "_SpilledRows"}
    assert sum(type(p.diff).__name__ == "_SpilledRows" for p in report.pairs) == 2
    assert to_json(report) == held


def test_documents_read_again_by_two_workers_give_the_same_report(tmp_path, monkeypatch):
    """The re-reading path with a process pool, candidate groups cut across many tasks, JSONL."""
    import json

    import dedup.pipeline as pipeline
    from dedup.render.json import to_json

    monkeypatch.setattr(pipeline, "PAIRS_PER_TASK", 2)
    monkeypatch.setattr(pipeline, "MAX_PAIRS_PER_TASK", 3)
    monkeypatch.setattr(pipeline, "JSONL_SPAN", 2048)
    lines = []
    for k in range(6):  # six articles, five versions each: groups of 10 candidate pairs
        body = prose(k)
        for v in range(5):
            extra = "\n\n".join(f"Version {v} line {i} of article {k}." for i in range(v))
            lines.append(json.dumps({"id": f"a{k}v{v}", "text": body + ("\n\n" + extra if extra else "")}))
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n")
    kept = to_json(run([str(tmp_path)], Config(workers=1)))
    reread = to_json(run([str(tmp_path)], Config(workers=2, fingerprint_memory=0)))
    assert kept == reread
    assert json.loads(kept)["pairs"] and len(json.loads(kept)["clusters"]) == 6


def test_the_seeds_are_the_users_documents_byte_for_byte():
    """seeds/ holds ../shared/seeds/ unchanged (skipped where ../shared is not beside the project)."""
    shared = SEEDS.parent.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not here")
    theirs = sorted(p.name for p in shared.iterdir())
    assert sorted(p.name for p in SEEDS.iterdir()) == theirs
    for name in theirs:
        assert (SEEDS / name).read_bytes() == (shared / name).read_bytes()


def test_a_document_that_vanishes_before_verification_is_skipped_and_the_rest_verified(tmp_path):
    """Read again for verification (past fingerprint_memory), a deleted file is named, not a crash."""
    body = prose(3)
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(body + f"\n\nA line only in {name}.\n")

    def delete_b(stage, done, total):
        if stage == "candidates" and (tmp_path / "b.txt").exists():
            (tmp_path / "b.txt").unlink()

    report = run([str(tmp_path)], Config(fingerprint_memory=0, diff=False), progress=delete_b)
    assert [(s.path, s.reason) for s in report.skipped] == [("b.txt", "changed or vanished while reading")]
    assert [(p.a, p.b) for p in report.pairs] == [("a.txt", "c.txt")]
    assert [c.members for c in report.clusters] == [("a.txt", "c.txt")]


def test_one_path_given_alone_is_refused_rather_than_read_as_its_characters(tmp_path, monkeypatch):
    # run("corpus/") iterated the string: "c", "o", ... and "/", the whole file system
    (tmp_path / "docs").mkdir()
    shutil.copy(SEED_A, tmp_path / "docs" / "a.txt")
    shutil.copy(SEED_B, tmp_path / "docs" / "b.txt")
    monkeypatch.chdir(tmp_path)
    for one in ("docs", tmp_path / "docs", b"docs"):
        with pytest.raises(ValueError, match=r"paths must be a list .* give \['.*docs'\]"):
            run(one, Config(diff=False))
    # any iterable of paths is read, a generator too (it was walked twice: nothing was read)
    report = run((p for p in ["docs"]), Config(diff=False))
    assert [d.id for d in report.documents] == ["a.txt", "b.txt"] and len(report.pairs) == 1


@pytest.mark.parametrize("recall", [0.0, 1.5, -1.0])
def test_config_rejects_a_recall_out_of_range_with_a_value_error(recall):
    with pytest.raises(ValueError, match="recall must be in"):
        Config(recall=recall)
    assert Config(recall=1.0).tiers  # the edge is allowed: single-row bands


def spanned_repeats(folder):
    """A JSONL file over one 8 MiB task span whose first record's id comes again after the span ends."""
    first = json.dumps({"id": "r0", "text": prose(1)})
    padding = " " * (9 * 1024 * 1024)  # a blank line (not a record) that pushes what follows into the next span
    later = [json.dumps({"id": "r0", "text": prose(2)}), json.dumps({"id": "r1", "text": prose(3)})]
    path = folder / "big.jsonl"
    path.write_text("\n".join([first, padding, *later]) + "\n", encoding="utf-8")
    return path


def test_a_repeated_id_across_task_spans_is_named_by_its_line_as_within_one(tmp_path):
    """It was 'big.jsonl#r0: duplicate id (...)': no line, and worded otherwise than in a small file."""
    path = spanned_repeats(tmp_path)
    report = run([str(path)], Config(diff=False))
    assert [d.id for d in report.documents] == ["big.jsonl#r0", "big.jsonl#r1"]
    assert [(s.path, s.reason) for s in report.skipped] == [("big.jsonl:3", "duplicate 'id' 'r0'")]
    small = tmp_path / "small.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    small.write_text("\n".join([lines[0], "", *lines[2:]]) + "\n", encoding="utf-8")  # one span
    assert [(s.path, s.reason) for s in run([str(small)], Config(diff=False)).skipped] == [
        ("small.jsonl:3", "duplicate 'id' 'r0'")
    ]


def test_read_bytes_names_the_document_and_says_what_a_file_says():
    """Standard input (``dedup diff -``): bytes without a file, under the name given."""
    from dedup.pipeline import read_bytes, read_pair

    page = b"<!doctype html><title>t</title><p>First paragraph here.</p><p>Second one.</p>"
    doc = read_bytes(page, "-")
    assert (doc.id, doc.format, doc.text) == ("-", "html", "First paragraph here.\n\nSecond one.")
    assert read_bytes(page, "-", format="text").text.startswith("<!doctype html>")
    assert read_bytes(b"# Title\n\n*Body* text.", "-", format="markdown").text == "Title\n\nBody text."
    assert read_bytes(b"", "-").reason == "empty file"
    assert read_bytes(b"\x89PNG\r\n\x1a\n", "-").reason == "binary file (PNG image)"
    config = Config(max_bytes=10)
    assert read_bytes(b"x" * 10, "-", config).text == "x" * 10
    assert read_bytes(b"x" * 11, "-", config).reason == "too large (over the 10 bytes limit, see --max-bytes)"
    with pytest.raises(ValueError, match="format must be one of text, html, markdown"):
        read_bytes(b"{}", "-", format="jsonl")
    a, b = read_pair(read_bytes(SEED_A.read_bytes(), "-"), str(SEED_B))
    assert (a.id, b.id) == ("-", SEED_B.name)


def test_run_reads_sources_given_beside_the_paths(tmp_path):
    """``dedup report - folder``: the copy of standard input is a Source of its own id, and the
    folder's ids stay those it has alone."""
    from dedup.document import Source

    shutil.copy(SEED_A, tmp_path / "a.txt")
    copy = tmp_path / "elsewhere" / "stdin.jsonl"
    copy.parent.mkdir()
    copy.write_text(json.dumps({"id": "k", "text": SEED_B.read_text(encoding="utf-8")}) + "\n", encoding="utf-8")
    given = Source(str(copy), "-", "jsonl", copy.stat().st_size)
    report = run([str(tmp_path / "a.txt")], Config(), sources=[given])
    assert [d.id for d in report.documents] == ["-#k", "a.txt"]
    (pair,) = report.pairs
    assert (pair.a, pair.b) == ("-#k", "a.txt") and report.paired["-#k"].text
    alone = run([], Config(diff=False), sources=[given])
    assert [d.id for d in alone.documents] == ["-#k"]
