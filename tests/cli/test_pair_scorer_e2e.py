"""The pair scorer end to end: the real CLI and embedded model on the project's pages.

- pages that hold no translation (``corpus/notrans``) get no pair;
- ``--min-score`` thresholds the probability: a pair below it leaves both its sides as
  ``low_score`` leftovers, ``--min-score 0`` writes it, and the run signature names the
  scorer and the threshold in force.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from align.aligners.pair_model import load_pair_model
from tests.helpers import ROOT

pytestmark = pytest.mark.slow
NOTRANS = sorted((ROOT / "corpus" / "notrans" / "pages").glob("*.txt"))
#: pages whose pair the scorer is not to blame for, with why (the test fails when fixed)
KNOWN = {
    "n03_two_items_one_event": "its masthead 'BÁO ĐỜI SỐNG MIỀN TRUNG | CENTRAL VIETNAM DAILY'"
    " is a site name with its translation: chrome reading does not set it aside, and as a"
    " pair it is right",
}
PAGE_04 = ROOT / "corpus" / "pages" / "04_en_then_vi_merges.txt"


def _align(*args: object) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def notrans_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("notrans")
    _align("mixed", *NOTRANS, "--out-dir", out, "-q")
    return out


@pytest.mark.parametrize("page", [
    pytest.param(p.stem, marks=pytest.mark.xfail(strict=True, reason=KNOWN[p.stem]))
    if p.stem in KNOWN else p.stem for p in NOTRANS])
def test_no_pair_on_a_page_without_translation(notrans_out, page) -> None:
    assert _rows(notrans_out / f"{page}.pairs.tsv") == []
    left = _rows(notrans_out / f"{page}.leftovers.tsv")
    assert any(r["reason"] == "untranslated" for r in left)


def test_min_score_thresholds_the_probability(tmp_path) -> None:
    default = load_pair_model().min_score
    kept, left = tmp_path / "kept.tsv", tmp_path / "left.tsv"
    proc = _align("mixed", PAGE_04, "-o", kept, "--leftovers", left, "--stats", "-q")
    every = tmp_path / "all.tsv"
    _align("mixed", PAGE_04, "-o", every, "--min-score", "0", "-q")
    kept_rows, all_rows = _rows(kept), _rows(every)
    assert all(float(r["score"]) >= default for r in kept_rows)
    below = [r for r in all_rows if float(r["score"]) < default]
    assert below and len(kept_rows) + len(below) == len(all_rows)
    low = [r for r in _rows(left) if r["reason"] == "low_score"]
    # both sides of the pairs below the threshold, sentence by sentence, in page order
    for lang in ("vi", "en"):
        assert " ".join(r["text"] for r in low if r["lang"] == lang) == " ".join(
            r[lang] for r in below)
    for r in all_rows:
        assert 0.0 <= float(r["score"]) <= 1.0 and float(r["margin"]) > 0.9
    settings = json.loads(proc.stderr.strip().splitlines()[-1])["signature"]["settings"]
    assert settings["min_score"] == default
    assert settings["scorer"] == load_pair_model().version
