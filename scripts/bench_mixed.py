"""Benchmark ``align mixed`` on synthetic mixed pages built from IWSLT15 talks.

Pages come from ``synth_pages.py`` (layouts, merges, drops, chrome, repeats, noise) over the
talks of the chosen splits; the aligner's defaults were tuned on pages from tst2011 only, so
the default splits (dev2010, tst2010) are pages the tuning never saw.

Prints one JSON object: pair strict/lax P/R/F1 with the Vecalign/Bertalign bead metric (gold
and predicted beads over the page's sentences), leftover P/R/F1 for untranslated content,
and throughput. Example:

    python -m scripts.bench_mixed --splits dev2010,tst2010 --pages 240
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from align.aligners.mixed import PageAligner
from align.eval.beads import Bead
from align.text.normalize import dedupe_key
from align.text.page import draft_page
from align.text.sentences import split_sentences
from scripts.shared_data import iwslt_talks
from scripts.synth_pages import make_pages


def page_beads(page, result) -> tuple[list[Bead], list[Bead], tuple[int, int, int]]:
    """Gold and predicted beads over one page's sentences (indexed by text), and leftover
    hit counts (true positives, predicted, gold) for untranslated content."""
    ids: dict[tuple[str, str], int] = {}

    def sid(lang: str, text: str) -> int:
        return ids.setdefault((lang, dedupe_key(text)), len(ids))

    def side(lang: str, text: str) -> tuple[int, ...]:
        return tuple(sid(lang, s) for s in split_sentences(text))

    gold = [Bead(side("vi", v), side("en", e)) for v, e in page.pairs]
    gold += [Bead(side(lang, t), ()) if lang == "vi" else Bead((), side(lang, t))
             for lang, t in page.leftovers]
    pred = [Bead(tuple(sid("vi", s.text) for s in p.vi), tuple(sid("en", s.text) for s in p.en))
            for p in result.pairs]
    flagged = {("vi" if left.lang == "vi" else "en", dedupe_key(left.text))
               for left in result.leftovers if left.reason == "untranslated"}
    pred += [Bead((sid(lang, t),), ()) if lang == "vi" else Bead((), (sid(lang, t),))
             for lang, t in sorted(flagged)]
    gold_left = {(lang, dedupe_key(s)) for lang, t in page.leftovers
                 for s in split_sentences(t)}
    return gold, pred, (len(gold_left & flagged), len(flagged), len(gold_left))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--splits", default="dev2010,tst2010")
    ap.add_argument("--pages", type=int, default=240)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--model", default=None)
    ap.add_argument("--batch-pages", type=int, default=16)
    ap.add_argument("--save", type=Path, default=None, help="also write the pages and gold here")
    args = ap.parse_args()

    from align.api import load_encoder
    from align.eval.metrics import score_documents

    talks = [(t.docid, t.en, t.vi) for split in args.splits.split(",")
             for t in iwslt_talks(split)]
    pages = make_pages(talks, args.pages, args.seed, split_sentences)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for p in pages:
            (args.save / f"{p.name}.txt").write_text(p.text, encoding="utf-8")
    t0 = time.perf_counter()
    encoder = load_encoder(args.model, device="auto")
    load_s = time.perf_counter() - t0
    aligner = PageAligner(encoder)
    aligner.background("vi"), aligner.background("en")
    start = time.perf_counter()
    results = []
    for i in range(0, len(pages), args.batch_pages):
        batch = pages[i : i + args.batch_pages]
        results += aligner.align_drafts([draft_page(p.text, p.name) for p in batch])
    seconds = time.perf_counter() - start
    docs, lt, lp, lg = [], 0, 0, 0
    for page, result in zip(pages, results, strict=True):
        gold, pred, (tp, np_, ng) = page_beads(page, result)
        docs.append((gold, pred))
        lt, lp, lg = lt + tp, lp + np_, lg + ng
    score = score_documents(docs)
    lprec, lrec = lt / max(lp, 1), lt / max(lg, 1)
    sentences = sum(len(r.sentences) for r in results)
    out = {
        "bench": "mixed", "splits": args.splits, "pages": len(pages), "seed": args.seed,
        **{f"pair_{k}": round(v, 4) for k, v in score.as_dict().items()
           if isinstance(v, float)},
        "leftover_p": round(lprec, 4), "leftover_r": round(lrec, 4),
        "leftover_f1": round(2 * lprec * lrec / max(lprec + lrec, 1e-9), 4),
        "sentences": sentences, "seconds": round(seconds, 2), "model_load_s": round(load_s, 2),
        "pages_per_s": round(len(pages) / seconds, 3),
        "sentences_per_s": round(sentences / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "layouts": sorted({p.layout for p in pages}),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
