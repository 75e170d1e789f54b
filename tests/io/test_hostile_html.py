"""HTML pages: text blocks extracted with a real parser, chrome and code dropped, then aligned."""

from __future__ import annotations

import pytest

from align.aligners.mixed import PageAligner
from align.errors import InputError
from align.io.html import (
    declared_charset,
    html_blocks,
    is_html_name,
    looks_like_html,
    nesting_depth,
)
from align.io.reader import page_text
from align.text.page import draft_page
from tests.helpers import EN_POOL, MEANING, VI_POOL, HashEmbedder

PAGE = f"""<!DOCTYPE html>
<html lang="vi"><head><title>Tin tức</title>
<style>p {{ color: red }}</style>
<script>var s = "<p>not text</p>"; if (a < b && c) {{}}</script></head>
<body><form id="aspnetForm">
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin">Tin tức</a></li></ul></nav>
<header><h1>Hà Nội &amp; mưa</h1></header>
<article>
  <p>{VI_POOL[0]}</p>
  <p>{VI_POOL[1]} <!-- a comment --></p>
  <div class="x">{EN_POOL[0]}<p>{EN_POOL[1]}</p></div>
  <ul><li>Một</li><li>Hai</li></ul>
  <table><tr><td>Ô một</td><td>Ô hai</td></tr></table>
  <p>Dòng một<br>dòng hai</p>
  <pre>x   y
z</pre>
  <div hidden>ẩn đi</div><div aria-hidden="true">cũng ẩn</div>
  <noscript>bật JavaScript</noscript>
  <input value="gõ vào"><button>Gửi</button>
</article>
<aside>Tin liên quan</aside>
<footer>© 2024 Báo</footer>
</form></body></html>"""


def test_blocks_are_paragraphs_headings_items_and_cells_in_order() -> None:
    assert html_blocks(PAGE) == [
        "Hà Nội & mưa", VI_POOL[0], VI_POOL[1], EN_POOL[0], EN_POOL[1], "Một", "Hai",
        "Ô một", "Ô hai", "Dòng một\ndòng hai", "x   y\nz"]


def test_entities_are_decoded_and_markup_never_leaks() -> None:
    blocks = html_blocks("<p>Vi&#7879;t&nbsp;Nam &lt;b&gt; &#x1EF3; &amp;amp;</p><p>a<b>b</b>c</p>")
    assert blocks == ["Việt\u00a0Nam <b> ỳ &amp;", "abc"]


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<!-- only a comment -->",
                                  "<script>x()</script>", "<p></p><div> </div>", "<<<>>>&&&"])
def test_pages_without_text(html: str) -> None:
    assert all(b.strip() for b in html_blocks(html))
    assert html_blocks(html) == ([] if html != "<<<>>>&&&" else ["<<<>>>&&&"])


def test_broken_html_is_parsed_and_absurd_nesting_refused_fast() -> None:
    assert html_blocks("<p>open <b>never closed<p>next</i></span>") == ["open never closed", "next"]
    # unclosed inline tags inside closed blocks do not pile up
    assert nesting_depth("<div><font>x</div>" * 5000) == 2
    assert html_blocks("<div>" * 1500 + "sâu") == ["sâu"]  # deeper than Python's recursion
    # refused from the measured depth, before the (quadratic) tree builder runs
    with pytest.raises(InputError, match=r"nested more than 2000 elements deep.*--no-html"):
        html_blocks("<div>" * 100_000 + "sâu")
    many = "".join(f"<p>Đoạn <b>{i}</b></p>" for i in range(100_000))
    assert len(html_blocks(many)) == 100_000


def test_detection() -> None:
    assert is_html_name("a/b.HTML") and is_html_name("x.htm.gz") and not is_html_name("x.txt")
    assert looks_like_html("\ufeff  <!DOCTYPE html>\n<html>")
    assert looks_like_html("<?xml version='1.0'?>\n<!-- saved --><html xmlns='x'>")
    assert not looks_like_html("Trang <html> được nhắc tới trong câu.")
    assert looks_like_html("<p>a fragment</p>")
    assert looks_like_html('<!-- saved -->\n<div class="content">\n<p>Hà Nội</p></div>')
    assert looks_like_html('<meta charset="utf-8">\n<title>Tin</title>\n<p>Hà Nội')
    assert not looks_like_html("<p> opens a page of plain text that never closes a tag.")
    assert not looks_like_html("<Việt Nam> là tên một tờ báo </Việt Nam>")
    assert not looks_like_html("<pre-release> notes</b>")
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; '
                            b'charset=windows-1258">') == "windows-1258"
    assert declared_charset(b"<p>no meta</p>") is None


def test_html_page_is_aligned_like_its_text() -> None:
    aligner = PageAligner(HashEmbedder(MEANING))
    text = page_text(PAGE.encode(), "p.html")
    result = aligner.align_drafts([draft_page(text, "p.html", normalized=True)])[0]
    assert {(p.vi_text, p.en_text) for p in result.pairs} == {
        (VI_POOL[0], EN_POOL[0]), (VI_POOL[1], EN_POOL[1])}
    texts = " ".join(b.text for b in result.blocks)
    for dropped in ("not text", "Trang chủ", "ẩn", "JavaScript", "Gửi", "gõ vào", "©", "{"):
        assert dropped not in texts
