"""Verse: poems and lyrics have no full stops, so each of their lines is a unit.

The block splitter joins a line that starts in lower case to the line before it when that one
ends without punctuation (a paragraph hard-wrapped by a scraper). A stanza of lyrics is
exactly that shape, and joining it makes one giant sentence that can pair with nothing. A
group of lines (between blank lines) is verse when it has at least three lines, all short,
most of them without a sentence-ending mark, and few of them ending on a word that cannot end
a phrase (an article, a preposition): wrapped prose breaks anywhere, verse at phrase ends.
"""

from __future__ import annotations

MIN_LINES = 3
MAX_WORDS = 14
MAX_CHARS = 90
_ENDS = ".!?…"
#: words after which a line of verse practically never ends, but wrapped prose often does
_DANGLING = frozenset(
    """a an the of to in on at for from with by and or but that which who whose as than
    if is are was were be has have had của và với cho các những một là thì mà để ở trong
    từ về khi nếu như rằng được bị""".split()
)


def is_verse(lines: list[str]) -> bool:
    """Whether a group of consecutive non-empty lines reads as verse (one unit per line)."""
    if len(lines) < MIN_LINES:
        return False
    if any(len(x) > MAX_CHARS or len(x.split()) > MAX_WORDS for x in lines):
        return False
    ended = sum(x.rstrip("\"”’')»")[-1:] in _ENDS for x in lines)
    if ended > len(lines) // 3:
        return False
    dangling = sum(x.split()[-1].lower().strip(",;") in _DANGLING for x in lines)
    return dangling <= len(lines) // 5
