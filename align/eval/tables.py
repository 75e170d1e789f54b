"""Reading the files ``align evaluate`` scores: pair and leftover TSVs (by column name) and the
kind of a file (beads, pairs, leftovers) from its first line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError
from align.records import Reason

_BEAD_LINE = re.compile(r"^\[[\d,\s]*\]\s*:\s*\[[\d,\s]*\]\s*(:.*)?$")


@dataclass(frozen=True)
class PairText:
    """One pair of a pairs TSV; ``page`` is None when the file has no page column."""

    vi: str
    en: str
    page: str | None = None


@dataclass(frozen=True)
class LeftoverText:
    """One row of a leftovers TSV; gold files without a reason column mean ``untranslated``."""

    lang: str
    text: str
    reason: str = Reason.UNTRANSLATED
    page: str | None = None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) without line ends; raw TSV texts never hold newlines."""
    for n, line in enumerate(text.split("\n"), start=1):
        yield n, line.rstrip("\r")


def parse_tsv(text: str, source: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a raw TSV with a header, as dicts keyed by lower-cased column name.

    Columns are found by name; a row may omit trailing columns but not required ones.
    """
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    need = 0
    for n, line in _lines(text):
        if header is None:
            if not line.strip():
                continue
            header = [c.strip().lower() for c in line.split("\t")]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{source}:{n}: header lacks column(s) {', '.join(missing)}")
            if len(set(header)) != len(header):
                raise InputError(f"{source}:{n}: header repeats a column name")
            need = max(header.index(c) for c in required) + 1
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > len(header) or len(fields) < need:
            raise InputError(f"{source}:{n}: expected {len(header)} tab-separated fields, "
                             f"found {len(fields)}")
        rows.append(dict(zip(header, fields, strict=False)))
    if header is None:
        raise InputError(f"{source}:1: empty file, expected a TSV header")
    return rows


def read_pairs(path: str | Path) -> list[PairText]:
    """Rows of a pairs TSV (predicted or gold): columns ``vi``, ``en``, optional ``page``."""
    path = Path(path)
    rows = parse_tsv(_read_text(path), str(path), ("vi", "en"))
    return [PairText(r["vi"], r["en"], r.get("page")) for r in rows]


def read_leftovers(path: str | Path) -> list[LeftoverText]:
    """Rows of a leftovers TSV: ``lang``, ``text``, optional ``reason`` and ``page``."""
    path = Path(path)
    rows = parse_tsv(_read_text(path), str(path), ("lang", "text"))
    return [
        LeftoverText(r["lang"].strip().lower(), r["text"],
                    r.get("reason", "").strip() or Reason.UNTRANSLATED, r.get("page"))
        for r in rows
    ]


def detect_kind(path: str | Path) -> str:
    """``beads``, ``pairs``, ``leftovers``, ``empty`` (nothing but blank lines) or ``unknown``,
    from the first non-blank line of the file."""
    for _, line in _lines(_read_text(Path(path))):
        line = line.strip("\ufeff")
        if not line.strip():
            continue
        if _BEAD_LINE.match(line.strip()):
            return "beads"
        cols = {c.strip().lower() for c in line.split("\t")}
        if {"vi", "en"} <= cols:
            return "pairs"
        if {"lang", "text"} <= cols:
            return "leftovers"
        return "unknown"
    return "empty"
