"""Pair and leftover scores: strict/lax P/R/F1 of pairs, P/R/F1 of leftovers (micro average).

* pairs, strict: the predicted (vi, en) equals a gold (vi, en); lax: they overlap on both sides;
* leftovers (``untranslated`` rows by default): a predicted row is a hit when each of its
  sentences lies inside some gold leftover of the same language; a gold text is recalled when
  each of its sentences lies inside some predicted row of the same language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass, field

from align.eval.matching import MatchText, page_grouper
from align.eval.metrics import BeadCounts, BeadScore
from align.eval.tables import LeftoverText, PairText
from align.records import Reason


class PairScore(BeadScore):
    """Strict/lax P/R/F1 of predicted pairs (``counts.test`` = predicted rows)."""

    unit = "pairs"


def pair_counts(gold: list[PairText], pred: list[PairText]) -> BeadCounts:
    """Strict and lax hit counts of one file's predicted pairs against its gold pairs."""
    page_of = page_grouper(gold, pred)
    Row = tuple[str, str, MatchText, MatchText]
    prepared: dict[str, list[list[Row]]] = defaultdict(lambda: [[], []])
    for side, rows in enumerate((gold, pred)):
        for r in rows:
            vi, en = MatchText.of(r.vi), MatchText.of(r.en)
            prepared[page_of(r)][side].append((vi.norm, en.norm, vi, en))

    def hits(rows: list, others: list) -> tuple[int, int]:
        keys = {(o[0], o[1]) for o in others}
        strict = lax = 0
        for r in rows:
            if (r[0], r[1]) in keys:
                strict += 1
                lax += 1
            elif any(r[2].overlaps(o[2]) and r[3].overlaps(o[3]) for o in others):
                lax += 1
        return strict, lax

    total = BeadCounts()
    for g, p in prepared.values():
        ps, pl = hits(p, g)
        gs, gl = hits(g, p)
        total += BeadCounts(len(p), ps, pl, len(g), gs, gl)
    return total


def score_pairs(docs: Iterable[tuple[list[PairText], list[PairText]]]) -> PairScore:
    """Score ``(gold, predicted)`` pair lists, one per file, micro-averaged."""
    total, n = BeadCounts(), 0
    for gold, pred in docs:
        total += pair_counts(gold, pred)
        n += 1
    return PairScore.from_counts(total, n)


@dataclass(frozen=True)
class LeftoverCounts:
    """Predicted rows inside the gold leftovers, and gold texts covered by predicted rows."""

    pred: int = 0
    pred_hits: int = 0
    gold: int = 0
    gold_hits: int = 0

    def __add__(self, other: LeftoverCounts) -> LeftoverCounts:
        return LeftoverCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class LeftoverScore:
    """Precision, recall and F1 of the leftovers with the chosen reasons."""

    p: float
    r: float
    f1: float
    counts: LeftoverCounts
    n_docs: int
    reasons: tuple[str, ...] = field(default=(Reason.UNTRANSLATED,))

    @classmethod
    def from_counts(cls, counts: LeftoverCounts, n_docs: int,
                    reasons: Iterable[str] = (Reason.UNTRANSLATED,)) -> LeftoverScore:
        if n_docs and counts.pred == 0 and counts.gold == 0:  # none expected, none produced
            return cls(1.0, 1.0, 1.0, counts, n_docs, tuple(reasons))
        p = counts.pred_hits / counts.pred if counts.pred else 0.0
        r = counts.gold_hits / counts.gold if counts.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f1, counts, n_docs, tuple(reasons))

    def as_dict(self) -> dict[str, float | int | list[str]]:
        """Flat dict: ``p``, ``r``, ``f1`` floats, the counts, ``n_docs`` and ``reasons``."""
        return {"p": self.p, "r": self.r, "f1": self.f1, **asdict(self.counts),
                "n_docs": self.n_docs, "reasons": list(self.reasons)}

    def __str__(self) -> str:
        c = self.counts
        if self.n_docs and c.pred == 0 and c.gold == 0:
            return (f"leftovers ({','.join(self.reasons)}): none expected, none produced "
                    f"(perfect), {self.n_docs} docs")
        return (f"leftovers ({','.join(self.reasons)}): P={self.p:.4f} R={self.r:.4f} "
                f"F1={self.f1:.4f} | {c.pred} predicted / {c.gold} gold rows, {self.n_docs} docs")


def leftover_counts(gold: list[LeftoverText], pred: list[LeftoverText],
                    reasons: Iterable[str] = (Reason.UNTRANSLATED,)) -> LeftoverCounts:
    """Hit counts of one file's leftovers; rows with other reasons or no words are ignored."""
    wanted = set(reasons)
    gold = [r for r in gold if r.reason in wanted]
    pred = [r for r in pred if r.reason in wanted]
    page_of = page_grouper(gold, pred)
    groups: dict[tuple[str, str], list[list[MatchText]]] = defaultdict(lambda: [[], []])
    for side, rows in enumerate((gold, pred)):
        for r in rows:
            t = MatchText.of(r.text)
            if t.piece_words:
                groups[page_of(r), r.lang.strip().lower()][side].append(t)
    total = LeftoverCounts()
    for g, p in groups.values():
        total += LeftoverCounts(len(p), sum(t.inside(g) for t in p),
                                len(g), sum(t.inside(p) for t in g))
    return total


def score_leftovers(docs: Iterable[tuple[list[LeftoverText], list[LeftoverText]]],
                    reasons: Iterable[str] = (Reason.UNTRANSLATED,)) -> LeftoverScore:
    """Score ``(gold, predicted)`` leftover lists, one per file, micro-averaged."""
    reasons = tuple(reasons)
    total, n = LeftoverCounts(), 0
    for gold, pred in docs:
        total += leftover_counts(gold, pred, reasons)
        n += 1
    return LeftoverScore.from_counts(total, n, reasons)
