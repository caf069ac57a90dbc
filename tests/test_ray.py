"""The Ray engine (dedup.engine_ray) gives the local engine's answer: byte-identical JSON reports.

One local Ray (2 CPUs, no dashboard) serves the whole module. Without Ray installed the
module is skipped, except in CI (``CI`` set), where that is a failure: CI installs the
``ray`` extra (``make test``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

try:
    import ray
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("Ray is not installed: pip install 'article-dedup[ray]'", allow_module_level=True)

from typer.testing import CliRunner

from dedup import cluster as cluster_stage
from dedup.cli import app
from dedup.engine_ray import SHUFFLE, run_ray, write_ray
from dedup.errors import UsageError
from dedup.pipeline import Config, run
from dedup.render.json import to_json
from tests.helpers import ROOT, SEED_A, SEED_B, SEEDS, prose

sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().shuffle_strategy = SHUFFLE  # as run_ray sets it, for ray_components
    yield
    ray.shutdown()


def same(paths: list[str], config: Config, **kwargs) -> str:
    """Run both engines; assert byte-identical JSON reports; return it."""
    local = to_json(run(paths, config))
    distributed = to_json(run_ray(paths, config, **kwargs))
    assert distributed == local
    return local


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated corpus as one JSONL file, with records the local engine skips or repeats."""
    out = tmp_path_factory.mktemp("generated")
    assert corpus.main(["--docs", "400", "--jsonl", str(out / "corpus.jsonl"), "--seed", "11"]) == 0
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    near_identical = prose(7, paragraphs=10)  # many copies: one oversized bucket, chained
    extra = [json.dumps({"id": f"copy{k}", "text": near_identical + f"\n\nEnd {k}."}) for k in range(12)]
    extra += [
        "not json",
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "punct", "text": "... !!!"}),
        lines[3],  # a repeated id in the same span
    ]
    rng = random.Random(5)
    lines = lines + extra
    rng.shuffle(lines)
    (out / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_seeds_through_the_cli_with_diffs():
    runner = CliRunner()
    local = runner.invoke(app, ["report", str(SEEDS), "-f", "json"])
    distributed = runner.invoke(app, ["report", str(SEEDS), "-f", "json", "--engine", "ray", "-j", "2"])
    assert local.exit_code == 0 and distributed.exit_code == 0, distributed.output
    assert distributed.stdout == local.stdout
    assert json.loads(local.stdout)["pairs"][0]["diff"]  # the diffs are there, and equal


def test_a_folder_with_compressed_shards_and_parquet(tmp_path):
    """Both engines skip a compressed shard alike; the local one names the Parquet file the Ray
    engine reads (both left them out of folders without a word)."""
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq

    shutil.copy(SEED_A, tmp_path / "a.txt")
    shutil.copy(SEED_B, tmp_path / "b.txt")
    (tmp_path / "shard.jsonl.gz").write_bytes(gzip.compress(json.dumps({"text": prose(2)}).encode()))
    report = json.loads(same([str(tmp_path)], Config(diff=False)))
    assert report["skipped"] == [{"path": "shard.jsonl.gz", "reason": "compressed JSONL (gunzip it first, or zcat FILE | dedup report -)"}]
    assert len(report["pairs"]) == 1
    pq.write_table(pa.Table.from_pylist([{"id": "p", "text": prose(3)}]), tmp_path / "docs.parquet")
    local = json.loads(to_json(run([str(tmp_path)], Config(diff=False))))
    distributed = json.loads(to_json(run_ray([str(tmp_path)], Config(diff=False))))
    assert local["skipped"] == [
        {"path": "docs.parquet", "reason": "a Parquet file (read by --engine ray)"}, *report["skipped"]]
    assert distributed["skipped"] == report["skipped"]
    assert [d["id"] for d in distributed["documents"]] == ["a.txt", "b.txt", "docs.parquet#p"]


def test_generated_corpus_split_buckets_skips_and_distributed_components(generated):
    # max_bucket=4 splits and chains buckets; driver_edges=0 runs components on Ray
    report = json.loads(same([str(generated / "corpus.jsonl")], Config(diff=False, max_bucket=4), driver_edges=0))
    assert len(report["clusters"]) > 20
    assert any(len(c["members"]) >= 12 for c in report["clusters"])  # the chained copies
    reasons = {s["reason"] for s in report["skipped"]}
    assert any(r.startswith("duplicate") for r in reasons) and any(r.startswith("invalid JSON") for r in reasons)


def test_dev_set(dev_data):
    report = json.loads(same([str(dev_data / "docs")], Config(diff=False)))
    assert report["pairs"]


def test_markdown_is_read_as_the_local_engine_reads_it(tmp_path):
    """Ray workers read .md files as rendered Markdown too (front matter, links, a photo's alt
    text), and skip what the local engine skips, with its reason."""
    from tests.test_markdown_text import ARTICLE_MD, ARTICLE_TXT

    (tmp_path / "article.md").write_text(ARTICLE_MD, encoding="utf-8")
    (tmp_path / "article.txt").write_text(ARTICLE_TXT, encoding="utf-8")
    (tmp_path / "deep.md").write_text(">" * 1000 + " deep", encoding="utf-8")
    (tmp_path / "meta.md").write_text("---\ntitle: only front matter\n---\n", encoding="utf-8")
    report = json.loads(same([str(tmp_path)], Config()))
    assert [(s["path"], s["reason"].split(" (")[0]) for s in report["skipped"]] == [
        ("deep.md", "Markdown nested too deeply"),
        ("meta.md", "no visible text in the Markdown"),
    ]
    (pair,) = report["pairs"]
    assert [row["op"] for row in pair["diff"]].count("delete") == 1


def test_saved_web_pages_are_read_as_the_local_engine_reads_them(tmp_path):
    """Ray workers read .mhtml and .mht archives as their page's HTML (the same reader), and skip
    a broken one with the local engine's reason."""
    from tests.test_mhtml import PAGE, chrome, internet_explorer

    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "saved.mhtml").write_bytes(chrome())
    (tmp_path / "saved.mht").write_bytes(internet_explorer())
    (tmp_path / "cut.mhtml").write_bytes(chrome()[:1500])
    report = json.loads(same([str(tmp_path)], Config()))
    assert report["skipped"] == [{"path": "cut.mhtml", "reason": "truncated MHTML archive (the page is cut off)"}]
    assert [(p["a"], p["b"], p["jaccard"]) for p in report["pairs"]] == [
        ("page.html", "saved.mht", 1.0), ("page.html", "saved.mhtml", 1.0), ("saved.mht", "saved.mhtml", 1.0)
    ]


