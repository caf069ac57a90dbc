"""Detection as a Ray Data job: the local engine's answer, on a cluster (``pip install 'article-dedup[ray]'``).

:func:`run_ray` returns the same :class:`~dedup.pipeline.Report` as :func:`dedup.pipeline.run`
(byte-identical JSON); :func:`write_ray` writes Parquet files of documents, pairs and
clusters instead, for runs too large for one report. The stages, each a Ray Data step:

    tasks       (ray_stages.py) the inputs cut as the local engine cuts them (runs of files, 8 MiB spans
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
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup import parquet
from dedup.document import Document, Skipped, Source, load_at
from dedup.pipeline import (
    ROWS_PER_TASK,
    ClusterInfo,
    Config,
    DocumentInfo,
    PairedDocuments,
    PairInfo,
    Progress,
    Report,
    article_stats,
)
from dedup.ray_stages import (
    _MATCH_COLUMNS,
    _attach_fp,
    _attach_sig,
    _bucket_pairs,
    _band_rows,
    _bytes,
    _docs_fp,
    _docs_sig,
    _is_doc,
    _is_skip,
    _lists,
    _np,
    _pairs_sig,
    _plausible,
    _rank,
    _sign,
    _sources,
    _tasks,
    _text,
    _texts,
    _utf8,
    _verify,
    _Where,
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
        docs, repeated, n = _rank(signed.map_batches(_is_doc, batch_format="pyarrow"), sources, id_field=config.id_field)
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
    for k, ident in zip(inverse.tolist(), _texts(table, "id_a") + _texts(table, "id_b")):
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


def _pair_info(a: str, b: str, size_a: int, size_b: int, shared: int, diff: tuple = ()) -> PairInfo:
    return PairInfo.of(a, b, cluster_stage.Match(0, 1, size_a, size_b, shared), diff)


def _load(where: _Where, config: Config) -> Document | None:
    kwargs = config.read_options
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
            Skipped(_text(r["path"]), _text(r["reason"]))
            for ds in found.skipped_rows
            for r in _collect(ds, ["path", "reason"]).to_pylist()
        ]
        infos: list[DocumentInfo] = []
        where: dict[int, _Where] = {}
        if docs is not None:
            order = np.argsort(_np(docs, "row"), kind="stable")
            docs = docs.take(order)
            infos = [
                DocumentInfo(i, p, c, s)
                for i, p, c, s in zip(
                    _texts(docs, "id"),
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
                    _texts(table, "id_a"),
                    _texts(table, "id_b"),
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
    "documents": ("id", "paragraphs", "chars", "shingles", "id_bytes"),
    "skipped": ("path", "reason", "path_bytes", "reason_bytes"),
    "pairs": ("a", "b", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared", "a_bytes", "b_bytes"),
    "clusters": ("members", "canonical", "reason", "members_bytes", "canonical_bytes"),
}

#: The string columns of each table that may hold a character Parquet's UTF-8 cannot: a lone
#: surrogate, the bytes of a file name that is not UTF-8 (as os.fsdecode gives them) or a JSONL
#: key written "\udXXX". Each has a ``<name>_bytes`` twin (see :func:`_exact`).
EXACT = {"documents": ("id",), "skipped": ("path", "reason"), "pairs": ("a", "b"), "clusters": ("members", "canonical")}

_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(text: str) -> str:
    """``text`` with each lone surrogate as the terminal shows it (:func:`dedup.render.view.escaped`):
    ``\\xe9`` for a byte of a file name that is not UTF-8 (U+DC80-U+DCFF), ``\\ud800`` for any other."""
    from dedup.render.view import escaped  # noqa: PLC0415

    return _SURROGATE.sub(lambda m: escaped(m[0]), text)


def _exact(values: list, *, lists: bool = False) -> tuple[pa.Array, pa.Array]:
    """A string column (``values``: str, or with ``lists`` lists of str) and its ``_bytes`` twin, for Parquet.

    The string holds the value, each lone surrogate shown as the terminal shows it
    (:func:`_shown`); the twin is null where that changed nothing, else the exact value as
    UTF-8 with its lone surrogates encoded "surrogatepass" does (the engine's own binary ids,
    dedup.ray_stages._utf8): ``.decode("utf-8", "surrogatepass")`` gives the str of the JSON
    report back, and ``os.fsencode`` of a file's id its name's bytes. For a list column the
    twin is null when every member is exact, else holds every member.
    """
    import pyarrow as pa  # noqa: PLC0415

    if lists:
        shown = [[_shown(v) for v in row] for row in values]
        twin = [None if s == row else [_bytes(v) for v in row] for s, row in zip(shown, values)]
        return pa.array(shown, pa.list_(pa.string())), pa.array(twin, pa.list_(pa.binary()))
    shown = [_shown(v) for v in values]
    twin = [None if s == v else _bytes(v) for s, v in zip(shown, values)]
    return pa.array(shown, pa.string()), pa.array(twin, pa.binary())


def _for_parquet(batch: pa.Table, *, table: str) -> pa.Table:
    """A batch whose id columns are the engine's binary (see dedup.ray_stages._utf8), or lists
    of it, as ``table`` is written: strings and their ``_bytes`` twins (:func:`_exact`)."""
    import pyarrow as pa  # noqa: PLC0415

    columns = {name: batch.column(name) for name in batch.column_names}
    for name in EXACT[table]:
        lists = pa.types.is_list(columns[name].type)
        try:  # the usual batch: every value valid UTF-8, so exact as a string (Arrow checks)
            columns[name] = columns[name].cast(pa.list_(pa.string()) if lists else pa.string())
            columns[name + "_bytes"] = pa.nulls(batch.num_rows, pa.list_(pa.binary()) if lists else pa.binary())
            continue
        except pa.ArrowInvalid:
            pass
        values = columns[name].to_pylist()
        values = [[_text(v) for v in row] for row in values] if lists else [_text(v) for v in values]
        columns[name], columns[name + "_bytes"] = _exact(values, lists=lists)
    return pa.table({name: columns[name] for name in TABLES[table]})


def _pair_rows(batch: pa.Table) -> pa.Table:
    """Verified pairs -> the report's pair figures (rounded as the JSON report rounds them)."""
    import pyarrow as pa  # noqa: PLC0415

    infos = [
        _pair_info(a, b, sa, sb, s)
        for a, b, sa, sb, s in zip(
            _texts(batch, "id_a"),
            _texts(batch, "id_b"),
            _np(batch, "size_a").tolist(),
            _np(batch, "size_b").tolist(),
            _np(batch, "shared").tolist(),
        )
    ]
    a, a_bytes = _exact([p.a for p in infos])
    b, b_bytes = _exact([p.b for p in infos])
    return pa.table(
        {
            "a": a,
            "b": b,
            "jaccard": pa.array([p.jaccard for p in infos], pa.float64()),
            "containment_a_in_b": pa.array([p.containment_a_in_b for p in infos], pa.float64()),
            "containment_b_in_a": pa.array([p.containment_b_in_a for p in infos], pa.float64()),
            "shared": pa.array([p.shared for p in infos], pa.int64()),
            "a_bytes": a_bytes,
            "b_bytes": b_bytes,
        }
    )


