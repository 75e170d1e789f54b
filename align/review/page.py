"""Render a review document as one self-contained HTML file (inline CSS, JS and data)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from align.io.files import atomic_output
from align.review.model import ReviewDoc


def _asset(name: str) -> str:
    return resources.files("align.review").joinpath("assets", name).read_text("utf-8")


def _script_json(data: dict) -> str:
    """JSON safe inside a <script> element: no "</", no "<!--", no U+2028/2029 surprises."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def render_html(doc: ReviewDoc) -> str:
    """The whole review page as a string; it fetches nothing when opened."""
    parts = {
        "{{TITLE}}": _escape(doc.title),
        "/*{{CSS}}*/": _asset("review.css"),
        "/*{{JS}}*/": _asset("review.js"),
        "{{DATA}}": _script_json(doc.as_dict()),
    }
    template = _asset("review.html")
    pattern = re.compile("|".join(re.escape(k) for k in parts))
    missing = [k for k in parts if k not in template]
    if missing:
        raise ValueError(f"review template lacks {missing[0]}")
    # one pass, so a title or text that looks like a placeholder is never expanded
    return pattern.sub(lambda m: parts[m.group(0)], template)


def write_review(doc: ReviewDoc, path: str | Path) -> None:
    """Write the review page atomically (the old file is kept if writing fails)."""
    text = render_html(doc)
    with atomic_output(path) as out:
        out.write(text)
