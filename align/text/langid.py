"""Language identification for page blocks and sentences: vi, en, neutral, or another language.

Vietnamese is recognised by its diacritics (tone marks, horn, breve, đ), which no other Latin
script language combines; English by its function words. py3langid (BSD, a maintained fork of
langid.py) decides the rest, notably unaccented Vietnamese and third languages. Statistical
models alone are unreliable on the short lines web pages are full of ("Gaza Strip" scores as
Swahili), which is why the cheap lexical evidence comes first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from align.records import EN, NEUTRAL, VI

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# Marks that occur in Vietnamese and (among Latin-script languages) practically nowhere else.
_VI_SPECIFIC_MARKS = {"\u0309", "\u0323", "\u031b", "\u0306"}
_VI_LETTERS = set("đĐ")
_QUOTED = re.compile(r'"[^"]{1,80}"|“[^”]{1,80}”|«[^»]{1,80}»')

_EN_FUNCTION_WORDS = frozenset(
    """a an the and or but if of in on at to for from by with about as into over after before
    under between through during without within is are was were be been being am do does did
    has have had will would shall should can could may might must not no yes this that these
    those it its he she they we you i me him her them us my your his their our who whom whose
    which what when where why how than then there here so such very also just only more most
    some any all each every both other another said says say new one two three first last
    up out down off again still even because while although though since until whether
    i'm it's don't can't we're they're that's there's isn't aren't wasn't""".split()
)


@dataclass(frozen=True)
class LangGuess:
    """A language decision with the evidence that made it."""

    lang: str
    words: int
    vi_ratio: float
    en_ratio: float


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model, loaded once on first use (owner: this module)."""
    import py3langid.langid as pl

    return pl.LanguageIdentifier.from_modelpath(pl.MODEL_DIR / pl.MODEL_FILE, norm_probs=True)


def _vi_marks(word: str) -> tuple[bool, bool]:
    """(has any diacritic, has a Vietnamese-specific one) for one word."""
    if any(c in _VI_LETTERS for c in word):
        return True, True
    marks = {c for c in unicodedata.normalize("NFD", word) if unicodedata.combining(c)}
    return bool(marks), bool(marks & _VI_SPECIFIC_MARKS)


def detect(text: str) -> LangGuess:
    """Guess the language of a block or sentence.

    Returns ``neutral`` for text with too few words to carry a language (names, numbers, codes),
    ``vi``/``en``, or an ISO 639-1 code for a third language.
    """
    words = _WORD.findall(text)
    n = len(words)
    letters = sum(len(w) for w in words)
    visible = sum(1 for c in text if not c.isspace())
    if n == 0 or letters < 0.4 * max(visible, 1) or letters < 3:
        return LangGuess(NEUTRAL, n, 0.0, 0.0)
    marked = specific = 0
    for w in words:
        any_mark, vi_mark = _vi_marks(w)
        marked += any_mark
        specific += vi_mark
    vi_ratio = marked / n
    en_ratio = sum(1 for w in words if w.lower().replace("’", "'") in _EN_FUNCTION_WORDS) / n
    guess = lambda lang: LangGuess(lang, n, vi_ratio, en_ratio)  # noqa: E731
    if specific and en_ratio >= 0.12 and _QUOTED.search(text):
        # a few Vietnamese words quoted in an English sentence: the sentence around them decides
        rest = _QUOTED.sub(" ", text)
        if len(_WORD.findall(rest)) >= 4 and detect(rest).lang == EN:
            return guess(EN)
    if specific and en_ratio >= 0.25 and all(
            w[0].isupper() for w in words if _vi_marks(w)[0]):
        return guess(EN)  # English around a Vietnamese name: "I love the streets of Hà Nội"
    if specific and (vi_ratio >= 0.25 or (n <= 3 and specific >= 1)):
        return guess(VI)
    if en_ratio >= 0.12 and vi_ratio < 0.1:
        return guess(EN)
    lang, prob = _identifier().classify(text)
    if lang == VI and (prob >= 0.5 or vi_ratio >= 0.25):
        return guess(VI)
    if lang == EN and prob >= 0.3:
        return guess(EN)
    if n >= 3 and prob >= 0.8 and lang not in (EN, VI):
        return guess(lang)
    if n < 4:
        return guess(NEUTRAL)
    if vi_ratio >= 0.25:
        return guess(VI)
    if en_ratio > 0:
        return guess(EN)
    return guess(lang if prob >= 0.5 else NEUTRAL)
