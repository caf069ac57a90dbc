"""The ``dedup`` command: the only place that prints or exits.

Exit codes: 0 clean; 1 near-duplicates found (``check``); 2 usage, configuration or
I/O error; 3 unexpected internal error; 128 + N when stopped by signal N (SIGINT, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import contextlib
import enum
import errno
import importlib
import io
import os
import secrets
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from dedup.errors import DedupError

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    html = "html"
    md = "md"
    parquet = "parquet"


#: The formats of one pair (``dedup diff``): Parquet tables are written by ``report --engine ray`` only.
PairFormat = enum.StrEnum("PairFormat", {f.name: f.value for f in Format if f is not Format.parquet})


class Engine(enum.StrEnum):
    local = "local"
    ray = "ray"


class StdinFormat(enum.StrEnum):
    """How ``dedup diff -`` reads the document on standard input (None: sniffed, HTML or text)."""

    text = "text"
    html = "html"
    md = "md"


#: The reader's format of each --stdin-format.
STDIN_FORMATS = {StdinFormat.text: "text", StdinFormat.html: "html", StdinFormat.md: "markdown"}


#: ``-o report.html`` alone picks the format from the file name.
SUFFIX_FORMATS = {
    ".json": Format.json,
    ".html": Format.html,
    ".htm": Format.html,
    ".md": Format.md,
    ".parquet": Format.parquet,
}

app = typer.Typer(
    name="dedup",
    help="Find the versions of one article in a folder and explain what separates them.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


class StandardInput(type(Path())):
    """The path argument ``-``: standard input, as for diff, cmp and git. A file named ``-`` is ``./-``,
    which ``Path`` would make ``-`` again: only this type tells them apart."""


#: How standard input is named in messages, ids and reports: as it was given.
STDIN = "-"


def _path(value: str) -> Path:
    """A path argument; an empty one (``"$UNSET"``) is an error, where ``Path("")`` would mean the current folder.
    ``-`` is :class:`StandardInput` (``report`` and ``diff`` read it; ``check`` takes it for a file name).

    Not click's path type: its readability check would make an unreadable path a usage error that
    stops the run, where the pipeline skips it with its reason like any other.
    """
    if not value:
        raise typer.BadParameter("an empty path (an unset variable?)")
    return StandardInput(value) if value == STDIN else Path(value)


def _output(value: str) -> Path | None:
    """An ``--output`` path; ``-`` is standard output, as for ``sort -o -`` and most tools that read ``-``
    as standard input (a file named ``-`` is ``./-``)."""
    return None if value == STDIN else _path(value)


def _reference(value: str) -> str | Path:
    """A path argument that may name a record (``crawl.jsonl#ID``), kept as given: ``Path`` folds
    the ``//`` of ``crawl.jsonl#https://example.com/a`` into one slash, an id no record has.
    Else a path, as :func:`_path` makes it (``-``: :class:`StandardInput`)."""
    return value if "#" in value else _path(value)


# Options shared by every command, declared once so they are spelled the same everywhere.
PathsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH",
        help="Files and folders of documents; - reads JSONL records from standard input.",
        show_default=False,
        parser=_path,
    ),
]
ThresholdOpt = Annotated[
    float, typer.Option("--threshold", min=0.0, max=1.0, help="Report a pair when its Jaccard reaches this.")
]
ContainmentOpt = Annotated[
    float,
    typer.Option(
        "--containment",
        min=0.0,
        max=1.0,
        help="Report a pair when one document is contained in the other at least this much (0 turns it off).",
    ),
]
NumPermOpt = Annotated[int, typer.Option("--num-perm", min=2, max=1024, help="MinHash permutations.")]
ShingleSizeOpt = Annotated[int, typer.Option("--shingle-size", min=1, max=32, help="Words per shingle.")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Seed of the MinHash permutations.")]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (terminal), json (the stable contract), html (one self-contained page), "
        "md (Markdown for an issue), parquet (report --engine ray: a folder of Parquet tables, for large runs). "
        "Default: from the --output file name, else text.",
        show_default=False,
    ),
]
PairFormatOpt = Annotated[
    PairFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (terminal), json (the stable contract), html (one self-contained page), "
        "md (Markdown for an issue). Default: from the --output file name, else text.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the report to this file instead of stdout (-: stdout).", parser=_output,
                 metavar="<file>"),
]
ReportOutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file (--format parquet: this new folder) instead of stdout (-: stdout).",
        parser=_output,
        metavar="<path>",
    ),
]
EngineOpt = Annotated[
    Engine,
    typer.Option("--engine", help="Run detection here (local) or as a Ray Data job (ray: pip install 'article-dedup\\[ray]')."),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        envvar="RAY_ADDRESS",
        help="--engine ray: the Ray cluster to attach to ('auto', 'ray://head:10001'). Default: start a local Ray.",
        show_default=False,
    ),
]
DiffOpt = Annotated[bool, typer.Option("--diff/--no-diff", help="Align and label the paragraphs of every pair.")]
TextFieldOpt = Annotated[
    str,
    typer.Option(
        "--text-field",
        help="JSONL (and Parquet): the field holding the text; a dotted path reads a nested one "
        "(content.body), a key spelled with the dot first.",
    ),
]
IdFieldOpt = Annotated[
    str,
    typer.Option(
        "--id-field",
        help="JSONL (and Parquet): the field holding the document id; a dotted path reads a nested one "
        "(meta.url), a key spelled with the dot first.",
    ),
]
MaxBytesOpt = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Skip files (and JSONL records) larger than this many bytes.")
]
WorkersOpt = Annotated[
    int,
    typer.Option("--workers", "-j", min=0, help="Worker processes and threads (0: one per CPU this process may "
                 "use: its CPU affinity and container CPU limit, not the host's cores)."),
]


def usable_cpus(cgroup: str = "/sys/fs/cgroup") -> int:
    """The CPUs this process may use: those of its affinity (``taskset``, a cpuset), fewer when a
    CPU quota limits it (a container run with ``--cpus 2`` on a 64-core host: cgroup v2's
    ``cpu.max``, v1's ``cpu.cfs_quota_us``, as a container sees its own cgroup), rounded up; at
    least 1. ``os.cpu_count()`` counts the host's cores: a worker each would start 64 processes
    where two can run, each with its own memory."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this system
        cpus = os.cpu_count() or 1
    for quota_file, period_file in (("cpu.max", None), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"),
                                    ("cpu,cpuacct/cpu.cfs_quota_us", "cpu,cpuacct/cpu.cfs_period_us")):
        try:
            with open(os.path.join(cgroup, quota_file), encoding="ascii") as fh:
                fields = fh.read().split()
            if period_file is not None:
                with open(os.path.join(cgroup, period_file), encoding="ascii") as fh:
                    fields += fh.read().split()
            quota, period = int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):  # no such file, "max" (no limit), not numbers
            continue
        if quota > 0 and period > 0:
            cpus = min(cpus, -(-quota // period))
        break
    return max(1, cpus)


def _version(value: bool) -> None:
    if value:
        from dedup import __version__

        with _to_stdout():
            typer.echo(f"dedup {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Find the versions of one article in a folder and explain what separates them."""


def _err(message: str) -> None:
    """One line on stderr. File names and JSONL ids in it are data: a newline or an escape
    sequence in one is shown escaped, never sent to the terminal as it is, and so is a
    bidirectional control (a name cannot read reversed)."""
    from dedup.render.view import printable_name

    typer.echo(f"dedup: {printable_name(message)}", err=True)


# --------------------------------------------------------------------------- progress


class ProgressBar:
    """The pipeline's ``progress(stage, done, total)`` callback as a rich bar on stderr.

    Shown only on a terminal that can redraw it, and only once the run has taken ``delay`` seconds, so quick
    runs print nothing. The rate is the stage's average since it started (documents/s
    while reading). ``clock`` is for tests.
    """

    STAGES = {
        "read": ("reading", "documents"),
        "candidates": ("candidates", "bands"),
        "verify": ("verifying", "candidate pairs"),
        "diff": ("aligning", "pairs"),
    }

    def __init__(self, console, *, delay: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.stage_started: dict[str, float] = {}
        self.progress = None
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()

    def _start(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(bar_width=24),
            TextColumn("{task.completed:>9,.0f} {task.fields[unit]}"),
            TextColumn("[dim]{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.progress.start()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = self.clock()
        self.stage_started.setdefault(stage, now)
        if self.progress is None:
            # A dumb terminal (TERM=dumb: Emacs' shell, some CI logs) cannot redraw a bar: rich would
            # only print it once, at the end, as an empty line.
            if not self.console.is_terminal or self.console.is_dumb_terminal or now - self.started < self.delay:
                return
            self._start()
        label, unit = self.STAGES.get(stage, (stage, "items"))
        elapsed = now - self.stage_started[stage]
        rate = f"{done / elapsed:,.0f} {unit}/s" if elapsed > 0 and done else ""
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(label, total=total, unit=unit, rate=rate)
        self.progress.update(self.tasks[stage], completed=done, total=total, rate=rate)


# --------------------------------------------------------------------------- output


@contextlib.contextmanager
def _to_stdout() -> Iterator[None]:
    """Around writing to stdout: when its reader goes (``dedup report | head -1``), stop, quietly.

    The reader leaving ends the output, not the run: the command goes on to its usual exit, 0
    for report and diff, and check's verdict for check (it writes only when it has found
    near-duplicates, so 1: a shortened listing does not make the files clean). Left to Typer,
    the broken pipe would exit 1 whatever the command (Click's handling, which Typer copies,
    catches it inside the app before main() could), and at exit Python's last flush of stdout
    would fail again ("Exception ignored ... BrokenPipeError", exit 120): stdout is pointed at
    /dev/null instead. Any other write error (a full disk) is an I/O error, exit 2.
    """
    try:
        yield
    except BrokenPipeError:
        _stdout_to_devnull()
    except OSError as err:  # stdout on a full disk (ENOSPC), a quota (EDQUOT), an I/O error: exit 2, not 3
        _stdout_to_devnull()  # what is left in its buffer would fail again at exit
        raise DedupError(f"cannot write to stdout: {err.strerror or err}") from err


def _stdout_to_devnull() -> None:
    _devnull_onto(sys.stdout.fileno())


def _devnull_onto(fd: int) -> None:
    """Point file descriptor ``fd`` at /dev/null."""
    devnull = os.open(os.devnull, os.O_RDWR)
    if devnull != fd:  # it took ``fd`` itself when that was closed and every lower one open
        os.dup2(devnull, fd)
        os.close(devnull)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        with _to_stdout():
            sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
            if not text.endswith("\n"):
                sys.stdout.buffer.write(b"\n")
            sys.stdout.flush()
        return
    with _replacing(output) as fh:
        fh.write(text)
        fh.flush()
        _pause_at_for_tests("write")
        if not text.endswith("\n"):
            fh.write("\n")


@contextlib.contextmanager
def _replacing(output: Path) -> Iterator[io.TextIOBase]:
    """A text file that becomes ``output`` only once it is written whole.

    The report is written to a hidden temporary file beside ``output`` (beside the file a link
    points to) and renamed over it at the end, so a run that fails or is stopped halfway (a full
    disk, Ctrl-C) leaves the report that was there, or none, never half of one, and two runs
    writing to one file leave one whole report. The new file gets the old one's permissions, or
    the umask's. ``output`` that is not a regular file (``/dev/stdout``, a FIFO), or that exists in
    a folder the user may not write, is written in place.
    """
    try:
        try:
            st = os.stat(output)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        beside = _temporary_beside(output, exists=st is not None) if st is None or stat.S_ISREG(st.st_mode) else None
        if beside is None:  # not a regular file (/dev/stdout, a FIFO), or in a folder that takes no new file
            with output.open("w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
                yield fh
            return
        fd, temporary, target = beside
        try:
            with open(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
                if st is not None:
                    os.chmod(fd, stat.S_IMODE(st.st_mode))
                yield fh
                fh.flush()
                os.fsync(fd)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as err:
        raise DedupError(f"cannot write {output}: {err.strerror or err}") from err


def _temporary_beside(output: Path, *, exists: bool) -> tuple[int, Path, Path] | None:
    """``(fd, temporary, target)``: a new hidden file beside ``output`` (beside the file a link
    points to), and the path it is to be renamed to. None where the folder may not be written
    but ``output`` exists (a report kept in a shared, read-only folder): it can only be
    written in place, as it always was."""
    target = Path(os.path.realpath(output))
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:  # 0o666 less the umask, as for any new file
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary, target
        except FileExistsError:
            continue
        except PermissionError:
            if not exists:
                raise
            return None


def _resolve_format(format: Format | None, output: Path | None) -> Format:
    if format is not None:
        return format
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), Format.text)
    return Format.text


def _write(format: Format, output: Path | None, *, text, html, md, json: Callable[[], str] | None = None) -> None:
    """Write one report in ``format``. ``text(plain)`` gives rich renderables, in order; the others give strings.

    ``json`` may be left out by a caller that streams its JSON itself (see _write_report).
    """
    if format is Format.parquet:
        raise typer.BadParameter("parquet is written by report --engine ray only", param_hint="--format")
    if format is Format.json:
        _emit(json(), output)
    elif format is Format.html:
        _emit(html(), output)
    elif format is Format.md:
        _emit(md(), output)
    else:
        _write_text(text, output)


def _write_text(text: Callable[[bool], Iterable], output: Path | None) -> None:
    """Print ``text(plain)``, the parts of a human report, one part at a time: the first pairs of
    a long report show while the others are drawn, and no part is held longer than it takes."""
    from rich.console import Console, Group

    class StdoutConsole(Console):
        def on_broken_pipe(self) -> None:  # rich's own exits 1: leave it to _to_stdout
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    console = StdoutConsole(highlight=False)
    if output is None and console.is_terminal:
        with _to_stdout():
            for part in text(console.no_color or console.color_system is None):
                console.print(Group(part))
        return
    # A file or a pipe: plain text at the terminal's width (COLUMNS, else 80), no trailing blanks.
    chunks = _plain_text(text(True), width=console.width if output is None else 80)
    if output is not None:
        _emit("".join(chunks), output)
        return
    with _to_stdout():
        ends_with_break = False
        for chunk in chunks:
            sys.stdout.buffer.write(chunk.encode("utf-8", "backslashreplace"))
            ends_with_break = chunk.endswith("\n") if chunk else ends_with_break
        if not ends_with_break:  # as _emit: end the text with a line break
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()


def _plain_text(parts: Iterable, *, width: int) -> Iterator[str]:
    """The lines of ``parts`` printed without colour at ``width``, trailing blanks cut, a part at a
    time: joined, the pieces are ``"\\n".join(lines)`` of the whole, as _emit writes it."""
    from rich.console import Console, Group

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    started = False

    def drain() -> Iterator[str]:
        nonlocal started
        lines = buffer.getvalue().splitlines()
        buffer.seek(0)
        buffer.truncate()
        if lines:
            yield ("\n" if started else "") + "\n".join(line.rstrip() for line in lines)
            started = True

    for part in parts:
        console.print(Group(part))
        if buffer.getvalue().endswith("\n"):  # whole lines (every part ends its own), else wait for more
            yield from drain()
    yield from drain()


def _stream(write: Callable, output: Path | None) -> None:
    """Let ``write(fh)`` write text to ``output`` (or stdout) as it goes, then end the line."""
    if output is None:
        with _to_stdout():
            fh = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="backslashreplace", newline="\n")
            try:
                write(fh)
                fh.write("\n")
                fh.flush()
            except BrokenPipeError:
                _stdout_to_devnull()  # first, so that detach can flush what is left
                raise
            finally:
                fh.detach()
        return
    with _replacing(output) as fh:
        write(fh)
        fh.flush()
        _pause_at_for_tests("write")
        fh.write("\n")


def _write_report(result, format: Format, output: Path | None) -> None:
    from dedup.render.json import report_dict, write_json

    if format is Format.json:  # streamed: a report with diffs is large as dicts or as one string
        _stream(lambda fh: write_json(result, fh), output)
        return
    data = report_dict(result)
    documents: Mapping = result.paired

    def text(plain: bool):
        from dedup.render.terminal import render_report

        return render_report(data, documents, plain=plain)

    def html() -> str:
        from dedup.render.html import to_html

        return to_html(data, documents)

    def md() -> str:
        from dedup.render.markdown import to_markdown

        return to_markdown(data, documents)

    _write(format, output, text=text, html=html, md=md)


def _refuse_overwriting_documents(output: Path | None, paths: list[str], *, stdin: bool = False) -> None:
    """Stop before ``--output`` writes over a document the run reads: dedup never changes a user's documents.

    Only an existing output file can be one; finding out walks the paths as the run will. ``stdin``:
    the run reads standard input too, which may be that file (``dedup diff - b.txt -o a.txt < a.txt``).
    """
    if output is None:
        return
    try:
        st = os.stat(output)
    except OSError:
        return  # a new file, or one the write will report on
    if stdin:
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):  # no descriptor (a test's stream)
            given = os.fstat(sys.stdin.fileno())
            if (given.st_dev, given.st_ino) == (st.st_dev, st.st_ino):
                raise DedupError(
                    f"--output {output} is the document on standard input ({STDIN}); dedup does not write over "
                    "documents: write the report elsewhere"
                )
    if not paths:
        return
    from dedup.document import find_sources

    for source in find_sources(paths)[0]:
        try:
            other = os.stat(source.path)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            raise DedupError(
                f"--output {output} is a document this run reads ({source.id}); dedup does not write over "
                "documents: write the report outside the folders read"
            )


def _refuse_a_missing_folder(output: Path | None) -> None:
    """Stop before a run whose report file could not be written at all, into a folder that does not
    exist (it failed once the whole run was done), or over a folder. Not for ``-f parquet``: its folder
    is made, parents too."""
    if output is None:
        return
    if output.is_dir():
        raise DedupError(f"cannot write {output}: it is a folder (give a file name)")
    folder = output.parent
    if not folder.is_dir():
        raise DedupError(f"cannot write {output}: {folder} is not a folder" if folder.exists()
                         else f"cannot write {output}: no folder {folder}")


def _refuse_overwriting_pairs(output: Path | None, pairs: Path, given: list[str]) -> None:
    """``diff --pairs``: stop before ``--output`` writes over the pairs file or a document it names
    (``file.jsonl#key`` names ``file.jsonl``), or into a folder that does not exist."""
    from dedup.pipeline import record_reference

    if output is None:
        return
    with contextlib.suppress(OSError):
        if not isinstance(pairs, StandardInput) and os.path.samefile(output, pairs):
            raise DedupError(f"--output {output} is the --pairs file; write the pairs elsewhere")
    _refuse_a_missing_folder(output)
    named = sorted({record_reference(x)[0] for x in given})
    _refuse_overwriting_documents(output, named or ([] if isinstance(pairs, StandardInput) else [str(pairs)]))


# --------------------------------------------------------------------------- standard input


def _standard_input(what: str) -> io.BufferedIOBase:
    """Standard input to read ``what`` from; a terminal is refused at once (nothing was piped:
    reading would wait for a document typed by hand)."""
    if sys.stdin.isatty():
        raise DedupError(f"{STDIN}: standard input is a terminal; pipe {what} into it")
    return sys.stdin.buffer


def _read_chunk(stream: io.BufferedIOBase, size: int = 1 << 16) -> bytes:
    try:
        return stream.read1(size)
    except OSError as err:  # EISDIR (< folder), EIO
        raise DedupError(f"{STDIN}: cannot read standard input: {(err.strerror or str(err)).lower()}") from err


def _read_standard_input(limit: int, what: str = "a document") -> bytes:
    """``what`` from standard input: at most ``limit`` bytes (for a document ``--max-bytes`` + 1, so
    that one larger is told by its length; the rest is left unread)."""
    stream = _standard_input(what)
    chunks, total = [], 0
    while total < limit and (chunk := _read_chunk(stream, min(limit - total, 1 << 20))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def _standard_input_copy() -> Iterator:
    """The JSONL records on standard input, as a :class:`~dedup.document.Source` named ``-``: a copy in
    a temporary file in TMPDIR, which the run reads by byte offset, again for verification and the
    diffs. The file is removed when the ``with`` ends, however it ends: an error, a full TMPDIR, or a
    signal (:class:`_Stopped` unwinds through here as any exception does). A full TMPDIR is an
    I/O error, said as the run's own temporary files say it."""
    import tempfile

    from dedup.document import Source
    from dedup.pipeline import no_room

    stream = _standard_input("JSONL records")
    try:
        fd, path = tempfile.mkstemp(prefix="dedup-stdin-", suffix=".jsonl")
    except OSError as err:  # no usable TMPDIR, or a full one
        raise no_room(os.environ.get("TMPDIR") or tempfile.gettempdir(), err) from None
    try:
        try:
            size = 0
            while chunk := _read_chunk(stream):
                view = memoryview(chunk)
                try:
                    while view:  # os.write may take less than it is given
                        view = view[os.write(fd, view):]
                except OSError as err:
                    raise no_room(os.path.dirname(path), err) from None
                if not size:
                    _pause_at_for_tests("stdin")
                size += len(chunk)
        finally:
            os.close(fd)
        yield Source(path, STDIN, "jsonl", size)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


# --------------------------------------------------------------------------- commands


@app.command()
def report(
    paths: PathsArg,
    format: FormatOpt = None,
    output: ReportOutputOpt = None,
    threshold: ThresholdOpt = 0.5,
    containment: ContainmentOpt = 0.75,
    num_perm: NumPermOpt = 128,
    shingle_size: ShingleSizeOpt = 5,
    seed: SeedOpt = 1,
    diff: DiffOpt = True,
    workers: WorkersOpt = 0,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    max_bytes: MaxBytesOpt = 32 * 1024 * 1024,
    engine: EngineOpt = Engine.local,
    ray_address: RayAddressOpt = None,
) -> None:
    """Group the versions of each article among PATH... and show what separates each pair.

    PATH - reads JSONL records from standard input (zcat shard.jsonl.gz | dedup report -); their
    ids are -#ID.
    """
    from rich.console import Console

    from dedup.pipeline import Config, run

    format = _resolve_format(format, output)
    if format is Format.parquet and (engine is not Engine.ray or output is None):
        raise typer.BadParameter("parquet is written by --engine ray into an --output folder", param_hint="--format")
    files = [str(p) for p in paths if not isinstance(p, StandardInput)]
    stdin = len(files) < len(paths)
    if len(paths) - len(files) > 1:
        raise typer.BadParameter(f"{STDIN} (standard input) is given twice; it can be read once", param_hint="PATH")
    if stdin and engine is Engine.ray:
        raise DedupError(
            f"{STDIN}: --engine ray reads files, not standard input (its workers open the documents themselves); "
            "save the records to a .jsonl file and give that"
        )
    if format is not Format.parquet:
        _refuse_a_missing_folder(output)
    _refuse_overwriting_documents(output, files, stdin=stdin)
    config = Config(
        shingle_size=shingle_size,
        num_perm=num_perm,
        seed=seed,
        threshold=threshold,
        containment=containment or None,
        diff=diff,
        workers=workers or usable_cpus(),
        text_field=text_field,
        id_field=id_field,
        max_bytes=max_bytes,
    )
    # The copy of stdin is read again while the report is written (the paired documents): it stays till then.
    with _standard_input_copy() if stdin else contextlib.nullcontext() as copy:
        with ProgressBar(Console(stderr=True)) as bar:

            def progress(stage: str, done: int, total: int | None) -> None:
                bar(stage, done, total)
                _pause_at_for_tests(stage)
                if done == total:
                    _pause_at_for_tests(f"{stage} done")

            if engine is Engine.ray:
                result = _run_ray(files, config, progress, ray_address, output if format is Format.parquet else None)
                if result is None:
                    return
            else:
                result = run(files, config, progress=progress, sources=[copy] if copy else ())
        _say_skipped(result.skipped, listed=LISTED_IN_JSON)
        if not result.documents and result.skipped and all(
            s.reason in {"no such file or folder", "permission denied"} for s in result.skipped
        ):
            raise typer.Exit(EXIT_USAGE)
        if not result.documents and not result.skipped and files:
            _say_what_was_left_out(files)
        _write_report(result, format, output)


#: Where every skipped item of a report is listed, when stderr names only the first few of each file.
LISTED_IN_JSON = '--format json lists every one under "skipped"'


def _say_skipped(skipped, *, listed: str | None) -> None:
    """The skipped items on stderr: the first few of each file and a count of the rest
    (:func:`dedup.render.skips.skip_lines`), so that a million bad records do not bury the first."""
    from dedup.render.skips import skip_lines

    for line in skip_lines(skipped, listed=listed):
        _err(line)


def _say_what_was_left_out(paths: list[str]) -> None:
    """A run that found no document at all: say which files its folders held instead (a folder of
    ``.json`` files, of PDFs), so that an empty report is not taken for "no duplicates"."""
    from collections import Counter

    from dedup.document import SUFFIXES, find_sources

    counts: Counter[str] = Counter()
    find_sources(paths, left_out=counts)
    if not counts:
        return
    kinds = [f"{n} {suffix or '(no suffix)'}" for suffix, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    shown = ", ".join(kinds[:3]) + (f" and {len(kinds) - 3} more kinds" if len(kinds) > 3 else "")
    _err(
        f"no documents found; files left out by their suffix: {shown} (folders give {' '.join(SUFFIXES)} "
        "files; a file named on the command line is read as text)"
    )


def _run_ray(paths: list[str], config, progress, address: str | None, parquet: Path | None):
    """The Ray engine: the Report, or None once Parquet files are written (a summary on stderr)."""
    import importlib.util
    import logging

    if importlib.util.find_spec("ray") is None:
        raise DedupError("--engine ray needs Ray: pip install 'article-dedup[ray]'")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report from a command-line run
    import ray.data  # noqa: F401 - configures Ray's loggers, which are quietened next

    for name in ("ray", "ray.data"):  # Ray's progress lines would bury ours; warnings still show
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "progress bars disabled": ours show
    from dedup.engine_ray import run_ray, write_ray

    if parquet is None:
        return run_ray(paths, config, address=address, progress=progress)
    written = write_ray(paths, parquet, config, address=address, progress=progress)
    from dedup.render.view import plural

    _err(
        f"wrote {plural(written.documents, 'document')}, {plural(written.pairs, 'pair')} and "
        f"{plural(written.clusters, 'cluster')} ({written.skipped} skipped) to {written.output}/"
    )
    return None


def _read_tsv_pairs(path: Path) -> list[tuple[int, str, str] | tuple[int, str]]:
    """``(line, a, b)`` from a file of tab-separated path pairs (further columns, such as a
    score, are left alone); ``#`` lines and a header skipped; ``(line, problem)`` for a line
    that holds no pair, so that the caller can name it and go on with the rest.

    Read as file names are (``surrogateescape``): a name that is not UTF-8 is its bytes, as the
    tool that listed it wrote them, and is opened and reported (``\\udcXX`` in JSON) as ``report`` would.
    """
    from dedup.pipeline import record_reference

    try:
        data = _read_standard_input(sys.maxsize, "the pairs") if isinstance(path, StandardInput) else path.read_bytes()
        lines = data.decode("utf-8", "surrogateescape").splitlines()
    except OSError as err:
        raise DedupError(f"cannot read {path}: {err.strerror or err}") from err
    rows: list[tuple[int, str, str] | tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            rows.append((number, f"expected two tab-separated paths, got {line[:60]!r}"))
            continue
        a, b = fields[0].strip(), fields[1].strip()
        if not rows and number == 1 and not any(os.path.exists(record_reference(x)[0]) for x in (a, b)):
            continue  # a header line naming the columns
        rows.append((number, a, b))
    return rows


@app.command()
def diff(
    a: Annotated[str | None, typer.Argument(metavar="A", help="The first version (-: standard input).", show_default=False, parser=_reference)] = None,
    b: Annotated[str | None, typer.Argument(metavar="B", help="The second version (-: standard input).", show_default=False, parser=_reference)] = None,
    pairs: Annotated[
        Path | None,
        typer.Option(
            "--pairs",
            help="A file of tab-separated path pairs (from another tool; -: standard input): writes one JSON "
            "pair object per line.",
            parser=_path,
            metavar="<file>",
            show_default=False,
        ),
    ] = None,
    format: PairFormatOpt = None,
    output: OutputOpt = None,
    shingle_size: ShingleSizeOpt = 5,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    max_bytes: MaxBytesOpt = 32 * 1024 * 1024,
    stdin_format: Annotated[
        StdinFormat | None,
        typer.Option(
            "--stdin-format",
            help="How to read the document on standard input (A or B given as -): text, html or md (Markdown). "
            "Default: HTML when it starts like a page (a doctype, <html>, or a tag such as <p> with more tags "
            "after it), Markdown when such HTML opens Markdown (a GitHub README: # headings, lists, fences or "
            "\\[links](...) after it), else text (other Markdown cannot be told from text).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Align two versions of an article paragraph by paragraph and label what separates them.

    A and B are files, or records of a JSONL (or Parquet) file named as reports name them:
    path/file.jsonl#ID, or pages of a web archive: 'crawl.warc.gz#URI'. One of them may be -,
    standard input (curl -s URL | dedup diff - saved.html).
    """
    from dedup.document import Skipped
    from dedup.pipeline import Config, compare, read_bytes, read_pair, record_reference
    from dedup.render.json import dumps, pair_dict

    config = Config(shingle_size=shingle_size, max_bytes=max_bytes, text_field=text_field, id_field=id_field)
    if pairs is not None:
        if a is not None or b is not None:
            raise typer.BadParameter("give either A and B, or --pairs FILE", param_hint="--pairs")
        if format not in (None, Format.json):
            raise typer.BadParameter("--pairs writes JSON Lines only", param_hint="--format")
        rows = _read_tsv_pairs(pairs)
        _refuse_overwriting_pairs(output, pairs, [x for row in rows if len(row) == 3 for x in row[1:]])
        from dedup.render.skips import file_skip_lines, reason_kind

        lines = []
        kinds: dict[str, str] = {}  # "pairs.tsv:4" -> the kind of its reason: that of the document's, if it is one

        def skipped_rows() -> Iterator[Skipped]:
            """The lines of ``pairs`` skipped, as they are read; the pairs of the others into ``lines``."""
            for row in rows:
                if len(row) == 2:
                    kinds[f"{pairs}:{row[0]}"] = reason_kind(row[1])
                    yield Skipped(f"{pairs}:{row[0]}", row[1])
                    continue
                number, pa, pb = row
                doc_a, doc_b = read_pair(pa, pb, config)
                bad = [d for d in (doc_a, doc_b) if isinstance(d, Skipped)]
                if bad:
                    kinds[f"{pairs}:{number}"] = reason_kind(bad[0].reason)
                    yield Skipped(f"{pairs}:{number}", f"{bad[0].path}: {bad[0].reason}")
                    continue
                record = pair_dict(compare(doc_a, doc_b, config))
                record["a"], record["b"] = pa, pb  # the paths as the file gives them
                lines.append(json_line(record))

        # The JSON Lines list no skipped line: the summary has nothing to point to.
        for line in file_skip_lines(skipped_rows(), name=str(pairs), listed=None, unit="line",
                                    kind=lambda s: kinds[s.path]):
            _err(line)
        if lines:
            _emit("".join(lines), output)
        elif output is not None:
            _emit("", output)
        return
    if a is None or b is None:
        raise typer.BadParameter("give two files A and B, or --pairs FILE", param_hint="A B")
    stdin = [x for x in (a, b) if isinstance(x, StandardInput)]
    if len(stdin) == 2:
        raise typer.BadParameter(f"{STDIN} (standard input) is given twice; it can be read once, as A or as B",
                                 param_hint="A B")
    if stdin_format is not None and not stdin:
        raise typer.BadParameter(f"is for a document on standard input, given as {STDIN}", param_hint="--stdin-format")
    files = [str(x) for x in (a, b) if not isinstance(x, StandardInput)]
    # A record (file.jsonl#17) is read from its file: that file is the document not to write over.
    _refuse_a_missing_folder(output)
    _refuse_overwriting_documents(output, [record_reference(x)[0] for x in files], stdin=bool(stdin))
    sides = [
        read_bytes(_read_standard_input(max_bytes + 1), STDIN, config,
                   format=None if stdin_format is None else STDIN_FORMATS[stdin_format])
        if isinstance(x, StandardInput) else str(x)
        for x in (a, b)
    ]
    doc_a, doc_b = read_pair(*sides, config)
    for d in (doc_a, doc_b):
        if isinstance(d, Skipped):
            _err(f"{d.path}: {d.reason}")
            raise typer.Exit(EXIT_USAGE)
    pair = pair_dict(compare(doc_a, doc_b, config))

    def text(plain: bool):
        from dedup.render.terminal import render_pair

        return (render_pair(pair, doc_a, doc_b, plain=plain),)

    def html() -> str:
        from dedup.render.html import pair_html

        return pair_html(pair, doc_a, doc_b)

    def md() -> str:
        from dedup.render.markdown import pair_markdown

        return pair_markdown(pair, doc_a, doc_b)

    chosen = _resolve_format(None if format is None else Format(format), output)
    _write(chosen, output, text=text, json=lambda: dumps(pair), html=html, md=md)


def json_line(obj) -> str:
    """One JSON Lines record: compact, sorted keys, UTF-8."""
    import json

    from dedup.render.json import escape_unsafe

    return escape_unsafe(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))) + "\n"


# --------------------------------------------------------------------------- entry point


def _usage_error(err) -> None:
    """A usage error as two lines on stderr: what is wrong, and where the help is."""
    if type(err).__name__ == "NoArgsIsHelpError":  # a bare command: its help is the answer
        err.show()
        return
    message = err.format_message()
    possibilities = getattr(err, "possibilities", None)
    if possibilities:  # an unknown option: "did you mean ..."
        message = f"{err.message} (did you mean {' or '.join(sorted(possibilities))}?)"
    _err(message if message.endswith((".", "?", ")")) else message + ".")
    ctx = getattr(err, "ctx", None)
    typer.echo(f"Try '{ctx.command_path if ctx else 'dedup'} -h' for help.", err=True)


class _FilesCommand(typer.core.TyperCommand):
    """A command whose arguments are files that may be named like options: pre-commit passes a staged
    ``-notes.md`` at the root of the repository as it is, which would be an unknown option (``-n``),
    or ``-j.txt`` the option ``-j`` with the value ``.txt``, and the commit would fail. An argument
    that starts with ``-``, is not an option's name or value, and names a file that exists is that
    file (as ``./-notes.md``); anything else is parsed as before."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        names, takes_value = set(), set()
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                names.update(param.opts, param.secondary_opts)
                if not param.is_flag and not param.count:
                    takes_value.update(param.opts)
        given, value_next = [], False
        for k, arg in enumerate(args):
            if arg == "--":
                given.extend(args[k:])
                break
            if value_next:
                value_next = False
            elif arg in names:
                value_next = arg in takes_value
            elif arg.startswith("-") and arg != "-" and os.path.lexists(arg):
                arg = os.path.join(".", arg)
            given.append(arg)
        return super().parse_args(ctx, given)


@app.command(cls=_FilesCommand)
def check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILES", help="Files to check (pre-commit passes the staged ones). None: only bring "
                       "the index up to date.", show_default=False, parser=_path),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option("--against", file_okay=False, help="Compare with the documents under this folder instead of the "
                     "files git tracks (needed outside a git repository)."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option("--include", help="Only these files take part (glob, repeatable; replaces the config's list)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Leave these files out (glob, repeatable; replaces the config's list)."),
    ] = None,
    index: Annotated[
        Path | None,
        typer.Option("--index", dir_okay=False, help="The index file. Default: dedup/index.sqlite in the git "
                     "directory, or in $XDG_CACHE_HOME (~/.cache) outside git."),
    ] = None,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", dir_okay=False, help="Read include, exclude and accepted pairs from this TOML file "
                     "(default: \\[tool.dedup] of pyproject.toml, or .dedup.toml, at the root)."),
    ] = None,
    threshold: ThresholdOpt = 0.5,
    containment: ContainmentOpt = 0.75,
    num_perm: NumPermOpt = 128,
    shingle_size: ShingleSizeOpt = 5,
    seed: SeedOpt = 1,
    workers: WorkersOpt = 1,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    max_bytes: MaxBytesOpt = 32 * 1024 * 1024,
) -> None:
    """Stop FILES that are versions of each other or of a document already in the repository.

    FILES are compared with each other and with the files git tracks (as staged), or with
    the documents under --against. One sorted line per near-duplicate on stdout,

        path: near-duplicate of other/path (jaccard 0.91, containment 0.99)

    with paths relative to the repository root (or to --against); containment is the larger
    of the two: the share of the smaller document's shingles found in the other. Nothing is
    printed when all is well. Exit 0: none found; 1: found; 2: usage or I/O error. No file is
    ever modified; the index lives outside the working tree.
    """
    from dedup.hook import check as run_check
    from dedup.repo import default_index, git_root, load_settings
    from dedup.pipeline import Config

    try:
        config = Config(
            shingle_size=shingle_size,
            num_perm=num_perm,
            seed=seed,
            threshold=threshold,
            containment=containment or None,
            diff=False,
            workers=workers or usable_cpus(),
            text_field=text_field,
            id_field=id_field,
            max_bytes=max_bytes,
        )
        if against is not None:
            try:
                folder = against.is_dir()
            except OSError as err:  # a parent folder that cannot be searched: EACCES, not "no"
                raise ValueError(f"--against: {against}: {(err.strerror or str(err)).lower()}") from None
            if not folder:
                raise ValueError(f"--against: {against} is not a folder")
            root, git = str(against.resolve()), False
        else:
            root = git_root(Path.cwd())
            if root is None:
                raise ValueError("not inside a git repository: give --against FOLDER to compare with a folder")
            git = True
        settings = load_settings(root, config_file=config_file)
        if include is not None:
            settings = replace(settings, include=tuple(include))
        if exclude is not None:
            settings = replace(settings, exclude=tuple(exclude))
        if index is None:
            cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            index = Path(default_index(root, git=git, cache_dir=cache))
        outcome = run_check([str(f) for f in files or ()], root=root, git=git, config=config, settings=settings,
                            index=index, progress=_pause_for_tests())
    except UnicodeError:  # a ValueError, but a bug (text that cannot be encoded), not a usage error: main() says so
        raise
    except (DedupError, ValueError) as err:
        _err(str(err))
        raise typer.Exit(EXIT_USAGE) from None
    for line in outcome.warnings:
        _err(f"warning: {line}")
    _say_skipped(outcome.skipped, listed=None)  # check writes no list of them
    for s in outcome.errors:
        _err(f"{s.path}: {s.reason}")
    from dedup.render.view import printable_name

    lines = [  # one line each, whatever the file names hold
        f"{printable_name(f.path)}: near-duplicate of {printable_name(f.other)} "
        f"(jaccard {f.jaccard:.2f}, containment {f.containment:.2f})"
        for f in outcome.findings
    ]
    if lines:
        _emit("\n".join(lines), None)
    if outcome.errors:
        raise typer.Exit(EXIT_USAGE)
    if outcome.findings:
        raise typer.Exit(EXIT_FOUND)


#: Tests only: ``DEDUP_TEST_PAUSE_AFTER=N`` makes ``check`` stop once N contents are indexed (their
#: transactions committed), say so on stderr, and wait until its stdin closes. A test can then
#: kill -9 it mid-index, or start a second run against the half-built index, without sleeping.
PAUSE_ENV = "DEDUP_TEST_PAUSE_AFTER"


def _pause_for_tests() -> Callable[[int, int], None] | None:
    after = os.environ.get(PAUSE_ENV)
    if not after:
        return None
    paused = False

    def progress(done: int, total: int) -> None:
        nonlocal paused
        if done >= int(after) and not paused:
            paused = True
            _err(f"paused after indexing {done} of {total} (test hook {PAUSE_ENV})")
            sys.stdin.buffer.read()

    return progress


#: Tests only: ``DEDUP_TEST_PAUSE_AT=STAGE`` makes ``report`` stop at the first progress of STAGE
#: (``read``, ``diff``: its worker pool running), at its last progress (``diff done``: every pair's
#: rows in, the pool not yet closed) or, at ``write``, once the report's text is in its
#: ``--output`` file (the temporary one) but not yet finished; it says so on stderr and waits until its stdin closes. A test
#: can then signal it at that point, without sleeping. At ``stdin`` (``report -``), once the first bytes
#: of standard input are in its temporary copy: the copy itself then waits for stdin to close.
PAUSE_AT_ENV = "DEDUP_TEST_PAUSE_AT"
_paused_at: set[str] = set()


def _pause_at_for_tests(stage: str) -> None:
    if os.environ.get(PAUSE_AT_ENV) != stage or stage in _paused_at:
        return
    _paused_at.add(stage)
    _err(f"paused at {stage} (test hook {PAUSE_AT_ENV})")
    if stage != "stdin":  # stdin is the document: copying it goes on, and waits for its end
        sys.stdin.buffer.read()


class _Stopped(BaseException):
    """SIGINT, SIGTERM or SIGHUP during a command, raised in the main thread wherever it is.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` takes it for a
    failure; not a KeyboardInterrupt, which Typer would turn into a silent exit 130. On its way
    out every ``with`` cleans up: the worker pool is ended, temporary files are removed, and a
    report being written never replaces the file at ``--output``.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: The signals that stop a run cleanly, and what the one line on stderr calls them.
STOP_SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


def _ignore(signum: int, frame) -> None:
    """Not SIG_IGN, which a process started during the clean-up (the pool replacing a worker that
    a signal to the group ended) would inherit, and then ignore the pool's SIGTERM."""


def _stop_on_signals() -> None:
    """Turn the stop signals into :class:`_Stopped`, but for one the caller ignores (``nohup``,
    a background job of a non-interactive shell): that stays ignored.

    Only the main thread may receive them. Python runs a handler in the main thread, but the
    kernel gives a signal sent to the process to any thread that does not block it: one given to
    another thread leaves the main thread asleep in a blocking call (waiting for a pool's result,
    for standard input), and the run went on as if unsignalled (a SIGHUP to the group in one run
    of the test suite). The pool's threads block them (:class:`dedup.pipeline._Executor`),
    and so does the thread OpenBLAS starts when numpy is loaded, which takes the mask of the thread
    that loads it: numpy is loaded here, with them blocked.
    """
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set(STOP_SIGNALS))
    try:
        importlib.import_module("numpy")  # for its thread's signal mask, not for use here
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def stop(signum: int, frame) -> NoReturn:
        for other in STOP_SIGNALS:  # once: the clean-up that follows is not itself interrupted
            signal.signal(other, _ignore)
        raise _Stopped(signum)

    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, stop)


def main() -> None:
    """Console-script entry point: run the app and map exceptions to exit codes."""
    _open_standard_streams()
    _stop_on_signals()
    try:
        code = app(standalone_mode=False)
    except typer.Exit as e:  # raised by our own commands; click turns most into a return value
        sys.exit(e.exit_code)
    except _Stopped as stop:  # everything is cleaned up by now: say so, exit as the shell's 128 + N
        _err(STOP_SIGNALS[stop.signum])
        sys.exit(128 + stop.signum)
    except typer.Abort:
        _err("aborted")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except typer.TyperException as err:  # click's usage errors (bad option, missing argument ...)
        _usage_error(err)
        sys.exit(err.exit_code if err.exit_code != 1 else EXIT_USAGE)
    except UnicodeError as err:  # a ValueError, but never a usage error: text dedup failed to encode or decode
        _internal(err)
    except (DedupError, ValueError) as err:
        _err(str(err))
        sys.exit(EXIT_USAGE)
    except Exception as err:
        _internal(err)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _open_standard_streams() -> None:
    """A standard stream the caller closed (``dedup report seeds/ >&-``) becomes /dev/null.

    Python leaves ``sys.stdout`` None then, and the first file the run opens would take the
    stream's number: output meant for stdout, or a worker's, could land in it. What the run
    writes to such a stream is dropped, and the run ends with its usual exit code.
    """
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            _devnull_onto(fd)
        if getattr(sys, name) is None:
            mode = "r" if fd == 0 else "w"
            setattr(sys, name, open(fd, mode, encoding="utf-8", errors="backslashreplace", closefd=False))  # noqa: SIM115
    # A terminal whose encoding is not UTF-8 (LANG=en_US.ISO-8859-1, PYTHONIOENCODING=ascii) shows
    # what it cannot encode as \uXXXX, as stderr does, rather than failing with UnicodeEncodeError.
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        sys.stdout.reconfigure(errors="backslashreplace")


def _internal(err: Exception) -> NoReturn:
    _err(f"internal error: {type(err).__name__}: {err}. Please report it with the command you ran.")
    sys.exit(EXIT_INTERNAL)
