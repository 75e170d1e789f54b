"""Aligning two documents given one sentence per line (``align parallel``).

Every sentence is embedded once; windows of 2–3 sentences are scored from those vectors, and
long documents are aligned coarse-to-fine in a band, so time grows linearly with length.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from align.aligners.background import background_sentences
from align.aligners.dp import Step
from align.aligners.sequence import AlignParams, Side, align_sides, band_around
from align.aligners.windows import (
    RefineParams,
    WindowRequest,
    mixed_windows,
    unsure_spans,
    window_requests,
)
from align.embed.embedder import Embedder, embed_unique
from align.eval.beads import Bead
from align.text.normalize import clean_line

#: Defaults for document pairs known to be translations, tuned on the development sets only
#: (Text+Berg dev, IWSLT15 dev2010/tst2010/tst2011; ``scripts/tune_parallel.py``): beads of up
#: to five sentences scored by local similarity and length agreement, plus the ratio margin
#: that finds deletions, and a charge when a merged bead's weakest sentence is unrelated.
PARALLEL_PARAMS = AlignParams(
    score="local",
    skip=-0.05,
    threshold=0.95,
    margin_weight=3.0,
    component_weight=1.0,
    component_threshold=1.0,
    penalties={t: 0.0 for t in [(1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 4), (4, 1),
                                (2, 3), (3, 2)]},
)


#: Scoring of the second pass, where windows are real embeddings: there the margin only takes
#: away (from beads below 1.0, so deletions are still found) and the local score decides
#: among plausible beads; tuned on Text+Berg dev (``scripts/tune_refine.py``).
SECOND_PARAMS = replace(PARALLEL_PARAMS, margin_weight=1.0, margin_cap=0.0, threshold=1.0)

#: ``--quality``: ``fast`` (the default) scores windows from sentence vectors only, one encoder
#: pass; ``best`` embeds the real text of the 2- and 3-sentence windows where that pass is
#: unsure (about 2x). ``best`` gains on documents with many merged sentences (Text+Berg dev
#: .858 -> .876) but loses on deletions (IWSLT dev2010 with 15 % deleted: .872 -> .824),
#: hence not the default.
QUALITY: dict[str, RefineParams | None] = {
    "fast": None,
    "best": RefineParams(sizes=(2, 3), min_gain=0.3, context=0, pad=0),
}


@dataclass
class DocTimings:
    """Where the time went, for benchmarks and ``--stats``."""

    embed_seconds: float = 0.0
    align_seconds: float = 0.0
    sentences: int = 0
    texts_embedded: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def texts_per_sentence(self) -> float:
        return self.texts_embedded / max(self.sentences, 1)


def read_sentence_lines(text: str) -> list[str]:
    """One sentence per line; line numbers are sentence indices, so blank lines are kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [clean_line(line) for line in lines]


