"""The review document, without a browser: units in page order, pairs by unit, and the same
document rebuilt from the TSVs `align mixed` writes or from `align parallel` beads."""

from __future__ import annotations

from align.io.rows import LEFTOVER_COLUMNS, PAIR_COLUMNS, leftover_rows, pair_rows
from align.review import from_outputs, from_parallel, page_from_alignment, render_html
from align.review.model import ReviewDoc, ReviewPage, Unit
from tests.helpers import write_rows_tsv
from tests.review.conftest import review_data, sample_alignment


def _texts(page, ids):
    return [page.units[i].text for i in ids]


def test_units_follow_the_page_and_pairs_point_at_them() -> None:
    page = page_from_alignment(sample_alignment())
    assert [u.fate for u in page.units] == ["boilerplate", "paired", "paired", "paired",
                                            "boilerplate", "paired", "paired", "paired",
                                            "paired", "untranslated"]
    assert [u.lang for u in page.units][:5] == ["vi", "vi", "vi", "vi", "neutral"]
    assert [(p.vi, p.en) for p in page.pairs] == [([1], [5]), ([2], [6, 7]), ([3], [8])]
    assert _texts(page, page.pairs[1].en) == ["Each route has twenty buses.", "They run all day."]


def test_low_scores_stay_pairs_marked_low() -> None:
    page = page_from_alignment(sample_alignment(), min_score=1.04)
    assert [page.units[i].fate for i in (2, 6, 7)] == ["low_score"] * 3
    assert len(page.pairs) == 3


def _write_outputs(result, folder):
    folder.mkdir(parents=True, exist_ok=True)
    write_rows_tsv(folder / "sample.pairs.tsv", PAIR_COLUMNS, pair_rows(result))
    write_rows_tsv(folder / "sample.leftovers.tsv", LEFTOVER_COLUMNS, leftover_rows(result))


def test_outputs_without_the_page_file_keep_every_sentence_in_order(tmp_path) -> None:
    result = sample_alignment(page=str(tmp_path / "missing.txt"))
    _write_outputs(result, tmp_path / "out")
    [got] = from_outputs(tmp_path / "out").pages
    expected = page_from_alignment(result)
    units = [(u.lang, u.fate, u.text) for u in got.units]
    assert sorted(units) == sorted((u.lang, u.fate, u.text) for u in expected.units)
    # sentences keep their exact order; set-aside blocks are placed approximately
    sentences = [u for u in units if u[1] != "boilerplate"]
    assert sentences == [(u.lang, u.fate, u.text) for u in expected.units
                         if u.fate != "boilerplate"]
    assert [(_texts(got, p.vi), _texts(got, p.en), p.score) for p in got.pairs] == [
        (_texts(expected, p.vi), _texts(expected, p.en), p.score) for p in expected.pairs]


def test_outputs_read_columns_by_name_in_any_order(tmp_path) -> None:
    result = sample_alignment(page="p")
    out = tmp_path / "out"
    out.mkdir()
    cols = tuple(reversed(PAIR_COLUMNS))
    write_rows_tsv(out / "x.pairs.tsv", cols, pair_rows(result))
    write_rows_tsv(out / "x.leftovers.tsv", tuple(reversed(LEFTOVER_COLUMNS)),
                   leftover_rows(result))
    [got] = from_outputs(out).pages
    assert len(got.pairs) == 3 and len(got.units) == 10


def test_outputs_with_the_page_file_are_split_again_exactly(tmp_path) -> None:
    from align.aligners.mixed import PageAligner
    from tests.helpers import HashEmbedder

    text = ("TIN MỚI\n\nHà Nội mở thêm ba tuyến xe buýt điện. Giá vé vẫn giữ nguyên.\n\n"
            "Hanoi opens three more electric bus routes. Ticket prices remain unchanged.\n")
    meaning = {"Hà Nội mở thêm ba tuyến xe buýt điện.": "a",
               "Hanoi opens three more electric bus routes.": "a",
               "Giá vé vẫn giữ nguyên.": "b", "Ticket prices remain unchanged.": "b"}
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    result = PageAligner(HashEmbedder(meaning)).align_text(text, page=str(page))
    _write_outputs(result, tmp_path / "out")
    [got] = from_outputs(tmp_path / "out").pages
    expected = page_from_alignment(result)
    assert [u.text for u in got.units] == [u.text for u in expected.units]
    assert [(p.vi, p.en) for p in got.pairs] == [(p.vi, p.en) for p in expected.pairs]


def test_parallel_beads_become_one_page(tmp_path) -> None:
    (tmp_path / "s.txt").write_text("A one.\nA two.\nA three.\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("B one.\nB two and three.\n", encoding="utf-8")
    (tmp_path / "b.beads").write_text("[0]:[]\n[1, 2]:[1]:0.9\n[]:[0]\n", encoding="utf-8")
    doc = from_parallel(tmp_path / "s.txt", tmp_path / "t.txt", tmp_path / "b.beads")
    [page] = doc.pages
    assert doc.mode == "parallel" and doc.labels == ("s.txt", "t.txt")
    assert [u.fate for u in page.units] == ["untranslated", "paired", "paired",
                                            "untranslated", "paired"]
    assert [(p.vi, p.en, p.score) for p in page.pairs] == [([1, 2], [4], 0.9)]


def test_the_page_is_self_contained_and_text_cannot_break_out(tmp_path) -> None:
    hostile = '</script><script>alert(1)</script> <!-- & "{{DATA}}" \u2028'
    doc = ReviewDoc([ReviewPage("p", [Unit("vi", "untranslated", hostile)])], title=hostile)
    html = render_html(doc)
    path = tmp_path / "r.html"
    path.write_text(html, encoding="utf-8")
    assert review_data(path)["pages"][0]["units"][0][2] == hostile
    assert html.count("</script>") == 2  # the data's and the code's, nothing from the text
    for needle in ("http://", "https://", "src=", "@import", "url("):
        assert needle not in html.replace("http-equiv", ""), needle
