"""Invariants of ``align mixed`` on random pages (stand-in embedder, so they run fast)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from align.mixed import PageAligner
from align.records import EN, VI
from align.writers import LEFTOVER_COLUMNS, PAIR_COLUMNS, RowWriter, leftover_rows, pair_rows
from tests.conftest import HashEmbedder

VI_POOL = [
    "Hôm nay trời mưa rất to ở Hà Nội.",
    "Giá xăng đã tăng ba lần trong tháng này.",
    "Các em học sinh được nghỉ học vì bão.",
    "Đội tuyển Việt Nam thắng 2-0 trong trận chung kết.",
    "Bác sĩ khuyên người dân nên rửa tay thường xuyên.",
    "Thành phố sẽ xây thêm hai cây cầu mới bắc qua sông.",
]
EN_POOL = [
    "It is raining very heavily in Hanoi today.",
    "Petrol prices have risen three times this month.",
    "Pupils were given a day off school because of the storm.",
    "Vietnam's team won the final 2-0.",
    "Doctors advise people to wash their hands often.",
    "The city will build two new bridges across the river.",
]
NOISE = ["Bùi Đức |", "TIN LIÊN QUAN", "Related news", "24/7/2014", "https://example.com/a",
         "Bonjour tout le monde, comment allez-vous aujourd'hui?", "\u200b", "   ", "12345",
         'Quote "inside"\tand a tab']
MEANING = {t: f"m{i}" for pool in (VI_POOL, EN_POOL) for i, t in enumerate(pool)}

line = st.one_of(st.sampled_from(VI_POOL), st.sampled_from(EN_POOL), st.sampled_from(NOISE),
                 st.text(max_size=40))


def check_page_invariants(result) -> None:
    """Every sentence in exactly one pair or leftover, pairs are vi/en and not identical,
    set-aside blocks reported, and the TSV written parses back to the same rows."""
    in_pairs = [s.index for p in result.pairs for s in (*p.vi, *p.en)]
    in_left = [i for left in result.leftovers for i in left.sentences]
    assert sorted(in_pairs + in_left) == [s.index for s in result.sentences]
    for p in result.pairs:
        assert all(s.lang == VI for s in p.vi) and all(s.lang == EN for s in p.en)
        assert p.vi_text != p.en_text
    blocks_left = [left.block for left in result.leftovers if not left.sentences]
    content = {s.block for s in result.sentences}
    set_aside = [b.index for b in result.blocks if b.index not in content]
    assert sorted(blocks_left) == set_aside
    # TSV round trip: header + one line per row, same cells back
    for rows, cols in ((list(pair_rows(result)), PAIR_COLUMNS),
                       (list(leftover_rows(result)), LEFTOVER_COLUMNS)):
        buf = io.StringIO()
        RowWriter(buf, cols).write(rows)
        lines_out = buf.getvalue().split("\n")
        assert lines_out[-1] == "" and len(lines_out) == len(rows) + 2
        parsed = [dict(zip(cols, ln.split("\t"), strict=False)) for ln in lines_out[1:-1]]
        assert all(len(ln.split("\t")) == len(cols) for ln in lines_out[1:-1])
        assert parsed == [{c: r[c] for c in cols} for r in rows]


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
    from align.mixed import _gaps

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
    strict = PageAligner(HashEmbedder(meaning), gap_relax=0.0).align_text(page, "p")
    loose = PageAligner(HashEmbedder(meaning), gap_relax=2.0).align_text(page, "p")
    anchors = {(VI_POOL[0], EN_POOL[0]), (VI_POOL[1], EN_POOL[1])}
    assert {(p.vi_text, p.en_text) for p in strict.pairs} == anchors
    # with a threshold low enough to pair anything, only the sandwiched pair is added
    assert {(p.vi_text, p.en_text) for p in loose.pairs} == anchors | {
        (VI_POOL[4], "Nothing to do with it.")}
