"""Faults around ``dedup check``'s index: kill -9 mid-index, two runs at once, a full disk,
a read-only cache directory. The index is never left corrupt, and every run that finishes
gives the findings a clean run gives. And signals during ``dedup report`` (Ctrl-C, SIGTERM,
SIGHUP at each stage): one line, exit 128 + N, no worker, temporary file or half report left.

Where a run must be stopped at a given point, ``DEDUP_TEST_PAUSE_AFTER=N`` (read in cli.py)
makes it pause once N contents are indexed and committed (``DEDUP_TEST_PAUSE_AT=STAGE``: a
report, at a stage): it says so on stderr and waits for its stdin to close. No sleeps, no timing. The store-level faults (a kill inside a
transaction, concurrent writers, damaged files) are in tests/test_store.py and
tests/test_hook.py; these run the real command.
"""

from __future__ import annotations

import json
import os
import re
import resource
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dedup.cli import PAUSE_AT_ENV, PAUSE_ENV
from tests.helpers import GIT_ENV, NOBODY, ROOT, SEED_A, SEED_B, make_repo, prose, unprivileged, write

# A near-duplicate of corpus document 7 (one paragraph dropped, one added), checked in every test.
NEW = "\n\n".join(prose(7, paragraphs=6).split("\n\n")[1:]) + "\n\n" + prose(10_000, paragraphs=1)


