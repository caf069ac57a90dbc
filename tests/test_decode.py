"""Bytes -> text: UTF-8 (a few bad bytes tolerated), byte order marks, UTF-16 and UTF-32 without one,
legacy encodings, binary data."""

from __future__ import annotations

import array
import codecs
import importlib.util
import io
import marshal
import math
import random
import tarfile
import wave
import zlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dedup.decode import MAX_BAD_UTF8, MIN_WIDE_CHARS, decode
from dedup.errors import DocumentError
from tests.helpers import WORDS
from tests.hostile import FRENCH


def test_decode_utf8_and_bom():
    assert decode("café".encode()) == ("café", "utf-8")
    assert decode(b"\xef\xbb\xbfcaf\xc3\xa9")[0] == "café"
    assert decode("café au lait".encode("utf-16"))[0] == "café au lait"


def test_utf16_that_starts_with_nul_is_not_taken_for_utf32():
    """FF FE 00 00 opens UTF-32 LE, and UTF-16 LE text whose first character is U+0000."""
    text = "\x00" + "An article in UTF-16 after a NUL character. " * 20
    assert decode(text.encode("utf-16"))[0] == text
    with pytest.raises(DocumentError, match="invalid UTF-32 after its byte order mark"):
        decode(codecs.BOM_UTF32_BE + b"\xff\xff\xff\xff")


def test_decode_utf16_without_bom():
    text = "An article in UTF-16 without a byte order mark.\n\nSecond paragraph."
    assert decode(text.encode("utf-16-le"))[0] == text
    assert decode(text.encode("utf-16-be"))[0] == text


def test_decode_latin1_through_charset_detection():
    text = "Le président a déclaré que la situation était très préoccupante pour l'économie française.\n" * 5
    got, encoding = decode(text.encode("latin-1"))
    assert got == text
    assert encoding.lower().replace("_", "-") in {"latin-1", "iso-8859-1", "cp1252", "windows-1252", "iso-8859-15"}


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "latin-1"),
        ("El presidente anunció el miércoles que la reforma de las pensiones se presentará en el Congreso "
         "antes del verano. Según él, será más justa para todos los españoles.", "latin-1"),
        ("O presidente anunciou na quarta-feira que a reforma da previdência será apresentada ao Congresso "
         "antes do verão. Segundo ele, será mais justa para a população.", "cp1252"),
        ("Prezydent oświadczył w środę, że reforma emerytalna zostanie przedstawiona w Sejmie przed latem. "
         "Związki zawodowe zapowiedziały strajk generalny w całym kraju, także w Łodzi i Gdańsku.", "cp1250"),
        ("Президент заявил в среду, что пенсионная реформа будет представлена в парламент до лета. "
         "Профсоюзы объявили всеобщую забастовку по всей стране.", "cp1251"),
        ("Городской совет во вторник вечером одобрил план строительства велосипедных дорожек на главной улице.",
         "koi8_r"),
        # ASCII but for a few curly quotes: not one valid UTF-8 sequence
        ("Opponents packed the chamber. “We’re not against bikes,” said the head of the merchants’ association. "
         "The vote came after midnight, and the mayor called it a turning point for the city.", "cp1252"),
        # ß“ is DF 93 in cp1252, a valid UTF-8 sequence (U+07D3); the umlauts and „ are invalid ones
        ("„Das ist die Straße, auf der ich jeden Tag zu Fuß“, sagte der Bürgermeister. "
         "Die Änderung soll im März beginnen, und die Geschäfte fürchten um ihre Kunden.", "cp1252"),
        ("Le maire a dit que la séance a été levée à minuit. Les commerçants ont dénoncé un projet très coûteux "
         "pour la ville, et les élus ont promis une réunion en février.", "mac_roman"),
        # multi-byte encodings make some valid UTF-8 sequences by chance, and many more invalid ones
        ("東京都は火曜日の夜、主要道路に自転車レーンを建設する計画を可決した。費用は約四百万円と見込まれている。"
         "住民の多くは安全性の向上を歓迎した。", "shift_jis"),
        ("東京都は火曜日の夜、主要道路に自転車レーンを建設する計画を可決した。費用は約四百万円と見込まれている。"
         "住民の多くは安全性の向上を歓迎した。", "euc_jp"),
        ("北京时间周二晚，市议会以七票对两票通过了在主街修建受保护自行车道的计划，结束了一场持续两年多的争论。"
         "该计划预计耗资四百万美元。", "gbk"),
        ("서울시의회는 화요일 밤 주요 도로에 보호된 자전거 전용 차로를 건설하는 계획을 통과시켰다. "
         "이 계획에는 약 400만 달러가 소요될 것으로 예상된다.", "euc_kr"),
    ],
    ids=[
        "french-latin-1", "spanish-latin-1", "portuguese-cp1252", "polish-cp1250", "russian-cp1251",
        "russian-koi8-r", "english-cp1252-quotes", "german-cp1252-one-valid-utf8-sequence", "french-mac-roman",
        "japanese-shift-jis", "japanese-euc-jp", "chinese-gbk", "korean-euc-kr",
    ],
)
def test_legacy_encodings_decode_to_the_same_text(text, encoding):
    """charset-normalizer ties cp1250 with cp1252 on Western text: the tie goes to cp1252."""
    assert decode(text.encode(encoding))[0] == text


