"""Blocks, language ID and sentence splitting on the kinds of lines scraped pages hold."""

from __future__ import annotations

import pytest

from align.records import Reason
from align.text.blocks import classify_blocks, is_boilerplate, split_blocks
from align.text.langid import detect
from align.text.sentences import split_sentences


@pytest.mark.parametrize(
    "line",
    ["Bùi Đức |", "NHÓM PV |", "TIN LIÊN QUAN", "Tin liên quan", "Related news",
     "Mời quý độc giả theo dõi VOV.VN trên", "Hạ Lang", "24/7/2014 10:35", "https://vov.vn/x",
     "Home | World | Sport", "By John Smith", "Theo Reuters"],
)
def test_chrome_bylines_dates_links_are_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    ["A truce remains distant", "Cơ hội cuối để dừng chiến tranh ở Gaza",
     "Israel has just launched a new attack in Gaza.", "Last chance to stop the war in Gaza"],
)
def test_titles_and_sentences_are_content(line: str) -> None:
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Bão số 4 chưa vào, cây cối ở Quảng Bình đã bật gốc", "vi"),
     ("Mỹ nỗ lực", "vi"),
     ("A truce remains distant", "en"),
     ("Thank you.", "en"),
     ("Bonjour tout le monde, comment allez-vous aujourd'hui?", "fr"),
     ("24/7/2014", "neutral"),
     ("Antony Blinken", "neutral")],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect(text).lang == lang


def test_split_blocks_joins_hard_wrapped_lines() -> None:
    text = "First line of a paragraph that was\nwrapped by the scraper.\n\nNew block\nAnother"
    assert split_blocks(text) == [
        "First line of a paragraph that was wrapped by the scraper.", "New block", "Another"]


def test_duplicates_exact_and_near_exact() -> None:
    a = "VOV.VN - Những nơi trú ẩn tạm thời của Liên Hợp Quốc đã rơi vào tình trạng quá tải."
    near = a.replace("quá tải", "quá  tải!")
    blocks = classify_blocks([a, "Bùi Đức |", a, near, "Bonjour tout le monde, comment allez-vous?",
                              "2014"])
    kinds = [b.kind for b in blocks]
    assert kinds == ["content", Reason.BOILERPLATE, Reason.DUPLICATE, Reason.DUPLICATE,
                     Reason.OTHER_LANGUAGE, Reason.BOILERPLATE]
    assert blocks[2].duplicate_of == 0 and blocks[3].duplicate_of == 0
    assert classify_blocks(["Antony Blinken, 2014"])[0].kind == Reason.NEUTRAL


def test_sentences_keep_abbreviations_numbers_and_quotes() -> None:
    vi = ('TS. Nguyễn Văn A cho biết giá tăng 1.500 đồng tại TP.HCM. '
          'Ông nói: "Đây là mức cao nhất." GS.TS Trần B đồng ý.')
    assert split_sentences(vi) == [
        "TS. Nguyễn Văn A cho biết giá tăng 1.500 đồng tại TP.HCM.",
        'Ông nói: "Đây là mức cao nhất."',
        "GS.TS Trần B đồng ý.",
    ]
    en = "Mr. Smith paid $1.5 million to the U.S. government. He left."
    assert split_sentences(en) == ["Mr. Smith paid $1.5 million to the U.S. government.",
                                   "He left."]


def test_huge_line_is_split_quickly() -> None:
    sents = split_sentences("Một câu rất dài. " * 20000)
    assert len(sents) == 20000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He pulled my head up so I could breathe. "',
         ['He pulled my head up so I could breathe. "']),
        ('" Anh ấy nói. Rồi đi.', ['" Anh ấy nói.', "Rồi đi."]),
        ("Hi! ... Bye.", ["Hi! ...", "Bye."]),
        ("...", ["..."]),
    ],
)
def test_pieces_without_letters_join_a_neighbour(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Anh ta nói: "Tôi cần anh vào nhà. Tôi cần anh lên lầu." Rồi đi.',
         ['Anh ta nói: "Tôi cần anh vào nhà.', 'Tôi cần anh lên lầu."', "Rồi đi."]),
        ('He said, "Dr. Jones is here. He is fine.', ['He said, "Dr. Jones is here.',
                                                       "He is fine."]),
        ('TS. Lan nói: “Giá tăng 1.500 đồng. TP. HCM đồng ý.”',
         ["TS. Lan nói: “Giá tăng 1.500 đồng.", "TP. HCM đồng ý.”"]),
        ('He said: "It is over." Then he left.', ['He said: "It is over."', "Then he left."]),
    ],
)
def test_quoted_speech_is_split_into_its_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_a_block_without_inner_stops_is_one_sentence_without_pysbd(monkeypatch) -> None:
    import align.text.sentences as sentences

    monkeypatch.setattr(sentences, "_segmenter", lambda: pytest.fail("pysbd was called"))
    assert split_sentences("Gaza ceasefire talks resume in Cairo.") == [
        "Gaza ceasefire talks resume in Cairo."]
    assert split_sentences('"Tin liên quan"') == ['"Tin liên quan"']