def finding(path: str, other: str = "doc0007.txt") -> str:
    return f"{path}: near-duplicate of {other} (jaccard 0.71, containment 0.83)\n"


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in GIT_ENV and k not in (PAUSE_ENV, PAUSE_AT_ENV)}
    return env | {"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "xdg")} | extra


def dedup(*args: str, cwd: Path, env: dict[str, str], **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dedup", *args], cwd=cwd, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def paused(proc: subprocess.Popen) -> str:
    """Block until the run says it paused (the test hook); returns that line."""
    line = proc.stderr.readline()
    assert "paused after indexing" in line, line + proc.stderr.read()
    return line


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    if proc.stdin is not None and proc.stdin.closed:
        proc.stdin = None  # closed by the test to let a paused run go on
    out, err = proc.communicate()
    return proc.returncode, out, err


def integrity(index: Path) -> tuple[str, int]:
    conn = sqlite3.connect(index)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()


def corpus(n: int) -> dict[str, str]:
    return {f"doc{k:04d}.txt": prose(k, paragraphs=6) for k in range(n)}


# --------------------------------------------------------------------------- kill -9


@pytest.mark.slow
def test_kill_9_during_indexing_leaves_an_index_the_next_run_recovers(tmp_path):
    """A cold index of 1,300 documents (three transactions of 512) killed after the first one."""
    repo = make_repo(tmp_path / "repo", corpus(1300))
    write(repo, {"new.txt": NEW})
    env = environment(tmp_path)
    index = repo / ".git" / "dedup" / "index.sqlite"
    run = dedup("check", "new.txt", cwd=repo, env=env | {PAUSE_ENV: "512"})
    assert "indexing 512 of 1301" in paused(run)
    run.send_signal(signal.SIGKILL)
    assert finish(run)[0] == -signal.SIGKILL
    assert index.exists() and Path(str(index) + "-wal").exists()  # killed with its write-ahead log open
    copy = tmp_path / "copy"  # look at a copy: opening the index would recover it before the next run does
    copy.mkdir()
    for f in index.parent.iterdir():
        shutil.copy(f, copy / f.name)
    assert integrity(copy / index.name) == ("ok", 512)  # the first transaction is there, whole

    recovered = finish(dedup("check", "new.txt", cwd=repo, env=env))
    clean = finish(dedup("check", "new.txt", "--index", str(tmp_path / "clean.sqlite"), cwd=repo, env=env))
    assert recovered == clean == (1, finding("new.txt"), "")
    assert integrity(index) == ("ok", 1301)
    assert integrity(tmp_path / "clean.sqlite") == ("ok", 1301)
    # the recovering run kept the first run's 512 and read only the rest: pause a third run at once
    third = dedup("check", "new.txt", cwd=repo, env=env | {PAUSE_ENV: "0"})
    assert finish(third) == (1, finding("new.txt"), "")  # nothing left to index: never paused


# --------------------------------------------------------------------------- two runs at once


def test_two_checks_at_once_on_one_index_both_finish_right(tmp_path):
    """The second run starts while the first holds a half-built index (paused between two
    transactions); then both go on together, writing the same rows and the stat cache."""
    folder = tmp_path / "corpus"
    write(folder, corpus(700))
    write(tmp_path, {"new-a.txt": NEW, "new-b.txt": NEW + "\n\nAnd one more."})
    env = environment(tmp_path)
    index = tmp_path / "shared" / "index.sqlite"
    first = dedup("check", str(tmp_path / "new-a.txt"), "--against", str(folder), "--index", str(index),
                  cwd=tmp_path, env=env | {PAUSE_ENV: "512"})
    paused(first)
    second = dedup("check", str(tmp_path / "new-b.txt"), "--against", str(folder), "--index", str(index),
                   cwd=tmp_path, env=env)
    first.stdin.close()  # both run now
    a, b = finish(first), finish(second)
    assert a == (1, finding((tmp_path / "new-a.txt").as_posix()), "")
    assert b[0] == 1 and b[1].startswith(f"{(tmp_path / 'new-b.txt').as_posix()}: near-duplicate of doc0007.txt") and not b[2]
    assert integrity(index) == ("ok", 702)
    again = finish(dedup("check", str(tmp_path / "new-a.txt"), "--against", str(folder), "--index", str(index),
                         cwd=tmp_path, env=env))
    assert again == a


# --------------------------------------------------------------------------- a full disk, a read-only cache


# Runs under `unshare -m` (a mount namespace of its own, so no mount outlives the test): mounts a
# small tmpfs, runs the steps it is given, and prints what each gave as JSON.
_NAMESPACE = r"""
import hashlib, json, os, sqlite3, subprocess, sys
steps, out = json.loads(sys.argv[1]), []
for step in steps:
    kind, args = step[0], step[1:]
    if kind == "mount":
        subprocess.run(["mount", "-t", "tmpfs", "-o", args[1], "tmpfs", args[0]], check=True)
    elif kind == "remount":
        subprocess.run(["mount", "-o", "remount," + args[1], args[0]], check=True)
    elif kind == "run":
        done = subprocess.run([sys.executable, "-m", "dedup", *args], capture_output=True, text=True)
        out.append([done.returncode, done.stdout, done.stderr])
    elif kind == "index":
        files = sorted(f for f in os.listdir(os.path.dirname(args[0])))
        digest = hashlib.sha256(b"".join(open(os.path.join(os.path.dirname(args[0]), f), "rb").read() for f in files))
        # With a write-ahead log left behind, open it as the next run would (recovering the log);
        # else as immutable, which writes nothing, not even a -shm file.
        wal = os.path.exists(args[0] + "-wal")
        conn = sqlite3.connect(args[0] if wal else f"file:{args[0]}?immutable=1", uri=not wal)
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        conn.close()  # an open file would keep the file system from turning read-only
        out.append([check, rows, files, digest.hexdigest()])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def namespace():
    """How to run steps in a mount namespace of our own with a tmpfs, or skip saying why."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("mounting a small tmpfs needs root and unshare(1)")
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs", "tmpfs", "/mnt"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a new mount namespace here: {probe.stderr.strip()}")

    def run(steps: list, env: dict[str, str]) -> list:
        done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, "-c", _NAMESPACE,
                               json.dumps(steps)], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def check_args(tmp_path: Path, index: Path) -> list[str]:
    return ["check", str(tmp_path / "new.txt"), "--against", str(tmp_path / "corpus"), "--index", str(index)]


def full_disk_warning(index: Path, reason: str = "database or disk is full") -> str:
    return f"dedup: warning: cannot use the index {index} ({reason}): going on without keeping it\n"