@pytest.mark.parametrize("junk", [b"\xff", b"\xc3", b"\xe2\x80", b"\xe9t\xe9"], ids=["ff", "cut-2", "cut-3", "latin-1"])
def test_utf8_with_a_few_bad_bytes_stays_utf8(junk):
    """One bad byte in a UTF-8 file must not make the whole file another encoding's mojibake."""
    text = "Le président a déclaré que la situation était très préoccupante à côté du théâtre.\n" * 10
    data = text.encode()
    damaged = data[:301] + junk + data[301:] + junk  # byte 301 starts a character
    got, encoding = decode(damaged)
    assert (got, encoding) == (damaged.decode("utf-8", "replace"), "utf-8")
    assert got.count("président") == 10 and 2 <= got.count("\ufffd") <= 4


# A mostly-English article: three non-ASCII characters, so one bad byte is a large share of those.
ENGLISH = (
    "The city council voted on Tuesday night to approve a network of protected bike lanes on Main Street, "
    "ending a debate that had divided residents and shop owners for more than two years.\n\n"
    "Opponents packed the chamber. “We’re not against bikes,” said the head of the business association, "
    "who warned that the loss of parking would drive customers to the mall on the edge of town.\n\n"
    "The lanes will be built in three phases, starting in the spring, and the first should open by the "
    "end of the summer if the contractor keeps to its schedule."
)


@pytest.mark.parametrize(
    "junk",
    [[b"\x92"], [b"\x93", b"\x94"], [b"\xe2\x80", b"\xff", b"\x92"], [b"\xc3"] * 3],
    ids=["one-cp1252-quote", "two-cp1252-quotes", "cut-character-ff-and-cp1252", "three-cut-characters"],
)
def test_mostly_ascii_utf8_with_a_few_bad_bytes_stays_utf8(junk):
    """Few non-ASCII characters, so a stray cp1252 quote is a large share of them: still UTF-8
    (charset-normalizer read such a file as Mac Roman, We’re becoming We‚Äôre)."""
    data = _spoil(ENGLISH.encode(), junk)
    got, encoding = decode(data)
    assert (got, encoding) == (data.decode("utf-8", "replace"), "utf-8")
    assert [c for c in got if not c.isascii() and c != "\ufffd"] == ["“", "’", "”"]
    assert got.count("\ufffd") == len(junk)


def test_more_bad_bytes_than_valid_characters_are_left_to_the_guess():
    """Four cp1252 quotes and three UTF-8 characters: as likely a cp1252 file, whose bytes are all right."""
    assert decode(_spoil(ENGLISH.encode(), [b"\x92"] * 4))[1] != "utf-8"