def test_web_archives_are_read_as_the_local_engine_reads_them(tmp_path):
    """Each page of a .warc.gz is a document with the local engine's id, read again for the diffs;
    a bad record is named by its offset, and two captures of one URI are two documents."""
    from tests.test_warc import seed_html
    from tests.warcs import URI, request, response, warc, warcinfo

    records = [warcinfo(), request(URI), response(URI, seed_html(SEED_A), coding="gzip", chunk=True),
               response(URI, seed_html(SEED_B), date="2024-03-05T08:30:00Z"), response(URI + "&2", prose(4))]
    (tmp_path / "crawl.warc.gz").write_bytes(warc(records, gz=True))
    (tmp_path / "old.warc").write_bytes(warc(records[:3], gz=False)[:-50])
    shutil.copy(SEED_B, tmp_path / "b.txt")
    report = json.loads(same([str(tmp_path)], Config()))
    assert [d["id"] for d in report["documents"]] == [
        "b.txt", f"crawl.warc.gz#{URI}", f"crawl.warc.gz#{URI}&2", f"crawl.warc.gz#{URI}@2024-03-05T08:30:00Z"]
    assert [s["reason"].split(" (")[0] for s in report["skipped"]] == ["truncated record"]
    assert len(report["pairs"]) == 3 and all(p["diff"] for p in report["pairs"])


