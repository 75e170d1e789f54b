"""Aligning two embedded sentence sequences: margin scoring + banded DP, coarse to fine.

This is the language-independent core shared by ``align parallel`` (documents) and
``align mixed`` (the two halves of a page). Long inputs are first aligned at a coarse level
(blocks of sentences pooled into one vector), recursively, and the fine DP then runs only in
a band around the coarse path, so time and memory grow linearly with length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from align.aligners.dp import Step, best_path
from align.aligners.similarity import Band, knn_mean, normalize_rows, window_vectors


@dataclass(frozen=True)
class AlignParams:
    """Settings of the aligner; defaults were tuned on the development sets only."""

    #: margin above which a bead counts as a translation
    threshold: float = 1.015
    #: extra cost of a bead type, on top of the margin test (discourages needless merges)
    penalties: dict[tuple[int, int], float] = field(
        default_factory=lambda: {
            (1, 1): 0.0, (1, 2): 0.01, (2, 1): 0.01, (1, 3): 0.03, (3, 1): 0.03,
        }
    )
    #: in a many-to-one bead, a single sentence whose margin against the other side falls
    #: below this costs ``component_weight`` per point (with either score): an unrelated
    #: sentence glued to a true pair must not ride along
    component_threshold: float = 0.99
    component_weight: float = 4.0
    #: how much a bead's gain grows with its number of sentences (0: every bead weighs the
    #: same, so a merge must beat the 1-1 it extends on margin alone)
    size_weight: float = 0.5
    #: a merged bead's margin must exceed that of its best single sentence by this much
    merge_gain: float = 0.0
    #: neighbours for the margin's denominator
    k: int = 4
    #: ``margin``: ratio margin against k nearest neighbours (pages, where much text has no
    #: counterpart); ``cosine``: raw similarity; ``local``: cosine minus the similarity to the
    #: sentences just outside the bead, times a length-agreement factor (documents known to
    #: be translations; the idea of Bertalign's second pass)
    score: str = "margin"
    #: score of a sentence left unaligned (1-0 / 0-1)
    skip: float = 0.0
    #: with ``local``: weight of the ratio margin (minus ``threshold``) added to the score
    margin_weight: float = 0.0
    #: with ``local``: the margin term is capped at this (0: it can only take away, so among
    #: plausible beads the local score alone decides; ``None``: no cap)
    margin_cap: float | None = None
    #: above this many DP cells, align a pooled coarse version first
    max_cells: int = 1_500_000
    #: sentences pooled into one coarse unit
    coarse_factor: int = 8
    #: half-width of the fine band around the coarse path, in sentences
    band_width: int = 24

    @property
    def types(self) -> list[tuple[int, int]]:
        return list(self.penalties)


@dataclass
class Side:
    """One side to align: normalised sentence vectors, their token counts, and which windows
    are allowed (a window may not join sentences that are not neighbours on the page)."""

    emb: np.ndarray
    weights: np.ndarray
    breaks: np.ndarray | None = None  # breaks[s] True: no window may span s-1 → s
    #: what the other side searches for neighbours (default ``emb``); a page passes the whole
    #: half here when only a remainder of it is being aligned, so margins stay comparable
    pool: np.ndarray | None = None
    #: window vectors by size, when computed otherwise (``scripts/bench_window.py`` passes
    #: embeddings of the concatenated sentences); by default the token-weighted mean
    windows: dict[int, np.ndarray] | None = None
    #: sentence lengths for the length-agreement factor (default ``weights``); characters
    #: judge length better than tokens, whose count varies with the script and vocabulary
    lengths: np.ndarray | None = None

    def __len__(self) -> int:
        return self.emb.shape[0]

    def window(self, size: int) -> np.ndarray:
        """Normalised vectors of every window of ``size`` consecutive sentences."""
        if self.windows is not None and size in self.windows:
            return self.windows[size]
        return window_vectors(self.emb, self.weights, size)

    def window_ok(self, size: int) -> np.ndarray:
        """For each window start, whether the window of ``size`` stays within allowed joins."""
        n = len(self)
        if size > n:
            return np.zeros(0, dtype=bool)
        if self.breaks is None or size == 1:
            return np.ones(n - size + 1, dtype=bool)
        inner = np.asarray(self.breaks, dtype=np.int64).copy()
        inner[0] = 0
        csum = np.concatenate([[0], np.cumsum(inner)])
        # breaks strictly inside window [s, s+size): positions s+1 .. s+size-1
        return (csum[size:] - csum[1 : n - size + 2]) == 0


class _Scorer:
    """Pre-computed window vectors and neighbour means; scores beads for the DP."""

    def __init__(
        self, src: Side, tgt: Side, params: AlignParams, band: Band | None,
        bg_src: np.ndarray | None, bg_tgt: np.ndarray | None,
    ) -> None:
        self.params = params
        n, m = len(src), len(tgt)
        # neighbours: source windows look among target sentences, and the reverse
        sizes_src = {1} | {a for a, _ in params.types}
        sizes_tgt = {1} | {b for _, b in params.types}
        self.wx = {a: src.window(a) for a in sizes_src}
        self.wy = {b: tgt.window(b) for b in sizes_tgt}
        pool_src = src.emb if src.pool is None else src.pool
        pool_tgt = tgt.emb if tgt.pool is None else tgt.pool
        tband = band.transposed(m) if band is not None else None
        self.mx = {
            a: knn_mean(w, pool_tgt, params.k, _rows(band, len(w)), bg_tgt)
            for a, w in self.wx.items()
        }
        self.my = {
            b: knn_mean(w, pool_src, params.k, _rows(tband, len(w)), bg_src)
            for b, w in self.wy.items()
        }
        len_src = src.weights if src.lengths is None else src.lengths
        len_tgt = tgt.weights if tgt.lengths is None else tgt.lengths
        self.lx = {a: _window_sums(len_src, a) for a in sizes_src}
        self.ly = {b: _window_sums(len_tgt, b) for b in sizes_tgt}
        self.ratio = float(np.sum(len_tgt) / max(float(np.sum(len_src)), 1e-6))
        self.okx = {a: src.window_ok(a) for a in sizes_src}
        self.oky = {b: tgt.window_ok(b) for b in sizes_tgt}
        self.n, self.m = n, m

    def margin(self, a: int, b: int, r: int, j0s: np.ndarray) -> np.ndarray:
        cos = self.wy[b][j0s] @ self.wx[a][r]
        if self.params.score == "cosine":
            return cos
        denom = (self.mx[a][r] + self.my[b][j0s]) / 2.0
        return cos / np.maximum(denom, 1e-6)

    def _margin_src_window(self, a: int, r: int, js: np.ndarray) -> np.ndarray:
        """Margin of source window (r, a) against single target sentences ``js``."""
        cos = self.wy[1][js] @ self.wx[a][r]
        if self.params.score == "cosine":
            return cos
        return cos / np.maximum((self.mx[a][r] + self.my[1][js]) / 2.0, 1e-6)

    def component_margin(
        self, a: int, b: int, r: int, j0s: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest margin of a single sentence of the bead against the other side."""
        worst = np.full(len(j0s), np.inf)
        best = np.full(len(j0s), -np.inf)
        if a > 1:
            for t in range(r, r + a):
                m = self.margin(1, b, t, j0s)
                worst, best = np.minimum(worst, m), np.maximum(best, m)
        if b > 1:
            for t in range(b):
                m = self._margin_src_window(a, r, j0s + t)
                worst, best = np.minimum(worst, m), np.maximum(best, m)
        return worst, best

    def local(self, a: int, b: int, r: int, j0s: np.ndarray) -> np.ndarray:
        """Cosine minus similarity to the adjacent sentences, times length agreement."""
        wx, wy = self.wx[a][r], self.wy[b][j0s]
        cos = wy @ wx
        # target sentences just before and after each target window, against the source window
        before = np.where(j0s >= 1, self.wy[1][np.maximum(j0s - 1, 0)] @ wx, np.nan)
        after_idx = j0s + b
        after = np.where(after_idx < self.m,
                         self.wy[1][np.minimum(after_idx, self.m - 1)] @ wx, np.nan)
        nb_t = _nanmean2(before, after)
        # source sentences just outside the source window, against each target window
        src_nb = [self.wx[1][t] for t in (r - 1, r + a) if 0 <= t < self.n]
        nb_s = np.mean([wy @ v for v in src_nb], axis=0) if src_nb else np.zeros(len(j0s))
        sim = cos - (nb_t + nb_s) / 2.0
        lx = self.lx[a][r] * self.ratio
        ly = self.ly[b][j0s]
        return sim * np.log2(1.0 + np.minimum(lx, ly) / np.maximum(np.maximum(lx, ly), 1e-6))

    def __call__(self, a: int, b: int, r: int, j0s: np.ndarray) -> np.ndarray:
        if not self.okx[a][r]:
            return np.full(len(j0s), -1e9)
        p = self.params
        if p.score == "local":
            s = self.local(a, b, r, j0s) - p.penalties[(a, b)]
            if p.margin_weight:  # the margin test decides what is a translation at all
                gap = self.margin(a, b, r, j0s) - p.threshold
                if p.margin_cap is not None:
                    gap = np.minimum(gap, p.margin_cap)
                s = s + p.margin_weight * gap
            if p.component_weight and (a > 1 or b > 1):
                worst, _ = self.component_margin(a, b, r, j0s)
                s = s + p.component_weight * np.minimum(0.0, worst - p.component_threshold)
            return np.where(self.oky[b][j0s], s, -1e9)
        margin = self.margin(a, b, r, j0s)
        weight = 2.0 + p.size_weight * (a + b - 2)
        s = weight * (margin - p.threshold) - p.penalties[(a, b)]
        ok = self.oky[b][j0s]
        if a > 1 or b > 1:
            worst, best = self.component_margin(a, b, r, j0s)
            # every sentence must be related, and joining them must beat the best one alone
            short = np.minimum(0.0, worst - p.component_threshold)
            short += np.minimum(0.0, margin - best - p.merge_gain)
            s = s + p.component_weight * short
        return np.where(ok, s, -1e9)


