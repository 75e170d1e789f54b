"""Tune the second pass of ``align parallel`` (``--quality best``) on development
splits only, from the persistent embedding cache of ``scripts.bench_parallel --cache``.

Each setting (aligner parameters × refine parameters) prints one JSON line with strict F1 and
texts embedded per sentence. Texts missing from the cache are embedded (and cached).

    python -m scripts.tune_refine --cache bench-results/dev-cache.npz --sets textberg
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

from align.aligners.background import background_sentences
from align.aligners.parallel import PARALLEL_PARAMS, QUALITY, SECOND_PARAMS, DocAligner
from align.aligners.windows import RefineParams
from align.eval.metrics import score_documents
from scripts.bench_parallel import iwslt_docs, textberg_docs
from scripts.embed_cache import CostedCache
from scripts.shared_data import IWSLT_DEV_SPLITS

#: aligner parameters tried in the second pass (the cheap pass keeps the defaults), on top of
#: ``SECOND_PARAMS`` (``PARALLEL_PARAMS`` with ``--quality fast``, which tunes the one pass)
PARAM_GRID: dict[str, list] = {}
#: refine parameters tried
REFINE_GRID: dict[str, list] = {}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--sets", default="textberg")
    ap.add_argument("--quality", default="best")
    ap.add_argument("--grid", default=None, help="JSON {param: [values]} for the aligner")
    ap.add_argument("--refine-grid", default=None, help="JSON {param: [values]}")
    args = ap.parse_args()
    pgrid = json.loads(args.grid) if args.grid else PARAM_GRID
    rgrid = json.loads(args.refine_grid) if args.refine_grid else REFINE_GRID
    loaders = {"textberg": lambda: textberg_docs(True),
               "iwslt": lambda: iwslt_docs(IWSLT_DEV_SPLITS),
               "iwslt-del": lambda: iwslt_docs(IWSLT_DEV_SPLITS, delete=0.15),
               "iwslt-dev2010": lambda: iwslt_docs(["dev2010"]),
               "iwslt-del-dev2010": lambda: iwslt_docs(["dev2010"], delete=0.15)}
    sets = {name: loaders[name]() for name in args.sets.split(",")}

    class _Lazy:
        """Loads the model only if a text is missing from the cache."""

        enc = None

        def encode(self, texts):
            if _Lazy.enc is None:
                from align.api import load_encoder
                _Lazy.enc = load_encoder()
            return _Lazy.enc.encode(texts)

        def token_counts(self, texts):
            if _Lazy.enc is None:
                from align.api import load_encoder
                _Lazy.enc = load_encoder()
            return _Lazy.enc.token_counts(texts)

    emb = CostedCache(_Lazy(), args.cache)
    bgset = set(background_sentences("vi") + background_sentences("en"))
    emb.encode(sorted(bgset))
    pkeys, rkeys = list(pgrid), list(rgrid)
    base_refine = QUALITY[args.quality] or RefineParams()
    for pv in itertools.product(*(pgrid[k] for k in pkeys)):
        base = PARALLEL_PARAMS if args.quality == "fast" else SECOND_PARAMS
        params = replace(base, **dict(zip(pkeys, pv, strict=True)))
        for rv in itertools.product(*(rgrid[k] for k in rkeys)):
            refine = replace(base_refine, **dict(zip(rkeys, rv, strict=True)))
            row = {**dict(zip(pkeys, pv, strict=True)), **dict(zip(rkeys, rv, strict=True))}
            for name, docs in sets.items():
                emb.asked = set()
                if args.quality == "fast":  # the grid then tunes the one pass
                    aligner = DocAligner(emb, params=params, quality="fast")
                else:
                    aligner = DocAligner(emb, quality=refine, second_params=params)
                preds = aligner.align_many([(s, t) for _, s, t, _ in docs])
                score = score_documents([(d[3], p) for d, p in zip(docs, preds, strict=True)])
                row[name] = round(score.strict_f1, 4)
                row[name + "_tps"] = round(aligner.timings.texts_per_sentence, 2)
                sentences = {x for _, s, t, _ in docs for x in (*s, *t)}
                row[name + "_cost"] = round(emb.cost(emb.asked - bgset) / emb.cost(sentences), 2)
            print(json.dumps(row), flush=True)
            emb.save()


if __name__ == "__main__":
    main()
