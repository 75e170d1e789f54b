"""``align corpus`` bookkeeping with a stand-in embedder: resume, dedupe, errors, locking."""

from __future__ import annotations

import pytest

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.io.files import OutputError
from align.io.journal import Journal
from tests.helpers import EN_POOL, MEANING, VI_POOL, HashEmbedder


def _pages(root, n=12):
    site = root / "site"
    site.mkdir(parents=True)
    for i in range(n):
        k = i % len(VI_POOL)
        lines = ["Trang chủ | Tin tức", VI_POOL[k], VI_POOL[(k + 1) % 6], EN_POOL[k],
                 f"Bài số {i} không có bản dịch nào cả, chỉ là một đoạn văn tiếng Việt."]
        (site / f"p{i:02d}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    (site / "zz_binary.txt").write_bytes(b"\x00\x01" * 50)
    return root


def _run(root, out, **kw):
    opts = CorpusOptions(output=out, leftovers=out.with_suffix(".left.tsv"), **kw)
    return CorpusRun(PageAligner(HashEmbedder(MEANING)), opts).run([str(root / "site")])


def test_resume_after_a_crash_equals_an_uninterrupted_run(tmp_path, monkeypatch) -> None:
    root = _pages(tmp_path / "in")
    full = tmp_path / "full.tsv"
    _run(root, full)
    crashed = tmp_path / "crashed.tsv"
    calls = {"n": 0}
    real = Journal.write_page

    def dying(self, page, chunks):
        calls["n"] += 1
        if calls["n"] == 6:  # die half-way through writing a page: a torn tail
            self.files["pairs"].write(b"torn half row\tno newline")
            self.files["pairs"].flush()
            raise KeyboardInterrupt
        return real(self, page, chunks)

    monkeypatch.setattr(Journal, "write_page", dying)
    with pytest.raises(KeyboardInterrupt):
        _run(root, crashed)
    monkeypatch.setattr(Journal, "write_page", real)
    stats = _run(root, crashed)
    assert stats.skipped == 4
    assert crashed.read_bytes() == full.read_bytes()
    assert crashed.with_suffix(".left.tsv").read_bytes() == full.with_suffix(
        ".left.tsv").read_bytes()


def test_dedupe_errors_and_rerun_is_a_no_op(tmp_path) -> None:
    root = _pages(tmp_path / "in")
    out = tmp_path / "c.tsv"
    stats = _run(root, out)
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "vi\ten\tscore\tmargin\tpage"
    pairs = [tuple(r.split("\t")[:2]) for r in rows[1:]]
    assert len(pairs) == len(set(pairs)) == 6 and stats.duplicate_pairs == 6
    assert stats.errors == 1
    left = out.with_suffix(".left.tsv").read_text(encoding="utf-8")
    assert "zz_binary.txt\t\tunreadable\t\t\t\t" in left
    assert "Trang chủ | Tin tức" in left  # reported as chrome, never paired
    before = out.read_bytes()
    again = _run(root, out)
    assert again.skipped == 13 and again.pages == 0 and out.read_bytes() == before


def test_other_settings_or_existing_file_need_restart(tmp_path) -> None:
    root = _pages(tmp_path / "in", 3)
    out = tmp_path / "c.tsv"
    _run(root, out)
    with pytest.raises(OutputError, match="--restart"):
        _run(root, out, dedupe=False)
    _run(root, out, dedupe=False, restart=True)
    other = tmp_path / "existing.tsv"
    other.write_text("precious\n")
    with pytest.raises(OutputError, match="--restart"):
        _run(root, other)
    assert other.read_text() == "precious\n"


def test_a_second_run_on_the_same_output_is_refused(tmp_path) -> None:
    root = _pages(tmp_path / "in", 2)
    out = tmp_path / "c.tsv"
    opts = CorpusOptions(output=out)
    with Journal(out, opts.signature([str(root)], "*"), {"pairs": out}), pytest.raises(
            OutputError, match="another align corpus run"):
        _run(root, out)


def test_helper_processes_write_exactly_what_one_process_writes(tmp_path) -> None:
    root = _pages(tmp_path / "in", n=20)
    one, three = tmp_path / "one.tsv", tmp_path / "three.tsv"
    _run(root, one, batch_pages=3)
    stats = _run(root, three, batch_pages=3, workers=3)
    assert stats.errors == 1 and stats.pages == 21
    assert three.read_bytes() == one.read_bytes()
    assert three.with_suffix(".left.tsv").read_bytes() == one.with_suffix(
        ".left.tsv").read_bytes()
