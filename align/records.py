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


@dataclass(frozen=True)
class Run:
    """A stretch of one language inside a block: ``text[start:end]`` of the block's text.

    A line holding both languages (a subtitle cue and its translation, a table row, a
    bracketed translation) is read as several runs; most blocks are one run.
    """

    start: int
    end: int
    text: str
    lang: str


@dataclass
class Block:
    """One paragraph-like unit of a page (a non-empty line or joined wrapped lines).

    ``kind`` is ``content`` for text to align, otherwise the leftover reason that sets it aside.
    ``runs``: the language runs of a content block whose sentences are read run by run (empty:
    the whole block is one run in ``lang``).
    """

    index: int
    text: str
    lang: str = NEUTRAL
    kind: str = "content"
    duplicate_of: int | None = None
    runs: list[Run] = field(default_factory=list)


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
    #: how sure the aligner is: with the pair scorer, the probability that this is a
    #: translation with exactly this extent; without it, the ratio margin
    score: float
    #: the bead's ratio margin (cosine over the mean similarity to nearest neighbours)
    margin: float | None = None

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
