"""Score ``align mixed`` on a part of ``corpus/`` (tuning or held-out), overall and by kind.

Kinds follow the page names: same-line layouts (subtitles, tables, bracketed dialogue, arrow,
dash and colon quotes), verse (poems, lyrics), news with chrome, pages with no translation, and
the rest. Prints one JSON line per kind (``all`` first): strict pair P/R/F1 and leftover P/R/F1,
as ``align evaluate`` computes them. Examples:

    python -m scripts.score_corpus --part tuning
    python -m scripts.score_corpus --part heldout
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from align.eval.paths import evaluate_paths
from align.io.rows import LEFTOVER_COLUMNS, PAIR_COLUMNS, leftover_rows, pair_rows
from align.io.writers import RowSink

ROOT = Path(__file__).resolve().parent.parent
PARTS = {"tuning": ROOT / "corpus", "heldout": ROOT / "corpus" / "heldout"}
KINDS = {
    "same_line": ("subtitles", "table", "bracket", "arrow", "dash", "colon", "vocab"),
    "verse": ("poem", "lyrics"),
    "news_chrome": ("news",),
    "no_translation": ("_only", "quoting"),
}


def kind_of(stem: str) -> str:
    """The kind of a page, from its name (first match in ``KINDS``); ``other`` otherwise."""
    for kind, words in KINDS.items():
        if any(w in stem for w in words):
            return kind
    return "other"


def _write(path: Path, cols: tuple[str, ...], rows) -> None:
    with RowSink("tsv", path, cols) as sink:
        sink.write(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=sorted(PARTS), default="tuning")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()

    from align.aligners.mixed import PageAligner
    from align.api import align_files, load_encoder

    folder = PARTS[args.part]
    pages = sorted((folder / "pages").glob("*.txt"))
    results = align_files(pages, PageAligner(load_encoder(args.model, device="auto")))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        groups: dict[str, list[str]] = {"all": []}
        for page, result in zip(pages, results, strict=True):
            _write(out / f"{page.stem}.pairs.tsv", PAIR_COLUMNS, pair_rows(result))
            _write(out / f"{page.stem}.leftovers.tsv", LEFTOVER_COLUMNS, leftover_rows(result))
            groups["all"].append(page.stem)
            groups.setdefault(kind_of(page.stem), []).append(page.stem)
        for kind, stems in groups.items():
            gold, pred = out / f"gold_{kind}", out / f"pred_{kind}"
            gold.mkdir()
            pred.mkdir()
            for stem in stems:
                for suffix in (".pairs.tsv", ".leftovers.tsv"):
                    (gold / f"{stem}{suffix}").write_bytes(
                        (folder / "gold" / f"{stem}{suffix}").read_bytes())
                    (pred / f"{stem}{suffix}").write_bytes((out / f"{stem}{suffix}").read_bytes())
            r = evaluate_paths(gold, pred)
            p, lo = r["pairs"], r["leftovers"]
            print(json.dumps({
                "part": args.part, "kind": kind, "pages": len(stems),
                "pair_p": round(p["strict_p"], 3), "pair_r": round(p["strict_r"], 3),
                "pair_f1": round(p["strict_f1"], 3), "leftover_p": round(lo["p"], 3),
                "leftover_r": round(lo["r"], 3), "leftover_f1": round(lo["f1"], 3)}))


if __name__ == "__main__":
    main()
