"""The ``dedup`` command: the only place that prints or exits.

Exit codes: 0 clean; 1 near-duplicates found (``check``); 2 usage, configuration or
I/O error; 3 unexpected internal error.
"""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from dedup.errors import DedupError

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class Format(enum.StrEnum):
    text = "text"
    json = "json"


app = typer.Typer(
    name="dedup",
    help="Find the versions of one article in a folder and explain what separates them.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

# Options shared by every command, declared once so they are spelled the same everywhere.
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
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file instead of stdout.", dir_okay=False)
]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="JSONL: the field holding the text.")]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="JSONL: the field holding the document id.")]
MaxBytesOpt = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Skip files (and JSONL records) larger than this many bytes.")
]
WorkersOpt = Annotated[int, typer.Option("--workers", "-j", min=1, help="Worker processes and threads.")]


def _version(value: bool) -> None:
    if value:
        from dedup import __version__

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
    typer.echo(f"dedup: {message}", err=True)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
        if not text.endswith("\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8", errors="backslashreplace")
    except OSError as err:
        raise DedupError(f"cannot write {output}: {err.strerror or err}") from err


@app.command()
def report(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders of documents.", show_default=False)],
    format: FormatOpt = Format.text,
    output: OutputOpt = None,
    threshold: ThresholdOpt = 0.5,
    containment: ContainmentOpt = 0.75,
    num_perm: NumPermOpt = 128,
    shingle_size: ShingleSizeOpt = 5,
    seed: SeedOpt = 1,
    diff: Annotated[bool, typer.Option("--diff/--no-diff", help="Align and label every pair.")] = True,
    workers: WorkersOpt = 1,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    max_bytes: MaxBytesOpt = 32 * 1024 * 1024,
) -> None:
    """Group the versions of each article among PATHS and show every pair's figures."""
    from dedup.pipeline import Config, run

    config = Config(
        shingle_size=shingle_size,
        num_perm=num_perm,
        seed=seed,
        threshold=threshold,
        containment=containment or None,
        diff=diff,
        workers=workers,
        text_field=text_field,
        id_field=id_field,
        max_bytes=max_bytes,
    )
    result = run([str(p) for p in paths], config)
    for s in result.skipped:
        _err(f"skipped {s.path}: {s.reason}")
    if not result.documents and result.skipped and all(
        s.reason in {"no such file or folder", "permission denied"} for s in result.skipped
    ):
        raise typer.Exit(EXIT_USAGE)
    if format is Format.json:
        from dedup.render.json import to_json

        _emit(to_json(result), output)
        return
    from rich.console import Console

    from dedup.render.terminal import render_group

    if output is None:
        Console(highlight=False).print(render_group(result))
    else:
        console = Console(record=True, highlight=False, width=100, file=open(os.devnull, "w"))
        console.print(render_group(result))
        _emit(console.export_text(), output)


@app.command()
def check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to check (pre-commit passes the staged ones). None: only bring the index up to date.",
                       show_default=False),
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
                     "(default: [tool.dedup] of pyproject.toml, or .dedup.toml, at the root)."),
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
            workers=workers,
            text_field=text_field,
            id_field=id_field,
            max_bytes=max_bytes,
        )
        if against is not None:
            if not against.is_dir():
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
                            index=index)
    except (DedupError, ValueError) as err:
        _err(str(err))
        raise typer.Exit(EXIT_USAGE) from None
    for line in outcome.warnings:
        _err(f"warning: {line}")
    for s in outcome.skipped:
        _err(f"skipped {s.path}: {s.reason}")
    for s in outcome.errors:
        _err(f"{s.path}: {s.reason}")
    lines = [
        f"{f.path}: near-duplicate of {f.other} (jaccard {f.jaccard:.2f}, containment {f.containment:.2f})"
        for f in outcome.findings
    ]
    if lines:
        _emit("\n".join(lines), None)
    if outcome.errors:
        raise typer.Exit(EXIT_USAGE)
    if outcome.findings:
        raise typer.Exit(EXIT_FOUND)


def main() -> None:
    """Console-script entry point: run the app and map exceptions to exit codes."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as e:  # raised by our own commands; click turns most into a return value
        sys.exit(e.exit_code)
    except typer.Abort:
        _err("aborted")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except (DedupError, ValueError) as err:
        _err(str(err))
        sys.exit(EXIT_USAGE)
    except Exception as err:  # click's own usage errors carry an exit code and show themselves
        exit_code = getattr(err, "exit_code", None)
        show = getattr(err, "show", None)
        if exit_code is not None and show is not None:
            show()
            sys.exit(exit_code)
        _err(f"internal error: {type(err).__name__}: {err}. Please report it with the command you ran.")
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
