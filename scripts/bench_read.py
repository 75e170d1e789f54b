"""Reading speed: pages/s of the text stage alone (normalise, blocks, runs, sentences; no model).

Pages: synthetic IWSLT15 pages (``synth_pages.py``) plus every page of ``corpus/pages``; each
set is read ``--repeat`` times after one warm-up read (pysbd and py3langid load lazily) and the
best time is kept. Prints one JSON object. Example:

    python -m scripts.bench_read --splits dev2010 --pages 300
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from align.text.page import draft_page
from align.text.sentences import split_sentences
from scripts.shared_data import iwslt_talks
from scripts.synth_pages import make_pages

ROOT = Path(__file__).resolve().parent.parent


def _best_rate(texts: list[str], repeat: int) -> tuple[float, int]:
    """(pages per second, sentences per read) over the best of ``repeat`` reads."""
    for t in texts[:5]:
        draft_page(t)
    best = float("inf")
    sentences = 0
    for _ in range(repeat):
        start = time.perf_counter()
        sentences = sum(len(draft_page(t).sentences) for t in texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best, sentences


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--splits", default="dev2010")
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    talks = [(t.docid, t.en, t.vi) for split in args.splits.split(",")
             for t in iwslt_talks(split)]
    synth = [p.text for p in make_pages(talks, args.pages, args.seed, split_sentences)]
    corpus = [p.read_text(encoding="utf-8-sig")
              for p in sorted((ROOT / "corpus" / "pages").glob("*.txt"))]
    synth_rate, synth_sents = _best_rate(synth, args.repeat)
    corpus_rate, corpus_sents = _best_rate(corpus, args.repeat)
    print(json.dumps({
        "bench": "read", "splits": args.splits, "synthetic_pages": len(synth),
        "synthetic_pages_per_s": round(synth_rate, 1),
        "synthetic_sentences_per_s": round(synth_rate * synth_sents / len(synth), 1),
        "corpus_pages": len(corpus), "corpus_pages_per_s": round(corpus_rate, 1),
        "corpus_sentences": corpus_sents,
    }))


if __name__ == "__main__":
    main()
