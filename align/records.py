"""Records that flow through the pipeline: blocks → sentences → pairs and leftovers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

#: Language codes used throughout. ``neutral`` = no language (names, numbers, URLs, dates).
VI, EN, NEUTRAL = "vi", "en", "neutral"


class Reason(StrEnum):
    """Why a piece of a page (or a whole page) is not part of a pair: the one list, used by
    every producer and by ``align evaluate``. Documented in the README."""

    UNTRANSLATED = "untranslated"  # content in vi or en with no counterpart on the page
    DUPLICATE = "duplicate"  # an exact or near-exact repeat of an earlier block
    BOILERPLATE = "boilerplate"  # site chrome, headings, bylines, dates, links
    NEUTRAL = "neutral"  # language-neutral line (numbers, names, codes) that never pairs
    OTHER_LANGUAGE = "other_language"  # content in a third language
    LOW_SCORE = "low_score"  # would pair, but below --min-score
    UNREADABLE = "unreadable"  # a whole page that could not be read (align corpus)
    DAMAGED = "damaged"  # text holding U+FFFD (a lossy decode lost characters): never paired


@dataclass
class Block:
    """One paragraph-like unit of a page (a non-empty line or joined wrapped lines).

    ``kind`` is ``content`` for text to align, otherwise the leftover reason that sets it aside.
    """

    index: int
    text: str
    lang: str = NEUTRAL
    kind: str = "content"
    duplicate_of: int | None = None


@dataclass
class Sentence:
    """A sentence of a content block; ``index`` is its position among the page's sentences."""

    index: int
    block: int
    text: str
    lang: str


@dataclass
class Pair:
    """An aligned bead: one or more Vietnamese sentences with one or more English sentences."""

    vi: list[Sentence]
    en: list[Sentence]
    score: float

    @property
    def vi_text(self) -> str:
        return " ".join(s.text for s in self.vi)

    @property
    def en_text(self) -> str:
        return " ".join(s.text for s in self.en)

    @property
    def bead(self) -> str:
        return f"{len(self.vi)}-{len(self.en)}"


@dataclass
class Leftover:
    """Page content that is not part of any pair, with the reason why."""

    lang: str
    reason: Reason
    text: str
    block: int
    sentences: list[int] = field(default_factory=list)
    duplicate_of: int | None = None


@dataclass
class PageAlignment:
    """Everything the tool found on one page."""

    page: str
    pairs: list[Pair]
    leftovers: list[Leftover]
    blocks: list[Block]
    sentences: list[Sentence]
    seconds: float = 0.0

    def leftover_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for left in self.leftovers:
            counts[left.reason] = counts.get(left.reason, 0) + 1
        return counts
