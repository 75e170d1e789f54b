"""Crash-safe appending of whole pages to corpus outputs, with a journal to resume from.

Each output is only ever appended to, one whole page at a time, then flushed to disk; only
after that is a journal line written (and flushed) that records the page and the new end
offset of every output. After a crash, the outputs are cut back to the offsets of the last
journal line, so a torn page disappears and is redone: no page is lost, none written twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from align.io.files import OutputError

VERSION = 2
RESUME_HINT = "rerun to resume from the last complete page"


@dataclass
class JournalState:
    """What an earlier run completed: page names, the outputs' end offsets and how many
    finished shards (whole files written beside the appended outputs) it recorded."""

    done: set[str]
    offsets: dict[str, int]
    shards: int = 0


class Journal:
    """The progress journal of one corpus run, holding an exclusive lock while open."""

    def __init__(self, output: Path, signature: dict, outputs: dict[str, Path],
                 restart: bool = False) -> None:
        self.output = output
        self.path = output.with_name(output.name + ".journal")
        self.lock_path = output.with_name(output.name + ".lock")
        self.signature = signature
        self.outputs = outputs
        self.restart = restart
        self._lock = None
        self._journal = None
        self.files: dict[str, object] = {}

    def __enter__(self) -> Journal:
        try:
            self._lock = open(self.lock_path, "w")
        except OSError as exc:
            raise _failed(self.lock_path, "create", exc) from exc
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputError(
                f"{self.output}: another align corpus run is writing it") from exc
        return self

    def __exit__(self, *exc) -> None:
        for f in self.files.values():
            with contextlib.suppress(OSError):
                f.close()
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            with contextlib.suppress(OSError):
                os.unlink(self.lock_path)

    def open(self, before_write: Callable[[], None] | None = None) -> JournalState:
        """Start fresh or resume: cut outputs back to the journal, reopen them for append.

        ``before_write`` runs once everything has been checked and before any file is touched
        (the CLI loads the model there, so a bad model leaves no output behind).
        """
        state = None if self.restart else self._read()
        if state is None:
            state = JournalState(set(), {k: 0 for k in self.outputs})
            existing = [p for p in self.outputs.values() if p.exists() and p.stat().st_size]
            if existing and not self.restart:
                raise OutputError(f"{existing[0]}: exists and has no journal to resume from; "
                                  "use --restart to overwrite it")
        if before_write is not None:
            before_write()
        for key, path in self.outputs.items():
            try:
                f = open(path, "ab" if state.done else "wb")
                f.truncate(state.offsets.get(key, 0))
                f.seek(0, os.SEEK_END)
            except OSError as exc:
                raise _failed(path, "write", exc) from exc
            self.files[key] = f
        mode = "a" if state.done else "w"
        try:
            self._journal = open(self.path, mode, encoding="utf-8")
        except OSError as exc:
            raise _failed(self.path, "write", exc) from exc
        if not state.done:
            self._append({"version": VERSION, "signature": self.signature})
        return state

    def _read(self) -> JournalState | None:
        """What the journal records; None when there is none (or its first line was torn)."""
        try:
            lines = self.path.read_bytes().split(b"\n")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _failed(self.path, "read", exc) from exc
        done: set[str] = set()
        offsets: dict[str, int] = {k: 0 for k in self.outputs}
        shards = 0
        good = 0
        for n, raw in enumerate(lines):
            try:
                rec = json.loads(raw)
                if n == 0:
                    signature, version = rec["signature"], rec.get("version")
                else:
                    pages, new_offsets = [str(p) for p in rec["pages"]], dict(rec["offsets"])
                    new_shards = int(rec.get("shards", 0))
            except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError):
                break  # a torn last line: everything after it never happened
            if n == 0 and (signature != self.signature or version != VERSION):
                changed = "; ".join(describe_changes(signature, self.signature)[:3]) if (
                    version == VERSION) else f"journal format {version} → {VERSION}"
                raise OutputError(f"{self.path}: an earlier run with other settings "
                                  f"({changed or 'settings differ'}); "
                                  "use --restart to start over")
            if n > 0:
                done.update(pages)
                offsets, shards = new_offsets, new_shards
            good += len(raw) + 1
        if good == 0:
            return None
        try:
            with open(self.path, "r+b") as f:  # drop a torn tail so appends stay line-aligned
                f.truncate(good)
        except OSError as exc:
            raise _failed(self.path, "write", exc) from exc
        return JournalState(done, offsets, shards)

    def write_page(self, page: str, chunks: dict[str, bytes]) -> None:
        """Append one page's bytes to every output, make them durable, then journal it."""
        self.write_batch([page], chunks)

    def write_batch(self, pages: list[str], chunks: dict[str, bytes],
                    shards: int | None = None) -> None:
        """Append the bytes of several pages, make them durable, then journal them in one
        line (with ``shards``, the number of finished shard files, when the run has any)."""
        offsets = {}
        for key, f in self.files.items():
            try:
                data = chunks.get(key, b"")
                if data:
                    f.write(data)
                f.flush()
                os.fsync(f.fileno())
                offsets[key] = f.tell()
            except OSError as exc:
                raise _failed(self.outputs[key], "write", exc, RESUME_HINT) from exc
        rec: dict = {"pages": pages, "offsets": offsets}
        if shards is not None:
            rec["shards"] = shards
        self._append(rec)

    def _append(self, rec: dict) -> None:
        """One journal line, durable before the next page starts; a torn one is dropped
        on resume, and with it the page it would have recorded."""
        assert self._journal is not None
        try:
            self._journal.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self._journal.flush()
            os.fsync(self._journal.fileno())
        except OSError as exc:
            raise _failed(self.path, "write", exc, RESUME_HINT) from exc


def describe_changes(old: object, new: object, key: str = "") -> list[str]:
    """What differs between two signatures, as ``name old → new`` (nested keys flattened)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in sorted(set(old) | set(new), key=str):
            out += describe_changes(old.get(k), new.get(k), str(k))
        return out
    if old == new:
        return []
    name = "version" if key == "align" else key or "signature"
    return [f"{name} {_show(old)} → {_show(new)}"]


def _show(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) or "none"
    return "none" if value is None else str(value)


def _failed(path: Path, verb: str, exc: OSError, hint: str = "") -> OutputError:
    """The one-line error for an output or journal that cannot be read or written."""
    return OutputError(f"{path}: cannot {verb} ({exc.strerror or exc})"
                       + (f"; {hint}" if hint else ""))
