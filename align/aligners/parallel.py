"""Aligning two documents given one sentence per line (``align parallel``).

Every sentence is embedded once; windows of 2–3 sentences are scored from those vectors, and
long documents are aligned coarse-to-fine in a band, so time grows linearly with length.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from align.aligners.background import background_sentences
from align.aligners.sequence import AlignParams, Side, align_sides
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

    def __init__(self, embedder: Embedder, params: AlignParams | None = None) -> None:
        self.embedder = embedder
        self.params = params or PARALLEL_PARAMS
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
        out, pos = [], 0
        for src, tgt in docs:
            n, m = len(src), len(tgt)
            xs, cs = vecs[pos : pos + n], counts[pos : pos + n]
            xt, ct = vecs[pos + n : pos + n + m], counts[pos + n : pos + n + m]
            pos += n + m
            steps = align_sides(Side(xs, cs, lengths=char_lengths(src)),
                                Side(xt, ct, lengths=char_lengths(tgt)),
                                self.params, bg, bg)
            out.append([
                Bead(tuple(range(s.i0, s.i1)), tuple(range(s.j0, s.j1)),
                     s.score if s.i1 > s.i0 and s.j1 > s.j0 else None)
                for s in steps
            ])
        self.timings.align_seconds += time.perf_counter() - start
        return out


def char_lengths(sentences: list[str]) -> np.ndarray:
    """Sentence lengths in characters (at least 1), for the length-agreement factor."""
    return np.fromiter((max(len(s), 1) for s in sentences), dtype=np.float64,
                       count=len(sentences))
