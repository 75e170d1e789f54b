"""Tune ``align parallel`` on the development splits only (Text+Berg dev, IWSLT15 dev2010/
tst2010/tst2011 with and without deletions), never on the test splits.

Every sentence is embedded once (cached in ``--cache``, so a second run costs seconds); then
each setting of a small grid aligns all three sets from those vectors and prints one JSON line
with the strict F1 of each set and their mean. The defaults in ``align/parallel.py``
(``PARALLEL_PARAMS``) are the best mean found by this script.

    python -m scripts.tune_parallel --cache bench-results/tune-cache.npz
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from align.aligners.background import background_sentences
from align.aligners.parallel import PARALLEL_PARAMS, char_lengths
from align.aligners.sequence import AlignParams, Side, align_sides
from align.eval.beads import Bead
from align.eval.metrics import score_documents
from scripts.bench_parallel import iwslt_docs, textberg_docs
from scripts.shared_data import IWSLT_DEV_SPLITS

#: the grid: every combination is tried (keep it small, each costs ~10 s)
GRID = {
    "margin_weight": [1.0, 2.0, 3.0],
    "threshold": [0.93, 0.95, 0.97],
    "skip": [-0.02, -0.05],
    "component_weight": [0.0, 1.0],
    "component_threshold": [0.97, 1.0],
}


def dev_sets() -> dict[str, list]:
    """name → [(docid, src sentences, tgt sentences, gold beads)] for the dev splits."""
    return {
        "textberg": textberg_docs(dev=True),
        "iwslt": iwslt_docs(IWSLT_DEV_SPLITS),
        "iwslt-del": iwslt_docs(IWSLT_DEV_SPLITS, delete=0.15),
    }


def embed_all(sets: dict[str, list], cache: Path | None, model: str | None):
    """text → (vector, token count) for every sentence of every set, and the background."""
    texts = sorted({t for docs in sets.values() for _, s, t2, _ in docs for t in (*s, *t2)})
    background = background_sentences("vi") + background_sentences("en")
    if cache is not None and cache.exists():
        data = np.load(cache, allow_pickle=False)
        if list(data["texts"]) == texts:
            pairs = zip(data["vecs"], data["counts"], strict=True)
            return dict(zip(texts, pairs, strict=True)), data["bg"]
    from align.api import load_encoder

    enc = load_encoder(model)
    vecs, counts, bg = enc.encode(texts), enc.token_counts(texts), enc.encode(background)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, texts=np.array(texts), vecs=vecs, counts=counts, bg=bg)
    return dict(zip(texts, zip(vecs, counts, strict=True), strict=True)), bg


def score_set(docs, table, bg, params: AlignParams) -> float:
    """Strict F1 of one set aligned with ``params`` from cached vectors."""
    scored = []
    for _, src, tgt, gold in docs:
        sides = []
        for sents in (src, tgt):
            vecs = np.stack([table[t][0] for t in sents])
            counts = np.maximum(np.array([table[t][1] for t in sents], dtype=np.float32), 1)
            sides.append(Side(vecs, counts, lengths=char_lengths(sents)))
        steps = align_sides(sides[0], sides[1], params, bg, bg)
        scored.append((gold, [Bead(tuple(range(s.i0, s.i1)), tuple(range(s.j0, s.j1)))
                              for s in steps]))
    return score_documents(scored).strict_f1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache (.npz)")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    sets = dev_sets()
    table, bg = embed_all(sets, args.cache, args.model)
    best = None
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        setting = dict(zip(keys, values, strict=True))
        if not setting["component_weight"] and setting["component_threshold"] != 1.0:
            continue  # the threshold means nothing without its weight
        params = replace(PARALLEL_PARAMS, **setting)
        f1 = {name: round(score_set(docs, table, bg, params), 4) for name, docs in sets.items()}
        mean = round(float(np.mean(list(f1.values()))), 4)
        row = {"bench": "tune-parallel", **setting, **f1, "mean": mean}
        print(json.dumps(row), flush=True)
        if best is None or mean > best["mean"]:
            best = row
    print(json.dumps({"best": best}), flush=True)


if __name__ == "__main__":
    main()
