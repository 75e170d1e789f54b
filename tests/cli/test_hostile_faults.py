"""Faults while writing: full disk, unwritable outputs, interruptions, two runs on one output.

Whatever happens, an output that existed is either untouched or replaced whole, the user
reads one line saying what went wrong, and ``align corpus`` resumes to exactly the output an
uninterrupted run writes.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from align import cli as cli_module
from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.io.files import OutputError
from align.io.journal import Journal
from tests.helpers import EN_POOL, MEANING, ROOT, VI_POOL, HashEmbedder

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class FullDisk:
    """A file on a disk with ``room`` bytes left: the write that crosses it stores what fits,
    then fails with ENOSPC, as write(2) does."""

    def __init__(self, f, room: int) -> None:
        self.f = f
        self.room = room

    def write(self, data):
        if len(data) > self.room:
            self.f.write(data[: self.room])
            self.room = 0
            raise OSError(ENOSPC.errno, ENOSPC.strerror)
        self.room -= len(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.f.close()


def _bilingual_pages(folder: Path, n: int = 8) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        k = i % len(VI_POOL)
        lines = [VI_POOL[k], VI_POOL[(k + 2) % 6], EN_POOL[k], EN_POOL[(k + 2) % 6],
                 f"Trang {i} có một đoạn tiếng Việt không ai dịch sang tiếng Anh."]
        (folder / f"p{i:02d}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    return folder


def _corpus(folder: Path, out: Path, **kw):
    opts = CorpusOptions(output=out, leftovers=out.with_suffix(".left.tsv"), **kw)
    return CorpusRun(PageAligner(HashEmbedder(MEANING)), opts).run([str(folder)])


def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("align: error: "), err
    assert "Traceback" not in err
    return lines[0]


# ----------------------------------------------------------------------------- disk full


def test_disk_full_in_mixed_keeps_the_old_output(tmp_path, monkeypatch, stub_model) -> None:
    page = tmp_path / "p.txt"
    page.write_text("\n\n".join([*VI_POOL, *EN_POOL]), encoding="utf-8")
    out = tmp_path / "pairs.tsv"
    out.write_text("precious\n")
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **kw: FullDisk(real_fdopen(*a, **kw), 100))
    result = CliRunner().invoke(cli_module.cli, ["mixed", str(page), "-o", str(out), "-q"])
    assert result.exit_code == OutputError.exit_code
    line = _one_error_line(result.stderr)
    assert str(out) in line and "No space left on device" in line
    assert out.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.txt", "pairs.tsv"]  # no temp
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    result = CliRunner().invoke(cli_module.cli, ["mixed", str(page), "-o", str(out), "-q"])
    assert result.exit_code == 0 and len(out.read_text().splitlines()) == 1 + len(VI_POOL)


@pytest.mark.parametrize("where", ["pairs", "leftovers", "journal"])
def test_disk_full_in_corpus_then_resume_equals_an_uninterrupted_run(
        tmp_path, monkeypatch, where) -> None:
    pages = _bilingual_pages(tmp_path / "in")
    full = tmp_path / "full.tsv"
    _corpus(pages, full)
    target = {"pairs": full, "leftovers": full.with_suffix(".left.tsv"),
              "journal": full.with_name(full.name + ".journal")}[where]
    room = target.stat().st_size // 2
    real_open = Journal.open

    def open_on_a_small_disk(self, before_write=None):
        state = real_open(self, before_write)
        if where == "journal":
            self._journal = FullDisk(self._journal, room)
        else:
            self.files[where] = FullDisk(self.files[where], room)
        return state

    out = tmp_path / "c.tsv"
    monkeypatch.setattr(Journal, "open", open_on_a_small_disk)
    with pytest.raises(OutputError) as err:
        _corpus(pages, out)
    message = str(err.value)
    assert "No space left on device" in message and "rerun to resume" in message
    assert "\n" not in message
    monkeypatch.setattr(Journal, "open", real_open)
    stats = _corpus(pages, out)
    assert 0 < stats.skipped < 9
    assert out.read_bytes() == full.read_bytes()
    assert out.with_suffix(".left.tsv").read_bytes() == full.with_suffix(".left.tsv").read_bytes()


def test_disk_full_in_corpus_cli_is_one_line(tmp_path, monkeypatch, stub_model) -> None:
    pages = _bilingual_pages(tmp_path / "in")
    real_open = Journal.open

    def open_on_a_small_disk(self, before_write=None):
        state = real_open(self, before_write)
        self.files["pairs"] = FullDisk(self.files["pairs"], 300)
        return state

    monkeypatch.setattr(Journal, "open", open_on_a_small_disk)
    out = tmp_path / "c.tsv"
    result = CliRunner().invoke(cli_module.cli, ["corpus", str(pages), "-o", str(out), "-q"])
    assert result.exit_code == OutputError.exit_code
    assert "rerun to resume" in _one_error_line(result.stderr)
    assert not out.with_name("c.tsv.lock").exists()  # the lock is released


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_output_on_a_full_device(tmp_path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Chỉ có tiếng Việt ở đây thôi.", encoding="utf-8")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "align.cli", "mixed", str(page), "-q"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == OutputError.exit_code
    assert "standard output: cannot write (No space left" in _one_error_line(proc.stderr)


# ----------------------------------------------------------------------------- unwritable


def _deny_writes(folder: Path, monkeypatch) -> None:
    """Make ``folder`` read-only; as root (where modes do not bind) refuse creation in it."""
    folder.chmod(0o555)
    if os.geteuid() != 0:
        return
    import tempfile

    real_mkstemp, real_open = tempfile.mkstemp, open

    def mkstemp(*a, dir=None, **kw):
        if dir is not None and Path(dir) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*a, dir=dir, **kw)

    def guarded_open(file, mode="r", *a, **kw):
        if Path(str(file)).parent == folder and any(m in mode for m in "wax+"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *a, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr("builtins.open", guarded_open)


def test_unwritable_output_folder(tmp_path, monkeypatch, stub_model) -> None:
    page = tmp_path / "p.txt"
    page.write_text("\n\n".join([VI_POOL[0], EN_POOL[0]]), encoding="utf-8")
    locked = tmp_path / "ro"
    locked.mkdir()
    (locked / "pairs.tsv").write_text("precious\n")
    _deny_writes(locked, monkeypatch)
    runner = CliRunner()
    for args in (["mixed", str(page), "-o", str(locked / "pairs.tsv")],
                 ["mixed", str(page), "--out-dir", str(locked)],
                 ["corpus", str(page), "-o", str(locked / "c.tsv")]):
        result = runner.invoke(cli_module.cli, [*args, "-q"])
        assert result.exit_code == OutputError.exit_code, result.output
        assert "Permission denied" in _one_error_line(result.stderr)
    assert (locked / "pairs.tsv").read_text() == "precious\n"
    locked.chmod(0o755)
    # a path under a regular file can never be created, whoever runs the test
    for args in (["mixed", str(page), "-o", str(page / "x.tsv")],
                 ["corpus", str(page), "-o", str(page / "c.tsv")]):
        result = runner.invoke(cli_module.cli, [*args, "-q"])
        assert result.exit_code != 0
        assert "Not a directory" in _one_error_line(result.stderr)


# ----------------------------------------------------------------------------- interrupted


def test_interrupted_mixed_says_so_and_keeps_the_old_output(tmp_path, monkeypatch, capsys,
                                                            stub_model) -> None:
    page = tmp_path / "p.txt"
    page.write_text("\n\n".join([VI_POOL[0], EN_POOL[0]]), encoding="utf-8")
    out = tmp_path / "pairs.tsv"
    out.write_text("precious\n")

    class Interrupted(FullDisk):
        def write(self, data):
            raise KeyboardInterrupt

    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **kw: Interrupted(real_fdopen(*a, **kw), 0))
    monkeypatch.setattr(sys, "argv", ["align", "mixed", str(page), "-o", str(out), "-q"])
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == 130
    # the caller's handlers are back: a later child process still gets Ctrl-C
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    assert capsys.readouterr().err.strip() == "align: interrupted"
    assert out.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.txt", "pairs.tsv"]


# ----------------------------------------------------------------------------- two runs

HOLD_LOCK = textwrap.dedent("""
    import sys
    from pathlib import Path
    from align.corpus.run import CorpusOptions
    from align.io.journal import Journal

    out = Path(sys.argv[1])
    opts = CorpusOptions(output=out)
    with Journal(out, opts.signature([sys.argv[2]], "*"), {"pairs": out}) as journal:
        journal.open()
        journal.write_page("first run", {"pairs": b"written by the first run\\n"})
        print("locked", flush=True)
        sys.stdin.read()  # hold the lock until the test closes our stdin
""")


def test_a_second_corpus_run_on_the_same_output_is_refused(tmp_path, stub_model) -> None:
    pages = _bilingual_pages(tmp_path / "in", 2)
    out = tmp_path / "c.tsv"
    first = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out), str(pages)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    try:
        assert first.stdout.readline() == "locked\n"
        result = CliRunner().invoke(cli_module.cli, ["corpus", str(pages), "-o", str(out),
                                                     "--restart", "-q"])
        assert result.exit_code == OutputError.exit_code
        assert "another align corpus run is writing it" in _one_error_line(result.stderr)
        assert out.read_text() == "written by the first run\n"  # not truncated, not mixed
    finally:
        first.stdin.close()
        first.wait(timeout=30)
    assert first.returncode == 0
