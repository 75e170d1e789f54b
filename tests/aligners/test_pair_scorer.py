"""The pair scorer: bead features, the packaged model file, and how ``PageAligner`` uses it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligners.bead_features import (
    FEATURES,
    SIGNS,
    Candidate,
    Halves,
    _carry,
    _punct,
    bead_features,
    sub_beads,
)
from align.aligners.mixed import PageAligner, _grown
from align.aligners.pair_model import MODEL_PATH, PairModel, load_pair_model
from align.records import Sentence
from tests.helpers import HashEmbedder

MEANING = {
    "Hôm nay trời mưa rất to ở Hà Nội.": "rain",
    "It is raining very heavily in Hanoi today.": "rain",
    "Giá xăng đã tăng 500 đồng từ 15 giờ chiều nay.": "fuel",
    "Fuel prices rose by 500 dong from 3 pm today.": "fuel",
    "Trường học sẽ mở cửa lại vào tuần sau.": "school",
    "Schools will reopen next week.": "school",
}
PAGE = "\n\n".join(MEANING)


def test_carried_tokens_numbers_acronyms_and_names() -> None:
    # numbers match whatever the thousands separator; "President" starts the sentence
    assert _carry("Tổng thống Obama nói 1.000 người tại TED năm 2012.",
                  "President Obama said 1,000 people at TED in 2012.") == (3.0, 0.0, 1.0, 0.0)
    num_match, num_miss, _, name_miss = _carry("Có 12 người.", "There were 15 people in Lyon.")
    assert (num_match, num_miss, name_miss) == (0.0, 2.0, 1.0)


def test_punctuation_agreement() -> None:
    assert _punct("Bạn có khỏe không?", "How are you?") == (0.0, 0.0)
    assert _punct("Bạn khỏe.", "How are you?") == (1.0, 0.0)
    assert _punct("Anh ấy nói: “Đi thôi!”", "He said go.") == (0.0, 3.0)


def test_sub_beads_are_every_other_contiguous_extent() -> None:
    assert sub_beads((3, 4), (7,)) == [((3,), (7,)), ((4,), (7,))]
    assert len(sub_beads((1, 2, 3), (5,))) == 5
    assert sub_beads((1,), (2,)) == []


def test_a_bead_grows_only_by_a_free_neighbour_of_the_same_block() -> None:
    vi = [Sentence(i, 0 if i < 2 else 1, f"v{i}", "vi") for i in range(3)]
    en = [Sentence(10 + j, 2, f"e{j}", "en") for j in range(2)]
    grown = _grown(vi, en, [1], [0], used_vi={1}, used_en={0})
    # vi 0 shares block 0 with vi 1, vi 2 does not; en 1 is free and in the same block
    assert sorted(grown) == [((0, 1), (0,)), ((1,), (0, 1))]
    assert _grown(vi, en, [1], [0], used_vi={0, 1}, used_en={0, 1}) == []


def _halves(n: int = 3, seed: int = 0) -> Halves:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 16))
    xv = base + 0.05 * rng.normal(size=(n, 16))
    xe = base + 0.05 * rng.normal(size=(n, 16))
    bg = rng.normal(size=(20, 16))
    bg /= np.linalg.norm(bg, axis=1, keepdims=True)
    return Halves([f"Câu số {i}." for i in range(n)], [f"Sentence {i}." for i in range(n)],
                  xv, xe, np.ones(n), np.ones(n), [0] * n, [1] * n, bg, bg)


def test_features_are_one_finite_row_per_candidate() -> None:
    h = _halves()
    cands = [Candidate((0,), (0,), group=0), Candidate((1,), (1,), group=1),
             Candidate((1, 2), (1,), group=1), Candidate((2,), (0,), "later", 2)]
    f = bead_features(h, cands)
    assert f.shape == (4, len(FEATURES)) and np.isfinite(f).all()
    col = {name: f[:, k] for k, name in enumerate(FEATURES)}
    # a true 1-1 stands above every rival; a crossed one does not
    assert col["rival_gap"][0] > 0 > col["rival_gap"][3]
    assert col["shape"].tolist() == [0, 0, 1, 0] and col["out_of_order"].tolist() == [0, 0, 0, 1]
    assert bead_features(h, []).shape == (0, len(FEATURES))


def test_the_packaged_model_reads_and_round_trips() -> None:
    model = load_pair_model()
    assert 0.5 <= model.min_score < 1 and model.search_threshold > 0.9
    again = PairModel.from_text(model.to_text())
    rows = np.random.default_rng(1).normal(size=(50, len(FEATURES)))
    assert np.allclose(again.probability(rows), model.probability(rows))
    assert model.version == PairModel.from_text(MODEL_PATH.read_text("utf-8")).version


def test_a_broken_model_file_is_a_clear_error() -> None:
    text = MODEL_PATH.read_text("utf-8")
    with pytest.raises(ValueError, match="unknown feature 'colour'"):
        PairModel.from_text(text.replace("\tmargin\t", "\tcolour\t", 1))
    with pytest.raises(ValueError, match="line"):
        PairModel.from_text(text + "0\t1\tmargin\n")
    with pytest.raises(ValueError, match="missing"):
        PairModel.from_text("# empty\n")


@settings(max_examples=60, deadline=None)
@given(row=st.lists(st.floats(-3, 3), min_size=len(FEATURES), max_size=len(FEATURES)),
       k=st.sampled_from([n for n in FEATURES if SIGNS[n]]), step=st.floats(0.01, 2.0))
def test_evidence_only_pushes_the_way_its_sign_says(row, k, step) -> None:
    model = load_pair_model()
    # rows near the training data: mean ± a few standard deviations of each feature
    x = np.array(row) * 0.05 + np.array([1.0 if n in ("margin", "worst_part",
                                                      "neighbour_margin") else 0.0
                                         for n in FEATURES])
    moved = x.copy()
    moved[FEATURES.index(k)] += step * 0.05
    before, after = model.probability(np.stack([x, moved]))
    assert (after - before) * SIGNS[k] >= -1e-12


def test_pairs_carry_probability_and_margin_and_low_ones_become_leftovers() -> None:
    embedder = HashEmbedder(MEANING)
    kept = PageAligner(embedder).align_text(PAGE, "p")
    assert len(kept.pairs) == 3
    for p in kept.pairs:
        assert 0.0 <= p.score <= 1.0 and p.margin is not None and p.margin > 1.0
    strict = PageAligner(embedder, min_score=1.0).align_text(PAGE, "p")
    assert strict.pairs == []
    low = [left for left in strict.leftovers if left.reason == "low_score"]
    assert len(low) == 6  # both sides of the three pairs, each once


def test_without_the_scorer_the_score_is_the_margin() -> None:
    result = PageAligner(HashEmbedder(MEANING), scorer=None).align_text(PAGE, "p")
    assert result.pairs and all(p.score == p.margin for p in result.pairs)


def test_beads_from_elsewhere_are_scored_and_checked() -> None:
    aligner = PageAligner(HashEmbedder(MEANING))
    vi, en = list(MEANING)[0::2], list(MEANING)[1::2]
    right, crossed = aligner.score_beads(vi, en, [((0,), (0,)), ((0,), (2,))])
    assert right > aligner.min_score > crossed
    with pytest.raises(ValueError, match="out of range"):
        aligner.score_beads(vi, en, [((0,), (3,))])
    with pytest.raises(ValueError, match="no pair scorer"):
        PageAligner(HashEmbedder(MEANING), scorer=None).score_beads(vi, en, [])


class _PreferMerged(PairModel):
    """A stand-in scorer that trusts merged beads more than 1-1 ones."""

    def probability(self, features: np.ndarray) -> np.ndarray:
        return 0.6 + 0.3 * np.minimum(features[:, FEATURES.index("shape")], 1.0)


def test_two_beads_grown_by_one_free_sentence_do_not_share_it() -> None:
    meaning = {"Trời mưa to ở Hà Nội.": "rain", "It rains hard in Hanoi.": "rain",
               "Giá xăng tăng mạnh.": "fuel", "Fuel prices rose sharply.": "fuel",
               "Một câu không ai dịch.": "alone"}
    # one Vietnamese block: rain, the untranslated sentence, fuel; one English block
    page = ("Trời mưa to ở Hà Nội. Một câu không ai dịch. Giá xăng tăng mạnh.\n\n"
            "It rains hard in Hanoi. Fuel prices rose sharply.")
    empty = np.zeros((1, 1))
    scorer = _PreferMerged(empty.astype(np.int64) - 1, empty, empty.astype(np.int64),
                           empty.astype(np.int64), empty, 0.0, 0.5, 1.015)
    result = PageAligner(HashEmbedder(meaning), scorer=scorer).align_text(page, "p")
    ids = [s.index for p in result.pairs for s in (*p.vi, *p.en)]
    assert len(ids) == len(set(ids)) and len(result.pairs) == 2
    # the loser of the shared sentence falls back to its own 1-1 bead
    assert sorted(p.bead for p in result.pairs) == ["1-1", "2-1"]
