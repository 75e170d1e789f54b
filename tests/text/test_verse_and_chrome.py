"""Verse read line by line, and site chrome recognised on a single page."""

from __future__ import annotations

import pytest

from align.records import Reason
from align.text.blocks import classify_blocks, split_blocks
from align.text.boilerplate import line_features, page_chrome
from align.text.verse import is_verse

STANZA = """when the city lights are fading
and the last bus has gone away
i will walk along the highway
till I see the break of day"""


def test_a_stanza_of_lower_case_lines_is_not_joined_into_one_sentence() -> None:
    assert split_blocks(STANZA) == STANZA.split("\n")
    assert split_blocks("[Verse 1]\n" + STANZA) == ["[Verse 1]", *STANZA.split("\n")]


def test_hard_wrapped_prose_is_still_joined() -> None:
    prose = ("The ministry said on Monday that the\nnew rules would apply to all of the\n"
             "provinces from next year, and that\nschools would be told in advance.")
    assert not is_verse(prose.split("\n"))
    assert len(split_blocks(prose)) == 1


@pytest.mark.parametrize(
    "line",
    ["Trang chủ » Xã hội » Giao thông", "Home / Business / Economy",
     "Từ khóa: xe buýt điện, giao thông công cộng, Hà Nội", "Tags: buses, transport, Hanoi",
     "Theo dõi chúng tôi trên Facebook, Zalo và YouTube", "Follow us on Facebook and YouTube",
     "Cập nhật lúc 08:15 ngày 03/04/2025", "Updated at 10:05 on 14/05/2024",
     "35 bình luận", "Bình luận (8)", "12 comments", "Gửi góp ý cho tòa soạn",
     "Send your feedback to the newsroom", "Xem thêm các tin khác trong chuyên mục"],
)
def test_chrome_lines_are_recognised_from_their_features(line: str) -> None:
    assert line_features(line).chrome


@pytest.mark.parametrize(
    "line",
    ["Hà Nội mở thêm ba tuyến xe buýt điện", "Hanoi to open three more electric bus routes",
     "Facebook said on Tuesday that it would remove the posts within a day.",
     "Vui lòng giữ yên lặng sau 22:00.", "Autumn at Home", "The Lost Wallet"],
)
def test_titles_and_sentences_are_not_chrome(line: str) -> None:
    assert not line_features(line).chrome


def test_short_lines_take_the_class_of_their_neighbours_unless_they_head_content() -> None:
    lines = ["Trang chủ » Xã hội", "Ý kiến của bạn ở đây", "Hà Nội mở thêm ba tuyến xe buýt",
             "Cập nhật lúc 08:15 ngày 03/04/2025",
             "Từ tháng sau, Hà Nội sẽ đưa vào hoạt động thêm ba tuyến xe buýt điện mới.",
             "Tags: a, b, c", "Một dòng ngắn ở cuối", "35 bình luận"]
    bad = page_chrome(lines, [False] * len(lines), [False] * len(lines))
    assert bad == [True, True, False, True, False, True, True, True]


def test_a_stanza_between_chrome_lines_stays_content() -> None:
    lines = ["Trang chủ » Thơ", *STANZA.split("\n"), "35 bình luận"]
    kinds = [b.kind for b in classify_blocks(lines)]
    assert kinds == [Reason.BOILERPLATE, "content", "content", "content", "content",
                     Reason.BOILERPLATE]


def test_a_line_in_both_languages_is_never_chrome() -> None:
    blocks = classify_blocks(["I have a headache. | Tôi bị đau đầu.", "Home | Trang chủ"])
    assert [b.kind for b in blocks] == ["content", "content"]
