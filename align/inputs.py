"""Finding the pages of a corpus run: files, directories (recursive) and ``@list`` files."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError


@dataclass(frozen=True)
class PageRef:
    """A page to process: its path and its name relative to the input root it came from."""

    path: Path
    name: str

    @property
    def site(self) -> str:
        """First folder of the relative name: pages of one site share their chrome."""
        parts = Path(self.name).parts
        return parts[0] if len(parts) > 1 else ""


def iter_pages(inputs: list[str], pattern: str = "*") -> Iterator[PageRef]:
    """Every page named by ``inputs``, in a stable (sorted) order, each once."""
    seen: set[str] = set()
    for item in inputs:
        for ref in _expand(item, pattern):
            key = os.path.realpath(ref.path)
            if key not in seen:
                seen.add(key)
                yield ref


def _expand(item: str, pattern: str) -> Iterator[PageRef]:
    if item.startswith("@"):
        listing = Path(item[1:])
        try:
            lines = listing.read_text("utf-8").splitlines()
        except OSError as exc:
            raise InputError(f"{listing}: cannot read page list ({exc.strerror})") from exc
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                yield PageRef(Path(line), line)
        return
    path = Path(item)
    if path.is_dir():
        for root, dirs, files in os.walk(path, followlinks=False):
            dirs.sort()
            for f in sorted(files):
                if fnmatch.fnmatch(f, pattern):
                    full = Path(root) / f
                    yield PageRef(full, full.relative_to(path).as_posix())
        return
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path}: no such file or directory")
    yield PageRef(path, path.name)