def _spoil(data: bytes, junk: list[bytes]) -> bytes:
    """``data`` with each of ``junk`` after a space (between two characters), spread evenly."""
    spaces = [i for i, b in enumerate(data) if b == 0x20]
    for k, bad in reversed(list(enumerate(junk))):
        at = spaces[(k + 1) * len(spaces) // (len(junk) + 1)] + 1
        data = data[:at] + bad + data[at:]
    return data


def test_utf8_cut_in_its_last_character_stays_utf8():
    data = (ENGLISH + " —").encode()[:-1]
    assert decode(data) == (ENGLISH + " \ufffd", "utf-8")


# Bytes that are never part of a valid UTF-8 character alone (continuation bytes: cp1252's
# curly quotes, dashes and euro sign among them) and characters of ordinary English text.
_STRAY = st.sampled_from([bytes([b]) for b in range(0x80, 0xC0)])
_VALID = st.sampled_from(list("’“”‘—–…€éèüñ©°•"))


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=300),
    valid=st.lists(_VALID, min_size=1, max_size=12),
    data=st.data(),
)
def test_utf8_with_no_more_bad_bytes_than_valid_characters_stays_utf8(words, valid, data):
    """UTF-8 is told by its valid multi-byte characters: up to as many stray bytes (and at most
    MAX_BAD_UTF8 of them) leave it UTF-8, each stray byte a U+FFFD, whatever the share of
    non-ASCII characters they make."""
    strays = data.draw(st.lists(_STRAY, min_size=1, max_size=min(len(valid), MAX_BAD_UTF8)))
    pieces = [w.encode() for w in words]
    for item in [c.encode() for c in valid] + strays:
        pieces.insert(data.draw(st.integers(0, len(pieces))), item)
    raw = b" ".join(pieces)
    got, encoding = decode(raw)
    assert (got, encoding) == (raw.decode("utf-8", "replace"), "utf-8")
    assert got.count("\ufffd") == len(strays)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file (PNG image)"),
        (b"%PDF-1.7\n...", "binary file (PDF document)"),
        (bytes(range(256)) * 40, "binary file"),
    ],
)
def test_decode_rejects(data, reason):
    with pytest.raises(DocumentError) as err:
        decode(data, path="x.txt")
    assert err.value.reason.startswith(reason)


def test_a_few_nul_bytes_in_text_are_not_binary():
    text = ("A line of ordinary prose. " * 200) + "\x00" + ("More prose. " * 100)
    assert decode(text.encode())[0] == text


# --------------------------------------------------------------------------- UTF-16 and UTF-32 without a BOM

WIDE_CODECS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
# A short article in each of a few writing systems. Beyond Latin-1 the NUL bytes of UTF-16 are
# only those of spaces, digits and line breaks (Chinese and Japanese have few of those).
WIDE_TEXTS = {
    "english": ENGLISH,
    "french": FRENCH,
    "russian": "Городской совет во вторник вечером одобрил план строительства велосипедных дорожек.\n\n"
    "Владельцы магазинов возражали: «Мы потеряем покупателей», — сказал один из них.",
    "greek": "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη το σχέδιο για ποδηλατόδρομους.\n\n"
    "Οι καταστηματάρχες αντέδρασαν έντονα.",
    "chinese": "北京时间周二晚，市议会以七票对两票通过了在主街修建受保护自行车道的计划。\n\n"
    "该计划预计耗资400万美元，反对者说商店将失去顾客。",
    "japanese": "\u3000東京都は火曜日の夜、主要道路に自転車レーンを建設する計画を可決した。\n"
    "\u3000費用は約四百万円と見込まれている。商店主らは駐車場の減少を懸念している。",
    "korean": "서울시의회는 화요일 밤 자전거 전용 차로를 건설하는 계획을 통과시켰다.\n\n"
    "이 계획에는 약 400만 달러가 소요될 것으로 예상된다.",
    "arabic": "وافق مجلس المدينة مساء الثلاثاء على خطة لإنشاء ممرات للدراجات.\n\nواعترض أصحاب المتاجر.",
    "hindi": "नगर परिषद ने मंगलवार रात साइकिल लेन बनाने की योजना को मंजूरी दी।\n\nदुकानदारों ने विरोध किया।",
    "emoji": "Great news for cyclists 🚲🎉! The council 👍 approved the lanes.\n\nShop owners 😠 objected.",
}


