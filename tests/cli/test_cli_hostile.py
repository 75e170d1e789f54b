"""Bad input through the real CLI: one clear line and a non-zero exit, or a correct empty
result; never a traceback, and nothing already written is lost."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _align(*args, stdin: bytes | None = None):
    proc = subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)],
                          input=stdin, capture_output=True, timeout=300)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    return proc.returncode, proc.stdout.decode("utf-8"), err


HEADER = "vi\ten\tscore\tmargin\tbead\tvi_ids\ten_ids\tpage\n"


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n\n\t\n", "Chỉ có tiếng Việt ở đây thôi, không có bản dịch.".encode(),
     b"Only English here, nothing to pair with.", "Bonjour tout le monde, ça va?".encode(),
     "Bùi Đức |\n\nTIN LIÊN QUAN\n\n24/7/2014".encode()],
    ids=["empty", "whitespace", "vi-only", "en-only", "french", "all-boilerplate"],
)
def test_pages_with_nothing_to_pair_give_an_empty_result(tmp_path, content) -> None:
    page = tmp_path / "p.txt"
    page.write_bytes(content)
    rc, out, err = _align("mixed", page, "--leftovers", tmp_path / "l.tsv")
    assert rc == 0 and out == HEADER
    page_line, summary = err.splitlines()  # the page's line, then the run's with its signature
    assert "0 pairs" in page_line and summary.startswith("align mixed: 1 pages, 0 pairs [align:")


def test_binary_and_missing_files_are_one_line_errors(tmp_path) -> None:
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 40)
    for path, words in ((tmp_path / "b.bin", "binary"), (tmp_path / "nope.txt", "no such file"),
                        (tmp_path, "directory")):
        rc, _, err = _align("mixed", path)
        assert rc == 2 and words in err and err.count("\n") == 1, err


def test_stdin_page_and_huge_single_line(tmp_path) -> None:
    rc, out, err = _align("mixed", "-", stdin=("Một câu rất dài. " * 60000).encode())
    assert rc == 0 and out == HEADER and "0 pairs" in err


def test_unwritable_output_keeps_existing_file(tmp_path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Chỉ có tiếng Việt.", encoding="utf-8")
    rc, _, err = _align("mixed", page, "-o", tmp_path / "missing-dir" / "x.tsv")
    assert rc != 0 and "does not exist" in err and err.count("\n") == 1
    keep = tmp_path / "keep.tsv"
    keep.write_text("precious\n")
    rc, _, err = _align("mixed", tmp_path / "nope.txt", "-o", keep)
    assert rc == 2 and keep.read_text() == "precious\n"


def test_usage_errors_are_one_line(tmp_path) -> None:
    rc, _, err = _align("mixed", "-", "-", stdin=b"")
    assert rc == 2 and "only once" in err
    rc, _, err = _align("frobnicate")
    assert rc == 2 and "No such command" in err


def test_html_pages_are_read_as_text_blocks_unless_told_otherwise(tmp_path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<!doctype html><html><head><script>var x = 1;</script></head><body>"
                    "<nav>Trang chủ</nav><p>Chỉ có tiếng Việt &amp; không có bản dịch.</p>"
                    "<p>Đoạn thứ hai cũng chỉ có tiếng Việt.</p></body></html>",
                    encoding="utf-8")
    left = tmp_path / "l.tsv"
    rc, out, _ = _align("mixed", page, "--leftovers", left, "-q")
    texts = [r.split("\t")[-1] for r in left.read_text(encoding="utf-8").splitlines()[1:]]
    assert rc == 0 and out == HEADER
    assert texts == ["Chỉ có tiếng Việt & không có bản dịch.",
                     "Đoạn thứ hai cũng chỉ có tiếng Việt."]
    rc, _, _ = _align("mixed", page, "--leftovers", left, "-q", "--no-html")
    assert rc == 0 and "<script>" in left.read_text(encoding="utf-8")
    plain = tmp_path / "p.txt"
    plain.write_text("<p>Một đoạn tiếng Việt.</p>", encoding="utf-8")
    rc, _, _ = _align("mixed", plain, "--leftovers", left, "-q", "--html")
    assert rc == 0 and left.read_text(encoding="utf-8").endswith("\tMột đoạn tiếng Việt.\n")
    fragment = tmp_path / "saved.txt"  # an article body saved without its document
    fragment.write_text('<div class="content"><p>Một đoạn <b>tiếng Việt</b>.</p>'
                        "<script>var x = '<p>';</script></div>", encoding="utf-8")
    rc, _, _ = _align("mixed", fragment, "--leftovers", left, "-q")
    assert rc == 0 and left.read_text(encoding="utf-8").endswith("\tMột đoạn tiếng Việt.\n")
    rc, _, _ = _align("mixed", fragment, "--leftovers", left, "-q", "--no-html")
    assert rc == 0 and "<script>" in left.read_text(encoding="utf-8")
