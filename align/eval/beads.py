"""Beads (aligned groups of source and target sentences) and the bead file format.

The format is the one Vecalign, Bertalign and the Text+Berg gold files use: one bead per line,
``[i, j]:[k]`` with Python list literals of 0-based sentence indices (an empty list marks an
unaligned sentence), optionally followed by ``:score``. Parsing never evaluates code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError


@dataclass(frozen=True)
class Bead:
    """Source and target sentence indices aligned together, with an optional score.

    ``score`` is metadata: two beads with the same indices are equal whatever their scores, so
    sets of beads compare alignments, not confidences.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # accept any iterable of ints (lists from callers) but store hashable tuples
        object.__setattr__(self, "src", tuple(self.src))
        object.__setattr__(self, "tgt", tuple(self.tgt))

    @property
    def kind(self) -> str:
        """Bead type as ``"<n src>-<n tgt>"``, e.g. ``"2-1"`` or ``"0-1"``."""
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        """True for an insertion or deletion (exactly one side empty)."""
        return bool(self.src) != bool(self.tgt)

    @property
    def is_empty(self) -> bool:
        """True when both sides are empty (such beads are ignored by the metrics)."""
        return not self.src and not self.tgt


def _indices(field_text: str) -> tuple[int, ...]:
    """Parse one side of a bead: a JSON/Python list of distinct non-negative ints."""
    try:
        value = json.loads(field_text)
    except ValueError:
        raise ValueError(f"{field_text!r} is not a list of indices") from None
    if not isinstance(value, list):
        raise ValueError(f"{field_text!r} is not a list of indices")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{v!r} in {field_text!r} is not a non-negative integer index")
    if len(set(value)) != len(value):
        raise ValueError(f"{field_text!r} repeats an index")
    return tuple(value)


def parse_bead(line: str) -> Bead:
    """Parse one non-blank bead line; raises ``ValueError`` describing the problem."""
    fields = [f.strip() for f in line.strip().split(":")]
    if len(fields) not in (2, 3):
        raise ValueError("expected '[src]:[tgt]' or '[src]:[tgt]:score'")
    score = None
    if len(fields) == 3:
        try:
            score = float(fields[2])
        except ValueError:
            raise ValueError(f"score {fields[2]!r} is not a number") from None
        if not math.isfinite(score):
            raise ValueError(f"score {fields[2]!r} is not finite")
    return Bead(_indices(fields[0]), _indices(fields[1]), score)


def parse_beads(text: str, source: str = "<beads>") -> list[Bead]:
    """Parse bead lines (blank lines ignored); errors raise ``InputError`` naming source:line."""
    beads = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            beads.append(parse_bead(line))
        except ValueError as e:
            raise InputError(f"{source}:{lineno}: bad bead line {line[:60]!r}: {e}") from None
    return beads


def read_beads(path: str | Path) -> list[Bead]:
    """Read a bead file (UTF-8, optional BOM)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read bead file: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None
    return parse_beads(text, str(path))


def format_bead(bead: Bead) -> str:
    """One bead line, ``[0, 1]:[2]`` (gold format) or ``[0, 1]:[2]:0.8730`` with a score."""
    line = f"{list(bead.src)}:{list(bead.tgt)}"
    return line if bead.score is None else f"{line}:{bead.score:.4f}"


def format_beads(beads: Iterable[Bead]) -> str:
    """A whole bead file: one line per bead, newline-terminated."""
    return "".join(format_bead(b) + "\n" for b in beads)
