"""Connected components of verified pairs on Ray Data, for graphs too large for the driver.

Large-star / small-star (Kiveris et al., "Connected Components in MapReduce and
Beyond", SoCC 2014), on a Dataset of edges ``(u, v)``, each step one shuffle by node:

* large-star: every node ``u`` links each larger neighbour to ``m(u)``, the smallest of
  ``u`` and its neighbours;
* small-star: every node ``u`` links itself and its smaller neighbours to the smallest
  of them.

They alternate until the edges form stars, each around the smallest node of its
component: no node then has a smaller neighbour and a second neighbour, which the
large-star pass counts as it goes. Rounds grow as O(log^2 n) in the worst case, where
min-label propagation needs one round per step of the longest path (a chain of n
documents: n rounds).

The clusters are then the stars, and the canonical member of each is chosen by
:func:`dedup.cluster.canonical`, as the local engine chooses it. Nothing here comes to
the driver but a count per round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedup import cluster as cluster_stage

if TYPE_CHECKING:
    import pyarrow as pa
    from ray.data import Dataset

__all__ = ["MAX_ROUNDS", "clusters", "collect", "components"]

#: Large-star/small-star rounds before giving up (O(log^2 n): 2^20 nodes take a few dozen).
MAX_ROUNDS = 500


def _part(x: np.ndarray, parts: int) -> np.ndarray:
    mixed = (x.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(29)
    return (mixed % np.uint64(parts)).astype(np.int32)


def _edges(u: np.ndarray, v: np.ndarray, bad: int | None = None) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    cols = {"u": pa.array(u, pa.int64()), "v": pa.array(v, pa.int64())}
    if bad is not None:  # one extra row (u = -1) carries the partition's count of unfinished nodes
        cols = {
            "u": pa.array(np.append(u, -1), pa.int64()),
            "v": pa.array(np.append(v, -1), pa.int64()),
            "bad": pa.array(np.append(np.zeros(len(u), np.int64), bad), pa.int64()),
        }
    return pa.table(cols)


def _both_ways(batch: pa.Table, *, parts: int) -> pa.Table:
    """Each edge under both of its nodes (large-star looks at every neighbour)."""
    import pyarrow as pa  # noqa: PLC0415

    u, v = batch.column("u").to_numpy(), batch.column("v").to_numpy()
    live = u >= 0
    node, nbr = np.concatenate([u[live], v[live]]), np.concatenate([v[live], u[live]])
    return pa.table({"part": pa.array(_part(node, parts)), "node": pa.array(node), "nbr": pa.array(nbr)})


def _down(batch: pa.Table, *, parts: int) -> pa.Table:
    """Each edge under its larger node (small-star looks at smaller neighbours only)."""
    import pyarrow as pa  # noqa: PLC0415

    u, v = batch.column("u").to_numpy(), batch.column("v").to_numpy()
    live = u >= 0
    u, v = u[live], v[live]
    node, nbr = np.maximum(u, v), np.minimum(u, v)
    return pa.table({"part": pa.array(_part(node, parts)), "node": pa.array(node), "nbr": pa.array(nbr)})


def _grouped(group: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unique (node, neighbour) sorted, the start of each node's run, and each node's smallest neighbour."""
    node, nbr = group.column("node").to_numpy(), group.column("nbr").to_numpy()
    keep = node != nbr
    pairs = np.unique(np.stack([node[keep], nbr[keep]], axis=1), axis=0)
    node, nbr = pairs[:, 0], pairs[:, 1]
    starts = np.flatnonzero(np.concatenate(([True], node[1:] != node[:-1]))) if len(node) else np.zeros(0, np.int64)
    smallest = np.minimum.reduceat(nbr, starts) if len(node) else np.zeros(0, np.int64)
    return node, nbr, starts, smallest


def _large_star(group: pa.Table) -> pa.Table:
    node, nbr, starts, smallest = _grouped(group)
    if not len(node):
        return _edges(node, nbr, 0)
    degree = np.diff(np.append(starts, len(node)))
    heads = node[starts]
    bad = int(np.count_nonzero((smallest < heads) & (degree >= 2)))
    m = np.repeat(np.minimum(smallest, heads), degree)
    larger = nbr > node
    return _edges(nbr[larger], m[larger], bad)