@pytest.mark.parametrize("codec", WIDE_CODECS)
@pytest.mark.parametrize("name", list(WIDE_TEXTS))
def test_utf16_and_utf32_without_a_bom(name, codec):
    """The README promises UTF-16 and UTF-32 with or without a byte order mark: the NUL pattern
    of Western text missed Cyrillic or CJK in UTF-16 and everything in UTF-32 ("binary file")."""
    text = WIDE_TEXTS[name]
    assert decode(text.encode(codec)) == (text, codec)


def test_short_utf16_and_utf32_without_a_bom():
    """Latin-1 text leaves no doubt however short: every other byte (three in four) is NUL. Other
    text needs MIN_WIDE_CHARS characters: fewer are too few to tell from binary data."""
    for codec in WIDE_CODECS:
        assert decode("Hi".encode(codec)) == ("Hi", codec)
        assert decode("Café".encode(codec)) == ("Café", codec)
        text = ("市议会通过了主街自行车道的计划。\n" * 3)[:MIN_WIDE_CHARS]
        assert decode(text.encode(codec)) == (text, codec)
        with pytest.raises(DocumentError, match="binary file"):
            decode(text[:-1].encode(codec))


def test_utf16_whose_bytes_are_valid_utf8_too():
    """U+8EC2 is C2 8E in UTF-16 LE, a valid UTF-8 character (U+008E), and so is the ASCII with
    its NULs: the UTF-8 reading is full of NULs, so UTF-16 is looked for, and found."""
    text = "An article in UTF-16 that names \u8ec2 once.\n" * 3
    assert decode(text.encode("utf-16-le")) == (text, "utf-16-le")


# Words of a few writing systems, and what goes between two of them.
_SCRIPTS = {
    "latin": (WORDS, " ", "."),
    "cyrillic": ("совет город план улица вторник вечером жители магазин велосипед дорожка мэр".split(), " ", "."),
    "greek": ("δήμος σχέδιο δρόμος Τρίτη βράδυ κάτοικοι κατάστημα ποδήλατο δήμαρχος".split(), " ", "."),
    "chinese": ("市议会 通过 计划 自行车道 主街 争论 居民 商店 停车 安全 北京 周二 一 最".split(), "", "。"),
    "japanese": ("東京都 火曜日 夜 自転車 レーン 計画 可決 費用 住民 安全性 向上 歓迎 した です".split(), "", "。"),
    "korean": ("서울시 의회 화요일 자전거 전용 차로 계획 통과 주민 안전 상인 주차".split(), " ", "."),
    "arabic": ("مجلس المدينة خطة ممرات الدراجات الثلاثاء أصحاب المتاجر".split(), " ", "."),
}


@settings(max_examples=300, deadline=None)
@given(script=st.sampled_from(sorted(_SCRIPTS)), codec=st.sampled_from(WIDE_CODECS), data=st.data())
def test_text_in_utf16_or_utf32_without_a_bom_reads_back(script, codec, data):
    words, space, stop = _SCRIPTS[script]
    paragraphs = data.draw(st.lists(st.lists(st.sampled_from(words), min_size=16, max_size=60), min_size=1, max_size=5))
    text = data.draw(st.sampled_from(["\n", "\n\n", "\r\n"])).join(space.join(p) + stop for p in paragraphs) + "\n"
    assume(len(text) >= MIN_WIDE_CHARS)  # fewer can be too few to tell from binary data
    assert decode(text.encode(codec)) == (text, codec)


