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
