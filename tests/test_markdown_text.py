"""Reading Markdown (dedup.markdown_text): a .md file is read as what it renders to.

Not the Markdown *report* (tests/test_markdown.py): this is the reader of .md/.markdown
documents, and an article kept as Markdown beside its .txt copy must pair with it with no
row of Markdown syntax in the diff.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dedup.cli import app
from dedup.document import Document, Skipped, Source, find_sources, load, load_bytes
from dedup.errors import DocumentError
from dedup.markdown_text import MAX_MARKDOWN_DEPTH, front_matter_title, strip_front_matter, visible_text

runner = CliRunner()


def text_of(markdown: str) -> str:
    return visible_text(markdown, id="x.md")


@pytest.mark.parametrize(
    "markdown, expected",
    [
        # headings, ATX and setext, without their markers
        ("# Title #\n\nBody.", "Title\n\nBody."),
        ("Title\n=====\n\nSection\n-------\nBody.", "Title\n\nSection\n\nBody."),
        # links are their text, autolinks their URL; reference definitions leave nothing
        ("See [the plan](https://example.com/a/long/path \"Plan\") now.", "See the plan now."),
        ("Mail <https://example.com/x> or <me@example.com>.", "Mail https://example.com/x or me@example.com."),
        ("Read [the report][r] today.\n\n[r]: https://example.com/report", "Read the report today."),
        # emphasis, strong, code spans and strikethrough keep their text, not their markers
        ("Some *em*, __strong__, `code()` and ~~struck~~ words.", "Some em, strong, code() and struck words."),
        # a soft break is a space; a hard break (two spaces, a backslash) a line break
        ("One line\nand the next.", "One line and the next."),
        ("Line one  \nline two\\\nline three", "Line one\nline two\nline three"),
        # list items and quoted paragraphs are paragraphs of their own
        ("- one\n- *two*\n\n1. three", "one\n\ntwo\n\nthree"),
        ("> First quoted.\n>\n> Second quoted.", "First quoted.\n\nSecond quoted."),
        # a table row is a paragraph, cells separated by " | " (the delimiter row is not text)
        ("| Name | Age |\n|:-----|----:|\n| Bob | 42 |", "Name | Age\n\nBob | 42"),
        # code blocks keep their lines, as <pre> does in HTML
        ("```python\nx = 1\ny = [x]\n```", "x = 1\ny = [x]"),
        ("    indented code\n    second line", "indented code\nsecond line"),
        # an image alone in its paragraph is its alt text (else its title); among words it is left out
        ("![A photo of the bridge.](img/bridge.jpg \"Bridge\")", "A photo of the bridge."),
        ("![](img/bridge.jpg \"The bridge at dusk\")", "The bridge at dusk"),
        ("[![Linked photo.](p.jpg)](https://example.com/big.jpg)", "Linked photo."),
        ("![One.](1.jpg)\n![Two.](2.jpg)", "One.\n\nTwo."),
        ("Text with an ![icon](i.png) inside.", "Text with an inside."),
        ("![*Alt* with [a link](x)](p.jpg)", "Alt with a link"),
        # HTML inside Markdown is read as the HTML reader reads it
        ("Before.\n\n<!-- a comment -->\n\nAfter.", "Before.\n\nAfter."),
        ("Inline <b>bold</b> and <script>alert(1)</script> gone.", "Inline bold and gone."),
        ("<div hidden>\n\nSecret.\n\n</div>\n\nShown &amp; told.", "Shown & told."),
        ("<figure><img src=x alt=y><figcaption>A caption.</figcaption></figure>", "A caption."),
        # a rule is not text
        ("Above.\n\n***\n\nBelow.", "Above.\n\nBelow."),
    ],
)
def test_markdown_is_read_as_it_renders(markdown, expected):
    assert text_of(markdown) == expected


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("---\nauthor: A Name\ndate: 2024-03-05\ntags:\n  - city\n- list item\n# a comment\n\n---\nBody.", "Body."),
        ("---\r\nauthor: Windows\r\n---\r\nBody.", "Body."),
        ("---\nauthor: pandoc closes with dots\n...\nBody.", "Body."),
        ("+++\ndate = 2024-03-05\n[params]\nanything at all\n+++\nBody.", "Body."),
        # ... but for its title, which is the first paragraph (test_the_front_matters_title_is_the_first_paragraph)
        ("---\ntitle: A Title\ndate: 2024-03-05\ntags:\n  - city\n---\nBody.", "A Title\n\nBody."),
        ("+++\ntitle = \"Hugo\"\n[params]\nanything at all\n+++\nBody.", "Hugo\n\nBody."),
        ("---\n---\nBody.", "Body."),
        # not front matter: prose between rules (the second underlines a heading), or never closed
        ("---\nA line of prose.\n---\nBody.", "A line of prose.\n\nBody."),
        ("---\ntitle: never closed\n\nBody.", "title: never closed\n\nBody."),
        # only at the very start
        ("Intro.\n\n---\ntitle: x\n---\n", "Intro.\n\ntitle: x"),
    ],
)
def test_front_matter_is_dropped(markdown, expected):
    assert text_of(markdown) == expected


@pytest.mark.parametrize(
    "front_matter, title",
    [
        # YAML: plain, double-quoted (with escapes) and single-quoted scalars, any case of the key
        ("---\ntitle: A Plain Title\n---\n", "A Plain Title"),
        ("---\ntitle: \"Learning to Love Kim's Bomb\"\ndate: 2017-08-10\n---\n", "Learning to Love Kim's Bomb"),
        ("---\nTitle: 'It''s Here'\n---\n", "It's Here"),
        ("---\nTITLE:   Shouted Key   \n---\n", "Shouted Key"),
        ("---\n\"title\": Quoted Key\n---\n", "Quoted Key"),
        ("---\ntitle: Plain # a comment\n---\n", "Plain"),
        ("---\ntitle: Learn C# in a Day\n---\n", "Learn C# in a Day"),  # "#" after no space: not a comment
        ("---\ntitle: Issue #42 explained\n---\n", "Issue"),  # as YAML reads it (quote such a title)
        ("---\ntitle: \"Quoted\" # a comment\n---\n", "Quoted"),
        ("---\ntitle: \"Caf\\u00e9 \\\"Bleu\\\" \\\\ \\x41\"\n---\n", 'Caf\u00e9 "Bleu" \\ A'),
        ("---\nlayout: post\ntitle: After Other Keys\ntags:\n  - a\n---\n", "After Other Keys"),
        ("---\r\ntitle: Windows Lines\r\n---\r\n", "Windows Lines"),
        ("---\ntitle: Dots Close\n...\n", "Dots Close"),
        # TOML: basic (with escapes) and literal strings, top-level keys only
        ('+++\ntitle = "Hugo Title"\ndate = 2024-03-05\n+++\n', "Hugo Title"),
        ('+++\ntitle="Tight \\"Quotes\\" \\u00e9" # comment\n+++\n', 'Tight "Quotes" \u00e9'),
        ("+++\nTitle = 'C:\\raw\\n'\n+++\n", "C:\\raw\\n"),
        ('+++\n"title" = "Quoted Key"\n+++\n', "Quoted Key"),
        # no title: nested keys, other keys, odd values (block scalars, lists, maps, multi-line strings)
        ("---\nparams:\n  title: Nested\n---\n", None),
        ("---\nsubtitle: A Dek\ndescription: For search engines\n---\n", None),
        ("---\ntitle: >-\n  A Folded\n  Title\n---\n", None),
        ("---\ntitle: |\n  A Literal Title\n---\n", None),
        ("---\ntitle:\n  - a\n  - b\n---\n", None),
        ("---\ntitle: [a, b]\n---\n", None),
        ("---\ntitle: {en: A, fr: B}\n---\n", None),
        ("---\ntitle: &anchor Anchored\n---\n", None),
        ("---\ntitle: !!str Tagged\n---\n", None),
        ("---\ntitle: A plain title\n  continued on the next line\n---\n", None),
        ("---\ntitle: \"A quoted title\n  continued\"\n---\n", None),
        ("---\ntitle: 'unclosed\n---\n", None),
        ("---\ntitle: \"bad escape \\q\"\n---\n", None),
        ("---\ntitle: ~\n---\n", None),
        ("---\ntitle: null\n---\n", None),
        ("---\ntitle: \"\"\n---\n", None),
        ("---\ntitle: \"   \"\n---\n", None),
        # not YAML: a plain scalar with ": " in it, a key given twice (go-yaml, Hugo's, refuses both)
        ("---\ntitle: Colons: not allowed\n---\n", None),
        ("---\ntitle: First\ntitle: Second\n---\n", None),
        ('+++\n[params]\ntitle = "In A Table"\n+++\n', None),
        ('+++\ntitle = """A Multi-Line\nTitle"""\n+++\n', None),
        ("+++\ntitle = '''Literal\nMulti'''\n+++\n", None),
        ("+++\ntitle = Unquoted\n+++\n", None),
        ('+++\ntitle = "One"\ntitle = "Two"\n+++\n', None),  # not TOML
        ('+++\ntitle = "unclosed\n+++\n', None),
        # no front matter: never closed, a rule around prose, not at the very start
        ("---\ntitle: Never Closed\n\nBody.", None),
        ("---\nA line of prose.\n---\n", None),
        ("Intro.\n\n---\ntitle: x\n---\n", None),
        ("# title: Not Front Matter\n", None),
    ],
)
def test_front_matter_title(front_matter, title):
    assert front_matter_title(front_matter) == title


@pytest.mark.parametrize(
    "markdown, expected",
    [
        # the title is the first paragraph, as a "# Title" heading would be
        ("---\ntitle: \"Learning to Love Kim's Bomb\"\n---\n\nThe body.", "Learning to Love Kim's Bomb\n\nThe body."),
        ('+++\ntitle = "Hugo Title"\n+++\n\nThe body.', "Hugo Title\n\nThe body."),
        ("---\ntitle: The Title\n---\n## A Section\n\nThe body.", "The Title\n\nA Section\n\nThe body."),
        # read as text, not as Markdown or HTML (a page's <h1>{{ .Title }}</h1> escapes it)
        ("---\ntitle: \"*Stars* & <b>tags</b> [kept](x)\"\n---\nThe body.", "*Stars* & <b>tags</b> [kept](x)\n\nThe body."),
        ("---\ntitle: \"Tabs\\tand\\nbreaks   spaced\"\n---\nThe body.", "Tabs and breaks spaced\n\nThe body."),
        # not repeated when the body starts with it (white space and case aside), whatever its kind
        ("---\ntitle: The Title\n---\n# The Title\n\nThe body.", "The Title\n\nThe body."),
        ("---\ntitle: The  Title\n---\n\nTHE TITLE\n=========\n\nThe body.", "THE TITLE\n\nThe body."),
        ("---\ntitle: The Title\n---\n<!-- c -->\n<h1>The Title</h1>\n\nThe body.", "The Title\n\nThe body."),
        ("---\ntitle: The Title\n---\n**The Title**\n\nThe body.", "The Title\n\nThe body."),
        # but repeated when the body has it further on
        ("---\ntitle: The Title\n---\nA lede.\n\n# The Title", "The Title\n\nA lede.\n\nThe Title"),
        # odd front matter: no title, the body as it was read before
        ("---\ntitle: >-\n  Folded\n---\nThe body.", "The body."),
        ("---\ntitle: [a, b]\n---\nThe body.", "The body."),
        ("---\ntitle: Never closed\n\nThe body.", "title: Never closed\n\nThe body."),
        ("---\nsubtitle: A dek\ndescription: A summary\n---\nThe body.", "The body."),
    ],
)
def test_the_front_matters_title_is_the_first_paragraph(markdown, expected):
    assert text_of(markdown) == expected


def test_the_title_paragraph_points_at_the_title(tmp_path):
    """Paragraph offsets point into the document's text (the extracted text of a Markdown file,
    as ever): the title paragraph's span is the title."""
    title = "Learning to Love Kim's Bomb"
    (tmp_path / "a.md").write_text(f'---\ntitle: "{title}"\ndate: 2017-08-10\n---\n\nThe *body*.\n', encoding="utf-8")
    ((source,), _) = find_sources([tmp_path / "a.md"])
    (doc,) = load(source)
    first = doc.paragraphs[0]
    assert (first.text, doc.text[first.start : first.end]) == (title, title)
    assert [p.text for p in doc.paragraphs] == [title, "The body."]
    assert all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
    (bare,) = load_bytes((tmp_path / "a.md").read_bytes(), source, paragraphs=False)  # dedup check: the same text
    assert bare.text == doc.text