def test_a_full_disk_gives_one_warning_the_right_findings_and_an_intact_index(tmp_path, namespace):
    write(tmp_path / "corpus", corpus(400))
    write(tmp_path, {"new.txt": NEW})
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    index = mnt / "dedup" / "index.sqlite"
    expected = finding((tmp_path / "new.txt").as_posix())
    full, after_full, roomy, after_roomy = namespace([
        ["mount", str(mnt), "size=256k"],  # the index of 401 documents needs about 2 MB
        ["run", *check_args(tmp_path, index)],
        ["index", str(index)],
        ["remount", str(mnt), "size=64m"],
        ["run", *check_args(tmp_path, index)],
        ["index", str(index)],
    ], environment(tmp_path))
    assert full == [1, expected, full_disk_warning(index)]
    assert after_full[:2] == ["ok", 0]  # nothing half-written: the failed transaction was rolled back
    assert roomy == [1, expected, ""]
    assert after_roomy[:2] == ["ok", 401]


def test_a_read_only_cache_directory_runs_without_keeping_the_index_and_leaves_it_alone(tmp_path, namespace):
    write(tmp_path / "corpus", corpus(60))
    write(tmp_path, {"new.txt": NEW, "other.txt": NEW + "\n\n" + prose(10_001, paragraphs=2)})
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    index = mnt / "dedup" / "index.sqlite"
    expected = finding((tmp_path / "new.txt").as_posix())
    env = environment(tmp_path, XDG_CACHE_HOME=str(mnt / "cache"))
    other = ["check", str(tmp_path / "other.txt"), "--against", str(tmp_path / "corpus"), "--index", str(index)]
    built, before, known, unknown, default, after = namespace([
        ["mount", str(mnt), "size=16m"],
        ["run", *check_args(tmp_path, index)],  # an index exists ...
        ["index", str(index)],
        ["remount", str(mnt), "ro"],  # ... then its file system turns read-only:
        ["run", *check_args(tmp_path, index)],  # everything known
        ["run", *other],  # a new content to keep
        ["run", "check", str(tmp_path / "new.txt"), "--against", str(tmp_path / "corpus")],  # $XDG_CACHE_HOME/dedup
        ["index", str(index)],
    ], env)
    assert built == [1, expected, ""] and before[:2] == ["ok", 61]
    # SQLite cannot open a WAL database where it cannot make its -shm file: the run goes on in memory
    assert known == [1, expected, full_disk_warning(index, "unable to open database file")]
    assert unknown == [1, finding((tmp_path / "other.txt").as_posix()).replace("0.71", "0.55"),
                       full_disk_warning(index, "unable to open database file")]
    assert default == [1, expected, full_disk_warning(mnt / "cache" / "dedup" / "index.sqlite", "read-only file system")]
    assert after == before  # not a byte changed


def test_a_cache_directory_the_user_cannot_write(tmp_path):
    """The same without mounts: run as nobody, whose cache folder is read-only to it."""
    found = unprivileged()
    if found is None:
        pytest.skip("no Python interpreter the unprivileged user can run was found (root writes everywhere)")
    python, env = found
    world = Path(tempfile.mkdtemp(prefix="dedup-faults-"))
    world.chmod(0o755)
    try:
        write(world / "corpus", corpus(30))
        write(world, {"new.txt": NEW})
        (world / "cache").mkdir(mode=0o555)
        for p in [world, *world.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        done = subprocess.run([python, "-m", "dedup", "check", str(world / "new.txt"), "--against", str(world / "corpus")],
                              env=env | {"XDG_CACHE_HOME": str(world / "cache")}, cwd=world, capture_output=True,
                              text=True, user=NOBODY, group=NOBODY, extra_groups=[])
        index = world / "cache" / "dedup" / "index.sqlite"
        assert (done.returncode, done.stdout) == (1, finding((world / "new.txt").as_posix())), done.stderr
        assert done.stderr == full_disk_warning(index, "permission denied")
        assert list((world / "cache").iterdir()) == []
        # a folder it cannot even reach is a one-line I/O error (exit 2), not an internal error
        hidden = tmp_path / "corpus"  # pytest's tmp_path is private to root
        done = subprocess.run([python, "-m", "dedup", "check", str(world / "new.txt"), "--against", str(hidden)],
                              env=env | {"XDG_CACHE_HOME": str(world / "cache")}, cwd=world, capture_output=True,
                              text=True, user=NOBODY, group=NOBODY, extra_groups=[])
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"dedup: --against: {hidden}: permission denied\n")
    finally:
        for p in [world, *world.rglob("*")]:
            p.chmod(0o755)
        shutil.rmtree(world)


