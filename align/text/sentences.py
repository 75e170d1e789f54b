"""Sentence segmentation for Vietnamese and English paragraphs.

pysbd (MIT) does the work for both languages: its English rules handle abbreviations, decimal
numbers (``1.5``, ``1.500``), initials and quotes, and Vietnamese shares the punctuation
conventions. Vietnamese titles and abbreviations (``TS.``, ``PGS.``, ``TP.``) are protected
before segmentation so "TS. Nguyễn Văn A" stays one sentence. underthesea (Apache-2.0) was
tried: it splits after a full stop inside closing quotes and costs 2 s of import time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from align.records import EN, NEUTRAL, VI, Block, Run, Sentence
from align.text.langid import detect

#: Vietnamese abbreviations that end with a full stop and are followed by a name or number.
VI_ABBREVIATIONS = (
    "TS", "ThS", "PGS", "GS", "BS", "KS", "CN", "TP", "Q", "P", "TT", "NXB", "Tp", "Th.S",
    "PGS.TS", "GS.TS", "GS.TSKH", "TSKH", "BSCKII", "BSCKI", "ĐH", "Mr", "Mrs", "Ms", "Dr",
    "St", "v.v", "vv", "Tr", "tr", "Nxb", "Đ/c", "Lt", "Col", "Gen", "No",
)
_MASK = "\u2024"  # ONE DOT LEADER: looks like a dot, is not a sentence terminator for pysbd
_VI_ABBR = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(VI_ABBREVIATIONS, key=len, reverse=True))
    + r")\.(?=\s+[\w\d])",
    re.UNICODE,
)
_MAX_CHUNK = 5000  # pysbd is super-linear on very long inputs; cut them at safe points first
_HARD_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"“'‘(\[]?[A-ZÀ-Ỵ0-9])")
_TERMINATORS = frozenset(".!?…")
_CLOSERS = " \"”’')]»"
_WORDLIKE = re.compile(r"[^\W_]", re.UNICODE)


@lru_cache(maxsize=1)
def _segmenter():
    """pysbd's English segmenter, built once (owner: this module)."""
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _chunks(text: str) -> list[str]:
    """Cut text longer than ``_MAX_CHUNK`` at sentence-like breaks, then at spaces."""
    if len(text) <= _MAX_CHUNK:
        return [text]
    out: list[str] = []
    start = 0
    breaks = [m.end() for m in _HARD_BREAK.finditer(text)]
    bi = 0
    while len(text) - start > _MAX_CHUNK:
        limit = start + _MAX_CHUNK
        cut = None
        while bi < len(breaks) and breaks[bi] <= limit:
            if breaks[bi] > start:
                cut = breaks[bi]
            bi += 1
        if cut is None:
            space = text.rfind(" ", start + 1, limit)
            cut = space + 1 if space > start else limit
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, stripped and non-empty, in order.

    A piece without a letter or digit (a closing quote left after the full stop, a lone
    "...") is no sentence: it joins its neighbour.
    """
    text = text.strip()
    if not text:
        return []
    if _one_sentence_at_most(text):
        return [text]  # one sentence at most: pysbd is the costly part of reading a page
    masked = _VI_ABBR.sub(lambda m: m.group(1) + _MASK, text)
    sentences: list[str] = []
    for chunk in _chunks(masked):
        for segment in _segmenter().segment(chunk):
            for sent in _split_quotes(segment):
                sent = sent.replace(_MASK, ".").strip()
                if sent:
                    sentences.append(sent)
    return _attach_fragments(sentences)


def _one_sentence_at_most(text: str) -> bool:
    """No sentence-ending mark before the last one (closing quotes and brackets aside):
    nothing a segmenter could split."""
    return not any(c in _TERMINATORS for c in text.rstrip(_CLOSERS)[:-1])


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each quotation; an unclosed one runs to the end."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for k, c in enumerate(text):
        if c in "“«" or (c == '"' and open_at is None):
            if open_at is None:
                open_at = k + 1
        elif c in "”»" or c == '"':
            if open_at is not None:
                spans.append((open_at, k))
                open_at = None
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def _split_quotes(segment: str) -> list[str]:
    """Split a segment where pysbd's own rules split the text of a quotation inside it.

    pysbd never ends a sentence inside quotes, so a quoted speech of several sentences
    (``Ông nói: "Câu một. Câu hai."``) stays one unit; aligners need the sentences, and
    the translation is split the same way.
    """
    if _one_sentence_at_most(segment):
        return [segment]
    cuts: list[int] = []
    for start, end in _quoted_spans(segment):
        inner = segment[start:end]
        if _one_sentence_at_most(inner):
            continue
        pos = 0
        for k, piece in enumerate(_segmenter().segment(inner)):
            at = inner.find(piece, pos)
            if at < 0:
                break
            if k > 0 and piece.strip():
                cuts.append(start + at)
            pos = at + len(piece)
    if not cuts:
        return [segment]
    bounds = [0, *sorted(set(cuts)), len(segment)]
    return [segment[a:b] for a, b in pairwise(bounds)]


def _attach_fragments(sentences: list[str]) -> list[str]:
    """Join pieces with no letter or digit to the sentence before (or after, if first)."""
    out: list[str] = []
    pending = ""
    for sent in sentences:
        if not _WORDLIKE.search(sent):
            if out:
                out[-1] = f"{out[-1]} {sent}"
            else:
                pending = f"{pending} {sent}".strip()
            continue
        out.append(f"{pending} {sent}".strip() if pending else sent)
        pending = ""
    if pending:
        out.append(pending)  # nothing but punctuation: keep it, the caller decides
    return out


def block_sentences(blocks: list[Block]) -> list[Sentence]:
    """Sentences of the content blocks, run by run, each with its own language.

    A sentence takes its run's language unless it clearly is in the other one (a
    Vietnamese quote inside an English paragraph); sentences without language (a date, a
    figure) are marked ``neutral`` so they never become pairs. Every sentence keeps the
    number of the block (line) its run came from.
    """
    out: list[Sentence] = []
    for block in blocks:
        if block.kind != "content" or block.lang not in (VI, EN):
            continue
        runs = block.runs or [Run(0, len(block.text), block.text, block.lang)]
        for run in runs:
            for text in split_sentences(run.text):
                guess = detect(text)
                lang = run.lang
                if guess.lang in (VI, EN) and guess.lang != lang and guess.words >= 4:
                    lang = guess.lang
                elif guess.lang == NEUTRAL and guess.words < 2 and len(runs) == 1:
                    lang = NEUTRAL
                out.append(Sentence(index=len(out), block=block.index, text=text, lang=lang))
    return out