def _small_star(group: pa.Table) -> pa.Table:
    node, nbr, starts, smallest = _grouped(group)
    if not len(node):
        return _edges(node, nbr)
    heads = node[starts]
    m = np.repeat(smallest, np.diff(np.append(starts, len(node))))
    linked = nbr != m
    return _edges(np.concatenate([nbr[linked], heads]), np.concatenate([m[linked], smallest]))


def components(edges: Dataset, *, partitions: int, max_rounds: int = MAX_ROUNDS) -> Dataset:
    """``(node, root)`` for every node of the edges ``(u, v)``: root is the smallest node of its component."""
    current = edges.select_columns(["u", "v"]).materialize()
    for _ in range(max_rounds):
        large = (
            current.map_batches(_both_ways, batch_format="pyarrow", fn_kwargs={"parts": partitions})
            .groupby("part", num_partitions=partitions)
            .map_groups(_large_star, batch_format="pyarrow")
            .materialize()
        )
        if not large.sum("bad"):  # current is stars around the smallest node of each component
            return current.map_batches(_labels, batch_format="pyarrow")
        current = (
            large.map_batches(_down, batch_format="pyarrow", fn_kwargs={"parts": partitions})
            .groupby("part", num_partitions=partitions)
            .map_groups(_small_star, batch_format="pyarrow")
            .materialize()
        )
    raise RuntimeError(f"connected components did not converge in {max_rounds} rounds; please report it")


def _labels(batch: pa.Table) -> pa.Table:
    """Stars -> ``(node, root)``: a leaf's root is its one neighbour; a centre is its own root."""
    import pyarrow as pa  # noqa: PLC0415

    u, v = batch.column("u").to_numpy(), batch.column("v").to_numpy()
    live = u >= 0
    u, v = u[live], v[live]
    leaf, centre = np.maximum(u, v), np.minimum(u, v)
    return pa.table({"node": pa.array(np.concatenate([leaf, centre])), "root": pa.array(np.concatenate([centre, centre]))})


# --------------------------------------------------------------------------- clusters


def _member_rows(batch: pa.Table, *, parts: int) -> pa.Table:
    """Verified pairs -> one row per document and pair: its shared and own shingle counts."""
    import pyarrow as pa  # noqa: PLC0415

    a, b = batch.column("a").to_numpy(), batch.column("b").to_numpy()
    node = np.concatenate([a, b])
    n = len(node)
    return pa.table(
        {
            "part": pa.array(_part(node, parts)),
            "node": pa.array(node),
            "root": pa.array(np.full(n, -1, dtype=np.int64)),
            "shared": pa.concat_arrays([batch.column("shared").combine_chunks()] * 2),
            "size": pa.concat_arrays([batch.column("size_a").combine_chunks(), batch.column("size_b").combine_chunks()]),
            "id": pa.concat_arrays([batch.column("id_a").combine_chunks(), batch.column("id_b").combine_chunks()]),
        }
    )


def _label_rows(batch: pa.Table, *, parts: int) -> pa.Table:
    import pyarrow as pa  # noqa: PLC0415

    node = batch.column("node").to_numpy()
    n = len(node)
    return pa.table(
        {
            "part": pa.array(_part(node, parts)),
            "node": batch.column("node"),
            "root": batch.column("root"),
            "shared": pa.array(np.full(n, -1, dtype=np.int64)),
            "size": pa.array(np.full(n, -1, dtype=np.int64)),
            "id": pa.nulls(n, pa.binary()),
        }
    )


def _per_document(group: pa.Table, *, parts: int) -> pa.Table:
    """A document's root, its largest verified overlap, size and id, keyed by the root."""
    import pyarrow as pa  # noqa: PLC0415

    t = group.group_by("node").aggregate([("root", "max"), ("shared", "max"), ("size", "max"), ("id", "max")])
    root = t.column("root_max").to_numpy()
    return pa.table(
        {
            "part": pa.array(_part(root, parts)),
            "root": pa.array(root),
            "node": t.column("node"),
            "shared": t.column("shared_max"),
            "size": t.column("size_max"),
            "id": t.column("id_max"),
        }
    )


