"""Synthetic mixed vi/en pages with exact gold, built from real translated sentence pairs.

Used by ``bench_mixed.py`` (scores), ``tune_mixed.py`` (development) and the corpus tests.
Each page takes a run of consecutive translated units from one talk (a unit is one sentence on
each side, so gold pairs are exact), then applies what scraped pages do: a layout (one half
after the other in either order, paragraph interleaving in either order, a related-news list
with bylines, halves whose order differs), paragraphs grouped differently on the two sides,
1-2/2-1 merges (two sentences joined into one on one side), units left untranslated on either
side, an untranslated Vietnamese paragraph inside the English half, repeated blocks, chrome
lines, and character-level noise (NFD, zero-width spaces, CRLF, BOM, stray spaces).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

LAYOUTS = ("vi_en", "en_vi", "inter_vi", "inter_en", "news_list", "reordered")
CHROME_VI = ["Tin liên quan", "TIN LIÊN QUAN", "Mời quý độc giả theo dõi VOV.VN trên",
             "Xem thêm", "Chia sẻ", "Bình luận", "Đọc thêm"]
CHROME_EN = ["Related news", "Read more", "Share", "Advertisement", "Follow us"]
_WHOLE = re.compile(r'^["“(]?[A-ZÀ-ỸĐ0-9].{12,}[.!?]["”)]?$')
NAMES = ["Minh Anh", "Hạ Lang", "Bùi Đức", "Thu Hà", "Quang Minh", "Lan Phương", "Đức Huy"]


@dataclass
class Unit:
    """One gold translation unit: Vietnamese text and English text (one bead)."""

    vi: str
    en: str


@dataclass
class SynthPage:
    """A page's text with its gold pairs and gold untranslated leftovers."""

    name: str
    text: str
    layout: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    leftovers: list[tuple[str, str]] = field(default_factory=list)  # (lang, text)
    sentences: int = 0


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def units_from_talk(en: list[str], vi: list[str], split) -> list[Unit]:
    """Single-sentence translated segments of a talk, in order (``split(text)``).

    Multi-sentence segments are skipped: inside them the sentence-level gold is unknown.
    """
    units = []
    for e, v in zip(en, vi, strict=False):
        e, v = _clean(e), _clean(v)
        if not (_WHOLE.match(e) and _WHOLE.match(v)):
            continue  # fragments do not split back into the same sentences on a page
        if len(split(e)) == 1 and len(split(v)) == 1:
            units.append(Unit(v, e))
    return units


def _merge(a: str, b: str) -> str:
    """Join two sentences into one: drop the first's final stop, add a comma."""
    a = a.rstrip()
    if a and a[-1] in ".!?":
        a = a[:-1]
    b = b[0].lower() + b[1:] if b[:1].isupper() and not b[:2].isupper() else b
    return f"{a}, {b}"