def _names(ids):
    return [os.fsdecode(n) if isinstance(n, bytes) else n for n in ids]


#: Names that are not UTF-8 (os.fsdecode gives their bytes as lone surrogates, U+DC80-U+DCFF) beside
#: names that sort on either side of the surrogates (U+00E9, U+E000; U+1F600 for a fifth version):
#: four identical copies, so members and the canonical tie-break follow the local engine's str order.
ODD_COPIES = _names([b"caf\xe9.txt", "caf\u00e9.txt", "caf\ue000.txt", b"caf\xc3.txt"])


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory) -> Path:
    """A folder whose file names, folder names and JSONL keys hold lone surrogates."""
    out = tmp_path_factory.mktemp("odd")
    text = prose(21, paragraphs=6)
    for name in ODD_COPIES:
        (out / name).write_text(text, encoding="utf-8")
    (out / "caf\U0001f600.txt").write_text(text + "\n\nOne more paragraph of its own here.", encoding="utf-8")
    (out / os.fsdecode(b"dir-\xff")).mkdir()
    (out / os.fsdecode(b"dir-\xff") / "x.md").write_text(prose(22, paragraphs=6), encoding="utf-8")
    (out / "y.md").write_text(prose(22, paragraphs=6) + "\n\nA line only y has.", encoding="utf-8")
    (out / os.fsdecode(b"empty-\x80.txt")).write_bytes(b"")  # skipped by a worker
    (out / os.fsdecode(b"link-\xff.txt")).symlink_to(ODD_COPIES[0])  # skipped by the driver: "same file as caf\xe9.txt"
    records = [{"id": "\ud800", "text": prose(23)}, {"id": "k\udce9", "text": prose(23)}, {"id": "\ud800", "text": "again"}]
    (out / os.fsdecode(b"recs-\xfe.jsonl")).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="ascii")
    return out


def test_names_that_are_not_utf8_give_the_local_report(odd_names):
    """Such names once stopped the job: Arrow strings must be UTF-8 (ids now cross it as binary)."""
    runner = CliRunner()
    local = runner.invoke(app, ["report", str(odd_names), "-f", "json"])
    distributed = runner.invoke(app, ["report", str(odd_names), "-f", "json", "--engine", "ray", "-j", "2"])
    assert local.exit_code == 0 and distributed.exit_code == 0, distributed.output
    assert distributed.stdout == local.stdout
    report = json.loads(local.stdout)
    assert {d["id"] for d in report["documents"]} >= {*ODD_COPIES, os.fsdecode(b"dir-\xff") + "/x.md",
                                                         os.fsdecode(b"recs-\xfe.jsonl") + "#\ud800"}
    first = report["clusters"][0]
    assert (first["members"], first["canonical"]) == (sorted(ODD_COPIES) + ["caf\U0001f600.txt"], "caf\u00e9.txt")
    assert len(report["pairs"]) == 10 + 1 + 1 and report["skipped"]  # the five versions, x/y, the two records
    # components on Ray, without diffs
    same([str(odd_names)], Config(diff=False), driver_edges=0)


