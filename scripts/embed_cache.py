"""An embedder for the benchmarks that embeds each text once and charges its encoder time.

Several aligners (ours in each ``--quality``, the Bertalign reference) ask for overlapping
sets of texts. Embedding each text once and remembering what it cost lets one run report,
for every method, the encoder time of exactly the texts that method asked for, without
embedding shared sentences again. A text's cost is its share, by tokens, of the wall time of
the length-sorted batch it was embedded in. With ``path`` the vectors and costs persist, so
tuning on the development splits embeds nothing twice.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from align.embed.embedder import Embedder


class CostedCache:
    """Embedder wrapper: vectors, token counts and measured encoder seconds per text."""

    def __init__(self, encoder: Embedder, path: Path | None = None, batch: int = 32) -> None:
        self.encoder = encoder
        self.path = path
        self.batch = batch
        self.vec: dict[str, np.ndarray] = {}
        self.tokens: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.asked: set[str] = set()
        self.wall = 0.0  # seconds spent inside encode/token_counts calls
        if path is not None and path.exists():
            data = np.load(path, allow_pickle=False)
            for t, v, c, s in zip(data["texts"], data["vecs"], data["counts"], data["secs"],
                                  strict=True):
                t = str(t)
                self.vec[t], self.tokens[t], self.seconds[t] = v, float(c), float(s)

    def _fill(self, texts: list[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vec]
        if not missing:
            return
        counts = np.asarray(self.encoder.token_counts(missing), dtype=np.float64)
        order = np.argsort(-counts, kind="stable")
        for k in range(0, len(missing), self.batch):
            idx = order[k : k + self.batch]
            chunk = [missing[i] for i in idx]
            start = time.perf_counter()
            vecs = np.asarray(self.encoder.encode(chunk), dtype=np.float32)
            spent = time.perf_counter() - start
            weight = counts[idx] + 2.0  # special tokens
            for t, v, c, w in zip(chunk, vecs, counts[idx], weight, strict=True):
                self.vec[t], self.tokens[t] = v, float(c)
                self.seconds[t] = spent * float(w / weight.sum())

    def encode(self, texts: list[str]) -> np.ndarray:
        start = time.perf_counter()
        self._fill(texts)
        self.asked.update(texts)
        self.wall += time.perf_counter() - start
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.vec[t] for t in texts])

    def token_counts(self, texts: list[str]) -> np.ndarray:
        start = time.perf_counter()
        self._fill(texts)
        self.wall += time.perf_counter() - start
        return np.array([self.tokens[t] for t in texts], dtype=np.float32)

    def cost(self, texts) -> float:
        """Encoder seconds of the distinct ``texts`` (all must have been embedded)."""
        return float(sum(self.seconds[t] for t in set(texts)))

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self.vec)
        np.savez(self.path, texts=np.array(texts), vecs=np.stack([self.vec[t] for t in texts]),
                 counts=np.array([self.tokens[t] for t in texts]),
                 secs=np.array([self.seconds[t] for t in texts]))
