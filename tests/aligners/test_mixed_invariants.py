"""Invariants of ``align mixed`` on random pages (stand-in embedder, so they run fast)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligners.mixed import PageAligner
from tests.helpers import EN_POOL, MEANING, NOISE, VI_POOL, HashEmbedder, check_page_invariants

line = st.one_of(st.sampled_from(VI_POOL), st.sampled_from(EN_POOL), st.sampled_from(NOISE),
                 st.text(max_size=40))



@settings(max_examples=120, deadline=None)
@given(st.lists(line, max_size=25), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_every_sentence_is_accounted_for_exactly_once(lines: list[str], sep: str) -> None:
    aligner = PageAligner(HashEmbedder(MEANING))
    result = aligner.align_text(sep.join(lines), "p")
    check_page_invariants(result)


def test_translations_pair_and_the_rest_is_flagged() -> None:
    page = "\n\n".join([VI_POOL[0], VI_POOL[1], "Bùi Đức |", VI_POOL[2], EN_POOL[0], EN_POOL[2],
                        EN_POOL[5], VI_POOL[0]])
    result = PageAligner(HashEmbedder(MEANING)).align_text(page, "p")
    assert {(p.vi_text, p.en_text) for p in result.pairs} == {
        (VI_POOL[0], EN_POOL[0]), (VI_POOL[2], EN_POOL[2])}
    reasons = {(left.reason, left.text) for left in result.leftovers}
    assert ("untranslated", VI_POOL[1]) in reasons
    assert ("untranslated", EN_POOL[5]) in reasons
    assert ("boilerplate", "Bùi Đức |") in reasons
    assert ("duplicate", VI_POOL[0]) in reasons


def test_gaps_lie_between_pairs_of_the_first_pass() -> None:
    from align.aligners.mixed import _gaps

    # pairs (vi positions, en positions, _): 1↔1 and 4↔5; streams of 7 vi and 8 en sentences
    found = [([1], [1], None), ([4], [5], None)]
    assert _gaps(found, 7, 8, edges=False) == [([2, 3], [2, 3, 4])]
    assert _gaps(found, 7, 8, edges=True) == [([0], [0]), ([2, 3], [2, 3, 4]),
                                               ([5, 6], [6, 7])]
    assert _gaps([([0, 1], [0], None), ([2], [1], None)], 3, 2, edges=False) == []


def test_a_relaxed_threshold_only_pairs_sentences_sandwiched_between_pairs() -> None:
    # unrelated sentences: before the first pair, between the two pairs, after the last
    page = "\n\n".join([VI_POOL[3], VI_POOL[0], VI_POOL[4], VI_POOL[1], VI_POOL[5],
                        "Something else happened here.", EN_POOL[0], "Nothing to do with it.",
                        EN_POOL[1], "Nor this one either."])
    meaning = {**MEANING, "Something else happened here.": "x1", "Nothing to do with it.": "x2",
               "Nor this one either.": "x3"}
    strict = PageAligner(HashEmbedder(meaning), gap_relax=0.0, scorer=None).align_text(page, "p")
    loose = PageAligner(HashEmbedder(meaning), gap_relax=2.0, scorer=None).align_text(page, "p")
    anchors = {(VI_POOL[0], EN_POOL[0]), (VI_POOL[1], EN_POOL[1])}
    assert {(p.vi_text, p.en_text) for p in strict.pairs} == anchors
    # with a threshold low enough to pair anything, only the sandwiched pair is added
    assert {(p.vi_text, p.en_text) for p in loose.pairs} == anchors | {
        (VI_POOL[4], "Nothing to do with it.")}
