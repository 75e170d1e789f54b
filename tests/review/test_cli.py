"""`align review` and `align mixed --review` through the real CLI."""

from __future__ import annotations

import json

import pytest

from align.io.rows import LEFTOVER_COLUMNS, PAIR_COLUMNS, leftover_rows, pair_rows
from tests.helpers import ROOT, write_rows_tsv
from tests.review.conftest import open_review, review_data, run_cli, sample_alignment


@pytest.mark.parametrize("args", [[], ["page.txt", "--from-outputs", "."],
                                  ["--src", "a.txt", "--beads", "b.beads"]],
                         ids=["nothing", "two-sources", "parallel-half"])
def test_review_needs_exactly_one_source(tmp_path, args) -> None:
    for name in ("page.txt", "a.txt", "b.beads"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    args = [str(tmp_path / a) if a.endswith((".txt", ".beads")) else a for a in args]
    proc = run_cli("review", *args, "-o", tmp_path / "r.html")
    assert proc.returncode == 2 and "--from-outputs" in proc.stderr
    assert not (tmp_path / "r.html").exists()


def test_review_from_outputs_without_tsvs_is_one_line(tmp_path) -> None:
    proc = run_cli("review", "--from-outputs", tmp_path, "-o", tmp_path / "r.html")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "no pairs or leftovers TSV" in proc.stderr


def test_review_from_outputs_writes_the_page(tmp_path) -> None:
    result = sample_alignment()
    write_rows_tsv(tmp_path / "s.pairs.tsv", PAIR_COLUMNS, pair_rows(result))
    write_rows_tsv(tmp_path / "s.leftovers.tsv", LEFTOVER_COLUMNS, leftover_rows(result))
    proc = run_cli("review", "--from-outputs", tmp_path, "-o", tmp_path / "r.html",
                   "--min-score", "1.04")
    assert proc.returncode == 0, proc.stderr
    assert "1 pages, 3 pairs" in proc.stderr
    data = review_data(tmp_path / "r.html")
    assert data["min_score"] == 1.04 and len(data["pages"][0]["units"]) == 10


@pytest.mark.slow
def test_a_real_page_reviewed_as_is_gives_back_its_gold(chromium_page, tmp_path) -> None:
    """`mixed --review` and `review --from-outputs` give the same page; its gold, downloaded
    untouched, scores 1.0 against the page's hand-made gold."""
    src = ROOT / "corpus" / "pages" / "03_news_list.txt"
    proc = run_cli("mixed", src, "--out-dir", tmp_path / "out", "--review",
                   tmp_path / "m.html", "--device", "cpu", "-q")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("review", "--from-outputs", tmp_path / "out", "-o", tmp_path / "o.html")
    assert proc.returncode == 0, proc.stderr
    assert review_data(tmp_path / "m.html")["pages"] == review_data(tmp_path / "o.html")["pages"]

    page = chromium_page
    open_review(page, tmp_path / "m.html")
    got = []
    page.on("download", lambda d: got.append(d))
    page.click("#download")
    page.wait_for_function("() => document.getElementById('status').textContent"
                           ".includes('gold written')")
    while len(got) < 2:
        page.wait_for_timeout(100)
    for d in got:
        d.save_as(tmp_path / d.suggested_filename)
    gold = ROOT / "corpus" / "gold"
    for kind, key in (("pairs", "strict_f1"), ("leftovers", "f1")):
        name = f"03_news_list.{kind}.tsv"
        proc = run_cli("evaluate", gold / name, tmp_path / name, "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)[kind][key] == 1.0
