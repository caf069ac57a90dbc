"""Detection as a Ray Data job: the local engine's answer, on a cluster (``pip install 'article-dedup[ray]'``).

:func:`run_ray` returns the same :class:`~dedup.pipeline.Report` as :func:`dedup.pipeline.run`
(byte-identical JSON); :func:`write_ray` writes Parquet files of documents, pairs and
clusters instead, for runs too large for one report. The stages, each a Ray Data step:

    tasks       the inputs cut as the local engine cuts them (runs of files, 8 MiB spans
                of JSONL, row groups of Parquet); document.py (parquet.py) reads them
                inside the workers, so skips and ids are the local engine's
    sign        map_batches: pipeline.sign_documents -> one row per document: id, figures,
                signature, shingle set (and paragraph keys for diffs)
    rank        a distributed sort by id; rows are numbered in id order, a repeated id
                keeps its first document (the local engine's row order)
    bands       map_batches: a row per document and band table (index.band_keys, with the
                8 signature rows that split an oversized bucket); a shuffle by bucket
                (groupby of partitions, each holding whole buckets of one exact band key);
                index.bucket_pairs per band table: the candidate pairs, with their tiers
    verify      four hash joins (groupby): the first two bring each pair both documents'
                sizes and signatures (index.size_tier, index.plausible), the last two
                only the plausible pairs their shingle sets (cluster.verify)
    components  cluster.clusters on the driver up to ``driver_edges`` verified pairs;
                above, large-star/small-star on Ray (ray_components), never collected
    output      the Report (diffs as Ray tasks running classify.diff), or Parquet

What the driver holds: the list of sources and tasks (one per file run, span or row
group), a few numbers per block, the verified pairs when there are at most
``driver_edges`` of them, and, for a Report only, the report itself (every document's
figures, and their paragraph keys when diffing). Signatures, shingle sets, band rows
and candidate pairs never come to the driver.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup import parquet
from dedup.document import SUFFIXES, Document, Skipped, Source, find_sources, jsonl_spans, load_at, load_span
from dedup.pipeline import (
    FILES_PER_TASK,
    JSONL_SPAN,
    ROWS_PER_TASK,
    ClusterInfo,
    Config,
    DocumentInfo,
    PairedDocuments,
    PairInfo,
    Progress,
    Report,
    article_stats,
    sign_documents,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

__all__ = ["DRIVER_EDGES", "Written", "run_ray", "write_ray"]

#: Verified pairs up to which connected components run on the driver (about 100 bytes
#: each there); above, they run on Ray (see dedup.ray_components).
DRIVER_EDGES = 10_000_000

#: Bytes of shuffled rows per group of a groupby: a group is one task's work, in memory.
GROUP_BYTES = 64 << 20

#: Bytes of a document's shingle set, assumed when sizing the last joins (a 600-word article).
FP_BYTES = 8 * 600 + 64

#: Suffixes taken from folders: the local engine's, and Parquet.
RAY_SUFFIXES = {**SUFFIXES, parquet.SUFFIX: parquet.FORMAT}

_EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class Written:
    """What :func:`write_ray` wrote under ``output``: one Parquet folder per table."""

    output: str
    documents: int
    skipped: int
    pairs: int
    clusters: int


# --------------------------------------------------------------------------- Ray session


#: Ray Data's shuffle for the groupbys and the sort (``DataContext.shuffle_strategy``). The
#: pull-based sort shuffle was ten times faster than Ray 2.60's default hash shuffle on a
#: 1,342-document run (3 s against 36 s, two CPUs) and three times on 100,000 documents
#: (benchmarks/README.md); ``shuffle=None`` keeps whatever the Ray context has.
SHUFFLE = "sort_shuffle_pull_based"


@contextmanager
def _session(address: str | None, workers: int, shuffle: str | None = SHUFFLE) -> Iterator[None]:
    """A Ray connection: the one already open, else a local Ray (or ``address``), shut at the end."""
    import ray  # noqa: PLC0415 - the ray extra is optional

    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address or "local",
            num_cpus=workers if not address else None,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    context = ray.data.DataContext.get_current()
    bars, strategy = context.enable_progress_bars, context.shuffle_strategy
    context.enable_progress_bars = False
    if shuffle is not None:
        context.shuffle_strategy = shuffle
    try:
        yield
    finally:
        context.enable_progress_bars, context.shuffle_strategy = bars, strategy
        if started:
            ray.shutdown()


def _cpus() -> int:
    import ray  # noqa: PLC0415

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _partitions(rows: int, bytes_per_row: int) -> int:
    """Groups for a shuffle of ``rows``: about GROUP_BYTES each, at least two per CPU."""
    return int(min(max(2 * _cpus(), math.ceil(rows * bytes_per_row / GROUP_BYTES)), 100_000))


# --------------------------------------------------------------------------- Arrow helpers


def _np(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy()


def _matrix(table: pa.Table, name: str, width: int) -> np.ndarray:
    """A fixed-size-list column (no nulls) as an ``(n, width)`` array."""
    arr = table.column(name).combine_chunks()
    return arr.flatten().to_numpy().reshape(-1, width)


def _lists(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A list column as ``(values, offsets)``: row ``i`` is ``values[offsets[i]:offsets[i+1]]``."""
    arr = table.column(name).combine_chunks()
    return arr.values.to_numpy(), arr.offsets.to_numpy()


def _fixed(matrix: np.ndarray):
    import pyarrow as pa  # noqa: PLC0415

    return pa.FixedSizeListArray.from_arrays(pa.array(np.ascontiguousarray(matrix).ravel()), matrix.shape[1])


def _large_list(values: np.ndarray, offsets: np.ndarray):
    import pyarrow as pa  # noqa: PLC0415

    return pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), pa.array(values))


