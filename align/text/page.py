"""A page's text → classified blocks and sentences, ready for embedding (no model needed)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from align.records import Block, Sentence
from align.text.blocks import classify_blocks, split_blocks
from align.text.normalize import normalize_page
from align.text.sentences import block_sentences


@dataclass
class PageDraft:
    """A page read into blocks and sentences, waiting for embeddings."""

    page: str
    blocks: list[Block]
    sentences: list[Sentence]
    started: float
    #: seconds spent reading the page into blocks and sentences
    read_seconds: float = 0.0


def draft_page(
    text: str, page: str = "-", chrome: frozenset[int] = frozenset(), normalized: bool = False
) -> PageDraft:
    """Read a page's text into classified blocks and sentences (no model needed).

    ``normalized``: the text already went through ``normalize_page`` (``read_page`` does
    that); normalising twice costs time and ftfy is not quite idempotent.
    """
    started = time.perf_counter()
    if not normalized:
        text = normalize_page(text)
    blocks = classify_blocks(split_blocks(text), chrome)
    sentences = block_sentences(blocks)
    return PageDraft(page, blocks, sentences, started, time.perf_counter() - started)
