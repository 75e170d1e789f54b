"""``align evaluate``: score predicted files against gold files, or two directories of them.

The kind of each file (beads, pairs, leftovers) is read from its content; each kind has one
entry in ``KINDS`` that says how to read it, count hits and turn counts into a score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.errors import InputError
from align.eval.beads import read_beads
from align.eval.metrics import BeadScore, document_counts
from align.eval.scores import LeftoverScore, PairScore, leftover_counts, pair_counts
from align.eval.tables import detect_kind, read_leftovers, read_pairs
from align.records import Reason


@dataclass(frozen=True)
class Kind:
    """How one kind of file is read, counted and scored."""

    read: Callable[[Path], list]
    counts: Callable[[list, list, tuple[str, ...]], Any]
    score: Callable[[Any, int, tuple[str, ...]], Any]


KINDS: dict[str, Kind] = {
    "beads": Kind(read_beads, lambda g, p, _r: document_counts(g, p),
                  lambda c, n, _r: BeadScore.from_counts(c, n)),
    "pairs": Kind(read_pairs, lambda g, p, _r: pair_counts(g, p),
                  lambda c, n, _r: PairScore.from_counts(c, n)),
    "leftovers": Kind(read_leftovers, leftover_counts, LeftoverScore.from_counts),
}


@dataclass
class Evaluation:
    """Micro-averaged scores per kind plus what could not be matched, file by file."""

    scores: dict[str, Any] = field(default_factory=dict)  # kind -> score object
    files: dict[str, dict] = field(default_factory=dict)  # name -> {"kind", "score"}
    missing: list[str] = field(default_factory=list)  # gold without prediction (all missed)
    unmatched: list[str] = field(default_factory=list)  # prediction without gold
    skipped: list[str] = field(default_factory=list)  # gold files of no known kind

    def as_dict(self) -> dict:
        """JSON-able: ``{kind: score dict or None, "files", "missing", "unmatched", "skipped"}``."""
        out: dict = {k: (self.scores[k].as_dict() if k in self.scores else None) for k in KINDS}
        out.update(files=self.files, missing=self.missing, unmatched=self.unmatched,
                   skipped=self.skipped)
        return out

    def lines(self) -> list[str]:
        """The human-readable report: one line per score, then what did not match."""
        out = [str(self.scores[k]) if k == "leftovers" else f"{k}: {self.scores[k]}"
               for k in KINDS if k in self.scores]
        for key in ("missing", "unmatched", "skipped"):
            names = getattr(self, key)
            if names:
                out.append(f"{key}: {', '.join(names)}")
        return out


def _files(root: Path) -> dict[str, Path]:
    """Regular, non-hidden files under ``root`` by POSIX relative name."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = p
    return out


def evaluate(gold: str | Path, pred: str | Path, *,
             reasons: Iterable[str] = (Reason.UNTRANSLATED,)) -> Evaluation:
    """Score predicted files against gold files (two files, or two directories matched by
    relative name); missing predictions count as all missed."""
    gold, pred, reasons = Path(gold), Path(pred), tuple(str(r) for r in reasons)
    for p in (gold, pred):
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
    if gold.is_dir() != pred.is_dir():
        what = "a directory" if gold.is_dir() else "a file"
        raise InputError(f"{pred}: gold {gold} is {what}, so the prediction must be too")
    if gold.is_dir():
        gold_files, pred_files = _files(gold), _files(pred)
    else:
        gold_files, pred_files = {gold.name: gold}, {gold.name: pred}

    result = Evaluation(unmatched=sorted(set(pred_files) - set(gold_files)))
    totals: dict[str, Any] = {}
    n_docs: dict[str, int] = {}
    for name, g in gold_files.items():
        p = pred_files.get(name)
        kind = detect_kind(g)
        pkind = detect_kind(p) if p else "empty"
        if kind == "empty":
            kind = pkind
        if kind in ("empty", "unknown"):
            if not gold.is_dir():
                raise InputError(f"{g}:1: not a bead file or a pairs/leftovers TSV")
            result.skipped.append(name)
            continue
        if pkind not in ("empty", kind):
            raise InputError(f"{p}:1: is a {pkind} file but gold {g} holds {kind}")
        if p is None:
            result.missing.append(name)
        spec = KINDS[kind]
        counts = spec.counts(spec.read(g), spec.read(p) if pkind != "empty" else [], reasons)
        totals[kind] = totals[kind] + counts if kind in totals else counts
        n_docs[kind] = n_docs.get(kind, 0) + 1
        result.files[name] = {"kind": kind, "score": spec.score(counts, 1, reasons).as_dict()}
    for kind, counts in totals.items():
        result.scores[kind] = KINDS[kind].score(counts, n_docs[kind], reasons)
    return result


def evaluate_paths(gold: str | Path, pred: str | Path, *,
                   reasons: Iterable[str] = (Reason.UNTRANSLATED,)) -> dict:
    """``evaluate(...).as_dict()``: the JSON form that ``align evaluate --json`` prints."""
    return evaluate(gold, pred, reasons=reasons).as_dict()
