"""The README's screenshot: the review page of one of the project's own sample pages.

    python -m scripts.screenshot_review [--page PAGE] [--out docs/review.png]

Aligns the page with the embedded model, writes its review page, opens it in headless
Chromium (Playwright, Debian's binary), selects a sentence so its partner is highlighted, and
saves a PNG. Prints one JSON line (file, size in bytes).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", type=Path, default=ROOT / "corpus" / "pages" / "03_news_list.txt")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "review.png")
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--height", type=int, default=560)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from align.api import load_encoder
    from align.review import review_pages, write_review
    from align.review.browser import find_chromium

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found: apt-get install chromium (or set ALIGN_CHROMIUM)")
    name = args.page.relative_to(ROOT) if args.page.is_relative_to(ROOT) else args.page
    doc = review_pages([args.page], load_encoder(device="cpu"), title=f"review of {name.name}")
    doc.pages[0].name = str(name)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        html = Path(tmp) / "review.html"
        write_review(doc, html)
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(html.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        page.keyboard.press("2")
        # the first paired English sentence: its Vietnamese partner lights up
        page.click("#units-list .row.unit[data-fate='paired']:has(.lang:text-is('en'))")
        page.screenshot(path=str(args.out))
        browser.close()
    print(json.dumps({"file": str(args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT)
                                  else args.out), "bytes": args.out.stat().st_size}))


if __name__ == "__main__":
    main()
