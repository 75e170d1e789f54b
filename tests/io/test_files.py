"""Atomic outputs: a failed write never corrupts what was there; links and devices survive."""

from __future__ import annotations

import errno
import os

import pytest

from align.io.files import OutputError, atomic_output


def test_failure_keeps_the_old_file(tmp_path) -> None:
    out = tmp_path / "pairs.tsv"
    out.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(out) as f:
        f.write("new partial")
        raise RuntimeError("boom")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.tsv"]


def test_symlink_is_kept_and_its_target_replaced(tmp_path) -> None:
    target = tmp_path / "real.tsv"
    target.write_text("old\n")
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    with atomic_output(link) as f:
        f.write("new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_devices_are_written_in_place() -> None:
    with atomic_output("/dev/null") as f:
        f.write("x")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_missing_directory_is_one_line_error(tmp_path) -> None:
    with pytest.raises(OutputError, match="does not exist"), atomic_output(
            tmp_path / "no" / "x.tsv"):
        pass


def test_two_writers_of_one_output_never_interleave(tmp_path) -> None:
    """Two ``align mixed`` runs on one -o: each writes its own temporary file, and the one
    that finishes last replaces the output whole."""
    out = tmp_path / "pairs.tsv"
    with atomic_output(out) as first, atomic_output(out) as second:
        for k in range(1000):
            first.write(f"first {k}\n")
            second.write(f"second {k}\n")
    assert out.read_text() == "".join(f"first {k}\n" for k in range(1000))
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.tsv"]


def test_disk_full_at_fsync_keeps_the_old_file(tmp_path, monkeypatch) -> None:
    out = tmp_path / "pairs.tsv"
    out.write_text("old\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device"), atomic_output(out) as f:
        f.write("new\n")
    assert out.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["pairs.tsv"]
