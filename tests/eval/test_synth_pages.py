"""The synthetic page builder the benchmarks use works with the library's sentence splitter."""

from __future__ import annotations

from align.text.sentences import split_sentences
from scripts.synth_pages import make_pages
from tests.helpers import EN_POOL, VI_POOL


def test_pages_are_built_from_talks_with_the_real_splitter() -> None:
    talks = [("talk", EN_POOL * 2, VI_POOL * 2)]
    pages = make_pages(talks, 4, seed=1, split=split_sentences, min_units=4, max_units=6)
    assert len(pages) == 4
    for page in pages:
        assert page.text.strip() and page.pairs
        assert all(vi in VI_POOL and en in EN_POOL for vi, en in page.pairs)
