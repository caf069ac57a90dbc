"""The stages of the Ray engine (dedup.engine_ray): functions that Ray Data maps over blocks.

Each takes and returns a pyarrow Table; the numpy work inside is the local engine's own
(pipeline.sign_documents, index.band_keys / bucket_pairs / size_tier / plausible,
cluster.verify), so that both engines give the same answer. See engine_ray for the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup import parquet
from dedup.document import (
    SUFFIXES,
    Document,
    Skipped,
    Source,
    find_sources,
    jsonl_spans,
    load_span,
    repeated_record,
)
from dedup.pipeline import FILES_PER_TASK, JSONL_SPAN, Config, partition_items, sign_documents
from dedup.signature import has_shingles

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

#: Suffixes taken from folders: the local engine's, and Parquet.
RAY_SUFFIXES = {**SUFFIXES, parquet.SUFFIX: parquet.FORMAT}



# --------------------------------------------------------------------------- Arrow helpers

# Ids, paths and reasons cross Arrow as binary, never as strings: Arrow strings must be valid
# UTF-8, and an id may hold lone surrogates (the bytes of a file name that is not UTF-8, as
# os.fsdecode gives them, or a JSONL key written "\udXXX"). They are UTF-8 with those encoded as
# "surrogatepass" does, which gives every str back and sorts as Python sorts str (by code
# point), so a sort by id is the local engine's order.


def _bytes(text: str) -> bytes:
    """One str as the engine carries it (see above)."""
    return text.encode("utf-8", "surrogatepass")


def _utf8(values: Iterable[str | None]):
    """A binary array of ``values`` (see above); None stays null."""
    import pyarrow as pa  # noqa: PLC0415

    return pa.array([None if v is None else _bytes(v) for v in values], pa.binary())


def _text(value: bytes | None) -> str | None:
    """The str :func:`_bytes` (:func:`_utf8`) was given."""
    return None if value is None else value.decode("utf-8", "surrogatepass")


def _texts(table: pa.Table, name: str) -> list[str | None]:
    """A column made by :func:`_utf8` as a list of str."""
    return [_text(v) for v in table.column(name).to_pylist()]


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
    read once for them). JSONL spans are the local engine's, so that both find the same
    records in each task; a web archive is a task of its own, read whole.
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
        if source.format == "warc":  # read whole, in order (a page's id depends on the pages before it)
            flush()
            tasks.append(_task(sources, i, 1, "files", 0, -1, 1))
            continue
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
        # bytes, as _utf8 makes them: as strings Ray would pickle a column that holds a non-UTF-8 name
        "paths": [_bytes(s.path) for s in chosen],
        "ids": [_bytes(s.id) for s in chosen],
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
    kwargs = config.read_options
    sources = [
        Source(_text(p), _text(i), f, z) for p, i, f, z in zip(task["paths"], task["ids"], task["formats"], task["sizes"])
    ]
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
        docs, where, skipped = partition_items(_items(task, config))
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
                "id": _utf8(docs[k].id for k in keep),
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
                "reason": pa.nulls(n, pa.binary()),
            }
        )
        out.append(table)
        if skipped:
            m = len(skipped)
            out.append(
                pa.table(
                    {
                        name: (
                            _utf8(s.path for s in skipped)
                            if name == "id"
                            else _utf8(s.reason for s in skipped)
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


def _block_ends(table: pa.Table) -> tuple[int, bytes | None, bytes | None, int]:
    """Rows, first and last id, and ids equal to the one before, of a block sorted by id."""
    if "id" not in table.column_names:  # an empty block of the sort, without the columns
        return 0, None, None, 0
    ids = table.column("id").to_pylist()
    dups = sum(1 for a, b in zip(ids, ids[1:]) if a == b)
    return len(ids), (ids[0] if ids else None), (ids[-1] if ids else None), dups


def _number(
    table: pa.Table, first_row: int, previous: bytes | None, sources: Sequence[tuple[str, str]], id_field: str
) -> tuple[pa.Table, pa.Table]:
    """Number a sorted block's documents from ``first_row``; repeats of an id are split off,
    as skipped rows named as the local engine names them (``sources``: id and format of each)."""
    import pyarrow as pa  # noqa: PLC0415

    ids = table.column("id").to_pylist()
    repeat = np.array([ident == (ids[k - 1] if k else previous) for k, ident in enumerate(ids)], dtype=bool)
    kept = table.filter(pa.array(~repeat)).drop_columns(["uid"])
    kept = kept.add_column(0, "row", pa.array(first_row + np.arange(kept.num_rows, dtype=np.int64)))
    gone = table.filter(pa.array(repeat))
    skipped = [
        repeated_record(*sources[src], _text(ident), line, id_field=id_field)
        for ident, src, line in zip(gone.column("id").to_pylist(), _np(gone, "src").tolist(), _np(gone, "line").tolist())
    ]
    gone = pa.table({"path": _utf8(s.path for s in skipped), "reason": _utf8(s.reason for s in skipped)})
    return kept, gone


def _rank(docs: Dataset, sources: Sequence[Source], *, id_field: str) -> tuple[Dataset, Dataset, int]:
    """Documents numbered in id order (``row``), repeated ids (as skipped rows), and their count."""
    import ray  # noqa: PLC0415

    blocks = docs.sort(["id", "uid"]).materialize().to_arrow_refs()
    ends = ray.get([ray.remote(_block_ends).remote(b) for b in blocks])
    number = ray.remote(num_returns=2)(_number)
    names = ray.put([(s.id, s.format) for s in sources])  # once in the object store, not once per block
    kept, gone = [], []
    row, previous = 0, None
    for block, (n, first, last, dups) in zip(blocks, ends):
        if not n:
            continue
        k, g = number.remote(block, row, previous, names, id_field)
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
    sig = _matrix(batch, "sig", num_perm)
    live = has_shingles(sig)  # documents without shingles never pair: kept out of the buckets, as index.candidates does
    rows, sig = rows[live], index_stage.transpose(sig[live])
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
            ("id", pa.binary()),  # see _utf8
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
    keep &= has_shingles(sig_a) & has_shingles(sig_b)
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
            "id": pa.nulls(n, pa.binary()),
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
    # rows 0..m-1: each pair's a (its own list); rows m..2m-1: its b (the group's document)
    sets = cluster_stage.ShingleSets(
        [np.ascontiguousarray(fa_values, dtype=np.uint64), np.ascontiguousarray(fb_values, dtype=np.uint64)],
        np.repeat([0, 1], m),
        np.concatenate([fa_off[:-1], fb_off[at]]),
        np.concatenate([fa_off[1:], fb_off[at + 1]]),
    )
    local = np.stack([np.arange(m), np.arange(m) + m], axis=1)
    found = cluster_stage.verify(local, sets, threshold=config.threshold, containment=config.containment)
    which = np.array([x.a for x in found], dtype=np.int64)
    ids_a = pairs.column("id").take(pa.array(which)).to_pylist()  # bytes (see _utf8), as they stay
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
            "id_a": pa.array(names[0], pa.binary()),
            "id_b": pa.array(names[1], pa.binary()),
            "size_a": pa.array(nums[0], pa.int64()),
            "size_b": pa.array(nums[1], pa.int64()),
            "shared": pa.array(nums[2], pa.int64()),
        }
    )
