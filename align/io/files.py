"""Output files that are never half-written: write to a temporary file, then rename."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from align.errors import AlignError


class OutputError(AlignError):
    """An output cannot be written (directory missing or read-only, disk full)."""

    exit_code = 4


def default_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file: 0666 less the umask."""
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's final flush of what
    could not be written raises no second error at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def atomic_output(path: str | Path | None) -> Iterator[TextIO]:
    """A text stream for ``path`` that replaces the file only when the block succeeds.

    ``None`` or ``-`` is standard output. On any error the old file (if any) is untouched
    and the temporary file is removed.
    """
    if path is None or str(path) == "-":
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:  # e.g. redirected to a full disk
            silence_stdout()
            raise OutputError(f"standard output: cannot write ({exc.strerror or exc})") from exc
        return
    path = Path(path).resolve()  # replace a link's target, never the link itself
    special = path.exists() and not path.is_file()
    if special or path.parts[1:2] in (("dev",), ("proc",)):  # /dev/stdout, a FIFO
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as out:
                yield out
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except FileNotFoundError as exc:
        raise OutputError(f"{path}: output directory does not exist") from exc
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    try:
        os.fchmod(fd, default_file_mode())  # mkstemp's 0600 would outlive the rename
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _writable_dir(folder: Path, what: Path) -> None:
    """``folder`` exists and a file can be created in it (probed: permissions, read-only
    mounts and quotas all answer the same way)."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{what}: cannot write ({folder} is Not a directory)")
    if not folder.is_dir():
        raise OutputError(f"{what}: output directory {folder} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=".align-probe.", dir=folder)
    except OSError as exc:
        raise OutputError(f"{what}: cannot write ({exc.strerror or exc})") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def check_output_file(path: str | Path | None) -> None:
    """Fail now, before any work, if ``path`` cannot be written: its folder must exist and be
    writable, and it must not be a folder. ``None``/``-`` (standard output) always passes."""
    if path is None or str(path) == "-":
        return
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory, expected a file")
    _writable_dir(path.resolve().parent, path)


def check_output_dir(path: str | Path) -> Path:
    """An output folder (``--out-dir``, a batch ``-o DIR``, Parquet shards): created if its
    parent exists, then checked writable; fails now, before any work."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a directory")
    if not path.exists():
        _writable_dir(path.resolve().parent, path)
        try:
            path.mkdir()
        except OSError as exc:
            raise OutputError(f"{path}: cannot create ({exc.strerror or exc})") from exc
    _writable_dir(path, path)
    return path
