"""Benchmark ``align parallel`` on the standard gold sets, with timings, and its scaling.

Datasets (``--sets``):
- ``textberg``: Text+Berg de–fr test0–6 (``--dev`` for the dev article), gold beads as given.
- ``iwslt``: IWSLT15 vi–en tst2012+tst2013 talks as documents; every segment is split into
  sentences and the segment is the gold bead (real 1-2/2-1 beads). ``--dev`` uses
  dev2010/tst2010/tst2011.
- ``iwslt-del``: the same with ~15 % of the English segments removed, so their Vietnamese
  sentences must be found unaligned.
- ``scale``: aligner time and memory on synthetic 1k/5k/20k-sentence document pairs (embedding
  is per sentence, hence linear by construction; this measures the DP and margins).
- ``scale-best``: both passes of ``--quality best`` on synthetic documents (a stand-in
  embedder gives windows the sum of their sentences' vectors).

Methods (``--methods``): ``bertalign`` (its algorithm written here from its paper, on our
model: a reference) and our ``--quality`` presets ``fast`` and ``best``. Each text
is embedded once per run and charged its measured share of encoder time, so every method's
time over one encoder pass counts exactly the texts it asked for.

Prints one JSON object per set and method: strict/lax P/R/F1 (Vecalign/Bertalign metric,
micro-averaged), texts embedded per input sentence, encoder seconds of one pass over every
sentence and of the texts the method asked for, alignment seconds, their total over one pass,
peak memory.

    python -m scripts.bench_parallel --sets textberg,iwslt,iwslt-del,scale
    python -m scripts.bench_parallel --dev --sets textberg,iwslt-dev2010
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

from align.aligners.background import background_sentences
from align.aligners.dp import best_path
from align.aligners.parallel import PARALLEL_PARAMS, DocAligner, char_lengths
from align.aligners.sequence import AlignParams, Side, align_sides, band_around
from align.aligners.windows import window_text
from align.eval.beads import Bead
from align.eval.metrics import score_documents
from align.text.sentences import split_sentences
from scripts.embed_cache import CostedCache
from scripts.shared_data import IWSLT_DEV_SPLITS, IWSLT_TEST_SPLITS, iwslt_talks, textberg


def iwslt_docs(splits, delete: float = 0.0, seed: int = 15):
    """(src=vi sentences, tgt=en sentences, gold beads) per talk; segments are the beads."""
    rng = random.Random(seed)
    docs = []
    for split in splits:
        for talk in iwslt_talks(split):
            src, tgt, gold = [], [], []
            for vi, en in zip(talk.vi, talk.en, strict=True):
                vs = split_sentences(vi) or [vi]
                es = split_sentences(en) or [en]
                si = tuple(range(len(src), len(src) + len(vs)))
                src += vs
                if delete and rng.random() < delete:
                    gold += [Bead((i,), ()) for i in si]
                    continue
                ti = tuple(range(len(tgt), len(tgt) + len(es)))
                tgt += es
                gold.append(Bead(si, ti))
            docs.append((talk.docid, src, tgt, gold))
    return docs


def textberg_docs(dev: bool):
    names = ["dev"] if dev else [f"test{i}" for i in range(7)]
    return [(n, *textberg(n)) for n in names]


#: Bertalign's second pass as its paper describes it: beads of up to five sentences in all,
#: scored by the real windows' cosine minus their similarity to the sentences just outside,
#: times the length agreement; a skipped sentence scores -0.1; no margin, no extra charges
BERTALIGN_PARAMS = AlignParams(
    score="local", skip=-0.1, margin_weight=0.0, component_weight=0.0,
    penalties={t: 0.0 for t in PARALLEL_PARAMS.types},
)


def bertalign_reference(src: list[str], tgt: list[str], emb: CostedCache) -> list[Bead]:
    """Bertalign's algorithm, written here from its paper, on our model (a reference).

    First pass: 1-1 beads among each source sentence's 3 most similar target sentences, found
    by a DP that may skip sentences; second pass: the DP over every bead of up to five
    sentences, in a band of ±5 around the first path, every window of up to four sentences
    embedded for real.
    """
    n, m = len(src), len(tgt)
    if not n or not m:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    xs, xt = emb.encode(src), emb.encode(tgt)
    sims = xs @ xt.T
    top = np.argsort(-sims, axis=1)[:, :3]
    allowed = np.zeros_like(sims, dtype=bool)
    np.put_along_axis(allowed, top, True, axis=1)

    def first(a: int, b: int, r: int, j0s: np.ndarray) -> np.ndarray:
        return np.where(allowed[r, j0s], sims[r, j0s], -1e9)

    anchors = best_path(n, m, [(1, 1)], first, None, 0.0)
    sides = []
    for sents, vecs in ((src, xs), (tgt, xt)):
        wins = {}
        for size in (2, 3, 4):
            texts = [window_text(sents, i, size) for i in range(len(sents) - size + 1)]
            wins[size] = (emb.encode(texts) if texts
                          else np.zeros((0, vecs.shape[1]), dtype=np.float32))
        sides.append(Side(vecs, np.asarray(emb.token_counts(sents)) + 1.0,
                          lengths=char_lengths(sents), windows=wins))
    steps = align_sides(sides[0], sides[1], BERTALIGN_PARAMS,
                        band=band_around(anchors, n, m, 5))
    return [Bead(tuple(range(s.i0, s.i1)), tuple(range(s.j0, s.j1))) for s in steps]


def run_method(set_name: str, method: str, docs, emb: CostedCache, bg_texts) -> dict:
    """Align ``docs`` with one method; quality and cost figures as one JSON-ready row."""
    emb.asked = set()
    wall0 = emb.wall
    start = time.perf_counter()
    if method == "bertalign":
        preds = [bertalign_reference(s, t, emb) for _, s, t, _ in docs]
    else:
        aligner = DocAligner(emb, quality=method)
        preds = aligner.align_many([(s, t) for _, s, t, _ in docs])
    wall = time.perf_counter() - start
    align_s = wall - (emb.wall - wall0)
    score = score_documents([(g, p) for (_, _, _, g), p in zip(docs, preds, strict=True)])
    sentences = [x for _, s, t, _ in docs for x in (*s, *t)]
    one_pass = emb.cost(sentences)
    asked = emb.asked - set(bg_texts)
    return {
        "bench": "parallel", "set": set_name, "method": method, "docs": len(docs),
        "sentences": len(sentences),
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in score.as_dict().items()},
        "unaligned_src": sum(1 for p in preds for b in p if b.src and not b.tgt),
        "texts_per_sentence": round(len(asked) / max(len(set(sentences)), 1), 3),
        "one_pass_s": round(one_pass, 2), "embed_s": round(emb.cost(asked), 2),
        "align_s": round(align_s, 2),
        "total_over_one_pass": round((emb.cost(asked) + align_s) / one_pass, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def scale(sizes=(1000, 5000, 20000), dim: int = 384) -> list[dict]:
    """Aligner-only time and peak traced memory on synthetic embeddings of growing length."""
    out = []
    rng = np.random.default_rng(0)
    for n in sizes:
        meanings = rng.standard_normal((n, dim)).astype(np.float32)
        keep = rng.random(n) > 0.05
        src = meanings + 0.04 * rng.standard_normal((n, dim)).astype(np.float32)
        tgt = meanings[keep] + 0.04 * rng.standard_normal((int(keep.sum()), dim)).astype(
            np.float32)
        src /= np.linalg.norm(src, axis=1, keepdims=True)
        tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
        tracemalloc.start()
        start = time.perf_counter()
        align_sides(Side(src, np.ones(n)), Side(tgt, np.ones(len(tgt))), AlignParams())
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out.append({"bench": "parallel-scale", "sentences_per_side": n,
                    "align_s": round(seconds, 2), "peak_traced_mb": round(peak / 2**20, 1),
                    "s_per_1k": round(seconds / n * 1000, 3)})
    return out


METHODS = ("bertalign", "fast", "best")


class SyntheticEmbedder:
    """Texts ``s12``/``t7`` name rows of fixed vectors; a window's text (``s12 s13``) gets the
    normalised sum of its sentences' vectors. Stands in for the encoder in ``scale``."""

    def __init__(self, src: np.ndarray, tgt: np.ndarray) -> None:
        self.rows = {"s": src, "t": tgt}

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.stack([sum(self.rows[w[0]][int(w[1:])] for w in t.split()) for t in texts])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    def token_counts(self, texts: list[str]) -> np.ndarray:
        return np.array([10.0 * len(t.split()) for t in texts], dtype=np.float32)


