"""Field names of records: dotted paths, the literal key first, and why a record has no such field."""

from __future__ import annotations

import doctest

import pytest

from dedup import fields
from dedup.fields import field_path, listing

RECORD = {"meta": {"url": "u", "lang": "en", "tags": ["a"]}, "content": "flat text", "n": None}


def test_doctest_examples():
    assert doctest.testmod(fields).failed == 0


@pytest.mark.parametrize(
    ("name", "record", "value"),
    [
        ("meta.url", RECORD, "u"),
        ("meta", RECORD, RECORD["meta"]),
        ("meta.url", {"meta.url": "literal", "meta": {"url": "nested"}}, "literal"),
        ("meta.url", {"meta.url": None, "meta": {"url": "nested"}}, None),  # present: the literal key wins, null too
        ("a.b.c", {"a": {"b": {"c": 3}}}, 3),
        ("a.b.c", {"a.b": {"c": 3}}, None),  # only the whole name, or the whole path: no mixtures
        ("meta.tags.0", RECORD, None),  # no list indexing
        ("content.body", RECORD, None),  # a string on the way
        ("n.x", RECORD, None),
        ("missing", RECORD, None),
        ("", {"": "empty key"}, "empty key"),
        ("a..b", {"a": {"": {"b": 1}}}, 1),
    ],
)
def test_get(name, record, value):
    assert field_path(name).get(record) == value


@pytest.mark.parametrize(
    ("name", "record", "why"),
    [
        ("text", {"url": "u", "title": "t", "maintext": "m"}, "its fields: url, title, maintext"),
        ("text", {}, "it has no fields"),
        ("content.body", {"url": "u"}, "its fields: url"),
        ("content.body", {"content": "flat"}, "'content' is a string, not an object"),
        ("content.body", {"content": None}, "'content' is null, not an object"),
        ("content.body", {"content": [1]}, "'content' is an array, not an object"),
        ("content.body", {"content": 7}, "'content' is a number, not an object"),
        ("content.body", {"content": True}, "'content' is a boolean, not an object"),
        ("content.body.text", {"content": {"body": "x"}}, "'content.body' is a string, not an object"),
        ("content.body", {"content": {"title": "t", "html": "h"}}, "the fields of 'content': title, html"),
        ("content.body", {"content": {}}, "'content' has no fields"),
        # a value, if a null one: said as before (no 'text' field), not explained
        ("text", {"text": None}, None),
        ("content.body", {"content": {"body": None}}, None),
        ("meta.url", {"meta.url": None}, None),
    ],
)
def test_absence(name, record, why):
    assert field_path(name).absence(record) == why


def test_a_listing_is_one_short_line_however_wide_the_record():
    wide = {f"field{k}": k for k in range(1000)} | {"x" * 5000: 1}
    assert listing(wide) == "field0, field1, field2, field3, field4, field5, field6, field7, ..."
    odd = ["a, b", "", "line\nbreak", " pad", "x" * 60, "plain"]
    shown = listing(odd)
    assert shown == "'a, b', '', 'line\\nbreak', ' pad', " + "x" * 37 + "..., plain"
    assert "\n" not in shown


def test_a_name_is_split_once():
    assert field_path("meta.url") is field_path("meta.url")
    assert field_path("meta.url").steps == ("meta", "url") and field_path("text").steps == ()
