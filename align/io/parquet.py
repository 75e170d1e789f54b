"""Parquet output in the Hugging Face datasets layout, written in row groups, never half-written.

Pairs: a ``translation`` struct ``{vi, en}`` (``datasets``' Translation feature), ``score``,
``bead`` and ``page``; leftovers: one column per ``LEFTOVER_COLUMNS`` entry. The run signature
goes into the file's key-value metadata (``align.signature``). A file is written to a temporary
name and renamed when complete, so a reader never sees a torn one. pyarrow is an optional extra.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from align.io.files import OutputError, default_file_mode
from align.io.rows import LeftoverRow, PairRow

SIGNATURE_KEY = b"align.signature"


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise OutputError("--format parquet needs pyarrow: pip install 'align[parquet]'") from exc
    return pa, pq


def pair_schema(langs: tuple[str, str] = ("vi", "en"), signature: str = "") -> Any:
    pa, _ = _pyarrow()
    pair = pa.struct([(langs[0], pa.string()), (langs[1], pa.string())])
    fields = [pa.field("translation", pair),
              pa.field("score", pa.float64()), pa.field("margin", pa.float64()),
              pa.field("bead", pa.string()),
              pa.field("page", pa.string())]
    return pa.schema(fields, metadata={SIGNATURE_KEY: signature.encode()} if signature else None)


def leftover_schema(signature: str = "") -> Any:
    pa, _ = _pyarrow()
    fields = [pa.field("page", pa.string()), pa.field("lang", pa.string()),
              pa.field("reason", pa.string()), pa.field("block", pa.int64()),
              pa.field("ids", pa.list_(pa.int64())), pa.field("duplicate_of", pa.int64()),
              pa.field("text", pa.string())]
    return pa.schema(fields, metadata={SIGNATURE_KEY: signature.encode()} if signature else None)


def _table(rows: list, schema: Any, langs: tuple[str, str]) -> Any:
    pa, _ = _pyarrow()
    if "translation" in schema.names:
        data = {"translation": [{langs[0]: r.src, langs[1]: r.tgt} for r in rows],
                "score": [round(r.score, 4) for r in rows],
                "margin": [None if r.margin is None else round(r.margin, 4) for r in rows],
                "bead": [r.bead for r in rows],
                "page": [r.page for r in rows]}
    else:
        data = {"page": [r.page for r in rows], "lang": [r.lang for r in rows],
                "reason": [str(r.reason) for r in rows], "block": [r.block for r in rows],
                "ids": [list(r.ids) for r in rows],
                "duplicate_of": [r.duplicate_of for r in rows], "text": [r.text for r in rows]}
    return pa.Table.from_pydict(data, schema=schema)


class ParquetWriter:
    """Writes one Parquet file, a row group per ``write`` call; renamed into place on ``close``.

    Used as a context manager: on an error the temporary file is removed and an earlier file
    at ``path`` is left as it was.
    """

    def __init__(self, path: Path, schema: Any, langs: tuple[str, str] = ("vi", "en")) -> None:
        _, pq = _pyarrow()
        self.path, self.schema, self.langs = Path(path).resolve(), schema, langs
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                            dir=self.path.parent)
        except FileNotFoundError as exc:
            raise OutputError(f"{self.path}: output directory does not exist") from exc
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc
        os.fchmod(fd, default_file_mode())
        os.close(fd)
        self._writer = pq.ParquetWriter(self.tmp, schema)

    def write(self, rows: Iterable[PairRow | LeftoverRow]) -> int:
        rows = list(rows)
        if rows:
            self._writer.write_table(_table(rows, self.schema, self.langs))
        return len(rows)

    def close(self) -> None:
        self._writer.close()
        try:
            with open(self.tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(self.tmp, self.path)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from exc

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._writer.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.close()
            except BaseException:
                self.abort()
                raise
        else:
            self.abort()

