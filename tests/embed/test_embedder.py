"""The embedding cache that lets a corpus run embed a repeated sentence once."""

from __future__ import annotations

import numpy as np

from align.aligners.mixed import PageAligner
from align.embed.embedder import CachedEmbedder
from tests.helpers import EN_POOL, MEANING, VI_POOL, HashEmbedder


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(MEANING)
        self.encoded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return super().encode(texts)


def test_cached_vectors_equal_fresh_ones_and_each_text_is_embedded_once() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, max_texts=10)
    texts = ["a b", "c", "a b", "d e f"]
    assert np.array_equal(cached.encode(texts), HashEmbedder(MEANING).encode(texts))
    assert np.array_equal(cached.token_counts(texts), [2, 1, 2, 3])
    cached.encode(["c", "g"])
    assert inner.encoded == ["a b", "c", "d e f", "g"]
    assert (cached.hits, cached.misses) == (6, 4)  # lookups served from the cache, and not


def test_least_recently_used_texts_are_dropped_first() -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, max_texts=2)
    cached.encode(["x"])
    cached.encode(["y"])
    cached.encode(["x"])  # x is now the most recent
    cached.encode(["z"])  # drops y
    cached.encode(["x", "y"])
    assert inner.encoded == ["x", "y", "z", "y"]
    # one call larger than the cache still gets all its vectors
    assert cached.encode(["p", "q", "r"]).shape == (3, inner.dim)


def test_pages_that_repeat_sentences_embed_them_once() -> None:
    inner = CountingEmbedder()
    aligner = PageAligner(inner)
    page = "\n\n".join([VI_POOL[0], EN_POOL[0], VI_POOL[1], EN_POOL[1]])
    first = aligner.align_text(page, "a")
    before = len(inner.encoded)
    second = aligner.align_text(page, "b")
    assert len(inner.encoded) == before  # nothing new to embed
    assert [(p.vi_text, p.en_text, p.score) for p in first.pairs] == [
        (p.vi_text, p.en_text, p.score) for p in second.pairs]
