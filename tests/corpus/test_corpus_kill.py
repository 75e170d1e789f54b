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


def _pids_of_children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("full")
    pages = root / "pages"
    _write_pages(pages, 60)
    full = root / "full.tsv"
    done = subprocess.run(_cmd(pages, full), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return pages, full


@pytest.mark.parametrize("how", ["sigkill-main", "sigterm-main", "sigkill-group"])
def test_a_killed_run_resumes_to_an_uninterrupted_run(tmp_path, uninterrupted, how) -> None:
    """The world kills the main process alone (OOM killer, a scheduler, ``kill PID``): its
    helpers must go with it and never keep the output locked."""
    pages, full = uninterrupted
    killed = tmp_path / "killed.tsv"
    journal = killed.with_name(killed.name + ".journal")
    proc = subprocess.Popen(_cmd(pages, killed), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 12:
            break  # header, the header "page" and at least ten pages are on disk
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be killed"
    helpers = _pids_of_children(proc.pid)
    assert helpers, "the run has helper processes"
    if how == "sigkill-group":
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        os.kill(proc.pid, signal.SIGKILL if how == "sigkill-main" else signal.SIGTERM)
    rc = proc.wait(timeout=120)
    err = proc.stderr.read().decode()
    if how == "sigterm-main":
        assert rc == 143 and err == "align: terminated\n", err
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in helpers), "a helper outlived its parent"
    partial = journal.read_bytes().count(b"\n")
    assert partial < 62  # killed part-way: not every page was journalled

    resumed = subprocess.run(_cmd(pages, killed), capture_output=True, text=True, timeout=900)
    assert resumed.returncode == 0, resumed.stderr
    assert killed.read_bytes() == full.read_bytes()
    assert killed.with_suffix(".left.tsv").read_bytes() == full.with_suffix(
        ".left.tsv").read_bytes()
    assert full.read_text(encoding="utf-8").count("\n") > 15  # pairs (deduplicated) written


def test_ctrl_c_prints_one_line(tmp_path, uninterrupted) -> None:
    """Ctrl-C reaches the whole foreground process group: one line, exit 130, no traceback."""
    pages, _ = uninterrupted
    out = tmp_path / "c.tsv"
    journal = out.with_name(out.name + ".journal")
    proc = subprocess.Popen(_cmd(pages, out)[:-1], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 4:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    rc = proc.wait(timeout=120)
    lines = [x for x in proc.stderr.read().decode().splitlines() if not x.startswith(
        "align corpus: ")]  # progress lines written before the interrupt are fine
    assert rc == 130 and lines == ["align: interrupted"], lines