class DocAligner:
    """Aligns document pairs with one embedder; owns the cached background embeddings."""

    def __init__(self, embedder: Embedder, params: AlignParams | None = None,
                 quality: str | RefineParams | None = "fast",
                 second_params: AlignParams | None = None) -> None:
        self.embedder = embedder
        self.params = params or PARALLEL_PARAMS
        #: scoring of the second pass, with real windows (default: ``SECOND_PARAMS``)
        self.second_params = second_params or SECOND_PARAMS
        self.refine = QUALITY[quality] if isinstance(quality, str) else quality
        self._bg: np.ndarray | None = None
        self.timings = DocTimings()

    def _background(self) -> np.ndarray:
        if self._bg is None:
            texts = background_sentences("vi") + background_sentences("en")
            self._bg, _ = embed_unique(self.embedder, texts)
            self.timings.texts_embedded += len(texts)
        return self._bg

    def align(self, src: list[str], tgt: list[str]) -> list[Bead]:
        """Beads covering every line of both documents, in order."""
        return self.align_many([(src, tgt)])[0]

    def align_many(self, docs: list[tuple[list[str], list[str]]]) -> list[list[Bead]]:
        """Align several document pairs, embedding all their sentences in shared batches."""
        bg = self._background()
        texts = [t for s, t2 in docs for t in (*s, *t2)]
        start = time.perf_counter()
        vecs, counts = embed_unique(self.embedder, texts)
        self.timings.embed_seconds += time.perf_counter() - start
        self.timings.sentences += len(texts)
        self.timings.texts_embedded += len(set(texts))
        start = time.perf_counter()
        sides, pos = [], 0
        for src, tgt in docs:
            n, m = len(src), len(tgt)
            sides.append((Side(vecs[pos : pos + n], counts[pos : pos + n],
                               lengths=char_lengths(src)),
                          Side(vecs[pos + n : pos + n + m], counts[pos + n : pos + n + m],
                               lengths=char_lengths(tgt))))
            pos += n + m
        if self.refine is None:
            paths = [align_sides(s, t, self.params, bg, bg) for s, t in sides]
        else:
            cheap = [align_sides(s, t, self.params, bg, bg, rescore=False) for s, t in sides]
            self.timings.align_seconds += time.perf_counter() - start
            paths = self._second_pass(docs, sides, cheap, bg)
            start = time.perf_counter()
        out = [[Bead(tuple(range(s.i0, s.i1)), tuple(range(s.j0, s.j1)),
                     s.score if s.i1 > s.i0 and s.j1 > s.j0 else None) for s in steps]
               for steps in paths]
        self.timings.align_seconds += time.perf_counter() - start
        return out

    def _second_pass(self, docs: list[tuple[list[str], list[str]]],
                     sides: list[tuple[Side, Side]], cheap: list[list[Step]],
                     bg: np.ndarray) -> list[list[Step]]:
        """Re-align each document in a band around its cheap path, with real embeddings of
        the windows in the stretches that path is unsure of (all windows with ``best``)."""
        rp = self.refine
        assert rp is not None
        requests: list[tuple[list[WindowRequest], list[WindowRequest]]] = []
        for (src, tgt), steps in zip(docs, cheap, strict=True):
            if rp.everywhere:
                requests.append((window_requests(src, rp.sizes, None),
                                 window_requests(tgt, rp.sizes, None)))
                continue
            spans = unsure_spans(steps, rp)
            d = rp.pad
            requests.append((
                window_requests(src, rp.sizes, [(p.i0 - d, p.i1 + d) for p in spans]),
                window_requests(tgt, rp.sizes, [(p.j0 - d, p.j1 + d) for p in spans])))
        texts = [t for pair in requests for side in pair for req in side for t in req.texts]
        start = time.perf_counter()
        wvecs, _ = embed_unique(self.embedder, texts)
        self.timings.embed_seconds += time.perf_counter() - start
        self.timings.texts_embedded += len(set(texts))
        start = time.perf_counter()
        out, pos = [], 0
        for (xs, xt), steps, (rs, rt) in zip(sides, cheap, requests, strict=True):
            wins = []
            for side, reqs in ((xs, rs), (xt, rt)):
                vectors = []
                for req in reqs:
                    vectors.append(wvecs[pos : pos + len(req.texts)])
                    pos += len(req.texts)
                wins.append(mixed_windows(side.emb, side.weights, reqs, vectors))
            n, m = len(xs), len(xt)
            band = band_around(steps, n, m, rp.band) if n and m else None
            out.append(align_sides(
                Side(xs.emb, xs.weights, lengths=xs.lengths, windows=wins[0]),
                Side(xt.emb, xt.weights, lengths=xt.lengths, windows=wins[1]),
                self.second_params, bg, bg, band=band))
        self.timings.align_seconds += time.perf_counter() - start
        return out

def char_lengths(sentences: list[str]) -> np.ndarray:
    """Sentence lengths in characters (at least 1), for the length-agreement factor."""
    return np.fromiter((max(len(s), 1) for s in sentences), dtype=np.float64,
                       count=len(sentences))