def test_a_file_size_limit_mid_index_is_one_warning_and_an_intact_index(tmp_path):
    """Without a tmpfs: RLIMIT_FSIZE makes the index's writes fail (EFBIG) past 96 KiB, as a full disk would."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
        resource.setrlimit(resource.RLIMIT_FSIZE, (96 * 1024, 96 * 1024))

    write(tmp_path / "corpus", corpus(400))
    write(tmp_path, {"new.txt": NEW})
    index = tmp_path / "cache" / "index.sqlite"
    env = environment(tmp_path)
    code, out, err = finish(dedup(*check_args(tmp_path, index), cwd=tmp_path, env=env, preexec_fn=limit))
    assert (code, out) == (1, finding((tmp_path / "new.txt").as_posix()))
    assert err in (full_disk_warning(index), full_disk_warning(index, "disk I/O error")), err  # EFBIG: SQLITE_IOERR
    assert integrity(index) == ("ok", 0)
    assert finish(dedup(*check_args(tmp_path, index), cwd=tmp_path, env=env)) == (code, out, "")
    assert integrity(index) == ("ok", 401)


# --------------------------------------------------------------------------- signals during a report


#: A limit on waiting for a signalled run to end, so that a run the signal missed fails its test
#: instead of holding the suite until CI's own limit (never a way to wait for something).
SAFETY = 300


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (the forkserver, the pool's workers, the resource tracker), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def outlives(pid: int) -> bool:
    """Whether ``pid`` is still running a minute from now; returns as soon as it exits. The
    helpers end on their own once the main process has (the forkserver when its pipe closes)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return False
    try:
        return not select.select([fd], [], [], 60)[0]
    finally:
        os.close(fd)


def report_paused_at(stage: str, tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path, set[int]]:
    """``dedup report`` on 601 documents (two reading tasks, so a pool of two workers), paused by the
    test hook at ``stage``; in a session of its own, as a terminal's foreground job is in its group."""
    folder = tmp_path / "corpus"
    if not folder.exists():
        write(folder, corpus(600) | {"new.txt": NEW})
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = environment(tmp_path, TMPDIR=str(temp), **{PAUSE_AT_ENV: stage})
    run = dedup("report", str(folder), "--workers", "2", *args, cwd=tmp_path, env=env, start_new_session=True)
    line = run.stderr.readline()
    assert line == f"dedup: paused at {stage} (test hook {PAUSE_AT_ENV})\n", line + run.stderr.read()
    return run, temp, descendants(run.pid)


@pytest.mark.parametrize("stage", ["read", "diff"])
def test_only_the_main_thread_takes_the_stop_signals(tmp_path, stage):
    """The kernel gives a signal sent to the process to any thread that does not block it, and
    Python runs the handler in the main thread only: a SIGHUP taken by numpy's OpenBLAS thread left
    the main thread asleep, and the run paused for good (a clean-clone run hung on it). Every
    thread but the main one blocks SIGINT, SIGTERM and SIGHUP."""
    run, _, _ = report_paused_at(stage, tmp_path)
    try:
        masks = {}
        for task in Path(f"/proc/{run.pid}/task").iterdir():
            status = (task / "status").read_text()
            masks[int(task.name)] = int(re.search(r"^SigBlk:\s*([0-9a-f]+)$", status, re.M)[1], 16)
    finally:
        run.stdin.close()
        run.wait(timeout=SAFETY)
    stops = sum(1 << (signum - 1) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
    assert masks.pop(run.pid) & stops == 0  # the main thread takes them
    assert len(masks) >= 1 + (stage == "diff") * 3  # numpy's thread; in the diff stage, the pool's three
    assert {tid: mask & stops for tid, mask in masks.items()} == dict.fromkeys(masks, stops)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stage", "signum", "group", "message"),
    [
        ("read", signal.SIGINT, True, "interrupted"),  # Ctrl-C: the whole foreground group gets it
        ("diff", signal.SIGINT, True, "interrupted"),
        ("read", signal.SIGTERM, False, "terminated"),  # kill, timeout(1), a CI runner's cancel
        ("diff", signal.SIGTERM, False, "terminated"),
        ("read", signal.SIGTERM, True, "terminated"),  # systemd stopping a unit: every process of it
        ("diff", signal.SIGTERM, True, "terminated"),
        ("diff", signal.SIGHUP, True, "hung up"),  # the terminal or the ssh session went away
    ],
)
def test_a_signal_mid_run_cleans_up_and_says_so_in_one_line(tmp_path, stage, signum, group, message):
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    run, temp, processes = report_paused_at(stage, tmp_path, "-f", "json", "-o", str(output))
    assert len(processes) >= 3 and any(temp.iterdir())  # a forkserver, two workers; the run's temporary files
    if group:
        os.killpg(run.pid, signum)
    else:
        run.send_signal(signum)
    code = run.wait(timeout=SAFETY)  # stdin stays open: only the signal can end the pause
    err = run.stderr.read()
    run.stdin.close()
    assert (code, err, run.stdout.read()) == (128 + signum, f"dedup: {message}\n", "")
    assert [p for p in processes if outlives(p)] == []  # no worker left behind
    assert list(temp.iterdir()) == []  # nor a temporary file or folder
    assert list(output.parent.iterdir()) == []