def _window_sums(values: np.ndarray, size: int) -> np.ndarray:
    """Sum of ``values`` over every window of ``size`` consecutive entries."""
    csum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    return csum[size:] - csum[:-size] if size <= len(values) else np.zeros(0)


def _nanmean2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise mean of two arrays ignoring NaN; 0 where both are NaN."""
    both = np.stack([a, b])
    count = np.sum(~np.isnan(both), axis=0)
    return np.where(count > 0, np.nansum(both, axis=0) / np.maximum(count, 1), 0.0)


def _rows(band: Band | None, count: int) -> Band | None:
    """The band's ranges for the first ``count`` rows (window starts)."""
    if band is None:
        return None
    return Band(band.lo[:count], band.hi[:count])


def _pool(side: Side, factor: int) -> Side:
    """Coarse side: consecutive groups of ``factor`` sentences pooled into one vector."""
    n = len(side)
    groups = np.arange(n) // factor
    g = int(groups[-1]) + 1
    emb = np.zeros((g, side.emb.shape[1]), dtype=np.float64)
    np.add.at(emb, groups, side.emb * side.weights[:, None])
    weights = np.bincount(groups, weights=side.weights, minlength=g)
    return Side(normalize_rows(emb.astype(np.float32)), weights.astype(np.float32))


