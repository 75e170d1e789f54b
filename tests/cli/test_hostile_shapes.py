"""Pages of hostile shapes and sizes, and corpus folders full of things that are not pages."""

from __future__ import annotations

import errno
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.io.reader import MB, page_text
from align.records import EN, VI
from align.text.page import draft_page
from tests.helpers import EN_POOL, MEANING, VI_POOL, HashEmbedder


def _sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes by stat that takes no disk space and no time to make."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def test_a_200_mb_page_is_refused_in_one_line_before_it_is_read(tmp_path) -> None:
    big = _sparse(tmp_path / "dump.txt", 200 * MB)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "align.cli", "mixed", str(big)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"align: error: {big}: 200 MB, larger than the page limit of "
                           "32 MB (raise it with --max-page-mb)\n")
    assert time.monotonic() - start < 30  # the time to start Python, not to read 200 MB


def _corpus(root: Path, out: Path, inputs: list[str] | None = None, **kw):
    opts = CorpusOptions(output=out, leftovers=out.with_suffix(".left.tsv"), **kw)
    run = CorpusRun(PageAligner(HashEmbedder(MEANING)), opts)
    return run.run(inputs or [str(root)])


def _unreadable_rows(out: Path) -> dict[str, str]:
    header, *rows = out.with_suffix(".left.tsv").read_text(encoding="utf-8").splitlines()
    cells = [dict(zip(header.split("\t"), r.split("\t"), strict=True)) for r in rows]
    return {c["page"]: c["text"] for c in cells if c["reason"] == "unreadable"}


def _good_page(path: Path, k: int) -> None:
    path.write_text(f"{VI_POOL[k]}\n\n{EN_POOL[k]}", encoding="utf-8")


def test_corpus_skips_a_huge_page_and_goes_on(tmp_path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _good_page(site / "a.txt", 0)
    _sparse(site / "b.txt", 200 * MB)
    _good_page(site / "c.txt", 1)
    out = tmp_path / "c.tsv"
    stats = _corpus(site, out, max_page_mb=1)
    assert stats.pages == 3 and stats.errors == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3  # header + 2 pairs
    assert "larger than the page limit of 1 MB" in _unreadable_rows(out)["b.txt"]


def _deny_reading(path: Path, monkeypatch) -> None:
    """chmod 000; as root (where modes do not bind) opening or listing it fails all the same."""
    path.chmod(0)
    if os.geteuid() != 0:
        return
    import builtins

    real_open, real_scandir = builtins.open, os.scandir

    def guarded_open(file, *a, **kw):
        if isinstance(file, (str, os.PathLike)) and Path(file) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *a, **kw)

    def guarded_scandir(folder="."):
        if isinstance(folder, (str, os.PathLike)) and Path(folder) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real_scandir(folder)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


def test_corpus_folder_with_unreadable_files_links_and_fifos(tmp_path, monkeypatch) -> None:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    _good_page(site / "a.txt", 0)
    _good_page(site / "sub" / "b.txt", 1)
    _good_page(site / "secret.txt", 2)
    (site / "locked").mkdir()
    _good_page(site / "locked" / "c.txt", 3)
    (site / "broken.txt").symlink_to(tmp_path / "gone.txt")
    (site / "loop.txt").symlink_to(site / "loop.txt")
    (site / "linked").symlink_to(site / "sub")  # inside the walk: read under its own name
    (site / "sub" / "up").symlink_to(site)  # a cycle: not followed
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    _good_page(outside / "d.txt", 4)
    (site / "more").symlink_to(outside)  # outside the walk: followed once
    (outside / "back").symlink_to(site)
    os.mkfifo(site / "pipe.txt")  # reading it would block forever
    (site / "binary.txt").write_bytes(bytes(range(256)) * 8)
    _deny_reading(site / "secret.txt", monkeypatch)
    _deny_reading(site / "locked", monkeypatch)
    out = tmp_path / "c.tsv"
    try:
        stats = _corpus(site, out)
    finally:
        (site / "secret.txt").chmod(0o644)
        (site / "locked").chmod(0o755)
    errors = _unreadable_rows(out)
    assert set(errors) == {"secret.txt", "locked/", "broken.txt", "loop.txt", "pipe.txt",
                           "binary.txt"}
    assert "permission denied" in errors["secret.txt"]
    assert "cannot list folder (Permission denied)" in errors["locked/"]
    assert "broken symbolic link" in errors["broken.txt"]
    assert "symbolic link loop" in errors["loop.txt"]
    assert "not a regular file" in errors["pipe.txt"]
    assert "binary" in errors["binary.txt"]
    pairs = out.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(p.split("\t")[-1] for p in pairs) == ["a.txt", "more/d.txt", "sub/b.txt"]
    assert stats.errors == 6 and stats.pages == 9


