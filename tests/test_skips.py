"""The skip lines on stderr: the first few of each file, then one line for the rest."""

from __future__ import annotations

import pytest

from dedup.document import Skipped
from dedup.render.skips import FILES_SHOWN, SHOWN_PER_FILE, file_skip_lines, reason_kind, record_place, skip_lines

NO_TEXT = "no 'text' field (its fields: url, title, maintext; see --text-field)"
LISTED = '--format json lists every one under "skipped"'


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        (NO_TEXT, "no 'text' field (see --text-field)"),
        ("no 'text' field (its fields: id, body; see --text-field)", "no 'text' field (see --text-field)"),
        ("no 'text' field (it has no fields; see --text-field)", "no 'text' field (see --text-field)"),
        ("no 'a.b' field ('a' is a string, not an object; see --text-field)", "no 'a.b' field (see --text-field)"),
        ("no 'text' field (its fields: 'a(b', c; see --text-field)", "no 'text' field (see --text-field)"),
        ("a non-string 'text' field (see --text-field)", "a non-string 'text' field (see --text-field)"),
        ("record too large (over the 32.0 MiB limit, see --max-bytes)", "record too large (see --max-bytes)"),
        ("too large (40.0 MiB; the limit is 32.0 MiB, see --max-bytes)", "too large (see --max-bytes)"),
        ("invalid JSON (Expecting value at column 1)", "invalid JSON"),
        ("invalid JSON (Unterminated string starting at column 9)", "invalid JSON"),
        ("binary file (PDF document)", "binary file"),
        ("duplicate 'id' 'a7'", "duplicate 'id'"),
        ("duplicate 'id' \"it's\"", "duplicate 'id'"),
        ("no record with 'url' 'u9' in part 1.jsonl", "no record with 'url'"),
        ("same file as a.txt", "same file as another one"),
        ("no record at byte 1234 any more (changed while reading?)", "no record any more"),
        ("expected two tab-separated paths, got 'no tab here'", "expected two tab-separated paths"),
        ("an empty 'text' field", "an empty 'text' field"),
        ("empty file", "empty file"),
    ],
)
def test_the_kind_of_a_reason_leaves_out_what_differs_from_record_to_record(reason, kind):
    assert reason_kind(reason) == kind


@pytest.mark.parametrize(
    ("path", "place"),
    [
        ("shard.jsonl:12", ("shard.jsonl", 12)),
        ("crawl/part 1.NDJSON:3", ("crawl/part 1.NDJSON", 3)),
        ("rows.parquet:7", ("rows.parquet", 7)),
        ("-:2", ("-", 2)),
        ("shard.jsonl#https://x.example/a#top", ("shard.jsonl", None)),
        ("shard.jsonl", ("shard.jsonl", None)),
        ("notes/meeting 12:30", ("notes/meeting 12:30", None)),  # a file, whatever its name ends in
        ("a.txt:3", ("a.txt:3", None)),
        ("shard.jsonl:²", ("shard.jsonl:²", None)),
    ],
)
def test_the_file_of_a_skipped_record(path, place):
    assert record_place(path) == place


def _records(n: int, reason: str = NO_TEXT, source: str = "shard.jsonl", start: int = 1) -> list[Skipped]:
    return [Skipped(f"{source}:{k}", reason) for k in range(start, start + n)]


def _sorted(skipped: list[Skipped]) -> list[Skipped]:
    """As the report lists them: sorted by path (so shard.jsonl:10 comes before shard.jsonl:2)."""
    return sorted(skipped, key=lambda s: (s.path, s.reason))


def test_a_few_skips_are_each_shown_as_before():
    skipped = [Skipped("a.txt", "empty file"), *_records(SHOWN_PER_FILE + 1)]
    assert skip_lines(skipped, listed=LISTED) == [f"skipped {s.path}: {s.reason}" for s in skipped]


def test_the_records_of_one_file_after_the_first_few_are_one_line():
    lines = skip_lines(_sorted(_records(50)), listed=LISTED)
    assert lines == [f"skipped shard.jsonl:{k}: {NO_TEXT}" for k in range(1, SHOWN_PER_FILE + 1)] + [
        f"skipped {50 - SHOWN_PER_FILE} more records of shard.jsonl: {NO_TEXT}; {LISTED}"
    ]


def test_the_rest_is_named_by_its_kind_when_the_reasons_differ_in_their_details():
    skipped = [Skipped(f"shard.jsonl:{k}", f"no 'text' field (its fields: url, f{k}; see --text-field)")
               for k in range(1, 51)]
    assert skip_lines(skipped, listed=LISTED)[SHOWN_PER_FILE:] == [
        f"skipped {50 - SHOWN_PER_FILE} more records of shard.jsonl: no 'text' field (see --text-field); {LISTED}"
    ]


def test_a_million_records_are_counted_with_separators():
    lines = skip_lines(_records(1_000_000), listed=None)
    assert len(lines) == SHOWN_PER_FILE + 1
    assert lines[-1] == f"skipped {1_000_000 - SHOWN_PER_FILE:,} more records of shard.jsonl: {NO_TEXT}"
    assert lines[-1].startswith("skipped 999,995 more records of shard.jsonl: ")


