"""Stored vectors of fixed texts: embedded once per model, recomputed when damaged."""

from __future__ import annotations

import numpy as np

from align.embed.vector_store import stored_vectors
from tests.helpers import HashEmbedder


class Counting(HashEmbedder):
    def __init__(self, sha: str | None) -> None:
        super().__init__()
        self.weights_sha256 = sha
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        return super().encode(texts)


def test_vectors_are_stored_per_model_and_texts(tmp_path) -> None:
    texts = ["Một câu.", "Another sentence.", "Một câu."]
    first = Counting("a" * 64)
    v1, c1 = stored_vectors(first, texts, tmp_path)
    again = Counting("a" * 64)
    v2, c2 = stored_vectors(again, texts, tmp_path)
    assert first.calls == 1 and again.calls == 0
    assert np.array_equal(v1, v2) and np.array_equal(c1, c2) and v2.dtype == np.float32
    other = Counting("b" * 64)  # other weights: never the first model's vectors
    stored_vectors(other, texts, tmp_path)
    assert other.calls == 1 and len(list(tmp_path.glob("*.npz"))) == 2


def test_a_damaged_file_is_recomputed_and_stand_ins_are_never_stored(tmp_path) -> None:
    texts = ["Xin chào.", "Hello."]
    stored_vectors(Counting("c" * 64), texts, tmp_path)
    (path,) = tmp_path.glob("*.npz")
    path.write_bytes(b"not an npz")
    fresh = Counting("c" * 64)
    vecs, _ = stored_vectors(fresh, texts, tmp_path)
    assert fresh.calls == 1 and vecs.shape[0] == 2
    stored_vectors(Counting(None), ["Một.", "Two."], tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 1
