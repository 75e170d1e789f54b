"""Benchmark ``align corpus`` on synthetic pages: throughput, memory, overhead over embedding.

Writes N synthetic mixed pages (from IWSLT15 dev talks, see ``synth_pages.py``) to a temporary
directory, runs a corpus build over them with the real model once per ``--workers`` value, then
embeds every sentence of those pages once with the same encoder. Prints one JSON object per
run; ``ratio_total_to_embed`` is the whole run's time over that embedding-only time (target
≤ 1.3), ``speed_vs_first`` compares the runs of one invocation (same machine, same load).

    python -m scripts.bench_corpus --pages 500 --workers 1,2
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.text.page import draft_page
from align.text.sentences import split_sentences
from scripts.shared_data import iwslt_talks
from scripts.synth_pages import make_pages


class _Timed:
    """Passes calls to an encoder and adds up the seconds spent encoding."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.seconds = 0.0

    def encode(self, texts):
        start = time.perf_counter()
        try:
            return self.encoder.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def token_counts(self, texts):
        return self.encoder.token_counts(texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--splits", default="dev2010,tst2010,tst2011")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--batch-pages", type=int, default=CorpusOptions.batch_pages)
    ap.add_argument("--model", default=None)
    ap.add_argument("--workers", default="1", help="comma-separated values to compare")
    args = ap.parse_args()

    from align.api import load_encoder

    talks = [(t.docid, t.en, t.vi) for s in args.splits.split(",") for t in iwslt_talks(s)]
    pages = make_pages(talks, args.pages, args.seed, split_sentences)
    encoder = load_encoder(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pages" / "site"
        root.mkdir(parents=True)
        for p in pages:
            (root / f"{p.name}.txt").write_text(p.text, encoding="utf-8")
        encoder.encode(["warm up"])
        runs = []
        for workers in (int(w) for w in args.workers.split(",")):
            timed = _Timed(encoder)
            aligner = PageAligner(timed)  # a fresh embedding cache for every run
            aligner.background("vi"), aligner.background("en")
            timed.seconds = 0.0
            opts = CorpusOptions(output=Path(tmp) / f"corpus-{workers}.tsv",
                                 batch_pages=args.batch_pages, workers=workers)
            start = time.perf_counter()
            stats = CorpusRun(aligner, opts).run([str(root.parent)])
            runs.append((workers, stats, time.perf_counter() - start, timed.seconds))
        texts = sorted({s.text for p in pages for s in draft_page(p.text).sentences})
        start = time.perf_counter()
        encoder.encode(texts)
        embed = time.perf_counter() - start
    for workers, stats, total, in_run in runs:
        print(json.dumps({
            "bench": "corpus", "workers": workers, "pages": stats.pages, "pairs": stats.pairs,
            "sentences": stats.sentences, "unique_sentences": len(texts),
            "seconds": round(total, 2), "embed_once_seconds": round(embed, 2),
            "ratio_total_to_embed": round(total / embed, 3),
            "encoder_seconds_in_run": round(in_run, 2),
            "speed_vs_first": round(runs[0][2] / total, 3),
            "pages_per_s": round(stats.pages / total, 3),
            "pairs_per_s": round(stats.pairs / total, 2),
            "sentences_per_s": round(stats.sentences / total, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }))


if __name__ == "__main__":
    main()
