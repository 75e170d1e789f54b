"""Text normalisation: one canonical form for everything the tool compares, embeds or writes.

Decomposed (NFD) Vietnamese breaks the embedding model and exact-duplicate detection, so every
text is NFC; invisible characters and stray whitespace are removed so that two copies of a block
that differ only in them compare equal.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    unescape_html=False,
    normalization="NFC",
    explain=False,
)


def fix_encoding(text: str) -> str:
    """Repair mojibake such as UTF-8 read as latin-1 ("Viá»‡t" → "Việt") with ftfy."""
    return ftfy.fix_text(text, config=_FTFY)


def clean_line(line: str) -> str:
    """NFC, no invisible or control characters, single spaces, no surrounding whitespace."""
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    line = _CONTROL.sub(" ", line)
    return _SPACES.sub(" ", line).strip()


def normalize_page(text: str) -> str:
    """Whole-page clean-up: newlines unified, encoding repaired, every line cleaned."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    text = fix_encoding(text)
    return "\n".join(clean_line(line) for line in text.split("\n"))


_KEY_DROP = re.compile(r"[\W_]+", re.UNICODE)


def dedupe_key(text: str) -> str:
    """Comparison key for duplicate detection: case, punctuation and spacing ignored."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFC", text).casefold())


def one_line(text: str) -> str:
    """Text safe for one raw TSV field: tabs and newlines become spaces."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()