def _band_from_coarse(steps: list[Step], f: int, n: int, m: int, width: int) -> Band:
    """A fine band that covers every coarse bead, widened by ``width`` sentences."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for s in steps:
        r0, r1 = s.i0 * f, min(n, s.i1 * f)
        c0, c1 = s.j0 * f, min(m, s.j1 * f)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0 - width)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1 + width)
    lo = np.minimum.accumulate(np.clip(lo, 0, m)[::-1])[::-1]
    hi = np.maximum.accumulate(np.clip(hi, 0, m))
    lo[0], hi[n] = 0, m
    return Band(lo, np.maximum(hi, lo))


def align_sides(
    src: Side,
    tgt: Side,
    params: AlignParams | None = None,
    bg_src: np.ndarray | None = None,
    bg_tgt: np.ndarray | None = None,
    band: Band | None = None,
    rescore: bool = True,
) -> list[Step]:
    """Best monotonic alignment of two sides, including unaligned sentences (1-0 / 0-1).

    ``band`` restricts the DP to given cells (default: everywhere, or around a coarse pass
    for long inputs); ``rescore=False`` keeps each bead's DP gain as its score instead of the
    margin, for callers that judge how sure the path is.
    """
    params = params or AlignParams()
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Step(i, i + 1, 0, 0, 0.0) for i in range(n)] + [
            Step(n, n, j, j + 1, 0.0) for j in range(m)
        ]
    if band is None and (n + 1) * (m + 1) > params.max_cells:
        f = params.coarse_factor
        coarse = align_sides(_pool(src, f), _pool(tgt, f), params, bg_src, bg_tgt)
        band = _band_from_coarse(coarse, f, n, m, params.band_width)
    scorer = _Scorer(src, tgt, params, band, bg_src, bg_tgt)
    steps = best_path(n, m, params.types, scorer, band, params.skip)
    return [_rescore(s, scorer) for s in steps] if rescore else steps


def _rescore(step: Step, scorer: _Scorer) -> Step:
    """Replace the DP gain of an aligning bead by its margin, the score users see."""
    a, b = step.i1 - step.i0, step.j1 - step.j0
    if a == 0 or b == 0:
        return step
    margin = float(scorer.margin(a, b, step.i0, np.array([step.j0]))[0])
    return Step(step.i0, step.i1, step.j0, step.j1, margin)


def band_around(steps: list[Step], n: int, m: int, width: int) -> Band:
    """The cells within ``width`` sentences of a full-resolution path, for a second pass."""
    return _band_from_coarse(steps, 1, n, m, width)
