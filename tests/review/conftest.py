"""Fixtures for the review page: a real browser (Playwright driving Debian's Chromium), a small
hand-made alignment, and the CLI run as a subprocess from this checkout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from align.records import EN, NEUTRAL, VI, Block, Leftover, PageAlignment, Pair, Sentence
from align.review.browser import find_chromium, find_firefox
from tests.helpers import ROOT


@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("review browser tests need the playwright package (pip install -e '.[test]')")
    with sync_playwright() as pw:
        yield pw


def _launch(pw, name: str):
    """A headless browser that can open a page, or a skip that says why there is none."""
    if name == "chromium":
        exe = find_chromium()
        if exe is None:
            pytest.skip("review browser tests need Chromium: apt-get install chromium "
                        "(or set ALIGN_CHROMIUM to a Chromium binary)")
        launch = lambda: pw.chromium.launch(executable_path=exe, args=["--no-sandbox"])  # noqa: E731
    else:
        exe = find_firefox()
        if exe is None:
            pytest.skip("Firefox runs of the review tests need apt-get install firefox-esr "
                        "(or ALIGN_FIREFOX set to a Firefox binary)")
        launch = lambda: pw.firefox.launch(executable_path=exe, channel="moz-firefox")  # noqa: E731
    try:
        b = launch()
        b.new_context().close()  # Playwright and Firefox must agree on WebDriver BiDi
    except Exception as exc:  # a browser that will not start is a skip, not a failure
        pytest.skip(f"{name} at {exe} did not start under Playwright: {str(exc)[:300]}")
    return b


@pytest.fixture(scope="session", params=["chromium", "firefox"])
def browser(request, playwright_driver):
    """Each browser-test runs in Chromium and in Firefox."""
    b = _launch(playwright_driver, request.param)
    yield b
    b.close()


def _page(b):
    context = b.new_context(accept_downloads=True, viewport={"width": 1300, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, pg, errors


@pytest.fixture
def page(browser):
    """A fresh browser context (empty localStorage) with one page that fails on JS errors."""
    context, pg, errors = _page(browser)
    yield pg
    context.close()
    assert not errors, errors


@pytest.fixture
def chromium_page(playwright_driver):
    """The same in Chromium only, for the slow end-to-end test (one model run)."""
    b = _launch(playwright_driver, "chromium")
    context, pg, errors = _page(b)
    yield pg
    context.close()
    b.close()
    assert not errors, errors


def open_review(pg, path: Path) -> None:
    pg.goto(path.resolve().as_uri())
    pg.wait_for_selector("body[data-ready='1']", timeout=30000)


def review_data(path: Path) -> dict:
    """The JSON document embedded in a review page."""
    m = re.search(r'<script type="application/json" id="review-data">(.*?)</script>',
                  path.read_text("utf-8"), re.S)
    assert m, "no review data in the page"
    return json.loads(m.group(1))


def run_cli(*args, timeout: int = 600) -> subprocess.CompletedProcess:
    """``align`` from this checkout (PYTHONPATH first), so a subprocess tests this code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def sample_alignment(page: str = "pages/sample.txt") -> PageAlignment:
    """A page as the aligner reports it: chrome, three pairs (one 1-2), one untranslated.

    units in page order: 0 TIN MỚI | 1 vi0 | 2 vi1 | 3 vi2 | 4 Minh Anh | | 5 en0 | 6 en1a |
    7 en1b | 8 en2 | 9 en-untranslated
    """
    blocks = [Block(0, "TIN MỚI", VI, "boilerplate"), Block(1, "", VI), Block(2, "", VI),
              Block(3, "Minh Anh |", NEUTRAL, "boilerplate"), Block(4, "", EN),
              Block(5, "", EN)]
    texts = [(1, VI, "Hà Nội mở thêm ba tuyến xe buýt điện."),
             (1, VI, "Mỗi tuyến có hai mươi xe chạy cả ngày."),
             (2, VI, "Giá vé vẫn giữ nguyên."),
             (4, EN, "Hanoi opens three more electric bus routes."),
             (4, EN, "Each route has twenty buses."), (4, EN, "They run all day."),
             (5, EN, "Ticket prices remain unchanged."),
             (5, EN, "The city also plans new parks.")]
    s = [Sentence(i, b, t, lang) for i, (b, lang, t) in enumerate(texts)]
    for b in blocks[1:3] + blocks[4:]:
        b.text = " ".join(x.text for x in s if x.block == b.index)
    pairs = [Pair([s[0]], [s[3]], 1.05), Pair([s[1]], [s[4], s[5]], 1.03),
             Pair([s[2]], [s[6]], 1.08)]
    leftovers = [Leftover(VI, "boilerplate", "TIN MỚI", 0),
                 Leftover(NEUTRAL, "boilerplate", "Minh Anh |", 3),
                 Leftover(EN, "untranslated", s[7].text, 5, [7])]
    return PageAlignment(page, pairs, leftovers, blocks, s)
