"""The review page: a self-contained HTML view of an alignment that turns corrections into gold.

``model`` builds the JSON-able document (from API results, TSV outputs or parallel beads),
``page`` renders it with the template, styles and script under ``assets/``.
"""

from __future__ import annotations

from align.review.build import review_pages
from align.review.model import (
    ReviewDoc,
    ReviewPage,
    ReviewPair,
    Unit,
    from_alignments,
    from_outputs,
    from_parallel,
    page_from_alignment,
)
from align.review.page import render_html, write_review

__all__ = ["ReviewDoc", "ReviewPage", "ReviewPair", "Unit", "from_alignments", "from_outputs",
           "from_parallel", "page_from_alignment", "render_html", "review_pages", "write_review"]
