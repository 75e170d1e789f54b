"""HTML pages → text blocks: paragraphs, headings, list items and table cells, one per line.

Scraped pages often arrive as the HTML itself. Regexes cannot parse HTML (entities, comments,
unclosed tags, ``<script>`` bodies that contain ``<p>``), so the page is parsed by selectolax's
Lexbor engine, an HTML5-conformant C parser, and its text is walked in document order. Every
block-level element starts a new block; ``<br>`` is a line break inside a block (the block
splitter joins hard-wrapped lines back). Code, styles, forms, navigation, asides, footers and
hidden elements carry no sentences of the article and are dropped (``<form>`` is kept: ASP.NET
sites wrap the whole page in one).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from align.errors import InputError

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})

#: Elements whose text is never article content.
DROP = frozenset({
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "nav", "aside", "footer", "button", "select", "option", "textarea",
    "input", "dialog", "menu",
})
#: Elements that start and end a block of text.
BLOCK = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
#: Elements that never nest (void), or that the parser closes when a sibling starts: they do
#: not deepen the tree.
_FLAT = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr", "param", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
    "rb", "rt", "rp", "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
})
#: HTML5 parsing costs time proportional to the depth of the tree for many start tags, so a
#: page of unclosed elements is quadratic. Browsers stop nesting at 512 levels; a page four
#: times as deep is a broken template, not an article, and is refused in well under a second.
MAX_DEPTH = 2000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_HIDDEN_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})

_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
#: A fragment: the text opens with a block-level or head element (a saved article body such as
#: ``<div class="content"><p>…``); it also has to close some element, so a plain-text page
#: that merely starts with "<p>" stays text.
_FRAGMENT_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:" + "|".join(sorted(BLOCK | {"head", "meta", "title", "link"}))
    + r")(?:\s[^<>]*)?/?>",
    re.IGNORECASE | re.DOTALL,
)
_CLOSING = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>")
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_WS = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace only: &nbsp; and friends survive


def is_html_name(name: str) -> bool:
    """True for ``page.html``, ``page.htm.gz`` and the like."""
    path = PurePath(name)
    if path.suffix.lower() in (".gz", ".zst"):
        path = path.with_suffix("")
    return path.suffix.lower() in HTML_SUFFIXES


def looks_like_html(text: str) -> bool:
    """The text starts like an HTML document (``<!doctype html>``, ``<html``) or like a saved
    fragment of one (``<div …>``, ``<p>``, ``<meta …>`` … with a closing tag further on)."""
    head = text[:4096].lstrip("\ufeff")
    if _START.match(head):
        return True
    return bool(_FRAGMENT_START.match(head)) and bool(_CLOSING.search(text, 0, 65536))


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in a ``<meta charset>`` near its start, if any."""
    m = _CHARSET.search(data[:8192])
    return m.group(1).decode("ascii").lower() if m else None


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """How deep the page's elements nest, estimated from its tags in linear time; counting
    stops past ``limit``. An end tag closes everything opened after its start tag, as the
    parser does; an end tag with no open start tag is ignored, as the parser does.
    """
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _FLAT:
            continue
        if not m.group(1):
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
            if deepest > limit:
                break
        elif open_count.get(name):
            while True:  # each element is popped once: linear overall
                top = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
    return deepest


def _hidden(node) -> bool:
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    return (attrs.get("role") or "").lower() in _HIDDEN_ROLES


def html_blocks(text: str) -> list[str]:
    """The page's text blocks in document order; entities decoded, markup and code dropped.

    Walks the tree with an explicit stack, so deep nesting cannot overflow Python's
    recursion limit; a page nested deeper than ``MAX_DEPTH`` is refused (InputError).
    """
    from selectolax.lexbor import LexborHTMLParser

    if nesting_depth(text) > MAX_DEPTH:
        raise InputError(f"HTML nested more than {MAX_DEPTH} elements deep (unclosed tags?); "
                         "read it as plain text with --no-html")

    tree = LexborHTMLParser(text)
    root = tree.root
    if root is None:
        return []
    blocks: list[str] = []
    lines: list[str] = []  # lines of the block being built
    buf: list[str] = []  # text of the current line

    def end_line() -> None:
        line = "".join(buf).strip()
        buf.clear()
        if line:
            lines.append(line)

    def end_block() -> None:
        end_line()
        if lines:
            blocks.append("\n".join(lines))
            lines.clear()

    pre = 0
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:  # end of a block element (or of a <pre>)
            if node.tag == "pre":
                pre -= 1
            end_block()
            continue
        if node.is_text_node:
            value = node.text(deep=False)
            if pre:
                parts = value.replace("\r\n", "\n").split("\n")
                for k, part in enumerate(parts):
                    if k:
                        end_line()
                    buf.append(part)
            else:
                buf.append(_WS.sub(" ", value))
            continue
        if node.is_comment_node:
            continue
        tag = node.tag
        if tag in DROP or (node.is_element_node and _hidden(node)):
            continue
        if tag == "br":
            end_line()
            continue
        block = tag in BLOCK
        if block:
            end_block()
            if tag == "pre":
                pre += 1
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    end_block()
    return blocks


def html_to_text(text: str) -> str:
    """The page as plain text: one block per paragraph, blocks separated by a blank line."""
    return "\n\n".join(html_blocks(text))
