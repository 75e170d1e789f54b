"""The review document: every page as units in page order, each with its fate, plus the pairs.

A *unit* is what the review page shows as one line: a sentence of a content block, or a whole
set-aside block (boilerplate, duplicate, neutral, other language). Pairs point at units by
their position in the page's list. The document is plain JSON, built from the API's
``PageAlignment`` records, from pair/leftover TSVs already written, or from ``align parallel``
beads, and rendered by ``align.review.page``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError
from align.eval.beads import read_beads
from align.eval.tables import detect_kind, parse_tsv
from align.records import EN, NEUTRAL, VI, Leftover, PageAlignment, Pair, Reason, Sentence
from align.text.normalize import one_line

FORMAT = "align-review/1"
PAIRED = "paired"
LOW_SCORE = str(Reason.LOW_SCORE)

_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’»)\]]))\s+")


@dataclass
class Unit:
    """One line of the page view: a language, a fate (``paired`` or a reason) and a text."""

    lang: str
    fate: str
    text: str

    def as_row(self) -> list[str]:
        return [self.lang, self.fate, self.text]


@dataclass
class ReviewPair:
    """A bead by unit positions; ``score`` is None where the source gave none."""

    vi: list[int]
    en: list[int]
    score: float | None = None

    def as_row(self) -> list:
        return [self.vi, self.en, None if self.score is None else round(self.score, 4)]


@dataclass
class ReviewPage:
    """One page: its units in page order and its pairs."""

    name: str
    units: list[Unit] = field(default_factory=list)
    pairs: list[ReviewPair] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"name": self.name, "units": [u.as_row() for u in self.units],
                "pairs": [p.as_row() for p in self.pairs]}


@dataclass
class ReviewDoc:
    """Everything the review page shows. ``mode`` is ``mixed`` or ``parallel`` (then the two
    sides are labelled by ``labels`` and a bead file can be downloaded as well)."""

    pages: list[ReviewPage]
    title: str = "alignment review"
    mode: str = "mixed"
    labels: tuple[str, str] = (VI, EN)
    min_score: float | None = None

    def as_dict(self) -> dict:
        body = {"format": FORMAT, "title": self.title, "mode": self.mode,
                "labels": list(self.labels), "min_score": self.min_score,
                "pages": [p.as_dict() for p in self.pages]}
        # the id keys the browser's saved edits: the same document reopened finds them again
        digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True)
                                .encode("utf-8")).hexdigest()[:16]
        return {**body, "id": digest}

    def counts(self) -> dict[str, int]:
        """Pages, pairs, units and units by fate: what the page's header shows."""
        out: dict[str, int] = defaultdict(int)
        out["pages"] = len(self.pages)
        for page in self.pages:
            out["pairs"] += len(page.pairs)
            out["units"] += len(page.units)
            for u in page.units:
                out[u.fate] += 1
        return dict(out)


# --- from the API's records -------------------------------------------------------------------


def page_from_alignment(result: PageAlignment, min_score: float | None = None) -> ReviewPage:
    """A review page from one ``PageAlignment``; pairs scoring below ``min_score`` are kept as
    pairs whose sentences are marked ``low_score``."""
    by_index: dict[int, Sentence] = {s.index: s for s in result.sentences}
    keyed: list[tuple[tuple[int, int], Unit]] = []
    unit_of: dict[int, tuple[int, int]] = {}
    for pair in result.pairs:
        low = min_score is not None and pair.score < min_score
        for s in (*pair.vi, *pair.en):
            unit_of[s.index] = (s.block, s.index)
            keyed.append(((s.block, s.index), Unit(s.lang, LOW_SCORE if low else PAIRED, s.text)))
    for left in result.leftovers:
        if not left.sentences:
            keyed.append(((left.block, -1), Unit(left.lang, left.reason, one_line(left.text))))
            continue
        for i in left.sentences:
            s = by_index.get(i)
            text, lang = (s.text, s.lang) if s else (left.text, left.lang)
            keyed.append(((left.block, i), Unit(lang, left.reason, text)))
    keyed.sort(key=lambda kv: kv[0])
    position = {key: n for n, (key, _) in enumerate(keyed)}
    pairs = [ReviewPair([position[unit_of[s.index]] for s in p.vi],
                        [position[unit_of[s.index]] for s in p.en], p.score)
             for p in result.pairs]
    return ReviewPage(result.page, [u for _, u in keyed], pairs)