def _tiny_paragraphs(n: int, seed: int = 0) -> bytes:
    """``n`` tiny paragraphs: numbers, single words, short titles and repeated sentences."""
    rng = random.Random(seed)
    paras = [[str(i), "Có", f"Tin {i}", rng.choice(VI_POOL + EN_POOL)][i % 4] for i in range(n)]
    return "\n\n".join(paras).encode()


def _read_and_align(data: bytes):
    aligner = PageAligner(HashEmbedder(MEANING))
    return aligner.align_drafts([draft_page(page_text(data, "p.txt"), "p.txt", normalized=True)])[0]


def test_100_000_tiny_paragraphs_take_linear_time(tmp_path) -> None:
    _read_and_align(_tiny_paragraphs(1000))  # warm caches (language model, regexes)
    start = time.perf_counter()
    _read_and_align(_tiny_paragraphs(25_000))
    quarter = time.perf_counter() - start
    start = time.perf_counter()
    result = _read_and_align(_tiny_paragraphs(100_000))
    whole = time.perf_counter() - start
    assert whole / quarter < 8, (quarter, whole)  # quadratic time would be 16x
    assert len(result.blocks) == 100_000
    accounted = sorted([s.index for p in result.pairs for s in (*p.vi, *p.en)]
                       + [i for left in result.leftovers for i in left.sentences])
    assert accounted == [s.index for s in result.sentences]
    assert result.pairs and all(s.lang == VI for p in result.pairs for s in p.vi)
    assert all(s.lang == EN for p in result.pairs for s in p.en)


@pytest.mark.slow  # no model, but ~20 s: 20 000 sentences in one block to align
def test_a_1_mb_bilingual_line() -> None:
    pairs = [(VI_POOL[i % 6], EN_POOL[i % 6]) for i in range(6)]
    line = " ".join(f"{v} {e}" for v, e in pairs)
    data = ((line + " ") * (MB // len(line.encode()) + 1)).encode()[:MB]
    result = _read_and_align(data)  # its speed is a benchmark's business, not a unit test's
    assert len(result.blocks) == 1
    accounted = [s.index for p in result.pairs for s in (*p.vi, *p.en)]
    accounted += [i for left in result.leftovers for i in left.sentences]
    assert sorted(accounted) == [s.index for s in result.sentences]


@pytest.mark.parametrize("name,data,reason", [
    ("fr.txt", "Le gouvernement a annoncé une nouvelle politique économique hier soir.",
     "other_language"),
    ("chrome.txt", "Trang chủ | Tin tức | Thể thao\n\nTIN LIÊN QUAN\n\n24/7/2014\n\nXem thêm",
     "boilerplate"),
])
def test_pages_with_nothing_to_align_report_every_block(name, data, reason) -> None:
    result = _read_and_align(data.encode())
    assert result.pairs == [] and result.leftovers
    assert {left.reason for left in result.leftovers} == {reason}
    assert len(result.leftovers) == len(result.blocks)
