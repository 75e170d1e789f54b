"""Finding the pages of a corpus run: files, directories (recursive) and ``@list`` files."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError


@dataclass(frozen=True)
class PageRef:
    """A page to process: its path and its name relative to the input root it came from.

    ``error`` is set for an entry found while walking a directory that cannot be a page
    (a folder that cannot be listed, a FIFO or device): it is reported, not read.
    """

    path: Path
    name: str
    error: str | None = None

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
            key = ref.name if ref.error else os.path.realpath(ref.path)
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
        except UnicodeDecodeError as exc:
            raise InputError(f"{listing}: page list is not UTF-8 text") from exc
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                yield PageRef(Path(line), line)
        return
    path = Path(item)
    if path.is_dir():
        yield from _walk(path, pattern)
        return
    if not path.exists() and not path.is_symlink():
        raise InputError(f"{path}: no such file or directory")
    yield PageRef(path, path.name)


def _walk(root: Path, pattern: str) -> Iterator[PageRef]:
    """Files under ``root`` matching ``pattern``, depth first, each folder's names sorted.

    Linked folders outside ``root`` are followed once (those inside are walked under their
    own name, and a link cycle ends where it started); a folder that cannot be listed
    and an entry that is neither file nor folder nor link become error refs, so a corpus run
    reports them instead of losing them silently or blocking on a FIFO. Broken links are
    yielded as pages: reading them says what is wrong.
    """
    visited: set[str] = set()
    inside = os.path.realpath(root)
    stack = [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in visited:
            continue
        visited.add(real)
        rel = folder.relative_to(root).as_posix()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            name = "" if rel == "." else rel + "/"
            yield PageRef(folder, name or f"{root.name}/",
                          f"{folder}: cannot list folder ({exc.strerror or exc})")
            continue
        subfolders = []
        for entry in entries:
            full = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file() or (entry.is_symlink() and not full.exists())
            except OSError:
                is_dir, is_file = False, True  # let reading it say what is wrong
            if is_dir:
                if not (entry.is_symlink() and _within(os.path.realpath(full), inside)):
                    subfolders.append(full)
            elif fnmatch.fnmatch(entry.name, pattern):
                name = full.relative_to(root).as_posix()
                if is_file:
                    yield PageRef(full, name)
                else:
                    yield PageRef(full, name, f"{full}: not a regular file (FIFO, socket or "
                                              "device)")
        stack.extend(reversed(subfolders))


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class DocJob:
    """One document pair for ``align parallel``: an output name and the two input paths."""

    name: str
    src: str
    tgt: str


def doc_jobs_from_dirs(src_dir: str | Path, tgt_dir: str | Path) -> list[DocJob]:
    """Pairs of same-named files in two folders (every source file needs its target)."""
    names = sorted(p.name for p in Path(src_dir).iterdir() if p.is_file())
    missing = [n for n in names if not (Path(tgt_dir) / n).is_file()]
    if missing:
        raise InputError(f"{tgt_dir}: no target file for {missing[0]}")
    return [DocJob(n, str(Path(src_dir) / n), str(Path(tgt_dir) / n)) for n in names]


def doc_jobs_from_list(path: str | Path) -> list[DocJob]:
    """Pairs listed one per line as ``SRC<TAB>TGT[<TAB>OUT-NAME]`` (blank lines skipped)."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the list of pairs ({exc})") from exc
    out = []
    for k, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise InputError(f"{path}:{k}: expected SRC<TAB>TGT[<TAB>OUT]")
        out.append(DocJob(parts[2] if len(parts) > 2 else Path(parts[0]).name, parts[0], parts[1]))
    return out
