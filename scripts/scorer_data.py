"""Pages with gold pairs, turned into the pair scorer's candidates, features and labels.

Shared by ``train_scorer.py`` (development pages only) and ``bench_scorer.py`` (held-out and
test pages). A candidate is labelled 1 when its Vietnamese and English texts are exactly one
gold pair (same extent on both sides), else 0: a bead with the right partner but a sentence
too many is a wrong pair, as the strict metric counts it.

Sources:
- synthetic mixed pages from IWSLT15 talks (``synth_pages.py``), by split;
- the project's own pages with gold: ``corpus/pages`` (tuning), ``corpus/heldout``,
  ``corpus/notrans`` (pages with no translation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from align.aligners.bead_features import bead_features
from align.aligners.mixed import PageAligner
from align.eval.matching import normalize_text
from align.io.reader import read_page
from align.text.page import PageDraft, draft_page
from align.text.sentences import split_sentences
from scripts.shared_data import iwslt_talks
from scripts.synth_pages import SynthPage, make_pages

ROOT = Path(__file__).resolve().parents[1]
CORPUS_PARTS = {"tuning": ("pages", "gold"), "heldout": ("heldout/pages", "heldout/gold"),
                "notrans": ("notrans/pages", "notrans/gold")}


@dataclass
class GoldPage:
    """A page to align with its gold pairs (normalised texts) and, for synthetic pages, the
    page itself (gold leftovers included)."""

    draft: PageDraft
    pairs: set[tuple[str, str]]
    source: str
    synth: SynthPage | None = None


@dataclass
class Judged:
    """Every candidate of a set of pages: features, labels, which page and group it belongs
    to, and the number of gold pairs per page."""

    features: np.ndarray
    labels: np.ndarray
    page: np.ndarray
    group: np.ndarray
    gold: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def key(text: str) -> str:
    return normalize_text(text)


def synthetic_pages(splits: list[str], pages: int, seed: int, drop: float = 0.12
                    ) -> list[GoldPage]:
    """Synthetic mixed pages from the talks of ``splits``; ``drop`` is the share of units
    left untranslated (1.0: pages with no translation, both halves on one topic)."""
    talks = [(t.docid, t.en, t.vi) for s in splits for t in iwslt_talks(s)]
    out = []
    # no merges on pages without translation: a merged unit is always a translated pair
    for p in make_pages(talks, pages, seed, split_sentences, drop=drop,
                        merge=0.0 if drop >= 1.0 else 0.1):
        gold = {(key(v), key(e)) for v, e in p.pairs}
        source = f"iwslt:{','.join(splits)}:drop={drop}"
        out.append(GoldPage(draft_page(p.text, p.name), gold, source, p))
    return out


def corpus_pages(part: str) -> list[GoldPage]:
    """The project's pages of one part (``tuning``, ``heldout`` or ``notrans``)."""
    pages_dir, gold_dir = (ROOT / "corpus" / d for d in CORPUS_PARTS[part])
    out = []
    for path in sorted(pages_dir.glob("*.txt")):
        rows = (gold_dir / f"{path.stem}.pairs.tsv").read_text(encoding="utf-8").splitlines()
        gold = {(key(v), key(e)) for v, e in (r.split("\t")[:2] for r in rows[1:] if r.strip())}
        draft = draft_page(read_page(path), path.name, normalized=True)
        out.append(GoldPage(draft, gold, f"corpus:{part}"))
    return out


def judge(aligner: PageAligner, pages: list[GoldPage], batch: int = 16) -> Judged:
    """Candidates, features and labels of every page (one batch of pages embedded at once)."""
    feats, labels, page_ids, groups = [], [], [], []
    gold_counts, sources = [], []
    for start in range(0, len(pages), batch):
        chunk = pages[start : start + batch]
        for n, (gp, view) in enumerate(zip(chunk, aligner.inspect([g.draft for g in chunk]),
                                           strict=True)):
            gold_counts.append(len(gp.pairs))
            sources.append(gp.source)
            if view is None or not view.candidates:
                continue
            f = bead_features(view.halves, view.candidates)
            for c in view.candidates:
                vi = key(" ".join(view.vi[i].text for i in c.vi))
                en = key(" ".join(view.en[j].text for j in c.en))
                labels.append(int((vi, en) in gp.pairs))
                page_ids.append(start + n)
                groups.append(c.group)
            feats.append(f)
    width = len(feats[0][0]) if feats else 0
    return Judged(np.concatenate(feats) if feats else np.zeros((0, width)),
                  np.array(labels, dtype=np.int64), np.array(page_ids), np.array(groups),
                  gold_counts, sources)


def subset(j: Judged, pages: set[int]) -> Judged:
    """The candidates of some pages only (page numbers as in ``j``), for scores by source."""
    sel = np.isin(j.page, list(pages))
    gold = [g if n in pages else 0 for n, g in enumerate(j.gold)]
    return Judged(j.features[sel], j.labels[sel], j.page[sel], j.group[sel], gold, j.sources)


def chosen(j: Judged, probs: np.ndarray) -> np.ndarray:
    """Indices of the candidate kept per group (the most probable), as the aligner keeps."""
    best: dict[tuple[int, int], int] = {}
    for r in range(len(probs)):
        k = (int(j.page[r]), int(j.group[r]))
        if k not in best or probs[r] > probs[best[k]]:
            best[k] = r
    return np.array(sorted(best.values()), dtype=np.int64)


def curve(j: Judged, probs: np.ndarray, thresholds: np.ndarray) -> list[dict]:
    """Pair precision, recall and F1 of the kept candidates at each threshold (recall over
    all gold pairs, so pairs the search never proposed count as missed)."""
    keep = chosen(j, probs)
    p, y = probs[keep], j.labels[keep]
    gold = max(sum(j.gold), 1)
    out = []
    for t in thresholds:
        sel = p >= t
        tp = int(y[sel].sum())
        prec = tp / max(int(sel.sum()), 1)
        rec = tp / gold
        out.append({"threshold": round(float(t), 3), "precision": round(prec, 4),
                    "recall": round(rec, 4),
                    "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4),
                    "pairs": int(sel.sum())})
    return out


def calibration(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> tuple[float, list]:
    """Expected calibration error (equal-width bins) and the bins (mean p, accuracy, n)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    ece, table = 0.0, []
    for b in range(bins):
        sel = which == b
        if not sel.any():
            continue
        conf, acc = float(probs[sel].mean()), float(labels[sel].mean())
        ece += sel.sum() / len(probs) * abs(conf - acc)
        table.append((round(conf, 4), round(acc, 4), int(sel.sum())))
    return float(ece), table
