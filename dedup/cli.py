"""The ``dedup`` command: the only place that prints or exits.

Exit codes: 0 clean; 1 near-duplicates found (``check``); 2 usage, configuration or
I/O error; 3 unexpected internal error.
"""

from __future__ import annotations

import enum
import os
import sys
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

    from dedup.render.json import report_dict
    from dedup.render.terminal import render_group

    data = report_dict(result)
    if output is None:
        console = Console(highlight=False)
        console.print(render_group(data, result.paired, plain=console.no_color or console.color_system is None))
    else:
        console = Console(record=True, highlight=False, width=100, file=open(os.devnull, "w"))
        console.print(render_group(data, result.paired, plain=True))
        _emit(console.export_text(), output)


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
