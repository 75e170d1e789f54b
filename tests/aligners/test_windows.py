"""Real window embeddings where the cheap pass is unsure (``--quality best``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from align.aligners.dp import Step
from align.aligners.parallel import SECOND_PARAMS, DocAligner
from align.aligners.sequence import band_around
from align.aligners.similarity import normalize_rows, window_vectors
from align.aligners.windows import (
    RefineParams,
    mixed_windows,
    unsure_spans,
    window_requests,
    window_starts,
)
from tests.helpers import HashEmbedder


def _one_one(k: int, gain: float = 2.0) -> Step:
    return Step(k, k + 1, k, k + 1, gain)


def test_unsure_spans_cover_weak_merged_and_skipped_beads_with_context() -> None:
    steps = [_one_one(k) for k in range(4)]
    steps += [Step(4, 6, 4, 5, 1.0)]                     # a 2-1 bead
    steps += [Step(6, 7, 5, 6, 2.0), Step(7, 8, 6, 7, 2.0), Step(8, 9, 7, 8, 2.0)]
    steps += [Step(9, 10, 8, 8, -0.05)]                  # a skipped source sentence
    steps += [Step(10, 11, 8, 9, 2.0), Step(11, 12, 9, 10, 0.1)]  # a weak 1-1 at the end
    spans = unsure_spans(steps, RefineParams(min_gain=0.5, context=1))
    assert [(s.i0, s.i1, s.j0, s.j1) for s in spans] == [(3, 7, 3, 6), (8, 12, 7, 10)]
    assert unsure_spans([_one_one(k) for k in range(5)], RefineParams(min_gain=0.5)) == []


def test_touching_spans_become_one() -> None:
    steps = [_one_one(0), Step(1, 2, 1, 1, -0.05), Step(2, 3, 1, 2, 2.0), Step(3, 4, 2, 3, 0.1)]
    spans = unsure_spans(steps, RefineParams(min_gain=0.5, context=1))
    assert [(s.i0, s.i1, s.j0, s.j1) for s in spans] == [(0, 4, 0, 3)]


def test_only_windows_inside_spans_are_requested() -> None:
    assert window_starts(10, 2, [(0, 3), (6, 10)]).tolist() == [0, 1, 6, 7, 8]
    assert window_starts(10, 4, [(0, 3)]).tolist() == []
    sents = [f"s{i}" for i in range(6)]
    reqs = window_requests(sents, (2, 3), [(1, 4)])
    assert [(r.size, r.starts.tolist(), r.texts) for r in reqs] == [
        (2, [1, 2], ["s1 s2", "s2 s3"]), (3, [1], ["s1 s2 s3"])]
    every = window_requests(sents, (2, 3, 4), None)
    assert [len(r.texts) for r in every] == [5, 4, 3]


def test_mixed_windows_put_real_vectors_only_where_requested() -> None:
    rng = np.random.default_rng(0)
    emb = normalize_rows(rng.standard_normal((6, 8)).astype(np.float32))
    weights = np.ones(6, dtype=np.float32)
    reqs = window_requests([f"s{i}" for i in range(6)], (2,), [(2, 5)])
    real = normalize_rows(rng.standard_normal((len(reqs[0].texts), 8)).astype(np.float32))
    wins = mixed_windows(emb, weights, reqs, [real])
    mean = window_vectors(emb, weights, 2)
    assert np.allclose(wins[2][[2, 3]], real)
    assert np.allclose(wins[2][[0, 1, 4]], mean[[0, 1, 4]])


def _doc_with_merge(units: int, merge_at: set[int]):
    """Source/target sentences of ``units`` translations; at each unit in ``merge_at`` two
    source sentences translate one target sentence only *together* (their mean vector does
    not match it, the embedding of their joined text does)."""
    meaning: dict[str, str] = {}
    src, tgt, gold = [], [], []
    for k in range(units):
        if k in merge_at:
            a, b, t = f"quelle {k} erster teil", f"quelle {k} zweiter teil", f"cible {k}"
            meaning[f"{a} {b}"] = meaning[t] = f"m{k}"
            gold.append(((len(src), len(src) + 1), (len(tgt),)))
            src += [a, b]
            tgt.append(t)
        else:
            s, t = f"quelle {k}", f"cible {k}"
            meaning[s] = meaning[t] = f"m{k}"
            gold.append(((len(src),), (len(tgt),)))
            src.append(s)
            tgt.append(t)
    return src, tgt, gold, meaning


class _Counting(HashEmbedder):
    """The stand-in embedder, counting the texts it is asked to embed."""

    def __init__(self, meaning: dict[str, str]) -> None:
        super().__init__(meaning)
        self.texts = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return super().encode(texts)


def _found(beads) -> set:
    return {(b.src, b.tgt) for b in beads if b.src and b.tgt}


def test_real_windows_find_a_merge_the_cheap_pass_cannot_see() -> None:
    src, tgt, gold, meaning = _doc_with_merge(30, {10, 20})
    merged = {g for g in gold if len(g[0]) == 2}
    # the stand-in's halves are unrelated to the target on their own, which the default
    # second pass charges for: switch that charge off to see the windows alone
    second = replace(SECOND_PARAMS, component_weight=0.0)
    found = {q: _found(DocAligner(HashEmbedder(meaning), quality=q, second_params=second)
                       .align(src, tgt)) for q in ("fast", "best")}
    fast, best = found["fast"], found["best"]
    assert not merged & fast
    assert merged <= best
    assert len(best & set(gold)) >= len(gold) - 2


def test_best_quality_embeds_a_fraction_of_the_windows() -> None:
    src, tgt, _, meaning = _doc_with_merge(60, {10, 30, 50})
    counts = {}
    every = RefineParams(sizes=(2, 3, 4), everywhere=True)
    for quality in ("fast", "best", every):
        emb = _Counting(meaning)
        aligner = DocAligner(emb, quality=quality)
        aligner.align(src, tgt)
        counts[str(quality)[:7]] = emb.texts - 80  # the background pool is embedded once
    n = len(src) + len(tgt)
    assert counts["fast"] == n
    assert counts["RefineP"] == n + 3 * n - 2 * 6  # windows of 2, 3 and 4 on both sides
    assert counts["fast"] < counts["best"] < 2 * n


def test_work_of_the_second_pass_grows_linearly(monkeypatch) -> None:
    """Counted, not timed: texts embedded and DP cells per sentence stay flat with length."""
    import align.aligners.parallel as parallel

    cells: list[int] = []

    def counting_band(steps, n, m, width):
        band = band_around(steps, n, m, width)
        cells.append(band.cells())
        return band

    monkeypatch.setattr(parallel, "band_around", counting_band)
    per_sentence = []
    for units in (100, 800):
        src, tgt, _, meaning = _doc_with_merge(units, set(range(7, units, 25)))
        emb = _Counting(meaning)
        DocAligner(emb, quality="best").align(src, tgt)
        n = len(src) + len(tgt)
        per_sentence.append(((emb.texts - 80) / n, cells[-1] / len(src)))
    (t1, c1), (t2, c2) = per_sentence
    assert t2 <= t1 * 1.3
    assert c2 <= c1 * 1.1 and c2 <= 14  # about 2·5 + 2 cells a row
