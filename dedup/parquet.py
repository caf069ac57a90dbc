"""Parquet files of documents, one per row, read as JSONL records are (Ray engine only; needs pyarrow).

A row's ``text_field`` column holds its text and its ``id_field`` column, when the file
has one, its key; without one (or where it is null) the key is the row's number in the
file, from 1, as a JSONL record's is its line number. The document id is ``path#key``.
Files are read a row group at a time: a row group is one task of the Ray engine, as an
8 MiB span is for JSONL, and a repeated key is reported as a JSONL duplicate is
(``file.parquet:<row number>``, ``duplicate 'id' 'x'``), in one row group or across two.
``offset`` is the row's index in the file and ``line`` its number, so :func:`load_row`
reads it again. A dotted field name (``content.body``) is a path through struct columns, as it
is through a JSONL record's objects (:mod:`dedup.fields`): a column spelled with the dot wins,
and only the columns the path leads to are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dedup.document import MAX_BYTES, Document, Skipped, Source, record_document, record_too_large
from dedup.fields import FieldPath, field_path

__all__ = ["FORMAT", "SUFFIX", "load_row", "load_row_group", "row_groups"]

SUFFIX = ".parquet"
FORMAT = "parquet"


@contextmanager
def _open(source: Source) -> Iterator:
    """The file as a ``pyarrow.parquet.ParquetFile``, closed on leaving.

    pyarrow encodes a path as UTF-8, which a file name that is not UTF-8 (lone surrogates once
    decoded) cannot be: such a file is opened by Python, and pyarrow reads it through that.
    """
    import pyarrow.parquet as pq  # noqa: PLC0415 - only the ray extra installs pyarrow

    try:
        source.path.encode("utf-8")
    except UnicodeEncodeError:
        with open(source.path, "rb") as fh, pq.ParquetFile(fh) as pf:
            yield pf
        return
    with pq.ParquetFile(source.path) as pf:
        yield pf


def row_groups(source: Source) -> list[tuple[int, int]] | Skipped:
    """``(row group, first row)`` of every row group of the file, or why it cannot be read."""
    try:
        with _open(source) as pf:
            meta = pf.metadata
    except Exception as err:  # noqa: BLE001 - pyarrow raises several types for a bad file
        return Skipped(source.id, f"not a Parquet file ({_reason(err)})")
    out, first = [], 0
    for g in range(meta.num_row_groups):
        out.append((g, first))
        first += meta.row_group(g).num_rows
    return out


def _reason(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
    return str(err).splitlines()[0][:80] if str(err) else type(err).__name__


def load_row_group(
    source: Source,
    group: int,
    first_row: int,
    *,
    max_bytes: int = MAX_BYTES,
    text_field: str = "text",
    id_field: str = "id",
    rows: tuple[int, int] | None = None,
) -> Iterator[tuple[int, int, Document | Skipped]]:
    """``(row index, row number, item)`` for the rows of one row group (or ``rows`` of it)."""
    text_path, id_path = field_path(text_field), field_path(id_field)
    try:
        with _open(source) as pf:
            schema = _skeleton(pf.schema_arrow)
            absent = text_path.absence(schema, kind=_column_kind, fields="columns")
            columns = [text_field] + ([id_field] if id_field != text_field and id_path.absence(schema) is None else [])
            table = pf.read_row_group(group, columns=columns) if absent is None else None
    except Exception as err:  # noqa: BLE001
        yield first_row, first_row + 1, Skipped(source.id, f"cannot read row group {group} ({_reason(err)})")
        return
    if table is None:
        yield first_row, first_row + 1, Skipped(source.id, f"no {text_field!r} column ({absent}; see --text-field)")
        return
    if rows is not None:
        table = table.slice(rows[0], rows[1] - rows[0])
        first_row += rows[0]
    texts, keys, records = _values(table, text_path, id_path)
    seen: set[str] = set()
    for k, (text, key) in enumerate(zip(texts, keys)):
        index, number = first_row + k, first_row + k + 1
        if isinstance(text, str) and (len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes):
            where = f"{source.id}:{number}"
            yield index, number, Skipped(where, record_too_large(max_bytes))
            continue
        if text is None and records is not None and (why := text_path.absence(records[k])) is not None:
            yield index, number, Skipped(f"{source.id}:{number}", f"no {text_field!r} field ({why}; see --text-field)")
            continue
        yield index, number, record_document(
            source, text, key, number, seen, text_field=text_field, id_field=id_field, format=FORMAT
        )


def _skeleton(schema) -> dict:
    """The columns of a schema as a record of them: a struct column is an object of its fields,
    any other column its type (what :meth:`FieldPath.absence` calls it, see :func:`_column_kind`)."""
    import pyarrow as pa  # noqa: PLC0415

    def of(typ):
        if pa.types.is_struct(typ):
            return {typ.field(i).name: of(typ.field(i).type) for i in range(typ.num_fields)}
        return typ

    return {f.name: of(f.type) for f in schema}


def _column_kind(typ) -> str:
    """``a string column, not a struct``: a column's type, as a message names it."""
    import pyarrow as pa  # noqa: PLC0415

    if pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_fixed_size_list(typ):
        name = "list"
    elif pa.types.is_map(typ):
        name = "map"
    elif pa.types.is_string(typ) or pa.types.is_large_string(typ):
        name = "string"
    else:
        name = str(typ)[:40]
    return f"a {name} column, not a struct"


def _values(table, text_path: FieldPath, id_path: FieldPath) -> tuple[list, list, list[dict] | None]:
    """The text and the key of each row of ``table`` (None for none), and the rows as records when
    a field is a path through struct columns (else None: plain columns are read column by column)."""
    names = set(table.column_names)

    def through_structs(path: FieldPath) -> bool:
        return path.name not in names and bool(path.steps) and path.steps[0] in names

    if not through_structs(text_path) and not through_structs(id_path):
        texts = table.column(text_path.name).to_pylist()
        keys = table.column(id_path.name).to_pylist() if id_path.name in names else [None] * len(texts)
        return texts, keys, None
    records = table.to_pylist()  # only the columns of the two paths were read
    return [text_path.get(r) for r in records], [id_path.get(r) for r in records], records


def load_row(
    source: Source, row: int, *, max_bytes: int = MAX_BYTES, text_field: str = "text", id_field: str = "id"
) -> Document | Skipped:
    """Read again the row at index ``row`` of the file (see :func:`load_row_group`)."""
    groups = row_groups(source)
    if isinstance(groups, Skipped):
        return groups
    with _open(source) as pf:
        meta = pf.metadata
    for g, first in groups:
        n = meta.row_group(g).num_rows
        if first <= row < first + n:
            items = load_row_group(
                source, g, first, max_bytes=max_bytes, text_field=text_field, id_field=id_field,
                rows=(row - first, row - first + 1),
            )
            return next(iter(items))[2]
    return Skipped(source.id, f"no row {row} any more (changed while reading?)")
