"""Text normalisation: one canonical form for everything the tool compares, embeds or writes.

Decomposed (NFD) Vietnamese breaks the embedding model and exact-duplicate detection, so every
text is NFC; invisible characters and stray whitespace are removed so that two copies of a block
that differ only in them compare equal.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
#: a stretch of spaces holding a tab: a table's cell border, kept as one tab (``runs.py`` splits
#: a line there when its cells are in two languages)
_NOT_TAB = r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]*"
_TAB_SPACES = re.compile(_NOT_TAB + r"\t(?:\t|" + _NOT_TAB[:-1] + r")*")
_PLAIN_ASCII = re.compile(r"[\t\x20-\x7e]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    unescape_html=False,
    normalization="NFC",
    explain=False,
)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """Decode HTML character references (``&amp;``, ``&nbsp;``, ``&#7879;``) in plain text.

    Text copied out of web pages keeps them. Only complete references (ending in ``;``) are
    decoded, so "AT&T" or "R&D" stay as they are; unknown names are left alone. Applied once,
    when a page is read, not in ``normalize_page``: "&amp;amp;" must not lose a level each
    time a text is normalised again.
    """
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def fix_encoding(text: str) -> str:
    """Repair mojibake such as UTF-8 read as latin-1 ("Viá»‡t" → "Việt") with ftfy."""
    return ftfy.fix_text(text, config=_FTFY)


def clean_line(line: str, keep_tabs: bool = False) -> str:
    """NFC, no invisible or control characters, single spaces, no surrounding whitespace;
    with ``keep_tabs`` a stretch of spaces that holds a tab becomes one tab."""
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    line = _CONTROL.sub(" ", line)
    if keep_tabs and "\t" in line:
        line = _TAB_SPACES.sub("\t", line.strip())
        return _SPACES.sub(lambda m: "\t" if "\t" in m.group() else " ", line).strip()
    return _SPACES.sub(" ", line).strip()


def normalize_page(text: str) -> str:
    """Whole-page clean-up: newlines unified, encoding repaired, every line cleaned.

    ftfy looks at one line at a time anyway; lines of printable ASCII, which it would return
    unchanged, skip it, so a page of 100 000 short paragraphs costs half as much.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    out: list[str] = []
    for line in text.split("\n"):
        if _PLAIN_ASCII.fullmatch(line):
            out.append(clean_line(line, keep_tabs=True))
        else:  # ftfy may turn a NEL (U+0085) into a line break: split again
            out.extend(clean_line(part, keep_tabs=True) for part in fix_encoding(line).split("\n"))
    return "\n".join(out)


_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)


def dedupe_key(text: str) -> str:
    """Comparison key for duplicate detection: case, punctuation and spacing ignored."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFC", text).casefold())


def one_line(text: str) -> str:
    """Text safe for one raw TSV field: tabs and newlines become spaces."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()
