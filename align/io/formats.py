"""Output formats: how rows become bytes on disk, one class per format.

Text formats (TSV, JSONL, Moses, TMX) are *appendable*: a run writes ``begin()``, then
``encode(rows)`` chunk by chunk, then ``end()``, into one or more files named by ``paths()``.
``align corpus`` journals those chunks page by page, so a killed run resumes. Parquet is not
appendable; it has its own writer (``parquet.py``).

Values: TSV is raw (no quoting; a row is one line; score with 4 decimals; ids comma-joined;
an absent number is empty). JSONL keeps types (score a number rounded to 4 decimals, ids a list,
absent numbers ``null``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from align.io.rows import LeftoverRow, PairRow
from align.text.normalize import one_line

Row = PairRow | LeftoverRow

#: Formats a user can ask for; ``parquet`` is handled by ``parquet.py``.
FORMATS = ("tsv", "jsonl", "parquet", "moses", "tmx")
PAIR_ONLY = ("moses", "tmx")  # leftovers of these runs are written as TSV


def column_names(columns: tuple[str, ...], langs: tuple[str, str]) -> list[str]:
    """Header names: ``src``/``tgt`` become the run's language codes (``vi``, ``en``)."""
    rename = {"src": langs[0], "tgt": langs[1], "src_ids": f"{langs[0]}_ids",
              "tgt_ids": f"{langs[1]}_ids"}
    return [rename.get(c, c) for c in columns]


def tsv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return one_line(str(value))


def _json_value(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, str):
        return str(value)  # a Reason prints as its plain value
    return value


@dataclass
class TextFormat:
    """An appendable text format writing the given columns of each row."""

    columns: tuple[str, ...]
    langs: tuple[str, str] = ("vi", "en")

    def paths(self, out: Path) -> dict[str, Path]:
        """The files this format writes for output ``out``, by key."""
        return {"main": out}

    def begin(self) -> dict[str, str]:
        return {}

    def encode(self, rows: Iterable[Row]) -> dict[str, str]:
        raise NotImplementedError

    def end(self) -> dict[str, str]:
        return {}


@dataclass
class TsvFormat(TextFormat):
    """Raw TSV with a header row (``header=False``: the ``--plain`` form, texts only)."""

    header: bool = True

    def begin(self) -> dict[str, str]:
        if not self.header:
            return {}
        return {"main": "\t".join(column_names(self.columns, self.langs)) + "\n"}

    def encode(self, rows: Iterable[Row]) -> dict[str, str]:
        lines = ["\t".join(tsv_value(getattr(r, c)) for c in self.columns) + "\n"
                 for r in rows]
        return {"main": "".join(lines)}


@dataclass
class JsonlFormat(TextFormat):
    """One JSON object per row, keys as the TSV header names, values typed."""

    def encode(self, rows: Iterable[Row]) -> dict[str, str]:
        names = column_names(self.columns, self.langs)
        lines = [json.dumps({n: _json_value(getattr(r, c))
                             for n, c in zip(names, self.columns, strict=True)},
                            ensure_ascii=False) + "\n" for r in rows]
        return {"main": "".join(lines)}


@dataclass
class MosesFormat(TextFormat):
    """Two plain files, ``OUT.vi`` and ``OUT.en``, line N of one translating line N of the other."""

    def paths(self, out: Path) -> dict[str, Path]:
        return {lang: out.with_name(f"{out.name}.{lang}") for lang in self.langs}

    def encode(self, rows: Iterable[PairRow]) -> dict[str, str]:
        rows = list(rows)
        return {self.langs[0]: "".join(one_line(r.src) + "\n" for r in rows),
                self.langs[1]: "".join(one_line(r.tgt) + "\n" for r in rows)}


#: Characters XML 1.0 cannot hold at all (they are dropped from TMX segments).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("", one_line(text)))


@dataclass
class TmxFormat(TextFormat):
    """TMX 1.4b: one ``<tu>`` per pair with a ``<tuv>`` per language; score and page as props."""

    signature: str = ""
    tool_version: str = ""

    def begin(self) -> dict[str, str]:
        prop = (f'\n    <prop type="x-align-signature">{_xml_text(self.signature)}</prop>\n  '
                if self.signature else "")
        head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
                '<tmx version="1.4">\n'
                f'  <header creationtool="align" creationtoolversion={quoteattr(self.tool_version)}'
                f' datatype="plaintext" segtype="sentence" adminlang="en"'
                f' srclang={quoteattr(self.langs[0])} o-tmf="align">{prop}</header>\n'
                '  <body>\n')
        return {"main": head}

    def encode(self, rows: Iterable[PairRow]) -> dict[str, str]:
        out = []
        src, tgt = quoteattr(self.langs[0]), quoteattr(self.langs[1])
        for r in rows:
            out.append(
                f'    <tu>\n'
                f'      <prop type="x-score">{r.score:.4f}</prop>\n'
                + (f'      <prop type="x-margin">{r.margin:.4f}</prop>\n'
                   if r.margin is not None else '') +
                f'      <prop type="x-bead">{_xml_text(r.bead)}</prop>\n'
                f'      <prop type="x-page">{_xml_text(r.page)}</prop>\n'
                f'      <tuv xml:lang={src}><seg>{_xml_text(r.src)}</seg></tuv>\n'
                f'      <tuv xml:lang={tgt}><seg>{_xml_text(r.tgt)}</seg></tuv>\n'
                f'    </tu>\n')
        return {"main": "".join(out)}

    def end(self) -> dict[str, str]:
        return {"main": "  </body>\n</tmx>\n"}


def text_format(name: str, columns: tuple[str, ...], langs: tuple[str, str] = ("vi", "en"),
                *, plain: bool = False, signature: str = "", version: str = "") -> TextFormat:
    """The appendable format called ``name`` (``tsv``, ``jsonl``, ``moses``, ``tmx``)."""
    if name == "tsv":
        return TsvFormat(("src", "tgt") if plain else columns, langs, header=not plain)
    if name == "jsonl":
        return JsonlFormat(columns, langs)
    if name == "moses":
        return MosesFormat(columns, langs)
    if name == "tmx":
        return TmxFormat(columns, langs, signature=signature, tool_version=version)
    raise ValueError(f"not an appendable format: {name!r}")
