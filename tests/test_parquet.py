"""Parquet rows as documents (dedup.parquet): dotted field names are paths through struct columns."""

from __future__ import annotations

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from dedup.document import Document, Source  # noqa: E402
from dedup.parquet import load_row, load_row_group, row_groups  # noqa: E402


def read(path, **fields) -> list[tuple[str, str]]:
    """``(id, text)`` of each document and ``(path, reason)`` of each row skipped, in row order."""
    source = Source(str(path), path.name, "parquet")
    out = []
    for group, first in row_groups(source):
        for _, _, item in load_row_group(source, group, first, **fields):
            out.append((item.id, item.text) if isinstance(item, Document) else (item.path, item.reason))
    return out


def test_struct_columns_are_read_through_a_dotted_path(tmp_path):
    rows = [
        {"meta": {"url": "https://example.com/a", "lang": "en"}, "content": {"body": "Nested text.", "html": "<p>"}},
        {"meta": None, "content": {"body": "No meta: the row number is the key.", "html": None}},
        {"meta": {"url": "https://example.com/c", "lang": None}, "content": None},
        {"meta": {"url": "https://example.com/d", "lang": None}, "content": {"body": None, "html": "<p>"}},
    ]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet", row_group_size=2)
    assert read(tmp_path / "docs.parquet", text_field="content.body", id_field="meta.url") == [
        ("docs.parquet#https://example.com/a", "Nested text."),
        ("docs.parquet#2", "No meta: the row number is the key."),
        ("docs.parquet:3", "no 'content.body' field ('content' is null, not an object; see --text-field)"),
        ("docs.parquet:4", "no 'content.body' field (see --text-field)"),  # a null body, as a null JSONL field
    ]
    source = Source(str(tmp_path / "docs.parquet"), "docs.parquet", "parquet")
    assert load_row(source, 1, text_field="content.body", id_field="meta.url").id == "docs.parquet#2"


def test_a_column_spelled_with_the_dot_wins_over_the_path(tmp_path):
    both = [{"content.body": "Literal column.", "content": {"body": "Struct field."}, "meta.url": "lit", "meta": {"url": "x"}}]
    pq.write_table(pa.Table.from_pylist(both), tmp_path / "both.parquet")
    pq.write_table(pa.Table.from_pylist([{"content": {"body": "Struct field."}, "meta": {"url": "x"}}]), tmp_path / "structs.parquet")
    fields = {"text_field": "content.body", "id_field": "meta.url"}
    assert read(tmp_path / "both.parquet", **fields) == [("both.parquet#lit", "Literal column.")]
    assert read(tmp_path / "structs.parquet", **fields) == [("structs.parquet#x", "Struct field.")]


@pytest.mark.parametrize(
    ("text_field", "reason"),
    [
        ("text", "no 'text' column (its columns: url, content, tags; see --text-field)"),
        ("content.body", "no 'content.body' column (the fields of 'content': title, html; see --text-field)"),
        ("url.text", "no 'url.text' column ('url' is a string column, not a struct; see --text-field)"),
        ("tags.0", "no 'tags.0' column ('tags' is a list column, not a struct; see --text-field)"),
    ],
)
def test_a_file_without_the_text_column_says_what_it_has(tmp_path, text_field, reason):
    """It said only "no 'text' column"."""
    rows = [{"url": "u", "content": {"title": "T", "html": "<p>Words.</p>"}, "tags": ["a"]}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet")
    assert read(tmp_path / "docs.parquet", text_field=text_field) == [("docs.parquet", reason)]

