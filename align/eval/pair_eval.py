"""Evaluate pair and leftover TSVs against gold TSVs, whatever the sentence segmentation.

The tool's pairs and leftovers carry texts, not indices into a fixed sentence list, and the gold
may split sentences differently, so matching works on normalised text (NFC, casefold, collapsed
whitespace, surrounding punctuation and quotes stripped):

* pairs, strict: the predicted (vi, en) equals a gold (vi, en);
* pairs, lax: the predicted and a gold pair overlap on both sides, i.e. on each side one text
  contains the other (word-bounded) or the two share a sentence;
* leftovers (rows whose reason is ``untranslated`` by default): a predicted row is a hit when each
  of its sentences lies inside some gold leftover text of the same language; a gold text is
  recalled when each of its sentences lies inside some predicted row of the same language.

Precision runs over predicted rows, recall over gold rows; counts are summed over files (micro
average) as for beads. When both sides have a ``page`` column (and one holds several pages),
rows only match within the same page, pages being compared by file stem (``pages/a.txt`` = ``a``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path

from align.errors import InputError
from align.eval.beads import read_beads
from align.eval.metrics import BeadCounts, BeadScore, document_counts

UNTRANSLATED = "untranslated"
KINDS = ("beads", "pairs", "leftovers")

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’»)\]]))\s+")
_BEAD_LINE = re.compile(r"^\[[\d,\s]*\]\s*:\s*\[[\d,\s]*\]\s*(:.*)?$")


# --- text matching ---------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """NFC, casefold, collapse whitespace, strip surrounding punctuation and quotes."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", text).casefold())
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def sentence_pieces(text: str) -> list[str]:
    """Normalised sentences of a text, split after ``. ! ? …`` followed by whitespace."""
    parts = _SENTENCE_END.split(unicodedata.normalize("NFC", text))
    return [p for p in (normalize_text(x) for x in parts) if p]


def _words(text: str) -> str:
    """Word tokens padded with spaces, so ``in`` tests containment on word boundaries."""
    words = _WORD.findall(text)
    return f" {' '.join(words)} " if words else ""


@dataclass(frozen=True)
class _Text:
    """A text prepared for matching: normalised form, word string, sentence pieces."""

    norm: str
    words: str
    pieces: frozenset[str]
    piece_words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _Text:
        pieces = sentence_pieces(text)
        piece_words = tuple(w for w in (_words(p) for p in pieces) if w)
        return cls(normalize_text(text), _words(normalize_text(text)), frozenset(pieces),
                   piece_words)

    def overlaps(self, other: _Text) -> bool:
        """One text contains the other, or they share a sentence; empty texts never overlap."""
        if not self.words or not other.words:
            return False
        return (self.words in other.words or other.words in self.words
                or not self.pieces.isdisjoint(other.pieces))

    def inside(self, texts: Iterable[_Text]) -> bool:
        """Every sentence of this text lies inside one of ``texts`` (not necessarily the same)."""
        pool = [t.words for t in texts if t.words]
        return bool(self.piece_words) and all(
            any(pw in w for w in pool) for pw in self.piece_words
        )


# --- rows and files --------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    """One pair of a pairs TSV; ``page`` is None when the file has no page column."""

    vi: str
    en: str
    page: str | None = None


@dataclass(frozen=True)
class LeftoverRow:
    """One row of a leftovers TSV; gold files without a reason column mean ``untranslated``."""

    lang: str
    text: str
    reason: str = UNTRANSLATED
    page: str | None = None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) without line ends; raw TSV texts never hold newlines."""
    for n, line in enumerate(text.split("\n"), start=1):
        yield n, line.rstrip("\r")


def parse_tsv(text: str, source: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a raw TSV with a header, as dicts keyed by lower-cased column name.

    Columns are found by name; a row may omit trailing columns but not required ones.
    """
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    need = 0
    for n, line in _lines(text):
        if header is None:
            if not line.strip():
                continue
            header = [c.strip().lower() for c in line.split("\t")]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(f"{source}:{n}: header lacks column(s) {', '.join(missing)}")
            if len(set(header)) != len(header):
                raise InputError(f"{source}:{n}: header repeats a column name")
            need = max(header.index(c) for c in required) + 1
            continue
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > len(header) or len(fields) < need:
            raise InputError(f"{source}:{n}: expected {len(header)} tab-separated fields, "
                             f"found {len(fields)}")
        rows.append(dict(zip(header, fields, strict=False)))
    if header is None:
        raise InputError(f"{source}:1: empty file, expected a TSV header")
    return rows


def read_pairs(path: str | Path) -> list[PairRow]:
    """Rows of a pairs TSV (predicted or gold): columns ``vi``, ``en``, optional ``page``."""
    path = Path(path)
    rows = parse_tsv(_read_text(path), str(path), ("vi", "en"))
    return [PairRow(r["vi"], r["en"], r.get("page")) for r in rows]


