"""align: Vietnamese–English sentence alignment for messy bilingual web pages.

>>> from align import align_page, load_encoder
>>> result = align_page(open("page.txt").read(), load_encoder())
>>> for pair in result.pairs: print(pair.vi_text, pair.en_text, pair.score)
"""

from __future__ import annotations

from .api import align_files, align_page, load_encoder
from .errors import AlignError, InputError, ModelError
from .mixed import PageAligner, draft_page
from .records import Block, Leftover, PageAlignment, Pair, Sentence
from .sequence import AlignParams

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
    "Sentence",
    "__version__",
    "align_files",
    "align_page",
    "draft_page",
    "load_encoder",
]
