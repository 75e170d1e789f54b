"""Fixtures: a deterministic stand-in embedder for fast tests, the real model for e2e."""

from __future__ import annotations

import pytest

from tests.helpers import MEANING, HashEmbedder


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_encoder():
    """The embedded default model, built into the user cache on first use (slow once)."""
    from align.api import load_encoder

    return load_encoder(device="cpu")


class _StubLazyEncoder(HashEmbedder):
    """The stand-in where the CLI expects a ``LazyEncoder`` (loads nothing)."""

    on_batch = None

    @property
    def loaded(self):
        return self


@pytest.fixture
def stub_model(monkeypatch):
    """The CLI's encoders replaced by the stand-in: no model is loaded."""
    from align import cli as cli_module

    monkeypatch.setattr("align.api.LazyEncoder", lambda **kw: _StubLazyEncoder(MEANING))
    monkeypatch.setattr(cli_module, "_encoder", lambda *a: HashEmbedder(MEANING))
