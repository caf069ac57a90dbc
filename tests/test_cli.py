"""The command line: JSON contract, exit codes, messages on stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dedup.cli import app
from tests.helpers import SEED_A, SEED_B, SEEDS

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


def test_skipped_files_are_named_on_stderr_and_the_run_goes_on(tmp_path):
    (tmp_path / "a.txt").write_text(SEED_A.read_text(encoding="utf-8"))
    (tmp_path / "b.txt").write_text(SEED_B.read_text(encoding="utf-8"))
    (tmp_path / "bad.txt").write_bytes(b"%PDF-1.4 binary")
    result = invoke("report", tmp_path, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == "dedup: skipped bad.txt: binary file (PDF document)\n"
    assert len(json.loads(result.stdout)["pairs"]) == 1


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
