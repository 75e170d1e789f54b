"""Strict and lax bead precision/recall/F1, the metric of Vecalign ``score.py``.

Bertalign's ``eval.py`` computes the same numbers; /work/shared/data/README.md states the
definition. Per document, gold and test beads become sets (beads empty on both sides dropped):

* precision runs over test beads, null beads included: a strict hit equals a gold bead, a lax
  hit shares a sentence link with a gold bead (some source and some target sentence of the test
  bead sit in one gold bead); a null test bead can only hit by equalling a gold null bead;
* recall runs over gold beads with every null bead removed from both sides: a strict hit is in
  the test set, a lax hit shares a link with some test bead.

Counts are summed over documents before P/R/F1 (micro average). Like Vecalign, bead sides are
compared as given: ``[1, 0]:[2]`` is not strictly equal to ``[0, 1]:[2]``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass
from typing import ClassVar

from align.eval.beads import Bead

_Link = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class BeadCounts:
    """Hit counts behind a score; lax hits include strict hits."""

    test: int = 0  # test beads scored for precision
    test_strict: int = 0
    test_lax: int = 0
    gold: int = 0  # non-null gold beads scored for recall
    gold_strict: int = 0
    gold_lax: int = 0

    def __add__(self, other: BeadCounts) -> BeadCounts:
        return BeadCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class BeadScore:
    """Strict and lax precision, recall and F1 over a set of documents."""

    strict_p: float
    strict_r: float
    strict_f1: float
    lax_p: float
    lax_r: float
    lax_f1: float
    counts: BeadCounts
    n_docs: int
    unit: ClassVar[str] = "beads"  # what the counts count, for ``__str__``

    @classmethod
    def from_counts(cls, counts: BeadCounts, n_docs: int) -> BeadScore:
        """P/R/F1 from summed counts (0 where a denominator is 0; 1 when nothing was expected
        and nothing produced, which is perfect)."""
        if n_docs and counts.test == 0 and counts.gold == 0:
            return cls(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, counts, n_docs)
        sp, sr = _ratio(counts.test_strict, counts.test), _ratio(counts.gold_strict, counts.gold)
        lp, lr = _ratio(counts.test_lax, counts.test), _ratio(counts.gold_lax, counts.gold)
        return cls(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr), counts, n_docs)

    def as_dict(self) -> dict[str, float | int]:
        """Flat dict: the six scores as floats, then the counts and ``n_docs`` as ints."""
        out: dict[str, float | int] = {
            k: getattr(self, k)
            for k in ("strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1")
        }
        out.update(asdict(self.counts))
        out["n_docs"] = self.n_docs
        return out

    def __str__(self) -> str:
        c = self.counts
        if self.n_docs and c.test == 0 and c.gold == 0:
            return f"none expected, none produced (perfect), {self.n_docs} docs"
        return (
            f"strict P={self.strict_p:.4f} R={self.strict_r:.4f} F1={self.strict_f1:.4f} | "
            f"lax P={self.lax_p:.4f} R={self.lax_r:.4f} F1={self.lax_f1:.4f} | "
            f"{c.test} test / {c.gold} gold {self.unit}, {self.n_docs} docs"
        )


def _hits(gold: set[_Link], test: set[_Link]) -> tuple[int, int]:
    """(strict, lax) hits of ``test`` beads against ``gold`` beads; lax counts strict too."""
    linked: dict[int, set[int]] = defaultdict(set)  # src sentence -> tgt sentences of its beads
    for g_src, g_tgt in gold:
        for s in g_src:
            linked[s].update(g_tgt)
    strict = lax = 0
    for t_src, t_tgt in test:
        if (t_src, t_tgt) in gold:
            strict += 1
            lax += 1
        elif any(not linked.get(s, set()).isdisjoint(t_tgt) for s in t_src):
            lax += 1
    return strict, lax


def _as_set(beads: Iterable[Bead]) -> set[_Link]:
    return {(b.src, b.tgt) for b in beads if b.src or b.tgt}


def document_counts(gold: Iterable[Bead], test: Iterable[Bead]) -> BeadCounts:
    """Precision and recall counts for one document."""
    g, t = _as_set(gold), _as_set(test)
    p_strict, p_lax = _hits(g, t)
    g_full = {b for b in g if b[0] and b[1]}
    t_full = {b for b in t if b[0] and b[1]}
    r_strict, r_lax = _hits(t_full, g_full)
    return BeadCounts(len(t), p_strict, p_lax, len(g_full), r_strict, r_lax)


def score_documents(pairs: Iterable[tuple[list[Bead], list[Bead]]]) -> BeadScore:
    """Score ``(gold, test)`` bead lists, one pair per document, micro-averaged."""
    total, n = BeadCounts(), 0
    for gold, test in pairs:
        total += document_counts(gold, test)
        n += 1
    return BeadScore.from_counts(total, n)


def score_beads(gold: list[Bead], test: list[Bead]) -> BeadScore:
    """Score a single document."""
    return score_documents([(gold, test)])