def from_alignments(results: list[PageAlignment], min_score: float | None = None,
                    title: str = "alignment review") -> ReviewDoc:
    """A review document from ``align mixed`` / API results."""
    return ReviewDoc([page_from_alignment(r, min_score) for r in results], title=title,
                     min_score=min_score)


# --- from TSV outputs ------------------------------------------------------------------------


def _ids(value: str | None) -> list[int]:
    if not value or not value.strip():
        return []
    try:
        return [int(x) for x in value.split(",") if x.strip()]
    except ValueError:
        return []


def _pieces(text: str, n: int) -> list[str]:
    """A merged side's text cut back into its ``n`` sentences when the cut is unambiguous."""
    if n > 1:
        parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
        if len(parts) == n:
            return parts
    return [text]


def _stem(name: str) -> str:
    for suffix in (".pairs.tsv", ".leftovers.tsv", ".tsv"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _from_draft(name: str, pair_rows: list[dict], left_rows: list[dict],
                roots: list[Path]) -> PageAlignment | None:
    """Rebuild the exact ``PageAlignment`` when the page file can still be read and split the
    same way (every pair's and leftover's ids give back its text); None otherwise."""
    from align.io.reader import read_page
    from align.text.page import draft_page

    path = next((r / name for r in roots if (r / name).is_file()), None)
    if path is None or not all(r.get("vi_ids") is not None for r in pair_rows):
        return None
    try:
        draft = draft_page(read_page(path), name, normalized=True)
    except Exception:  # any failure only means the approximate order is used
        return None
    sents = {s.index: s for s in draft.sentences}

    def take(ids: list[int], text: str) -> list[Sentence] | None:
        got = [sents.get(i) for i in ids]
        if not ids or None in got or one_line(" ".join(s.text for s in got)) != one_line(text):
            return None
        return got

    pairs, leftovers = [], []
    for r in pair_rows:
        vi, en = take(_ids(r.get("vi_ids")), r["vi"]), take(_ids(r.get("en_ids")), r["en"])
        if vi is None or en is None:
            return None
        pairs.append(Pair(vi, en, _score(r.get("score")) or 0.0))
    blocks = {b.index: b for b in draft.blocks}
    for r in left_rows:
        ids = _ids(r.get("ids"))
        block = _ids(r.get("block"))
        if ids and take(ids, r.get("text", "")) is None:
            return None
        if not ids and (not block or block[0] not in blocks
                        or one_line(blocks[block[0]].text) != one_line(r.get("text", ""))):
            return None  # a set-aside block that is not where the page has it now
        dup = _ids(r.get("duplicate_of"))
        leftovers.append(Leftover(r.get("lang", ""), r.get("reason", "untranslated"),
                                  r.get("text", ""), block[0] if block else -1, ids,
                                  dup[0] if dup else None))
    return PageAlignment(name, pairs, leftovers, draft.blocks, draft.sentences)


def _score(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _approximate_page(name: str, pair_rows: list[dict], left_rows: list[dict]) -> ReviewPage:
    """Page order from sentence ids alone: sentences are exact; a set-aside block is put after
    the last sentence known to come from an earlier block (pairs do not record blocks)."""
    keyed: list[tuple[tuple[float, int, int], Unit]] = []
    anchors: list[tuple[int, int]] = []  # (block, sentence id) of leftovers with ids
    for r in left_rows:
        block, ids = _ids(r.get("block")), _ids(r.get("ids"))
        if block and ids:
            anchors.extend((block[0], i) for i in ids)
    sides: list[tuple[list[int], list[int], float | None]] = []
    row = 0
    for r in pair_rows:
        score = _score(r.get("score"))
        refs: list[list[int]] = [[], []]
        for side, (lang, col) in enumerate(((VI, "vi_ids"), (EN, "en_ids"))):
            ids = _ids(r.get(col))
            texts = _pieces(r[lang], len(ids))
            if len(texts) != len(ids) or not ids:
                ids = [ids[0]] if ids else [10**9 + row]
            for i, t in zip(ids, texts, strict=False):
                refs[side].append(len(keyed))
                keyed.append(((float(i), -1, row), Unit(lang, PAIRED, t)))
            row += 1
        sides.append((refs[0], refs[1], score))
    for r in left_rows:
        block, ids = _ids(r.get("block")), _ids(r.get("ids"))
        unit = Unit(r.get("lang", NEUTRAL), r.get("reason") or "untranslated", r.get("text", ""))
        if ids:
            key = (float(ids[0]), -1, row)
        elif block:
            before = [i for b, i in anchors if b < block[0]]
            key = ((max(before) if before else -1) + 0.5, block[0], row)
        else:
            key = (10.0**9 + row, -1, row)
        keyed.append((key, unit))
        row += 1
    order = sorted(range(len(keyed)), key=lambda k: keyed[k][0])
    position = {old: new for new, old in enumerate(order)}
    pairs = [ReviewPair([position[k] for k in vi], [position[k] for k in en], s)
             for vi, en, s in sides]
    return ReviewPage(name, [keyed[k][1] for k in order], pairs)


def from_outputs(folder: str | Path, title: str | None = None,
                 page_roots: list[Path] | None = None) -> ReviewDoc:
    """A review document from the pair and leftover TSVs in ``folder`` (``align mixed``
    ``--out-dir`` files, or ``-o``/``--leftovers`` files holding several pages).

    Columns are read by header name. Where a page file named in the ``page`` column can still
    be read (relative to the current folder or to ``page_roots``), the page is split again so
    the order is exact; otherwise it follows the sentence ids (see ``_approximate_page``).
    """
    folder = Path(folder)
    files = [folder] if folder.is_file() else sorted(
        p for p in folder.rglob("*.tsv") if p.is_file())
    by_page: dict[str, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    low = False
    for path in files:
        kind = detect_kind(path)
        if kind not in ("pairs", "leftovers"):
            continue
        need = ("vi", "en") if kind == "pairs" else ("lang", "text")
        for r in parse_tsv(path.read_text("utf-8-sig"), str(path), need):
            page = (r.get("page") or "").strip() or _stem(path.name)
            by_page[page][0 if kind == "pairs" else 1].append(r)
            low = low or r.get("reason") == LOW_SCORE
    if not by_page:
        raise InputError(f"{folder}: no pairs or leftovers TSV (with a vi/en or lang/text "
                         "header) found")
    roots = [Path.cwd(), folder if folder.is_dir() else folder.parent, *(page_roots or [])]
    pages = []
    for name, (prs, lefts) in by_page.items():
        exact = _from_draft(name, prs, lefts, roots)
        pages.append(page_from_alignment(exact) if exact is not None
                     else _approximate_page(name, prs, lefts))
    return ReviewDoc(pages, title=title or folder.name)


# --- from parallel beads ---------------------------------------------------------------------


def from_parallel(src: str | Path, tgt: str | Path, beads: str | Path,
                  title: str | None = None) -> ReviewDoc:
    """A review document from ``align parallel`` input documents (one sentence per line) and
    its bead file: source lines then target lines, unpaired lines ``untranslated``."""
    from align.aligners.parallel import read_sentence_lines
    from align.io.reader import decode, read_bytes

    s_lines = read_sentence_lines(decode(read_bytes(src), str(src)))
    t_lines = read_sentence_lines(decode(read_bytes(tgt), str(tgt)))
    fates = ["untranslated"] * (len(s_lines) + len(t_lines))
    pairs = []
    off = len(s_lines)
    for bead in read_beads(beads):
        bad = [i for i in bead.src if i >= len(s_lines)] + [j for j in bead.tgt
                                                            if j >= len(t_lines)]
        if bad:
            raise InputError(f"{beads}: bead {list(bead.src)}:{list(bead.tgt)} points past "
                             "the end of its documents")
        if bead.src and bead.tgt:
            pairs.append(ReviewPair(list(bead.src), [off + j for j in bead.tgt], bead.score))
            for k in (*bead.src, *(off + j for j in bead.tgt)):
                fates[k] = PAIRED
    units = [Unit(VI, fates[i], t) for i, t in enumerate(s_lines)]
    units += [Unit(EN, fates[off + j], t) for j, t in enumerate(t_lines)]
    name = Path(beads).stem
    return ReviewDoc([ReviewPage(name, units, pairs)], title=title or name, mode="parallel",
                     labels=(Path(src).name, Path(tgt).name))