def test_a_worker_killed_mid_run_is_an_error_not_a_hang(tmp_path):
    """The kernel's out-of-memory killer ends a worker (here ``kill -9`` on both): the tasks they held
    are lost, so the run stops with one line saying so (exit 2), where it used to wait forever for
    their results; the worker that the pool used to start in place of a dead one, nothing is left."""
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    run, temp, processes = report_paused_at("read", tmp_path, "-f", "json", "-o", str(output))
    kill_the_workers(run, processes)  # the run goes on, without workers: the diff stage's tasks can never be done
    code = wait_or_kill(run)  # without the fix the run never ends
    assert (code, run.stderr.read(), run.stdout.read()) == (
        2,
        "dedup: a worker process ended before the run did (killed by SIGKILL (out of memory?)); "
        "try fewer --workers, or --workers 1\n",
        "",
    )
    assert [p for p in processes if outlives(p)] == []
    assert list(temp.iterdir()) == []
    assert list(output.parent.iterdir()) == []


def test_a_worker_killed_after_the_last_result_leaves_the_report_whole(tmp_path):
    """Both workers die (``kill -9``) once every pair's rows are in, before the pool is closed: the
    results are whole, so the run ends as usual (exit 0, the same report as a run left alone). A
    dead worker may hold the lock the others need to take their stop signal: the pool is ended, not
    joined, which used to wait forever."""
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    run, temp, processes = report_paused_at("diff done", tmp_path, "-f", "json", "-o", str(output))
    kill_the_workers(run, processes)
    code = wait_or_kill(run)  # a hang would never end
    assert (code, run.stderr.read(), run.stdout.read()) == (0, "", "")
    alone = dedup("report", str(tmp_path / "corpus"), "--workers", "2", "-f", "json", cwd=tmp_path,
                  env=environment(tmp_path))
    expected, _ = alone.communicate()
    assert alone.returncode == 0 and json.loads(output.read_text()) == json.loads(expected)
    assert json.loads(expected)["pairs"]  # the corpus has pairs to diff
    assert [p for p in processes if outlives(p)] == []
    assert list(temp.iterdir()) == []