def test_the_first_record_of_every_reason_is_shown_and_the_rest_named_by_the_most_common():
    skipped = _records(30) + _records(3, "invalid JSON (Expecting value at column 1)", start=31)
    skipped += _records(1, "record too large (over the 32.0 MiB limit, see --max-bytes)", start=34)
    lines = skip_lines(_sorted(skipped), listed=LISTED)
    assert lines == [f"skipped shard.jsonl:{k}: {NO_TEXT}" for k in range(1, SHOWN_PER_FILE + 1)] + [
        "skipped shard.jsonl:31: invalid JSON (Expecting value at column 1)",
        "skipped shard.jsonl:34: record too large (over the 32.0 MiB limit, see --max-bytes)",
        f"skipped {30 - SHOWN_PER_FILE + 2} more records of shard.jsonl, {30 - SHOWN_PER_FILE} of them: "
        f"{NO_TEXT}; {LISTED}",
    ]


def test_each_file_has_its_own_lines_and_summary():
    skipped = _sorted(_records(20, source="a.jsonl") + [Skipped("b.txt", "binary file (PDF document)")]
                      + _records(9, "invalid JSON (Expecting value at column 1)", source="c.jsonl"))
    lines = skip_lines(skipped, listed=None)
    assert lines == (
        [f"skipped a.jsonl:{k}: {NO_TEXT}" for k in range(1, SHOWN_PER_FILE + 1)]
        + [f"skipped {20 - SHOWN_PER_FILE} more records of a.jsonl: {NO_TEXT}",
           "skipped b.txt: binary file (PDF document)"]
        + [f"skipped c.jsonl:{k}: invalid JSON (Expecting value at column 1)" for k in range(1, SHOWN_PER_FILE + 1)]
        + [f"skipped {9 - SHOWN_PER_FILE} more records of c.jsonl: invalid JSON (Expecting value at column 1)"]
    )


def test_records_named_by_id_are_counted_with_their_file():
    skipped = [Skipped(f"shard.jsonl#k{k:02}", "no words to compare") for k in range(12)]
    lines = skip_lines(skipped, listed=None)
    assert lines[:SHOWN_PER_FILE] == [f"skipped shard.jsonl#k{k:02}: no words to compare" for k in range(SHOWN_PER_FILE)]
    assert lines[SHOWN_PER_FILE:] == [f"skipped {12 - SHOWN_PER_FILE} more records of shard.jsonl: no words to compare"]


def test_files_after_the_first_ones_are_one_line_but_a_new_reason_is_shown():
    binary = [Skipped(f"docs/{k:03}.txt", "binary file (PDF document)") for k in range(FILES_SHOWN + 10)]
    empty = Skipped("docs/999.txt", "empty file")
    lines = skip_lines([*binary, empty], listed=LISTED)
    assert lines == [f"skipped {s.path}: {s.reason}" for s in binary[:FILES_SHOWN]] + [
        "skipped docs/999.txt: empty file",
        f"skipped 10 more files: binary file (PDF document); {LISTED}",
    ]


def test_the_files_after_the_first_ones_are_summed_up_by_their_records():
    skipped = [s for k in range(FILES_SHOWN + 3) for s in _records(2, source=f"shards/{k:02}.jsonl")]
    lines = skip_lines(skipped, listed=None)
    assert len(lines) == 2 * FILES_SHOWN + 1
    assert lines[-1] == f"skipped 6 more records in 3 more files: {NO_TEXT}"


def test_one_more_is_shown_rather_than_summed_up():
    assert len(skip_lines(_records(SHOWN_PER_FILE + 1), listed=None)) == SHOWN_PER_FILE + 1
    files = [Skipped(f"{k:03}.txt", "empty file") for k in range(FILES_SHOWN + 1)]
    assert skip_lines(files, listed=None) == [f"skipped {s.path}: empty file" for s in files]


def test_the_lines_of_one_file_as_they_come():
    """diff --pairs: the lines of the TSV, named while the others are read; their kinds given by the caller."""
    given = []

    def rows():
        for k in range(2, 20):
            given.append(k)
            yield Skipped(f"pairs.tsv:{k}", f"gone-{k}.txt: no such file or folder")

    lines = file_skip_lines(rows(), name="pairs.tsv", listed=None, unit="line", kind=lambda s: "no such file or folder")
    assert next(lines) == "skipped pairs.tsv:2: gone-2.txt: no such file or folder" and given == [2]
    assert list(lines) == [f"skipped pairs.tsv:{k}: gone-{k}.txt: no such file or folder"
                           for k in range(3, 2 + SHOWN_PER_FILE)] + [
        f"skipped {18 - SHOWN_PER_FILE} more lines of pairs.tsv: no such file or folder"
    ]


def test_standard_input_is_named_as_such():
    lines = skip_lines(_records(10, source="-"), listed=None)
    assert lines[-1] == f"skipped {10 - SHOWN_PER_FILE} more records of standard input (-): {NO_TEXT}"


def test_no_skips_no_lines():
    assert skip_lines([], listed=LISTED) == []


def test_the_files_after_the_first_ones_may_mix_records_and_whole_files():
    skipped = [Skipped(f"{k:02}.jsonl", "empty file") for k in range(FILES_SHOWN)]
    skipped += [Skipped("x.jsonl", "empty file"), *_records(4, source="y.jsonl")]
    assert skip_lines(skipped, listed=None)[FILES_SHOWN:] == [
        f"skipped y.jsonl:1: {NO_TEXT}",  # the first of its kind
        f"skipped 4 more records or files in 2 more files, 3 of them: {NO_TEXT}",
    ]
