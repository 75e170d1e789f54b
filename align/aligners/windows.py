"""Real embeddings of sentence windows, only where the cheap pass is unsure.

The cheap pass scores a window of 2–4 sentences from the token-weighted mean of its sentence
vectors. That is close to the embedding of the concatenated text (cosine ≈ .97) but not close
enough to tell a 2-2 bead from two 1-1s reliably. Embedding every window for real costs about
seven encoder passes; this module picks the stretches of the cheap path worth a second look —
merged beads, skipped sentences and weak 1-1 beads, with some confident context either side —
and embeds only the windows that lie inside them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.aligners.dp import Step
from align.aligners.similarity import window_vectors


@dataclass(frozen=True)
class RefineParams:
    """Which stretches of the cheap path are re-scored with real window embeddings."""

    #: window sizes embedded for real (beads of up to five sentences use windows up to four)
    sizes: tuple[int, ...] = (2, 3, 4)
    #: a 1-1 bead whose DP gain is below this counts as unsure
    min_gain: float = 0.5
    #: confident beads added on each side of a run of unsure beads
    context: int = 1
    #: sentences added on each side of every stretch, on both documents
    pad: int = 0
    #: half-width, in sentences, of the second pass's band around the cheap path
    band: int = 5
    #: embed every window, not only those in unsure stretches (``--quality best``)
    everywhere: bool = False


@dataclass(frozen=True)
class Span:
    """A stretch of both documents: source ``[i0, i1)`` and target ``[j0, j1)``."""

    i0: int
    i1: int
    j0: int
    j1: int


def unsure_spans(steps: list[Step], params: RefineParams) -> list[Span]:
    """Stretches of the path around merged beads, skips and weak 1-1 beads, merged when they
    touch. ``steps`` carry DP gains (``align_sides(..., rescore=False)``)."""
    flags = [not (s.i1 - s.i0 == 1 and s.j1 - s.j0 == 1 and s.score >= params.min_gain)
             for s in steps]
    spans: list[Span] = []
    k = 0
    while k < len(steps):
        if not flags[k]:
            k += 1
            continue
        end = k
        while end + 1 < len(steps) and any(flags[end + 1 : end + 2 + params.context]):
            end += 1
        first = max(0, k - params.context)
        last = min(len(steps) - 1, end + params.context)
        span = Span(steps[first].i0, steps[last].i1, steps[first].j0, steps[last].j1)
        if spans and span.i0 <= spans[-1].i1 and span.j0 <= spans[-1].j1:
            span = Span(spans[-1].i0, span.i1, spans[-1].j0, span.j1)  # touching: one span
            spans.pop()
        spans.append(span)
        k = end + 1
    return spans


def window_starts(n: int, size: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """Starts of the windows of ``size`` sentences that lie inside one of ``spans``."""
    starts: set[int] = set()
    for lo, hi in spans:
        lo = max(lo, 0)
        starts.update(range(lo, max(lo, min(hi, n) - size + 1)))
    return np.array(sorted(starts), dtype=np.int64)


def window_text(sentences: list[str], start: int, size: int) -> str:
    """The text the encoder sees for a window: its sentences joined by spaces."""
    return " ".join(sentences[start : start + size])


@dataclass
class WindowRequest:
    """Window texts one side needs embedded, and where their vectors go."""

    size: int
    starts: np.ndarray
    texts: list[str]


def window_requests(sentences: list[str], sizes: tuple[int, ...],
                    spans: list[tuple[int, int]] | None) -> list[WindowRequest]:
    """The windows of one side to embed: inside ``spans``, or all of them when ``None``."""
    n = len(sentences)
    out = []
    for size in sizes:
        if size > n:
            continue
        starts = (np.arange(n - size + 1) if spans is None
                  else window_starts(n, size, spans))
        if len(starts):
            out.append(WindowRequest(size, starts,
                                     [window_text(sentences, int(s), size) for s in starts]))
    return out


def mixed_windows(emb: np.ndarray, weights: np.ndarray, requests: list[WindowRequest],
                  vectors: list[np.ndarray]) -> dict[int, np.ndarray]:
    """Window vectors by size: real embeddings where requested, weighted means elsewhere."""
    out = {}
    for req, vecs in zip(requests, vectors, strict=True):
        win = window_vectors(emb, weights, req.size).copy()
        win[req.starts] = vecs
        out[req.size] = win
    return out
