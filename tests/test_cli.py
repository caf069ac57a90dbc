"""The command line: JSON contract, exit codes, messages on stderr."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedup.cli import app
from tests.helpers import SEED_A, SEED_B, SEEDS, dedup_as_nobody, prose

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_report_json_follows_the_contract():
    result = invoke("report", SEEDS, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"version", "config", "documents", "skipped", "clusters", "pairs"}
    assert data["version"] == 1
    config = data["config"]
    for knob in ("threshold", "containment", "num_perm", "seed", "shingle_size", "b", "r"):
        assert knob in config
    assert [d["id"] for d in data["documents"]] == [SEED_A.name, SEED_B.name]
    for d in data["documents"]:
        assert d["paragraphs"] > 0 and d["chars"] > 0
    assert data["skipped"] == []
    assert data["clusters"] == [
        {
            "members": [SEED_A.name, SEED_B.name],
            "canonical": data["clusters"][0]["canonical"],
            "reason": data["clusters"][0]["reason"],
        }
    ]
    (pair,) = data["pairs"]
    assert pair["a"] < pair["b"]
    for key in ("jaccard", "containment_a_in_b", "containment_b_in_a"):
        assert 0.0 < pair[key] <= 1.0
    assert isinstance(pair["diff"], list)


def test_report_json_lists_are_sorted(tmp_path):
    for name in ("c.txt", "a.txt", "b.txt"):
        (tmp_path / name).write_text(SEED_A.read_text(encoding="utf-8"))
    (tmp_path / "z.txt").write_bytes(b"")
    data = json.loads(invoke("report", tmp_path, "--format", "json", "--no-diff").stdout)
    ids = [d["id"] for d in data["documents"]]
    assert ids == sorted(ids) == ["a.txt", "b.txt", "c.txt"]
    assert [(p["a"], p["b"]) for p in data["pairs"]] == [("a.txt", "b.txt"), ("a.txt", "c.txt"), ("b.txt", "c.txt")]
    assert data["skipped"] == [{"path": "z.txt", "reason": "empty file"}]
    assert data["clusters"][0]["members"] == ["a.txt", "b.txt", "c.txt"]


def test_report_json_without_diffs_keeps_diff_a_list(tmp_path):
    result = invoke("report", SEEDS, "--format", "json", "--no-diff")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["config"]["diff"] is False
    assert [p["diff"] for p in data["pairs"]] == [[]]  # the contract's list, empty: not ""


def test_skipped_files_are_named_on_stderr_and_the_run_goes_on(tmp_path):
    (tmp_path / "a.txt").write_text(SEED_A.read_text(encoding="utf-8"))
    (tmp_path / "b.txt").write_text(SEED_B.read_text(encoding="utf-8"))
    (tmp_path / "bad.txt").write_bytes(b"%PDF-1.4 binary")
    result = invoke("report", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "dedup: skipped bad.txt: binary file (PDF document)\n"
    assert len(json.loads(result.stdout)["pairs"]) == 1


def test_a_folder_of_compressed_shards_says_why_nothing_was_read(tmp_path):
    """It gave an empty report and no word: compressed JSONL was left out of folders as images are."""
    import gzip

    for k in range(2):
        record = json.dumps({"id": k, "text": SEED_A.read_text(encoding="utf-8")}) + "\n"
        (tmp_path / f"shard-{k}.jsonl.gz").write_bytes(gzip.compress(record.encode()))
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 JFIF")  # not a document: still no news
    result = invoke("report", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == (
        "dedup: skipped shard-0.jsonl.gz: compressed JSONL (gunzip it first, or zcat FILE | dedup report -)\n"
        "dedup: skipped shard-1.jsonl.gz: compressed JSONL (gunzip it first, or zcat FILE | dedup report -)\n"
    )
    assert json.loads(result.stdout)["skipped"] == [
        {"path": f"shard-{k}.jsonl.gz", "reason": "compressed JSONL (gunzip it first, or zcat FILE | dedup report -)"} for k in range(2)
    ]
    text = invoke("report", tmp_path)
    assert text.stdout.startswith("0 documents read, 2 skipped, 0 clusters, 0 pairs\n")


NO_TEXT = "no 'text' field (its fields: url, title, maintext; see --text-field)"
LISTED = '--format json lists every one under "skipped"'


def _bad_records(path: Path, n: int, *, start: int = 0) -> Path:
    """A JSONL file of ``n`` records without a 'text' field (as a crawl that calls it maintext)."""
    rows = [{"url": f"https://x.example/{k}", "title": "T", "maintext": "Words."} for k in range(start, start + n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_records_skipped_for_one_reason_are_a_few_lines_and_a_count(tmp_path, fmt):
    """`report shard.jsonl` with the wrong --text-field printed a line per record: a million lines."""
    shard = _bad_records(tmp_path / "shard.jsonl", 50)
    result = invoke("report", shard, "--format", fmt)
    assert result.exit_code == 0
    assert result.stderr == "".join(f"dedup: skipped shard.jsonl:{k}: {NO_TEXT}\n" for k in range(1, 6)) + (
        f"dedup: skipped 45 more records of shard.jsonl: {NO_TEXT}; {LISTED}\n"
    )
    if fmt == "json":  # the contract lists every one, as before
        skipped = json.loads(result.stdout)["skipped"]
        assert sorted(s["path"] for s in skipped) == sorted(f"shard.jsonl:{k}" for k in range(1, 51))
        assert {s["reason"] for s in skipped} == {NO_TEXT}
    else:
        assert result.stdout.startswith("0 documents read, 50 skipped, ")


def test_records_of_standard_input_are_capped_too():
    rows = "".join(json.dumps({"body": f"Text {k}."}) + "\n" for k in range(30))
    result = runner.invoke(app, ["report", "-", "-f", "json"], input=rows)
    assert result.exit_code == 0
    reason = "no 'text' field (its fields: body; see --text-field)"
    assert result.stderr.splitlines()[5:] == [f"dedup: skipped 25 more records of standard input (-): {reason}; {LISTED}"]
    assert len(json.loads(result.stdout)["skipped"]) == 30


def test_the_first_record_of_each_reason_is_shown_with_the_count_of_the_rest(tmp_path):
    shard = _bad_records(tmp_path / "shard.jsonl", 30)
    with shard.open("a", encoding="utf-8") as f:
        f.write("{not json\n" * 3 + json.dumps({"text": SEED_A.read_text(encoding="utf-8")}) + "\n")
    result = invoke("report", shard, "--format", "json")
    assert result.exit_code == 0
    invalid = "invalid JSON (Expecting property name enclosed in double quotes at column 2)"
    assert result.stderr.splitlines() == [f"dedup: skipped shard.jsonl:{k}: {NO_TEXT}" for k in range(1, 6)] + [
        f"dedup: skipped shard.jsonl:31: {invalid}",
        f"dedup: skipped 27 more records of shard.jsonl, 25 of them: {NO_TEXT}; {LISTED}",
    ]
    report = json.loads(result.stdout)
    assert len(report["skipped"]) == 33 and len(report["documents"]) == 1


def test_a_folder_of_bad_files_names_each_of_the_first_twenty(tmp_path):
    for name in ("a.txt", "b.md", "c.html"):
        (tmp_path / "few" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "few" / name).write_bytes(b"")
    (tmp_path / "few" / "d.txt").write_bytes(b"%PDF-1.4 binary")
    few = invoke("report", tmp_path / "few", "--format", "json")
    assert few.exit_code == 0
    assert few.stderr == (
        "dedup: skipped a.txt: empty file\ndedup: skipped b.md: empty file\n"
        "dedup: skipped c.html: empty file\ndedup: skipped d.txt: binary file (PDF document)\n"
    )
    many = tmp_path / "many"
    many.mkdir()
    for k in range(30):
        (many / f"{k:02}.txt").write_bytes(b"%PDF-1.4 binary")
    (many / "99.txt").write_bytes(b"")
    result = invoke("report", many, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"dedup: skipped {k:02}.txt: binary file (PDF document)" for k in range(20)] + [
        "dedup: skipped 99.txt: empty file",  # a reason not shown yet is shown
        f"dedup: skipped 10 more files: binary file (PDF document); {LISTED}",
    ]
    assert len(json.loads(result.stdout)["skipped"]) == 31


def test_the_records_of_each_file_are_capped_on_their_own(tmp_path):
    _bad_records(tmp_path / "a.jsonl", 8)
    _bad_records(tmp_path / "b.jsonl", 2)
    result = invoke("report", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"dedup: skipped a.jsonl:{k}: {NO_TEXT}" for k in range(1, 6)] + [
        f"dedup: skipped 3 more records of a.jsonl: {NO_TEXT}; {LISTED}",
        f"dedup: skipped b.jsonl:1: {NO_TEXT}",
        f"dedup: skipped b.jsonl:2: {NO_TEXT}",
    ]


def test_diff_pairs_caps_its_skipped_lines(tmp_path):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"{SEED_A}\t{SEED_B}\n" + "".join(f"{SEED_A}\t{tmp_path}/gone-{k}.txt\n" for k in range(40)))
    result = invoke("diff", "--pairs", tsv)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr.splitlines() == [
        f"dedup: skipped {tsv}:{k}: {tmp_path}/gone-{k - 2}.txt: no such file or folder" for k in range(2, 7)
    ] + [f"dedup: skipped 35 more lines of {tsv}: no such file or folder"]


def test_check_caps_the_skipped_records_of_a_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SEED_A.read_text(encoding="utf-8"))
    shard = _bad_records(corpus / "new.jsonl", 12)
    result = invoke("check", shard, "--against", corpus, "--index", tmp_path / "index.sqlite")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [f"dedup: skipped new.jsonl:{k}: {NO_TEXT}" for k in range(1, 6)] + [
        f"dedup: skipped 7 more records of new.jsonl: {NO_TEXT}"  # check has no list of them to point to
    ]


def test_a_file_name_with_a_newline_or_an_escape_sequence_is_one_escaped_line(tmp_path):
    (tmp_path / "new\nline.txt").write_bytes(b"")
    (tmp_path / "title\x1b]0;pwned\x07.txt").write_bytes(b"")
    result = invoke("report", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == (
        "dedup: skipped new\\nline.txt: empty file\n"
        "dedup: skipped title\\x1b]0;pwned\\x07.txt: empty file\n"
    )
    assert [s["path"] for s in json.loads(result.stdout)["skipped"]] == ["new\nline.txt", "title\x1b]0;pwned\x07.txt"]


def test_json_is_valid_utf8_whatever_the_names_and_names_come_back_as_bytes(tmp_path):
    name = b"caf\xe9 \xff.txt"  # not UTF-8: os.fsdecode gives lone surrogates
    (tmp_path / os.fsdecode(name)).write_bytes(b"")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "x\x9b\u2028\x7f", "text": "Some words here."}) + "\n")
    done = subprocess.run([sys.executable, "-m", "dedup", "report", str(tmp_path), "--format", "json"],
                          capture_output=True)
    assert done.returncode == 0
    text = done.stdout.decode("utf-8")  # strict
    assert not re.search("[\x7f-\x9f\u2028\u2029]", text)
    data = json.loads(text)
    assert [os.fsencode(s["path"]) for s in data["skipped"]] == [name]
    assert [d["id"] for d in data["documents"]] == ["c.jsonl#x\x9b\u2028\x7f"]
    assert done.stderr.decode("utf-8") == "dedup: skipped caf\\xe9 \\xff.txt: empty file\n"


def test_human_report_shows_the_pair_and_figures():
    result = invoke("report", SEEDS)
    assert result.exit_code == 0
    assert "2 documents read, 0 skipped, 1 cluster, 1 pair" in result.stdout
    assert "0.86" in result.stdout


def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    result = invoke("report", SEEDS, "--format", "json", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["pairs"]


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--threshold", "1.5", SEEDS),
        ("report", "--format", "yaml", SEEDS),
        ("report",),
        ("nonsense",),
    ],
)
def test_usage_errors_exit_2(args):
    assert invoke(*args).exit_code == 2


def test_missing_path_exits_2_with_a_message(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "dedup", "report", str(tmp_path / "nope")], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "nope: no such file or folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_version_and_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "dedup", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("dedup ")


# --------------------------------------------------------------------------- formats


def test_json_output_is_exactly_the_contract():
    from dedup.pipeline import Config, run
    from dedup.render.json import to_json

    result = invoke("report", SEEDS, "--format", "json")
    assert result.stdout == to_json(run([str(SEEDS)], Config())) + "\n"


@pytest.mark.parametrize(
    ("name", "args", "start"),
    [
        ("r.html", (), "<!DOCTYPE html>"),
        ("r.htm", (), "<!DOCTYPE html>"),
        ("r.md", (), "## dedup report"),
        ("r.json", (), "{"),
        ("r.txt", (), "2 documents read"),
        ("r.out", ("--format", "md"), "## dedup report"),
        ("r.html", ("-f", "text"), "2 documents read"),
    ],
)
def test_output_format_follows_the_file_name_unless_given(tmp_path, name, args, start):
    out = tmp_path / name
    result = invoke("report", SEEDS, "-o", out, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith(start)


@pytest.mark.parametrize(("fmt", "start"), [("html", "<!DOCTYPE html>"), ("md", "## dedup report")])
def test_formats_on_stdout(fmt, start):
    result = invoke("report", SEEDS, "--format", fmt)
    assert result.exit_code == 0 and result.stdout.startswith(start)


def test_text_on_a_pipe_is_plain_80_columns_without_trailing_blanks():
    result = runner.invoke(app, ["report", str(SEEDS)], env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert "\x1b[" not in result.stdout
    assert all(line == line.rstrip() for line in lines)
    assert max(map(len, lines)) <= 80


# --------------------------------------------------------------------------- polish


def _commands():
    import typer.main

    group = typer.main.get_command(app)
    return {name: cmd for name, cmd in group.commands.items()}


@pytest.mark.parametrize("args", [("-h",), ("--help",), ("report", "-h"), ("report", "--help")])
def test_help_everywhere(args):
    result = invoke(*args)
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_help_keeps_the_brackets_it_shows():
    # typer renders help as Rich markup, where "[ray]" is a style tag and vanishes unless escaped
    for name, cmd in _commands().items():
        texts = [cmd.help or ""] + [getattr(param, "help", None) or "" for param in cmd.params]
        shown = invoke(name, "-h").stdout
        for bracketed in re.findall(r"\\?\[[^\]\s]+\]", " ".join(texts)):
            assert bracketed.lstrip("\\") in shown, (name, bracketed)


def test_every_command_has_h_and_shared_options_are_spelled_the_same():
    spelled: dict[str, set[tuple[str, ...]]] = {}
    for name, cmd in _commands().items():
        assert "-h" in invoke(name, "-h").stdout, name
        for param in cmd.params:
            spelled.setdefault(param.name, set()).add(tuple(param.opts) + tuple(param.secondary_opts))
    assert {name: opts for name, opts in spelled.items() if len(opts) > 1} == {}


def test_usage_errors_are_two_lines_for_humans():
    result = invoke("report", SEEDS, "--threshold", "1.5")
    assert result.exit_code == 2
    assert result.stdout == ""
    # CliRunner runs the app in standalone mode; the console script goes through main()
    dedup = str(Path(sys.executable).parent / "dedup")  # the console script
    proc = subprocess.run([dedup, "report", str(SEEDS), "--threshold", "1.5"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "dedup: Invalid value for '--threshold': Input should be less than or equal to 1.",
        "Try 'dedup report -h' for help.",
    ]
    proc = subprocess.run([sys.executable, "-m", "dedup", "report", "--treshold", "1"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "dedup: No such option: --treshold (did you mean --threshold?)",
        "Try 'python -m dedup report -h' for help.",
    ]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "where"),
    [(["report", str(SEEDS)], "dedup.pipeline.run"), (["check", "--against", str(SEEDS)], "dedup.hook.check")],
)
def test_a_unicode_error_is_an_internal_error_not_a_usage_error(monkeypatch, capsys, args, where):
    """UnicodeError is a ValueError, as bad arguments are; it is a bug all the same (exit 3)."""
    from dedup.cli import main

    def fail(*args, **kwargs):
        "caf\udce9.txt".encode("utf-8")

    monkeypatch.setattr(where, fail)
    monkeypatch.setattr(sys, "argv", ["dedup", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 3
    assert capsys.readouterr().err.startswith(
        "dedup: internal error: UnicodeEncodeError: 'utf-8' codec can't encode character '\\udce9' in position 3"
    )


def test_unwritable_output_exits_2(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "dedup", "report", str(SEEDS), "-o", str(tmp_path / "no" / "such" / "r.html")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr == f"dedup: cannot write {tmp_path / 'no' / 'such' / 'r.html'}: no folder {tmp_path / 'no' / 'such'}\n"


# --------------------------------------------------------------------------- progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _terminal():
    import io

    from rich.console import Console

    out = io.StringIO()
    return out, Console(file=out, force_terminal=True, width=80, color_system=None)


def test_progress_bar_waits_a_second_then_shows_documents_per_second():
    from dedup.cli import ProgressBar

    out, console = _terminal()
    clock = FakeClock()
    with ProgressBar(console, clock=clock) as bar:
        bar("read", 0, None)
        clock.now += 0.5
        bar("read", 512, None)
        assert bar.progress is None and out.getvalue() == ""  # a quick run shows nothing
        clock.now += 1.5
        bar("read", 4096, None)
        assert bar.progress is not None
        bar.progress.refresh()
    assert "reading" in out.getvalue() and "2,048 documents/s" in out.getvalue()


def test_progress_bar_never_shows_off_a_terminal():
    import io

    from rich.console import Console

    from dedup.cli import ProgressBar

    out = io.StringIO()
    clock = FakeClock()
    with ProgressBar(Console(file=out), clock=clock) as bar:
        clock.now += 10
        bar("read", 5000, None)
        bar("diff", 1, 3)
    assert bar.progress is None and out.getvalue() == ""


def test_progress_bar_never_shows_on_a_dumb_terminal():
    """TERM=dumb cannot redraw a bar: it printed nothing but an empty line at the end."""
    import io

    from rich.console import Console

    from dedup.cli import ProgressBar

    out = io.StringIO()
    clock = FakeClock()
    console = Console(file=out, force_terminal=True, width=80, _environ={"TERM": "dumb"})
    with ProgressBar(console, clock=clock) as bar:
        clock.now += 10
        bar("read", 5000, None)
        bar("diff", 1, 3)
    assert bar.progress is None and out.getvalue() == ""


def test_diff_shows_the_labelled_pair():
    result = invoke("diff", SEED_A, SEED_B)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "jaccard 0.86, A in B 0.93, B in A 0.91" in out
    for text in ("title", "heading", "caption", "pull-quote", "paywall", "byline", "syndication", "navigation"):
        assert text in out
    assert "Pyeongyang Press Corps/REUTERS" in out


def test_diff_json_is_the_pair_object_with_rows():
    result = invoke("diff", SEED_A, SEED_B, "--format", "json")
    assert result.exit_code == 0
    pair = json.loads(result.stdout)
    assert (pair["a"], pair["b"]) == (SEED_A.name, SEED_B.name)
    assert {"jaccard", "containment_a_in_b", "containment_b_in_a", "diff"} <= set(pair)
    a_rows = sorted(r["a"]["index"] for r in pair["diff"] if r["a"])
    b_rows = sorted(r["b"]["index"] for r in pair["diff"] if r["b"])
    assert a_rows == list(range(24)) and b_rows == list(range(26))  # every paragraph once


def test_diff_keeps_the_order_given():
    pair = json.loads(invoke("diff", SEED_B, SEED_A, "-f", "json").stdout)
    assert (pair["a"], pair["b"]) == (SEED_B.name, SEED_A.name)
    assert pair["containment_a_in_b"] == pytest.approx(0.9125, abs=1e-4)


def test_diff_pairs_file_writes_json_lines(tmp_path):
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(
        f"path_a\tpath_b\n{SEED_A}\t{SEED_B}\n# a comment\n{SEED_A}\t{tmp_path / 'gone.txt'}\n"
        f"no tab on this line\n{SEED_B}\t{SEED_B}\t0.97\n"
    )
    result = invoke("diff", "--pairs", tsv)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["a"], r["b"]) for r in records] == [(str(SEED_A), str(SEED_B)), (str(SEED_B), str(SEED_B))]
    assert records[0]["diff"] and records[1]["jaccard"] == 1.0
    assert all(r["op"] == "equal" for r in records[1]["diff"])
    assert result.stderr == (
        f"dedup: skipped {tsv}:4: {tmp_path / 'gone.txt'}: no such file or folder\n"
        f"dedup: skipped {tsv}:5: expected two tab-separated paths, got 'no tab on this line'\n"
    )


def test_diff_pairs_file_with_names_that_are_not_utf8(tmp_path):
    """Such names are bytes in the file, as the tool that listed them wrote them: read, not refused."""
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_bytes(SEED_B.read_bytes())
    tsv = tmp_path / "pairs.tsv"
    tsv.write_bytes(os.fsencode(f"{SEED_A}\t{tmp_path / name}\n{SEED_A}\t{tmp_path}/gone-\udcff.txt\n"))
    result = invoke("diff", "--pairs", tsv)
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (record["a"], record["b"]) == (str(SEED_A), str(tmp_path / name))
    assert os.fsencode(record["b"]).endswith(b"/caf\xe9.txt") and record["jaccard"] == pytest.approx(0.86, abs=0.01)
    assert result.stderr == f"dedup: skipped {tsv}:2: {tmp_path}/gone-\\xff.txt: no such file or folder\n"


@pytest.mark.parametrize(
    "args",
    [
        ("diff", SEED_A),
        ("diff", SEEDS, SEED_A),
        ("diff", SEED_A, SEED_B, "--pairs", SEED_A),
    ],
)
def test_diff_usage_errors(args):
    proc = subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("dedup: ") and "Traceback" not in proc.stderr


def test_an_unreadable_path_given_is_skipped_and_the_run_goes_on():
    dedup, folder = dedup_as_nobody()  # root reads every file: run as nobody
    try:
        (folder / "a.txt").write_bytes(SEED_A.read_bytes())
        (folder / "b.txt").write_bytes(SEED_B.read_bytes())
        locked = folder / "locked.txt"
        locked.write_text("A private note that nobody may read.")
        locked.chmod(0)
        closed = folder / "closed"
        closed.mkdir()
        (closed / "c.txt").write_text("Another private note.")
        closed.chmod(0)
        proc = dedup("report", "-f", "json", "--no-diff", "locked.txt", "closed", "a.txt", "b.txt")
        one = dedup("diff", "locked.txt", "a.txt")
    finally:
        (folder / "closed").chmod(0o755)
        shutil.rmtree(folder)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [d["id"] for d in report["documents"]] == ["a.txt", "b.txt"] and len(report["pairs"]) == 1
    assert {(s["path"], s["reason"]) for s in report["skipped"]} == {
        ("locked.txt", "permission denied"), ("closed/", "permission denied")
    }
    assert one.returncode == 2 and one.stderr == "dedup: locked.txt: permission denied\n"


def test_output_never_writes_over_a_document_read(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_bytes(SEED_A.read_bytes())
    b.write_bytes(SEED_B.read_bytes())
    link = tmp_path / "elsewhere.txt"
    link.symlink_to(b)
    def dedup(*args):
        return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, text=True)

    for args in (("report", folder, "-o", a), ("report", folder, "--no-diff", "-f", "json", "-o", link),
                 ("diff", a, b, "-o", b)):
        proc = dedup(*args)
        assert proc.returncode == 2 and "dedup does not write over documents" in proc.stderr, args
    assert (a.read_bytes(), b.read_bytes()) == (SEED_A.read_bytes(), SEED_B.read_bytes())
    # a new file, even inside the folder, is written; the next run reads it, so it may not overwrite it
    assert dedup("report", folder, "-o", folder / "report.html").returncode == 0
    assert "(report.html); dedup does not write" in dedup("report", folder, "-o", folder / "report.html").stderr
    assert dedup("report", folder, "-o", tmp_path / "report.html").returncode == 0


def test_diff_never_writes_over_a_record_file_or_a_file_of_pairs(tmp_path):
    """``diff file.jsonl#id ...`` reads file.jsonl, and ``diff --pairs`` reads the pairs file and the
    documents it names: none of them may become the report, and a missing folder is refused first."""
    jsonl = tmp_path / "crawl.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a", "text": SEED_A.read_text(encoding="utf-8")}) + "\n"
        + json.dumps({"id": "b", "text": SEED_B.read_text(encoding="utf-8")}) + "\n",
        encoding="utf-8",
    )
    a = tmp_path / "a.txt"
    a.write_bytes(SEED_A.read_bytes())
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"{a}\t{SEED_B}\n{jsonl}#a\t{jsonl}#b\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (jsonl, a, tsv)}

    def dedup(*args):
        return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, text=True)

    for args in (("diff", f"{jsonl}#a", f"{jsonl}#b", "-f", "json", "-o", jsonl),
                 ("diff", "--pairs", tsv, "-o", a), ("diff", "--pairs", tsv, "-o", jsonl)):
        proc = dedup(*args)
        assert proc.returncode == 2 and "dedup does not write over documents" in proc.stderr, (args, proc.stderr)
    proc = dedup("diff", "--pairs", tsv, "-o", tsv)
    assert proc.returncode == 2 and proc.stderr == f"dedup: --output {tsv} is the --pairs file; write the pairs elsewhere\n"
    proc = dedup("diff", "--pairs", tsv, "-o", tmp_path / "nowhere" / "pairs.jsonl")
    assert proc.returncode == 2 and proc.stderr == f"dedup: cannot write {tmp_path}/nowhere/pairs.jsonl: no folder {tmp_path}/nowhere\n"
    assert {p: p.read_bytes() for p in before} == before
    assert dedup("diff", "--pairs", tsv, "-o", tmp_path / "pairs.jsonl").returncode == 0
    assert len((tmp_path / "pairs.jsonl").read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("args", [("report", ""), ("report", SEEDS, ""), ("diff", "", SEED_A), ("check", "")])
def test_an_empty_path_is_an_error_not_the_current_folder(args, tmp_path):
    # `dedup report "$DIR"` with DIR unset must not read whatever folder the shell is in
    (tmp_path / "a.txt").write_bytes(SEED_A.read_bytes())
    (tmp_path / "b.txt").write_bytes(SEED_B.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "an empty path" in proc.stderr.splitlines()[0]


def test_diff_offers_only_the_formats_it_writes():
    assert "parquet" not in invoke("diff", "-h").stdout and "parquet" in invoke("report", "-h").stdout
    proc = subprocess.run([sys.executable, "-m", "dedup", "diff", SEED_A, SEED_B, "-f", "parquet"], capture_output=True, text=True)
    assert proc.returncode == 2 and "'parquet' is not one of 'text', 'json', 'html', 'md'" in proc.stderr
    assert json.loads(invoke("diff", SEED_A, SEED_B, "-f", "json").stdout)["a"] == SEED_A.name


def _records(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_diff_of_two_records_as_the_report_names_them(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    a, b = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
    _records(folder / "part 1.jsonl", [{"url": "u1", "body": a}, {"body": "A short unrelated note on the weather."}])
    _records(folder / "part#2.jsonl", [{"url": "u#2", "body": b}])
    fields = ("--text-field", "body", "--id-field", "url")
    report = json.loads(invoke("report", folder, "-f", "json", *fields).stdout)
    (pair,) = report["pairs"]
    assert (pair["a"], pair["b"]) == ("part 1.jsonl#u1", "part#2.jsonl#u#2")
    one = invoke("diff", folder / pair["a"], folder / pair["b"], "-f", "json", *fields)
    assert one.exit_code == 0, one.stderr
    assert json.loads(one.stdout) == pair  # the same figures and rows, under the same ids
    assert json.loads(invoke("diff", folder / "part 1.jsonl#2", folder / "part 1.jsonl#u1", "-f", "json",
                             *fields).stdout)["jaccard"] == 0.0  # a record without an id is its line number

    tsv = tmp_path / "pairs.tsv"
    tsv.write_text(f"{folder / pair['a']}\t{folder / pair['b']}\n{folder / 'part 1.jsonl#u9'}\t{folder / pair['b']}\n")
    lines = invoke("diff", "--pairs", tsv, *fields)
    assert [json.loads(line)["diff"] for line in lines.stdout.splitlines()] == [pair["diff"]]
    assert lines.stderr == f"dedup: skipped {tsv}:2: {folder / 'part 1.jsonl#u9'}: no record with 'url' 'u9' in part 1.jsonl\n"

    proc = subprocess.run([sys.executable, "-m", "dedup", "diff", str(folder / "part 1.jsonl"), str(SEED_B)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "(one record: " in proc.stderr


def test_diff_of_records_whose_ids_are_urls(tmp_path):
    """`diff crawl.jsonl#https://x/a ...` read the argument as a path, whose // became /: no record had that id."""
    crawl = _records(tmp_path / "crawl.jsonl", [{"id": "https://x.example/a", "text": SEED_A.read_text(encoding="utf-8")},
                                                {"id": "https://x.example/b", "text": SEED_B.read_text(encoding="utf-8")}])
    result = invoke("diff", f"{crawl}#https://x.example/a", f"{crawl}#https://x.example/b", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert (json.loads(result.stdout)["a"], json.loads(result.stdout)["b"]) == ("crawl.jsonl#https://x.example/a",
                                                                                "crawl.jsonl#https://x.example/b")


def test_nested_text_and_id_fields_as_data_teams_write_them(tmp_path):
    """`report shard.jsonl --text-field content.body --id-field meta.url` skipped every record ("no
    'content.body' field"); and `diff` folded the // of an id that is a URL, so no record had it."""
    a, b = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
    shard = _records(tmp_path / "shard.jsonl", [
        {"meta": {"url": "https://news.example/a", "lang": "en"}, "content": {"body": a}},
        {"meta": {"url": "https://wire.example/b"}, "content": {"body": b}},
        {"url": "https://other.example/c", "title": "T", "maintext": "Kept elsewhere."},
    ])
    fields = ("--text-field", "content.body", "--id-field", "meta.url")
    result = invoke("report", shard, "-f", "json", "--no-diff", *fields)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [d["id"] for d in report["documents"]] == ["shard.jsonl#https://news.example/a", "shard.jsonl#https://wire.example/b"]
    (pair,) = report["pairs"]
    assert (pair["a"], pair["b"]) == ("shard.jsonl#https://news.example/a", "shard.jsonl#https://wire.example/b")
    reason = "no 'content.body' field (its fields: url, title, maintext; see --text-field)"
    assert report["skipped"] == [{"path": "shard.jsonl:3", "reason": reason}]
    assert result.stderr == f"dedup: skipped shard.jsonl:3: {reason}\n"

    one = invoke("diff", f"{tmp_path}/{pair['a']}", f"{tmp_path}/{pair['b']}", "-f", "json", *fields)  # as typed
    assert one.exit_code == 0, one.stderr
    assert (json.loads(one.stdout)["a"], json.loads(one.stdout)["jaccard"]) == (pair["a"], pair["jaccard"])
    missing = invoke("diff", f"{shard}#https://news.example/zz", f"{tmp_path}/{pair['b']}", *fields)
    assert missing.exit_code == 2
    assert missing.stderr == f"dedup: {shard}#https://news.example/zz: no record with 'meta.url' 'https://news.example/zz' in shard.jsonl\n"


def test_the_field_options_say_that_dotted_paths_work():
    for command in ("report", "diff", "check"):
        help = re.sub(r"[\s│]+", " ", invoke(command, "--help").stdout)
        assert "meta.url" in help and "content.body" in help, command


def test_diff_of_parquet_rows(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": ["k1", None], "text": [SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")]})
    pq.write_table(table, tmp_path / "docs.parquet")
    result = invoke("diff", tmp_path / "docs.parquet#k1", tmp_path / "docs.parquet#2", "-f", "json")
    assert result.exit_code == 0, result.stderr
    pair = json.loads(result.stdout)
    assert (pair["a"], pair["b"]) == ("docs.parquet#k1", "docs.parquet#2")
    assert pair["diff"] == json.loads(invoke("diff", SEED_A, SEED_B, "-f", "json").stdout)["diff"]


