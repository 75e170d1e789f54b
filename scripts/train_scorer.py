"""Train the pair scorer (``align/aligners/pair_model.tsv``) on development pages only.

Data: synthetic mixed pages from IWSLT15 dev2010, tst2010 and tst2011 talks (``--pages`` with
12 % of units untranslated, a quarter as many with half, a quarter with all: same-topic text
that is no translation), and the project's tuning pages (``corpus/pages``). Test splits
(tst2012/13), ``corpus/heldout`` and ``corpus/notrans`` are never read here. Every candidate
bead the search proposes (its other extents included) is labelled by the gold, and a model
learns the probability that a bead is a translation with exactly that extent: small gradient-
boosted trees (scikit-learn), each similarity feature held to the direction it should push
(``SIGNS``), copied into a text file that numpy alone can evaluate. The project's real-like
pages weigh five times as much as a synthetic page's candidates.

The default ``--min-score`` is chosen by one rule, on out-of-fold probabilities (two folds by
page): the best F0.5 of the kept pairs (precision first), at 0.5 or above.

Prints one JSON line (out-of-fold pair precision/recall/F1 at that threshold, overall and by
source, ECE, how often each feature is split on) and writes the model:

    python -m scripts.train_scorer --pages 600
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from align.aligners.bead_features import FEATURES, SIGNS
from align.aligners.mixed import PageAligner
from align.aligners.pair_model import MODEL_PATH, PairModel
from align.aligners.sequence import AlignParams
from scripts.embed_cache import CostedCache
from scripts.scorer_data import (
    Judged,
    calibration,
    chosen,
    corpus_pages,
    curve,
    judge,
    subset,
    synthetic_pages,
)
from scripts.shared_data import IWSLT_DEV_SPLITS

TREES, DEPTH = 200, 3
CACHE = Path.home() / ".cache" / "align" / "dev-embeddings.npz"


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> PairModel:
    """Gradient-boosted trees (scikit-learn's histogram GBM, log loss): ``TREES`` trees of
    depth ``DEPTH``, each similarity feature held to push the probability one way only
    (``SIGNS``), then copied into a ``PairModel`` that predicts with numpy alone."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(
        max_depth=DEPTH, max_iter=TREES, learning_rate=0.1, early_stopping=False,
        monotonic_cst=[SIGNS[n] for n in FEATURES], random_state=0)
    clf.fit(x, y, sample_weight=w)
    trees = [p[0].nodes for p in clf._predictors]
    width = max(len(t) for t in trees)
    feature = np.full((len(trees), width), -2, dtype=np.int64)
    threshold = np.zeros((len(trees), width))
    left = np.zeros((len(trees), width), dtype=np.int64)
    right = np.zeros((len(trees), width), dtype=np.int64)
    value = np.zeros((len(trees), width))
    for t, nodes in enumerate(trees):
        for n, node in enumerate(nodes):
            if node["is_leaf"]:
                feature[t, n], value[t, n], left[t, n], right[t, n] = -1, node["value"], n, n
            else:
                feature[t, n], threshold[t, n] = node["feature_idx"], node["num_threshold"]
                left[t, n], right[t, n] = node["left"], node["right"]
    model = PairModel(feature, threshold, left, right, value,
                      float(clf._baseline_prediction.ravel()[0]), 0.5, 0.0)
    # the copy must predict exactly what the library does
    check = x[:: max(1, len(x) // 2000)]
    assert np.allclose(model.probability(check), clf.predict_proba(check)[:, 1], atol=1e-6)
    return model


def weights(j: Judged, real: float = 5.0) -> np.ndarray:
    """Sample weights: candidates of the project's real-like pages count ``real`` times, so
    a few hundred of them are heard beside thousands of synthetic ones."""
    page_real = np.array([s.startswith("corpus:") for s in j.sources])
    return np.where(page_real[j.page], real, 1.0)


def out_of_fold(j: Judged, folds: int = 2) -> np.ndarray:
    """Each candidate's probability from a model that never saw its page."""
    probs = np.zeros(len(j.labels))
    fold_of = j.page % folds
    for f in range(folds):
        train, test = fold_of != f, fold_of == f
        probs[test] = fit(j.features[train], j.labels[train],
                          weights(j)[train]).probability(j.features[test])
    return probs


def pick_threshold(j: Judged, probs: np.ndarray, beta: float) -> float:
    """The threshold with the best F-beta of the kept pairs (beta 0.5: precision counts
    twice as much as recall), never below 0.5: a pair the model thinks more likely wrong
    than right is not written by default."""
    grid = np.round(np.arange(0.5, 0.96, 0.01), 2)
    rows = curve(j, probs, grid)
    b2 = beta * beta
    scored = [((1 + b2) * r["precision"] * r["recall"]
               / max(b2 * r["precision"] + r["recall"], 1e-9), -r["threshold"]) for r in rows]
    return -float(max(scored)[1])


def splits_by_feature(model: PairModel) -> dict[str, int]:
    """How many tree nodes split on each feature: what the model looks at."""
    used = model.feature[model.feature >= 0]
    return {FEATURES[k]: int(c) for k, c in sorted(Counter(used.tolist()).items(),
                                                     key=lambda kc: -kc[1])}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=600, help="synthetic development pages")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--beta", type=float, default=0.5, help="F-beta that picks the threshold")
    ap.add_argument("--search-threshold", type=float, default=1.015,
                    help="margin threshold of the search that proposes candidates")
    ap.add_argument("--model", default=None)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()

    from align.api import load_encoder

    start = time.perf_counter()
    cache = CostedCache(load_encoder(args.model, device="auto"), CACHE)
    aligner = PageAligner(cache, AlignParams(threshold=args.search_threshold), scorer=None,
                          cache_texts=0)
    pages = synthetic_pages(list(IWSLT_DEV_SPLITS), args.pages, args.seed)
    # same-topic text that is no translation: pages where half or all units are left
    # untranslated, so the search proposes the near misses the scorer must refuse
    pages += synthetic_pages(list(IWSLT_DEV_SPLITS), args.pages // 4, args.seed + 1, drop=0.5)
    pages += synthetic_pages(list(IWSLT_DEV_SPLITS), args.pages // 4, args.seed + 2, drop=1.0)
    pages += corpus_pages("tuning")
    j = judge(aligner, pages)
    cache.save()
    probs = out_of_fold(j)
    threshold = pick_threshold(j, probs, args.beta)
    at = curve(j, probs, np.array([threshold]))[0]
    keep = chosen(j, probs)
    ece, _ = calibration(probs[keep], j.labels[keep])
    by_source = {}
    for source in sorted(set(j.sources)):
        part = subset(j, {n for n, s in enumerate(j.sources) if s == source})
        row = curve(part, probs[np.isin(j.page, part.page)], np.array([threshold]))[0]
        by_source[source] = [row["precision"], row["recall"], row["pairs"]]
    model = fit(j.features, j.labels, weights(j))
    model = replace(model, min_score=threshold, search_threshold=args.search_threshold)
    header = (
        f"The pair scorer of align mixed: {TREES} boosted trees of depth {DEPTH} over the"
        " features of align/aligners/bead_features.py.\n"
        f"Regenerate: python -m scripts.train_scorer --pages {args.pages} --seed {args.seed}"
        f" --beta {args.beta} --search-threshold {args.search_threshold}\n"
        f"Data (development only): synthetic pages from IWSLT15 {'/'.join(IWSLT_DEV_SPLITS)}"
        f" ({args.pages} with 12 %, {args.pages // 4} with 50 %, {args.pages // 4} with 100 %"
        " of units untranslated) + corpus/pages;"
        f" {len(j.labels)} candidates, {int(j.labels.sum())} true.\n"
        f"Out-of-fold at threshold {threshold}: precision {at['precision']},"
        f" recall {at['recall']}, ECE {ece:.4f}."
    )
    args.out.write_text(model.to_text(header), encoding="utf-8")
    print(json.dumps({
        "bench": "train_scorer", "pages": len(pages), "candidates": len(j.labels),
        "positives": int(j.labels.sum()), "threshold": threshold,
        "oof_precision": at["precision"], "oof_recall": at["recall"], "oof_f1": at["f1"],
        "oof_ece": round(ece, 4),
        "oof_curve": {str(r["threshold"]): [r["precision"], r["recall"]]
                      for r in curve(j, probs, np.array([0.1, 0.3, 0.5, 0.7, 0.8, 0.9]))},
        "oof_by_source": by_source, "seconds": round(time.perf_counter() - start, 1),
        "splits_by_feature": splits_by_feature(model),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
