"""What the aligners need from an encoder, so tests can pass a small stand-in."""

from __future__ import annotations

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
