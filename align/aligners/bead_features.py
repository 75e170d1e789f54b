"""Evidence that a bead (some Vietnamese sentences with some English ones) is a translation.

The ratio margin alone cannot tell a translation from a sentence on the same topic: every
sentence of a page is about one topic. So a bead is described by several kinds of evidence
that do not depend on topic, and a small model (``pair_model.py``) weighs them:

- similarity: the bead's cosine and ratio margin, the weakest of its sentences (does every
  sentence of a merged bead earn its place?), what the merge gains over its best part, and how
  far the bead stands above its best competitor on the page;
- surface: tokens that carry over unchanged (numbers, acronyms, Latin names, URLs), agreement
  of question and exclamation marks, quotes and colons, the length ratio in characters;
- place: bead shape, whether it was found in page order, between two pairs or on one line,
  and whether its neighbours agree with its order.

Every feature is a plain float; ``FEATURES`` names them in the order of a feature row, and
``SIGNS`` says which way the similarity and carry-over evidence may push the probability (+1
up, -1 down, 0 either way): the model is trained under these constraints, so it cannot learn
a quirk of the training pages such as "a higher margin makes a pair less likely".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from align.aligners.similarity import knn_mean, normalize_rows

FEATURES: tuple[str, ...] = (
    "margin", "cosine", "worst_part", "merge_gain", "rival_gap", "group_gap", "shape",
    "len_ratio", "len_ratio_sq", "short_side", "num_match", "num_miss", "name_match", "name_miss",
    "question_miss", "punct_miss", "out_of_order", "gap_fill", "same_line",
    "neighbour_order", "neighbour_margin",
)

SIGNS: dict[str, int] = {
    "margin": 1, "cosine": 1, "worst_part": 1, "merge_gain": 0, "rival_gap": 1,
    "group_gap": 1, "shape": 0, "len_ratio": 0, "len_ratio_sq": 0, "short_side": 0,
    "num_match": 0, "num_miss": -1, "name_match": 0, "name_miss": -1, "question_miss": -1,
    "punct_miss": 0, "out_of_order": 0, "gap_fill": 0, "same_line": 0,
    "neighbour_order": 0, "neighbour_margin": 0,
}

#: how a bead was found: in page order, in a gap between two pairs or on a shared line (at a
#: lower threshold), or out of page order (a later pass)
IN_ORDER, GAP, LATER = "order", "gap", "later"

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+@[\w.-]+\.\w+")
#: a capitalised word written with ASCII letters only: a Latin name unless it starts a sentence
_NAME = re.compile(r"\b[A-Z][a-z]+\b")
_STARTS = re.compile(r"(?:^|[.!?:;…]\s+)[\"“'‘(\[]*$")
_QUOTES = set("\"“”«»")


@dataclass
class Halves:
    """A page's two halves ready to be judged: texts, normalised vectors, token counts, the
    block of each sentence, and the background pools the margins are measured against."""

    vi: list[str]
    en: list[str]
    xv: np.ndarray
    xe: np.ndarray
    cv: np.ndarray
    ce: np.ndarray
    bv: list[int]
    be: list[int]
    bg_vi: np.ndarray
    bg_en: np.ndarray
    k: int = 4

    def __post_init__(self) -> None:
        self.xv, self.xe = normalize_rows(self.xv), normalize_rows(self.xe)
        # each sentence's mean similarity to its nearest neighbours on the other side
        self.mv = knn_mean(self.xv, self.xe, self.k, background=self.bg_en)
        self.me = knn_mean(self.xe, self.xv, self.k, background=self.bg_vi)


@dataclass(frozen=True)
class Candidate:
    """A bead to judge: Vietnamese and English sentence positions in the halves, how it was
    found, and ``group``: candidates of one group overlap and at most one of them is kept."""

    vi: tuple[int, ...]
    en: tuple[int, ...]
    found: str = IN_ORDER
    group: int = 0


def _bead_vector(x: np.ndarray, counts: np.ndarray, idx: tuple[int, ...]) -> np.ndarray:
    v = (x[list(idx)] * counts[list(idx), None]).sum(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-9)


class _Margins:
    """Ratio margins between bead vectors and single sentences of a page's halves."""

    def __init__(self, h: Halves) -> None:
        self.h = h

    def vi_mean(self, v: np.ndarray) -> float:
        return float(knn_mean(v[None, :], self.h.xe, self.h.k, background=self.h.bg_en)[0])

    def en_mean(self, e: np.ndarray) -> float:
        return float(knn_mean(e[None, :], self.h.xv, self.h.k, background=self.h.bg_vi)[0])


def _tokens(text: str) -> tuple[set[str], set[str]]:
    """Carry-over tokens: (numbers, URLs and acronyms), (capitalised Latin words)."""
    nums = {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text)}
    nums |= {u.casefold() for u in _URL.findall(text)} | set(_ACRONYM.findall(text))
    names = {m.group() for m in _NAME.finditer(text) if not _STARTS.search(text[: m.start()])}
    return nums, names


def _carry(vi: str, en: str) -> tuple[float, float, float, float]:
    """Carried tokens found on the other side, and missing from it, capped at 3 each."""
    nv, _ = _tokens(vi)
    ne, names = _tokens(en)
    num_match = len(nv & ne)
    num_miss = len(nv ^ ne)
    folded = vi.casefold()
    name_match = sum(1 for w in names if w.casefold() in folded)
    name_miss = len(names) - name_match
    return (float(min(num_match, 3)), float(min(num_miss, 3)), float(min(name_match, 3)),
            float(min(name_miss, 3)))


