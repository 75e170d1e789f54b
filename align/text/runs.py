"""Language runs inside a line: both languages on one line are read as separate units.

Subtitle listings (``00:00:04 Did you pack the tickets? | Con đã cất vé chưa?``), tables
whose cells share a line, dialogue with the translation in brackets (``Where is it? (Ở đâu?)``)
and quotes written ``English → Tiếng Việt`` or ``English - Tiếng Việt`` hold a unit and its
translation on one line. The line is cut at its seams (tabs, pipes, arrows, spaced dashes,
slashes, colons, a closing bracket) into pieces, each piece gets a language, and neighbouring
pieces of one language join back into a run. The switch of language is the evidence: a line
whose pieces are all in one language stays one run, so an English name or a quoted term inside
a Vietnamese sentence stays where it is (a bracket only counts at the end of the line).

Timestamps, numbering, list markers and speaker labels (``A:``, ``Mom:``, a label that opens
several lines of the page) are neutral: they are left out of the runs, as is the wrapper of a
"continue reading" link (``Đọc tiếp: <title>``), whose title is content.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from align.records import EN, NEUTRAL, VI, Run
from align.text.langid import detect
from align.text.normalize import dedupe_key

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[,.]\d{1,3})?"
#: neutral openings of a line: timestamps (``[00:01:12]``, ``00:00:01,000 --> 00:00:04,000``),
#: numbering (``1.``, ``2)``, ``a)``), list markers
_LEAD = re.compile(
    r"^(?:[\[(]?" + _TIME + r"(?:\s*(?:-->|–|-)\s*" + _TIME + r")?[\])]?"
    r"|\d{1,3}[.)](?=\s)|[a-zA-Z][)](?=\s)|[-–—•·*+►▪●○◦✓✔→]+(?=\s))\s*"
)
#: a speaker label: one to three words and a colon at the start of a line
_LABEL = re.compile(r"^([^\W\d_][^\W\d_’'.]*(?: [^\W\d_][^\W\d_’'.]*){0,2}):\s+(?=\S)")
#: short labels that are speakers even when they open a single line (``A:``, ``B:``)
_SHORT_LABEL = re.compile(r"^[A-Z]$")
#: wrappers around a title ("Đọc tiếp: <title>"); the wrapper is chrome, the title content
_WRAPPER_KEYS = frozenset(dedupe_key(w) for w in (
    "đọc tiếp", "đọc thêm", "xem thêm", "xem tiếp", "bài tiếp theo", "bài trước", "bài sau",
    "tin liên quan", "bài liên quan", "có thể bạn quan tâm", "read more", "continue reading",
    "see more", "see also", "related", "related news", "related article", "next", "previous",
    "next article", "previous article", "you may also like", "recommended"))
_WRAP_SEP = re.compile(r"\s*(:|»|›|>>|>|…|\.\.\.|–|-)?\s+(?=\S)")
_WRAP_WORDS = 5
#: seams between the two languages of a line, by strength: table-like seams may hold a single
#: word per side (a vocabulary list), the others need a longer run
_STRONG_SEAM = re.compile(r"\t+|\s+\|\s+|\s*(?:→|->|=>|⇒|⟶)\s*|\s+[\[(]?" + _TIME + r"[\])]?\s+")
_WEAK_SEAM = re.compile(r"\s+[-–—]\s+|(?<=\S):\s+|\s+/\s+")
_TRAILING_BRACKET = re.compile(r"(.*?\S)\s*[(\[]([^()\[\]]+)[)\]]\s*[.!?…]*$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LANGUAGE_NAMES = frozenset(dedupe_key(x) for x in (
    "English", "Tiếng Anh", "Vietnamese", "Tiếng Việt", "Anh", "Việt", "EN", "VI", "Nghĩa",
    "Meaning", "Translation", "Bản dịch", "Dịch", "Phiên âm"))
_DOTTED = re.compile(r"\w\.\w")

#: an English piece may hold a Vietnamese name ("I love Hà Nội"), not a Vietnamese word that
#: only a Vietnamese sentence would use
_VI_FUNCTION_WORDS = frozenset(
    "và của là những các được có không một cho với trong này đã sẽ đang thì mà để ở".split())
_VI_SPECIFIC = {"\u0309", "\u0323", "\u031b", "\u0306"}


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    lang: str
    strong: bool
    words: int


def speaker_labels(lines: list[str]) -> frozenset[str]:
    """Speakers of a dialogue: ``A:``/``B:``, or labels (``Pharmacist:``, ``Mẹ:``) that open
    at least two lines each, when two or more such labels take turns (a topic such as
    ``Gaza:`` heading two news titles is no dialogue)."""
    counts = Counter(m.group(1) for line in lines if (m := _LABEL.match(line.lstrip())))
    repeated = {label for label, c in counts.items() if c >= 2}
    short = {label for label in counts if _SHORT_LABEL.match(label)}
    return frozenset(short | (repeated if len(repeated) >= 2 else set()))


def strip_neutral(text: str, labels: frozenset[str] = frozenset()) -> tuple[int, bool]:
    """Offset where the line's content starts, after timestamps, numbering, list markers and
    speaker labels, and whether a "continue reading" wrapper was cut off."""
    pos = 0
    while True:
        rest = text[pos:]
        m = _LEAD.match(rest)
        if m and m.end() and m.end() < len(rest):
            pos += m.end()
            continue
        m = _LABEL.match(rest)
        if m and m.group(1) in labels:
            pos += m.end()
            continue
        break
    cut = _wrapper_end(text, pos)
    return (cut, True) if cut else (pos, False)


def _wrapper_end(text: str, pos: int) -> int:
    """End of a "continue reading" wrapper at ``pos`` (0: none): a wrapper phrase, then a
    separator or a title that looks like one (a capital or a quote)."""
    end = pos
    for _ in range(_WRAP_WORDS):
        while end < len(text) and text[end] == " ":
            end += 1
        m = _WORD.match(text, end)
        if not m:
            return 0
        end = m.end()
        if dedupe_key(text[pos:end]) not in _WRAPPER_KEYS:
            continue
        sep = _WRAP_SEP.match(text, end)
        if not sep:
            continue
        title = text[sep.end():]
        if (sep.group(1) or title[:1].isupper() or title[:1] in "\"“'‘«") and _WORD.search(title):
            return sep.end()
    return 0


def _has_vi_mark(text: str) -> bool:
    if "đ" in text or "Đ" in text:
        return True
    return any(c in _VI_SPECIFIC for c in unicodedata.normalize("NFD", text))


def _piece(text: str, start: int, end: int) -> _Piece | None:
    """A piece of the line with its language; None when it holds no word."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    chunk = text[start:end]
    words = _WORD.findall(chunk)
    if not words:
        return None
    guess = detect(chunk)
    if guess.lang == EN and any(w.lower() in _VI_FUNCTION_WORDS for w in words):
        return _Piece(start, end, NEUTRAL, False, len(words))  # "Aliens" và "The Abyss"
    if guess.lang in (VI, EN):
        return _Piece(start, end, guess.lang, True, len(words))
    if _has_vi_mark(chunk):
        return _Piece(start, end, VI, True, len(words))
    # unaccented words: English, weakly; not a code or a site name ("VOV.VN", "GMT") unless
    # the whole line is in capitals
    if all(w.isascii() for w in words) and not _DOTTED.search(chunk) and (
            any(c.islower() for c in chunk) or not any(c.islower() for c in text)):
        return _Piece(start, end, EN, False, len(words))
    return _Piece(start, end, NEUTRAL, False, len(words))


