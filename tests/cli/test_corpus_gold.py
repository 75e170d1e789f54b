"""The tool scored on the project's own sample pages (corpus/), real CLI and real model.

``corpus/pages`` is the tuning part; ``corpus/heldout/pages`` was never looked at while
tuning and is scored separately (figures in the README).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from align.eval.paths import evaluate_paths
from tests.helpers import ROOT

pytestmark = pytest.mark.slow

SETS = {
    # part: (folder, at least this many pages, pair strict F1, leftover P, leftover R)
    "tuning": (ROOT / "corpus", 25, 0.95, 0.9, 0.95),
    "heldout": (ROOT / "corpus" / "heldout", 12, 0.90, 0.85, 0.9),
}


@pytest.mark.parametrize("part", sorted(SETS))
def test_sample_pages_against_their_gold(tmp_path, part: str) -> None:
    folder, count, pair_f1, left_p, left_r = SETS[part]
    pages = sorted((folder / "pages").glob("*.txt"))
    assert len(pages) >= count
    proc = subprocess.run(
        [sys.executable, "-m", "align.cli", "mixed", *map(str, pages), "--out-dir",
         str(tmp_path), "--device", "cpu"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count(" pairs; ") == len(pages)  # one summary line per page
    result = evaluate_paths(folder / "gold", tmp_path)
    assert not result["missing"]
    assert result["pairs"]["strict_f1"] >= pair_f1, result["pairs"]
    assert result["leftovers"]["p"] >= left_p, result["leftovers"]
    assert result["leftovers"]["r"] >= left_r, result["leftovers"]