def _punct(vi: str, en: str) -> tuple[float, float]:
    """Question marks on one side only; other marks (! : quotes) on one side only."""
    question = float(("?" in vi) != ("?" in en))
    other = sum(float((c in vi) != (c in en)) for c in "!:")
    other += float(any(q in vi for q in _QUOTES) != any(q in en for q in _QUOTES))
    return question, other


def bead_features(h: Halves, candidates: list[Candidate]) -> np.ndarray:
    """One feature row (in ``FEATURES`` order) per candidate bead of a page."""
    out = np.zeros((len(candidates), len(FEATURES)), dtype=np.float64)
    if not candidates:
        return out
    mg = _Margins(h)
    margins: list[float] = []
    rows: list[dict[str, float]] = []
    for c in candidates:
        v = _bead_vector(h.xv, h.cv, c.vi)
        e = _bead_vector(h.xe, h.ce, c.en)
        mv = mg.vi_mean(v) if len(c.vi) > 1 else float(h.mv[c.vi[0]])
        me = mg.en_mean(e) if len(c.en) > 1 else float(h.me[c.en[0]])
        cos = float(v @ e)
        margin = cos / max((mv + me) / 2.0, 1e-6)
        # each sentence of a merged bead against the other side's whole bead
        parts = [float(h.xv[i] @ e) / max((h.mv[i] + me) / 2.0, 1e-6) for i in c.vi]
        parts += [float(h.xe[j] @ v) / max((h.me[j] + mv) / 2.0, 1e-6) for j in c.en]
        merged = len(c.vi) + len(c.en) > 2
        worst = min(parts) if merged else margin
        gain = margin - max(parts) if merged else 0.0
        # the best competitor: another sentence of the page against this bead's other side
        other_en = [j for j in range(len(h.en)) if j not in c.en]
        other_vi = [i for i in range(len(h.vi)) if i not in c.vi]
        rivals = [1.0]
        if other_en:
            rivals.append(float(np.max((h.xe[other_en] @ v)
                                       / np.maximum((h.me[other_en] + mv) / 2.0, 1e-6))))
        if other_vi:
            rivals.append(float(np.max((h.xv[other_vi] @ e)
                                       / np.maximum((h.mv[other_vi] + me) / 2.0, 1e-6))))
        vi_text = " ".join(h.vi[i] for i in c.vi)
        en_text = " ".join(h.en[j] for j in c.en)
        lv, le = len(vi_text), len(en_text)
        ratio = math.log((le + 1.0) / (lv + 1.0))
        num_match, num_miss, name_match, name_miss = _carry(vi_text, en_text)
        question, punct = _punct(vi_text, en_text)
        blocks = {h.bv[i] for i in c.vi} | {h.be[j] for j in c.en}
        margins.append(margin)
        rows.append({
            "margin": margin, "cosine": cos, "worst_part": worst, "merge_gain": gain,
            "rival_gap": margin - max(rivals), "shape": float(len(c.vi) + len(c.en) - 2),
            "len_ratio": ratio, "len_ratio_sq": ratio * ratio,
            "short_side": math.log(1.0 + min(lv, le)), "num_match": num_match,
            "num_miss": num_miss, "name_match": name_match, "name_miss": name_miss,
            "question_miss": question, "punct_miss": punct,
            "out_of_order": float(c.found == LATER), "gap_fill": float(c.found == GAP),
            "same_line": float(len(blocks) == 1),
        })
    _neighbours(candidates, margins, rows)
    for r, c in enumerate(candidates):
        # against the other extents of the same bead: is this the best of them?
        others = [margins[k] for k, o in enumerate(candidates) if o.group == c.group and k != r]
        rows[r]["group_gap"] = margins[r] - max(others) if others else 0.0
    for r, row in enumerate(rows):
        out[r] = [row[name] for name in FEATURES]
    return out


def _neighbours(candidates: list[Candidate], margins: list[float],
                rows: list[dict[str, float]]) -> None:
    """Order and strength of each bead's neighbours on the page (other groups only): the
    share of the nearest beads before and after it (in Vietnamese order) that are also
    before and after it in English, and their mean margin (1.0 without neighbours)."""
    heads = [(min(c.vi), min(c.en), max(c.vi), max(c.en)) for c in candidates]
    for r, c in enumerate(candidates):
        v0, e0, v1, e1 = heads[r]
        before = [k for k, o in enumerate(candidates)
                  if o.group != c.group and heads[k][2] < v0]
        after = [k for k, o in enumerate(candidates)
                 if o.group != c.group and heads[k][0] > v1]
        near = []
        if before:
            near.append(max(before, key=lambda k: heads[k][2]))
        if after:
            near.append(min(after, key=lambda k: heads[k][0]))
        agree = [float(heads[k][3] < e0) if heads[k][2] < v0 else float(heads[k][1] > e1)
                 for k in near]
        rows[r]["neighbour_order"] = float(np.mean(agree)) if agree else 0.5
        rows[r]["neighbour_margin"] = (float(np.mean([margins[k] for k in near]))
                                       if near else 1.0)


def sub_beads(vi: tuple[int, ...], en: tuple[int, ...]) -> list[tuple[tuple[int, ...],
                                                                      tuple[int, ...]]]:
    """Every bead made of a contiguous part of each side, the whole bead excepted: the
    other extents a merged bead could have had (a 2-1 that should be a 1-1 and a leftover)."""
    def parts(side: tuple[int, ...]) -> list[tuple[int, ...]]:
        return [side[a:b] for a in range(len(side)) for b in range(a + 1, len(side) + 1)]

    return [(pv, pe) for pv in parts(vi) for pe in parts(en) if (pv, pe) != (vi, en)]
