"""Align pages straight into a review document (what ``align review PAGE...`` does)."""

from __future__ import annotations

from pathlib import Path

from align.embed.embedder import Embedder
from align.review.model import ReviewDoc, from_alignments


def review_pages(paths: list[str | Path], encoder: Embedder, *, html: bool | None = None,
                 max_bytes: int | None = None, min_score: float | None = None,
                 title: str | None = None, batch_pages: int = 64) -> ReviewDoc:
    """Read, align and collect pages. Pairs below ``min_score`` stay pairs, marked low score,
    so the reviewer can still accept them (``align mixed --min-score`` would drop them)."""
    from align.aligners.mixed import PageAligner
    from align.io.reader import read_page
    from align.text.page import draft_page

    drafts = [draft_page(read_page(p, html=html, max_bytes=max_bytes), str(p), normalized=True)
              for p in paths]
    aligner = PageAligner(encoder)
    results = []
    for start in range(0, len(drafts), batch_pages):
        results.extend(aligner.align_drafts(drafts[start : start + batch_pages]))
    name = Path(str(paths[0])).stem if len(paths) == 1 else f"{len(paths)} pages"
    return from_alignments(results, min_score, title or name)