def test_front_matter_alone_is_no_text():
    """Its title alone is not an article (a Hugo section's _index.md): still no visible text."""
    assert strip_front_matter("---\ntitle: x\n---\n") == ""
    with pytest.raises(DocumentError, match="no visible text in the Markdown"):
        text_of("---\ntitle: x\n---\n\n<!-- nothing -->\n\n![](photo.jpg)\n")


def test_front_matter_stays_in_a_text_file(tmp_path):
    """Only Markdown is rendered: a .txt file is read as it always was, front matter and all."""
    text = "---\ntitle: x\n---\n# Heading\n\nSome *text* with [a link](https://example.com)."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    docs = {d.id: d for d in (item for s in find_sources([tmp_path])[0] for item in load(s))}
    assert docs["a.txt"].text == text and docs["a.txt"].format == "text"
    assert docs["a.md"].text == "x\n\nHeading\n\nSome text with a link." and docs["a.md"].format == "markdown"


def test_paragraphs_point_into_the_extracted_text(tmp_path):
    (tmp_path / "a.md").write_text("# Head\n\nOne *two*\nthree.\n\n- item\n\n```\ncode\n```\n", encoding="utf-8")
    ((source,), _) = find_sources([tmp_path / "a.md"])
    (doc,) = load(source)
    assert [p.text for p in doc.paragraphs] == ["Head", "One two three.", "item", "code"]
    assert all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)
    # dedup check reads without paragraphs: the same text
    (bare,) = load_bytes((tmp_path / "a.md").read_bytes(), source, paragraphs=False)
    assert bare.text == doc.text and bare.paragraphs == ()


