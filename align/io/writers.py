"""One writer layer for every command: rows of one kind, in the format the user chose.

``RowSink`` writes a whole output (``align mixed``, ``align parallel``): text formats through
``atomic_output`` (the file appears only when complete; ``-``/None is standard output for
single-file formats), Parquet through ``ParquetWriter``. Nothing is written before the first
rows or the successful end, so a run that fails early leaves no header behind.
``align corpus`` uses the same formats (``formats.py``) through its journal instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from align.io.files import OutputError, atomic_output
from align.io.formats import PAIR_ONLY, TextFormat, text_format
from align.io.parquet import ParquetWriter, leftover_schema, pair_schema
from align.io.rows import LEFTOVER_COLUMNS, LeftoverRow, PairRow


def leftover_format(fmt: str) -> str:
    """Leftovers of a pairs-only format (Moses, TMX) are written as TSV."""
    return "tsv" if fmt in PAIR_ONLY else fmt


class RowSink:
    """Writes rows to one output in one format; a context manager that commits on success."""

    def __init__(self, fmt: str, out: str | Path | None, columns: tuple[str, ...], *,
                 langs: tuple[str, str] = ("vi", "en"), plain: bool = False,
                 signature: str = "", version: str = "") -> None:
        self.fmt, self.columns, self.langs = fmt, columns, langs
        self.out = None if out is None or str(out) == "-" else Path(out)
        self.leftovers = columns == LEFTOVER_COLUMNS
        self.signature, self.version, self.plain = signature, version, plain
        self._stack = ExitStack()
        self._streams: dict[str, TextIO] = {}
        self._parquet: ParquetWriter | None = None
        self._format: TextFormat | None = None
        self._started = False
        self.rows = 0

    def __enter__(self) -> RowSink:
        if self.fmt == "parquet":
            if self.out is None:
                raise OutputError("--format parquet cannot write to standard output: use -o FILE")
            schema = (leftover_schema(self.signature) if self.leftovers
                      else pair_schema(self.langs, self.signature))
            self._parquet = self._stack.enter_context(ParquetWriter(self.out, schema, self.langs))
            return self
        self._format = text_format(self.fmt, self.columns, self.langs, plain=self.plain,
                                   signature=self.signature, version=self.version)
        if self.out is None:
            if self.fmt == "moses":
                raise OutputError("--format moses writes two files: use -o OUT "
                                  "(it writes OUT.vi and OUT.en)")
            self._streams["main"] = self._stack.enter_context(atomic_output(None))
        else:
            for key, path in self._format.paths(self.out).items():
                self._streams[key] = self._stack.enter_context(atomic_output(path))
        return self

    def _emit(self, chunks: dict[str, str]) -> None:
        for key, text in chunks.items():
            if text:
                self._streams[key].write(text)

    def write(self, rows: Iterable[PairRow | LeftoverRow]) -> int:
        """Write rows (a page's, a batch's); returns how many."""
        if self._parquet is not None:
            n = self._parquet.write(rows)
        else:
            assert self._format is not None
            rows = list(rows)
            if not self._started:
                self._emit(self._format.begin())
                self._started = True
            self._emit(self._format.encode(rows))
            n = len(rows)
        self.rows += n
        return n

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and self._format is not None:
                if not self._started:
                    self._emit(self._format.begin())
                self._emit(self._format.end())
        except BaseException:
            self._stack.__exit__(*sys.exc_info())
            raise
        self._stack.__exit__(exc_type, exc, tb)
