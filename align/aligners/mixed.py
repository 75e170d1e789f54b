"""Mixed-language pages → Vietnamese–English sentence pairs and flagged leftovers.

The page's Vietnamese sentences and its English sentences are each kept in page order; in
every layout we meet (one half after the other, paragraph-by-paragraph interleaving, related-
news lists) the translations then follow the same order on both sides, so a monotonic aligner
with free deletions finds them. Halves whose order differs are caught by re-running the aligner
on what is still unaligned: each pass takes the longest consistent chain among the remainder.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, replace

import numpy as np

from align.aligners.background import background_sentences
from align.aligners.bead_features import (
    GAP,
    IN_ORDER,
    LATER,
    Candidate,
    Halves,
    bead_features,
    sub_beads,
)
from align.aligners.pair_model import PairModel, load_pair_model
from align.aligners.sequence import AlignParams, Side, align_sides
from align.embed.embedder import CachedEmbedder, Embedder, embed_unique
from align.embed.vector_store import stored_vectors
from align.records import (
    EN,
    NEUTRAL,
    VI,
    Leftover,
    PageAlignment,
    Pair,
    Reason,
    Sentence,
)
from align.text.normalize import dedupe_key
from align.text.page import PageDraft, draft_page


@dataclass
class PageView:
    """One page as the pair scorer sees it: its halves, the beads the search found
    (Vietnamese positions, English positions, how found, pair) and the candidates made of
    them (each found bead and its other possible extents)."""

    vi: list[Sentence]
    en: list[Sentence]
    halves: Halves
    found: list[tuple[list[int], list[int], str, Pair]]
    candidates: list[Candidate]


#: below this probability a bead is judged no translation (its sentences are untranslated
#: leftovers); from it up to ``--min-score`` it is a pair not trusted enough (``low_score``).
#: Chosen on development pages (``python -m scripts.bench_scorer --dev`` and the floor's sweep
#: in the README): 0.1 gave the best leftover F1 averaged over pages with 12 % and with 50 %
#: of their text untranslated
NO_TRANSLATION = 0.1


class PageAligner:
    """Aligns mixed pages with one embedder; owns the cached background embeddings."""

    def __init__(
        self,
        embedder: Embedder,
        params: AlignParams | None = None,
        min_score: float | None = None,
        scorer: PairModel | str | None = "default",
        no_translation: float = NO_TRANSLATION,
        max_passes: int = 3,
        later_pass_extra: float = 0.02,
        gap_relax: float = 0.03,
        gap_edges: bool = False,
        cache_texts: int = 50_000,
    ) -> None:
        #: sentences repeat across the pages of a site: the most recent ``cache_texts`` vectors
        #: are kept (about 1.5 kB each with the default model), so each is embedded once
        self.embedder: Embedder = CachedEmbedder(embedder, cache_texts) if cache_texts else embedder
        #: the pair scorer: a pair's score is its probability of being a translation
        #: (``None``: the bead's ratio margin, as the aligner's search sees it)
        self.scorer: PairModel | None = (load_pair_model() if scorer == "default"
                                         else scorer if isinstance(scorer, PairModel) else None)
        if params is None and self.scorer is not None:
            params = AlignParams(threshold=self.scorer.search_threshold)
        self.params = params or AlignParams()
        #: pairs scoring below this become ``low_score`` leftovers (``None``: the scorer's
        #: own threshold, chosen on development pages; none without a scorer)
        if min_score is None and self.scorer is not None:
            min_score = self.scorer.min_score
        self.min_score = min_score
        self.no_translation = no_translation
        self.max_passes = max_passes
        #: later passes pair text out of page order, which real pages rarely do: they need
        #: this much more margin
        self.later_pass_extra = later_pass_extra
        #: between two pairs of the first pass, the threshold is this much lower
        self.gap_relax = gap_relax
        #: whether the stretches before the first and after the last pair count as gaps
        self.gap_edges = gap_edges
        self._bg: dict[str, np.ndarray] = {}

    def background(self, lang: str) -> np.ndarray:
        """Embeddings of a fixed pool of unrelated sentences, a baseline for the margin."""
        if lang not in self._bg:
            self._bg[lang], _ = stored_vectors(self.embedder, background_sentences(lang))
        return self._bg[lang]

    def align_text(self, text: str, page: str = "-") -> PageAlignment:
        """Align one page given as text."""
        return self.align_drafts([draft_page(text, page)])[0]

    def align_drafts(self, drafts: list[PageDraft]) -> list[PageAlignment]:
        """Align several pages, embedding all their sentences in shared batches.

        Pages with only one language have nothing to align and are never embedded.
        """
        pages, embed_seconds = self._embedded(drafts)
        total = sum(len(v) for _, v, _ in pages)
        out: list[PageAlignment] = []
        for d, vecs, counts in pages:
            start = time.perf_counter()
            result = self._align(d, vecs, counts)
            # the page's own time: reading it, its share of the batch's embedding, aligning it
            share = embed_seconds * len(vecs) / total if total else 0.0
            result.seconds = d.read_seconds + share + time.perf_counter() - start
            out.append(result)
        return out

    def _embedded(self, drafts: list[PageDraft]
                  ) -> tuple[list[tuple[PageDraft, np.ndarray, np.ndarray]], float]:
        """Each page with the vectors and token counts of its Vietnamese and English
        sentences (none for a page with one language), embedded in one shared batch, and
        the seconds that batch took."""
        wanted = [_bilingual(d) for d in drafts]
        texts = [s.text for d, w in zip(drafts, wanted, strict=True) if w for s in d.sentences
                 if s.lang in (VI, EN)]
        if texts:  # the model loads here, once, so no page's time includes loading it
            self.background(VI), self.background(EN)
        start = time.perf_counter()
        vecs, counts = embed_unique(self.embedder, texts)
        seconds = time.perf_counter() - start
        out, pos = [], 0
        for d, w in zip(drafts, wanted, strict=True):
            k = sum(1 for s in d.sentences if s.lang in (VI, EN)) if w else 0
            out.append((d, vecs[pos : pos + k], counts[pos : pos + k]))
            pos += k
        return out, seconds

    def _align(self, d: PageDraft, vecs: np.ndarray, counts: np.ndarray) -> PageAlignment:
        view = self._view(d, vecs, counts)
        pairs: list[Pair] = []
        if view is not None and self.scorer is None:
            pairs = [pair for _, _, _, pair in view.found]
        elif view is not None:
            # a bead the scorer finds all but surely no translation is no pair at all: its
            # sentences are untranslated; between that and --min-score it is low_score
            refuse = min(self.no_translation,
                         self.min_score if self.min_score is not None else 1.0)
            pairs = [p for p in self._judge(view) if p.score >= refuse]
        leftovers = _leftovers(d, pairs, self.min_score)
        if self.min_score is not None:
            pairs = [p for p in pairs if p.score >= self.min_score]
        pairs.sort(key=lambda p: (p.vi[0].index, p.en[0].index))
        return PageAlignment(
            d.page, pairs, leftovers, d.blocks, d.sentences, time.perf_counter() - d.started
        )

    def score_beads(self, vi: list[str], en: list[str],
                    beads: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> np.ndarray:
        """The pair scorer's probability for beads found elsewhere (``align parallel``'s,
        another tool's): each bead is (Vietnamese sentence numbers, English sentence
        numbers) into ``vi``/``en``, given in document order, one sentence per line."""
        if self.scorer is None:
            raise ValueError("this aligner has no pair scorer")
        beads = [(tuple(a), tuple(b)) for a, b in beads]
        for a, b in beads:
            if not a or not b or min(a) < 0 or max(a) >= len(vi) or min(b) < 0 \
                    or max(b) >= len(en):
                raise ValueError(f"bead {list(a)}:{list(b)} is empty or out of range")
        if not beads:
            return np.zeros(0)
        vi = [unicodedata.normalize("NFC", t) for t in vi]
        en = [unicodedata.normalize("NFC", t) for t in en]
        vecs, counts = embed_unique(self.embedder, vi + en)
        n = len(vi)
        halves = Halves(vi, en, vecs[:n], vecs[n:], np.asarray(counts[:n], dtype=np.float64),
                        np.asarray(counts[n:], dtype=np.float64), list(range(n)),
                        list(range(len(en))), self.background(VI), self.background(EN),
                        self.params.k)
        cands = [Candidate(a, b, IN_ORDER, g) for g, (a, b) in enumerate(beads)]
        return self.scorer.probability(bead_features(halves, cands))

    def inspect(self, drafts: list[PageDraft]) -> list[PageView | None]:
        """What the pair scorer sees on each page (``None`` for a page with one language):
        for training and studying the scorer."""
        pages, _ = self._embedded(drafts)
        return [self._view(d, vecs, counts) for d, vecs, counts in pages]

    def _view(self, d: PageDraft, vecs: np.ndarray, counts: np.ndarray) -> PageView | None:
        lang_sents = [s for s in d.sentences if s.lang in (VI, EN)]
        vi_idx = [i for i, s in enumerate(lang_sents) if s.lang == VI]
        en_idx = [i for i, s in enumerate(lang_sents) if s.lang == EN]
        if not vi_idx or not en_idx or not len(vecs):
            return None
        vi = [lang_sents[i] for i in vi_idx]
        en = [lang_sents[i] for i in en_idx]
        xv, xe, cv, ce = vecs[vi_idx], vecs[en_idx], counts[vi_idx], counts[en_idx]
        found = self._pairs(vi, en, xv, xe, cv, ce)
        halves = Halves([s.text for s in vi], [s.text for s in en], xv, xe,
                        np.asarray(cv, dtype=np.float64), np.asarray(ce, dtype=np.float64),
                        [s.block for s in vi], [s.block for s in en],
                        self.background(VI), self.background(EN), self.params.k)
        used_vi = {i for f in found for i in f[0]}
        used_en = {j for f in found for j in f[1]}
        cands: list[Candidate] = []
        for g, (ivs, jes, how, _) in enumerate(found):
            cands.append(Candidate(tuple(ivs), tuple(jes), how, g))
            cands += [Candidate(pv, pe, how, g) for pv, pe in sub_beads(tuple(ivs), tuple(jes))]
            cands += [Candidate(pv, pe, how, g) for pv, pe in _grown(vi, en, ivs, jes, used_vi,
                                                                   used_en)]
        return PageView(vi, en, halves, found, cands)

    def _judge(self, view: PageView) -> list[Pair]:
        """Score every candidate; per found bead keep the extent the scorer trusts most,
        scored with its probability (the margin alongside).

        Two beads may both have grown by the same free sentence: the more probable one keeps
        it, the other falls back to its best extent without it (its own sentences always
        remain, so every group keeps a candidate).
        """
        assert self.scorer is not None
        vi, en, cands = view.vi, view.en, view.candidates
        feats = bead_features(view.halves, cands)
        probs = self.scorer.probability(feats)
        by_group: dict[int, list[int]] = {}
        for r in np.argsort(-probs, kind="stable"):
            by_group.setdefault(cands[r].group, []).append(int(r))
        taken_vi: set[int] = set()
        taken_en: set[int] = set()
        chosen = []
        for rows in sorted(by_group.values(), key=lambda rs: -probs[rs[0]]):
            for r in rows:
                c = cands[r]
                if taken_vi.isdisjoint(c.vi) and taken_en.isdisjoint(c.en):
                    taken_vi.update(c.vi)
                    taken_en.update(c.en)
                    chosen.append(r)
                    break
        margin_col = 0  # FEATURES[0] is the margin
        pairs = []
        for r in chosen:
            c = cands[r]
            pairs.append(Pair([vi[i] for i in c.vi], [en[j] for j in c.en],
                              round(float(probs[r]), 4), round(float(feats[r, margin_col]), 4)))
        return pairs

    def _pairs(self, vi, en, xv, xe, cv, ce) -> list[tuple[list[int], list[int], str, Pair]]:
        """Pass 1 aligns both halves in page order; the gaps it leaves between two of its
        pairs are aligned again with a lower threshold (a sentence sandwiched between
        translations is likely one); later passes take what is left, out of order, with a
        higher threshold."""
        bg = (self.background(VI), self.background(EN))
        streams = (vi, en, xv, xe, cv, ce)
        free_vi, free_en = list(range(len(vi))), list(range(len(en)))
        first = self._align_subset(streams, free_vi, free_en, self.params, bg, IN_ORDER)
        found = list(first)
        if self.gap_relax and first:
            relaxed = replace(self.params, threshold=self.params.threshold - self.gap_relax)
            for gap_vi, gap_en in _gaps(first, len(vi), len(en), self.gap_edges):
                found += self._align_subset(streams, gap_vi, gap_en, relaxed, bg, GAP)
        if self.gap_relax:
            # a line holding both languages (a subtitle cue and its translation, a table row)
            # is a unit and its translation as surely as a gap between two pairs is
            relaxed = replace(self.params, threshold=self.params.threshold - self.gap_relax)
            for line_vi, line_en in _same_line(vi, en, found):
                found += self._align_subset(streams, line_vi, line_en, relaxed, bg, GAP)
        stricter = replace(self.params, threshold=self.params.threshold + self.later_pass_extra)
        for _ in range(1, self.max_passes):
            used_vi = {i for f in found for i in f[0]}
            used_en = {j for f in found for j in f[1]}
            free_vi = [i for i in range(len(vi)) if i not in used_vi]
            free_en = [j for j in range(len(en)) if j not in used_en]
            if not found or not free_vi or not free_en:
                break
            more = self._align_subset(streams, free_vi, free_en, stricter, bg, LATER)
            if not more:
                break
            found += more
        return found

    def _align_subset(self, streams, sub_vi: list[int], sub_en: list[int], params: AlignParams,
                      bg, how: str) -> list[tuple[list[int], list[int], str, Pair]]:
        """Align the chosen Vietnamese and English sentences (indices into the streams):
        (vi positions, en positions, how it was found, pair) for every bead that pairs text."""
        vi, en, xv, xe, cv, ce = streams
        if not sub_vi or not sub_en:
            return []
        src = Side(xv[sub_vi], cv[sub_vi], _breaks(vi, sub_vi), xv)
        tgt = Side(xe[sub_en], ce[sub_en], _breaks(en, sub_en), xe)
        found = []
        for step in align_sides(src, tgt, params, *bg):
            if step.i1 == step.i0 or step.j1 == step.j0:
                continue
            ivs = [sub_vi[i] for i in range(step.i0, step.i1)]
            jes = [sub_en[j] for j in range(step.j0, step.j1)]
            vs, es = [vi[i] for i in ivs], [en[j] for j in jes]
            if dedupe_key(" ".join(s.text for s in vs)) == dedupe_key(
                " ".join(s.text for s in es)
            ):
                continue  # a "translation" identical to its source is no translation
            margin = round(step.score, 4)
            found.append((ivs, jes, how, Pair(vs, es, margin, margin)))
        return found


def _gaps(found, n_vi: int, n_en: int, edges: bool) -> list[tuple[list[int], list[int]]]:
    """Unaligned stretches of both streams between consecutive pairs of a monotonic pass
    (and before the first / after the last pair when ``edges``), both sides non-empty."""
    bounds = [(f[0][0], f[0][-1], f[1][0], f[1][-1]) for f in found]
    bounds.sort()
    out = []
    prev_vi, prev_en = -1, -1
    for k, (v0, v1, e0, e1) in enumerate([*bounds, (n_vi, n_vi, n_en, n_en)]):
        inner = 0 < k < len(bounds)
        if inner or edges:
            gap_vi = list(range(prev_vi + 1, v0))
            gap_en = list(range(prev_en + 1, e0))
            if gap_vi and gap_en:
                out.append((gap_vi, gap_en))
        prev_vi, prev_en = max(prev_vi, v1), max(prev_en, e1)
    return out


def _same_line(vi: list[Sentence], en: list[Sentence], found) -> list[tuple[list[int], list[int]]]:
    """Unpaired Vietnamese and English sentences that share a block (a line in both
    languages), block by block."""
    used_vi = {i for f in found for i in f[0]}
    used_en = {j for f in found for j in f[1]}
    by_block: dict[int, tuple[list[int], list[int]]] = {}
    for i, s in enumerate(vi):
        if i not in used_vi:
            by_block.setdefault(s.block, ([], []))[0].append(i)
    for j, s in enumerate(en):
        if j not in used_en and s.block in by_block:
            by_block[s.block][1].append(j)
    return [(a, b) for a, b in by_block.values() if a and b]


def _grown(vi: list[Sentence], en: list[Sentence], ivs: list[int], jes: list[int],
           used_vi: set[int], used_en: set[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The bead grown by one unpaired neighbouring sentence of the same block on one side
    (the 1-2 the search cut to a 1-1), up to three sentences a side."""
    out = []
    for side, other, sents, used, flip in ((ivs, jes, vi, used_vi, False),
                                          (jes, ivs, en, used_en, True)):
        if len(side) >= 3:
            continue
        for k, edge in ((side[0] - 1, side[0]), (side[-1] + 1, side[-1])):
            if 0 <= k < len(sents) and k not in used and sents[k].block == sents[edge].block:
                grown = tuple(sorted([*side, k]))
                out.append((tuple(other), grown) if flip else (grown, tuple(other)))
    return out


