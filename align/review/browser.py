"""Finding browsers for Playwright (tests, benchmark and screenshot scripts).

Playwright's own browser download is not used: Debian's ``chromium`` package (or a Chromium
named by ``$ALIGN_CHROMIUM``) is driven through ``executable_path``; Debian's ``firefox-esr``
(or ``$ALIGN_FIREFOX``) through Playwright's WebDriver BiDi channel ``moz-firefox``.
"""

from __future__ import annotations

import os
import shutil

#: where a Chromium may be: Debian's package first, then other distributions' names
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser",
                       "google-chrome", "google-chrome-stable")


FIREFOX_CANDIDATES = ("/usr/lib/firefox-esr/firefox-esr", "firefox-esr", "firefox")


def find_chromium() -> str | None:
    """A Chromium binary Playwright can drive (``$ALIGN_CHROMIUM`` first), or None."""
    return _find(os.environ.get("ALIGN_CHROMIUM"), CHROMIUM_CANDIDATES)


def find_firefox() -> str | None:
    """A Firefox binary (``$ALIGN_FIREFOX`` first), or None."""
    return _find(os.environ.get("ALIGN_FIREFOX"), FIREFOX_CANDIDATES)


def _find(env: str | None, candidates: tuple[str, ...]) -> str | None:
    for name in ((env,) if env else ()) + candidates:
        path = name if os.path.isabs(name) else shutil.which(name)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None
