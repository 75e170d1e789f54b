"""End to end on the user's two real pages, through the real CLI and the embedded model."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from tests.helpers import SEEDS, need_shared

pytestmark = pytest.mark.slow


def _run(tmp_path, page: str) -> tuple[list[dict], list[dict]]:
    need_shared(SEEDS / page)
    out, left = tmp_path / "pairs.tsv", tmp_path / "left.tsv"
    proc = subprocess.run(
        [sys.executable, "-m", "align.cli", "mixed", str(SEEDS / page), "-o", str(out),
         "--leftovers", str(left), "--device", "cpu"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    read = lambda p: list(csv.DictReader(p.open(encoding="utf-8"), delimiter="\t",  # noqa: E731
                                         quoting=csv.QUOTE_NONE))
    return read(out), read(left)


def test_vietnamese_only_page_gives_no_pairs_and_each_block_once(tmp_path) -> None:
    pairs, left = _run(tmp_path, "000_1abbe2210d4c7c41.txt")
    assert pairs == []
    untranslated = [r["text"] for r in left if r["reason"] == "untranslated"]
    dups = [r["text"] for r in left if r["reason"] == "duplicate"]
    chrome = {r["text"] for r in left if r["reason"] == "boilerplate"}
    assert {"Mời quý độc giả theo dõi VOV.VN trên", "Tin liên quan"} <= chrome
    # every related-news title and summary: once as untranslated, its copies as duplicates
    title = "Gaza lún sâu vào khủng hoảng nhân đạo"
    assert untranslated.count(title) == 1 and dups.count(title) == 3
    assert len(untranslated) == len(set(untranslated))
    assert all(r["lang"] == "vi" for r in left if r["reason"] == "untranslated")
    assert title not in chrome


def test_mixed_page_gives_exactly_the_four_pairs(tmp_path) -> None:
    pairs, left = _run(tmp_path, "003_e5e3ea7be8ee1c5e.txt")
    expected = [
        ("Cơ hội cuối để dừng chiến tranh ở Gaza", "Last chance to stop the war in Gaza"),
        ("Ngoại trưởng Mỹ Antony Blinken cho biết", "US Secretary of State Antony Blinken said"),
        ("Israel tấn công Gaza bất chấp", "Israel attacks Gaza despite"),
        ("Israel vừa phát động một cuộc tấn công", "Israel has just launched a new attack"),
    ]
    assert len(pairs) == 4
    for (vi, en), p in zip(expected, pairs, strict=True):
        assert p["vi"].startswith(vi) and p["en"].startswith(en), p
    by_reason: dict[str, list[dict]] = {}
    for r in left:
        by_reason.setdefault(r["reason"], []).append(r)
    untranslated = [r["text"] for r in by_reason["untranslated"]]
    # the English article (all of it), the untranslated Gaza item and the three storm items
    assert "A truce remains distant" in untranslated
    assert sum(r["lang"] == "en" for r in by_reason["untranslated"]) >= 8
    for start in ("Ngừng chiến để rồi tiếp chiến", "Thỏa thuận ngừng chiến tạm thời",
                  "Bão số 4 chưa vào, cây cối ở", "Đào Nhật Tân chết rũ vì bão",
                  "Một số tỉnh cho học sinh nghỉ học"):
        assert sum(t.startswith(start) for t in untranslated) == 1, start
    dup_texts = {r["text"] for r in by_reason["duplicate"]}
    assert "Ngừng chiến để rồi tiếp chiến" in dup_texts
    chrome = {r["text"] for r in by_reason["boilerplate"]}
    assert {"Bùi Đức |", "Hạ Lang |", "TIN LIÊN QUAN"} <= chrome
    # bylines never appear in pairs
    assert not any("|" in p["vi"] or "|" in p["en"] for p in pairs)
