"""Errors come first, nothing partial is written, one rule for outputs, honest evaluate and
progress (issue: a killed run always resumes, errors come first, progress is real)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from align import cli as cli_module
from align.aligners.mixed import PageAligner
from align.api import run_signature
from align.corpus.run import CorpusOptions, CorpusRun
from align.errors import InputError, ModelError
from align.io.files import OutputError
from align.progress import Progress
from align.text.page import draft_page
from tests.helpers import EN_POOL, MEANING, ROOT, VI_POOL, HashEmbedder

BAD_MODEL = ["--model", "./no/such/model"]


def _main(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        cli_module.main([str(a) for a in args])
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


@pytest.fixture
def page(tmp_path) -> Path:
    p = tmp_path / "p.txt"
    p.write_text("\n\n".join([VI_POOL[0], VI_POOL[1], EN_POOL[0], EN_POOL[1]]), encoding="utf-8")
    return p


def test_a_missing_page_means_nothing_is_written(tmp_path, page, capsys) -> None:
    out = tmp_path / "out.tsv"
    out.write_text("precious\n")
    rc, stdout, err = _main(["mixed", tmp_path / "missing.txt", page, "-o", out], capsys)
    assert rc == InputError.exit_code and "missing.txt" in err and stdout == ""
    assert out.read_text() == "precious\n"


@pytest.mark.parametrize("args", [
    ["mixed", "{page}", "-o", "{tmp}/no/such/dir/out.tsv"],
    ["mixed", "{page}", "--leftovers", "{tmp}/no/such/dir/l.tsv"],
    ["mixed", "{page}", "--out-dir", "{tmp}/no/such/dir"],
    ["mixed", "{page}", "--out-dir", "{page}/x"],
    ["parallel", "{page}", "{page}", "-o", "{tmp}/no/such/dir/out.tsv"],
    ["parallel", "{page}", "{page}", "-o", "{page}/x.tsv"],
    ["corpus", "{page}", "-o", "{tmp}/no/such/dir/c.tsv"],
    ["corpus", "{page}", "-o", "{tmp}/c.tsv", "--leftovers", "{tmp}/no/such/dir/l.tsv"],
    ["corpus", "{page}", "-o", "{tmp}/no/such/dir/shards", "--format", "parquet"],
])
def test_an_unwritable_output_fails_first_with_exit_4(tmp_path, page, capsys, args) -> None:
    """Outputs are checked before the model is loaded: a bad model is never reached."""
    argv = [a.format(page=page, tmp=tmp_path) for a in args] + BAD_MODEL + ["-q"]
    rc, stdout, err = _main(argv, capsys)
    assert rc == OutputError.exit_code, err
    assert stdout == "" and err.count("\n") == 1 and err.startswith("align: error: ")
    assert not (tmp_path / "no").exists()


def test_corpus_checks_inputs_lock_and_journal_before_the_model(tmp_path, page, capsys,
                                                                 monkeypatch) -> None:
    out = tmp_path / "c.tsv"
    rc, _, err = _main(["corpus", tmp_path / "nope", "-o", out, *BAD_MODEL], capsys)
    assert rc == InputError.exit_code and "no such file" in err and not out.exists()
    rc, _, err = _main(["corpus", tmp_path, "--glob", "*.html", "-o", out, *BAD_MODEL], capsys)
    assert rc == InputError.exit_code and "matched nothing" in err
    opts = CorpusOptions(output=out, min_score=5.0)
    opts.run_signature = run_signature("corpus", BAD_MODEL[1], opts.settings())
    CorpusRun(PageAligner(HashEmbedder(MEANING)), opts).run([str(page)])
    before = out.read_bytes()
    rc, _, err = _main(["corpus", page, "-o", out, *BAD_MODEL, "-q"], capsys)
    assert rc == OutputError.exit_code and "min_score 5.0 → " in err and "--restart" in err
    assert out.read_bytes() == before
    # with everything in order, the bad model is what fails, and nothing is written
    rc, _, err = _main(["corpus", page, "-o", tmp_path / "d.tsv", *BAD_MODEL, "-q"], capsys)
    assert rc == ModelError.exit_code and not (tmp_path / "d.tsv").exists()


def test_a_bad_model_prints_no_header_on_standard_output(page, capsys) -> None:
    rc, stdout, err = _main(["mixed", page, *BAD_MODEL], capsys)
    assert rc == ModelError.exit_code and stdout == "" and err.count("\n") == 1


def test_new_files_follow_the_umask(tmp_path, page, capsys, stub_model) -> None:
    old = os.umask(0o022)
    try:
        rc, _, _ = _main(["mixed", page, "-o", tmp_path / "m.tsv", "--leftovers",
                          tmp_path / "l.tsv", "-q"], capsys)
        assert rc == 0
        rc, _, _ = _main(["parallel", page, page, "-o", tmp_path / "p.tsv", "--format", "tsv"],
                         capsys)
        assert rc == 0
        rc, _, _ = _main(["corpus", page, "-o", tmp_path / "c.tsv", "-q"], capsys)
        assert rc == 0
    finally:
        os.umask(old)
    for name in ("m.tsv", "l.tsv", "p.tsv", "c.tsv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_damaged_text_is_set_aside_with_a_warning(tmp_path, capsys, stub_model) -> None:
    page = tmp_path / "lossy.txt"
    page.write_text("\n\n".join([VI_POOL[0] + " \ufffd", VI_POOL[1], EN_POOL[0], EN_POOL[1]]),
                    encoding="utf-8")
    left = tmp_path / "l.tsv"
    rc, stdout, err = _main(["mixed", page, "--leftovers", left], capsys)
    assert rc == 0 and "\ufffd" not in stdout
    assert "U+FFFD" in err and "warning" in err
    rows = [r.split("\t") for r in left.read_text(encoding="utf-8").splitlines()]
    assert any(r[2] == "damaged" and "\ufffd" in r[-1] for r in rows)


def test_each_page_reports_its_own_time() -> None:
    pages = ["\n\n".join([VI_POOL[k], EN_POOL[k]]) for k in range(3)]
    drafts = [draft_page(p, f"p{k}") for k, p in enumerate(pages)]
    results = PageAligner(HashEmbedder(MEANING)).align_drafts(drafts)
    assert all(r.seconds > 0 for r in results)
    # the pages' times add up to (about) the batch's, not three times it
    import time

    start = time.perf_counter()
    drafts = [draft_page(p, f"p{k}") for k, p in enumerate(pages)]
    results = PageAligner(HashEmbedder(MEANING)).align_drafts(drafts)
    assert sum(r.seconds for r in results) <= (time.perf_counter() - start) * 1.05


def test_evaluate_says_when_nothing_was_expected_and_nothing_produced(tmp_path, capsys) -> None:
    for side in ("gold", "pred"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "a.leftovers.tsv").write_text("lang\ttext\n")
    rc, out, _ = _main(["evaluate", tmp_path / "gold", tmp_path / "pred"], capsys)
    assert rc == 0 and "none expected, none produced" in out and "0.0000" not in out


def test_evaluate_fails_when_no_file_matches(tmp_path, capsys) -> None:
    for side, name in (("gold", "a.pairs.tsv"), ("pred", "b.pairs.tsv")):
        (tmp_path / side).mkdir()
        (tmp_path / side / name).write_text("vi\ten\nXin chào.\tHello.\n")
    rc, _, err = _main(["evaluate", tmp_path / "gold", tmp_path / "pred"], capsys)
    assert rc == InputError.exit_code and "no file matches" in err


def test_evaluate_scores_a_corpus_tsv_by_its_page_column(tmp_path, capsys) -> None:
    gold = ROOT / "corpus" / "gold"
    rows = ["vi\ten\tscore\tmargin\tpage"]
    for path in sorted(gold.glob("*.pairs.tsv")):
        name = path.name.removesuffix(".pairs.tsv") + ".txt"
        rows += [f"{line}\t0.9\t1.05\t{name}" for line in
                 path.read_text(encoding="utf-8").splitlines()[1:]]
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rc, out, _ = _main(["evaluate", gold, corpus], capsys)
    assert rc == 0 and "pairs: strict P=1.0000 R=1.0000" in out


def test_progress_logs_every_ten_seconds_with_a_total_and_eta(monkeypatch) -> None:
    clock = {"now": 100.0}
    monkeypatch.setattr("align.progress.time.monotonic", lambda: clock["now"])
    lines: list[str] = []
    monkeypatch.setattr("align.progress.click.echo", lambda msg, err=False: lines.append(msg))
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    p = Progress("align corpus", 60)
    p.begin_batch(60)
    clock["now"] += 5
    p.embedded(100, 1000)
    assert lines == []  # not before 10 s
    clock["now"] += 6
    p.embedded(500, 1000)  # half of a 60-page batch embedded after 11 s
    assert len(lines) == 1 and "27/60 pages" in lines[0] and "ETA 0:00:" in lines[0]
    clock["now"] += 20
    p.finished(60, "120 pairs")
    assert "60/60 pages, 120 pairs" in lines[-1]
