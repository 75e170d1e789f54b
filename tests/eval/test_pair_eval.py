"""Pair/leftover TSV evaluation: normalisation, strict/lax pairs, leftovers, files and folders."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from align.errors import InputError
from align.eval.matching import normalize_text, sentence_pieces
from align.eval.metrics import BeadCounts
from align.eval.paths import evaluate_paths
from align.eval.scores import (
    LeftoverCounts,
    leftover_counts,
    pair_counts,
    score_leftovers,
    score_pairs,
)
from align.eval.tables import LeftoverText as LeftoverRow
from align.eval.tables import PairText as PairRow
from align.eval.tables import detect_kind, read_leftovers, read_pairs

ROOT = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_normalize_and_pieces() -> None:
    nfd = unicodedata.normalize("NFD", "Hà Nội")
    assert normalize_text(f'  “{nfd}”,\t MỞ   thêm!  ') == "hà nội”, mở thêm"
    assert normalize_text("«Hello,  World!»") == "hello, world"
    assert normalize_text(" ... ") == ""
    assert sentence_pieces("Giá 7.000 đồng. He said “Hi.” Then left!  OK") == [
        "giá 7.000 đồng", "he said “hi", "then left", "ok"]


def test_pairs_strict_after_normalisation() -> None:
    gold = [PairRow("Xin chào.", "Hello."), PairRow("Tạm biệt.", "Goodbye.")]
    pred = [PairRow(" xin  CHÀO ", "hello"), PairRow("Tạm biệt.", "See you.")]
    # pred 1 strict; pred 2 shares nothing on the English side: miss both ways
    assert pair_counts(gold, pred) == BeadCounts(2, 1, 1, 2, 1, 1)


def test_pairs_lax_when_segmentation_differs() -> None:
    gold = [PairRow("Câu một. Câu hai.", "Sentence one and two."), PairRow("Ba.", "Three.")]
    pred = [PairRow("Câu một.", "Sentence one and two."),  # 1-1 inside a gold 2-1: lax
            PairRow("Câu hai.", "Three."),  # vi of one gold pair, en of another: miss
            PairRow("Ba. Bốn.", "Three. Four.")]  # contains the gold pair on both sides: lax
    assert pair_counts(gold, pred) == BeadCounts(3, 0, 2, 2, 0, 2)
    s = score_pairs([(gold, pred)])
    assert s.strict_f1 == 0.0 and s.lax_p == pytest.approx(2 / 3) and s.lax_r == 1.0
    assert "pairs" in str(s) and s.as_dict()["n_docs"] == 1


def test_containment_is_word_bounded() -> None:
    gold = [PairRow("Hà Nội mở tuyến", "Hanoi opens routes")]
    assert pair_counts(gold, [PairRow("Hà Nội", "an")]).test_lax == 0
    assert pair_counts(gold, [PairRow("Hà Nội", "Hanoi opens")]).test_lax == 1


def test_pages_separate_documents_only_when_several() -> None:
    gold = [PairRow("A một.", "A one.", "a"), PairRow("B hai.", "B two.", "b")]
    pred = [PairRow("A một.", "A one.", "pages/b.txt"), PairRow("B hai.", "B two.", "pages/a.txt")]
    assert pair_counts(gold, pred) == BeadCounts(2, 0, 0, 2, 0, 0)
    pred_ok = [PairRow("A một.", "A one.", "pages/a.txt"), PairRow("B hai.", "B two.", "b.txt")]
    assert pair_counts(gold, pred_ok) == BeadCounts(2, 2, 2, 2, 2, 2)
    # one page on each side: names may differ (stdin "-" vs a file name)
    one = [PairRow("A một.", "A one.", "x")]
    assert pair_counts(one, [PairRow("A một.", "A one.", "-")]).test_strict == 1
    # pages ignored when only one side has a page column
    assert pair_counts(gold, [PairRow("B hai.", "B two.")]).test_strict == 1


def test_leftovers_precision_and_recall() -> None:
    gold = [LeftoverRow("vi", "Chi phí vẫn còn cao."), LeftoverRow("vi", "Sẽ đào tạo thêm."),
            LeftoverRow("en", "The hospital hopes costs fall.")]
    pred = [
        LeftoverRow("vi", "Chi phí vẫn còn cao. Sẽ đào tạo thêm.", "untranslated"),  # both gold
        LeftoverRow("en", "The hospital hopes", "untranslated"),  # part of a gold text
        LeftoverRow("vi", "Tin liên quan", "untranslated"),  # not gold: miss
        LeftoverRow("en", "Chi phí vẫn còn cao.", "untranslated"),  # wrong language: miss
        LeftoverRow("vi", "Tin liên quan", "duplicate"),  # other reason: ignored
        LeftoverRow("vi", " -- ", "untranslated"),  # no words: ignored
    ]
    # recall: both vi texts covered; the en text only partly ("costs fall" missing)
    assert leftover_counts(gold, pred) == LeftoverCounts(4, 2, 3, 2)
    s = score_leftovers([(gold, pred)])
    assert (s.p, s.r) == pytest.approx((0.5, 2 / 3))
    assert s.as_dict()["reasons"] == ["untranslated"] and "leftovers (untranslated)" in str(s)
    # choosing reasons: only the duplicate row counts now, and gold rows default to untranslated
    assert leftover_counts(gold, pred, reasons=("duplicate",)) == LeftoverCounts(1, 0, 0, 0)
    dup_gold = [LeftoverRow("vi", "Tin liên quan", "duplicate")]
    assert leftover_counts(dup_gold, pred, ("duplicate",)) == LeftoverCounts(1, 1, 1, 1)


def test_read_tsv_by_header_name(tmp_path: Path) -> None:
    p = write(tmp_path / "p.tsv", "score\ten\tpage\tvi\n0.9\tHello\tpg\tXin chào\n\n")
    assert read_pairs(p) == [PairRow("Xin chào", "Hello", "pg")]
    g = write(tmp_path / "g.tsv", "\ufeffvi\ten\r\nA\tB\r\n")
    assert read_pairs(g) == [PairRow("A", "B", None)]
    left = write(tmp_path / "l.tsv", "lang\ttext\nVI\tMột câu.\n")
    assert read_leftovers(left) == [LeftoverRow("vi", "Một câu.", "untranslated", None)]
    # trailing optional columns may be left off, required ones not
    left2 = write(tmp_path / "l2.tsv", "lang\ttext\tpage\nen\tA sentence.\n")
    assert read_leftovers(left2)[0].page is None


@pytest.mark.parametrize(
    ("text", "where"),
    [("vi\tscore\nA\t1\n", r"bad\.tsv:1: header lacks column\(s\) en"),
     ("vi\ten\nA\tB\nA\tB\tC\n", r"bad\.tsv:3: expected 2"),
     ("vi\ten\tpage\nA\tB\nA\n", r"bad\.tsv:3: expected 3"),
     ("vi\ten\tvi\nA\tB\tC\n", r"bad\.tsv:1: header repeats"),
     ("\n\n", r"bad\.tsv:1: empty file")],
)
def test_malformed_tsv(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(InputError, match=where):
        read_pairs(write(tmp_path / "bad.tsv", text))


def test_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "bin.tsv"
    p.write_bytes(b"vi\ten\n\xff\xfe\x00\n")
    with pytest.raises(InputError, match=r"bin\.tsv: not UTF-8"):
        read_pairs(p)


def test_detect_kind(tmp_path: Path) -> None:
    assert detect_kind(write(tmp_path / "a", "\n[0, 1]:[2]\n")) == "beads"
    assert detect_kind(write(tmp_path / "b", "[]:[2]:0.5\n")) == "beads"
    assert detect_kind(write(tmp_path / "c", "vi\ten\tscore\n")) == "pairs"
    assert detect_kind(write(tmp_path / "d", "page\tlang\treason\ttext\n")) == "leftovers"
    assert detect_kind(write(tmp_path / "e", "lang\ttext\n")) == "leftovers"
    assert detect_kind(write(tmp_path / "f", "# readme\n")) == "unknown"
    assert detect_kind(write(tmp_path / "g", "\n \n")) == "empty"


def test_evaluate_directories(tmp_path: Path) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    write(gold / "p1.pairs.tsv", "vi\ten\nMột.\tOne.\nHai.\tTwo.\n")
    write(gold / "p1.leftovers.tsv", "lang\ttext\nvi\tChưa dịch.\n")
    write(gold / "sub" / "doc", "[0]:[0]\n[1, 2]:[1]\n")
    write(gold / "p2.pairs.tsv", "vi\ten\nBa.\tThree.\n")  # no prediction: all missed
    write(gold / "README.md", "# notes\n")  # no kind: skipped
    write(pred / "p1.pairs.tsv", "vi\ten\tscore\nMột.\tOne.\t0.9\nHai.\tTwenty.\t0.2\n")
    write(pred / "p1.leftovers.tsv",
          "page\tlang\treason\ttext\np1\tvi\tuntranslated\tChưa dịch.\np1\ten\tboilerplate\tMenu\n")
    write(pred / "sub" / "doc", "[0]:[0]:0.9\n[1]:[1]:0.5\n[2]:[]:0\n")
    write(pred / "extra.pairs.tsv", "vi\ten\n")
    write(pred / ".hidden", "x")
    r = evaluate_paths(gold, pred)
    assert set(r) == {"beads", "pairs", "leftovers", "files", "missing", "unmatched", "skipped"}
    assert r["missing"] == ["p2.pairs.tsv"]
    assert r["unmatched"] == ["extra.pairs.tsv"]
    assert r["skipped"] == ["README.md"]
    assert r["pairs"]["test"] == 2 and r["pairs"]["gold"] == 3 and r["pairs"]["test_strict"] == 1
    assert r["pairs"]["n_docs"] == 2
    assert r["beads"]["strict_p"] == pytest.approx(1 / 3) and r["beads"]["lax_r"] == 1.0
    assert r["leftovers"]["p"] == 1.0 and r["leftovers"]["r"] == 1.0
    assert r["files"]["sub/doc"]["kind"] == "beads"
    assert r["files"]["p2.pairs.tsv"]["score"]["strict_r"] == 0.0


def test_evaluate_single_files_and_errors(tmp_path: Path) -> None:
    g = write(tmp_path / "g.tsv", "vi\ten\nMột.\tOne.\n")
    p = write(tmp_path / "p.tsv", "vi\ten\nMột\tone\n")
    r = evaluate_paths(g, p)
    assert r["pairs"]["strict_f1"] == 1.0 and r["beads"] is None and r["leftovers"] is None
    assert r["missing"] == r["unmatched"] == r["skipped"] == []
    empty = write(tmp_path / "empty.tsv", "")
    assert evaluate_paths(g, empty)["pairs"]["strict_r"] == 0.0
    with pytest.raises(InputError, match=r"l\.tsv:1: is a leftovers file but gold"):
        evaluate_paths(g, write(tmp_path / "l.tsv", "lang\ttext\n"))
    with pytest.raises(InputError, match="no such file"):
        evaluate_paths(g, tmp_path / "nope")
    with pytest.raises(InputError, match="directory"):
        evaluate_paths(tmp_path, p)
    with pytest.raises(InputError, match=r"readme:1: not a bead file"):
        evaluate_paths(write(tmp_path / "readme", "hello\n"), p)


def test_project_corpus_gold_scores_itself_perfectly() -> None:
    gold = ROOT / "corpus" / "gold"
    if not gold.is_dir():
        pytest.skip("corpus/gold not present")
    r = evaluate_paths(gold, gold)
    assert r["pairs"]["strict_f1"] == 1.0 and r["pairs"]["lax_f1"] == 1.0
    assert r["leftovers"]["f1"] == 1.0
    assert r["missing"] == r["unmatched"] == []
