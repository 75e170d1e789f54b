"""The pair scorer: small gradient-boosted trees over ``bead_features.FEATURES``.

Its trees live in a text file beside this module (``pair_model.tsv``), written by
``python -m scripts.train_scorer`` from development data only, so anyone can read what the
model does (every split is a feature, a threshold and two branches) and regenerate it. The
output is the probability that a bead is a translation with exactly this extent; on
held-out pages it is calibrated (``scripts/bench_scorer.py`` measures the expected
calibration error), so ``--min-score 0.9`` means "keep pairs that are right nine times in
ten". Prediction is plain numpy: no learning library is needed at run time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from align.aligners.bead_features import FEATURES

MODEL_PATH = Path(__file__).with_name("pair_model.tsv")
_LEAF = "leaf"


@dataclass(frozen=True)
class PairModel:
    """Boosted trees: ``p = σ(baseline + Σ_t value_t(leaf reached by x))``.

    Arrays are ``(trees, nodes)``; a node goes left when ``x[feature] <= threshold``; a leaf
    has ``feature == -1`` and its ``value`` (already scaled by the learning rate).
    """

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    baseline: float
    #: the default ``--min-score``: the probability threshold chosen on development pages
    min_score: float
    #: the margin threshold of the search that proposed the training candidates: the aligner
    #: searches with it, so the model judges the kind of candidates it learnt from
    search_threshold: float
    #: a short digest of the file, part of the run signature
    version: str = ""

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Probability that each row's bead is a translation with exactly its extent."""
        x = np.asarray(features, dtype=np.float64)
        if len(x) == 0:
            return np.zeros(0)
        trees = np.arange(self.feature.shape[0])[:, None]
        rows = np.arange(len(x))[None, :]
        node = np.zeros((len(trees), len(x)), dtype=np.int64)
        for _ in range(self.feature.shape[1]):  # deeper than any tree: every row ends in a leaf
            f = self.feature[trees, node]
            leaf = f < 0
            if leaf.all():
                break
            go_left = x[rows, np.where(leaf, 0, f)] <= self.threshold[trees, node]
            step = np.where(go_left, self.left[trees, node], self.right[trees, node])
            node = np.where(leaf, node, step)
        z = self.baseline + self.value[trees, node].sum(axis=0)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))

    def to_text(self, header: str = "") -> str:
        """The model file: ``# comments``, settings, then one row per tree node."""
        lines = [f"# {h}" for h in header.splitlines()]
        lines += [f"min_score\t{self.min_score:.4f}",
                  f"search_threshold\t{self.search_threshold:.4f}",
                  f"baseline\t{self.baseline:.8f}",
                  "tree\tnode\tfeature\tthreshold\tleft\tright\tvalue"]
        for t in range(self.feature.shape[0]):
            for n in range(self.feature.shape[1]):
                f = int(self.feature[t, n])
                if f == -2:  # padding of a smaller tree
                    continue
                if f < 0:
                    lines.append(f"{t}\t{n}\t{_LEAF}\t\t\t\t{self.value[t, n]:.8f}")
                else:
                    lines.append(f"{t}\t{n}\t{FEATURES[f]}\t{self.threshold[t, n]:.8g}\t"
                                 f"{int(self.left[t, n])}\t{int(self.right[t, n])}\t")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_text(cls, text: str) -> PairModel:
        """Parse a model file; its features must be among ``FEATURES``."""
        settings: dict[str, float] = {}
        nodes: list[tuple[int, int, str, str, str, str, str]] = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#") or line.startswith("tree\t"):
                continue
            parts = line.split("\t")
            try:
                if len(parts) == 2:
                    settings[parts[0]] = float(parts[1])
                elif len(parts) == 7:
                    nodes.append((int(parts[0]), int(parts[1]), *parts[2:]))  # type: ignore[arg-type]
                else:
                    raise ValueError
            except ValueError:
                raise ValueError(f"pair model line {number}: cannot read {line!r}") from None
        if not nodes or not {"min_score", "search_threshold", "baseline"} <= set(settings):
            raise ValueError("pair model: settings or trees missing")
        n_trees = max(t for t, *_ in nodes) + 1
        width = max(n for _, n, *_ in nodes) + 1
        feature = np.full((n_trees, width), -2, dtype=np.int64)
        threshold = np.zeros((n_trees, width))
        left = np.zeros((n_trees, width), dtype=np.int64)
        right = np.zeros((n_trees, width), dtype=np.int64)
        value = np.zeros((n_trees, width))
        index = {name: k for k, name in enumerate(FEATURES)}
        for t, n, name, thr, lo, hi, val in nodes:
            if name == _LEAF:
                feature[t, n], value[t, n] = -1, float(val)
                left[t, n] = right[t, n] = n
            elif name in index:
                feature[t, n], threshold[t, n] = index[name], float(thr)
                left[t, n], right[t, n] = int(lo), int(hi)
            else:
                raise ValueError(f"pair model: unknown feature {name!r}")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        return cls(feature, threshold, left, right, value, settings["baseline"],
                   settings["min_score"], settings["search_threshold"], digest)


@lru_cache(maxsize=4)
def load_pair_model(path: str | None = None) -> PairModel:
    """The packaged model (or the one at ``path``), read once per process."""
    return PairModel.from_text(Path(path or MODEL_PATH).read_text(encoding="utf-8"))
