"""Field names of JSONL records and Parquet rows (``--text-field``, ``--id-field``), dotted paths included.

``meta.url`` reads ``record["meta"]["url"]``; a key spelled with the dot (``{"meta.url": ...}``)
wins when the record has it, so a name that worked before dotted paths reads what it read.
Only objects are traversed: ``items.0`` is not list indexing. A name is resolved once into a
:class:`FieldPath`, whose :meth:`~FieldPath.get` is the one lookup made per record; why a
record has no such field (:meth:`~FieldPath.absence`) is worked out only for the records skipped.

>>> path = field_path("meta.url")
>>> path.get({"meta": {"url": "https://example.com/a"}}), path.get({"meta.url": "x", "meta": {"url": "y"}})
('https://example.com/a', 'x')
>>> path.absence({"meta": "2024-05-01"})
"'meta' is a string, not an object"
>>> field_path("text").absence({"url": "u", "title": "t", "maintext": "m"})
'its fields: url, title, maintext'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["FieldPath", "field_path", "json_kind", "listing"]

#: How many names a message lists before ``...``: enough to spot the right one, one line however wide the record.
LISTED = 8
#: Longer names are cut to this many characters in messages.
NAME_CHARS = 40

_ABSENT = object()


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A field name resolved once: ``name`` as given, and ``steps``, its parts between dots
    (``()`` for a name without a dot, which is only ever looked up as it is)."""

    name: str
    steps: tuple[str, ...] = ()

    def get(self, record: Mapping[str, object]) -> object:
        """The value at this path in ``record`` (a dict, as ``json.loads`` makes), or None when
        there is none: no such key, or a step that is not an object. A key spelled as the whole
        name wins over the path."""
        value = record.get(self.name, _ABSENT)
        if value is not _ABSENT:
            return value
        value = record if self.steps else None
        for step in self.steps:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value

    def absence(
        self, record: Mapping[str, object], *, kind: Callable[[object], str] | None = None, fields: str = "fields"
    ) -> str | None:
        """Why :meth:`get` finds nothing in ``record``, in a few words (``its fields: url, title``,
        ``'content' is a string, not an object``), or None when the path leads to a value (a null one).

        ``kind`` names what a step that is not a mapping holds (:func:`json_kind` by default);
        ``fields`` what the record's own keys are called (``columns`` for a Parquet schema).
        """
        if self.name in record:
            return None
        value: object = record
        for depth, step in enumerate(self.steps or (self.name,)):
            where = ".".join(self.steps[:depth])
            if not isinstance(value, Mapping):
                return f"{where!r} is {(kind or json_kind)(value)}"
            if step not in value:
                if not value:
                    return f"{where!r} has no fields" if depth else f"it has no {fields}"
                return f"the fields of {where!r}: {listing(value)}" if depth else f"its {fields}: {listing(value)}"
            value = value[step]
        return None


@lru_cache(maxsize=64)
def field_path(name: str) -> FieldPath:
    """``name`` (``--text-field``, ``--id-field``) as a :class:`FieldPath`: split at its dots once,
    however many records it then reads."""
    return FieldPath(name, tuple(name.split(".")) if "." in name else ())


def json_kind(value: object) -> str:
    """What a JSON value that is not an object is, for a message: ``a string, not an object``."""
    if value is None:
        return "null, not an object"
    if isinstance(value, bool):
        return "a boolean, not an object"
    if isinstance(value, (int, float)):
        return "a number, not an object"
    if isinstance(value, str):
        return "a string, not an object"
    if isinstance(value, list):
        return "an array, not an object"
    return f"a {type(value).__name__}, not an object"


def listing(names: Mapping[str, object] | list[str], *, limit: int = LISTED) -> str:
    """The first ``limit`` names, in their order, then ``...`` when there are more: ``url, title, ...``.

    A name that would not read plainly in that list (empty, with a comma, a semicolon, a bracket,
    white space at an end, or a character that does not print) is shown quoted; a long one is cut.
    """
    shown = []
    for k, name in enumerate(names):
        if k == limit:
            shown.append("...")
            break
        shown.append(_name(str(name)))
    return ", ".join(shown)


def _name(name: str) -> str:
    if len(name) > NAME_CHARS:
        name = name[: NAME_CHARS - 3] + "..."
    plain = name and name.isprintable() and name.strip() == name and not any(c in name for c in ",;()'\"")
    return name if plain else repr(name)
