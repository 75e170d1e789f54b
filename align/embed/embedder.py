"""What the aligners need from an encoder, so tests can pass a small stand-in."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors (``align.encoder.Encoder`` does)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def token_counts(self, texts: list[str]) -> np.ndarray: ...


def embed_unique(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Embed each distinct text once; returns (vectors, token counts) aligned with ``texts``."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=np.float32)
    order: dict[str, int] = {}
    for t in texts:
        order.setdefault(t, len(order))
    unique = list(order)
    vecs = np.asarray(embedder.encode(unique), dtype=np.float32)
    counts = np.asarray(embedder.token_counts(unique), dtype=np.float32)
    idx = np.fromiter((order[t] for t in texts), dtype=np.int64, count=len(texts))
    return vecs[idx], np.maximum(counts[idx], 1.0)


class CachedEmbedder:
    """An embedder that remembers the vectors of the most recently seen texts.

    Pages of one site repeat sentences (related-news items, standing captions) across batches;
    with this cache a corpus run embeds each of them once. Memory is bounded by ``max_texts``
    (least recently used texts are dropped first).
    """

    def __init__(self, embedder: Embedder, max_texts: int = 50_000) -> None:
        self.embedder = embedder
        self.max_texts = max_texts
        self._cache: OrderedDict[str, tuple[np.ndarray, float]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def _fill(self, texts: list[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vecs = np.asarray(self.embedder.encode(missing), dtype=np.float32)
            counts = np.asarray(self.embedder.token_counts(missing), dtype=np.float32)
            for t, v, c in zip(missing, vecs, counts, strict=True):
                self._cache[t] = (v, float(c))
        for t in texts:
            self._cache.move_to_end(t)
        while len(self._cache) > max(self.max_texts, len(set(texts))):
            self._cache.popitem(last=False)

    @property
    def weights_sha256(self) -> str | None:
        return getattr(self.embedder, "weights_sha256", None)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.asarray(self.embedder.encode([]), dtype=np.float32)
        self._fill(texts)
        return np.stack([self._cache[t][0] for t in texts])

    def token_counts(self, texts: list[str]) -> np.ndarray:
        self._fill(texts)
        return np.array([self._cache[t][1] for t in texts], dtype=np.float32)
