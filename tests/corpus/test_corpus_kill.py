"""``align corpus`` killed with a real SIGKILL part-way, then resumed: the output equals an
uninterrupted run's (real CLI, real embedded model)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow


def _gold_pairs() -> list[tuple[str, str]]:
    pairs = []
    for path in sorted((ROOT / "corpus" / "gold").glob("*.pairs.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            vi, en = line.split("\t")[:2]
            pairs.append((vi, en))
    return pairs


def _write_pages(root: Path, n: int) -> None:
    """``n`` pages, each some translated items (Vietnamese half, then English half) and an
    untranslated paragraph, from the project's own sample gold pairs."""
    rng = random.Random(7)
    pairs = _gold_pairs()
    site = root / "news.example"
    site.mkdir(parents=True)
    for i in range(n):
        items = rng.sample(pairs, 3)
        lines = [vi for vi, _ in items] + ["Tin liên quan"] + [en for _, en in items]
        lines.insert(rng.randrange(len(lines)), f"Bài {i}: đoạn này không có bản dịch nào.")
        (site / f"page{i:03d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def _cmd(pages: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "align.cli", "corpus", str(pages), "-o", str(out),
            "--leftovers", str(out.with_suffix(".left.tsv")), "--batch-pages", "2",
            "--device", "cpu", "-q"]


def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path) -> None:
    pages = tmp_path / "pages"
    _write_pages(pages, 60)
    full = tmp_path / "full.tsv"
    done = subprocess.run(_cmd(pages, full), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr

    killed = tmp_path / "killed.tsv"
    journal = killed.with_name(killed.name + ".journal")
    proc = subprocess.Popen(_cmd(pages, killed), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 12:
            break  # header, the header "page" and at least ten pages are on disk
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its helper processes, at once
    proc.wait()
    partial = journal.read_bytes().count(b"\n")
    assert partial < 62  # killed part-way: not every page was journalled

    resumed = subprocess.run(_cmd(pages, killed), capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert killed.read_bytes() == full.read_bytes()
    assert killed.with_suffix(".left.tsv").read_bytes() == full.with_suffix(
        ".left.tsv").read_bytes()
    assert full.read_text(encoding="utf-8").count("\n") > 15  # pairs (deduplicated) were written
