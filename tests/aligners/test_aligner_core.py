"""The DP core and the sequence aligner on embeddings whose true alignment is known."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligners.dp import best_path
from align.aligners.sequence import AlignParams, Side, align_sides
from align.aligners.similarity import Band, knn_mean, normalize_rows, window_vectors


def _unit(rng, n, d=48):
    return normalize_rows(rng.standard_normal((n, d)).astype(np.float32))


def _make(rng, n_units: int, drop: float = 0.15, merge: float = 0.1):
    """Source/target sentence vectors and the gold beads that produced them."""
    meanings = _unit(rng, 2 * n_units)
    src, tgt, gold = [], [], []
    k = 0
    for _ in range(n_units):
        r = rng.random()
        noise = lambda: 0.06 * rng.standard_normal(meanings.shape[1])  # noqa: E731
        if r < drop / 2:
            gold.append(((len(src),), ()))
            src.append(meanings[k] + noise())
        elif r < drop:
            gold.append(((), (len(tgt),)))
            tgt.append(meanings[k] + noise())
        elif r < drop + merge:
            a, b = meanings[k], meanings[k + 1]
            k += 1
            gold.append(((len(src), len(src) + 1), (len(tgt),)))
            src += [a + noise(), b + noise()]
            tgt.append(a + b + noise())
        else:
            gold.append(((len(src),), (len(tgt),)))
            src.append(meanings[k] + noise())
            tgt.append(meanings[k] + noise())
        k += 1
    s, t = normalize_rows(np.array(src, np.float32)), normalize_rows(np.array(tgt, np.float32))
    return s, t, gold


def _beads(steps):
    return {(tuple(range(s.i0, s.i1)), tuple(range(s.j0, s.j1))) for s in steps}


def test_recovers_alignment_with_deletions_and_merges() -> None:
    rng = np.random.default_rng(0)
    s, t, gold = _make(rng, 80)
    steps = align_sides(Side(s, np.ones(len(s))), Side(t, np.ones(len(t))), AlignParams())
    got = {b for b in _beads(steps) if b[0] and b[1]}
    want = {b for b in gold if b[0] and b[1]}
    assert len(got & want) / len(want) > 0.95
    assert len(got & want) / len(got) > 0.95


def test_coarse_to_fine_band_matches_full_dp() -> None:
    rng = np.random.default_rng(1)
    s, t, _ = _make(rng, 300, merge=0.05)
    full = align_sides(Side(s, np.ones(len(s))), Side(t, np.ones(len(t))), AlignParams())
    banded = align_sides(Side(s, np.ones(len(s))), Side(t, np.ones(len(t))),
                         AlignParams(max_cells=5000, coarse_factor=4, band_width=12))
    a, b = _beads(full), _beads(banded)
    assert len(a & b) / len(a) > 0.97


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 10_000))
def test_every_sentence_in_exactly_one_bead(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    s, t = _unit(rng, n) if n else np.zeros((0, 48), np.float32), _unit(rng, m) if m else np.zeros(
        (0, 48), np.float32)
    steps = align_sides(Side(s, np.ones(n)), Side(t, np.ones(m)))
    src = [i for st_ in steps for i in range(st_.i0, st_.i1)]
    tgt = [j for st_ in steps for j in range(st_.j0, st_.j1)]
    assert src == list(range(n)) and tgt == list(range(m))


def test_best_path_prefers_high_scores() -> None:
    good = {(0, 1), (1, 0), (2, 2)}

    def score(a, b, r, j0s):
        return np.array([1.0 if (a, b) == (1, 1) and (r, j) in good else -1.0 for j in j0s])

    steps = best_path(3, 3, [(1, 1)], score)
    pairs = {(s.i0, s.j0) for s in steps if s.i1 > s.i0 and s.j1 > s.j0}
    assert pairs == {(0, 1), (2, 2)}  # (1, 0) would cross (0, 1): monotonic paths only


def test_window_vectors_and_knn() -> None:
    x = np.eye(3, dtype=np.float32)
    w = window_vectors(x, np.array([1.0, 1.0, 2.0]), 2)
    assert np.allclose(w[0], [2 ** -0.5, 2 ** -0.5, 0])
    assert np.allclose(knn_mean(x, x, 1), 1.0)
    band = Band(np.array([0, 1, 2]), np.array([1, 2, 3]))
    assert np.allclose(knn_mean(x, x, 1, band), 1.0)
