"""The rows every command writes: one schema per row kind, built from alignment results.

A ``PairRow`` is one aligned bead (``align mixed``, ``align corpus``, ``align parallel``); a
``LeftoverRow`` is one piece of a page that is not part of a pair, with its reason. Commands
choose which columns of a row they write (``PAIR_COLUMNS``, ``CORPUS_COLUMNS``, …); every output
format (``formats.py``) encodes the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from align.eval.beads import Bead
from align.records import PageAlignment, Reason
from align.text.normalize import one_line

#: Columns of each row kind, in the order TSV writes them. ``src``/``tgt`` are named by the
#: languages of the run (``vi``/``en`` unless ``align parallel`` is told otherwise).
PAIR_COLUMNS = ("src", "tgt", "score", "margin", "bead", "src_ids", "tgt_ids", "page")
CORPUS_COLUMNS = ("src", "tgt", "score", "margin", "page")
BEAD_PAIR_COLUMNS = ("src", "tgt", "score")
LEFTOVER_COLUMNS = ("page", "lang", "reason", "block", "ids", "duplicate_of", "text")


@dataclass(frozen=True)
class PairRow:
    """One pair: the two texts (one line each), its score (``align mixed``/``corpus``: the
    probability that it is a translation), its ratio margin, bead shape, sentence ids, page."""

    src: str
    tgt: str
    score: float
    bead: str
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    page: str
    margin: float | None = None


@dataclass(frozen=True)
class LeftoverRow:
    """One leftover; ``block``/``ids`` are None or empty for a page that could not be read."""

    page: str
    lang: str
    reason: Reason
    block: int | None
    ids: tuple[int, ...]
    duplicate_of: int | None
    text: str


def pair_rows(result: PageAlignment, page: str | None = None) -> Iterator[PairRow]:
    """The pairs of one aligned page (``page`` overrides the name the result carries)."""
    name = one_line(result.page if page is None else page)
    for p in result.pairs:
        yield PairRow(one_line(p.vi_text), one_line(p.en_text), p.score, p.bead,
                      tuple(s.index for s in p.vi), tuple(s.index for s in p.en), name, p.margin)


def leftover_rows(result: PageAlignment, page: str | None = None) -> Iterator[LeftoverRow]:
    """The leftovers of one aligned page."""
    name = one_line(result.page if page is None else page)
    for left in result.leftovers:
        yield LeftoverRow(name, left.lang, Reason(left.reason), left.block,
                          tuple(left.sentences), left.duplicate_of, one_line(left.text))


def unreadable_row(page: str, message: str) -> LeftoverRow:
    """The leftover row that reports a page that could not be read at all."""
    return LeftoverRow(one_line(page), "", Reason.UNREADABLE, None, (), None, one_line(message))


def bead_rows(src: list[str], tgt: list[str], beads: Iterable[Bead],
              page: str = "") -> Iterator[PairRow]:
    """The pairs of a two-document alignment: beads with sentences on both sides."""
    for b in beads:
        if b.src and b.tgt:
            yield PairRow(one_line(" ".join(src[i] for i in b.src)),
                          one_line(" ".join(tgt[j] for j in b.tgt)),
                          b.score if b.score is not None else 0.0, b.kind,
                          b.src, b.tgt, one_line(page))
