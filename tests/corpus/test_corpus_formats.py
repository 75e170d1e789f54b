"""``align corpus`` in every format: a killed run resumes to what an uninterrupted run writes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun, shard_name
from align.io.files import OutputError
from align.io.journal import Journal
from align.signature import RunSignature
from tests.helpers import EN_POOL, MEANING, VI_POOL, HashEmbedder

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is in the test extra")


def _pages(root: Path, n: int = 12) -> Path:
    site = root / "site"
    site.mkdir(parents=True)
    for i in range(n):
        k = i % len(VI_POOL)
        lines = [VI_POOL[k], VI_POOL[(k + 1) % 6], EN_POOL[k], EN_POOL[(k + 1) % 6],
                 f"Bài số {i} không có bản dịch nào cả, chỉ là một đoạn văn tiếng Việt."]
        (site / f"p{i:02d}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    (site / "zz_binary.txt").write_bytes(b"\x00\x01" * 50)
    return site


def _run(site: Path, out: Path, fmt: str, version: str = "9.9", **kw):
    opts = CorpusOptions(output=out, leftovers=out.with_name(out.name + ".left"), fmt=fmt,
                         batch_pages=4, **kw)
    opts.run_signature = RunSignature("corpus", "stand-in", "0" * 64, opts.settings(), version)
    return CorpusRun(PageAligner(HashEmbedder(MEANING)), opts).run([str(site)])


def _files(out: Path) -> dict[str, bytes]:
    """Every output of a run by name (shards inside a Parquet directory included)."""
    found = {}
    for p in sorted(out.parent.rglob("*")):
        if p.is_file() and not p.name.endswith((".journal", ".lock")):
            found[p.relative_to(out.parent).as_posix()] = p.read_bytes()
    return found


def _pairs(out: Path, fmt: str) -> list[tuple[str, str]]:
    if fmt == "parquet":
        rows = [r["translation"] for p in sorted(out.glob("*.parquet"))
                for r in pq.read_table(p).to_pylist()]
        return [(r["vi"], r["en"]) for r in rows]
    if fmt == "moses":
        vi = out.with_name(out.name + ".vi").read_text(encoding="utf-8").splitlines()
        en = out.with_name(out.name + ".en").read_text(encoding="utf-8").splitlines()
        return list(zip(vi, en, strict=True))
    if fmt == "tmx":
        lang = "{http://www.w3.org/XML/1998/namespace}lang"
        body = ET.parse(out).getroot().find("body")
        return [tuple(t.find("seg").text for t in sorted(tu.findall("tuv"),
                                                           key=lambda t: t.get(lang) != "vi"))
                for tu in body.findall("tu")]
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "moses", "tmx", "parquet"])
def test_a_killed_run_resumes_to_the_same_files(tmp_path, monkeypatch, fmt) -> None:
    site = _pages(tmp_path / "in")
    full = tmp_path / "full" / "corpus"
    full.parent.mkdir()
    _run(site, full, fmt)
    killed = tmp_path / "killed" / "corpus"
    killed.parent.mkdir()
    calls = {"n": 0}
    real = Journal.write_batch

    def dying(self, pages, chunks, shards=None):
        calls["n"] += 1
        if calls["n"] == 3:  # the outputs (or a shard) are written, the journal line is not
            for key, data in chunks.items():
                self.files[key].write(data[: len(data) // 2])
                self.files[key].flush()
            raise KeyboardInterrupt
        return real(self, pages, chunks, shards)

    monkeypatch.setattr(Journal, "write_batch", dying)
    with pytest.raises(KeyboardInterrupt):
        _run(site, killed, fmt)
    monkeypatch.setattr(Journal, "write_batch", real)
    stats = _run(site, killed, fmt)
    assert stats.skipped > 0
    assert _files(killed) == _files(full)
    if fmt != "tsv" and fmt != "jsonl":
        pairs = _pairs(killed, fmt)
        assert len(pairs) == len(set(pairs)) == 6  # dedupe survives the resume
    if fmt == "parquet":
        assert sorted(p.name for p in killed.iterdir()) == [shard_name(k) for k in range(4)]


def test_parquet_shards_carry_the_signature_and_a_rerun_is_a_no_op(tmp_path) -> None:
    site = _pages(tmp_path / "in")
    out = tmp_path / "shards"
    _run(site, out, "parquet")
    before = _files(out)
    meta = pq.ParquetFile(out / shard_name(0)).schema_arrow.metadata
    assert b'"align": "9.9"' in meta[b"align.signature"]
    again = _run(site, out, "parquet")
    assert again.pages == 0 and _files(out) == before


def test_another_version_does_not_resume_without_restart(tmp_path) -> None:
    site = _pages(tmp_path / "in", 3)
    out = tmp_path / "c.tsv"
    _run(site, out, "tsv")
    with pytest.raises(OutputError, match=r"version 9\.9 → 10\.0.*--restart"):
        _run(site, out, "tsv", version="10.0")
    assert _run(site, out, "tsv", version="10.0", restart=True).pages == 4


def test_shards_without_a_journal_are_not_overwritten(tmp_path) -> None:
    site = _pages(tmp_path / "in", 3)
    out = tmp_path / "shards"
    out.mkdir()
    (out / shard_name(0)).write_bytes(b"someone else's data")
    with pytest.raises(OutputError, match="--restart"):
        _run(site, out, "parquet")
    assert (out / shard_name(0)).read_bytes() == b"someone else's data"
