"""Reading pages: bytes in any common encoding → clean NFC text, or a one-line InputError."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

from .errors import InputError
from .normalize import normalize_page

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 64 KiB mean this is no text page."""
    head = data[:65536]
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) > 0.05


def decode(data: bytes, name: str = "<input>") -> str:
    """Decode page bytes: BOM, then UTF-8, then charset-normalizer's best legacy guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: declared {encoding} by its BOM but not valid") from exc
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not a text page")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: not UTF-8 and no known text encoding fits")
    return str(best)


def read_bytes(path: Path | str) -> bytes:
    """Raw bytes of a page file (``-`` = stdin); ``.gz``/``.zst`` are decompressed."""
    import sys

    if str(path) == "-":
        return sys.stdin.buffer.read()
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, not a page") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        if path.suffix == ".gz":
            return gzip.decompress(data)
        if path.suffix == ".zst":
            try:
                import zstandard
            except ImportError as exc:
                raise InputError(f"{path}: reading .zst needs `pip install zstandard`") from exc
            return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: corrupt compressed file ({exc})") from exc
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path}: corrupt compressed file ({exc})") from exc
    return data


def read_page(path: Path | str) -> str:
    """Read and normalise one page (NFC, LF newlines, mojibake repaired)."""
    return normalize_page(decode(read_bytes(path), str(path)))