def test_the_resource_trackers_warnings_do_not_reach_the_user(tmp_path):
    """multiprocessing's resource tracker warns on stderr of the semaphores a process left when it
    ended ("1 leaked semaphore objects"), as one run in a few hundred stopped by a signal does.
    Here a semaphore name is registered and never released (at exit, in the main process): the
    tracker still unlinks what it can, and its warnings, meant for a developer, stay off the
    user's terminal, which shows only the report."""
    write(tmp_path / "corpus", corpus(600) | {"new.txt": NEW})  # two reading tasks: a pool, and its tracker
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(  # in the main process only: the variable is gone before any child starts
        "import atexit, os\n"
        "from multiprocessing import resource_tracker\n"
        "if os.environ.pop('DEDUP_TEST_LEAVE_A_SEMAPHORE', None):\n"
        "    atexit.register(resource_tracker.register, '/mp-dedup-test-left', 'semaphore')\n"
    )
    env = environment(tmp_path, DEDUP_TEST_LEAVE_A_SEMAPHORE="1")
    env["PYTHONPATH"] = f"{site}{os.pathsep}{env['PYTHONPATH']}"
    run = subprocess.run([sys.executable, "-m", "dedup", "report", "corpus", "--workers", "2", "--no-diff", "-f", "json"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert (run.returncode, run.stderr) == (0, "")
    assert json.loads(run.stdout)["documents"]  # the run itself went as usual


def kill_the_workers(run: subprocess.Popen, processes: set[int]) -> None:
    """``kill -9`` both workers of a paused run (the forkserver's children), then let it go on."""
    forkserver = [p for p in processes if (Path("/proc") / str(p) / "cmdline").read_bytes().find(b"forkserver") >= 0
                  and parent(p) == run.pid]
    workers = [p for p in processes if parent(p) in forkserver]
    assert len(forkserver) == 1 and len(workers) == 2, (forkserver, workers)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    run.stdin.close()


def wait_or_kill(run: subprocess.Popen) -> int:
    """The exit code of ``run``; it is killed (and the test fails) if it has not ended in 10 minutes.
    Not a timing assertion: a run that hangs never ends."""
    try:
        return run.wait(timeout=600)
    except subprocess.TimeoutExpired:
        run.kill()
        raise


def parent(pid: int) -> int | None:
    try:
        return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


# --------------------------------------------------------------------------- a report that cannot be finished


def test_an_output_that_cannot_be_written_whole_leaves_the_previous_report(tmp_path):
    """A full disk halfway through the report (RLIMIT_FSIZE, as above): exit 2 with one line, and
    the report that was at --output is still there, whole; nothing else is left beside it."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    output.write_text('{"version": 1, "previous": "run"}\n', encoding="utf-8")
    env = environment(tmp_path)
    code, out, err = finish(dedup("report", str(ROOT / "seeds"), "-o", str(output), cwd=tmp_path, env=env,
                                  preexec_fn=limit))
    assert (code, out, err) == (2, "", f"dedup: cannot write {output}: File too large\n")
    assert output.read_text(encoding="utf-8") == '{"version": 1, "previous": "run"}\n'
    assert sorted(p.name for p in output.parent.iterdir()) == ["report.json"]
    # with room, the report replaces it, with its permissions; a new one gets the umask's
    output.chmod(0o640)
    assert finish(dedup("report", str(ROOT / "seeds"), "-o", str(output), cwd=tmp_path, env=env))[:2] == (0, "")
    assert json.loads(output.read_text(encoding="utf-8"))["version"] == 1 and output.stat().st_mode & 0o777 == 0o640
    fresh = output.parent / "new.md"
    assert finish(dedup("report", str(ROOT / "seeds"), "-o", str(fresh), cwd=tmp_path, env=env,
                        preexec_fn=lambda: os.umask(0o027)))[:2] == (0, "")
    assert fresh.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in output.parent.iterdir()) == ["new.md", "report.json"]


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "group", "message"), [(signal.SIGINT, True, "interrupted"),
                                                           (signal.SIGTERM, False, "terminated")])
def test_a_signal_while_the_report_is_written_leaves_the_previous_report(tmp_path, signum, group, message):
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    output.write_text('{"version": 1, "previous": "run"}\n', encoding="utf-8")
    run, temp, processes = report_paused_at("write", tmp_path, "-f", "json", "-o", str(output))
    assert output.read_text(encoding="utf-8") == '{"version": 1, "previous": "run"}\n'  # the new one is elsewhere
    if group:
        os.killpg(run.pid, signum)
    else:
        run.send_signal(signum)
    code = run.wait(timeout=SAFETY)
    err = run.stderr.read()
    run.stdin.close()
    assert (code, err, run.stdout.read()) == (128 + signum, f"dedup: {message}\n", "")
    assert output.read_text(encoding="utf-8") == '{"version": 1, "previous": "run"}\n'
    assert sorted(p.name for p in output.parent.iterdir()) == ["report.json"]
    assert [p for p in processes if outlives(p)] == []
    assert list(temp.iterdir()) == []


@pytest.mark.parametrize("args", [["report", "-f", "text"], ["report", "-f", "json"], ["report", "-f", "md"],
                                  ["diff"], ["--version"]])
def test_stdout_on_a_full_disk_is_an_io_error(tmp_path, args):
    """/dev/full takes nothing (ENOSPC): exit 2 and one line, as for -o on a full disk, not an internal error."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    paths = {"report": [str(ROOT / "seeds")], "diff": [str(SEED_A), str(SEED_B)]}.get(args[0], [])
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "dedup", *args[:1], *paths, *args[1:]], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=environment(tmp_path), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "dedup: cannot write to stdout: No space left on device\n")


