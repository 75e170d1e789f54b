"""The tool scored on the project's own sample pages (corpus/), real CLI and real model."""

from __future__ import annotations

import subprocess
import sys

import pytest

from align.eval.paths import evaluate_paths
from tests.helpers import ROOT

pytestmark = pytest.mark.slow


def test_sample_pages_against_their_gold(tmp_path) -> None:
    pages = sorted((ROOT / "corpus" / "pages").glob("*.txt"))
    assert len(pages) >= 5
    proc = subprocess.run(
        [sys.executable, "-m", "align.cli", "mixed", *map(str, pages), "--out-dir",
         str(tmp_path), "--device", "cpu"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count(" pairs; ") == len(pages)  # one summary line per page
    result = evaluate_paths(ROOT / "corpus" / "gold", tmp_path)
    assert not result["missing"]
    assert result["pairs"]["strict_f1"] >= 0.95, result["pairs"]
    assert result["leftovers"]["f1"] >= 0.9, result["leftovers"]