# --------------------------------------------------------------------------- a reader that leaves early
# `dedup report DIR | head -1`: once the reader has what it wants it closes the pipe, and the next
# write fails with EPIPE. That ends the output, quietly (no traceback, no "Exception ignored"), and
# does not change the exit code: 0 for report and diff, and check's own verdict (it only writes when
# it found near-duplicates, so 1). Typer, after Click, would turn the broken pipe into exit 1.


def _closed_early(args: list[str], *, read_first_line: bool = False, env: dict | None = None) -> tuple[int, str, bytes]:
    """Run the real CLI with stdout piped to a reader that closes it: at once, or after one line."""
    proc = subprocess.Popen([sys.executable, "-m", "dedup", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    first = b""
    if read_first_line:
        reader = subprocess.run([sys.executable, "-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.readline())"],
                                stdin=proc.stdout, capture_output=True, timeout=300)
        first = reader.stdout
    proc.stdout.close()  # the reader has gone
    stderr = proc.stderr.read().decode("utf-8", "replace")
    return proc.wait(timeout=300), stderr, first


@pytest.mark.parametrize(
    "args, code",
    [
        (["report", SEEDS], 0),
        (["report", SEEDS, "--format", "json"], 0),
        (["report", SEEDS, "--format", "md"], 0),
        (["report", SEEDS, "--format", "html"], 0),
        (["diff", SEED_A, SEED_B], 0),
        (["diff", SEED_A, SEED_B, "--format", "json"], 0),
        (["diff", "--pairs", "{tmp}/pairs.tsv"], 0),
        (["check", SEED_B, "--against", SEEDS, "--index", "{tmp}/index.sqlite"], 1),  # found: the verdict stands
        (["--version"], 0),
    ],
)
def test_a_closed_stdout_ends_the_output_quietly(tmp_path, args, code):
    (tmp_path / "pairs.tsv").write_text(f"{SEED_A}\t{SEED_B}\n")
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    returncode, stderr, _ = _closed_early(args)
    assert stderr == ""
    assert returncode == code


def test_a_closed_stdout_ends_the_output_quietly_when_colour_is_forced():
    # FORCE_COLOR: rich takes the pipe for a terminal and prints in colour; its own broken-pipe handler exits 1
    returncode, stderr, _ = _closed_early(["report", str(SEEDS)], env={"FORCE_COLOR": "1"})
    assert returncode == 0
    assert not re.search("Traceback|Exception|Error", stderr), stderr  # a progress bar may show: stderr is a "terminal"


@pytest.mark.parametrize("stream", [0, 1, 2])
@pytest.mark.parametrize("to_file", [False, True])
def test_a_standard_stream_closed_before_the_run_is_taken_as_dev_null(tmp_path, stream, to_file):
    # `dedup report DIR >&-`: the shell starts dedup without a stdout (or stdin, stderr). The run
    # ends as usual, and no file it opens takes the closed stream's number (-o gets the whole report).
    out = tmp_path / "report.md"
    args = ["report", str(SEEDS), *(["-o", str(out)] if to_file else [])]
    proc = subprocess.run([sys.executable, "-m", "dedup", *args], capture_output=True, timeout=300,
                          preexec_fn=lambda: os.close(stream))
    assert (proc.returncode, proc.stderr) == (0, b"")
    if to_file:
        expected = tmp_path / "expected.md"
        subprocess.run([sys.executable, "-m", "dedup", "report", str(SEEDS), "-o", str(expected)], check=True, timeout=300)
        assert out.read_bytes() == expected.read_bytes()


def test_a_closed_stdout_keeps_checks_verdict(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dedup", "check", str(SEED_B), "--against", str(SEEDS),
                           "--index", str(tmp_path / "index.sqlite")],
                          capture_output=True, timeout=300, preexec_fn=lambda: os.close(1))
    assert (proc.returncode, proc.stderr) == (1, b"")


def test_report_piped_into_a_reader_of_one_line(tmp_path):
    # 14 versions of one article (91 pairs): a report far larger than the pipe holds, so the reader's
    # leaving is met mid-way, by a write, as with `dedup report DIR | head -1`
    base = prose(7, paragraphs=30, words=40).split("\n\n")
    for k in range(14):
        paras = [p for i, p in enumerate(base) if (i + k) % 7] + [prose(100 + k, paragraphs=2, words=40)]
        (tmp_path / f"v{k:02d}.txt").write_text("\n\n".join(paras))
    for fmt in ("text", "json"):
        returncode, stderr, first = _closed_early(["report", str(tmp_path), "--format", fmt], read_first_line=True)
        assert first == (b"14 documents read, 0 skipped, 1 cluster, 91 pairs\n" if fmt == "text" else b"{\n")
        assert (returncode, stderr) == (0, "")


def test_the_text_report_is_written_a_part_at_a_time():
    # `dedup report` prints the summary, each cluster and each pair as soon as it is drawn
    from rich.text import Text

    from dedup.cli import _plain_text

    drawn = []

    def parts():
        for k in range(3):
            drawn.append(k)
            yield Text(f"part {k}   ")

    chunks = _plain_text(parts(), width=80)
    assert (next(chunks), drawn) == ("part 0", [0])
    assert "".join(chunks) == "\npart 1\npart 2"


def test_diff_of_two_ndjson_records_as_the_report_names_them(tmp_path):
    # .ndjson is read as JSONL (file.ndjson#id in reports), and dedup diff reads such a record too
    feed = _records(tmp_path / "feed.ndjson", [{"id": "a", "text": SEED_A.read_text(encoding="utf-8")},
                                               {"id": "b", "text": SEED_B.read_text(encoding="utf-8")}])
    (pair,) = json.loads(invoke("report", tmp_path, "-f", "json").stdout)["pairs"]
    assert (pair["a"], pair["b"]) == ("feed.ndjson#a", "feed.ndjson#b")
    one = invoke("diff", f"{feed}#a", f"{feed}#b", "-f", "json")
    assert one.exit_code == 0 and one.stderr == ""
    assert json.loads(one.stdout) == pair


def test_a_folder_without_documents_says_what_it_held(tmp_path):
    """A folder of news-please .json files gave "0 documents read" and nothing else: easy to take
    for "no near-duplicates". It now says which files were left out, and how to read them."""
    for name in ("a.json", "b.json", "paper.pdf", "LICENSE"):
        (tmp_path / name).write_text("{}")
    (tmp_path / ".hidden.json").write_text("{}")
    result = invoke("report", tmp_path, "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)["documents"]) == (0, [])
    assert result.stderr == (
        "dedup: no documents found; files left out by their suffix: 2 .json, 1 (no suffix), 1 .pdf (folders give "
        ".txt .text .md .markdown .html .htm .xhtml .mhtml .mht .jsonl .ndjson .warc .warc.gz files; a file named on the "
        "command line is read as text)\n"
    )
    (tmp_path / "a.txt").write_text("An article.")
    assert invoke("report", tmp_path).stderr == ""  # documents were found: the rest is no news
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("report", empty).stderr == ""


@pytest.mark.parametrize("where", ["missing/report.json", "seed_a.txt/report.json"])
def test_an_output_in_no_folder_is_refused_before_the_run(tmp_path, where):
    """-o into a folder that does not exist fails at once, not after a run whose report is then lost."""
    shutil.copy(SEED_A, tmp_path / "seed_a.txt")
    folder = where.rsplit("/", 1)[0]
    proc = subprocess.run([sys.executable, "-m", "dedup", "report", str(SEED_A), str(SEED_B), "-o", where],
                          capture_output=True, text=True, cwd=tmp_path, stdin=subprocess.DEVNULL)
    reason = f"no folder {folder}" if folder == "missing" else f"{folder} is not a folder"
    assert (proc.returncode, proc.stderr, proc.stdout) == (2, f"dedup: cannot write {where}: {reason}\n", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed_a.txt"]


def test_a_writable_report_in_a_folder_the_user_may_not_write_is_still_replaced():
    """The report file is written beside itself and renamed; where the folder is not the user's
    (a shared report, writable by all, in a read-only folder) it is written in place, as before."""
    dedup, folder = dedup_as_nobody()  # root writes everywhere: run as nobody
    try:
        shared = folder / "report.md"
        shared.write_text("the last report\n")
        shared.chmod(0o666)
        proc = dedup("report", str(SEED_A), str(SEED_B), "-o", str(shared))
        written = shared.read_text(encoding="utf-8")
        left = sorted(p.name for p in folder.iterdir())
    finally:
        shutil.rmtree(folder)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert written.startswith("## dedup report") and left == ["report.md"]


# --------------------------------------------------------------------------- - is standard input


def _dedup(*args, input: bytes = b"", env: dict | None = None, cwd: Path | None = None, stdin=None):
    """The real command, with ``input`` (or the file ``stdin``) on its standard input."""
    feed = {"stdin": stdin} if stdin is not None else {"input": input}
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, timeout=300,
                          env={**os.environ, **(env or {})}, cwd=cwd, **feed)


def _page(text: str) -> bytes:
    """``text`` as a web page, a paragraph per <p>."""
    import html

    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n"))
    return f"<!DOCTYPE html>\n<html><head><title>t</title></head><body>\n{paragraphs}</body></html>\n".encode()


def test_diff_reads_a_side_from_standard_input():
    """`curl -s URL | dedup diff - saved.txt`: it was "-: no such file or folder"."""
    files = json.loads(_dedup("diff", SEED_A, SEED_B, "-f", "json").stdout)
    for args, names in ((("-", SEED_B), ("-", SEED_B.name)), ((SEED_B, "-"), (SEED_B.name, "-"))):
        done = _dedup("diff", *args, "-f", "json", input=SEED_A.read_bytes())
        assert (done.returncode, done.stderr) == (0, b"")
        pair = json.loads(done.stdout)
        assert (pair["a"], pair["b"]) == names
    assert pair["diff"] == json.loads(_dedup("diff", SEED_B, SEED_A, "-f", "json").stdout)["diff"]
    one = json.loads(_dedup("diff", "-", SEED_B, "-f", "json", input=SEED_A.read_bytes()).stdout)
    assert {k: v for k, v in one.items() if k != "a"} == {k: v for k, v in files.items() if k != "a"}
    shown = _dedup("diff", "-", SEED_B, input=SEED_A.read_bytes(), env={"COLUMNS": "80"}).stdout.decode()
    assert shown.splitlines()[:3] == [f"- ↔ {SEED_B.name}", "  A -", f"  B {SEED_B.name}"]
    md = _dedup("diff", SEED_B, "-", "-f", "md", input=SEED_A.read_bytes()).stdout.decode()
    assert f"### `{SEED_B.name}` ↔ `-`" in md and "- B: `-`" in md


def test_diff_of_standard_input_takes_a_page_for_html(tmp_path):
    text = prose(3, paragraphs=5)
    (tmp_path / "saved.txt").write_text(text, encoding="utf-8")
    fragment = "".join(f"<p>{p}</p>" for p in text.split("\n\n")).encode()
    for page in (_page(text), b"\xef\xbb\xbf \n" + _page(text), fragment):
        done = _dedup("diff", "-", tmp_path / "saved.txt", "-f", "json", input=page)
        assert done.returncode == 0, done.stderr
        pair = json.loads(done.stdout)
        assert pair["jaccard"] == 1.0 and {r["op"] for r in pair["diff"]} == {"equal"}
    # the markup read as text is words of its own
    as_text = json.loads(_dedup("diff", "-", tmp_path / "saved.txt", "-f", "json", "--stdin-format", "text",
                                input=_page(text)).stdout)
    assert as_text["jaccard"] < 1.0
    # prose that starts with "<" is text, not a page whose "tags" vanish
    note = "<grin> I said so, and <a nice day> it was.\n\n"
    pair = json.loads(_dedup("diff", "-", tmp_path / "saved.txt", "-f", "json", input=(note + text).encode()).stdout)
    assert pair["diff"][0]["a"] == {"index": 0, "start": 0, "end": len(note.strip())}


def test_diff_of_standard_input_as_markdown(tmp_path):
    """Markdown cannot be told from text: --stdin-format md says it is."""
    (tmp_path / "saved.txt").write_text("The Title\n\n" + prose(4, paragraphs=4), encoding="utf-8")
    paragraphs = prose(4, paragraphs=4).split("\n\n")
    markdown = ("# The Title\n\n" + "\n\n".join(f"*{p}*" for p in paragraphs)).encode()
    md = json.loads(_dedup("diff", "-", tmp_path / "saved.txt", "-f", "json", "--stdin-format", "md",
                           input=markdown).stdout)
    assert md["jaccard"] == 1.0 and {r["op"] for r in md["diff"]} == {"equal"}
    sniffed = json.loads(_dedup("diff", "-", tmp_path / "saved.txt", "-f", "json", input=markdown).stdout)
    assert sniffed["diff"][0]["a"] == {"index": 0, "start": 0, "end": len("# The Title")}  # text: the marks stay
    done = _dedup("diff", SEED_A, SEED_B, "--stdin-format", "md")
    assert done.returncode == 2
    assert done.stderr.decode().splitlines()[0] == (
        "dedup: Invalid value for --stdin-format: is for a document on standard input, given as -."
    )


def test_diff_of_a_github_readme_on_standard_input(tmp_path):
    """cat README.md | dedup diff - saved.md: a README that opens with an HTML block (a centred
    logo) is Markdown, not HTML whose "#", "**" and "[...](...)" would be words of its text."""
    paragraphs = prose(5, paragraphs=4).split("\n\n")
    readme = ('<div align="center">\n  <img src="docs/logo.svg" width="160" alt="">\n</div>\n\n# The Widget\n\n'
              + "\n\n".join(f"**{p}** See [the docs](https://example.com/docs)." for p in paragraphs) + "\n")
    (tmp_path / "saved.md").write_text(readme, encoding="utf-8")
    sniffed = json.loads(_dedup("diff", "-", tmp_path / "saved.md", "-f", "json", input=readme.encode()).stdout)
    assert sniffed["jaccard"] == 1.0 and {r["op"] for r in sniffed["diff"]} == {"equal"}
    assert sniffed["diff"][0]["a"] == {"index": 0, "start": 0, "end": len("The Widget")}
    as_html = json.loads(_dedup("diff", "-", tmp_path / "saved.md", "-f", "json", "--stdin-format", "html",
                                input=readme.encode()).stdout)
    assert as_html["jaccard"] < 1.0

def test_diff_refuses_standard_input_twice():
    done = _dedup("diff", "-", "-", input=SEED_A.read_bytes())
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode().splitlines() == [
        "dedup: Invalid value for A B: - (standard input) is given twice; it can be read once, as A or as B.",
        "Try 'python -m dedup diff -h' for help.",
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b" \n\t\n", b"%PDF-1.4 binary", b"word \x01\x02\x03 " * 20, b"\xff\xfe\x00\xd8A"],
    ids=["empty", "whitespace", "pdf", "control-bytes", "bad-utf16"],
)
def test_standard_input_that_cannot_be_read_says_what_a_file_says(tmp_path, data):
    (tmp_path / "bad.txt").write_bytes(data)
    shutil.copy(SEED_B, tmp_path / "b.txt")
    from_file = _dedup("diff", "bad.txt", "b.txt", cwd=tmp_path)
    assert from_file.returncode == 2 and from_file.stderr.startswith(b"dedup: bad.txt: ")
    from_stdin = _dedup("diff", "-", SEED_B, input=data)
    assert (from_stdin.returncode, from_stdin.stdout) == (2, b"")
    assert from_stdin.stderr == from_file.stderr.replace(b"bad.txt: ", b"-: ")


def test_standard_input_over_max_bytes_is_refused(tmp_path):
    done = _dedup("diff", "-", SEED_B, "--max-bytes", "1000", input=SEED_A.read_bytes())
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == b"dedup: -: too large (over the 1000 bytes limit, see --max-bytes)\n"
    limit = len(SEED_B.read_bytes())
    exact = SEED_A.read_bytes().ljust(limit)
    done = _dedup("diff", "-", SEED_B, "--max-bytes", limit, input=exact)
    assert done.returncode == 0, done.stderr  # the limit itself is allowed, as for a file
    done = _dedup("diff", "-", SEED_B, "--max-bytes", limit, input=exact + b" ")
    assert done.stderr == f"dedup: -: too large (over the {limit / 1024:.1f} KiB limit, see --max-bytes)\n".encode()


@pytest.mark.parametrize(
    ("args", "what"), [(("diff", "-", SEED_B), "a document"), (("report", "-"), "JSONL records")]
)
def test_a_terminal_on_standard_input_is_refused_at_once(args, what):
    import pty

    main, child = pty.openpty()
    try:
        done = _dedup(*args, stdin=child)  # it used to wait for a document typed by hand (or say "no such file")
    finally:
        os.close(child)
        os.close(main)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == f"dedup: -: standard input is a terminal; pipe {what} into it\n"


def test_a_file_named_dash_is_dot_slash_dash(tmp_path):
    (tmp_path / "-").write_bytes(SEED_B.read_bytes())
    stdin = json.loads(_dedup("diff", "-", SEED_B, "-f", "json", input=SEED_A.read_bytes(), cwd=tmp_path).stdout)
    assert stdin["jaccard"] < 1.0  # standard input, not the file named -
    named = json.loads(_dedup("diff", "./-", SEED_B, "-f", "json", cwd=tmp_path).stdout)
    assert named["jaccard"] == 1.0


def test_diff_never_writes_over_the_document_on_standard_input(tmp_path):
    a = tmp_path / "a.txt"
    a.write_bytes(SEED_A.read_bytes())
    with a.open("rb") as fh:
        done = _dedup("diff", "-", SEED_B, "-o", a, stdin=fh)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == (
        f"dedup: --output {a} is the document on standard input (-); dedup does not write over documents: "
        "write the report elsewhere\n"
    )
    assert a.read_bytes() == SEED_A.read_bytes()


def _shard(*texts: str, bad: bool = True) -> bytes:
    """JSONL records ``{"id": "r<k>", "text": ...}``, and a line that is not JSON after the first."""
    lines = [json.dumps({"id": f"r{k}", "text": t}) for k, t in enumerate(texts)]
    if bad:
        lines.insert(1, "not json")
    return ("\n".join(lines) + "\n").encode()


def test_report_reads_jsonl_records_from_standard_input(tmp_path):
    """`zcat shard.jsonl.gz | dedup report -`: ids -#ID, bad lines -:LINE; the copy in TMPDIR is gone after."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    shard = _shard(SEED_A.read_text(encoding="utf-8"), prose(5), SEED_B.read_text(encoding="utf-8"))
    done = _dedup("report", "-", "-f", "json", input=shard, env={"TMPDIR": str(temp)})
    assert done.returncode == 0, done.stderr
    assert done.stderr == b"dedup: skipped -:2: invalid JSON (Expecting value at column 1)\n"
    report = json.loads(done.stdout)
    assert [d["id"] for d in report["documents"]] == ["-#r0", "-#r1", "-#r2"]
    assert report["skipped"] == [{"path": "-:2", "reason": "invalid JSON (Expecting value at column 1)"}]
    (pair,) = report["pairs"]
    assert (pair["a"], pair["b"]) == ("-#r0", "-#r2")
    # the same records in a file give the same report, under the file's name
    (tmp_path / "shard.jsonl").write_bytes(shard)
    from_file = json.loads(_dedup("report", tmp_path / "shard.jsonl", "-f", "json").stdout)
    assert from_file["pairs"][0]["diff"] == pair["diff"]
    assert list(temp.iterdir()) == []
    # the human report shows the records by those ids (it reads them again from the copy, before it goes)
    text = _dedup("report", "-", input=shard, env={"TMPDIR": str(temp), "COLUMNS": "80"}).stdout.decode()
    assert "  A -#r0\n  B -#r2\n" in text and "Learning to Love Kim's Bomb" in text
    assert list(temp.iterdir()) == []


def test_report_of_standard_input_and_a_folder(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED_A, folder / "a.txt")
    (folder / "other.txt").write_text(prose(6), encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    shard = _shard(SEED_B.read_text(encoding="utf-8"), prose(7), bad=False)
    done = _dedup("report", folder, "-", "-f", "json", "--no-diff", input=shard, env={"TMPDIR": str(temp)})
    assert (done.returncode, done.stderr) == (0, b"")
    report = json.loads(done.stdout)
    # the folder's ids are those it gets alone, not paths relative to a common parent with TMPDIR
    assert [d["id"] for d in report["documents"]] == ["-#r0", "-#r1", "a.txt", "other.txt"]
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("-#r0", "a.txt")]
    assert list(temp.iterdir()) == []


def test_report_refuses_standard_input_twice_and_on_the_ray_engine(tmp_path):
    twice = _dedup("report", "-", SEEDS, "-", input=b"{}\n")
    assert twice.returncode == 2
    assert twice.stderr.decode().splitlines()[0] == (
        "dedup: Invalid value for PATH: - (standard input) is given twice; it can be read once."
    )
    ray = _dedup("report", "-", "--engine", "ray", input=b"{}\n")
    assert (ray.returncode, ray.stdout) == (2, b"")
    assert ray.stderr.decode() == (
        "dedup: -: --engine ray reads files, not standard input (its workers open the documents themselves); "
        "save the records to a .jsonl file and give that\n"
    )


def test_the_copy_of_standard_input_is_removed_after_a_failed_run(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    temp = tmp_path / "tmp"
    temp.mkdir()
    shard = _shard(SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8"), bad=False)
    done = _dedup("report", "-", "-f", "json", "-o", "/dev/full", input=shard, env={"TMPDIR": str(temp)})
    assert (done.returncode, done.stderr) == (2, b"dedup: cannot write /dev/full: No space left on device\n")
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [("report", SEED_A, SEED_B, "-f", "json"), ("report", SEED_A, SEED_B), ("diff", SEED_A, SEED_B, "-f", "json"),
     ("diff", SEED_A, SEED_B, "-f", "md")],
)
def test_output_dash_is_standard_output(tmp_path, args):
    """`-o -` writes to stdout, as `-` reads stdin; it used to write a file named -. A file named - is ./-."""
    plain = _dedup(*args, cwd=tmp_path)
    dash = _dedup(*args, "-o", "-", cwd=tmp_path)
    assert (dash.returncode, dash.stderr) == (0, plain.stderr)
    assert dash.stdout == plain.stdout and dash.stdout
    assert list(tmp_path.iterdir()) == []
    named = _dedup(*args, "-o", "./-", cwd=tmp_path)
    assert (named.returncode, named.stdout) == (0, b"")
    assert [p.name for p in tmp_path.iterdir()] == ["-"]
    assert (tmp_path / "-").read_bytes().rstrip(b"\n") == plain.stdout.rstrip(b"\n")


def test_parquet_to_dash_is_refused():
    done = _dedup("report", SEED_A, "-f", "parquet", "-o", "-")
    assert (done.returncode, done.stdout) == (2, b"")
    assert "parquet is written by --engine ray into an --output folder" in done.stderr.decode()


@pytest.mark.parametrize("args", [("report", SEED_A, SEED_B), ("diff", SEED_A, SEED_B)])
def test_an_output_that_is_a_folder_is_refused_before_the_run(tmp_path, args):
    done = _dedup(*args, "-f", "json", "-o", tmp_path)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == f"dedup: cannot write {tmp_path}: it is a folder (give a file name)\n"
    assert list(tmp_path.iterdir()) == []


def test_diff_pairs_from_standard_input(tmp_path):
    """`other-tool | dedup diff --pairs -`: the pairs are read from stdin, the skip lines name it as -."""
    tsv = f"{SEED_A}\t{SEED_B}\nno tab here\n{SEED_B}\t{SEED_B}\n".encode()
    (tmp_path / "pairs.tsv").write_bytes(tsv)
    from_file = _dedup("diff", "--pairs", tmp_path / "pairs.tsv")
    piped = _dedup("diff", "--pairs", "-", input=tsv)
    assert (piped.returncode, piped.stdout) == (0, from_file.stdout)
    assert len(piped.stdout.splitlines()) == 2
    assert piped.stderr.decode() == "dedup: skipped -:2: expected two tab-separated paths, got 'no tab here'\n"
    out = tmp_path / "pairs.jsonl"
    written = _dedup("diff", "--pairs", "-", "-o", out, input=tsv)
    assert written.returncode == 0 and out.read_bytes() == from_file.stdout


def test_diff_pairs_from_a_terminal_is_refused_at_once():
    import pty

    main, child = pty.openpty()
    try:
        done = _dedup("diff", "--pairs", "-", stdin=child)
    finally:
        os.close(child)
        os.close(main)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == "dedup: -: standard input is a terminal; pipe the pairs into it\n"


@pytest.mark.parametrize(
    ("files", "cpus"),
    [
        ({}, 8),  # no cgroup files: the affinity
        ({"cpu.max": "max 100000\n"}, 8),  # cgroup v2, no limit
        ({"cpu.max": "200000 100000\n"}, 2),  # docker run --cpus 2
        ({"cpu.max": "150000 100000\n"}, 2),  # --cpus 1.5: rounded up
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu.max": "1600000 100000\n"}, 8),  # a quota above the affinity: the affinity
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),  # cgroup v1
        ({"cpu,cpuacct/cpu.cfs_quota_us": "-1\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 8),  # v1, no limit
        ({"cpu.max": "garbage\n"}, 8),
    ],
)
def test_workers_default_to_the_cpus_the_process_may_use(tmp_path, monkeypatch, files, cpus):
    """--workers 0 (report's default) counted os.cpu_count(), the host's cores: in a container
    limited to 2 CPUs on a 64-core host that was 64 processes, each with its own memory."""
    from dedup.cli import usable_cpus

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert usable_cpus(str(tmp_path)) == cpus

