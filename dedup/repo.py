"""The repository side of the hook: git plumbing, and the settings a repository holds.

Git is asked through its plumbing commands (``rev-parse``, ``ls-files -z``, ``cat-file
--batch``), never through porcelain whose output may change. Settings are read from
``[tool.dedup]`` of ``pyproject.toml`` or from ``.dedup.toml`` at the root::

    [tool.dedup]
    include = ["articles/**"]                       # only these files take part
    exclude = ["articles/drafts/"]                  # and not these
    accepted = [["articles/a.txt", "articles/a-reprint.txt"]]   # intended variants

Patterns are globs over POSIX paths relative to the root (see :func:`glob_regex`).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from dedup.errors import DedupError, UsageError

__all__ = [
    "SETTINGS_FILES",
    "Globs",
    "Settings",
    "blob_id",
    "blob_sizes",
    "default_index",
    "git_blobs",
    "git_root",
    "glob_regex",
    "load_settings",
    "selected",
    "tracked",
]

#: Where the settings are read from, first found wins: (file name, TOML table holding them).
SETTINGS_FILES = (("pyproject.toml", ("tool", "dedup")), (".dedup.toml", ()))


@dataclass(frozen=True, slots=True)
class Settings:
    """What a repository says about its corpus: globs of files to take and to leave out, and
    pairs of globs accepted as intended variants (never reported)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    accepted: tuple[tuple[str, str], ...] = ()
    source: str | None = None


# --------------------------------------------------------------------------- git plumbing