def _tar() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, text in (("article.txt", ENGLISH), ("notes.md", FRENCH)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _wav(amplitude: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(array.array("h", (int(amplitude * math.sin(k / 7)) for k in range(4000))).tobytes())
    return out.getvalue()[44:]  # the samples, without the RIFF header


def _pyc() -> bytes:
    code = compile("def f(x):\n    return {'text': x, 'n': len(x)}\n\nprint(f('an article'))\n", "m.py", "exec")
    return importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_tar(), id="tar-of-text-files"),
        pytest.param(_wav(12000), id="pcm-audio-loud"),
        pytest.param(_wav(200), id="pcm-audio-quiet"),
        pytest.param(_pyc(), id="python-bytecode"),
        pytest.param(zlib.compress(ENGLISH.encode() * 4), id="zlib-stream"),
        pytest.param(array.array("i", range(0, 40000, 37)).tobytes(), id="int32-counts"),
        pytest.param(array.array("d", (k / 3 for k in range(500))).tobytes(), id="float64"),
        pytest.param(b"\x00".join(f"./articles/2024/{k:04d}-story.txt".encode() for k in range(100)), id="print0"),
        pytest.param(ENGLISH.encode().replace(b" ", b"\x00"), id="spaces-made-nul"),
        pytest.param(FRENCH.encode("latin-1").replace(b" ", b"\x00"), id="latin-1-spaces-made-nul"),
        pytest.param(FRENCH.encode().replace(b"e", b"e\x00"), id="utf-8-nul-after-each-e"),
        pytest.param(bytes(4096), id="zeros"),
    ],
)
def test_binary_data_with_nul_bytes_is_not_read_as_utf16_or_utf32(data):
    """A binary file read as text is worse than a text file skipped."""
    with pytest.raises(DocumentError, match="binary file"):
        decode(data)