@pytest.mark.parametrize("driver_edges", [100, 0], ids=["driver", "ray-components"])
def test_names_that_are_not_utf8_in_parquet_output(odd_names, tmp_path, driver_edges):
    """Strings as the terminal shows them; the exact value, where that differs, in the _bytes twin."""
    import pyarrow.parquet as pq

    expected = run([str(odd_names)], Config(diff=False))
    write_ray([str(odd_names)], tmp_path / "out", Config(workers=2), driver_edges=driver_edges)

    def table(name):
        return pq.read_table(tmp_path / "out" / name).to_pylist()

    def exact(row, column):
        raw = row[column + "_bytes"]
        if raw is None:
            return row[column]
        if isinstance(raw, list):
            return [r.decode("utf-8", "surrogatepass") for r in raw]
        return raw.decode("utf-8", "surrogatepass")

    documents = table("documents")
    assert sorted(exact(d, "id") for d in documents) == [d.id for d in expected.documents]
    shown = {d["id"]: d["id_bytes"] for d in documents}
    assert shown["caf\\xe9.txt"] == b"caf\xed\xb3\xa9.txt" and shown["caf\u00e9.txt"] is None
    assert os.fsencode(exact({"id": "", "id_bytes": shown["caf\\xe9.txt"]}, "id")) == b"caf\xe9.txt"
    assert shown["recs-\\xfe.jsonl#\\ud800"] is not None and shown["dir-\\xff/x.md"] is not None
    assert sorted((exact(p, "a"), exact(p, "b"), p["jaccard"]) for p in table("pairs")) == [
        (p.a, p.b, p.jaccard) for p in expected.pairs
    ]
    assert sorted((exact(c, "members"), exact(c, "canonical")) for c in table("clusters")) == [
        (list(c.members), c.canonical) for c in expected.clusters
    ]
    skipped = table("skipped")
    assert [(exact(s, "path"), exact(s, "reason")) for s in skipped] == [(s.path, s.reason) for s in expected.skipped]
    assert {(s["path"], s["reason"]) for s in skipped} >= {
        ("empty-\\x80.txt", "empty file"), ("link-\\xff.txt", "same file as caf\\xe9.txt")
    }


def test_a_parquet_file_whose_name_is_not_utf8_is_read(tmp_path):
    """pyarrow opens a path as UTF-8: such a file was skipped as "not a Parquet file"."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = prose(31, paragraphs=6)
    records = [{"id": "a", "text": text}, {"id": "b", "text": text + "\n\nAnd a closing line."},
               {"id": "c", "text": prose(32)}]
    name = os.fsdecode(b"caf\xe9")
    for folder in ("parquet", "jsonl"):
        (tmp_path / folder).mkdir()
    with open(tmp_path / "parquet" / f"{name}.parquet", "wb") as fh:  # pyarrow cannot open that path either
        pq.write_table(pa.Table.from_pylist(records), fh, row_group_size=2)
    (tmp_path / "jsonl" / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    expected = to_json(run([str(tmp_path / "jsonl")], Config()))
    assert '"caf\\udce9.jsonl#a"' in expected and '"diff": []' not in expected  # the pair, with its diff
    assert to_json(run_ray([str(tmp_path / "parquet")], Config())) == expected.replace(".jsonl#", ".parquet#")


def test_a_repeated_id_across_spans_and_row_groups_is_named_by_its_line(tmp_path):
    """Repeats found across tasks were 'big.jsonl#r0: duplicate id (...)', without a line (both engines)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    padding = " " * (9 * 1024 * 1024)  # a blank line that pushes the records after it into a second 8 MiB span
    rows = [{"id": "r0", "text": prose(1)}, {"id": "r1", "text": prose(2)}, {"id": "r0", "text": prose(3)}]
    lines = [json.dumps(rows[0]), padding, json.dumps(rows[1]), json.dumps(rows[2])]
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet", row_group_size=2)  # r0 again in group 2
    local = json.loads(to_json(run([str(tmp_path / "big.jsonl")], Config(diff=False))))
    distributed = json.loads(to_json(run_ray([str(tmp_path)], Config(diff=False, workers=2))))
    assert local["skipped"] == [{"path": "big.jsonl:4", "reason": "duplicate 'id' 'r0'"}]
    assert distributed["skipped"] == [
        {"path": "big.jsonl:4", "reason": "duplicate 'id' 'r0'"},
        {"path": "docs.parquet:3", "reason": "duplicate 'id' 'r0'"},
    ]
    assert same([str(tmp_path / "big.jsonl")], Config(diff=False))


