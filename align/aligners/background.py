"""The fixed pool of unrelated sentences that keeps the ratio margin meaningful on short pages."""

from __future__ import annotations

from importlib import resources


def background_sentences(lang: str) -> list[str]:
    """A fixed pool of unrelated sentences (``align/data``), the margin's baseline."""
    data = resources.files("align") / "data" / f"background_{lang}.txt"
    return [line.strip() for line in data.read_text("utf-8").splitlines() if line.strip()]
