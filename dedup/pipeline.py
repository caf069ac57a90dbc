"""Config + run(paths) -> Report: the one library entry point used by the CLI and the hook.

The stages, in order (each a module of its own):

    document  read files and folders -> Documents (paragraphs with offsets)
    shingle   Document text -> sorted uint64 fingerprints of word n-grams
    signature fingerprints -> MinHash signatures (datasketch affine32-compatible)
    index     signatures -> candidate pairs (containment-aware banded LSH)
    cluster   candidates -> verified pairs (exact Jaccard / containment) -> clusters
    classify  each verified pair -> aligned, labelled paragraph diff (align + roles)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType

import numpy as np

from dedup import cluster as cluster_stage
from dedup import index as index_stage
from dedup.document import MAX_BYTES, Document, Skipped, find_sources, load
from dedup.shingle import fingerprint_batch
from dedup.signature import sign_fingerprints

__all__ = ["ClusterInfo", "Config", "DocumentInfo", "PairInfo", "Progress", "Report", "run"]

#: Documents handed to the shingle/signature stages at once.
BATCH = 512

#: progress(stage, done, total): stage is "read", "candidates", "verify" or "diff".
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class Config:
    """Every knob of a run. Echoed into the JSON report so a run can be reproduced."""

    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.5
    containment: float | None = 0.75
    recall: float = 0.95
    max_bucket: int = 64
    max_bytes: int = MAX_BYTES
    text_field: str = "text"
    id_field: str = "id"
    diff: bool = True
    workers: int = 1

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, got {self.shingle_size!r}; 5 is the default")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers!r}")
        if self.max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes!r}")
        index_stage.plan(  # validates num_perm, threshold, containment
            num_perm=self.num_perm, threshold=self.threshold, containment=self.containment, recall=self.recall
        )

    @property
    def tiers(self) -> tuple[index_stage.Tier, ...]:
        return index_stage.plan(
            num_perm=self.num_perm, threshold=self.threshold, containment=self.containment, recall=self.recall
        )

    def as_dict(self) -> dict:
        """The knobs, plus the LSH band tables they imply (``b`` and ``r`` of the first)."""
        out = asdict(self)
        tiers = self.tiers
        out["b"], out["r"] = tiers[0].b, tiers[0].r
        out["lsh_tiers"] = [
            {"b": t.b, "r": t.r, "max_ratio": None if math.isinf(t.max_ratio) else round(t.max_ratio, 4)}
            for t in tiers
        ]
        return out


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    paragraphs: int
    chars: int
    shingles: int


@dataclass(frozen=True, slots=True)
class PairInfo:
    """A verified pair, ``a < b`` by id, with its exact figures and (optionally) its diff."""

    a: str
    b: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared: int
    diff: tuple = ()


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    members: tuple[str, ...]
    canonical: str
    reason: str


@dataclass(frozen=True, slots=True)
class Report:
    config: Config
    documents: tuple[DocumentInfo, ...]
    skipped: tuple[Skipped, ...]
    clusters: tuple[ClusterInfo, ...]
    pairs: tuple[PairInfo, ...]
    roots: tuple[str, ...] = field(default=())
    #: The documents of the reported pairs as read (text and paragraph offsets), by id, so that
    #: renderers can show paragraph text; empty when the run had ``diff`` off. Not part of the JSON.
    paired: Mapping[str, Document] = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)


def _round(x: float) -> float:
    return round(x, 6)


def run(paths: Sequence[str], config: Config | None = None, *, progress: Progress | None = None) -> Report:
    """Find the versions of each article among ``paths`` (files and folders).

    Raises ValueError for bad knobs; bad documents become ``Report.skipped``.
    """
    config = config or Config()
    sources, skipped = find_sources(paths)
    skipped = list(skipped)
    report = (lambda stage, done, total: progress(stage, done, total)) if progress else (lambda *a: None)

    infos: list[DocumentInfo] = []
    locations: list[tuple[int, int]] = []  # (source index, record number) to re-read a document
    fps: list[np.ndarray] = []
    sigs: list[np.ndarray] = []
    batch: list[Document] = []
    batch_loc: list[tuple[int, int]] = []

    def flush() -> None:
        if not batch:
            return
        flat, offsets = fingerprint_batch([d.text for d in batch], size=config.shingle_size)
        signed = sign_fingerprints(flat, offsets, num_perm=config.num_perm, seed=config.seed)
        for k, doc in enumerate(batch):
            f = flat[offsets[k] : offsets[k + 1]]
            if not len(f):
                skipped.append(Skipped(doc.id, "no words to compare"))
                continue
            fps.append(f)
            sigs.append(signed.hashvalues[k])
            infos.append(DocumentInfo(doc.id, len(doc.paragraphs), len(doc.text), len(f)))
            locations.append(batch_loc[k])
        batch.clear()
        batch_loc.clear()

    read_count = 0
    for s, source in enumerate(sources):
        for r, item in enumerate(
            load(source, max_bytes=config.max_bytes, text_field=config.text_field, id_field=config.id_field)
        ):
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            batch.append(item)
            batch_loc.append((s, r))
            read_count += 1
            if len(batch) >= BATCH:
                flush()
                report("read", read_count, None)
    flush()
    report("read", read_count, read_count)

    # Rows in id order, so that row order and id order agree (JSONL records come in file order).
    order = sorted(range(len(infos)), key=lambda i: infos[i].id)
    infos = [infos[i] for i in order]
    locations = [locations[i] for i in order]
    fps = [fps[i] for i in order]
    n = len(infos)
    hashvalues = np.stack([sigs[i] for i in order]) if n else np.zeros((0, config.num_perm), np.uint32)
    sizes = np.array([len(f) for f in fps], dtype=np.int64)
    ids = [d.id for d in infos]

    tiers = config.tiers
    total_bands = sum(t.b for t in tiers)
    cands = index_stage.candidates(
        hashvalues,
        sizes,
        tiers,
        max_bucket=config.max_bucket,
        workers=config.workers,
        progress=lambda done: report("candidates", done, total_bands),
    )
    matches = cluster_stage.verify(
        cands, fps.__getitem__, threshold=config.threshold, containment=config.containment
    )
    report("verify", len(cands), len(cands))
    groups = cluster_stage.clusters(n, matches, fps.__getitem__, ids)

    pairs = [
        PairInfo(
            ids[m.a],
            ids[m.b],
            _round(m.jaccard),
            _round(m.containment_a_in_b),
            _round(m.containment_b_in_a),
            m.shared,
        )
        for m in matches
    ]
    paired: dict[str, Document] = {}
    if config.diff and pairs:
        paired = _read_paired(pairs, ids, locations, sources, config)
        pairs = _diff_pairs(pairs, paired, report)

    skipped.sort(key=lambda s: (s.path, s.reason))
    return Report(
        config=config,
        documents=tuple(infos),
        skipped=tuple(skipped),
        clusters=tuple(
            ClusterInfo(tuple(ids[i] for i in c.members), ids[c.canonical], c.reason) for c in groups
        ),
        pairs=tuple(sorted(pairs, key=lambda p: (p.a, p.b))),
        paired=MappingProxyType(paired),
    )


def _read_paired(pairs, ids, locations, sources, config) -> dict[str, Document]:
    """Re-read the documents of the verified pairs, each source once, in id order."""
    row = {ident: i for i, ident in enumerate(ids)}
    wanted: dict[int, dict[int, str]] = {}  # source index -> {record number: id}
    for ident in sorted({p.a for p in pairs} | {p.b for p in pairs}):
        s, r = locations[row[ident]]
        wanted.setdefault(s, {})[r] = ident
    found: dict[str, Document] = {}
    for s in sorted(wanted):
        records = dict(wanted[s])
        for k, item in enumerate(
            load(sources[s], max_bytes=config.max_bytes, text_field=config.text_field, id_field=config.id_field)
        ):
            ident = records.pop(k, None)
            if ident is not None and isinstance(item, Document):
                found[ident] = item
            if not records:
                break
    return {ident: found[ident] for ident in sorted(found)}


def _diff_pairs(pairs, documents: Mapping[str, Document], report) -> list[PairInfo]:
    """Attach the labelled diff of each pair (``documents`` holds both sides of every pair)."""
    try:
        from dedup.classify import diff as diff_documents
    except ImportError:  # the aligner is not there yet
        return pairs
    out = []
    for done, p in enumerate(pairs, start=1):
        if p.a in documents and p.b in documents:  # a file that changed during the run keeps no diff
            p = replace(p, diff=tuple(diff_documents(documents[p.a], documents[p.b])))
        out.append(p)
        report("diff", done, len(pairs))
    return out
