"""dedup: find the versions of one article in a folder and explain what separates them."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from dedup.document import Document, Paragraph, Skipped, read
from dedup.errors import DedupError, DocumentError, IndexStoreError, UsageError

try:
    __version__ = version("article-dedup")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "DedupError",
    "Document",
    "DocumentError",
    "IndexStoreError",
    "Paragraph",
    "Skipped",
    "UsageError",
    "__version__",
    "read",
]
