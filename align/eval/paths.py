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
from align.eval.matching import page_key
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
    if gold.is_dir() and not pred.is_dir():
        return _evaluate_by_page(gold, pred, reasons)
    if pred.is_dir() and not gold.is_dir():
        raise InputError(f"{pred}: gold {gold} is a file, so the prediction must be too")
    if gold.is_dir():
        gold_files, pred_files = _files(gold), _files(pred)
        if pred_files and gold_files and not set(pred_files) & set(gold_files):
            raise InputError(f"{pred}: no file matches a gold file by name (gold has "
                             f"{next(iter(gold_files))}, prediction {next(iter(pred_files))})")
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


_GOLD_SUFFIX = {"pairs": ".pairs.tsv", "leftovers": ".leftovers.tsv"}


def _evaluate_by_page(gold: Path, pred: Path, reasons: tuple[str, ...]) -> Evaluation:
    """A whole-corpus TSV (a ``page`` column) against a gold folder of ``<page>.pairs.tsv``
    and ``<page>.leftovers.tsv``: each page's rows are scored against that page's gold."""
    kind = detect_kind(pred)
    if kind not in _GOLD_SUFFIX:
        raise InputError(f"{pred}: gold {gold} is a directory; a single prediction file must be "
                         "a pairs or leftovers TSV with a page column")
    spec, suffix = KINDS[kind], _GOLD_SUFFIX[kind]
    rows = spec.read(pred)
    if any(r.page is None for r in rows):
        raise InputError(f"{pred}: gold {gold} is a directory, and this file has no page "
                         "column to match its rows to the gold pages")
    by_page: dict[str, list] = {}
    for r in rows:
        by_page.setdefault(page_key(r.page), []).append(r)
    golds = {name[: -len(suffix)]: path for name, path in _files(gold).items()
             if name.endswith(suffix)}
    if not golds:
        raise InputError(f"{gold}: holds no *{suffix} files to score {pred} against")
    if by_page and not set(by_page) & {page_key(k) for k in golds}:
        raise InputError(f"{pred}: none of its pages has gold in {gold}")
    result = Evaluation(unmatched=sorted(set(by_page) - {page_key(k) for k in golds}))
    total, n = None, 0
    for name, path in golds.items():
        pred_rows = by_page.get(page_key(name), [])  # a page may rightly have no rows
        counts = spec.counts(spec.read(path), pred_rows, reasons)
        total = counts if total is None else total + counts
        n += 1
        result.files[name + suffix] = {"kind": kind,
                                       "score": spec.score(counts, 1, reasons).as_dict()}
    result.scores[kind] = spec.score(total, n, reasons)
    return result


def evaluate_paths(gold: str | Path, pred: str | Path, *,
                   reasons: Iterable[str] = (Reason.UNTRANSLATED,)) -> dict:
    """``evaluate(...).as_dict()``: the JSON form that ``align evaluate --json`` prints."""
    return evaluate(gold, pred, reasons=reasons).as_dict()