def _bilingual(d: PageDraft) -> bool:
    langs = {s.lang for s in d.sentences}
    return VI in langs and EN in langs


def _breaks(sents: list[Sentence], chosen: list[int]) -> np.ndarray:
    """Window breaks: a bead may only join sentences that are neighbours in one block."""
    b = np.ones(len(chosen), dtype=bool)
    for k in range(1, len(chosen)):
        prev, cur = sents[chosen[k - 1]], sents[chosen[k]]
        b[k] = not (chosen[k] == chosen[k - 1] + 1 and prev.block == cur.block)
    return b


def _leftovers(d: PageDraft, pairs: list[Pair], min_score: float | None) -> list[Leftover]:
    """Everything not in a pair, in page order: set-aside blocks and unpaired sentences."""
    paired: dict[int, Pair] = {}
    for pair in pairs:
        for s in (*pair.vi, *pair.en):
            paired[s.index] = pair
    by_block: dict[int, list[Sentence]] = {}
    for s in d.sentences:
        by_block.setdefault(s.block, []).append(s)
    out: list[Leftover] = []
    for block in d.blocks:
        if block.kind != "content" or block.lang not in (VI, EN):
            out.append(
                Leftover(block.lang, block.kind, block.text, block.index, [], block.duplicate_of)
            )
            continue
        for s in by_block.get(block.index, []):
            pair = paired.get(s.index)
            if pair is None:
                reason = Reason.NEUTRAL if s.lang == NEUTRAL else Reason.UNTRANSLATED
                out.append(Leftover(s.lang, reason, s.text, block.index, [s.index]))
            elif min_score is not None and pair.score < min_score:
                out.append(Leftover(s.lang, Reason.LOW_SCORE, s.text, block.index, [s.index]))
    return out


__all__ = ["PageAligner", "PageDraft", "draft_page"]
