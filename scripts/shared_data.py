"""Loaders for the external evaluation data in ``../shared/data`` (not part of the package).

Imported as ``scripts.shared_data`` by the scripts (run as ``python -m scripts.NAME``) and the
tests; named so that it never shadows Hugging Face's ``datasets`` package. The data root is
``$ALIGN_DATA_DIR`` when set, else ``shared/data`` beside the checkout.

Project rule: develop and tune only on ``DEV_SPLITS``; report only on ``TEST_SPLITS``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from align.errors import InputError
from align.eval.beads import Bead, read_beads

IWSLT_DEV_SPLITS = ("dev2010", "tst2010", "tst2011")
IWSLT_TEST_SPLITS = ("tst2012", "tst2013")
TEXTBERG_DEV_SPLITS = ("dev",)
TEXTBERG_TEST_SPLITS = tuple(f"test{i}" for i in range(7))
NTREX_DEV_SPLITS: tuple[str, ...] = ()
NTREX_TEST_SPLITS = ("all",)  # NTREX is test-only: ``ntrex()`` loads all of it

#: dataset name → splits for development/tuning, and → splits reserved for evaluation
DEV_SPLITS = MappingProxyType(
    {"iwslt": IWSLT_DEV_SPLITS, "textberg": TEXTBERG_DEV_SPLITS, "ntrex": NTREX_DEV_SPLITS}
)
TEST_SPLITS = MappingProxyType(
    {"iwslt": IWSLT_TEST_SPLITS, "textberg": TEXTBERG_TEST_SPLITS, "ntrex": NTREX_TEST_SPLITS}
)

IWSLT_DIR = "iwslt15_en_vi_ted"
TEXTBERG_DIR = "textberg_de_fr"
NTREX_DIR = "ntrex128_en_vi"


@dataclass(frozen=True)
class Talk:
    """One IWSLT TED talk: segment i of ``en`` translates segment i of ``vi``."""

    docid: str
    en: list[str]
    vi: list[str]


@dataclass(frozen=True)
class Doc:
    """One NTREX news article: line i of ``en`` translates line i of ``vi``."""

    docid: str
    en: list[str]
    vi: list[str]


def data_root() -> Path:
    """``$ALIGN_DATA_DIR`` if set, else ``<checkout>/../shared/data``."""
    env = os.environ.get("ALIGN_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _lines(path: Path) -> list[str]:
    """Lines of a UTF-8 text file, stripped (the line number stays the sentence index)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.strip() for line in lines]


def _mteval_docs(path: Path) -> dict[str, list[tuple[str, str]]]:
    """docid → [(seg id, text)] from an MT-eval XML file, entities unescaped, text stripped."""
    try:
        root = ET.parse(path).getroot()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except ET.ParseError as e:
        raise InputError(f"{path}:{e.position[0]}: malformed XML: {e}") from None
    docs: dict[str, list[tuple[str, str]]] = {}
    for doc in root.iter("doc"):
        docid = doc.get("docid", "")
        docs[docid] = [(seg.get("id", ""), "".join(seg.itertext()).strip())
                       for seg in doc.iter("seg")]
    return docs


def iwslt_talks(split: str) -> list[Talk]:
    """The talks of one IWSLT15 en–vi split (``dev2010``, ``tst2010`` .. ``tst2013``)."""
    if split not in IWSLT_DEV_SPLITS + IWSLT_TEST_SPLITS:
        raise ValueError(f"unknown IWSLT split {split!r}")
    base = data_root() / IWSLT_DIR / f"IWSLT15.TED.{split}.en-vi"
    en_docs = _mteval_docs(Path(f"{base}.en.xml"))
    vi_docs = _mteval_docs(Path(f"{base}.vi.xml"))
    if list(en_docs) != list(vi_docs):
        raise InputError(f"{base}.vi.xml:1: talk ids differ from the .en.xml file")
    talks = []
    for docid, en in en_docs.items():
        vi = vi_docs[docid]
        if [i for i, _ in en] != [i for i, _ in vi]:
            raise InputError(f"{base}.vi.xml:1: segment ids of talk {docid} differ from .en.xml")
        talks.append(Talk(docid, [t for _, t in en], [t for _, t in vi]))
    return talks


def textberg(name: str) -> tuple[list[str], list[str], list[Bead]]:
    """German sentences, French sentences and gold beads of Text+Berg ``dev`` or ``test0..6``."""
    if name not in TEXTBERG_DEV_SPLITS + TEXTBERG_TEST_SPLITS:
        raise ValueError(f"unknown Text+Berg file {name!r}")
    base = data_root() / TEXTBERG_DIR
    return _lines(base / "de" / name), _lines(base / "fr" / name), read_beads(base / "gold" / name)


def ntrex() -> list[Doc]:
    """The NTREX-128 en–vi articles, lines grouped by document id in file order."""
    base = data_root() / NTREX_DIR
    ids = _lines(base / "DOCUMENT_IDS.tsv")
    en = _lines(base / "newstest2019-src.eng.txt")
    vi = _lines(base / "newstest2019-ref.vie.txt")
    if not len(ids) == len(en) == len(vi):
        raise InputError(f"{base}: NTREX files differ in length "
                         f"({len(ids)} ids, {len(en)} en, {len(vi)} vi lines)")
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for docid, e, v in zip(ids, en, vi, strict=True):
        g = groups.setdefault(docid, ([], []))
        g[0].append(e)
        g[1].append(v)
    return [Doc(docid, e, v) for docid, (e, v) in groups.items()]
