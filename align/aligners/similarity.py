"""Similarity of sentence windows: overlap embeddings and ratio-margin scores.

A window of consecutive sentences is embedded *without* running the encoder again: its vector
is the token-weighted mean of its sentences' vectors, which is what mean pooling over the
concatenated text gives when context effects are ignored (scripts/bench_window.py measures how
close that is). So every sentence is embedded exactly once, whatever bead sizes the aligner
tries.

Raw cosine does not separate translations from unrelated sentences with small multilingual
models; the ratio margin of Artetxe & Schwenk (2019) does: cos(x, y) divided by the mean
cosine of x and of y to their k nearest neighbours on the other side. A fixed background pool
of sentences keeps the margin meaningful on pages with only a handful of sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def normalize_rows(m: np.ndarray) -> np.ndarray:
    """L2-normalise each row; zero rows stay zero."""
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


def window_vectors(emb: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Vectors of every window of ``size`` consecutive rows: normalised weighted sums.

    Row ``s`` of the result covers rows ``s .. s+size-1``; there are ``n - size + 1`` rows.
    """
    n = emb.shape[0]
    if size > n:
        return np.zeros((0, emb.shape[1]), dtype=np.float32)
    weighted = emb * weights[:, None]
    csum = np.concatenate([np.zeros((1, emb.shape[1]), dtype=np.float64), np.cumsum(weighted, 0)])
    return normalize_rows((csum[size:] - csum[:-size]).astype(np.float32))


@dataclass(frozen=True)
class Band:
    """For each row ``i`` (0..n), the columns ``lo[i] .. hi[i]`` (inclusive) worth scoring.

    Both arrays are non-decreasing; a full band is ``lo = 0, hi = m`` everywhere.
    """

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    def cells(self) -> int:
        return int(np.sum(self.hi - self.lo + 1))

    def transposed(self, m: int) -> Band:
        """The band seen from the columns: for column j, the rows whose range holds it."""
        cols = np.arange(m + 1)
        lo = np.searchsorted(self.hi, cols, side="left")
        hi = np.searchsorted(self.lo, cols, side="right") - 1
        n = len(self.lo) - 1
        return Band(np.clip(lo, 0, n), np.clip(np.maximum(hi, lo), 0, n))


def knn_mean(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    band: Band | None = None,
    background: np.ndarray | None = None,
    chunk: int = 512,
) -> np.ndarray:
    """Mean cosine of each row of ``x`` to its ``k`` nearest rows of ``y`` (and background).

    With a band, row ``i`` of ``x`` only looks at rows ``lo[i] .. hi[i]-1`` of ``y``, so the
    cost stays linear in document length. Rows are assumed normalised.
    """
    n = x.shape[0]
    out = np.zeros(n, dtype=np.float32)
    if n == 0:
        return out
    bg = background if background is not None and len(background) else None
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        xs = x[start:stop]
        if band is None:
            c0, c1 = 0, y.shape[0]
        else:
            c0 = int(band.lo[start])
            c1 = int(min(y.shape[0], band.hi[stop - 1]))
        sims = xs @ y[c0:c1].T if c1 > c0 else np.zeros((len(xs), 0), dtype=np.float32)
        if band is not None and sims.shape[1]:
            cols = np.arange(c0, c1)[None, :]
            rows_lo = band.lo[start:stop, None]
            rows_hi = band.hi[start:stop, None]
            sims = np.where((cols >= rows_lo) & (cols < rows_hi), sims, -np.inf)
        if bg is not None:
            sims = np.concatenate([sims, xs @ bg.T], axis=1)
        kk = min(k, sims.shape[1])
        if kk == 0:
            continue
        top = -np.partition(-sims, kk - 1, axis=1)[:, :kk]
        finite = np.isfinite(top)
        total = np.where(finite, top, 0.0).sum(axis=1)
        count = finite.sum(axis=1)
        out[start:stop] = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return out
