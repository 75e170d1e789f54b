"""How close is a window's token-weighted mean of sentence vectors to the real embedding of the
concatenated sentences, what does the real one cost, and what does it change in alignment?

The aligners never embed windows: a window of 2–4 sentences is scored from the mean of its
sentences' vectors, weighted by token counts (mean pooling over the concatenation, ignoring
context). This script embeds every real window of 2–4 consecutive sentences of development
documents (Text+Berg dev, IWSLT15 dev2010 talks), and prints one JSON line per set with:

- cosine between the real window vector and the weighted mean (mean, 5th percentile, min);
- encoder seconds for the sentences and for the windows (what Bertalign-style overlaps cost);
- strict F1 of ``align parallel``'s scoring with the weighted means (the tool) and with the
  real window vectors in their place.

    python -m scripts.bench_window
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from align.aligners.background import background_sentences
from align.aligners.parallel import PARALLEL_PARAMS, char_lengths
from align.aligners.sequence import Side, align_sides
from align.aligners.similarity import window_vectors
from align.eval.beads import Bead
from align.eval.metrics import score_documents
from scripts.bench_parallel import iwslt_docs, textberg_docs

SIZES = (2, 3, 4)


def real_windows(sents: list[str], table: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
    """Embeddings of the concatenated windows (looked up in ``table``)."""
    out = {}
    for size in SIZES:
        texts = [" ".join(sents[i : i + size]) for i in range(len(sents) - size + 1)]
        out[size] = (np.stack([table[t] for t in texts]) if texts
                     else np.zeros((0, 384), dtype=np.float32))
    return out


def run(name: str, docs, encoder, bg) -> dict:
    sentences = sorted({t for _, s, t2, _ in docs for t in (*s, *t2)})
    windows = sorted({" ".join(side[i : i + k]) for _, s, t2, _ in docs for side in (s, t2)
                      for k in SIZES for i in range(len(side) - k + 1)} - set(sentences))
    start = time.perf_counter()
    sent_vecs = encoder.encode(sentences)
    sent_s = time.perf_counter() - start
    start = time.perf_counter()
    win_vecs = encoder.encode(windows)
    win_s = time.perf_counter() - start
    table = dict(zip(sentences, sent_vecs, strict=True)) | dict(
        zip(windows, win_vecs, strict=True))
    counts = dict(zip(sentences, encoder.token_counts(sentences), strict=True))
    cos: dict[int, list[np.ndarray]] = {k: [] for k in SIZES}
    preds: dict[str, list] = {"mean": [], "real": []}
    for _, src, tgt, _ in docs:
        sides = {}
        for key, sents in (("src", src), ("tgt", tgt)):
            emb = np.stack([table[t] for t in sents])
            weights = np.maximum(np.array([counts[t] for t in sents], dtype=np.float32), 1)
            real = real_windows(sents, table)
            for k in SIZES:
                cos[k].append(np.sum(real[k] * window_vectors(emb, weights, k), axis=1))
            sides[key] = (emb, weights, real, char_lengths(sents))
        for mode in preds:
            s_emb, s_w, s_real, s_len = sides["src"]
            t_emb, t_w, t_real, t_len = sides["tgt"]
            steps = align_sides(
                Side(s_emb, s_w, lengths=s_len, windows=s_real if mode == "real" else None),
                Side(t_emb, t_w, lengths=t_len, windows=t_real if mode == "real" else None),
                PARALLEL_PARAMS, bg, bg)
            preds[mode].append([Bead(tuple(range(s.i0, s.i1)), tuple(range(s.j0, s.j1)))
                                for s in steps])
    row: dict = {"bench": "window", "set": name, "sentences": len(sentences),
                 "windows": len(windows)}
    for k in SIZES:
        c = np.concatenate(cos[k])
        row[f"cos{k}_mean"] = round(float(c.mean()), 4)
        row[f"cos{k}_p5"] = round(float(np.percentile(c, 5)), 4)
        row[f"cos{k}_min"] = round(float(c.min()), 4)
    row["embed_sentences_s"] = round(sent_s, 2)
    row["embed_windows_s"] = round(win_s, 2)
    row["windows_cost_ratio"] = round(win_s / sent_s, 2)
    for mode, pred in preds.items():
        score = score_documents([(d[3], p) for d, p in zip(docs, pred, strict=True)])
        row[f"strict_f1_{mode}"] = round(score.strict_f1, 4)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    from align.api import load_encoder

    encoder = load_encoder(args.model)
    bg = encoder.encode(background_sentences("vi") + background_sentences("en"))
    for name, docs in (("textberg-dev", textberg_docs(dev=True)),
                       ("iwslt-dev2010", iwslt_docs(["dev2010"]))):
        print(json.dumps(run(name, docs, encoder, bg)), flush=True)


if __name__ == "__main__":
    main()
