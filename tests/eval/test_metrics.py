"""Strict/lax bead P/R/F1 (Vecalign score.py semantics): hand-computed cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.eval.beads import Bead, parse_beads
from align.eval.metrics import BeadCounts, BeadScore, document_counts, score_beads, score_documents


def beads(text: str) -> list[Bead]:
    return parse_beads(text.replace(";", "\n"))


def test_hand_computed_mixed_document() -> None:
    gold = beads("[0]:[0]; [1, 2]:[1]; [3]:[]; []:[2]; [4]:[3]")
    test = beads("[0]:[0]; [1]:[1]; [2]:[]; []:[2]; [4]:[4]; [3]:[3]")
    # precision over 6 test beads: strict [0]:[0] and the null []:[2] (exact gold null);
    # lax adds [1]:[1] (1 and 1 sit in gold [1, 2]:[1]); [2]:[] is a null bead not in gold;
    # [3]:[3] misses because gold [3]:[] has no link and 3 is a target of a different bead.
    # recall over the 3 non-null gold beads: [0]:[0] strict, [1, 2]:[1] lax via [1]:[1],
    # [4]:[3] missed ([4]:[4] links 4 to 4, not 3).
    assert document_counts(gold, test) == BeadCounts(6, 2, 3, 3, 1, 2)
    s = score_beads(gold, test)
    assert (s.strict_p, s.strict_r, s.strict_f1) == pytest.approx((2 / 6, 1 / 3, 1 / 3))
    assert (s.lax_p, s.lax_r) == pytest.approx((3 / 6, 2 / 3))
    assert s.lax_f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_two_to_one_gold_gives_lax_only_hits() -> None:
    gold = beads("[0, 1]:[0]; [2]:[1, 2]")
    test = beads("[0]:[0]; [1]:[]; [2]:[1]; []:[2]")
    # precision: [0]:[0] and [2]:[1] are lax hits, the two null beads are misses
    # recall: both gold beads are lax hits, none strict
    assert document_counts(gold, test) == BeadCounts(4, 0, 2, 2, 0, 2)
    s = score_beads(gold, test)
    assert s.strict_f1 == 0.0
    assert (s.lax_p, s.lax_r) == pytest.approx((0.5, 1.0))


def test_lax_needs_one_gold_bead_holding_both_sentences() -> None:
    gold = beads("[0]:[0]; [1]:[1]")
    # [0]:[1] touches gold sources and gold targets, but of two different beads: a miss
    assert document_counts(gold, beads("[0]:[1]")) == BeadCounts(1, 0, 0, 2, 0, 0)
    # [0, 1]:[0, 1] shares links with both gold beads: lax hit for it and for both gold beads
    assert document_counts(gold, beads("[0, 1]:[0, 1]")) == BeadCounts(1, 0, 1, 2, 0, 2)


def test_null_beads_only_match_exactly() -> None:
    gold = beads("[0]:[]; []:[0]; [1]:[1]")
    test = beads("[0]:[]; []:[1]; [1]:[1]")
    # []:[1] shares sentence 1 with gold [1]:[1] but a null bead has no link: miss
    assert document_counts(gold, test) == BeadCounts(3, 2, 2, 1, 1, 1)
    # null gold beads never enter recall; a null-only gold gives a zero recall denominator
    s = score_beads(beads("[0]:[]"), beads("[0]:[]"))
    assert (s.strict_p, s.strict_r, s.strict_f1) == (1.0, 0.0, 0.0)


def test_sets_duplicates_and_empty_beads() -> None:
    gold = beads("[0]:[0]; [0]:[0]; []:[]")
    test = beads("[0]:[0]:0.9; [0]:[0]:0.1; []:[]")
    assert document_counts(gold, test) == BeadCounts(1, 1, 1, 1, 1, 1)


def test_order_inside_a_bead_matters_like_score_py() -> None:
    assert document_counts(beads("[0, 1]:[0]"), beads("[1, 0]:[0]")) == BeadCounts(1, 0, 1, 1, 0, 1)


def test_micro_average_over_documents() -> None:
    doc1 = (beads("[0]:[0]"), beads("[0]:[0]"))
    doc2 = (beads("[0]:[0]; [1]:[1]; [2]:[2]"), beads("[0]:[1]; [1]:[2]; [2]:[0]"))
    s = score_documents([doc1, doc2])
    assert s.n_docs == 2
    assert s.counts == BeadCounts(4, 1, 1, 4, 1, 1)
    assert s.strict_p == s.strict_r == s.strict_f1 == 0.25  # macro would give 0.5


def test_empty_input_and_zero_denominators() -> None:
    s = score_documents([])
    assert s.n_docs == 0 and s.as_dict()["strict_f1"] == 0.0 and s.lax_p == 0.0
    s = score_beads(beads("[0]:[0]"), [])
    assert (s.strict_p, s.strict_r, s.lax_r) == (0.0, 0.0, 0.0)


def test_as_dict_and_str() -> None:
    s = score_beads(beads("[0]:[0]; [1]:[1]"), beads("[0]:[0]; [1]:[2]"))
    d = s.as_dict()
    assert list(d)[:6] == ["strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1"]
    assert all(isinstance(d[k], float) for k in list(d)[:6])
    assert d["test"] == 2 and d["gold_strict"] == 1 and d["n_docs"] == 1
    assert all(isinstance(v, int) for k, v in d.items() if k not in list(d)[:6])
    line = str(s)
    assert "\n" not in line and "strict P=0.5000" in line and "2 test / 2 gold beads" in line
    assert BeadScore.from_counts(s.counts, 1) == s


# --- properties ------------------------------------------------------------------------------

_side = st.lists(st.integers(0, 6), max_size=3, unique=True).map(tuple)
_beads = st.lists(st.builds(Bead, _side, _side), max_size=8)


def _reference(gold: list[Bead], test: list[Bead]) -> BeadCounts:
    """The README definition, written out naively."""
    g = {(b.src, b.tgt) for b in gold if b.src or b.tgt}
    t = {(b.src, b.tgt) for b in test if b.src or b.tgt}

    def links(b, pool) -> bool:
        return any(set(b[0]) & set(o[0]) and set(b[1]) & set(o[1]) for o in pool)

    gf = {b for b in g if b[0] and b[1]}
    tf = {b for b in t if b[0] and b[1]}
    return BeadCounts(
        len(t), sum(b in g for b in t), sum(b in g or links(b, g) for b in t),
        len(gf), sum(b in tf for b in gf), sum(b in tf or links(b, tf) for b in gf),
    )


@given(_beads, _beads)
def test_matches_naive_reference(gold: list[Bead], test: list[Bead]) -> None:
    assert document_counts(gold, test) == _reference(gold, test)


@given(_beads)
def test_self_score_is_perfect(bs: list[Bead]) -> None:
    s = score_beads(bs, bs)
    if any(b.src and b.tgt for b in bs):
        assert s.strict_p == s.strict_r == s.strict_f1 == 1.0
        assert s.lax_p == s.lax_r == s.lax_f1 == 1.0


@given(st.lists(st.tuples(_beads, _beads), max_size=4))
def test_strict_never_exceeds_lax(docs: list[tuple[list[Bead], list[Bead]]]) -> None:
    s = score_documents(docs)
    c = s.counts
    assert c.test_strict <= c.test_lax <= c.test and c.gold_strict <= c.gold_lax <= c.gold
    assert s.strict_p <= s.lax_p and s.strict_r <= s.lax_r and s.strict_f1 <= s.lax_f1 + 1e-12
