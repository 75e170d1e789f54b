"""Reading and normalising pages: encodings, invisible characters, hostile bytes."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from align.errors import InputError
from align.normalize import clean_line, dedupe_key, normalize_page, one_line
from align.reader import decode, read_page

VI = "Việt Nam đã đạt được nhiều thành tựu quan trọng trong năm qua."


@pytest.mark.parametrize(
    "data",
    [
        VI.encode("utf-8"),
        codecs.BOM_UTF8 + VI.encode("utf-8"),
        codecs.BOM_UTF16_LE + VI.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + VI.encode("utf-16-be"),
        unicodedata.normalize("NFD", VI).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "nfd"],
)
def test_decodes_common_encodings_to_the_same_nfc_text(data: bytes) -> None:
    assert normalize_page(decode(data)) == VI


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps tone marks as combining characters after a precomposed base."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        mark = "".join(c for c in parts if c in tones)
        try:
            out.append((base + mark).encode("cp1258"))
        except UnicodeEncodeError:
            out.append(ch.encode("cp1258"))
    return b"".join(out)


def test_legacy_vietnamese_encoding_is_detected() -> None:
    text = "Hà Nội là thủ đô của Việt Nam, thành phố có hơn tám triệu dân cư sinh sống. " * 3
    data = _to_cp1258(text)
    assert normalize_page(decode(data)).startswith("Hà Nội là thủ đô của Việt Nam")


def test_mojibake_is_repaired() -> None:
    broken = VI.encode("utf-8").decode("latin-1").encode("utf-8")
    assert normalize_page(decode(broken)) == VI


def test_binary_is_refused_with_one_line() -> None:
    with pytest.raises(InputError) as err:
        decode(b"\x00\x01\x02PNG\x00" * 100, "x.bin")
    assert "binary" in str(err.value) and "\n" not in str(err.value)


def test_invisible_and_control_characters_and_spaces() -> None:
    assert clean_line("  Xin\u200b  chào\u00a0bạn\x07 \ufeff ") == "Xin chào bạn"
    assert normalize_page("a\r\nb\rc") == "a\nb\nc"


def test_dedupe_key_ignores_case_punctuation_and_form() -> None:
    nfd = unicodedata.normalize("NFD", "gaza chiến SỰ")
    assert dedupe_key("Gaza: Chiến sự!") == dedupe_key(nfd)


def test_one_line_removes_tabs_and_newlines() -> None:
    assert one_line('a\tb\nc "d"') == 'a b c "d"'


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_page(tmp_path / "nope.txt")


def test_gzip_page(tmp_path) -> None:
    import gzip

    p = tmp_path / "p.txt.gz"
    p.write_bytes(gzip.compress(VI.encode()))
    assert read_page(p) == VI
