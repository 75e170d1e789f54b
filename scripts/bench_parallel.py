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

Prints one JSON object per set: strict/lax P/R/F1 (Vecalign/Bertalign metric, micro-averaged),
seconds of embedding and of alignment, texts embedded per input sentence, peak memory.

    python -m scripts.bench_parallel --sets textberg,iwslt,iwslt-del,scale
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
import tracemalloc

import numpy as np

from align.aligners.parallel import DocAligner
from align.aligners.sequence import AlignParams, Side, align_sides
from align.eval.beads import Bead
from align.eval.metrics import score_documents
from align.text.sentences import split_sentences
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


def run_set(name, docs, aligner: DocAligner) -> dict:
    before = (aligner.timings.embed_seconds, aligner.timings.align_seconds,
              aligner.timings.sentences, aligner.timings.texts_embedded)
    preds = aligner.align_many([(s, t) for _, s, t, _ in docs])
    score = score_documents([(g, p) for (_, _, _, g), p in zip(docs, preds, strict=True)])
    tm = aligner.timings
    embed = tm.embed_seconds - before[0]
    align = tm.align_seconds - before[1]
    sents = tm.sentences - before[2]
    return {
        "bench": "parallel", "set": name, "docs": len(docs), "sentences": sents,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in score.as_dict().items()},
        "embed_s": round(embed, 2), "align_s": round(align, 3),
        "total_over_embed": round((embed + align) / embed, 3) if embed else None,
        "texts_per_sentence": round((tm.texts_embedded - before[3]) / max(sents, 1), 3),
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="textberg,iwslt,iwslt-del,scale")
    ap.add_argument("--dev", action="store_true", help="use the development splits")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    sets = args.sets.split(",")
    aligner = None
    if set(sets) - {"scale"}:
        from align.api import load_encoder

        aligner = DocAligner(load_encoder(args.model))
        aligner._background()
    iw = IWSLT_DEV_SPLITS if args.dev else IWSLT_TEST_SPLITS
    for name in sets:
        if name == "textberg":
            print(json.dumps(run_set(name, textberg_docs(args.dev), aligner)), flush=True)
        elif name == "iwslt":
            print(json.dumps(run_set(name, iwslt_docs(iw), aligner)), flush=True)
        elif name == "iwslt-del":
            print(json.dumps(run_set(name, iwslt_docs(iw, delete=0.15), aligner)), flush=True)
        elif name == "scale":
            for row in scale():
                print(json.dumps(row), flush=True)
        else:
            raise SystemExit(f"unknown set {name}")


if __name__ == "__main__":
    main()
