"""Reading pages: bytes in any common encoding → clean NFC text, or a one-line InputError.

A page is read in bounded memory: a file larger than the page limit is refused from its size
before any byte is read, and compressed files and standard input are read only up to the
limit. HTML pages (by name or by their first bytes) are reduced to their text blocks
(``html.py``); plain-text pages have their HTML entities decoded.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from align.errors import InputError
from align.io.html import declared_charset, html_to_text, is_html_name, looks_like_html
from align.text.normalize import decode_entities, normalize_page

#: Default page limit. A scraped page is rarely over 5 MB; a 200 MB "page" is a mistake
#: (a dump, a log, a disk image) and would exhaust memory long before it was aligned.
DEFAULT_MAX_PAGE_MB = 32.0
MB = 1 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def max_bytes_for(mb: float | None) -> int:
    """The page limit in bytes for a ``--max-page-mb`` value (None = the default)."""
    return int((DEFAULT_MAX_PAGE_MB if mb is None else mb) * MB)


def _mb(n: float) -> str:
    return f"{n / MB:.3g} MB"


def _looks_binary(data: bytes) -> bool:
    """Many NUL or control bytes in the first 64 KiB mean this is no text page.

    A stray NUL or two (scraping artefacts) is tolerated: the line cleaner removes them.
    """
    head = data[:65536]
    if not head:
        return False
    if head.count(0) > max(2, len(head) // 200):
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) > 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: zero high bytes on one side, readable when decoded."""
    head = data[: 65536 & ~1]
    half = len(head) // 2
    if half < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * half and other <= 0.01 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            sample = text[:32768]
            control = sum(1 for c in sample if c < " " and c not in "\t\n\r")
            return text if control <= 0.01 * len(sample) else None
    return None


def decode(data: bytes, name: str = "<input>") -> str:
    """Decode page bytes: BOM, UTF-8, an HTML page's declared charset, then a legacy guess.

    Legacy encodings (Windows-1258, VISCII, …) are guessed by charset-normalizer.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: declared {encoding} by its BOM but not valid") from exc
    if b"\x00" in data[:65536]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not a text page")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: guess instead
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: not UTF-8 and no known text encoding fits")
    return str(best)


def _too_large(name: str, limit: int, what: str) -> InputError:
    return InputError(f"{name}: {what}larger than the page limit of {_mb(limit)} "
                      "(raise it with --max-page-mb)")


def _read_capped(stream: BinaryIO, limit: int, name: str, what: str = "") -> bytes:
    """At most ``limit`` bytes of ``stream``; one more means the page is too large."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _too_large(name, limit, what)
    return b"".join(chunks)


def _open_error(path: Path, exc: OSError) -> InputError:
    """The one-line message for a page that cannot be opened."""
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return InputError(f"{path}: broken symbolic link (its target does not exist)")
        return InputError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path}: is a directory, not a page")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputError(f"{path}: permission denied")
    if exc.errno == errno.ELOOP:
        return InputError(f"{path}: symbolic link loop")
    return InputError(f"{path}: cannot read ({exc.strerror or exc})")


def read_bytes(path: Path | str, max_bytes: int | None = None) -> bytes:
    """Raw bytes of a page file (``-`` = stdin); ``.gz``/``.zst`` are decompressed.

    ``max_bytes`` (default: ``DEFAULT_MAX_PAGE_MB``) bounds what is read, and so memory.
    """
    limit = max_bytes_for(None) if max_bytes is None else max_bytes
    if str(path) == "-":
        return _read_capped(sys.stdin.buffer, limit, "standard input")
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, not a page")
    compressed = path.suffix in (".gz", ".zst")
    if stat.S_ISREG(info.st_mode) and not compressed and info.st_size > limit:
        raise _too_large(str(path), limit, f"{_mb(info.st_size)}, ")
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise _open_error(path, exc) from exc
    with f:
        try:
            if not compressed:
                return _read_capped(f, limit, str(path))
            if path.suffix == ".gz":
                with gzip.GzipFile(fileobj=f) as z:
                    return _read_capped(z, limit, str(path), "decompressed, ")
            try:
                import zstandard
            except ImportError as exc:
                raise InputError(f"{path}: reading .zst needs `pip install zstandard`") from exc
            with zstandard.ZstdDecompressor().stream_reader(f) as z:
                return _read_capped(z, limit, str(path), "decompressed, ")
        except InputError:
            raise
        except (OSError, EOFError) as exc:
            if compressed and not isinstance(exc, PermissionError):
                raise InputError(f"{path}: corrupt compressed file ({exc})") from exc
            raise _open_error(path, exc) from exc
        except Exception as exc:  # zstandard's own error types
            raise InputError(f"{path}: corrupt compressed file ({exc})") from exc


def page_text(data: bytes, name: str, html: bool | None = None) -> str:
    """Decoded, HTML-stripped (or entity-decoded) and normalised text of a page's bytes.

    ``html``: True/False force the choice; None decides by the name (``.html``, ``.htm``)
    or by the first bytes (``html.looks_like_html``: a document or a saved fragment).
    """
    text = decode(data, name)
    if html is None:
        html = is_html_name(name) or looks_like_html(text)
    text = html_to_text(text) if html else decode_entities(text)
    return normalize_page(text)


def read_page(path: Path | str, html: bool | None = None, max_bytes: int | None = None) -> str:
    """Read and normalise one page (NFC, LF newlines, mojibake repaired, HTML reduced)."""
    return page_text(read_bytes(path, max_bytes), str(path), html)
