"""Atomic outputs: a failed write never corrupts what was there; links and devices survive."""

from __future__ import annotations

import os

import pytest

from align.files import OutputError, atomic_output


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