@pytest.mark.parametrize(
    "markdown, reason",
    [
        (">" * MAX_MARKDOWN_DEPTH + " deep", "Markdown nested too deeply (quotes and lists reach 20 levels, a list counting two)"),
        (">" * 10_000 + " deep", "Markdown nested too deeply (quotes and lists reach 20 levels, a list counting two)"),
        ("".join("  " * i + "- item\n" for i in range(10)), "Markdown nested too deeply (quotes and lists reach 20 levels, a list counting two)"),
        ("*" * 50_000 + "a" + "*" * 50_000, "Markdown rendered as HTML nested too deeply (25000 levels; the limit is 20000)"),
        ("<div>" * 30_000 + "x", "Markdown rendered as HTML nested too deeply (30000 levels; the limit is 20000)"),
        ("<!-- only a comment -->", "no visible text in the Markdown"),
        ("   \n\n", "no text (only whitespace)"),
        ("", "empty file"),
    ],
)
def test_pathological_markdown_is_skipped_with_a_reason(tmp_path, markdown, reason):
    (tmp_path / "bad.md").write_text(markdown, encoding="utf-8")
    ((source,), _) = find_sources([tmp_path / "bad.md"])
    assert list(load(source)) == [Skipped("bad.md", reason)]


@pytest.mark.parametrize(
    "markdown",
    [
        ">" * (MAX_MARKDOWN_DEPTH - 1) + " just deep enough",
        "".join("  " * i + f"- item {i}\n" for i in range(9)),
        "[" * 10_000 + "x" + "]" * 10_000,
        "[" * 10_000 + "x" + "](u)" * 10_000,
        "![" * 10_000,
        "[a][" * 10_000,
        "*a " * 10_000,
        "x " + "`" * 10_000 + "x",
        "<" * 10_000 + "a",
        "|" + "a|" * 5_000 + "\n|" + "-|" * 5_000 + "\n",
        "\x00\ufffd\u202e text with odd characters \ue000\ue001",
    ],
)
def test_odd_markdown_is_read(markdown):
    """Runs of brackets, emphasis and backticks that parsers choke on: read, and some text kept
    (markdown-it reads inline markup nested past its limit as text)."""
    assert text_of(markdown).strip()


