"""Finding a Chromium for Playwright (tests, benchmark and screenshot scripts).

Playwright's own browser download is not used: Debian's ``chromium`` package (or any Chromium
named by ``$ALIGN_CHROMIUM``) is driven through ``executable_path``.
"""

from __future__ import annotations

import os
import shutil

#: where a Chromium may be: Debian's package first, then other distributions' names
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser",
                       "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """A Chromium binary Playwright can drive (``$ALIGN_CHROMIUM`` first), or None."""
    env = os.environ.get("ALIGN_CHROMIUM")
    for name in ((env,) if env else ()) + CHROMIUM_CANDIDATES:
        path = name if os.path.isabs(name) else shutil.which(name)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None
