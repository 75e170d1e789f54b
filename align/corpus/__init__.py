"""``align corpus``: many pages → one deduplicated, resumable parallel corpus."""

from __future__ import annotations

from align.corpus.run import CorpusOptions, CorpusRun, CorpusStats

__all__ = ["CorpusOptions", "CorpusRun", "CorpusStats"]