def test_an_image_alone_is_a_paragraph_of_its_own(tmp_path):
    md = "Before the photo.\n\n![The bridge at dusk.](bridge.jpg)\n\nAfter the photo, with ![an icon](i.png) inline."
    (tmp_path / "a.md").write_text(md, encoding="utf-8")
    ((source,), _) = find_sources([tmp_path / "a.md"])
    (doc,) = load(source)
    assert [p.text for p in doc.paragraphs] == ["Before the photo.", "The bridge at dusk.", "After the photo, with inline."]


# --------------------------------------------------------------------------- end to end

BODY = [
    "The city council voted on Tuesday to delay the new river bridge for another year, citing rising costs "
    "and a report that found the original plan underestimated the price of steel by almost a third.",
    "Officials said the delay would give engineers time to revise the design and allow residents to comment "
    "on two alternative routes, one of which would pass close to the old market and the museum.",
    "Critics of the decision, including the union that represents most of the city's transport workers, argued "
    "that every month of delay adds to the final bill and leaves commuters stuck on a road that floods each spring.",
    "The mayor defended the vote, saying the council had a duty to taxpayers to get the numbers right before a "
    "single pile was driven into the riverbed, and promised a public meeting next month.",
    "A spokesperson for the regional transport authority said it would study the revised plan once it is "
    "published and would not comment on the timing until then.",
]
TITLE = "A Bridge Too Far for the City Council"
ALT = "The old bridge over the river at dusk. Photo: Jane Doe/Reuters"
ARTICLE_TXT = "\n\n".join([TITLE, *BODY]) + "\n"
# The same article as a Markdown clipping: front matter, links (inline and by reference), emphasis,
# a photo, a comment, a paragraph wrapped over two lines, and a heading underlined with "=".
_MD_BODY = [
    BODY[0].replace("Tuesday", "**Tuesday**")
    .replace("river bridge", "[river bridge](https://example.com/news/2024/03/river-bridge-plan 'The plan')")
    .replace("original plan", "*original plan*"),
    BODY[1],
    f'![{ALT}](https://example.com/images/old-bridge.jpg "Old bridge")',
    BODY[2].replace("transport workers", "`transport workers`"),
    BODY[3].replace(" before a single", "\nbefore a single"),
    "<!-- syndicated: feed 42 -->\n" + BODY[4].replace("regional transport authority", "[regional transport authority][rta]"),
    "[rta]: https://example.com/rta",
]
ARTICLE_MD = (
    f'---\ntitle: "{TITLE}"\ndate: 2024-03-05\ntags: [city, transport]\n---\n\n'
    + f"{TITLE}\n{'=' * len(TITLE)}\n\n"
    + "\n\n".join(_MD_BODY)
    + "\n"
)