@pytest.mark.parametrize("seed", range(200))
def test_random_bytes_with_nul_bytes_are_not_read_as_utf16_or_utf32(seed):
    """Random code units are mostly ideographs and Hangul, so they pass for text more often than
    one would think: only a few dozen of them together, from one writing system, do not."""
    rng = random.Random(seed)
    size = rng.choice([2 * MIN_WIDE_CHARS, 3 * MIN_WIDE_CHARS, 256, 4096])
    data = bytearray(rng.randbytes(size))
    for at in rng.sample(range(size), max(1, int(size * rng.choice([0.01, 0.1, 0.3])))):
        data[at] = 0
    with pytest.raises(DocumentError):
        decode(bytes(data))


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS + FRENCH.split()), min_size=1, max_size=200),
    encoding=st.sampled_from(["utf-8", "latin-1"]),
    data=st.data(),
)
def test_text_with_a_few_nul_bytes_is_never_read_as_utf16_or_utf32(words, encoding, data):
    """NUL bytes in a text: read as that text, or skipped as binary, never as the ideographs its
    pairs of bytes make in UTF-16. (Up to an eighth of its bytes: more NULs, all in even or all in
    odd places, are the NUL pattern of UTF-16, and "\\0t\\0h" is "th" in UTF-16 BE.)"""
    raw = bytearray(" ".join(words).encode(encoding))
    assume(len(raw) >= 8)
    for at in sorted(data.draw(st.lists(st.integers(0, len(raw)), min_size=1, max_size=len(raw) // 8))):
        raw[at:at] = b"\x00"
    try:
        _, got = decode(bytes(raw))
    except DocumentError:
        return
    assert got not in WIDE_CODECS


# --------------------------------------------------------------------------- bytes without a name


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<!DOCTYPE html>\n<html><body><p>Text.</p></body></html>", "html"),
        (b"<!doctype HTML><title>t</title>", "html"),
        (b"\xef\xbb\xbf \r\n\t<html lang='en'>", "html"),
        ("<html><body>Text</body></html>".encode("utf-16"), "html"),
        (b"<!-- saved from url=(0014)about:internet -->\n<html>", "html"),
        (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">', "html"),
        (b"<head><meta charset=utf-8>", "html"),
        (b"<body>\nText", "html"),
        (b"<p>First.</p><p>Second.</p>", "html"),  # a fragment: a tag, then an end tag
        (b'<div class="story">\n<h1>Title</h1>', "html"),
        (b"<article>\nText <div>more</div>", "html"),
        (b"<P\n  CLASS=x>Text</P>", "html"),
        (b"Plain text.\n\nWith <p> in it.", "text"),
        (b"<3 to everyone who came", "text"),  # prose that starts with "<"
        (b"<- back to the index", "text"),
        (b"<grin> I said so </grin>", "text"),  # no element of HTML
        (b"<jane@example.com> wrote: see </a>", "text"),
        (b"<https://example.com/a> is the source", "text"),
        (b"<a nice day> it was, and </3 after", "text"),  # an element by chance, and no second tag
        (b"<p>One tag and nothing after it", "text"),
        (b"<html", "text"),
        (b"<htmlx>", "text"),
        (b"# A Markdown title\n\n*Emphasis*", "text"),  # Markdown cannot be told from text
        (b"", "text"),
    ],
)
def test_sniff_format_takes_a_page_or_a_fragment_for_html_and_prose_for_text(data, kind):
    from dedup.decode import sniff_format

    assert sniff_format(data) == kind


# A GitHub README: an HTML block (logo, badges) first, then Markdown. Read as HTML, its "#", "**"
# and "[...](...)" were words of the text.
_BADGES = (
    '<div align="center">\n  <img src="docs/logo.svg" width="160" alt="Logo">\n  <h1>Widget</h1>\n'
    '  <p>\n    <a href="https://ci.example.com/widget"><img src="https://ci.example.com/widget.svg" alt="CI"></a>\n'
    '    <a href="https://pypi.org/project/widget"><img src="https://img.shields.io/pypi/v/widget" alt="PyPI"></a>\n'
    "  </p>\n</div>\n\n"
)
_README = "# Widget\n\n**Widget** makes [widgets](https://example.com/widgets) from text.\n\n## Install\n\n```bash\npip install widget\n```\n"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        # Markdown that opens with an HTML block, then has Markdown blocks after a blank line
        (_BADGES + _README, "markdown"),
        ('<p align="center"><img src="logo.png" width="200"></p>\n\n# Title\n\nSome **bold** text.\n', "markdown"),
        ('<h1 align="center">\n  <img src="logo.svg"><br>\n  Widget\n</h1>\n\n<p align="center">\n'
         '  <a href="https://x.org"><img src="badge.svg"></a>\n</p>\n\n## Install\n\n    pip install widget\n', "markdown"),
        ('<!-- badges -->\n<p align="center">\n  <img src="logo.png">\n</p>\n\nSee [the docs](https://x.org/docs).\n', "markdown"),
        ('<div align="center">\n<img src="logo.png">\n</div>\n\n- one\n- two\n', "markdown"),
        ('<div align="center">\n<img src="logo.png">\n</div>\n\n1. first\n2. second\n', "markdown"),
        ('<div align="center">\n<img src="logo.png">\n</div>\n\n~~~\ncode\n~~~\n', "markdown"),
        ('<p align="center">\n<img src="logo.png">\n\n# Title\n', "markdown"),  # a <p> left open (its end is optional)
        ('<img\n  src="logo.png"\n  width="100">\n\n# Title\n\nText.\n', "markdown"),  # one tag: text before, too
        ('<details>\n<summary>Contents</summary>\n\n- [Install](#install)\n\n</details>\n\n# Install\n', "markdown"),
        ('<p align="center"><img src="logo.png"></p>\n\nServe `<body>` pages:\n\n```html\n<!doctype html>\n'
         '<html><body><p>Hi</p></body></html>\n```\n', "markdown"),  # a page only in a README's code
        ('<p align="center"><img src="logo.png"></p>\n\nUsage:\n```html\n<div class="widget">\n```\n\n## API\n', "markdown"),
        # HTML with "#", "- " or "](" in it stays HTML: inside elements, tags, <pre> or comments; not after a
        # blank line; starting with a tag; or in a page (doctype, <html>, <head>, <body>)
        (b"<!doctype html>\n<html><body>\n\n# We're #1\n\n<p>[a](b)</p>\n</body></html>", "html"),
        ('<div class="story">\n<h1>Top 10</h1>\n<p>We are #1 in the league, see [1](notes).</p>\n</div>\n', "html"),
        ('<div class="story">\n<p>Intro.</p>\n\n# Not a heading: inside the div\n\n- nor a list\n</div>\n', "html"),
        ('<div>\n<p>Run this:</p>\n</div>\n<pre>\n\n# install it\npip install x\n\n- done\n</pre>\n<p>Done.</p>\n', "html"),
        ('<div>\n<p>Intro.</p>\n</div>\n<!--\n\n# a comment\n\n-->\n<p>More.</p>\n', "html"),
        ('<h2>Steps</h2>\n1. Do this<br>\n2. Do that<br>\n<p>Done.</p>\n', "html"),  # no blank line before them
        ('<div data-x="a](b)">\n<p>x</p>\n</div>\n\n<p>Write <code>[text](url)</code> for a link.</p>\n', "html"),
        ('<div>\n<p>Intro.</p>\n</div>\n\n# Title\n\n<body>\n<p>Page.</p>\n</body>\n', "html"),
        ('<section>\n<p>One.</p>\n</section>\n\n<p># Hash at the start of a paragraph</p>\n', "html"),
        # text stays text: no HTML block first, or no Markdown block after it
        (b"# A Markdown title\n\n- a list\n\n[a link](https://x.org)", "text"),
        ('<grin> I said so\n\nand it was so.\n', "text"),
    ],
)
def test_sniff_format_takes_markdown_that_opens_with_html_for_markdown(data, kind):
    from dedup.decode import sniff_format

    assert sniff_format(data.encode() if isinstance(data, str) else data) == kind