def _cluster_table(groups) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    members, members_bytes = _exact([list(ids) for _, ids, _, _, _ in groups], lists=True)
    canonical, canonical_bytes = _exact([c for _, _, _, c, _ in groups])
    return pa.table(
        {
            "members": members,
            "canonical": canonical,
            "reason": pa.array([r for _, _, _, _, r in groups], pa.string()),
            "members_bytes": members_bytes,
            "canonical_bytes": canonical_bytes,
        }
    )


def _empty(table: str) -> pa.Table:
    """``table`` with no rows, for a folder that has none."""
    import pyarrow as pa  # noqa: PLC0415

    if table == "clusters":
        return _cluster_table([])
    if table == "pairs":
        return _pair_rows(pa.table({c: pa.array([], pa.binary() if c.startswith("id") else pa.int64())
                                    for c in ("id_a", "id_b", "size_a", "size_b", "shared")}))
    numbers = pa.array([], pa.int64())
    batch = pa.table({c: (pa.array([], pa.binary()) if c in EXACT[table] else numbers) for c in TABLES[table]
                      if not c.endswith("_bytes")})
    return _for_parquet(batch, table=table)


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
    cluster members in id order) and ``config.json``. A string that UTF-8 cannot encode (an id
    with the bytes of a file name that is not UTF-8) is written as the terminal shows it
    (``caf\\xe9.txt``), and exactly in the column's ``_bytes`` twin, null everywhere else
    (:data:`EXACT`). Nothing proportional to the corpus comes to the driver (verified pairs
    only up to ``driver_edges``, for components).
    Pairs carry their figures, not diffs (``dedup diff`` gives those for any pair).
    Raises UsageError when ``output`` holds something already, or when its path is not UTF-8.
    """
    import json  # noqa: PLC0415

    import pyarrow as pa  # noqa: PLC0415

    from dedup.errors import UsageError  # noqa: PLC0415
    from dedup.render.json import VERSION  # noqa: PLC0415

    output = os.fspath(output)
    if os.path.exists(output) and (not os.path.isdir(output) or os.listdir(output)):
        raise UsageError(f"{output}: exists and is not an empty folder; give a new folder for the Parquet files")
    try:  # pyarrow and Ray take paths as UTF-8: Ray wrote elsewhere (the bytes dropped), pyarrow failed
        os.path.abspath(output).encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"{os.path.abspath(output)}: Ray writes Parquet only to a folder whose path is UTF-8; give another folder"
        ) from None
    config = replace(config or Config(), diff=False)
    note = progress or (lambda stage, done, total: None)
    with _session(address, config.workers, shuffle):
        import ray  # noqa: PLC0415

        found = _detect(paths, config, note)
        os.makedirs(output, exist_ok=True)
        documents = _write(
            found.docs.select_columns(["id", "paragraphs", "chars", "shingles"]).map_batches(
                _for_parquet, batch_format="pyarrow", fn_kwargs={"table": "documents"}
            ) if found.documents else None,
            os.path.join(output, "documents"),
            _empty("documents"),
        )
        skipped_rows = list(found.skipped_rows)
        if found.skipped:  # as the workers' rows are: binary (dedup.ray_stages._utf8)
            rows = pa.table({"path": _utf8(s.path for s in found.skipped), "reason": _utf8(s.reason for s in found.skipped)})
            skipped_rows.append(ray.data.from_arrow(rows))
        skipped_ds = skipped_rows[0].union(*skipped_rows[1:]) if skipped_rows else None
        skipped = _write(
            skipped_ds.sort(["path", "reason"]).map_batches(
                _for_parquet, batch_format="pyarrow", fn_kwargs={"table": "skipped"}
            ) if skipped_ds is not None and skipped_ds.count() else None,
            os.path.join(output, "skipped"),
            _empty("skipped"),
        )
        pairs = _write(
            found.matches.sort(["a", "b"]).map_batches(_pair_rows, batch_format="pyarrow") if found.pairs else None,
            os.path.join(output, "pairs"),
            _empty("pairs"),
        )
        if found.pairs > driver_edges:
            from dedup import ray_components  # noqa: PLC0415

            table = ray_components.clusters(found.matches, partitions=_partitions(found.pairs, 200))
            clusters = _write(
                table.select_columns(["member_ids", "canonical_id", "reason"]).map_batches(
                    lambda t: _for_parquet(t.rename_columns(["members", "canonical", "reason"]), table="clusters"),
                    batch_format="pyarrow",
                ),
                os.path.join(output, "clusters"),
                _empty("clusters"),
            )
        else:
            groups = _clusters(found, driver_edges) if found.pairs else []
            clusters = _write(
                ray.data.from_arrow(_cluster_table(groups)) if groups else None,
                os.path.join(output, "clusters"),
                _empty("clusters"),
            )
    counts = {"documents": documents, "skipped": skipped, "pairs": pairs, "clusters": clusters}
    with open(os.path.join(output, "config.json"), "w", encoding="utf-8") as fh:
        json.dump({"version": VERSION, "config": config.as_dict(), "counts": counts}, fh, indent=2, sort_keys=True)
        fh.write("\n")
    return Written(output, **counts)