def _git(args: Sequence[str], cwd: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def git_root(cwd: str | os.PathLike[str]) -> str | None:
    """The top folder of the git working tree holding ``cwd``, or None (no git, or not in a repository)."""
    try:
        done = _git(["rev-parse", "--show-toplevel"], os.fspath(cwd))
    except OSError:
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return os.path.normpath(os.fsdecode(done.stdout.strip()))


def default_index(root: str, *, git: bool, cache_dir: str | os.PathLike[str]) -> str:
    """Where the index lives by default: ``<git common dir>/dedup/index.sqlite`` in a repository
    (shared by its worktrees), else ``<cache_dir>/dedup/index.sqlite``. Never in the working tree."""
    if git:
        done = _git(["rev-parse", "--git-common-dir"], root)
        if done.returncode == 0 and done.stdout.strip():
            common = os.path.join(root, os.fsdecode(done.stdout.strip()))
            return os.path.join(os.path.normpath(common), "dedup", "index.sqlite")
    return os.path.join(os.fspath(cache_dir), "dedup", "index.sqlite")


def tracked(root: str) -> dict[str, str]:
    """Path -> blob id of every regular file in the git index (what the commit will hold)."""
    done = _git(["ls-files", "--stage", "-z"], root)
    if done.returncode != 0:
        raise DedupError(f"git ls-files failed in {root}: {os.fsdecode(done.stderr).strip()}")
    out: dict[str, str] = {}
    for entry in done.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, oid, stage = meta.split(b" ")
        if stage != b"0" or mode not in (b"100644", b"100755"):  # unmerged, symbolic links, submodules
            continue
        out[os.fsdecode(path)] = oid.decode("ascii")
    return out


def git_blobs(root: str, oids: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """``(oid, contents)`` for each blob, through one ``git cat-file --batch``; None when missing."""
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )

    def feed() -> None:
        try:
            for oid in oids:
                proc.stdin.write(oid.encode("ascii") + b"\n")
        except BrokenPipeError:
            pass
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for oid in oids:
            header = proc.stdout.readline().split()
            if len(header) != 3:  # "<oid> missing"
                yield oid, None
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # the newline after the contents
            yield oid, data
    finally:
        proc.stdout.close()
        writer.join()
        proc.wait()


def blob_sizes(root: str, oids: Sequence[str]) -> dict[str, int]:
    """Blob id -> size in bytes, through one ``git cat-file --batch-check`` (no contents read);
    missing blobs are left out."""
    if not oids:
        return {}
    done = subprocess.run(
        ["git", "cat-file", "--batch-check"], cwd=root, input=b"".join(o.encode("ascii") + b"\n" for o in oids),
        capture_output=True, check=False,
    )
    out: dict[str, int] = {}
    for line in done.stdout.splitlines():
        fields = line.split()
        if len(fields) == 3:  # "<oid> <type> <size>", else "<oid> missing"
            out[fields[0].decode("ascii")] = int(fields[2])
    return out


def blob_id(data: bytes, *, sha256: bool = False) -> str:
    """The id git gives a blob of these bytes (``git hash-object``)."""
    h = hashlib.sha256() if sha256 else hashlib.sha1()
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


# --------------------------------------------------------------------------- settings and globs


def load_settings(root: str, *, config_file: str | os.PathLike[str] | None = None) -> Settings:
    """Read ``include``, ``exclude`` and ``accepted`` from ``config_file``, or else from the first
    of :data:`SETTINGS_FILES` found in ``root``. Raises UsageError for a malformed file.

    ``pyproject.toml`` holds them under ``[tool.dedup]``; any other file at its top level::

        [tool.dedup]
        include = ["articles/**"]
        accepted = [["articles/a.txt", "articles/a-reprint.txt"]]
    """
    if config_file is not None:
        name = os.fspath(config_file)
        table = ("tool", "dedup") if os.path.basename(name) == "pyproject.toml" else ()
        candidates = [(name, table, True)]
    else:
        candidates = [(os.path.join(root, n), t, False) for n, t in SETTINGS_FILES]
    for path, table, required in candidates:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            if required:
                raise UsageError(f"--config: no such file {path}") from None
            continue
        except OSError as err:
            raise UsageError(f"cannot read {path}: {(err.strerror or str(err)).lower()}") from err
        except tomllib.TOMLDecodeError as err:
            raise UsageError(f"{path} is not valid TOML: {err}") from err
        except UnicodeDecodeError as err:  # tomllib decodes the bytes first: TOML is UTF-8
            raise UsageError(f"{path} is not valid TOML: not UTF-8 (byte {err.start + 1})") from err
        for key in table:
            data = data.get(key, {})
        if table and not data:
            continue  # a pyproject.toml without [tool.dedup]
        return _parse_settings(data, f"{path}" + (f" [{'.'.join(table)}]" if table else ""))
    return Settings()


def _parse_settings(data: object, where: str) -> Settings:
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a table")
    unknown = sorted(set(data) - {"include", "exclude", "accepted"})
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (known: include, exclude, accepted)")

    def globs(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise UsageError(f"{where}: {key} must be a list of glob patterns, like [\"articles/**\"]")
        for v in value:
            glob_regex(v)
        return tuple(value)

    accepted = data.get("accepted", [])
    if not isinstance(accepted, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) and x for x in p) for p in accepted
    ):
        raise UsageError(f'{where}: accepted must be a list of pairs of paths, like [["a.txt", "b.txt"]]')
    for a, b in accepted:
        glob_regex(a), glob_regex(b)
    return Settings(globs("include"), globs("exclude"), tuple((a, b) for a, b in accepted), where)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over POSIX paths relative to the root, as a regex matching whole paths.

    ``*`` and ``?`` stay inside one folder name, ``**`` crosses folders (``docs/**``,
    ``**/draft-*.md``), ``[abc]``/``[!abc]`` are classes; a pattern without ``/`` matches
    the file name in any folder, a leading ``/`` anchors it at the root, and a trailing
    ``/`` means everything under that folder (as in ``.gitignore``).
    """
    anchored = pattern.startswith("/")
    pat = pattern.lstrip("/")
    if not pat:
        raise UsageError(f"empty glob pattern {pattern!r}")
    if pat.endswith("/"):
        pat += "**"
    elif "/" not in pat and not anchored:
        pat = "**/" + pat
    out, i = [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        elif pat[i] == "[" and "]" in pat[i + 2 :]:
            end = pat.index("]", i + 2)
            body = pat[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


class Globs:
    """Any of a list of globs (see :func:`glob_regex`)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.regexes = [glob_regex(p) for p in patterns]

    def __bool__(self) -> bool:
        return bool(self.regexes)

    def match(self, path: str) -> bool:
        return any(r.match(path) for r in self.regexes)


def selected(path: str, include: Globs, exclude: Globs) -> bool:
    """Whether ``path`` is taken: included (or no include given) and not excluded."""
    return (not include or include.match(path)) and not exclude.match(path)
