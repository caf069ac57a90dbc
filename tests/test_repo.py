"""The repository side: globs, settings files, git plumbing."""

from __future__ import annotations

import subprocess

import pytest

from dedup.errors import UsageError
from dedup.repo import (
    Settings, blob_id, blob_sizes, default_index, git_blobs, git_root, glob_regex, load_settings, tracked,
)
from tests.helpers import git, make_repo


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("seeds/**", ["seeds/a.txt", "seeds/x/y.md"], ["seedsx/a.txt", "a/seeds/b.txt"]),
        ("seeds/", ["seeds/a.txt", "seeds/x/y.md"], ["seeds.txt"]),
        ("*.md", ["a.md", "docs/deep/a.md"], ["a.md.txt", "a.txt"]),
        ("docs/*.md", ["docs/a.md"], ["docs/x/a.md", "a.md"]),
        ("**/draft-*.txt", ["draft-1.txt", "a/b/draft-x.txt"], ["a/final.txt"]),
        ("a/**/b.txt", ["a/b.txt", "a/x/y/b.txt"], ["b.txt", "ab.txt"]),
        ("file?.txt", ["file1.txt"], ["file10.txt", "file/.txt"]),
        ("[ab].txt", ["a.txt", "x/b.txt"], ["c.txt"]),
        ("[!ab].txt", ["c.txt"], ["a.txt", "/.txt"]),
        ("/top.txt", ["top.txt"], ["x/top.txt"]),
        ("data.jsonl#*", ["data.jsonl#1", "x/data.jsonl#k"], ["data.jsonl"]),
        ("a+b (1).txt", ["a+b (1).txt"], ["aab (1).txt"]),
    ],
)
def test_glob_patterns(pattern, matches, misses):
    regex = glob_regex(pattern)
    for path in matches:
        assert regex.match(path), (pattern, path)
    for path in misses:
        assert not regex.match(path), (pattern, path)


def test_settings_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dedup]\ninclude = ["seeds/**"]\nexclude = ["seeds/old/"]\n'
        'accepted = [["seeds/a.txt", "seeds/b.txt"]]\n'
    )
    settings = load_settings(str(tmp_path))
    assert settings.include == ("seeds/**",)
    assert settings.exclude == ("seeds/old/",)
    assert settings.accepted == (("seeds/a.txt", "seeds/b.txt"),)
    assert settings.source.endswith("pyproject.toml [tool.dedup]")


def test_settings_from_dedup_toml_when_pyproject_has_none(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / ".dedup.toml").write_text('accepted = [["a.md", "b.md"]]\n')
    assert load_settings(str(tmp_path)).accepted == (("a.md", "b.md"),)


def test_no_settings_file_means_defaults(tmp_path):
    assert load_settings(str(tmp_path)) == Settings()


def test_settings_from_a_config_file(tmp_path):
    (tmp_path / "elsewhere.toml").write_text('exclude = ["*.html"]\n')
    assert load_settings(str(tmp_path), config_file=tmp_path / "elsewhere.toml").exclude == ("*.html",)
    with pytest.raises(UsageError, match="--config: no such file"):
        load_settings(str(tmp_path), config_file=tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accepted = [['a.txt']]\n", "accepted must be a list of pairs of paths"),
        ("accepted = 'a.txt b.txt'\n", "accepted must be a list of pairs of paths"),
        ("include = 'seeds/**'\n", "include must be a list of glob patterns"),
        ("exclude = [1]\n", "exclude must be a list of glob patterns"),
        ("acepted = []\n", "unknown key 'acepted'"),
        ("accepted = [[\n", "is not valid TOML"),
    ],
)
def test_malformed_settings_name_the_file_and_the_fix(tmp_path, text, message):
    (tmp_path / ".dedup.toml").write_text(text)
    with pytest.raises(UsageError, match=message) as err:
        load_settings(str(tmp_path))
    assert ".dedup.toml" in str(err.value)


def test_git_plumbing(tmp_path):
    repo = make_repo(
        tmp_path / "repo",
        {"a.txt": "alpha\n", "sub/b.md": "beta\n", "same.txt": "alpha\n", "odd name é.txt": "x"},
    )
    (repo / "untracked.txt").write_text("not staged")
    (repo / "link.txt").symlink_to("a.txt")
    git(repo, "add", "link.txt")
    assert git_root(repo / "sub") == str(repo.resolve())
    assert git_root(tmp_path) is None
    files = tracked(str(repo))
    assert sorted(files) == ["a.txt", "odd name é.txt", "same.txt", "sub/b.md"]  # no symbolic link, no untracked
    assert files["a.txt"] == files["same.txt"] == blob_id(b"alpha\n")
    expected = subprocess.run(["git", "hash-object", "--stdin"], input=b"alpha\n", capture_output=True).stdout
    assert blob_id(b"alpha\n") == expected.decode().strip()
    blobs = dict(git_blobs(str(repo), [files["sub/b.md"], files["a.txt"], "0" * 40]))
    assert blobs == {files["sub/b.md"]: b"beta\n", files["a.txt"]: b"alpha\n", "0" * 40: None}
    assert blob_sizes(str(repo), [files["sub/b.md"], files["odd name é.txt"], "0" * 40]) == {
        files["sub/b.md"]: 5, files["odd name é.txt"]: 1
    }
    assert blob_sizes(str(repo), []) == {}


def test_the_default_index_is_in_the_git_directory_or_the_cache(tmp_path):
    repo = make_repo(tmp_path / "repo", {"a.txt": "alpha\n"})
    assert default_index(str(repo), git=True, cache_dir=tmp_path / "cache") == str(
        repo / ".git" / "dedup" / "index.sqlite"
    )
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    # worktrees share one index, in the common git directory
    assert default_index(str(tmp_path / "wt"), git=True, cache_dir="/c") == str(repo / ".git" / "dedup" / "index.sqlite")
    assert default_index(str(tmp_path), git=False, cache_dir=tmp_path / "cache") == str(
        tmp_path / "cache" / "dedup" / "index.sqlite"
    )
