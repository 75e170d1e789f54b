"""Bead record and bead file format: parse, format, round-trip, errors with file:line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.errors import InputError
from align.eval.beads import Bead, format_bead, format_beads, parse_beads, read_beads


def test_parse_gold_format_and_scores() -> None:
    text = "[0]:[0, 1]\n\n[1, 2]:[2]\n[]:[3]\n[3]:[]:0.5\n  [4]:[4]:0.873  \n"
    beads = parse_beads(text)
    assert beads == [Bead((0,), (0, 1)), Bead((1, 2), (2,)), Bead((), (3,)), Bead((3,), ()),
                     Bead((4,), (4,))]
    assert [b.kind for b in beads] == ["1-2", "2-1", "0-1", "1-0", "1-1"]
    assert beads[3].score == 0.5 and beads[4].score == pytest.approx(0.873)
    assert beads[0].score is None
    assert [b.is_null for b in beads] == [False, False, True, True, False]


def test_score_is_not_identity_and_lists_become_tuples() -> None:
    b = Bead([0, 1], [2], 0.3)  # type: ignore[arg-type]
    assert b.src == (0, 1) and b.tgt == (2,)
    assert b == Bead((0, 1), (2,)) and len({b, Bead((0, 1), (2,), 0.9)}) == 1
    assert Bead((), ()).is_empty and not Bead((), ()).is_null


def test_format() -> None:
    assert format_bead(Bead((0, 1), (2,))) == "[0, 1]:[2]"
    assert format_bead(Bead((0, 1), (2,), 0.873)) == "[0, 1]:[2]:0.8730"
    assert format_bead(Bead((), (7,))) == "[]:[7]"
    assert format_beads([Bead((3,), ()), Bead((4,), (5,))]) == "[3]:[]\n[4]:[5]\n"


@pytest.mark.parametrize(
    "line",
    ["[0]", "[0]:[1]:x", "[0]:[1]:0.5:2", "0:[1]", "[a]:[1]", "[1.0]:[1]", "[-1]:[1]",
     "[true]:[1]", "[1, 1]:[2]", "[__import__('os')]:[1]", "[0]:[1]:nan", "{}:[1]"],
)
def test_malformed_lines_name_file_and_line(line: str) -> None:
    with pytest.raises(InputError, match=r"^gold\.txt:3: "):
        parse_beads(f"[0]:[0]\n\n{line}\n", "gold.txt")


def test_read_beads(tmp_path) -> None:
    p = tmp_path / "b.txt"
    p.write_text("\ufeff[0]:[0]\r\n[1, 2]:[1]\r\n", encoding="utf-8")
    assert read_beads(p) == [Bead((0,), (0,)), Bead((1, 2), (1,))]
    with pytest.raises(InputError, match="missing"):
        read_beads(tmp_path / "missing")
    bad = tmp_path / "bad"
    bad.write_bytes(b"[0]:[0]\n\xff\xfe\n")
    with pytest.raises(InputError, match="bad"):
        read_beads(bad)
    broken = tmp_path / "broken"
    broken.write_text("[0]:[0]\n[1]:[1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken:2:"):
        read_beads(broken)


_side = st.lists(st.integers(0, 50), max_size=4, unique=True).map(tuple)
_score = st.none() | st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 4))


@given(st.lists(st.builds(Bead, _side, _side, _score), max_size=10))
def test_round_trip(beads: list[Bead]) -> None:
    back = parse_beads(format_beads(beads))
    assert back == beads
    assert [b.score for b in back] == [
        None if b.score is None else pytest.approx(b.score, abs=1e-4) for b in beads
    ]