def read_leftovers(path: str | Path) -> list[LeftoverRow]:
    """Rows of a leftovers TSV: ``lang``, ``text``, optional ``reason`` and ``page``."""
    path = Path(path)
    rows = parse_tsv(_read_text(path), str(path), ("lang", "text"))
    return [
        LeftoverRow(r["lang"].strip().lower(), r["text"],
                    r.get("reason", "").strip() or UNTRANSLATED, r.get("page"))
        for r in rows
    ]


def detect_kind(path: str | Path) -> str:
    """``beads``, ``pairs``, ``leftovers``, ``empty`` (nothing but blank lines) or ``unknown``,
    from the first non-blank line of the file."""
    for _, line in _lines(_read_text(Path(path))):
        line = line.strip("\ufeff")
        if not line.strip():
            continue
        if _BEAD_LINE.match(line.strip()):
            return "beads"
        cols = {c.strip().lower() for c in line.split("\t")}
        if {"vi", "en"} <= cols:
            return "pairs"
        if {"lang", "text"} <= cols:
            return "leftovers"
        return "unknown"
    return "empty"


# --- pages -----------------------------------------------------------------------------------


def _page_key(page: str) -> str:
    """A page name compared by file stem, so a path and a bare name can match."""
    name = page.strip().replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def _page_of(gold: list, pred: list) -> Callable[[PairRow | LeftoverRow], str]:
    """How rows are grouped: by page key when both sides name pages and there are several."""
    rows = gold + pred
    if rows and all(r.page is not None for r in rows):
        g = {_page_key(r.page) for r in gold}
        p = {_page_key(r.page) for r in pred}
        if len(g) > 1 or len(p) > 1:
            return lambda r: _page_key(r.page or "")
    return lambda r: ""


# --- pair scores -----------------------------------------------------------------------------


class PairScore(BeadScore):
    """Strict/lax P/R/F1 of predicted pairs (``counts.test`` = predicted rows)."""

    unit = "pairs"


def pair_counts(gold: list[PairRow], pred: list[PairRow]) -> BeadCounts:
    """Strict and lax hit counts of one file's predicted pairs against its gold pairs."""
    page_of = _page_of(gold, pred)
    prepared: dict[str, list[list[tuple[str, str, _Text, _Text]]]] = defaultdict(lambda: [[], []])
    for side, rows in enumerate((gold, pred)):
        for r in rows:
            vi, en = _Text.of(r.vi), _Text.of(r.en)
            prepared[page_of(r)][side].append((vi.norm, en.norm, vi, en))

    def hits(rows: list, others: list) -> tuple[int, int]:
        keys = {(o[0], o[1]) for o in others}
        strict = lax = 0
        for r in rows:
            if (r[0], r[1]) in keys:
                strict += 1
                lax += 1
            elif any(r[2].overlaps(o[2]) and r[3].overlaps(o[3]) for o in others):
                lax += 1
        return strict, lax

    total = BeadCounts()
    for g, p in prepared.values():
        ps, pl = hits(p, g)
        gs, gl = hits(g, p)
        total += BeadCounts(len(p), ps, pl, len(g), gs, gl)
    return total


def score_pairs(docs: Iterable[tuple[list[PairRow], list[PairRow]]]) -> PairScore:
    """Score ``(gold, predicted)`` pair lists, one per file, micro-averaged."""
    total, n = BeadCounts(), 0
    for gold, pred in docs:
        total += pair_counts(gold, pred)
        n += 1
    return PairScore.from_counts(total, n)


# --- leftover scores -------------------------------------------------------------------------


@dataclass(frozen=True)
class LeftoverCounts:
    """Predicted rows inside the gold leftovers, and gold texts covered by predicted rows."""

    pred: int = 0
    pred_hits: int = 0
    gold: int = 0
    gold_hits: int = 0

    def __add__(self, other: LeftoverCounts) -> LeftoverCounts:
        return LeftoverCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class LeftoverScore:
    """Precision, recall and F1 of the leftovers with the chosen reasons."""

    p: float
    r: float
    f1: float
    counts: LeftoverCounts
    n_docs: int
    reasons: tuple[str, ...] = field(default=(UNTRANSLATED,))

    @classmethod
    def from_counts(cls, counts: LeftoverCounts, n_docs: int,
                    reasons: Iterable[str] = (UNTRANSLATED,)) -> LeftoverScore:
        p = counts.pred_hits / counts.pred if counts.pred else 0.0
        r = counts.gold_hits / counts.gold if counts.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f1, counts, n_docs, tuple(reasons))

    def as_dict(self) -> dict[str, float | int | list[str]]:
        """Flat dict: ``p``, ``r``, ``f1`` floats, the counts, ``n_docs`` and ``reasons``."""
        return {"p": self.p, "r": self.r, "f1": self.f1, **asdict(self.counts),
                "n_docs": self.n_docs, "reasons": list(self.reasons)}

    def __str__(self) -> str:
        c = self.counts
        return (f"leftovers ({','.join(self.reasons)}): P={self.p:.4f} R={self.r:.4f} "
                f"F1={self.f1:.4f} | {c.pred} predicted / {c.gold} gold rows, {self.n_docs} docs")