def test_an_article_in_markdown_pairs_with_its_text_copy_with_no_spurious_rows(tmp_path):
    """Read as plain text, the Markdown copy gave rows of front matter ("---", "title: ...") and
    of syntax (the image's URL, the reference definition, the comment) and edits for every link
    and emphasis. Read as it renders, the two versions differ only by the photo's caption."""
    (tmp_path / "article.txt").write_text(ARTICLE_TXT, encoding="utf-8")
    (tmp_path / "article.md").write_text(ARTICLE_MD, encoding="utf-8")
    result = runner.invoke(app, ["report", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["skipped"] == []
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"]) == ("article.md", "article.txt")
    rows = [(row["op"], row["role"]) for row in pair["diff"]]
    assert rows == [("equal", "title"), ("equal", "body"), ("equal", "body"), ("delete", "caption")] + [("equal", "body")] * 3
    ((source,), _) = find_sources([tmp_path / "article.md"])
    (doc,) = load(source)
    photo = pair["diff"][3]["a"]
    assert doc.text[photo["start"] : photo["end"]] == ALT  # offsets point into the extracted text


def test_dedup_check_reads_markdown_as_the_report_does(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "article.txt").write_text(ARTICLE_TXT, encoding="utf-8")
    (tmp_path / "article.md").write_text(ARTICLE_MD, encoding="utf-8")
    report = runner.invoke(app, ["report", str(corpus / "article.txt"), str(tmp_path / "article.md"), "--format", "json"])
    (pair,) = json.loads(report.stdout)["pairs"]
    check = runner.invoke(
        app, ["check", str(tmp_path / "article.md"), "--against", str(corpus), "--index", str(tmp_path / "index.sqlite")]
    )
    assert check.exit_code == 1, check.stderr
    assert check.stdout.strip().endswith(
        f"(jaccard {pair['jaccard']:.2f}, containment {max(pair['containment_a_in_b'], pair['containment_b_in_a']):.2f})"
    )


def test_a_new_reader_version_gives_a_new_index_recipe(monkeypatch):
    """dedup check keeps fingerprints by content: Markdown indexed as plain text must not be reused."""
    from dedup import hook
    from dedup.pipeline import Config

    before = hook.recipe(Config())
    monkeypatch.setattr(hook, "READER_VERSION", hook.READER_VERSION + 1)
    assert hook.recipe(Config()) != before


def test_the_diff_rows_show_the_extracted_text(tmp_path):
    (tmp_path / "a.md").write_text(ARTICLE_MD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE_TXT, encoding="utf-8")
    result = runner.invoke(app, ["diff", str(tmp_path / "a.md"), str(tmp_path / "b.txt")], env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert f"- A4 caption {ALT}" in result.stdout
    for syntax in ("---", "title:", "](", "**", "<!--", "[rta]"):
        assert syntax not in result.stdout


def test_documents_read_from_markdown_are_documents():
    source = Source("x.md", "x.md", "markdown")
    (doc,) = load_bytes(b"# T\n\nBody text.", source)
    assert isinstance(doc, Document) and doc.format == "markdown" and doc.text == "T\n\nBody text."


def test_a_hugo_source_pairs_with_its_published_page_title_and_all(tmp_path):
    """A Hugo (Jekyll, Astro) article's headline is only in its front matter; the published page
    has it as its <h1>. Dropped with the front matter, it was a row present in the page only."""
    (tmp_path / "story.md").write_text(
        f'+++\ntitle = "{TITLE}"\ndate = 2024-03-05\n+++\n\n' + "\n\n".join(BODY) + "\n", encoding="utf-8"
    )
    (tmp_path / "story.html").write_text(
        f"<!doctype html><html><head><title>{TITLE} | The Daily</title></head><body><article>"
        f"<h1>{TITLE}</h1>" + "".join(f"<p>{p}</p>" for p in BODY) + "</article></body></html>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["diff", str(tmp_path / "story.html"), str(tmp_path / "story.md"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    pair = json.loads(result.stdout)
    assert [(row["op"], row["role"]) for row in pair["diff"]] == [("equal", "title")] + [("equal", "body")] * len(BODY)
    assert pair["jaccard"] == 1.0
