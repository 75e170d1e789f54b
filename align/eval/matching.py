"""Text matching for pair and leftover evaluation, whatever the sentence segmentation.

Texts are compared normalised (NFC, casefold, collapsed whitespace, surrounding punctuation and
quotes stripped): two texts *overlap* when one contains the other (word-bounded) or they share a
sentence; a text lies *inside* others when each of its sentences lies inside one of them. Rows
of several pages only match within a page, pages compared by file stem (``pages/a.txt`` = ``a``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’»)\]]))\s+")


def normalize_text(text: str) -> str:
    """NFC, casefold, collapse whitespace, strip surrounding punctuation and quotes."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text).casefold())
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def sentence_pieces(text: str) -> list[str]:
    """Normalised sentences of a text, split after ``. ! ? …`` followed by whitespace."""
    parts = _SENTENCE_END.split(unicodedata.normalize("NFC", text))
    return [p for p in (normalize_text(x) for x in parts) if p]


def _words(text: str) -> str:
    """Word tokens padded with spaces, so ``in`` tests containment on word boundaries."""
    words = _WORD.findall(text)
    return f" {' '.join(words)} " if words else ""


@dataclass(frozen=True)
class MatchText:
    """A text prepared for matching: normalised form, word string, sentence pieces."""

    norm: str
    words: str
    pieces: frozenset[str]
    piece_words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> MatchText:
        pieces = sentence_pieces(text)
        piece_words = tuple(w for w in (_words(p) for p in pieces) if w)
        return cls(normalize_text(text), _words(normalize_text(text)), frozenset(pieces),
                   piece_words)

    def overlaps(self, other: MatchText) -> bool:
        """One text contains the other, or they share a sentence; empty texts never overlap."""
        if not self.words or not other.words:
            return False
        return (self.words in other.words or other.words in self.words
                or not self.pieces.isdisjoint(other.pieces))

    def inside(self, texts: Iterable[MatchText]) -> bool:
        """Every sentence of this text lies inside one of ``texts`` (not necessarily the same)."""
        pool = [t.words for t in texts if t.words]
        return bool(self.piece_words) and all(
            any(pw in w for w in pool) for pw in self.piece_words
        )


class _Paged(Protocol):
    page: str | None


def page_key(page: str) -> str:
    """A page name compared by file stem, so a path and a bare name can match."""
    name = page.strip().replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def page_grouper(gold: list, pred: list) -> Callable[[_Paged], str]:
    """How rows are grouped: by page key when both sides name pages and there are several."""
    rows = gold + pred
    if rows and all(r.page is not None for r in rows):
        g = {page_key(r.page) for r in gold}
        p = {page_key(r.page) for r in pred}
        if len(g) > 1 or len(p) > 1:
            return lambda r: page_key(r.page or "")
    return lambda r: ""
