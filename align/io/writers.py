"""Writers for pairs and leftovers: raw TSV (as parallel-corpus tools read it) and JSONL.

Raw TSV means no quoting: ``"`` is an ordinary character, and a tab or newline inside a text
becomes a space, so a row is always exactly one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from align.records import PageAlignment
from align.text.normalize import one_line

PAIR_COLUMNS = ("vi", "en", "score", "bead", "vi_ids", "en_ids", "page")
LEFTOVER_COLUMNS = ("page", "lang", "reason", "block", "ids", "duplicate_of", "text")


def pair_rows(result: PageAlignment) -> Iterable[dict[str, str]]:
    """One dict per pair, with the columns of ``PAIR_COLUMNS``."""
    for p in result.pairs:
        yield {
            "vi": one_line(p.vi_text),
            "en": one_line(p.en_text),
            "score": f"{p.score:.4f}",
            "bead": p.bead,
            "vi_ids": ",".join(str(s.index) for s in p.vi),
            "en_ids": ",".join(str(s.index) for s in p.en),
            "page": one_line(result.page),
        }


def leftover_rows(result: PageAlignment) -> Iterable[dict[str, str]]:
    """One dict per leftover, with the columns of ``LEFTOVER_COLUMNS``."""
    for left in result.leftovers:
        yield {
            "page": one_line(result.page),
            "lang": left.lang,
            "reason": left.reason,
            "block": str(left.block),
            "ids": ",".join(map(str, left.sentences)),
            "duplicate_of": "" if left.duplicate_of is None else str(left.duplicate_of),
            "text": one_line(left.text),
        }


class RowWriter:
    """Writes rows of fixed columns as raw TSV (with a header) or JSON lines."""

    def __init__(self, out: TextIO, columns: tuple[str, ...], fmt: str = "tsv") -> None:
        if fmt not in ("tsv", "jsonl"):
            raise ValueError(f"unknown format {fmt!r}")
        self.out, self.columns, self.fmt = out, columns, fmt
        if fmt == "tsv":
            out.write("\t".join(columns) + "\n")

    def write(self, rows: Iterable[dict[str, str]]) -> int:
        """Write rows; returns how many."""
        n = 0
        for row in rows:
            if self.fmt == "tsv":
                self.out.write("\t".join(one_line(row.get(c, "")) for c in self.columns) + "\n")
            else:
                self.out.write(json.dumps({c: row.get(c, "") for c in self.columns},
                                          ensure_ascii=False) + "\n")
            n += 1
        return n
