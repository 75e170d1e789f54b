"""Reading and normalising pages: encodings, invisible characters, hostile bytes."""

from __future__ import annotations

import codecs
import gzip
import io
import unicodedata

import pytest

from align.errors import InputError
from align.io.reader import MB, decode, page_text, read_bytes, read_page
from align.text.normalize import clean_line, dedupe_key, normalize_page, one_line

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
    p = tmp_path / "p.txt.gz"
    p.write_bytes(gzip.compress(VI.encode()))
    assert read_page(p) == VI


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised(encoding: str) -> None:
    assert normalize_page(decode(VI.encode(encoding))) == VI


def test_utf32_with_bom() -> None:
    assert normalize_page(decode(codecs.BOM_UTF32_LE + VI.encode("utf-32-le"))) == VI


def test_an_html_page_declared_windows_1258_is_read_by_its_declaration() -> None:
    text = "Hà Nội là thủ đô của Việt Nam."
    page = (b'<html><head><meta charset="windows-1258"></head><body><p>' + _to_cp1258(text)
            + b"</p></body></html>")
    assert page_text(page, "p.html") == text


def test_html_entities_in_a_plain_text_page_are_decoded() -> None:
    data = b"Vi&#7879;t Nam &amp; Hoa K&#x1EF3;&nbsp;h\xc3\xb4m nay.\nAT&T and R&D &bogus; stay."
    assert page_text(data, "p.txt") == "Việt Nam & Hoa Kỳ hôm nay.\nAT&T and R&D &bogus; stay."
    assert page_text(b"&amp;amp;", "p.txt") == "&amp;"  # decoded once, not until nothing is left


def test_control_characters_and_line_separators_never_survive() -> None:
    raw = f"Xin\x07 chào\x1b bạn\u2028Dòng\x00hai\x9f\u2029{VI}"
    text = page_text(raw.encode(), "p.txt")
    # ftfy drops NUL and reads a stray C1 byte as the Windows-1252 character it stands for
    assert text == f"Xin chào bạn\nDònghaiŸ\n\n{VI}"
    assert not any((c < " " and c != "\n") or "\x7f" <= c <= "\x9f" for c in text)


def test_html_is_detected_by_name_or_content_and_can_be_forced(tmp_path) -> None:
    body = "<p>Một &amp; hai</p><p>Ba</p>"
    doc = f"<!DOCTYPE html><html><body>{body}</body></html>"
    assert page_text(doc.encode(), "p.txt") == "Một & hai\n\nBa"
    assert page_text(body.encode(), "p.htm") == "Một & hai\n\nBa"
    assert page_text(body.encode(), "p.txt") == "Một & hai\n\nBa"  # a saved fragment
    assert page_text(body.encode(), "p.txt", html=False) == body.replace("&amp;", "&")
    assert page_text(b"<p> opens a line of text.", "p.txt") == "<p> opens a line of text."
    assert page_text(body.encode(), "p.txt", html=True) == "Một & hai\n\nBa"
    assert page_text(doc.encode(), "p.html", html=False).startswith("<!DOCTYPE html>")
    gz = tmp_path / "p.html.gz"
    gz.write_bytes(gzip.compress(body.encode()))
    assert read_page(gz) == "Một & hai\n\nBa"


def test_page_limit_is_checked_before_reading(tmp_path, monkeypatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(200 * MB)  # sparse: 200 MB by size, nothing on disk
    monkeypatch.setattr("builtins.open", _no_open)  # refused from stat alone
    with pytest.raises(InputError, match=r"200 MB, larger than the page limit of 32 MB") as e:
        read_page(big)
    assert "\n" not in str(e.value) and "--max-page-mb" in str(e.value)


def _no_open(*args, **kwargs):
    raise AssertionError("the page was opened")


def test_compressed_pages_and_stdin_are_read_only_up_to_the_limit(tmp_path, monkeypatch) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * (3 * MB)))  # 3 kB on disk
    with pytest.raises(InputError, match="decompressed, larger than the page limit of 1 MB"):
        read_bytes(bomb, max_bytes=MB)
    assert len(read_bytes(bomb, max_bytes=3 * MB)) == 3 * MB
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"x" * (MB + 1))))
    with pytest.raises(InputError, match="standard input: larger than the page limit"):
        read_bytes("-", max_bytes=MB)


def test_corrupt_compressed_page(tmp_path) -> None:
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(gzip.compress(VI.encode())[:-12])
    with pytest.raises(InputError, match="corrupt compressed file"):
        read_page(bad)


def test_broken_link_and_link_loop_say_so(tmp_path) -> None:
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputError, match="broken symbolic link"):
        read_page(tmp_path / "broken.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    with pytest.raises(InputError, match="symbolic link loop"):
        read_page(tmp_path / "loop.txt")
