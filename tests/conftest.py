"""Shared fixtures: a deterministic stand-in embedder for fast tests, the real model for e2e."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


class HashEmbedder:
    """Deterministic pseudo-embeddings: a text's vector comes from its hash.

    ``meaning`` maps texts to a shared key, so a test can declare two texts translations of
    each other (same key → nearly the same vector).
    """

    def __init__(self, meaning: dict[str, str] | None = None, dim: int = 64) -> None:
        self.meaning = meaning or {}
        self.dim = dim

    def _vec(self, key: str, salt: str = "") -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256((salt + key).encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for t in texts:
            key = self.meaning.get(t, t)
            v = self._vec(key) + 0.25 * self._vec(t, "noise")
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def token_counts(self, texts: list[str]) -> np.ndarray:
        return np.array([max(1, len(t.split())) for t in texts], dtype=np.float32)


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_encoder():
    """The embedded default model, built into the user cache on first use (slow once)."""
    from align.api import load_encoder

    return load_encoder(device="cpu")


def need_shared(path: Path) -> Path:
    """Skip a test when ../shared is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path