def test_a_terminal_that_is_not_utf8_shows_escapes_not_an_internal_error(tmp_path):
    """stdout a terminal whose encoding is Latin-1 (LANG=en_US.ISO-8859-1 on an older server):
    the seeds' curly quotes and bullets cannot be encoded; they show as \\uXXXX, and the run ends 0."""
    import pty

    main, child = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "dedup", "report", str(ROOT / "seeds")], stdin=subprocess.DEVNULL,
                           stdout=child, stderr=subprocess.PIPE, cwd=tmp_path,
                           env=environment(tmp_path, PYTHONIOENCODING="latin-1", COLUMNS="100"))
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert (run.wait(), run.stderr.read()) == (0, b"")
    assert b"\\u2022 More By Joshua Shifrinson" in shown


def test_a_full_tmpdir_is_an_io_error(tmp_path):
    """The workers hand their shingle sets over in files under TMPDIR; past RLIMIT_FSIZE (a full
    disk, as above) that is exit 2 and one line naming the folder, not an internal error."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    write(tmp_path / "corpus", corpus(600) | {"new.txt": NEW})
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = environment(tmp_path, TMPDIR=str(temp))
    code, out, err = finish(dedup("report", str(tmp_path / "corpus"), "--workers", "2", "-f", "json", cwd=tmp_path,
                                  env=env, preexec_fn=limit))
    assert (code, out) == (2, "")
    assert err == f"dedup: cannot write temporary files in {temp}: File too large (set TMPDIR to a folder with room)\n"
    assert list(temp.iterdir()) == []


# --------------------------------------------------------------------------- report - (its copy of stdin)


def _records(n: int) -> str:
    return "".join(json.dumps({"id": k, "text": prose(k, paragraphs=6)}) + "\n" for k in range(n))


@pytest.mark.parametrize(("signum", "message"), [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated")])
def test_a_signal_while_standard_input_is_copied_removes_the_copy(tmp_path, signum, message):
    """``zcat shard.jsonl.gz | dedup report -`` stopped (Ctrl-C) while the records are still coming:
    the copy of them in TMPDIR is removed, and the run says so in one line."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = environment(tmp_path, TMPDIR=str(temp), **{PAUSE_AT_ENV: "stdin"})
    run = dedup("report", "-", "-f", "json", cwd=tmp_path, env=env, start_new_session=True)
    run.stdin.write(_records(3))
    run.stdin.flush()  # the first records are copied; the copy waits for the rest
    line = run.stderr.readline()
    assert line == f"dedup: paused at stdin (test hook {PAUSE_AT_ENV})\n", line + run.stderr.read()
    assert [p.name.startswith("dedup-stdin-") for p in temp.iterdir()] == [True]
    os.killpg(run.pid, signum)
    code = run.wait(timeout=SAFETY)
    err = run.stderr.read()
    run.stdin.close()
    assert (code, err, run.stdout.read()) == (128 + signum, f"dedup: {message}\n", "")
    assert list(temp.iterdir()) == []


def test_a_full_tmpdir_while_standard_input_is_copied(tmp_path):
    """The copy of standard input cannot be written whole (RLIMIT_FSIZE, a full disk): exit 2 and
    one line naming TMPDIR, as for the run's other temporary files, and no copy left behind."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    temp = tmp_path / "tmp"
    temp.mkdir()
    records = _records(100)
    assert len(records.encode()) > 64 * 1024
    env = environment(tmp_path, TMPDIR=str(temp))
    done = subprocess.run([sys.executable, "-m", "dedup", "report", "-", "-f", "json"], input=records, text=True,
                          capture_output=True, cwd=tmp_path, env=env, preexec_fn=limit, timeout=300)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"dedup: cannot write temporary files in {temp}: File too large (set TMPDIR to a folder with room)\n"
    )
    assert list(temp.iterdir()) == []
