"""Language runs inside a line: both languages on one line are read as separate units."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligners.mixed import PageAligner
from align.records import EN, VI
from align.text.page import draft_page
from align.text.runs import read_runs, speaker_labels
from tests.helpers import EN_POOL, MEANING, NOISE, VI_POOL, HashEmbedder, check_page_invariants


@pytest.mark.parametrize(
    ("line", "runs"),
    [
        ("00:00:04 Did you pack the tickets? | Con đã cất vé chưa?",
         [(EN, "Did you pack the tickets?"), (VI, "Con đã cất vé chưa?")]),
        ("[00:01:12]\tWhere are the keys?\tChìa khóa ở đâu?",
         [(EN, "Where are the keys?"), (VI, "Chìa khóa ở đâu?")]),
        ("Where is the station? (Nhà ga ở đâu?)",
         [(EN, "Where is the station?"), (VI, "Nhà ga ở đâu?")]),
        ("1. Time cannot be bought back. → Thời gian không thể mua lại.",
         [(EN, "Time cannot be bought back."), (VI, "Thời gian không thể mua lại.")]),
        ("Good friends are like stars - Bạn tốt giống như những vì sao",
         [(EN, "Good friends are like stars"), (VI, "Bạn tốt giống như những vì sao")]),
        ("The bill, please: Làm ơn tính tiền",
         [(EN, "The bill, please"), (VI, "Làm ơn tính tiền")]),
        ("Cảm ơn quý khách! / Thank you!", [(VI, "Cảm ơn quý khách!"), (EN, "Thank you!")]),
        ("basket\tcái giỏ", [(EN, "basket"), (VI, "cái giỏ")]),
    ],
)
def test_a_line_in_both_languages_is_cut_where_the_language_switches(line, runs) -> None:
    got, wrapped = read_runs(line)
    assert [(r.lang, r.text) for r in got] == runs
    assert not wrapped
    for r in got:
        assert line[r.start:r.end] == r.text.replace(" ", "\t") or r.text in line


@pytest.mark.parametrize(
    "line",
    [
        "Phụ đề song ngữ: Tập 3 - Chuyến tàu đêm",  # seams, one language
        "Danh ngôn về tình bạn (song ngữ Anh - Việt)",
        'When asked, she would answer "cũng được" (it\'s okay) with a shrug.',  # bracket inside
        'Sau đại dịch, cụm từ "work from home" đã trở nên quen thuộc.',  # English term inside
        "VOV.VN - Tổng thư ký Liên Hợp Quốc kêu gọi ngừng bắn.",  # a site name, not English
        "Thứ Ba, 14/05/2024 09:20 (GMT+7)",
        "English\tTiếng Việt",  # a table header
    ],
)
def test_a_line_in_one_language_stays_one_run(line: str) -> None:
    runs, _ = read_runs(line)
    assert len(runs) == 1 and runs[0].text == line.replace("\t", " ")


def test_numbering_timestamps_and_speaker_labels_are_neutral() -> None:
    lines = ["Pharmacist: Good morning.", "Dược sĩ: Chào buổi sáng.",
             "Pharmacist: Take this syrup.", "Dược sĩ: Anh uống siro này.", "Gaza: a title"]
    labels = speaker_labels(lines)
    assert labels == {"Pharmacist", "Dược sĩ"}
    assert read_runs(lines[0], labels)[0][0].text == "Good morning."
    assert read_runs("Gaza: chiến sự leo thang", labels)[0][0].text == "Gaza: chiến sự leo thang"
    assert speaker_labels(["Gaza: one", "Gaza: two"]) == frozenset()  # a topic, not a dialogue
    short = speaker_labels(["B: x"])
    assert read_runs("B: Thank you. (Cảm ơn bạn.)", short)[0][0].text == "Thank you."
    assert read_runs("- Hồ bơi mở cửa lúc 6:00.")[0][0].text == "Hồ bơi mở cửa lúc 6:00."
    assert read_runs("12) [00:00:01] Hello there")[0][0].text == "Hello there"


@pytest.mark.parametrize(
    ("line", "title"),
    [("Read more: Rice prices hit a two-year high", "Rice prices hit a two-year high"),
     ("Đọc tiếp: Giá gạo cao nhất hai năm", "Giá gạo cao nhất hai năm"),
     ("Xem thêm >> Tiêu thụ điện tăng mạnh", "Tiêu thụ điện tăng mạnh"),
     ("Continue reading The Lost Wallet", "The Lost Wallet")],
)
def test_continue_reading_wrappers_leave_their_title(line: str, title: str) -> None:
    runs, wrapped = read_runs(line)
    assert wrapped and [r.text for r in runs] == [title]


@pytest.mark.parametrize("line", ["Xem thêm các tin khác trong chuyên mục",
                                  "Next week, the ministry will decide."])
def test_no_wrapper_without_a_title(line: str) -> None:
    assert read_runs(line) == ([read_runs(line)[0][0]], False)
    assert read_runs(line)[0][0].start == 0


def test_sentences_of_runs_keep_their_line_number() -> None:
    page = "Bài học\n\n00:00:01 We have to go. | Chúng ta phải đi.\n00:00:04 Now! | Ngay bây giờ!"
    draft = draft_page(page)
    assert [(s.block, s.lang, s.text) for s in draft.sentences] == [
        (0, VI, "Bài học"), (1, EN, "We have to go."), (1, VI, "Chúng ta phải đi."),
        (2, EN, "Now!"), (2, VI, "Ngay bây giờ!")]


SEAMS = [" | ", "\t", " → ", " - ", ": ", " / "]
PREFIXES = ["", "1. ", "00:00:12 ", "[00:01:02]\t", "- ", "A: "]
same_line = st.builds(
    lambda p, i, j, seam, vi_first: p + (
        f"{VI_POOL[i]}{seam}{EN_POOL[j]}" if vi_first else f"{EN_POOL[j]}{seam}{VI_POOL[i]}"),
    st.sampled_from(PREFIXES), st.integers(0, len(VI_POOL) - 1),
    st.integers(0, len(EN_POOL) - 1), st.sampled_from(SEAMS), st.booleans())
bracketed = st.builds(lambda j, i: f"{EN_POOL[j]} ({VI_POOL[i]})",
                      st.integers(0, len(EN_POOL) - 1), st.integers(0, len(VI_POOL) - 1))
line = st.one_of(same_line, bracketed, st.sampled_from(VI_POOL), st.sampled_from(EN_POOL),
                 st.sampled_from(NOISE), st.text(max_size=30))


@settings(max_examples=150, deadline=None)
@given(st.lists(line, max_size=20), st.sampled_from(["\n", "\n\n"]))
def test_every_sentence_once_when_units_are_runs_inside_lines(lines: list[str], sep: str) -> None:
    result = PageAligner(HashEmbedder(MEANING)).align_text(sep.join(lines), "p")
    check_page_invariants(result)
    # every sentence, pair or leftover, says which line (block) its run came from
    blocks = {b.index: b.text for b in result.blocks}
    for s in result.sentences:
        assert s.text in blocks[s.block].replace("\t", " ")
    for left in result.leftovers:
        assert left.text in blocks[left.block].replace("\t", " ") or not left.sentences


def test_the_halves_of_same_line_translations_pair() -> None:
    page = "\n".join(f"00:00:0{k} {EN_POOL[k]} | {VI_POOL[k]}" for k in range(5))
    result = PageAligner(HashEmbedder(MEANING)).align_text(page, "p")
    assert {(p.vi_text, p.en_text) for p in result.pairs} == {
        (VI_POOL[k], EN_POOL[k]) for k in range(5)}
    assert [p.vi[0].block for p in result.pairs] == [p.en[0].block for p in result.pairs]
