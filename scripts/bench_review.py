"""Size and load time of a large review page: a synthetic document of PAGES pages and
SENTENCES sentences in all, opened in headless Chromium (Playwright).

    python -m scripts.bench_review --pages 2000 --sentences 50000

Prints one JSON line per browser (Chromium, Firefox): file size, time to build and write the
file, the browser's time from navigation to a drawn page (three loads, median), the time to
scroll to the end, and how long one edit and one filter change take to redraw.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from align.review.model import PAIRED, ReviewDoc, ReviewPage, ReviewPair, Unit

_VI = ("Hà Nội mở thêm ba tuyến xe buýt điện nối trung tâm với các khu đô thị mới",
       "Giá vé vẫn giữ nguyên ở mức bảy nghìn đồng mỗi lượt",
       "Các chuyên gia cho rằng giá có thể duy trì ở mức cao đến cuối năm",
       "Nông dân Tây Nguyên đang chặt bỏ cà phê để trồng sầu riêng")
_EN = ("Hanoi opens three more electric bus routes linking the centre with new urban areas",
       "Ticket prices remain unchanged at seven thousand dong per trip",
       "Experts say prices may stay high until the end of the year",
       "Farmers in the Central Highlands are cutting down coffee trees to plant durian")
_LEFT = ("untranslated", "boilerplate", "duplicate", "neutral")


def synthetic_doc(pages: int, sentences: int, seed: int = 0) -> ReviewDoc:
    """Pages of about ``sentences / pages`` units: the Vietnamese half then the English half,
    most sentences paired (some 2-1 beads), the rest leftovers of several reasons."""
    rng = random.Random(seed)
    per_page = max(4, sentences // pages)
    out = []
    for p in range(pages):
        half = per_page // 2
        vi = [Unit("vi", PAIRED, f"{rng.choice(_VI)} ({p}.{k}).") for k in range(half)]
        en = [Unit("en", PAIRED, f"{rng.choice(_EN)} ({p}.{k}).") for k in range(per_page - half)]
        units = vi + en
        pairs = []
        k = 0
        while k < half and half + k < len(units):
            if rng.random() < 0.12:  # a leftover
                units[k].fate = rng.choice(_LEFT)
                units[half + k].fate = "untranslated"
                k += 1
                continue
            if rng.random() < 0.1 and k + 1 < half:  # a 2-1 bead
                pairs.append(ReviewPair([k, k + 1], [half + k], round(rng.uniform(1.0, 1.1), 4)))
                units[half + k + 1].fate = "untranslated"
                k += 2
                continue
            pairs.append(ReviewPair([k], [half + k], round(rng.uniform(0.98, 1.12), 4)))
            k += 1
        for u in units[half + k:]:
            u.fate = "untranslated"
        out.append(ReviewPage(f"site{p % 7}/page{p:05d}.html", units, pairs))
    return ReviewDoc(out, title=f"synthetic {pages} pages", min_score=1.0)


def measure(path: Path, name: str, exe: str, loads: int = 3) -> dict:
    """Median navigation → ready time over ``loads`` fresh loads, and a scroll to the end."""
    from playwright.sync_api import sync_playwright

    times, scroll = [], 0.0
    with sync_playwright() as pw:
        if name == "firefox":
            browser = pw.firefox.launch(executable_path=exe, channel="moz-firefox")
        else:
            browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1300, "height": 800})
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=120000)
            times.append(time.perf_counter() - t0)
            page.keyboard.press("2")
            t0 = time.perf_counter()
            page.eval_on_selector("#units-list", "el => { el.scrollTop = el.scrollHeight; }")
            page.wait_for_function("() => document.querySelectorAll('#units-list .row').length"
                                   " > 0")
            scroll = time.perf_counter() - t0
            rows = page.eval_on_selector_all(".row", "els => els.length")
            page.keyboard.press("1")
            # one edit and one filter change, each redrawing every list (synchronous in JS)
            edit_ms = page.evaluate("""() => { const t = performance.now();
                document.querySelector('#pairs-list [data-act=reject]').click();
                return performance.now() - t; }""")
            filter_ms = page.evaluate("""() => { const t = performance.now();
                document.querySelector('#legend input[data-fate=boilerplate]').click();
                return performance.now() - t; }""")
            context.close()
        browser.close()
    return {"load_s": round(statistics.median(times), 3),
            "load_s_all": [round(t, 3) for t in times],
            "scroll_to_end_s": round(scroll, 3), "rows_in_dom": rows,
            "edit_ms": round(edit_ms, 1), "filter_ms": round(filter_ms, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--sentences", type=int, default=50000)
    ap.add_argument("--out", type=Path, default=None, help="keep the review page here")
    ap.add_argument("--browser", choices=["chromium", "firefox", "both"], default="both")
    args = ap.parse_args()
    from align.review import write_review
    from align.review.browser import find_chromium, find_firefox

    doc = synthetic_doc(args.pages, args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.out or Path(tmp) / "review.html"
        t0 = time.perf_counter()
        write_review(doc, path)
        write_s = time.perf_counter() - t0
        counts = doc.counts()
        row = {"pages": counts["pages"], "units": counts["units"], "pairs": counts["pairs"],
               "bytes": path.stat().st_size, "mb": round(path.stat().st_size / 2**20, 2),
               "build_write_s": round(write_s, 3)}
        names = ["chromium", "firefox"] if args.browser == "both" else [args.browser]
        for name in names:
            exe = find_chromium() if name == "chromium" else find_firefox()
            if exe:
                print(json.dumps({**row, "browser": name, "binary": exe,
                                  **measure(path, name, exe)}), flush=True)
            else:
                print(json.dumps({**row, "browser": name, "binary": None}), flush=True)


if __name__ == "__main__":
    main()