def scale_best(sizes=(1000, 5000, 20000), dim: int = 384) -> list[dict]:
    """``align parallel --quality best``, both passes, on synthetic documents whose
    sentence vectors are given: time, peak traced memory and texts embedded per sentence."""
    out = []
    rng = np.random.default_rng(0)
    for n in sizes:
        meanings = rng.standard_normal((n, dim)).astype(np.float32)
        keep = rng.random(n) > 0.05
        src = meanings + 0.3 * rng.standard_normal((n, dim)).astype(np.float32)
        tgt = meanings[keep] + 0.3 * rng.standard_normal((int(keep.sum()), dim)).astype(
            np.float32)
        emb = SyntheticEmbedder(src, tgt)
        aligner = DocAligner(emb, quality="best")
        aligner._bg = np.zeros((0, dim), dtype=np.float32)
        tracemalloc.start()
        start = time.perf_counter()
        aligner.align([f"s{i}" for i in range(n)], [f"t{j}" for j in range(len(tgt))])
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out.append({"bench": "parallel-scale-best", "sentences_per_side": n,
                    "seconds": round(seconds, 2), "peak_traced_mb": round(peak / 2**20, 1),
                    "s_per_1k": round(seconds / n * 1000, 3),
                    "texts_per_sentence": round(aligner.timings.texts_per_sentence, 3)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="textberg,iwslt,iwslt-del,scale")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--dev", action="store_true", help="use the development splits")
    ap.add_argument("--cache", type=Path, default=None,
                    help="persistent embedding cache (.npz); costs are those first measured")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    sets = args.sets.split(",")
    emb = None
    bg_texts = background_sentences("vi") + background_sentences("en")
    if set(sets) - {"scale", "scale-best"}:
        from align.api import load_encoder

        emb = CostedCache(load_encoder(args.model), args.cache)
        emb.encode(bg_texts)
    iw = IWSLT_DEV_SPLITS if args.dev else IWSLT_TEST_SPLITS
    loaders = {
        "textberg": lambda: textberg_docs(args.dev),
        "iwslt": lambda: iwslt_docs(iw),
        "iwslt-del": lambda: iwslt_docs(iw, delete=0.15),
        "iwslt-dev2010": lambda: iwslt_docs(["dev2010"]) if args.dev else None,
    }
    for name in sets:
        if name == "scale":
            for row in scale():
                print(json.dumps(row), flush=True)
            continue
        if name == "scale-best":
            for row in scale_best():
                print(json.dumps(row), flush=True)
            continue
        if name not in loaders:
            raise SystemExit(f"unknown set {name}")
        docs = loaders[name]()
        if docs is None:
            raise SystemExit(f"{name} is a development set: add --dev")
        for method in args.methods.split(","):
            row = run_method(name + ("-dev" if args.dev else ""), method, docs, emb, bg_texts)
            print(json.dumps(row), flush=True)
            emb.save()


if __name__ == "__main__":
    main()
