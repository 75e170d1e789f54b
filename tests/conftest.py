"""Fixtures: a deterministic stand-in embedder for fast tests, the real model for e2e."""

from __future__ import annotations

import pytest

from tests.helpers import HashEmbedder


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_encoder():
    """The embedded default model, built into the user cache on first use (slow once)."""
    from align.api import load_encoder

    return load_encoder(device="cpu")
