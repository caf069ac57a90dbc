"""Report -> rich renderables for the terminal: a summary, the clusters and the pairs."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from dedup.pipeline import Report

__all__ = ["render_report"]


def _pct(x: float) -> str:
    return f"{x:.2f}"


def render_report(report: Report) -> Iterator[RenderableType]:
    """Yield the parts of the human report, in reading order."""
    docs, skipped = len(report.documents), len(report.skipped)
    yield Text(
        f"{docs} document{'s' * (docs != 1)} read, {skipped} skipped, "
        f"{len(report.clusters)} cluster{'s' * (len(report.clusters) != 1)}, "
        f"{len(report.pairs)} pair{'s' * (len(report.pairs) != 1)}"
    )
    if report.clusters:
        table = Table(title="Clusters", title_justify="left", show_lines=False)
        table.add_column("#", justify="right")
        table.add_column("canonical")
        table.add_column("other versions")
        table.add_column("why canonical")
        for k, c in enumerate(report.clusters, start=1):
            others = "\n".join(m for m in c.members if m != c.canonical)
            table.add_row(str(k), c.canonical, others, c.reason)
        yield table
    if report.pairs:
        table = Table(title="Pairs", title_justify="left")
        table.add_column("a")
        table.add_column("b")
        table.add_column("jaccard", justify="right")
        table.add_column("a in b", justify="right")
        table.add_column("b in a", justify="right")
        for p in report.pairs:
            table.add_row(p.a, p.b, _pct(p.jaccard), _pct(p.containment_a_in_b), _pct(p.containment_b_in_a))
        yield table
    else:
        yield Text("No near-duplicates found.")


def render_group(report: Report) -> Group:
    return Group(*render_report(report))
