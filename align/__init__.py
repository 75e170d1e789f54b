"""align: Vietnamese–English sentence alignment for messy bilingual web pages.

>>> from align import align_page, load_encoder
>>> result = align_page(open("page.txt").read(), load_encoder())
>>> for pair in result.pairs: print(pair.vi_text, pair.en_text, pair.score, pair.margin)

``pair.score`` is the probability that the pair is a translation (the pair scorer), ``pair.margin``
its ratio margin.
"""

from __future__ import annotations

from align.aligners.mixed import PageAligner
from align.aligners.pair_model import PairModel, load_pair_model
from align.aligners.sequence import AlignParams
from align.api import align_files, align_page, load_encoder, pair_probabilities
from align.errors import AlignError, InputError, ModelError
from align.records import Block, Leftover, PageAlignment, Pair, Sentence
from align.text.page import draft_page

__version__ = "0.1.0"
__all__ = [
    "AlignError",
    "AlignParams",
    "Block",
    "InputError",
    "Leftover",
    "ModelError",
    "PageAligner",
    "PageAlignment",
    "Pair",
    "PairModel",
    "Sentence",
    "__version__",
    "align_files",
    "align_page",
    "draft_page",
    "load_encoder",
    "load_pair_model",
    "pair_probabilities",
]
