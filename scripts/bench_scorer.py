"""Evaluate the pair scorer on pages it was not trained on (or, with ``--dev``, on the
development pages, for work on the scorer).

Sets (``--sets``): ``iwslt`` synthetic mixed pages from IWSLT15 tst2012+tst2013 talks,
``heldout`` the project's held-out pages, ``notrans`` pages that hold no translation. With
``--dev``: dev2010/tst2010/tst2011 pages and ``corpus/pages`` instead.

For each set, one JSON line: the whole ``align mixed`` pipeline at the default threshold
(pair strict/lax P/R/F1 over the pairs written, and on synthetic pages the Vecalign bead
metric too, whose precision also counts flagged leftovers as null beads; leftovers P/R/F1 of
the ``untranslated`` reason, as ``align evaluate`` scores them: a ``low_score`` pair's
sentences are neither pairs nor claimed untranslated; pairs written), the same for the margin-only
aligner of before (``margin_only``), the expected calibration error of the kept pairs'
probabilities with its bins, precision/recall at a few thresholds, and time per page with
the scorer against the margin-only aligner (same embeddings; the encoder's time, the same for
both, is added to each). ``--plot`` writes precision and recall against ``--min-score`` as a PNG
(needs matplotlib: ``pip install -e '.[plot]'``).

    python -m scripts.bench_scorer --pages 200 --plot scripts/figures/scorer_threshold.png
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from align.aligners.mixed import PageAligner
from align.aligners.pair_model import load_pair_model
from align.aligners.sequence import AlignParams
from align.embed.embedder import CachedEmbedder
from align.eval.metrics import score_documents
from align.eval.paths import evaluate_paths
from align.io.rows import LEFTOVER_COLUMNS, PAIR_COLUMNS, leftover_rows, pair_rows
from align.io.writers import RowSink
from scripts.bench_mixed import page_beads
from scripts.scorer_data import (
    CORPUS_PARTS,
    ROOT,
    GoldPage,
    calibration,
    chosen,
    corpus_pages,
    curve,
    judge,
    synthetic_pages,
)
from scripts.shared_data import IWSLT_DEV_SPLITS, IWSLT_TEST_SPLITS

THRESHOLDS = np.round(np.arange(0.05, 1.0, 0.05), 2)


def pipeline_scores(aligner: PageAligner, pages: list[GoldPage]) -> tuple[dict, float]:
    """Whole-pipeline scores of a set, and the seconds the aligner spent (embeddings cached)."""
    start = time.perf_counter()
    results = []
    for i in range(0, len(pages), 16):
        results += aligner.align_drafts([p.draft for p in pages[i : i + 16]])
    seconds = time.perf_counter() - start
    out: dict = {"pairs_written": sum(len(r.pairs) for r in results)}
    if all(p.synth is not None for p in pages):
        docs, pair_docs, lt, lp, lg = [], [], 0, 0, 0
        for page, result in zip(pages, results, strict=True):
            gold, pred, (tp, n_pred, n_gold) = page_beads(page.synth, result)
            docs.append((gold, pred))
            pair_docs.append((gold, [b for b in pred if b.src and b.tgt]))
            lt, lp, lg = lt + tp, lp + n_pred, lg + n_gold
        s, b = score_documents(pair_docs), score_documents(docs)
        out.update(pair_p=s.strict_p, pair_r=s.strict_r, pair_f1=s.strict_f1, lax_p=s.lax_p,
                   lax_r=s.lax_r, bead_p=b.strict_p, bead_f1=b.strict_f1,
                   leftover_p=lt / max(lp, 1), leftover_r=lt / max(lg, 1))
    else:
        part = pages[0].source.split(":")[1]
        with tempfile.TemporaryDirectory() as tmp:
            for page, result in zip(pages, results, strict=True):
                stem = Path(page.draft.page).stem
                for suffix, cols, rows in (("pairs", PAIR_COLUMNS, pair_rows(result)),
                                           ("leftovers", LEFTOVER_COLUMNS,
                                            leftover_rows(result))):
                    with RowSink("tsv", Path(tmp) / f"{stem}.{suffix}.tsv", cols) as sink:
                        sink.write(rows)
            scores = evaluate_paths(ROOT / "corpus" / CORPUS_PARTS[part][1], Path(tmp))
        pr, lo = scores["pairs"], scores["leftovers"]
        out.update(pair_p=pr["strict_p"], pair_r=pr["strict_r"], pair_f1=pr["strict_f1"],
                   lax_p=pr["lax_p"], lax_r=pr["lax_r"], leftover_p=lo["p"], leftover_r=lo["r"])
    if "leftover_p" in out:
        p, r = out["leftover_p"], out["leftover_r"]
        out["leftover_f1"] = 2 * p * r / max(p + r, 1e-9)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="iwslt,heldout,notrans")
    ap.add_argument("--dev", action="store_true", help="development pages instead")
    ap.add_argument("--pages", type=int, default=200, help="synthetic pages per set")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--weights", default=None, help="a pair model file (default: packaged)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--plot", type=Path, default=None)
    args = ap.parse_args()

    from align.api import load_encoder

    model = load_pair_model(args.weights)
    start = time.perf_counter()
    encoder = load_encoder(args.model, device="auto")
    shared = CachedEmbedder(encoder, max_texts=2_000_000)
    scored = PageAligner(shared, scorer=model, cache_texts=0)
    margin_only = PageAligner(shared, AlignParams(), scorer=None, cache_texts=0)
    candidates = PageAligner(shared, AlignParams(threshold=model.search_threshold), scorer=None,
                             cache_texts=0)
    sets: dict[str, list[GoldPage]] = {}
    for name in args.sets.split(","):
        if name == "iwslt":
            splits = IWSLT_DEV_SPLITS if args.dev else IWSLT_TEST_SPLITS
            sets[name] = synthetic_pages(list(splits), args.pages, args.seed)
        elif name in ("heldout", "notrans"):
            sets[name] = corpus_pages("tuning" if args.dev else name)
        else:
            raise SystemExit(f"bench_scorer: unknown set {name!r}")
    curves, tables = {}, {}
    for name, pages in sets.items():
        texts = [s.text for p in pages for s in p.draft.sentences]
        t0 = time.perf_counter()
        shared.encode(texts)  # the encoder's time, once, outside both aligners' timings
        encode_s = time.perf_counter() - t0
        j = judge(candidates, pages)
        probs = model.probability(j.features)
        keep = chosen(j, probs)
        ece, bins = calibration(probs[keep], j.labels[keep])
        tables[name] = bins
        curves[name] = curve(j, probs, THRESHOLDS)
        scores, with_scorer = pipeline_scores(scored, pages)
        baseline, without = pipeline_scores(margin_only, pages)
        print(json.dumps({
            "bench": "scorer", "set": name, "dev": args.dev, "pages": len(pages),
            "scorer": model.version, "threshold": model.min_score, **scores,
            "ece": round(ece, 4), "kept_candidates": len(keep), "calibration_bins": bins,
            "at": {str(c["threshold"]): [c["precision"], c["recall"]]
                   for c in curves[name] if c["threshold"] in (0.3, 0.5, 0.7, 0.9)},
            "encode_s": round(encode_s, 2), "align_s_scorer": round(with_scorer, 2),
            "align_s_margin": round(without, 2), "margin_only": baseline,
            "time_ratio": round((encode_s + with_scorer) / max(encode_s + without, 1e-9), 3),
        }, ensure_ascii=False), flush=True)
    print(json.dumps({"bench": "scorer-total", "seconds": round(time.perf_counter() - start, 1)}))
    if args.plot:
        plot(curves, tables, model.min_score, args.plot)


def plot(curves: dict[str, list[dict]], bins: dict[str, list], default: float,
         path: Path) -> None:
    """Left: precision and recall of the kept pairs against the threshold, per set with gold
    pairs. Right: reliability (mean probability against the share of right pairs, per bin)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, rel) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=110,
                                  gridspec_kw={"width_ratios": [1.5, 1]})
    colours = dict(zip(curves, ("C0", "C1", "C2", "C3"), strict=False))
    for name, rows in curves.items():
        if not any(r["recall"] for r in rows):
            continue  # no gold pairs: nothing to recall
        t = [r["threshold"] for r in rows]
        ax.plot(t, [r["precision"] for r in rows], "-", color=colours[name],
                label=f"{name} precision")
        ax.plot(t, [r["recall"] for r in rows], "--", color=colours[name],
                label=f"{name} recall")
    ax.axvline(default, color="grey", lw=0.8, ls=":")
    ax.text(default, 0.705, f" default {default:.2f}", color="grey", fontsize=8)
    ax.set_xlabel("--min-score (probability that the pair is a translation)")
    ax.set_ylabel("pair precision / recall (strict)")
    ax.set_ylim(0.7, 1.005)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    rel.plot([0, 1], [0, 1], ":", color="grey", lw=0.8)
    for name, table in bins.items():
        conf = [b[0] for b in table]
        acc = [b[1] for b in table]
        size = [8 + 60 * (b[2] / max(c[2] for c in table)) for b in table]
        rel.scatter(conf, acc, s=size, color=colours[name], alpha=0.7, label=name)
    rel.set_xlabel("predicted probability (bin mean)")
    rel.set_ylabel("share of pairs that are right")
    rel.set_title("calibration (dot size: pairs in bin)", fontsize=9)
    rel.set_xlim(0, 1.02)
    rel.set_ylim(-0.02, 1.02)
    rel.grid(alpha=0.3)
    rel.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


if __name__ == "__main__":
    main()
