"""Exceptions raised by dedup. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

__all__ = ["DedupError", "DocumentError", "IndexStoreError", "UsageError"]


class DedupError(Exception):
    """Base class of every error dedup raises on purpose."""


class UsageError(DedupError, ValueError):
    """A knob or an argument is out of range; the message names it and a likely fix."""


class DocumentError(DedupError):
    """One document cannot be read. The run goes on: it becomes a Skipped entry.

    ``reason`` is a short phrase for humans ("binary file (PNG image)", "empty file").
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# Not called IndexError: that would shadow the builtin wherever it is imported.
class IndexStoreError(DedupError):
    """The persistent index cannot be used (corrupt, incompatible, unwritable)."""