def _noise(text: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.08:
        return unicodedata.normalize("NFD", text)
    if r < 0.14:
        words = text.split(" ")
        k = rng.randrange(len(words))
        words[k] = words[k] + "\u200b"
        return " ".join(words)
    if r < 0.2:
        return "  " + text.replace(" ", "  ", 1) + " "
    return text


def make_page(units: list[Unit], rng: random.Random, name: str, layout: str | None = None,
              drop: float = 0.12, merge: float = 0.1, spare: Unit | None = None) -> SynthPage:
    """One page from consecutive units; gold follows every transformation."""
    layout = layout or rng.choice(LAYOUTS)
    page = SynthPage(name=name, text="", layout=layout)
    # 1. beads: merges make 1-2 / 2-1 gold, drops make leftovers
    beads: list[tuple[list[str], list[str]]] = []  # (vi sentences, en sentences)
    i = 0
    while i < len(units):
        u = units[i]
        if i + 1 < len(units) and rng.random() < merge:
            w = units[i + 1]
            if rng.random() < 0.5:
                beads.append(([_merge(u.vi, w.vi)], [u.en, w.en]))
            else:
                beads.append(([u.vi, w.vi], [_merge(u.en, w.en)]))
            i += 2
            continue
        r = rng.random()
        if r < drop / 2:
            beads.append(([u.vi], []))
        elif r < drop:
            beads.append(([], [u.en]))
        else:
            beads.append(([u.vi], [u.en]))
        i += 1
    # 2. paragraphs: group beads; the English side may group differently
    vi_paras: list[list[str]] = []
    en_paras: list[list[str]] = []
    bead_para_vi: list[int] = []

    def group(sents_per_bead: list[list[str]], out: list[list[str]], mark: list[int] | None):
        cur: list[str] = []
        size = rng.randint(1, 3)
        for sents in sents_per_bead:
            if mark is not None:
                mark.append(len(out))
            cur.extend(sents)
            if len(cur) >= size:
                out.append(cur)
                cur, size = [], rng.randint(1, 3)
        if cur:
            out.append(cur)

    group([b[0] for b in beads], vi_paras, bead_para_vi)
    if layout in ("inter_vi", "inter_en", "news_list") or rng.random() < 0.5:
        # same grouping on both sides (needed for interleaving)
        en_by_para: dict[int, list[str]] = {}
        for (_, en), p in zip(beads, bead_para_vi, strict=False):
            en_by_para.setdefault(p, []).extend(en)
        en_paras = [en_by_para.get(p, []) for p in range(len(vi_paras))]
    else:
        group([b[1] for b in beads], en_paras, None)
    for vi, en in beads:
        if vi and en:
            page.pairs.append((" ".join(vi), " ".join(en)))
        elif vi:
            page.leftovers.extend(("vi", s) for s in vi)
        else:
            page.leftovers.extend(("en", s) for s in en)
    page.sentences = sum(len(v) + len(e) for v, e in beads)
    # 3. layout
    vi_blocks = [" ".join(p) for p in vi_paras if p]
    en_blocks = [" ".join(p) for p in en_paras if p]
    lines: list[str] = []
    title = rng.random() < 0.5
    if layout == "vi_en" or layout == "en_vi" or layout == "reordered":
        if layout == "reordered" and len(en_blocks) >= 4:
            cut = rng.randrange(1, len(en_blocks) - 1)
            en_blocks = en_blocks[cut:] + en_blocks[:cut]
        first, second = (vi_blocks, en_blocks) if layout != "en_vi" else (en_blocks, vi_blocks)
        lines += first
        if title:
            lines.append(rng.choice(CHROME_VI + CHROME_EN))
        # an untranslated Vietnamese paragraph inside the English half
        if layout != "en_vi" and spare is not None and rng.random() < 0.3:
            k = rng.randrange(len(second) + 1)
            second = [*second[:k], spare.vi, *second[k:]]
            page.leftovers.append(("vi", spare.vi))
            page.sentences += 1
        lines += second
    elif layout in ("inter_vi", "inter_en"):
        for p in range(len(vi_paras)):
            pair = [" ".join(vi_paras[p]), " ".join(en_paras[p])]
            if layout == "inter_en":
                pair.reverse()
            lines += [x for x in pair if x]
    else:  # news_list: items with a byline; only some are translated
        lines.append(rng.choice(CHROME_VI))
        for p in vi_blocks:
            lines += [p, f"{rng.choice(NAMES)} |"]
        lines.append(rng.choice(CHROME_EN))
        for p in en_blocks:
            lines += [p, f"{rng.choice(NAMES)} |"]
    # 4. chrome and a repeated block
    if rng.random() < 0.5:
        lines.insert(rng.randrange(len(lines) + 1), f"{rng.choice(NAMES)} |")
    if rng.random() < 0.3:
        lines.append(f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/20{rng.randint(10, 24)}")
    if lines and rng.random() < 0.35:
        lines.append(rng.choice([x for x in lines if len(x) > 20] or lines))
    # 5. character noise; blank lines between blocks; CRLF / BOM sometimes
    text = "\n\n".join(_noise(x, rng) for x in lines) + "\n"
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.05:
        text = "\ufeff" + text
    page.text = text
    return page


def make_pages(talks, count: int, seed: int, split, min_units: int = 6,
               max_units: int = 24, drop: float = 0.12, merge: float = 0.1) -> list[SynthPage]:
    """``count`` pages from talks given as ``(docid, en_segments, vi_segments)``.

    ``drop``: the share of units left untranslated (half on each side): at 1.0 a page holds
    no translation, only Vietnamese and English sentences of one talk, on one topic.
    """
    rng = random.Random(seed)
    pools = [(d, units_from_talk(en, vi, split)) for d, en, vi in talks]
    pools = [(d, u) for d, u in pools if len(u) >= min_units]
    pages = []
    for n in range(count):
        docid, units = pools[n % len(pools)]
        size = rng.randint(min_units, min(max_units, len(units)))
        start = rng.randrange(len(units) - size + 1)
        layout = LAYOUTS[n % len(LAYOUTS)]
        outside = units[:start] + units[start + size :]
        spare = rng.choice(outside) if outside else None
        pages.append(
            make_page(units[start : start + size], rng, f"{docid}_{n:04d}", layout, drop=drop,
                      merge=merge, spare=spare)
        )
    return pages
