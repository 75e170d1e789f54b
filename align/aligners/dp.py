"""Monotonic dynamic programming over two sentence sequences (the aligner's core).

Cells are sentence boundaries ``(i, j)``: ``i`` source and ``j`` target sentences consumed. A
bead of type ``(a, b)`` moves from ``(i-a, j-b)`` to ``(i, j)``. Beads that align text earn
``(a + b) · (margin − threshold) − penalty[a, b]``; a sentence left unaligned (``1-0``/``0-1``)
earns nothing, so text is aligned only where the margin says it is a translation, and
deletions cost nothing to find. The best path maximises the total.

Rows are filled with vectorised numpy over the columns of a band, so a 20 000-sentence
document costs linear time when the band comes from a coarse pass (see ``sequence.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from align.aligners.similarity import Band

#: ``score(a, b, r, j0s)`` → scores of beads with source sentences ``r .. r+a-1`` and target
#: sentences ``j .. j+b-1`` for each ``j`` in ``j0s``.
BeadScorer = Callable[[int, int, int, np.ndarray], np.ndarray]

NEG = -1e30


@dataclass(frozen=True)
class Step:
    """One bead of the best path: source ``[i0, i1)`` with target ``[j0, j1)``, and its score."""

    i0: int
    i1: int
    j0: int
    j1: int
    score: float


def best_path(
    n: int,
    m: int,
    types: list[tuple[int, int]],
    score: BeadScorer,
    band: Band | None = None,
    skip: float = 0.0,
) -> list[Step]:
    """The highest-scoring monotonic bead sequence from ``(0, 0)`` to ``(n, m)``.

    ``types`` lists the aligning bead shapes ``(a, b)`` with ``a, b ≥ 1``; ``1-0`` and ``0-1``
    are always allowed and score ``skip`` (≤ 0).
    """
    band = band or Band.full(n, m)
    lo, hi = band.lo, band.hi
    rows: list[np.ndarray] = []
    back: list[np.ndarray] = []  # index into types; -1 = (1,0), -2 = (0,1), -3 = start
    for i in range(n + 1):
        width = int(hi[i] - lo[i] + 1)
        d = np.full(width, NEG)
        bp = np.full(width, -3, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            d[0] = 0.0
        if i >= 1:
            _vertical(d, bp, i, lo, hi, rows, skip)
            for t, (a, b) in enumerate(types):
                if i - a < 0:
                    continue
                r = i - a
                j_first = max(int(lo[i]), int(lo[r]) + b)
                j_last = min(int(hi[i]), int(hi[r]) + b)
                if j_first > j_last:
                    continue
                js = np.arange(j_first, j_last + 1)
                prev = rows[r][js - b - lo[r]]
                ok = prev > NEG / 2
                if not ok.any():
                    continue
                cand = prev + score(a, b, r, js - b)
                cand = np.where(ok, cand, NEG)
                cells = js - lo[i]
                better = cand > d[cells]
                d[cells] = np.where(better, cand, d[cells])
                bp[cells] = np.where(better, t, bp[cells])
        _horizontal(d, bp, skip)
        rows.append(d)
        back.append(bp)
    return _trace(rows, back, lo, types, n, m)


def _vertical(d, bp, i, lo, hi, rows, skip: float) -> None:
    """Bead 1-0: source sentence ``i-1`` left unaligned."""
    r = i - 1
    j_first, j_last = max(int(lo[i]), int(lo[r])), min(int(hi[i]), int(hi[r]))
    if j_first > j_last:
        return
    js = np.arange(j_first, j_last + 1)
    cand = rows[r][js - lo[r]] + skip
    cells = js - lo[i]
    better = cand > d[cells]
    d[cells] = np.where(better, cand, d[cells])
    bp[cells] = np.where(better, -1, bp[cells])


def _horizontal(d: np.ndarray, bp: np.ndarray, skip: float) -> None:
    """Bead 0-1 chains within a row: ``d[j] = max(d[j], d[j-1] + skip)`` for all ``j`` at once,
    a running maximum of ``d[k] - k·skip``."""
    ramp = np.arange(len(d)) * skip
    base = d - ramp
    run = np.maximum.accumulate(base)
    improved = run > base
    d[:] = np.where(improved, run + ramp, d)
    bp[improved] = -2


def _trace(rows, back, lo, types, n, m) -> list[Step]:
    """Walk the back-pointers from ``(n, m)`` to ``(0, 0)``."""
    steps: list[Step] = []
    i, j = n, m
    if rows[n][m - lo[n]] <= NEG / 2:
        raise ValueError("no path through the band reaches the end")
    while i > 0 or j > 0:
        t = int(back[i][j - lo[i]])
        if t == -1:
            a, b = 1, 0
        elif t == -2:
            a, b = 0, 1
        elif t >= 0:
            a, b = types[t]
        else:
            raise ValueError(f"broken back-pointer at ({i}, {j})")
        here = rows[i][j - lo[i]]
        there = rows[i - a][j - b - lo[i - a]]
        steps.append(Step(i - a, i, j - b, j, float(here - there)))
        i, j = i - a, j - b
    steps.reverse()
    return steps