def test_one_parquet_file_of_a_few_row_groups_with_skipped_rows(tmp_path):
    """The sort by id left an empty block without columns: KeyError 'id', an internal error (exit 3)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    a, b = SEEDS.joinpath("000_900e872972fded2f.txt").read_text(), SEEDS.joinpath("002_cc041bda5f211d21.txt").read_text()
    rows = [{"id": 1, "text": a}, {"id": 1, "text": b}, {"id": None, "text": b[:3000]},
            {"id": 7, "text": None}, {"id": 8, "text": ""}, {"id": 9, "text": a[:4000]}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "a.parquet", row_group_size=2)
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    expected = to_json(run([str(tmp_path / "a.jsonl")], Config(diff=False)))
    done = CliRunner().invoke(app, ["report", str(tmp_path / "a.parquet"), "--no-diff", "-f", "json", "--engine", "ray",
                                    "-j", "2"])
    assert done.exit_code == 0, done.output
    assert done.stdout.rstrip("\n") == expected.replace("a.jsonl", "a.parquet").rstrip("\n")
    assert [s["path"] for s in json.loads(expected)["skipped"]] == ["a.jsonl:2", "a.jsonl:4", "a.jsonl:5"]


def test_nested_text_and_id_fields_in_jsonl_and_parquet(tmp_path):
    """--text-field content.body --id-field meta.url: the workers skipped every record ("no
    'content.body' field"); they read the nested fields as the local engine does, from JSONL
    objects and from Parquet struct columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    a, b = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
    rows = [
        {"meta": {"url": "https://x.example/a"}, "content": {"body": a, "title": "A"}},
        {"meta": {"url": "https://x.example/b"}, "content": {"body": b, "title": "B"}},
        {"meta": None, "content": {"body": prose(4), "title": "No meta"}},
        {"meta": {"url": "https://x.example/d"}, "content": None},
    ]
    (tmp_path / "jsonl").mkdir()
    (tmp_path / "parquet").mkdir()
    (tmp_path / "jsonl" / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "parquet" / "docs.parquet", row_group_size=2)
    config = Config(text_field="content.body", id_field="meta.url", diff=False)
    expected = same([str(tmp_path / "jsonl")], config)
    report = json.loads(expected)
    assert [d["id"] for d in report["documents"]] == ["docs.jsonl#3", "docs.jsonl#https://x.example/a",
                                                      "docs.jsonl#https://x.example/b"]
    assert report["skipped"] == [{"path": "docs.jsonl:4",
                                  "reason": "no 'content.body' field ('content' is null, not an object; see --text-field)"}]
    assert len(report["pairs"]) == 1
    assert to_json(run_ray([str(tmp_path / "parquet")], config)) == expected.replace("docs.jsonl", "docs.parquet")


def test_parquet_in_and_out(generated, tmp_path):
    """Parquet input gives the JSONL answer (ids aside); write_ray's tables hold the report's rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [json.loads(line) for line in (generated / "corpus.jsonl").read_text().splitlines() if line[0] == "{"]
    records = [r for r in records if isinstance(r.get("text"), str)][:200]
    for r in records:
        r["id"] = str(r["id"])
    (tmp_path / "in").mkdir()
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in" / "docs.parquet", row_group_size=64)
    (tmp_path / "jsonl").mkdir()
    (tmp_path / "jsonl" / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    expected = run([str(tmp_path / "jsonl")], Config(diff=False))

    written = write_ray([str(tmp_path / "in")], tmp_path / "out", Config(workers=2))
    assert (written.documents, written.pairs, written.clusters) == (
        len(expected.documents), len(expected.pairs), len(expected.clusters)
    )

    def table(name):
        return pq.read_table(tmp_path / "out" / name).to_pylist()

    rename = lambda ident: ident.replace("docs.parquet#", "docs.jsonl#")  # noqa: E731
    assert sorted(rename(d["id"]) for d in table("documents")) == [d.id for d in expected.documents]
    assert {d["id_bytes"] for d in table("documents")} == {None}  # every id is exact in its string
    assert sorted((rename(p["a"]), rename(p["b"]), p["jaccard"], p["shared"]) for p in table("pairs")) == [
        (p.a, p.b, p.jaccard, p.shared) for p in expected.pairs
    ]
    assert sorted(([rename(m) for m in c["members"]], rename(c["canonical"])) for c in table("clusters")) == [
        (list(c.members), c.canonical) for c in expected.clusters
    ]
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["counts"]["pairs"] == written.pairs and config["config"]["diff"] is False
    with pytest.raises(Exception, match="not an empty folder"):
        write_ray([str(tmp_path / "in")], tmp_path / "out", Config(workers=2))
    # Ray wrote "out-\udce9/documents" to "out-/documents"; pyarrow failed: refused before any work
    with pytest.raises(UsageError, match="whose path is UTF-8; give another folder"):
        write_ray([str(tmp_path / "in")], tmp_path / os.fsdecode(b"out-\xe9"), Config(workers=2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "jsonl", "out"]


@pytest.mark.parametrize(
    "edges",
    [
        [(k, k + 1) for k in range(60)],  # a long chain: one round per step for label propagation
        [(60 - k, 59 - k) for k in range(60)] + [(100, 101)],  # the same chain given backwards, and a pair
        "random",
    ],
    ids=["chain", "backwards-chain", "random"],
)
def test_distributed_components_equal_union_find(edges):
    from dedup import ray_components

    if edges == "random":
        rng = random.Random(3)
        edges = sorted({tuple(sorted(rng.sample(range(400), 2))) for _ in range(150)})
    matches = [(min(a, b), max(a, b)) for a, b in edges]
    ids = [f"doc{k:04}" for k in range(max(max(e) for e in matches) + 1)]
    rng = np.random.default_rng(1)
    figures = [(int(x), int(y), int(s)) for x, y, s in rng.integers(50, 100, size=(len(matches), 3))]
    rows = [  # ids as the engine carries them: binary (dedup.ray_stages._utf8)
        {"a": a, "b": b, "id_a": ids[a].encode(), "id_b": ids[b].encode(), "size_a": sa + s, "size_b": sb + s, "shared": s}
        for (a, b), (sa, sb, s) in zip(matches, figures)
    ]
    # the same document has one size in every pair
    size = {}
    for r in rows:
        r["size_a"] = size.setdefault(r["a"], r["size_a"])
        r["size_b"] = size.setdefault(r["b"], r["size_b"])
        r["shared"] = min(r["shared"], r["size_a"], r["size_b"])
    got = ray_components.collect(ray_components.clusters(ray.data.from_items(rows), partitions=3))
    expected = cluster_stage.clusters(
        len(ids),
        [cluster_stage.Match(r["a"], r["b"], r["size_a"], r["size_b"], r["shared"]) for r in rows],
        ids,
    )
    assert [(c[0], c[2], c[4]) for c in got] == [(c.members, c.canonical, c.reason) for c in expected]
    assert [c[1] for c in got] == [tuple(ids[m] for m in c.members) for c in expected]


def test_cli_parquet_needs_the_ray_engine_and_a_folder(tmp_path):
    result = CliRunner().invoke(app, ["report", str(SEEDS), "-f", "parquet", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--engine ray" in result.output


def test_cli_parquet_output_makes_its_folder_parents_too(tmp_path):
    """-o of a report file refuses a folder that does not exist; a Parquet output folder is made."""
    out = tmp_path / "runs" / "2026" / "seeds"
    result = CliRunner().invoke(app, ["report", str(SEEDS), "--engine", "ray", "-f", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["clusters", "config.json", "documents", "pairs", "skipped"]


def test_local_commands_do_not_import_ray(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "docs")
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from dedup.cli import app\n"
        f"r = CliRunner().invoke(app, ['report', {str(tmp_path / 'docs')!r}, '-f', 'json'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"r = CliRunner().invoke(app, ['check', '--against', {str(tmp_path / 'docs')!r}, "
        f"'--index', {str(tmp_path / 'i.sqlite')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "assert 'ray' not in sys.modules and 'pyarrow' not in sys.modules, 'ray imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
