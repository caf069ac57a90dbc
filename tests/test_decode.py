"""Bytes -> text: UTF-8 (a few bad bytes tolerated), byte order marks, legacy encodings, binary data."""

from __future__ import annotations

import codecs

import pytest

from dedup.decode import decode
from dedup.errors import DocumentError
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
    ],
    ids=["french-latin-1", "spanish-latin-1", "portuguese-cp1252", "polish-cp1250", "russian-cp1251"],
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