def _part(x: np.ndarray, parts: int) -> np.ndarray:
    """A well-mixed partition number for integer keys (Fibonacci hashing)."""
    mixed = (x.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(29)
    return (mixed % np.uint64(parts)).astype(np.int32)


# --------------------------------------------------------------------------- tasks and signing


class _Where(NamedTuple):
    """Where to read a document again (the attributes PairedDocuments uses)."""

    source: Source
    offset: int
    line: int


def _sources(paths: Sequence[str]) -> tuple[list[Source], list[Skipped]]:
    return find_sources(paths, suffixes=RAY_SUFFIXES)


def _tasks(sources: list[Source]) -> tuple[list[dict], list[Skipped]]:
    """Task records: ``first``/``count`` sources, and a span (JSONL) or a row group (Parquet).

    Cut as the local engine cuts its work, spans computed by Ray tasks (a JSONL file is
    read once for them). JSONL spans must be the local engine's: a key repeated inside
    one span is reported differently from one repeated across spans.
    """
    import ray  # noqa: PLC0415

    spans_of = ray.remote(_spans)
    pending = {i: spans_of.remote(s) for i, s in enumerate(sources) if s.format in ("jsonl", parquet.FORMAT)}
    got = dict(zip(pending, ray.get(list(pending.values()))))
    tasks: list[dict] = []
    skipped: list[Skipped] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            tasks.append(_task(sources, run[0], len(run), "files", 0, -1, 1))
            run.clear()

    for i, source in enumerate(sources):
        if i not in got:
            run.append(i)
            if len(run) >= FILES_PER_TASK:
                flush()
            continue
        flush()
        spans = got[i]
        if isinstance(spans, Skipped):
            skipped.append(spans)
            continue
        kind = "jsonl" if source.format == "jsonl" else "parquet"
        tasks.extend(_task(sources, i, 1, kind, a, b, c) for a, b, c in spans)
    flush()
    return tasks, skipped


def _task(sources: list[Source], first: int, count: int, kind: str, start: int, end: int, line: int) -> dict:
    chosen = sources[first : first + count]
    return {
        "first": first,
        "kind": kind,
        "paths": [s.path for s in chosen],
        "ids": [s.id for s in chosen],
        "formats": [s.format for s in chosen],
        "sizes": [s.size for s in chosen],
        "start": start,
        "end": end,  # -1: to the end
        "line": line,  # first line (JSONL), first row (Parquet)
    }


def _spans(source: Source) -> list[tuple[int, int, int]] | Skipped:
    if source.format == parquet.FORMAT:
        groups = parquet.row_groups(source)
        return groups if isinstance(groups, Skipped) else [(g, -1, first) for g, first in groups]
    try:
        return jsonl_spans(source.path, size=JSONL_SPAN)
    except OSError:
        return [(0, -1, 1)]  # load_span reports the error as a Skipped


def _items(task: dict, config: Config) -> Iterator[tuple[int, int, int, Document | Skipped]]:
    """``(source index, offset, line, item)`` for everything a task reads."""
    kwargs = {"max_bytes": config.max_bytes, "text_field": config.text_field, "id_field": config.id_field}
    sources = [Source(p, i, f, z) for p, i, f, z in zip(task["paths"], task["ids"], task["formats"], task["sizes"])]
    first, end = task["first"], (None if task["end"] < 0 else task["end"])
    if task["kind"] == "parquet":
        for offset, line, item in parquet.load_row_group(sources[0], task["start"], task["line"], **kwargs):
            yield first, offset, line, item
        return
    if task["kind"] == "jsonl":
        spans = [(sources[0], {"start": task["start"], "end": end, "first_line": task["line"]})]
    else:
        spans = [(s, {}) for s in sources]
    for k, (source, span) in enumerate(spans):
        for offset, line, item in load_span(source, **span, **kwargs):
            yield first + k, offset, line, item


def _sign(batch: pa.Table, *, config: Config) -> pa.Table:
    """One task (a batch of one row) -> one row per document, and one per skipped item."""
    import pyarrow as pa  # noqa: PLC0415

    out = []
    for task, number in zip(batch.to_pylist(), _np(batch, "task").tolist()):
        docs, where, skipped = [], [], []
        for src, offset, line, item in _items(task, config):
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                docs.append(item)
                where.append((src, offset, line))
        signed = sign_documents(docs, config)
        skipped.extend(signed.skipped)
        keep = signed.kept.tolist()
        sizes = signed.sizes
        fp_offsets = np.concatenate(([0], np.cumsum(sizes)))
        keys = signed.paragraph_keys
        key_offsets = np.concatenate(([0], np.cumsum([len(k) for k in keys]))) if keys else np.zeros(len(keep) + 1)
        n = len(keep)
        table = pa.table(
            {
                "id": pa.array([docs[k].id for k in keep], pa.string()),
                "uid": pa.array((number << 32) + np.asarray(keep, dtype=np.int64), pa.int64()),
                "src": pa.array([where[k][0] for k in keep], pa.int64()),
                "offset": pa.array([where[k][1] for k in keep], pa.int64()),
                "line": pa.array([where[k][2] for k in keep], pa.int64()),
                "paragraphs": pa.array([len(docs[k].paragraphs) for k in keep], pa.int64()),
                "chars": pa.array([len(docs[k].text) for k in keep], pa.int64()),
                "shingles": pa.array(sizes, pa.int64()),
                "sig": _fixed(signed.hashvalues.reshape(n, config.num_perm)),
                "fp": _large_list(signed.fingerprints.astype(np.uint64), fp_offsets),
                "pk": _large_list(
                    np.concatenate(keys).astype(np.uint64) if keys else np.zeros(0, np.uint64),
                    key_offsets.astype(np.int64),
                ),
                "reason": pa.nulls(n, pa.string()),
            }
        )
        out.append(table)
        if skipped:
            m = len(skipped)
            out.append(
                pa.table(
                    {
                        name: (
                            pa.array([s.path for s in skipped], pa.string())
                            if name == "id"
                            else pa.array([s.reason for s in skipped], pa.string())
                            if name == "reason"
                            else pa.nulls(m, table.schema.field(name).type)
                        )
                        for name in table.column_names
                    },
                    schema=table.schema,
                )
            )
    return pa.concat_tables(out)


def _is_doc(batch: pa.Table) -> pa.Table:
    import pyarrow.compute as pc  # noqa: PLC0415

    return batch.filter(pc.is_null(batch.column("reason"))).drop_columns(["reason"])


def _is_skip(batch: pa.Table) -> pa.Table:
    import pyarrow.compute as pc  # noqa: PLC0415

    return batch.filter(pc.is_valid(batch.column("reason"))).select(["id", "reason"]).rename_columns(["path", "reason"])


# --------------------------------------------------------------------------- rank


def _block_ends(table: pa.Table) -> tuple[int, str | None, str | None, int]:
    """Rows, first and last id, and ids equal to the one before, of a block sorted by id."""
    ids = table.column("id").to_pylist()
    dups = sum(1 for a, b in zip(ids, ids[1:]) if a == b)
    return len(ids), (ids[0] if ids else None), (ids[-1] if ids else None), dups


def _number(table: pa.Table, first_row: int, previous: str | None) -> tuple[pa.Table, pa.Table]:
    """Number a sorted block's documents from ``first_row``; repeats of an id are split off."""
    import pyarrow as pa  # noqa: PLC0415

    ids = table.column("id").to_pylist()
    repeat = np.array([ident == (ids[k - 1] if k else previous) for k, ident in enumerate(ids)], dtype=bool)
    kept = table.filter(pa.array(~repeat)).drop_columns(["uid"])
    kept = kept.add_column(0, "row", pa.array(first_row + np.arange(kept.num_rows, dtype=np.int64)))
    gone = table.filter(pa.array(repeat)).select(["id"]).rename_columns(["path"])
    reason = "duplicate id (a record with this id came earlier)"
    gone = gone.append_column("reason", pa.array([reason] * gone.num_rows, pa.string()))
    return kept, gone


def _rank(docs: Dataset) -> tuple[Dataset, Dataset, int]:
    """Documents numbered in id order (``row``), repeated ids (as skipped rows), and their count."""
    import ray  # noqa: PLC0415

    blocks = docs.sort(["id", "uid"]).materialize().to_arrow_refs()
    ends = ray.get([ray.remote(_block_ends).remote(b) for b in blocks])
    number = ray.remote(num_returns=2)(_number)
    kept, gone = [], []
    row, previous = 0, None
    for block, (n, first, last, dups) in zip(blocks, ends):
        if not n:
            continue
        k, g = number.remote(block, row, previous)
        kept.append(k)
        gone.append(g)
        row += n - dups - (first == previous)
        previous = last
    if not kept:
        return _empty_docs(), ray.data.from_items([]), 0
    return ray.data.from_arrow_refs(kept), ray.data.from_arrow_refs(gone), row


def _empty_docs():
    import ray  # noqa: PLC0415

    return ray.data.from_items([])


# --------------------------------------------------------------------------- bands -> candidates


def _band_rows(batch: pa.Table, *, tables: list[tuple[int, int, int]], num_perm: int, parts: int) -> pa.Table:
    """A row per document and band table: the bucket (table, key), the row, the splitting rows."""
    import pyarrow as pa  # noqa: PLC0415

    rows = _np(batch, "row")
    sig = np.ascontiguousarray(_matrix(batch, "sig", num_perm).T)
    n = len(rows)
    table_ids, keys, extras = [], [], []
    for j, (_, start, r) in enumerate(tables):
        table_ids.append(np.full(n, j, dtype=np.int32))
        keys.append(index_stage.band_keys(sig, start, r))
        extras.append(sig[index_stage.extra_rows(start, r, num_perm)].T)
    table_id = np.concatenate(table_ids)
    key = np.concatenate(keys)
    bucket = (table_id.astype(np.uint64) << np.uint64(32)) | key.astype(np.uint64)
    return pa.table(
        {
            "part": pa.array(_part(bucket, parts)),
            "table": pa.array(table_id),
            "key": pa.array(key),
            "row": pa.array(np.tile(rows, len(tables))),
            "extra": _fixed(np.concatenate(extras)),
        }
    )


def _bucket_pairs(group: pa.Table, *, tables: list[tuple[int, int, int]], max_bucket: int) -> pa.Table:
    """Candidate pairs of every bucket of a partition, with the tiers they collided in (a bit each)."""
    import pyarrow as pa  # noqa: PLC0415

    table_id, key, rows = _np(group, "table"), _np(group, "key"), _np(group, "row")
    extra = _matrix(group, "extra", index_stage.MAX_EXTRA_ROWS)
    order = np.lexsort((rows, table_id))  # each band table's rows in id order
    table_id, key, rows, extra = table_id[order], key[order], rows[order], extra[order]
    bounds = np.flatnonzero(np.diff(table_id)) + 1
    codes, tiers = [], []
    for lo, hi in zip(np.concatenate(([0], bounds)).tolist(), np.concatenate((bounds, [len(rows)])).tolist()):
        ex = extra[lo:hi]
        found = index_stage.bucket_pairs(key[lo:hi], lambda e, g, ex=ex: ex[g, e], max_bucket=max_bucket)
        tier = tables[int(table_id[lo])][0]
        for a, b in found:
            codes.append(np.stack([rows[lo:hi][a], rows[lo:hi][b]], axis=1))
            tiers.append(np.full(len(a), 1 << tier, dtype=np.uint8))
    if not codes:
        return _pairs_table(np.zeros((0, 2), np.int64), np.zeros(0, np.uint8))
    pairs, bits = _merge_pairs(np.concatenate(codes), np.concatenate(tiers))
    return _pairs_table(pairs, bits)


def _merge_pairs(pairs: np.ndarray, bits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs, each with the union of its tier bits."""
    uniq, inverse = np.unique(pairs, axis=0, return_inverse=True)
    merged = np.zeros(len(uniq), dtype=np.uint8)
    np.bitwise_or.at(merged, inverse.ravel(), bits)
    return uniq, merged


def _pairs_table(pairs: np.ndarray, bits: np.ndarray) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    return pa.table({"a": pa.array(pairs[:, 0], pa.int64()), "b": pa.array(pairs[:, 1], pa.int64()),
                     "tiers": pa.array(bits, pa.uint8())})


# --------------------------------------------------------------------------- verification (four joins)
#
# Each join is a groupby of partitions by document: a document's own row (``other`` = -1)
# and the pair rows naming it meet in one group, and the pairs leave keyed by their other
# document, carrying this one's data. The first two joins bring the signatures (512 bytes
# at 128 permutations) for the size tiers and index.plausible, which drops most of the
# candidates; only the pairs left take the shingle sets (kilobytes) through the last two.


def _sig_schema(num_perm: int):
    import pyarrow as pa  # noqa: PLC0415

    return pa.schema(
        [
            ("part", pa.int32()),
            ("key", pa.int64()),  # the document joined on
            ("other", pa.int64()),  # a pair's other document; -1 on a document's own row
            ("tiers", pa.uint8()),
            ("size", pa.int64()),
            ("sig", pa.list_(pa.uint32(), num_perm)),
        ]
    )


def _fp_schema():
    import pyarrow as pa  # noqa: PLC0415

    return pa.schema(
        [
            ("part", pa.int32()),
            ("key", pa.int64()),
            ("other", pa.int64()),
            ("size_a", pa.int64()),
            ("size_b", pa.int64()),
            ("fp", pa.large_list(pa.uint64())),
            ("id", pa.string()),
        ]
    )


def _docs_sig(batch: pa.Table, *, num_perm: int, parts: int) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    rows = _np(batch, "row")
    n = len(rows)
    return pa.table(
        {
            "part": pa.array(_part(rows, parts)),
            "key": batch.column("row"),
            "other": pa.array(np.full(n, -1, dtype=np.int64)),
            "tiers": pa.array(np.zeros(n, dtype=np.uint8)),
            "size": batch.column("shingles"),
            "sig": batch.column("sig"),
        },
        schema=_sig_schema(num_perm),
    )


def _pairs_sig(batch: pa.Table, *, num_perm: int, parts: int) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    schema = _sig_schema(num_perm)
    n = batch.num_rows
    return pa.table(
        {
            "part": pa.array(_part(_np(batch, "a"), parts)),
            "key": batch.column("a"),
            "other": batch.column("b"),
            "tiers": batch.column("tiers"),
            "size": pa.nulls(n, pa.int64()),
            "sig": pa.nulls(n, schema.field("sig").type),
        },
        schema=schema,
    )


def _docs_fp(batch: pa.Table, *, parts: int) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    rows = _np(batch, "row")
    n = len(rows)
    minus = pa.array(np.full(n, -1, dtype=np.int64))
    return pa.table(
        {
            "part": pa.array(_part(rows, parts)),
            "key": batch.column("row"),
            "other": minus,
            "size_a": minus,
            "size_b": minus,
            "fp": batch.column("fp"),
            "id": batch.column("id"),
        },
        schema=_fp_schema(),
    )


def _split_join(group: pa.Table) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """A join group's document rows (sorted by key), its pair rows, and each pair's document row."""
    import pyarrow as pa  # noqa: PLC0415

    other = _np(group, "other")
    docs = group.filter(pa.array(other < 0))
    docs = docs.take(pa.array(np.argsort(_np(docs, "key"), kind="stable")))
    pairs = group.filter(pa.array(other >= 0))
    doc_keys, pair_keys = _np(docs, "key"), _np(pairs, "key")
    at = np.searchsorted(doc_keys, pair_keys)
    if len(at) and (at.max(initial=0) >= len(doc_keys) or (doc_keys[at] != pair_keys).any()):
        raise AssertionError("a candidate pair names a document that is not there")
    return docs, pairs, at


def _attach_sig(group: pa.Table, *, num_perm: int, parts: int) -> pa.Table:
    """Join 1 (by a): unique pairs, keyed now by ``b``, with ``a``'s size and signature."""
    import pyarrow as pa  # noqa: PLC0415

    docs, pairs, _ = _split_join(group)
    if not pairs.num_rows:
        return _sig_schema(num_perm).empty_table()
    uniq, bits = _merge_pairs(np.stack([_np(pairs, "key"), _np(pairs, "other")], axis=1), _np(pairs, "tiers"))
    at = pa.array(np.searchsorted(_np(docs, "key"), uniq[:, 0]))
    return pa.table(
        {
            "part": pa.array(_part(uniq[:, 1], parts)),
            "key": pa.array(uniq[:, 1]),
            "other": pa.array(uniq[:, 0]),
            "tiers": pa.array(bits),
            "size": docs.column("size").take(at),
            "sig": docs.column("sig").take(at),
        },
        schema=_sig_schema(num_perm),
    )


def _plausible(group: pa.Table, *, config: Config, tiers: tuple[index_stage.Tier, ...], parts: int) -> pa.Table:
    """Join 2 (by b): the candidate rule's size tiers, then index.plausible; pairs keyed by ``a``."""
    import pyarrow as pa  # noqa: PLC0415

    docs, pairs, at = _split_join(group)
    schema = _fp_schema()
    if not pairs.num_rows:
        return schema.empty_table()
    num_perm = config.num_perm
    b, a = _np(pairs, "key"), _np(pairs, "other")
    size_a, size_b = _np(pairs, "size"), _np(docs, "size")[at]
    sig_a, sig_b = _matrix(pairs, "sig", num_perm), _matrix(docs, "sig", num_perm)[at]
    tier = index_stage.size_tier(size_a, size_b, tiers)
    keep = (tier < len(tiers)) & ((_np(pairs, "tiers") >> np.minimum(tier, 7).astype(np.uint8)) & 1).astype(bool)
    keep &= ~np.all(sig_a == _EMPTY, axis=1) & ~np.all(sig_b == _EMPTY, axis=1)
    idx = np.flatnonzero(keep)
    m = len(idx)
    local = index_stage.plausible(
        np.stack([np.arange(m), np.arange(m) + m], axis=1),
        np.concatenate([sig_a[idx], sig_b[idx]]),
        np.concatenate([size_a[idx], size_b[idx]]),
        threshold=config.threshold,
        containment=config.containment,
    )
    kept = idx[local[:, 0]]
    n = len(kept)
    return pa.table(
        {
            "part": pa.array(_part(a[kept], parts)),
            "key": pa.array(a[kept]),
            "other": pa.array(b[kept]),
            "size_a": pa.array(size_a[kept]),
            "size_b": pa.array(size_b[kept]),
            "fp": pa.nulls(n, schema.field("fp").type),
            "id": pa.nulls(n, pa.string()),
        },
        schema=schema,
    )


def _attach_fp(group: pa.Table, *, parts: int) -> pa.Table:
    """Join 3 (by a): the pairs, keyed now by ``b``, with ``a``'s shingle set and id."""
    import pyarrow as pa  # noqa: PLC0415

    docs, pairs, at = _split_join(group)
    if not pairs.num_rows:
        return _fp_schema().empty_table()
    at = pa.array(at)
    b = _np(pairs, "other")
    return pa.table(
        {
            "part": pa.array(_part(b, parts)),
            "key": pairs.column("other"),
            "other": pairs.column("key"),
            "size_a": pairs.column("size_a"),
            "size_b": pairs.column("size_b"),
            "fp": docs.column("fp").take(at),
            "id": docs.column("id").take(at),
        },
        schema=_fp_schema(),
    )


_MATCH_COLUMNS = ("a", "b", "id_a", "id_b", "size_a", "size_b", "shared")


def _verify(group: pa.Table, *, config: Config) -> pa.Table:
    """Join 4 (by b): exact verification (cluster.verify) with both shingle sets."""
    import pyarrow as pa  # noqa: PLC0415

    docs, pairs, at = _split_join(group)
    if not pairs.num_rows:
        return _matches_table([], [], [])
    b, a = _np(pairs, "key"), _np(pairs, "other")
    m = len(a)
    fa_values, fa_off = _lists(pairs, "fp")
    fb_values, fb_off = _lists(docs, "fp")

    def fingerprints(i: int) -> np.ndarray:
        if i < m:
            return fa_values[fa_off[i] : fa_off[i + 1]]
        k = at[i - m]
        return fb_values[fb_off[k] : fb_off[k + 1]]

    local = np.stack([np.arange(m), np.arange(m) + m], axis=1)
    found = cluster_stage.verify(local, fingerprints, threshold=config.threshold, containment=config.containment)
    which = np.array([x.a for x in found], dtype=np.int64)
    ids_a = pairs.column("id").take(pa.array(which)).to_pylist()
    ids_b = docs.column("id").take(pa.array(at[which])).to_pylist()
    rows = [(int(a[k]), int(b[k])) for k in which]
    return _matches_table(rows, list(zip(ids_a, ids_b)), [(x.size_a, x.size_b, x.shared) for x in found])


def _matches_table(rows, ids, figures) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    cols = list(zip(*rows)) or [(), ()]
    names = list(zip(*ids)) or [(), ()]
    nums = list(zip(*figures)) or [(), (), ()]
    return pa.table(
        {
            "a": pa.array(cols[0], pa.int64()),
            "b": pa.array(cols[1], pa.int64()),
            "id_a": pa.array(names[0], pa.string()),
            "id_b": pa.array(names[1], pa.string()),
            "size_a": pa.array(nums[0], pa.int64()),
            "size_b": pa.array(nums[1], pa.int64()),
            "shared": pa.array(nums[2], pa.int64()),
        }
    )


# --------------------------------------------------------------------------- the job


@dataclass(slots=True)
class _Detected:
    """What the distributed stages leave for the output: datasets, and a few counts."""

    docs: Dataset
    skipped: list[Skipped]
    skipped_rows: list[Dataset]
    matches: Dataset
    pairs: int
    documents: int
    sources: list[Source]


def _detect(paths: Sequence[str], config: Config, note) -> _Detected:
    import ray  # noqa: PLC0415

    sources, found_skipped = _sources(paths)
    tasks, span_skipped = _tasks(sources)
    skipped = list(found_skipped) + span_skipped
    num_perm = config.num_perm
    tiers = config.tiers
    tables = index_stage.band_tables(tiers)
    empty = ray.data.from_items([])

    if tasks:
        items = [{"task": k, **t} for k, t in enumerate(tasks)]
        signed = (
            ray.data.from_items(items, override_num_blocks=min(len(items), 10_000))
            .map_batches(_sign, batch_size=1, batch_format="pyarrow", fn_kwargs={"config": config})
            .materialize()
        )
        skipped_rows = [signed.map_batches(_is_skip, batch_format="pyarrow")]
        docs, repeated, n = _rank(signed.map_batches(_is_doc, batch_format="pyarrow"))
        skipped_rows.append(repeated)
        del signed
    else:
        docs, skipped_rows, n = empty, [], 0
    note("read", n, n)
    if n < 2:
        return _Detected(docs, skipped, skipped_rows, ray.data.from_items([]), 0, n, sources)

    parts = _partitions(n * len(tables), 56)
    band_rows = docs.select_columns(["row", "sig"]).map_batches(
        _band_rows,
        batch_size=4096,
        batch_format="pyarrow",
        fn_kwargs={"tables": tables, "num_perm": num_perm, "parts": parts},
    )
    candidates = (
        band_rows.groupby("part", num_partitions=parts)
        .map_groups(_bucket_pairs, batch_format="pyarrow", fn_kwargs={"tables": tables, "max_bucket": config.max_bucket})
        .materialize()
    )
    count = candidates.count()
    note("candidates", count, count)

    sig_kwargs = {"num_perm": num_perm, "parts": _partitions(n + 4 * count, 4 * num_perm + 40)}
    docs_sig = docs.map_batches(_docs_sig, batch_format="pyarrow", fn_kwargs=sig_kwargs)
    with_a = (
        docs_sig.union(candidates.map_batches(_pairs_sig, batch_format="pyarrow", fn_kwargs=sig_kwargs))
        .groupby("part", num_partitions=sig_kwargs["parts"])
        .map_groups(_attach_sig, batch_format="pyarrow", fn_kwargs=sig_kwargs)
    )
    fp_parts = _partitions(n, FP_BYTES)
    likely = (
        docs_sig.union(with_a)
        .groupby("part", num_partitions=sig_kwargs["parts"])
        .map_groups(_plausible, batch_format="pyarrow", fn_kwargs={"config": config, "tiers": tiers, "parts": fp_parts})
        .materialize()
    )
    del candidates
    docs_fp = docs.map_batches(_docs_fp, batch_format="pyarrow", fn_kwargs={"parts": fp_parts})
    with_fp = (
        docs_fp.union(likely)
        .groupby("part", num_partitions=fp_parts)
        .map_groups(_attach_fp, batch_format="pyarrow", fn_kwargs={"parts": fp_parts})
    )
    matches = (
        docs_fp.union(with_fp)
        .groupby("part", num_partitions=fp_parts)
        .map_groups(_verify, batch_format="pyarrow", fn_kwargs={"config": config})
        .materialize()
    )
    verified = matches.count()
    note("verify", count, count)
    return _Detected(docs, skipped, skipped_rows, matches, verified, n, sources)


def _clusters(found: _Detected, driver_edges: int) -> list[tuple[tuple[int, ...], tuple[str, ...], int, str, str]]:
    """Clusters as ``(member rows, member ids, canonical row, canonical id, reason)``, sorted."""
    from dedup import ray_components  # noqa: PLC0415

    if found.pairs > driver_edges:
        table = ray_components.clusters(found.matches, partitions=_partitions(found.pairs, 200))
        return ray_components.collect(table)
    table = _collect(found.matches, _MATCH_COLUMNS)
    return _driver_clusters(table)


def _driver_clusters(table: pa.Table) -> list[tuple[tuple[int, ...], tuple[str, ...], int, str, str]]:
    """cluster.clusters on the verified pairs, over their documents only (numbered in id order)."""
    a, b = _np(table, "a"), _np(table, "b")
    nodes, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    ids = [""] * len(nodes)
    for k, ident in zip(inverse.tolist(), table.column("id_a").to_pylist() + table.column("id_b").to_pylist()):
        ids[k] = ident
    m = len(a)
    matches = [
        cluster_stage.Match(x, y, sa, sb, s)
        for x, y, sa, sb, s in zip(
            inverse[:m].tolist(),
            inverse[m:].tolist(),
            _np(table, "size_a").tolist(),
            _np(table, "size_b").tolist(),
            _np(table, "shared").tolist(),
        )
    ]
    out = []
    for c in cluster_stage.clusters(len(nodes), matches, ids):
        rows = tuple(int(nodes[x]) for x in c.members)
        out.append((rows, tuple(ids[x] for x in c.members), int(nodes[c.canonical]), ids[c.canonical], c.reason))
    return out


def _collect(ds: Dataset, columns: Sequence[str]) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415
    import ray  # noqa: PLC0415

    tables = [t.select(list(columns)) for t in ray.get(ds.to_arrow_refs()) if t.num_rows]
    if not tables:
        return pa.table({c: pa.array([], pa.int64()) for c in columns})
    return pa.concat_tables(tables)


def _round(x: float) -> float:
    return round(x, 6)


def _pair_info(a: str, b: str, size_a: int, size_b: int, shared: int, diff: tuple = ()) -> PairInfo:
    m = cluster_stage.Match(0, 1, size_a, size_b, shared)
    return PairInfo(a, b, _round(m.jaccard), _round(m.containment_a_in_b), _round(m.containment_b_in_a), shared, diff)


def _load(where: _Where, config: Config) -> Document | None:
    kwargs = {"max_bytes": config.max_bytes, "text_field": config.text_field, "id_field": config.id_field}
    if where.source.format == parquet.FORMAT:
        item = parquet.load_row(where.source, where.offset, **kwargs)
    else:
        item = load_at(where.source, where.offset, where.line, **kwargs)
    return item if isinstance(item, Document) else None


def _diff_chunk(jobs: list[tuple[_Where, _Where]], stats, config: Config) -> list[tuple]:
    """Diffs of a chunk of pairs (a Ray task): classify.diff on the documents read again."""
    from dedup.classify import diff  # noqa: PLC0415

    cache: dict[_Where, Document | None] = {}

    def doc(w: _Where) -> Document | None:
        if w not in cache:
            cache[w] = _load(w, config)
        return cache[w]

    out = []
    for wa, wb in jobs:
        a, b = doc(wa), doc(wb)
        out.append(tuple(diff(a, b, stats=stats)) if a is not None and b is not None else ())
    return out


class _Paired(PairedDocuments):
    """PairedDocuments that also reads Parquet rows again."""

    def _load(self, ident: str) -> Document | None:
        item = _load(self._where[ident], self._config)
        return item if item is not None and item.id == ident else None


def run_ray(
    paths: Sequence[str],
    config: Config | None = None,
    *,
    address: str | None = None,
    progress: Progress | None = None,
    driver_edges: int = DRIVER_EDGES,
    shuffle: str | None = SHUFFLE,
) -> Report:
    """:func:`dedup.pipeline.run` as a Ray Data job: the same Report, byte for byte as JSON.

    ``address`` attaches to a running Ray cluster (``"auto"``, ``"ray://host:10001"``);
    without it a local Ray with ``config.workers`` CPUs is started and stopped, unless
    this process is already connected to one, which is then used. The documents' figures
    (and their paragraph keys when diffing) come to the driver, as the report holds them;
    for runs too large for that, :func:`write_ray`. Diffs run as Ray tasks. Above
    ``driver_edges`` verified pairs, connected components run on Ray; ``shuffle`` is Ray
    Data's shuffle strategy for this run (None: the context's own).
    """
    config = config or Config()
    note = progress or (lambda stage, done, total: None)
    with _session(address, config.workers, shuffle):
        import ray  # noqa: PLC0415

        found = _detect(paths, config, note)
        columns = ["row", "id", "paragraphs", "chars", "shingles", "src", "offset", "line"]
        docs = _collect(found.docs, columns + (["pk"] if config.diff else [])) if found.documents else None
        skipped = found.skipped + [
            Skipped(r["path"], r["reason"]) for ds in found.skipped_rows for r in _collect(ds, ["path", "reason"]).to_pylist()
        ]
        infos: list[DocumentInfo] = []
        where: dict[int, _Where] = {}
        if docs is not None:
            order = np.argsort(_np(docs, "row"), kind="stable")
            docs = docs.take(order)
            infos = [
                DocumentInfo(i, p, c, s)
                for i, p, c, s in zip(
                    docs.column("id").to_pylist(),
                    _np(docs, "paragraphs").tolist(),
                    _np(docs, "chars").tolist(),
                    _np(docs, "shingles").tolist(),
                )
            ]
        groups = _clusters(found, driver_edges) if found.pairs else []
        table = _collect(found.matches, _MATCH_COLUMNS) if found.pairs else None
        pairs: list[PairInfo] = []
        diffs: list[tuple] = []
        if table is not None:
            order = np.lexsort((_np(table, "b"), _np(table, "a")))
            table = table.take(order)
            if config.diff:
                src, offset, line = _np(docs, "src"), _np(docs, "offset"), _np(docs, "line")
                for r in set(_np(table, "a").tolist()) | set(_np(table, "b").tolist()):
                    where[r] = _Where(found.sources[int(src[r])], int(offset[r]), int(line[r]))
                values, offsets = _lists(docs, "pk")
                counts = np.diff(offsets)
                stats = article_stats(
                    values.astype(np.uint64),
                    np.repeat(np.arange(len(infos), dtype=np.int64), counts),
                    len(infos),
                    [cluster_stage.Cluster(rows, canonical, reason) for rows, _, canonical, _, reason in groups],
                )
                jobs = [(where[a], where[b]) for a, b in zip(_np(table, "a").tolist(), _np(table, "b").tolist())]
                stats_ref = ray.put(stats)
                task = ray.remote(_diff_chunk)
                refs = [task.remote(jobs[k : k + ROWS_PER_TASK], stats_ref, config) for k in range(0, len(jobs), ROWS_PER_TASK)]
                for got in refs:
                    diffs.extend(ray.get(got))
                    note("diff", len(diffs), len(jobs))
            for k, (a, b, sa, sb, s) in enumerate(
                zip(
                    table.column("id_a").to_pylist(),
                    table.column("id_b").to_pylist(),
                    _np(table, "size_a").tolist(),
                    _np(table, "size_b").tolist(),
                    _np(table, "shared").tolist(),
                )
            ):
                pairs.append(_pair_info(a, b, sa, sb, s, diffs[k] if diffs else ()))
    paired: Mapping[str, Document] = {}
    if config.diff and pairs:
        paired = _Paired({infos[r].id: w for r, w in where.items()}, config)
    skipped.sort(key=lambda s: (s.path, s.reason))
    return Report(
        config=config,
        documents=tuple(infos),
        skipped=tuple(skipped),
        clusters=tuple(ClusterInfo(ids, canonical, reason) for _, ids, _, canonical, reason in groups),
        pairs=tuple(sorted(pairs, key=lambda p: (p.a, p.b))),
        paired=paired,
    )


# --------------------------------------------------------------------------- Parquet output

#: The tables :func:`write_ray` writes, one folder of Parquet files each, and their columns.
TABLES = {
    "documents": ("id", "paragraphs", "chars", "shingles"),
    "skipped": ("path", "reason"),
    "pairs": ("a", "b", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared"),
    "clusters": ("members", "canonical", "reason"),
}


def _pair_rows(batch: pa.Table) -> pa.Table:
    """Verified pairs -> the report's pair figures (rounded as the JSON report rounds them)."""
    import pyarrow as pa  # noqa: PLC0415

    infos = [
        _pair_info(a, b, sa, sb, s)
        for a, b, sa, sb, s in zip(
            batch.column("id_a").to_pylist(),
            batch.column("id_b").to_pylist(),
            _np(batch, "size_a").tolist(),
            _np(batch, "size_b").tolist(),
            _np(batch, "shared").tolist(),
        )
    ]
    return pa.table(
        {
            "a": pa.array([p.a for p in infos], pa.string()),
            "b": pa.array([p.b for p in infos], pa.string()),
            "jaccard": pa.array([p.jaccard for p in infos], pa.float64()),
            "containment_a_in_b": pa.array([p.containment_a_in_b for p in infos], pa.float64()),
            "containment_b_in_a": pa.array([p.containment_b_in_a for p in infos], pa.float64()),
            "shared": pa.array([p.shared for p in infos], pa.int64()),
        }
    )


def _cluster_table(groups) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    return pa.table(
        {
            "members": pa.array([list(ids) for _, ids, _, _, _ in groups], pa.list_(pa.string())),
            "canonical": pa.array([c for _, _, _, c, _ in groups], pa.string()),
            "reason": pa.array([r for _, _, _, _, r in groups], pa.string()),
        }
    )


def _write(ds: Dataset | None, folder: str, empty: pa.Table) -> int:
    """Write a dataset as a folder of Parquet files (one empty file when it has no rows)."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    if ds is not None:
        ds = ds.materialize()
    rows = ds.count() if ds is not None else 0
    if rows:
        ds.write_parquet(folder)
    else:
        os.makedirs(folder, exist_ok=True)
        pq.write_table(empty, os.path.join(folder, "empty.parquet"))
    return rows


def write_ray(
    paths: Sequence[str],
    output: str | os.PathLike[str],
    config: Config | None = None,
    *,
    address: str | None = None,
    progress: Progress | None = None,
    driver_edges: int = DRIVER_EDGES,
    shuffle: str | None = SHUFFLE,
) -> Written:
    """Detect as :func:`run_ray` does and write the answer as Parquet under ``output``.

    ``output`` (a new or empty folder) gets ``documents/``, ``skipped/``, ``pairs/`` and
    ``clusters/`` (see :data:`TABLES`: the JSON report's fields, ids as strings; lists of
    cluster members in id order) and ``config.json``. Nothing proportional to the corpus
    comes to the driver (verified pairs only up to ``driver_edges``, for components).
    Pairs carry their figures, not diffs (``dedup diff`` gives those for any pair).
    Raises UsageError when ``output`` holds something already.
    """
    import json  # noqa: PLC0415

    import pyarrow as pa  # noqa: PLC0415

    from dedup.errors import UsageError  # noqa: PLC0415
    from dedup.render.json import VERSION  # noqa: PLC0415

    output = os.fspath(output)
    if os.path.exists(output) and (not os.path.isdir(output) or os.listdir(output)):
        raise UsageError(f"{output}: exists and is not an empty folder; give a new folder for the Parquet files")
    config = replace(config or Config(), diff=False)
    note = progress or (lambda stage, done, total: None)
    with _session(address, config.workers, shuffle):
        import ray  # noqa: PLC0415

        found = _detect(paths, config, note)
        os.makedirs(output, exist_ok=True)
        strings = {name: pa.table({c: pa.array([], pa.string()) for c in cols}) for name, cols in TABLES.items()}
        documents = _write(
            found.docs.select_columns(list(TABLES["documents"])) if found.documents else None,
            os.path.join(output, "documents"),
            strings["documents"],
        )
        skipped_rows = list(found.skipped_rows)
        if found.skipped:
            skipped_rows.append(ray.data.from_items([{"path": s.path, "reason": s.reason} for s in found.skipped]))
        skipped_ds = skipped_rows[0].union(*skipped_rows[1:]) if skipped_rows else None
        skipped = _write(
            skipped_ds.sort(["path", "reason"]) if skipped_ds is not None and skipped_ds.count() else None,
            os.path.join(output, "skipped"),
            strings["skipped"],
        )
        pairs = _write(
            found.matches.sort(["a", "b"]).map_batches(_pair_rows, batch_format="pyarrow") if found.pairs else None,
            os.path.join(output, "pairs"),
            strings["pairs"],
        )
        if found.pairs > driver_edges:
            from dedup import ray_components  # noqa: PLC0415

            table = ray_components.clusters(found.matches, partitions=_partitions(found.pairs, 200))
            clusters = _write(
                table.select_columns(["member_ids", "canonical_id", "reason"]).map_batches(
                    lambda t: t.rename_columns(list(TABLES["clusters"])), batch_format="pyarrow"
                ),
                os.path.join(output, "clusters"),
                _cluster_table([]),
            )
        else:
            groups = _clusters(found, driver_edges) if found.pairs else []
            clusters = _write(
                ray.data.from_arrow(_cluster_table(groups)) if groups else None,
                os.path.join(output, "clusters"),
                _cluster_table([]),
            )
    counts = {"documents": documents, "skipped": skipped, "pairs": pairs, "clusters": clusters}
    with open(os.path.join(output, "config.json"), "w", encoding="utf-8") as fh:
        json.dump({"version": VERSION, "config": config.as_dict(), "counts": counts}, fh, indent=2, sort_keys=True)
        fh.write("\n")
    return Written(output, **counts)