def test_sniff_format_finds_markdown_after_4_kb_of_badges():
    from dedup.decode import SNIFF_HTML_BYTES, SNIFF_MARKDOWN_BYTES, sniff_format

    badge = '  <a href="https://example.com/badge"><img src="https://img.shields.io/badge/x-y-green" alt="x"></a>\n'
    block = '<p align="center">\n' + badge * (SNIFF_HTML_BYTES // len(badge) + 1) + "</p>\n\n"
    assert len(block) > SNIFF_HTML_BYTES
    assert sniff_format((block + "# Title\n\nText.").encode()) == "markdown"
    far = '<p align="center">\n' + badge * (SNIFF_MARKDOWN_BYTES // len(badge) + 1) + "</p>\n\n# Title\n"
    assert sniff_format(far.encode()) == "html"


def test_sniff_format_looks_at_the_first_bytes_only():
    from dedup.decode import SNIFF_HTML_BYTES, sniff_format

    near = b"<section>" + b"x" * (SNIFF_HTML_BYTES - 20) + b"</section>"
    assert sniff_format(near) == "html"
    assert sniff_format(b"<section>" + b"x" * SNIFF_HTML_BYTES + b"</section>") == "text"


RUSSIAN = "Москва: правительство объявило о новом плане, цены на энергию выросли."


@pytest.mark.parametrize(
    "data, charset, expected",
    [
        (RUSSIAN.encode("koi8-r"), "KOI8-R", (RUSSIAN, "koi8-r")),  # declared: taken before the guess
        (RUSSIAN.encode("cp1251"), " windows-1251 ", (RUSSIAN, "cp1251")),
        ("5 € — “quoted”".encode("cp1252"), "ISO-8859-1", ("5 € — “quoted”", "cp1252")),  # as browsers read Latin-1
        ("café crème".encode(), "iso-8859-1", ("café crème", "utf-8")),  # UTF-8 whatever its label says
        (b"plain ASCII", "shift_jis", ("plain ASCII", "utf-8")),
    ],
)
def test_a_declared_charset_decodes_what_is_not_utf8(data, charset, expected):
    assert decode(data, charset=charset) == expected


@pytest.mark.parametrize(
    "charset",
    ["no-such-charset", "base64", "rot13", "utf-8", "x-user-defined", "", "unicode-escape", "utf-7", "idna",
     "cp037"],  # escapes, IDNA and UTF-7 are no page's charset; EBCDIC "fits" but gives control characters
)
def test_a_declared_charset_that_does_not_fit_is_passed_over_for_the_guess(charset):
    data = "Ça coûte 5 € pour un café crème à la gare.".encode("cp1252")
    assert decode(data, charset=charset) == decode(data)