def leftover_counts(gold: list[LeftoverRow], pred: list[LeftoverRow],
                    reasons: Iterable[str] = (UNTRANSLATED,)) -> LeftoverCounts:
    """Hit counts of one file's leftovers; rows with other reasons or no words are ignored."""
    wanted = set(reasons)
    gold = [r for r in gold if r.reason in wanted]
    pred = [r for r in pred if r.reason in wanted]
    page_of = _page_of(gold, pred)
    groups: dict[tuple[str, str], list[list[_Text]]] = defaultdict(lambda: [[], []])
    for side, rows in enumerate((gold, pred)):
        for r in rows:
            t = _Text.of(r.text)
            if t.piece_words:
                groups[page_of(r), r.lang.strip().lower()][side].append(t)
    total = LeftoverCounts()
    for g, p in groups.values():
        total += LeftoverCounts(len(p), sum(t.inside(g) for t in p),
                                len(g), sum(t.inside(p) for t in g))
    return total


def score_leftovers(docs: Iterable[tuple[list[LeftoverRow], list[LeftoverRow]]],
                    reasons: Iterable[str] = (UNTRANSLATED,)) -> LeftoverScore:
    """Score ``(gold, predicted)`` leftover lists, one per file, micro-averaged."""
    reasons = tuple(reasons)
    total, n = LeftoverCounts(), 0
    for gold, pred in docs:
        total += leftover_counts(gold, pred, reasons)
        n += 1
    return LeftoverScore.from_counts(total, n, reasons)


# --- files and directories -------------------------------------------------------------------


def _files(root: Path) -> dict[str, Path]:
    """Regular, non-hidden files under ``root`` by POSIX relative name."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = p
    return out


def _file_counts(kind: str, gold: Path, pred: Path | None,
                 reasons: tuple[str, ...]) -> BeadCounts | LeftoverCounts:
    if kind == "beads":
        return document_counts(read_beads(gold), read_beads(pred) if pred else [])
    if kind == "pairs":
        return pair_counts(read_pairs(gold), read_pairs(pred) if pred else [])
    return leftover_counts(read_leftovers(gold), read_leftovers(pred) if pred else [], reasons)


def _file_score(kind: str, counts: BeadCounts | LeftoverCounts, reasons: tuple[str, ...]):
    if kind == "beads":
        return BeadScore.from_counts(counts, 1)
    if kind == "pairs":
        return PairScore.from_counts(counts, 1)
    return LeftoverScore.from_counts(counts, 1, reasons)


def evaluate_paths(gold: str | Path, pred: str | Path, *,
                   reasons: Iterable[str] = (UNTRANSLATED,)) -> dict:
    """Score predicted files against gold files (two files, or two directories matched by
    relative name); the kind of each file (beads, pairs, leftovers) is read from its content.

    Returns ``{"beads"|"pairs"|"leftovers": micro-averaged score dict or None, "files":
    {name: {"kind", "score"}}, "missing": gold names without prediction (scored as all
    missed), "unmatched": prediction names without gold, "skipped": gold names of no kind}``.
    """
    gold, pred, reasons = Path(gold), Path(pred), tuple(reasons)
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

    totals: dict[str, BeadCounts | LeftoverCounts] = {}
    n_docs: dict[str, int] = defaultdict(int)
    files: dict[str, dict] = {}
    missing, skipped = [], []
    for name, g in gold_files.items():
        p = pred_files.get(name)
        kind = detect_kind(g)
        pkind = detect_kind(p) if p else "empty"
        if kind == "empty":
            kind = pkind
        if kind in ("empty", "unknown"):
            if not gold.is_dir():
                raise InputError(f"{g}:1: not a bead file or a pairs/leftovers TSV")
            skipped.append(name)
            continue
        if pkind not in ("empty", kind):
            raise InputError(f"{p}:1: is a {pkind} file but gold {g} holds {kind}")
        if p is None:
            missing.append(name)
        counts = _file_counts(kind, g, p if pkind != "empty" else None, reasons)
        totals[kind] = totals[kind] + counts if kind in totals else counts
        n_docs[kind] += 1
        files[name] = {"kind": kind,
                       "score": _file_score(kind, counts, reasons).as_dict()}

    result: dict = {}
    for kind in KINDS:
        if kind not in totals:
            result[kind] = None
        elif kind == "beads":
            result[kind] = BeadScore.from_counts(totals[kind], n_docs[kind]).as_dict()
        elif kind == "pairs":
            result[kind] = PairScore.from_counts(totals[kind], n_docs[kind]).as_dict()
        else:
            result[kind] = LeftoverScore.from_counts(totals[kind], n_docs[kind],
                                                     reasons).as_dict()
    result.update(files=files, missing=missing,
                  unmatched=sorted(set(pred_files) - set(gold_files)), skipped=skipped)
    return result