def _cut(text: str, start: int, seam: re.Pattern) -> list[tuple[int, int]]:
    """Spans of ``text[start:]`` between the seams."""
    spans, pos = [], start
    for m in seam.finditer(text, start):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _bilingual_runs(text: str, start: int) -> list[Run] | None:
    """Runs of a line that switches language at its seams; None if it does not."""
    if text.isascii():
        return None  # no Vietnamese piece possible: most lines of an English page
    m = _TRAILING_BRACKET.match(text, start)
    if m and len(_WORD.findall(m.group(2))) >= 2:
        a = _piece(text, start, m.end(1))
        b = _piece(text, m.start(2), m.end(2))
        if a and b and a.lang != b.lang and {a.lang, b.lang} == {VI, EN} and a.words >= 2:
            return [Run(a.start, a.end, text[a.start:a.end], a.lang),
                    Run(b.start, b.end, text[b.start:b.end], b.lang)]
    for seam, min_words in ((_STRONG_SEAM, 1), (_WEAK_SEAM, 2)):
        spans = _cut(text, start, seam)
        if len(spans) < 2:
            continue
        pieces = [p for a, b in spans if (p := _piece(text, a, b)) is not None]
        runs = _join(text, pieces, min_words)
        if runs:
            return runs
    return None


def _wordlike(text: str, p: _Piece) -> bool:
    """An unaccented piece that reads as English words: several words, or one word in lower
    case or capitalised (``basket``, ``English``), not a code such as ``GMT``."""
    if p.words >= 2:
        return True
    word = _WORD.findall(text[p.start:p.end])[0]
    return len(word) >= 3 and (word.islower() or (word[0].isupper() and word[1:].islower()))


def _join(text: str, pieces: list[_Piece], min_words: int) -> list[Run] | None:
    """Neighbouring pieces of one language joined into runs, if the line holds both."""
    if not any(p.lang == VI and p.strong for p in pieces):
        return None
    if not any(p.lang == EN and (p.strong or (p.words >= min_words and _wordlike(text, p)))
               for p in pieces):
        return None
    merged: list[list] = []
    for p in pieces:
        lang = p.lang
        if lang == NEUTRAL:
            continue  # a number, a code: left out
        if merged and merged[-1][2] == lang:
            merged[-1][1] = p.end
        else:
            merged.append([p.start, p.end, lang])
    if len({m[2] for m in merged}) < 2:
        return None
    if all(dedupe_key(text[a:b]) in _LANGUAGE_NAMES for a, b, _ in merged):
        return None  # a table's header row ("English | Tiếng Việt")
    runs = []
    for a, b, lang in merged:
        words = len(_WORD.findall(text[a:b]))
        if words < min_words and not any(p.strong for p in pieces if a <= p.start < b):
            return None  # a short unaccented word beside Vietnamese: a name, not English
        runs.append(Run(a, b, text[a:b], lang))
    return runs


def read_runs(text: str, labels: frozenset[str] = frozenset()) -> tuple[list[Run], bool]:
    """The language runs of a line, and whether a "continue reading" wrapper was cut off.

    A line in one language is one run (its language decided later, as for any block); a line
    with nothing but neutral openings gives no run.
    """
    start, wrapped = strip_neutral(text, labels)
    if start >= len(text):
        return [], wrapped
    runs = _bilingual_runs(text, start)
    if runs:
        return runs, wrapped
    return [Run(start, len(text), text[start:].replace("\t", " "), NEUTRAL)], wrapped


def is_bilingual(runs: list[Run]) -> bool:
    """Runs in both Vietnamese and English."""
    return {VI, EN} <= {r.lang for r in runs}
