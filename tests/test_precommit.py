"""The hook as other repositories use it: the real pre-commit in throw-away git repositories.

pre-commit installs a ``language: python`` hook into a virtualenv of its own, from a git
repository at a ``rev``. The session fixtures copy the project as it is now (uncommitted
changes included) into a throw-away repository, commit it, and share one PRE_COMMIT_HOME,
so that environment is built once per test session (pip needs PyPI, or its cache).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, ROOT, SEED_A, SEED_B, prose, write

A, B = SEED_A.name, SEED_B.name
TEXT_A, TEXT_B = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
SEED_LINE = f"{B}: near-duplicate of {A} (jaccard 0.86, containment 0.93)"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture(scope="session")
def env(tmp_path_factory) -> dict[str, str]:
    """An environment of our own: one PRE_COMMIT_HOME, no user git config, no hook variables."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n[advice]\n\tdetachedHead = false\n"
    )
    out = {k: v for k, v in os.environ.items() if k not in GIT_ENV and not k.startswith("PRE_COMMIT")}
    out |= {
        "PRE_COMMIT_HOME": str(home / "cache"),
        "PRE_COMMIT_COLOR": "never",
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return out


def sh(cwd: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def pre_commit(cwd: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return sh(cwd, env, sys.executable, "-m", "pre_commit", *args, check=check)


@pytest.fixture(scope="session")
def project(tmp_path_factory, env) -> tuple[Path, str]:
    """A throw-away git repository holding the project's files as they are now, and its commit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True
    )
    if listed.returncode != 0:
        pytest.skip("the project is not a git checkout")
    dest = tmp_path_factory.mktemp("project")
    for name in filter(None, listed.stdout.split(b"\0")):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # not a file deleted in the working tree
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    sh(dest, env, "git", "init", "-q")
    sh(dest, env, "git", "add", "-A")
    sh(dest, env, "git", "commit", "-q", "--no-verify", "-m", "the project as tested")
    return dest, sh(dest, env, "git", "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def hooked(project, env, tmp_path_factory):
    """Make a repository whose commits run the dedup hook; the hook's environment is built once."""
    path, rev = project
    config = f"repos:\n  - repo: {path.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: dedup\n"
    scratch = tmp_path_factory.mktemp("install")
    sh(scratch, env, "git", "init", "-q")
    (scratch / ".pre-commit-config.yaml").write_text(config)
    pre_commit(scratch, env, "install-hooks")  # builds the virtualenv: pip installs the project and its dependencies

    def make(where: Path, files: dict[str, str]) -> Path:
        where.mkdir()
        sh(where, env, "git", "init", "-q")
        write(where, {".pre-commit-config.yaml": config, **files})
        pre_commit(where, env, "install")
        sh(where, env, "git", "add", "-A")
        sh(where, env, "git", "commit", "-q", "-m", "the corpus")  # the hook runs, and passes
        return where

    return make


def commit(repo: Path, env: dict[str, str], files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    write(repo, files)
    sh(repo, env, "git", "add", *files)
    return sh(repo, env, "git", "commit", "-m", "add", check=False)


def test_a_commit_adding_a_version_is_refused(hooked, env, tmp_path):
    repo = hooked(tmp_path / "repo", {A: TEXT_A, "notes.md": prose(1)})
    done = commit(repo, env, {B: TEXT_B})
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "dedup (near-duplicate documents)" in output and "Failed" in output
    assert SEED_LINE in output.splitlines()
    assert sh(repo, env, "git", "rev-list", "--count", "HEAD").stdout.strip() == "1"
    assert sh(repo, env, "git", "diff", "--cached", "--name-only").stdout.split() == [B]  # still staged, untouched
    assert (repo / B).read_text(encoding="utf-8") == TEXT_B


@pytest.mark.parametrize("name", ["-notes.md", "--draft.txt", "-j.txt"])
def test_a_file_named_like_an_option_is_checked_as_a_file(hooked, env, tmp_path, name):
    """pre-commit passes a staged file at the root as it is named: it was an unknown option (exit 2,
    "No such option: -n"), or -j.txt the workers option, and the commit failed for no reason."""
    repo = hooked(tmp_path / "repo", {A: TEXT_A})
    write(repo, {name: TEXT_B, "unrelated.txt": prose(2)})
    sh(repo, env, "git", "add", "--", name, "unrelated.txt")
    done = sh(repo, env, "git", "commit", "-m", "add", check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{name}: near-duplicate of {A} (jaccard 0.86, containment 0.93)" in done.stderr.splitlines()
    (repo / name).write_text(prose(3))  # another text under the same name: a file, not an option, passes
    sh(repo, env, "git", "add", "--", name)
    done = sh(repo, env, "git", "commit", "-m", "add", check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_unrelated_document_commits(hooked, env, tmp_path):
    repo = hooked(tmp_path / "repo", {A: TEXT_A})
    done = commit(repo, env, {"unrelated.txt": prose(2), "page.html": f"<p>{prose(3)}</p>"})
    output = done.stdout + done.stderr  # git runs hooks with their output on stderr
    assert done.returncode == 0, output
    assert "dedup (near-duplicate documents)" in output and "Passed" in output


def test_an_acknowledged_pair_commits(hooked, env, tmp_path):
    pyproject = f'[tool.dedup]\naccepted = [["{A}", "{B}"]]\n'
    repo = hooked(tmp_path / "repo", {A: TEXT_A, "pyproject.toml": pyproject})
    done = commit(repo, env, {B: TEXT_B})
    assert done.returncode == 0, done.stdout + done.stderr
    # ... while a third version of the article is still stopped
    done = commit(repo, env, {"third.md": TEXT_B})
    assert done.returncode == 1
    assert f"third.md: near-duplicate of {A} (jaccard 0.86, containment 0.93)" in done.stderr.splitlines()
    assert f"third.md: near-duplicate of {B} (jaccard 1.00, containment 1.00)" in done.stderr.splitlines()


def test_all_files_agrees_with_the_commits_that_passed(hooked, env, tmp_path):
    """pre-commit hands the hook hidden Markdown and LICENSE-like files (plain-text to identify),
    which the corpus leaves out: each commit below passes, so --all-files passes too."""
    repo = hooked(tmp_path / "repo", {A: TEXT_A})
    for files in ({".github/ISSUE_TEMPLATE.md": TEXT_B}, {".github/PULL_REQUEST_TEMPLATE.md": TEXT_B},
                  {"COPYING.txt": prose(5)}, {"LICENSE": prose(5)}):
        done = commit(repo, env, files)
        assert done.returncode == 0, done.stdout + done.stderr
    done = pre_commit(repo, env, "run", "--all-files", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dedup (near-duplicate documents)" in done.stdout and "Passed" in done.stdout


def test_a_saved_web_page_of_a_tracked_html_is_refused(hooked, env, tmp_path):
    from tests.test_mhtml import PAGE, chrome

    repo = hooked(tmp_path / "repo", {"story.html": PAGE})
    done = commit(repo, env, {"saved/story.mhtml": chrome()})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "saved/story.mhtml: near-duplicate of story.html (jaccard 1.00, containment 1.00)" in done.stderr.splitlines()


def test_a_jsonl_record_that_reprints_a_tracked_one_is_refused(hooked, env, tmp_path):
    import json

    repo = hooked(tmp_path / "repo", {"feed.jsonl": json.dumps({"id": "x", "text": TEXT_A}) + "\n"})
    done = commit(repo, env, {"crawl.ndjson": json.dumps({"id": "y", "text": TEXT_B}) + "\n"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "crawl.ndjson#y: near-duplicate of feed.jsonl#x (jaccard 0.86, containment 0.93)" in done.stderr.splitlines()


def test_a_web_archive_page_that_reprints_a_tracked_article_is_refused(hooked, env, tmp_path):
    """identify tags a .warc.gz binary and gzip: the hook is given it all the same, and names the page."""
    import html

    from tests.warcs import URI, page, response, warc

    paragraphs = [html.escape(p) for p in TEXT_B.split("\n\n") if p.strip()]
    repo = hooked(tmp_path / "repo", {A: TEXT_A})
    done = commit(repo, env, {"crawl.warc.gz": warc([response(URI, page(paragraphs[0], paragraphs[1:]))], gz=True)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert any(line.startswith(f"crawl.warc.gz#{URI}: near-duplicate of {A} (jaccard ")
               for line in (done.stdout + done.stderr).splitlines()), done.stdout + done.stderr


def test_the_hook_is_given_every_type_dedup_reads_and_no_other():
    import re

    from dedup.document import SUFFIXES

    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    pattern = re.compile(re.search(r"^  files: (.+)$", manifest, re.M)[1])
    for suffix in SUFFIXES:
        assert pattern.search(f"dir/name{suffix}") and pattern.search(f"NAME{suffix.upper()}"), suffix
    for name in ("LICENSE", "NEWS", "a.py", "a.txt.gz", "a.json", "a.mdx", "txt", "a.mhtml.gz", "a.mhtm", "a.mhtmlx",
                 "a.warc.bz2", "a.gz", "a.wat.gz"):
        assert not pattern.search(name), name


@pytest.mark.parametrize("name", ["page.mhtml", "page.MHT"])
def test_pre_commit_gives_the_hook_saved_web_pages(tmp_path, name):
    """identify has no tag for MHTML: a saved page is "text" (its first KB is ASCII MIME headers), one
    of the hook's types_or, so the file name decides, as for JSONL."""
    import re

    identify = pytest.importorskip("identify.identify")
    from tests.test_mhtml import chrome, internet_explorer

    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    types_or = {t.strip() for t in re.search(r"^  types_or: \[(.+)\]$", manifest, re.M)[1].split(",")}
    (tmp_path / name).write_bytes(chrome() if name.endswith("mhtml") else internet_explorer())
    assert identify.tags_from_path(str(tmp_path / name)) & types_or == {"text"}


def test_try_repo_all_files(project, env, tmp_path):
    """`pre-commit try-repo` builds the hook's environment in a store of its own: one run, ~15 s."""
    path, _ = project
    repo = tmp_path / "repo"
    repo.mkdir()
    sh(repo, env, "git", "init", "-q")
    write(repo, {A: TEXT_A, B: TEXT_B, "third.md": TEXT_B, "other.md": prose(4)})
    write(repo, {".dedup.toml": f'accepted = [["{A}", "{B}"]]\n'})
    sh(repo, env, "git", "add", "-A")
    done = pre_commit(repo, env, "try-repo", str(path), "dedup", "--all-files", check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    found = [line for line in done.stdout.splitlines() if ": near-duplicate of " in line]
    assert found == [
        f"third.md: near-duplicate of {A} (jaccard 0.86, containment 0.93)",
        f"third.md: near-duplicate of {B} (jaccard 1.00, containment 1.00)",
    ]


def test_the_project_dogfoods_its_hook(project, env, tmp_path):
    """The project's own .pre-commit-config.yaml (repo: local) checks seeds/ and accepts the seed pair."""
    venv_dedup = Path(sys.executable).parent / "dedup"
    if not venv_dedup.exists():
        pytest.skip("the tests do not run from a virtualenv with the dedup command")
    path, _ = project
    clone = tmp_path / "clone"
    sh(tmp_path, env, "git", "clone", "-q", str(path), str(clone))
    (clone / ".venv" / "bin").mkdir(parents=True)
    (clone / ".venv" / "bin" / "dedup").symlink_to(venv_dedup)
    done = pre_commit(clone, env, "run", "--all-files", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dedup (near-duplicate documents)" in done.stdout and "Passed" in done.stdout
    # without the acknowledgement the seed pair is reported
    pyproject = (clone / "pyproject.toml").read_text()
    (clone / "pyproject.toml").write_text(pyproject.replace("accepted = [", "accepted_not = [", 1).replace(
        "accepted_not = [[", "# accepted = [[", 1
    ))
    done = pre_commit(clone, env, "run", "--all-files", check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"seeds/{B}: near-duplicate of seeds/{A} (jaccard 0.86, containment 0.93)" in done.stdout.splitlines()
