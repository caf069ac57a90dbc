"""Shared test helpers: the seeds, a generator of unrelated prose, the dev set path."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_A = SEEDS / "000_900e872972fded2f.txt"
SEED_B = SEEDS / "002_cc041bda5f211d21.txt"
# The labelled development set lives beside the project; tests that use it skip without it.
DEV = ROOT.parent / "shared" / "data" / "dev"

WORDS = (
    "the a of to and in that for is on with as was by at from his her their government minister said year "
    "people city police court market company report week new first last two three million percent after "
    "before while during officials state national public health school water energy price plan law vote "
    "election president council bank trade war peace talks border river bridge road train airport storm "
    "fire flood crop farmer worker union strike museum artist film music team coach player season match "
    "goal league title record study scientist data climate ocean forest species island village province"
).split()


def prose(seed: int, paragraphs: int = 8, words: int = 60) -> str:
    """Deterministic unrelated prose: different seeds share (almost) no 5-grams."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        w = [rng.choice(WORDS) for _ in range(words)]
        w[0] = w[0].capitalize()
        paras.append(" ".join(w) + ".")
    return "\n\n".join(paras)


# --------------------------------------------------------------------------- throw-away git repositories

import os  # noqa: E402
import subprocess  # noqa: E402

#: Environment variables git sets for hooks: a test run from inside a hook must not inherit them.
GIT_ENV = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; returns stdout, raises on failure."""
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in GIT_ENV},
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def make_repo(path: Path, files: dict[str, str | bytes], *, commit: bool = True) -> Path:
    """A git repository at ``path`` holding ``files`` (name -> text), committed unless told not to."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    write(path, files)
    if files:
        git(path, "add", "-A")
        if commit:
            git(path, "commit", "-q", "-m", "corpus")
    return path


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


# --------------------------------------------------------------------------- an unprivileged user

import functools  # noqa: E402
import shutil  # noqa: E402
import site  # noqa: E402
import sys  # noqa: E402

#: The user and group that tests run as when permissions must stop a read (nobody, nogroup).
NOBODY = 65534


@functools.cache
def unprivileged() -> tuple[str, dict[str, str]] | None:
    """``(python, env)`` that run ``python -m dedup`` as :data:`NOBODY`, or None when impossible.

    Tests run as root in CI, and root reads every file whatever its permission bits, so a
    test of an unreadable file runs the command as nobody (``subprocess.run(..., user=NOBODY,
    group=NOBODY)``). The virtualenv's interpreter may live where nobody cannot reach it (under
    /root): then another interpreter of the same version is used, with this checkout and the
    virtualenv's packages on PYTHONPATH. Inputs must sit in world-traversable folders.
    """
    if os.name != "posix":
        return None
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *site.getsitepackages()])
    if os.geteuid() != 0:
        return sys.executable, env  # already a user that permissions stop
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, os.path.realpath(sys.executable), shutil.which(f"python{version}"),
                  f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    probe = "import dedup.cli, numpy, rapidfuzz, rich, selectolax.lexbor, typer, charset_normalizer, datasketch"
    for python in dict.fromkeys(c for c in candidates if c):
        try:
            done = subprocess.run([python, "-c", probe], user=NOBODY, group=NOBODY, extra_groups=[], env=env,
                                  cwd="/", capture_output=True)
        except OSError:
            continue
        if done.returncode == 0:
            return python, env
    return None



def dedup_as_nobody() -> tuple[Callable[..., subprocess.CompletedProcess], Path]:
    """``(dedup, folder)``: ``dedup(*args)`` runs ``python -m dedup *args`` as :data:`NOBODY` in
    ``folder``, a new world-traversable temporary folder that the caller removes. Skips the test
    where no interpreter can run as nobody (root's permissions cannot be observed otherwise)."""
    import tempfile

    import pytest

    found = unprivileged()
    if found is None:
        pytest.skip("no interpreter the unprivileged user can run: permissions cannot be observed as root")
    python, env = found
    user = {"user": NOBODY, "group": NOBODY, "extra_groups": []} if os.geteuid() == 0 else {}
    folder = Path(tempfile.mkdtemp(prefix="dedup-nobody-"))
    folder.chmod(0o755)  # nobody may read and enter it, not create files in it

    def dedup(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([python, "-m", "dedup", *args], capture_output=True, text=True, cwd=folder, env=env, **user)

    return dedup, folder
