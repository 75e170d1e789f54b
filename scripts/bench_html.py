"""Which HTML reader keeps the content and drops the chrome: ours vs trafilatura vs jusText.

Each page of ``corpus/pages`` is wrapped in the markup of a news site: chrome lines before the
first content line go to a ``<header>`` with a ``<nav>``, those after the last one to a
``<footer>``, chrome in between stays a ``<p>`` of the article (tags, "follow us", "read more"
links sit inside articles), titles become ``<h1>``/``<h2>``, a line in both languages a
table row. A line is content when a gold text (pair side or leftover) occurs in it. For each
reader: the share of gold texts whose words survive (content recall), the share of chrome
lines that survive (chrome kept), and pages/s. trafilatura and justext are optional imports
(``pip install trafilatura justext``). Prints one JSON line per reader. Example:

    python -m scripts.bench_html
"""

from __future__ import annotations

import csv
import html
import json
import re
import time
from pathlib import Path

from align.eval.matching import normalize_text
from align.io.html import html_blocks
from align.text.blocks import split_blocks
from align.text.normalize import normalize_page
from align.text.page import draft_page

ROOT = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"\w+")


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _gold_texts(gold: Path, stem: str) -> list[str]:
    texts = [t for r in _rows(gold / f"{stem}.pairs.tsv") for t in (r["vi"], r["en"])]
    return texts + [r["text"] for r in _rows(gold / f"{stem}.leftovers.tsv")]


def build_html(lines: list[str], golds: list[str]) -> tuple[str, list[str]]:
    """The page as a site would serve it, and its chrome lines."""
    norm = [normalize_text(g) for g in golds]
    content = [any(g and g in normalize_text(x) for g in norm) for x in lines]
    first = content.index(True) if any(content) else len(lines)
    last = len(lines) - 1 - content[::-1].index(True) if any(content) else -1
    esc = html.escape
    head = "".join(f"<li><a href='#'>{esc(x)}</a></li>" for x in lines[:first])
    body = []
    for k in range(first, last + 1):
        x = lines[k]
        if "\t" in x or " | " in x:
            cells = x.split("\t") if "\t" in x else x.split(" | ")
            body.append("<table><tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells)
                        + "</tr></table>")
        elif content[k] and len(x.split()) <= 10 and x[-1:] not in ".!?":
            body.append(f"<h2>{esc(x)}</h2>")
        else:
            body.append(f"<p>{esc(x)}</p>")
    foot = "".join(f"<p><a href='#'>{esc(x)}</a></p>" for x in lines[last + 1:])
    page = (f"<!doctype html><html><head><title>t</title></head><body><header><nav><ul>{head}"
            f"</ul></nav></header><main><article>{''.join(body)}</article></main>"
            f"<footer>{foot}</footer></body></html>")
    chrome = [x for x, c in zip(lines, content, strict=True) if not c]
    return page, chrome


def _ours(page: str) -> str:
    return "\n".join(html_blocks(page))


def _ours_classified(page: str) -> str:
    d = draft_page("\n".join(html_blocks(page)))
    return "\n".join(b.text for b in d.blocks if b.kind == "content")


def _trafilatura(page: str) -> str:
    import trafilatura

    return trafilatura.extract(page, include_tables=True, favor_recall=True) or ""


def _justext(page: str) -> str:
    import justext

    stop = justext.get_stoplist("English") | frozenset(
        (ROOT / "align" / "data" / "background_vi.txt").read_text(encoding="utf-8").lower()
        .split())
    return "\n".join(p.text for p in justext.justext(page.encode(), stop)
                     if not p.is_boilerplate)


def _words(text: str) -> str:
    return f" {' '.join(_WORD.findall(normalize_text(text)))} "


def main() -> None:
    pages = []
    for path in sorted((ROOT / "corpus" / "pages").glob("*.txt")):
        lines = split_blocks(normalize_page(path.read_text(encoding="utf-8-sig")))
        golds = _gold_texts(ROOT / "corpus" / "gold", path.stem)
        pages.append((*build_html(lines, golds), golds))
    readers = {"ours (html.py)": _ours, "ours + page classifier": _ours_classified,
               "trafilatura": _trafilatura, "justext": _justext}
    for name, read in readers.items():
        try:
            read(pages[0][0])  # warm-up: imports, language models
            start = time.perf_counter()
            outs = [read(page) for page, _, _ in pages]
            seconds = time.perf_counter() - start
        except ImportError as e:
            print(json.dumps({"reader": name, "skipped": str(e)}))
            continue
        kept = total = chrome_kept = chrome_total = 0
        for (_, chrome, golds), out in zip(pages, outs, strict=True):
            text = _words(out.replace("\n", " "))
            total += len(golds)
            kept += sum(_words(g) in text for g in golds)
            chrome_total += len(chrome)
            chrome_kept += sum(_words(c) in text for c in chrome)
        print(json.dumps({"reader": name, "pages": len(pages),
                          "content_recall": round(kept / max(total, 1), 3),
                          "chrome_kept": round(chrome_kept / max(chrome_total, 1), 3),
                          "pages_per_s": round(len(pages) / seconds, 1)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