def _cluster_rows(group: pa.Table) -> pa.Table:
    """One row per cluster: its members (rows and ids, in id order), the canonical one and why."""
    import pyarrow as pa  # noqa: PLC0415

    group = group.sort_by([("root", "ascending"), ("node", "ascending")])
    root, node = group.column("root").to_numpy(), group.column("node").to_numpy()
    shared, size = group.column("shared").to_numpy(), group.column("size").to_numpy()
    ids = group.column("id").to_pylist()
    starts = np.flatnonzero(np.concatenate(([True], root[1:] != root[:-1]))).tolist() if len(root) else []
    out: dict[str, list] = {"root": [], "members": [], "member_ids": [], "canonical": [], "canonical_id": [], "reason": []}
    for lo, hi in zip(starts, starts[1:] + [len(root)]):
        members = list(range(hi - lo))
        chosen, reason = cluster_stage.canonical(
            members,
            dict(enumerate(shared[lo:hi].tolist())),
            dict(enumerate(size[lo:hi].tolist())),
            ids[lo:hi],
        )
        out["root"].append(int(root[lo]))
        out["members"].append(node[lo:hi].tolist())
        out["member_ids"].append(ids[lo:hi])
        out["canonical"].append(int(node[lo + chosen]))
        out["canonical_id"].append(ids[lo + chosen])
        out["reason"].append(reason)
    return pa.table(
        {
            "root": pa.array(out["root"], pa.int64()),
            "members": pa.array(out["members"], pa.list_(pa.int64())),
            "member_ids": pa.array(out["member_ids"], pa.list_(pa.binary())),
            "canonical": pa.array(out["canonical"], pa.int64()),
            "canonical_id": pa.array(out["canonical_id"], pa.binary()),
            "reason": pa.array(out["reason"], pa.string()),
        }
    )


def clusters(matches: Dataset, *, partitions: int, max_rounds: int = MAX_ROUNDS) -> Dataset:
    """Clusters of verified pairs (columns a, b, id_a, id_b, size_a, size_b, shared), sorted by first member.

    A row per cluster: ``root`` (its first member's row), ``members`` and ``member_ids``
    (in id order), ``canonical``, ``canonical_id`` and ``reason``, as :func:`dedup.cluster.clusters`
    gives them. Ids are binary, as the engine carries them (UTF-8, lone surrogates encoded
    "surrogatepass": see dedup.ray_stages); their byte order is the order of the str.
    """
    edges = matches.select_columns(["a", "b"]).map_batches(
        lambda t: t.rename_columns(["u", "v"]), batch_format="pyarrow"
    )
    labels = components(edges, partitions=partitions, max_rounds=max_rounds)
    kwargs = {"parts": partitions}
    per_document = (
        labels.map_batches(_label_rows, batch_format="pyarrow", fn_kwargs=kwargs)
        .union(matches.map_batches(_member_rows, batch_format="pyarrow", fn_kwargs=kwargs))
        .groupby("part", num_partitions=partitions)
        .map_groups(_per_document, batch_format="pyarrow", fn_kwargs=kwargs)
    )
    return (
        per_document.groupby("part", num_partitions=partitions)
        .map_groups(_cluster_rows, batch_format="pyarrow")
        .sort("root")
        .materialize()
    )


def collect(table_ds: Dataset) -> list[tuple[tuple[int, ...], tuple[str, ...], int, str, str]]:
    """The clusters on the driver: ``(member rows, member ids, canonical row, canonical id, reason)``."""
    import ray  # noqa: PLC0415

    from dedup.ray_stages import _text as text  # noqa: PLC0415 - ids are the engine's binary

    out = []
    for t in ray.get(table_ds.to_arrow_refs()):
        for r in t.to_pylist():
            ids = tuple(text(i) for i in r["member_ids"])
            out.append((tuple(r["members"]), ids, r["canonical"], text(r["canonical_id"]), r["reason"]))
    out.sort(key=lambda c: c[0])
    return out
