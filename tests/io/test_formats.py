"""The writer layer: every format writes the same rows and reads back to them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from align.io.files import OutputError
from align.io.formats import JsonlFormat, TsvFormat, text_format
from align.io.rows import (
    CORPUS_COLUMNS,
    LEFTOVER_COLUMNS,
    PAIR_COLUMNS,
    LeftoverRow,
    PairRow,
    unreadable_row,
)
from align.io.writers import RowSink
from align.records import Reason

pa = pytest.importorskip("pyarrow", reason="pyarrow is in the test extra")
import pyarrow.parquet as pq  # noqa: E402

XML = "{http://www.w3.org/XML/1998/namespace}lang"
PAIRS = [
    PairRow("Xin chào\tthế giới", "Hello <world> & \"you\"", 1.03456, "1-1", (0,), (3,), "a.txt",
            1.06123),
    PairRow("Hai câu. Một câu.", "Two sentences in one.", 0.9, "2-1", (1, 2), (4,), "a.txt"),
    PairRow("Ký tự lạ \x07 ở đây", "A bell \x07 here", 1.5, "1-1", (5,), (6,), "b/c.html"),
]
LEFTS = [
    LeftoverRow("a.txt", "vi", Reason.UNTRANSLATED, 2, (7,), None, "Chưa dịch."),
    LeftoverRow("a.txt", "en", Reason.DUPLICATE, 9, (), 4, "Repeated block"),
    unreadable_row("z.bin", "looks like a binary file"),
]


def test_tsv_is_raw_one_line_per_row_with_a_header(tmp_path) -> None:
    out = tmp_path / "p.tsv"
    with RowSink("tsv", out, PAIR_COLUMNS) as sink:
        sink.write(PAIRS)
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "vi\ten\tscore\tmargin\tbead\tvi_ids\ten_ids\tpage"
    assert lines[1] == ("Xin chào thế giới\tHello <world> & \"you\"\t1.0346\t1.0612\t1-1\t0\t3"
                        "\ta.txt")
    assert lines[2].split("\t")[5] == "1,2" and lines[-1] == "" and len(lines) == 5


def test_leftover_rows_have_one_schema_for_every_producer(tmp_path) -> None:
    text = TsvFormat(LEFTOVER_COLUMNS).begin()["main"] + TsvFormat(LEFTOVER_COLUMNS).encode(
        LEFTS)["main"]
    rows = [line.split("\t") for line in text.splitlines()]
    assert rows[0] == list(LEFTOVER_COLUMNS)
    assert rows[1] == ["a.txt", "vi", "untranslated", "2", "7", "", "Chưa dịch."]
    assert rows[2] == ["a.txt", "en", "duplicate", "9", "", "4", "Repeated block"]
    assert rows[3] == ["z.bin", "", "unreadable", "", "", "", "looks like a binary file"]


def test_jsonl_keeps_types() -> None:
    text = JsonlFormat(PAIR_COLUMNS).encode(PAIRS[:2])["main"]
    first, second = (json.loads(x) for x in text.splitlines())
    assert first == {"vi": "Xin chào\tthế giới", "en": 'Hello <world> & "you"', "score": 1.0346,
                     "margin": 1.0612, "bead": "1-1", "vi_ids": [0], "en_ids": [3], "page": "a.txt"}
    assert second["vi_ids"] == [1, 2] and second["margin"] is None  # no margin: null
    left = json.loads(JsonlFormat(LEFTOVER_COLUMNS).encode(LEFTS[2:])["main"])
    assert left == {"page": "z.bin", "lang": "", "reason": "unreadable", "block": None,
                    "ids": [], "duplicate_of": None, "text": "looks like a binary file"}


def test_moses_writes_two_line_aligned_plain_files(tmp_path) -> None:
    out = tmp_path / "corpus"
    with RowSink("moses", out, CORPUS_COLUMNS) as sink:
        sink.write(PAIRS)
    vi = (tmp_path / "corpus.vi").read_text(encoding="utf-8").split("\n")
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").split("\n")
    assert len(vi) == len(en) == len(PAIRS) + 1 and vi[-1] == en[-1] == ""
    assert vi[0] == "Xin chào thế giới" and en[1] == "Two sentences in one."
    assert not out.exists()


def test_tmx_parses_back_to_the_same_pairs(tmp_path) -> None:
    out = tmp_path / "p.tmx"
    with RowSink("tmx", out, PAIR_COLUMNS, signature="align:0.1.0|mixed", version="0.1.0") as s:
        s.write(PAIRS)
    root = ET.parse(out).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "vi" and header.get("segtype") == "sentence"
    assert header.find("prop").text == "align:0.1.0|mixed"
    tus = root.find("body").findall("tu")
    assert len(tus) == len(PAIRS)
    for tu, row in zip(tus, PAIRS, strict=True):
        segs = {tuv.get(XML): tuv.find("seg").text for tuv in tu.findall("tuv")}
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert segs["vi"] == row.src.replace("\t", " ").replace("\x07", "")
        assert segs["en"] == row.tgt.replace("\x07", "")
        margin = {} if row.margin is None else {"x-margin": f"{row.margin:.4f}"}
        assert props == {"x-score": f"{row.score:.4f}", "x-bead": row.bead, "x-page": row.page,
                         **margin}


def test_parquet_has_the_hugging_face_translation_layout(tmp_path) -> None:
    out = tmp_path / "p.parquet"
    with RowSink("parquet", out, PAIR_COLUMNS, signature='{"align": "0.1.0"}') as sink:
        sink.write(PAIRS[:2])
        sink.write(PAIRS[2:])  # a second row group
    meta = pq.ParquetFile(out)
    assert meta.num_row_groups == 2
    assert meta.schema_arrow.metadata[b"align.signature"] == b'{"align": "0.1.0"}'
    table = pq.read_table(out)
    assert table.schema.field("translation").type == pa.struct(
        [("vi", pa.string()), ("en", pa.string())])
    rows = table.to_pylist()
    assert [r["translation"] for r in rows] == [{"vi": p.src, "en": p.tgt} for p in PAIRS]
    assert [r["score"] for r in rows] == [round(p.score, 4) for p in PAIRS]
    assert [r["page"] for r in rows] == [p.page for p in PAIRS]
    left = tmp_path / "l.parquet"
    with RowSink("parquet", left, LEFTOVER_COLUMNS) as sink:
        sink.write(LEFTS)
    back = pq.read_table(left).to_pylist()
    assert back[2] == {"page": "z.bin", "lang": "", "reason": "unreadable", "block": None,
                       "ids": [], "duplicate_of": None, "text": "looks like a binary file"}


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "tmx", "parquet", "moses"])
def test_a_failed_run_leaves_no_file_and_keeps_an_old_one(tmp_path, fmt) -> None:
    out = tmp_path / "p.out"
    paths = [tmp_path / "p.out.vi", tmp_path / "p.out.en"] if fmt == "moses" else [out]
    for p in paths:
        p.write_text("precious\n")
    with pytest.raises(RuntimeError), RowSink(fmt, out, PAIR_COLUMNS) as sink:
        sink.write(PAIRS)
        raise RuntimeError("the aligner died")
    assert all(p.read_text() == "precious\n" for p in paths)
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted(p.name for p in paths)


@pytest.mark.parametrize("fmt", ["moses", "parquet"])
def test_formats_that_need_files_refuse_standard_output(fmt) -> None:
    with pytest.raises(OutputError, match="-o"), RowSink(fmt, None, PAIR_COLUMNS):
        pass


def test_nothing_reaches_standard_output_before_rows_or_success(capsys) -> None:
    with pytest.raises(RuntimeError), RowSink("tsv", "-", PAIR_COLUMNS):
        raise RuntimeError("model failed to load")
    assert capsys.readouterr().out == ""
    with RowSink("tsv", "-", PAIR_COLUMNS):
        pass
    assert capsys.readouterr().out.startswith("vi\ten\tscore")


def test_languages_name_the_columns_of_other_pairs() -> None:
    fmt = text_format("tsv", ("src", "tgt", "score"), ("de", "fr"))
    assert fmt.begin()["main"] == "de\tfr\tscore\n"
    assert set(text_format("moses", CORPUS_COLUMNS, ("de", "fr")).paths(Path("x"))) == {
        "de", "fr"}
