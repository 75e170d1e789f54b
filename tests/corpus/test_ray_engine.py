"""``align corpus --engine ray`` writes exactly what ``--engine local`` writes, on a local Ray
with 2 CPUs started here: on 200+ pages, with a worker killed, with the driver killed."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.errors import InputError
from tests.helpers import EN_POOL, MEANING, ROOT, VI_POOL, HashEmbedder

PAGES = 201
BATCH = 20  # 11 shards
SITES = ("a.vn", "b.vn", "c.vn")


def _meaning() -> dict[str, str]:
    out = dict(MEANING)
    for i in range(PAGES):
        vi, en = _own_pair(i)
        out[vi], out[en] = f"u{i}", f"u{i}"
    return out


def _own_pair(i: int) -> tuple[str, str]:
    return (f"Bài báo số {i} kể về một ngày mưa rất lớn ở thành phố Hà Nội.",
            f"Article number {i} tells of a day of very heavy rain in Hanoi city.")


def _pages(root: Path) -> Path:
    """201 pages on three sites: chrome lines, shared pairs (dedupe), one unreadable page."""
    for i in range(PAGES):
        site = root / SITES[i % len(SITES)]
        site.mkdir(parents=True, exist_ok=True)
        k = i % len(VI_POOL)
        vi, en = _own_pair(i)
        lines = [f"Trang chủ | Tin tức | {site.name}", "Đăng nhập để bình luận", vi,
                 VI_POOL[k], EN_POOL[k], en,
                 f"Bài số {i} không có bản dịch nào cả, chỉ là một đoạn văn tiếng Việt."]
        (site / f"p{i:03d}.txt").write_text("\n\n".join(lines), encoding="utf-8")
    (root / "a.vn" / "zz_binary.txt").write_bytes(b"\x00\x01" * 50)
    return root


def _factory():
    return functools.partial(HashEmbedder, _meaning())


def _opts(out: Path, **kw) -> CorpusOptions:
    return CorpusOptions(output=out, leftovers=out.with_suffix(".left.tsv"), batch_pages=BATCH,
                         **kw)


@pytest.fixture(scope="module")
def ray_cluster():
    """A local Ray with 2 CPUs for this module; its workers import this checkout."""
    ray = pytest.importorskip("ray", reason="ray is not installed: pip install -e '.[ray]'")
    env = {"PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": env},
             logging_level="warning")
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The pages and what ``--engine local`` writes from them."""
    root = _pages(tmp_path_factory.mktemp("in"))
    out = tmp_path_factory.mktemp("local") / "c.tsv"
    CorpusRun(PageAligner(HashEmbedder(_meaning())), _opts(out)).run([str(root)])
    return root, out


def _ray_run(root: Path, out: Path, on_shard=None, embedder=None):
    from align.corpus.ray_engine import RayCorpusRun, RayOptions

    run = RayCorpusRun(_opts(out), RayOptions(embedder=embedder or _factory(),
                                              progress_bars=False))
    run.on_shard = on_shard
    stats = run.run([str(root)])
    return run, stats


def _same(a: Path, b: Path) -> None:
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".left.tsv").read_bytes() == b.with_suffix(".left.tsv").read_bytes()


def test_ray_writes_exactly_what_local_writes(ray_cluster, corpus, tmp_path) -> None:
    root, local = corpus
    out = tmp_path / "c.tsv"
    run, stats = _ray_run(root, out)
    _same(out, local)
    assert sorted(run.counts.computed) == list(range(11))
    assert stats.pages == PAGES + 1 and stats.errors == 1 and stats.duplicate_pairs > 0
    lefts = local.with_suffix(".left.tsv").read_text(encoding="utf-8")
    assert "boilerplate\t1\t\t\tĐăng nhập để bình luận" in lefts  # chrome learnt
    text = local.read_text(encoding="utf-8")
    assert max(text.count(en) for en in EN_POOL) == 1  # repeated pairs written once
    # a finished run run again has nothing to do
    run, _ = _ray_run(root, out)
    assert run.counts.computed == [] and run.counts.reused == []
    _same(out, local)
    # outputs deleted, shards kept: assembled again from the shards alone, nothing computed
    for path in tmp_path.glob("c.*"):
        if path.is_file():
            path.unlink()
    run, _ = _ray_run(root, out)
    assert run.counts.computed == [] and sorted(run.counts.reused) == list(range(11))
    _same(out, local)


def _align_actors() -> list[int]:
    """Pids of this checkout's Ray actors that align batches (``ray::…AlignActor…``)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if cmd.startswith(b"ray::") and b"AlignActor" in cmd:
            pids.append(int(proc.name))
    return pids


def test_a_worker_killed_mid_run_changes_nothing(ray_cluster, corpus, tmp_path) -> None:
    root, local = corpus
    killed: list[int] = []

    def kill_an_actor(k: int) -> None:
        if not killed:
            pids = _align_actors()
            assert pids, "no AlignActor process found"
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            killed.extend(pids)

    out = tmp_path / "c.tsv"
    # a slow encoder: when shard 0 is back, the actor is busy embedding batch 1
    slow = functools.partial(SlowEmbedder, _meaning())
    run, _ = _ray_run(root, out, on_shard=kill_an_actor, embedder=slow)
    assert killed
    assert sorted(run.counts.computed) == list(range(11))  # each shard written once
    _same(out, local)


DRIVER = """
import functools, sys
from pathlib import Path
from align.corpus.ray_engine import RayCorpusRun, RayOptions
from tests.corpus.test_ray_engine import _opts, _meaning, SlowEmbedder
out, root, address = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
ray_opts = RayOptions(address=address, embedder=functools.partial(SlowEmbedder, _meaning()),
                      progress_bars=False)
RayCorpusRun(_opts(out), ray_opts).run([root])
"""


class SlowEmbedder(HashEmbedder):
    """A stand-in that takes its time, so the driver can be killed half-way."""

    def encode(self, texts):
        time.sleep(0.5)
        return super().encode(texts)


def test_a_driver_killed_mid_run_resumes_without_recomputing(ray_cluster, corpus,
                                                             tmp_path) -> None:
    root, local = corpus
    out = tmp_path / "c.tsv"
    work = tmp_path / "c.tsv.shards"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(out), str(root), ray_cluster],
                            env=env, cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while len(list(work.glob("part-*.parquet"))) < 3 and proc.poll() is None:
        assert time.monotonic() < deadline, "the driver made no shards"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
    before = {p.name: p.stat().st_mtime_ns for p in work.glob("part-*.parquet")}
    assert 3 <= len(before) < 11
    run, _ = _ray_run(root, out)
    assert len(run.counts.reused) == len(before)  # finished shards were not recomputed
    assert len(run.counts.computed) == 11 - len(before)
    assert {p.name: p.stat().st_mtime_ns for p in work.glob("part-*.parquet")
            if p.name in before} == before
    _same(out, local)


def test_without_ray_the_engine_is_a_one_line_error(monkeypatch) -> None:
    from align.corpus.ray_engine import require_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(InputError, match=r"pip install -e '\.\[ray\]'"):
        require_ray()


@pytest.mark.slow
def test_cli_ray_engine_with_the_real_model_equals_local(ray_cluster, tmp_path) -> None:
    """End to end: ``align corpus --engine ray`` (real model, in an actor) and ``--engine
    local`` on the sample pages write the same bytes; the summary line is the local one."""
    pages = ROOT / "corpus" / "pages"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    outs = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.tsv"
        extra = ["--ray-address", ray_cluster, "--actors", "1"] if engine == "ray" else []
        proc = subprocess.run(
            [sys.executable, "-m", "align.cli", "corpus", str(pages), "-o", str(out),
             "--leftovers", str(out.with_suffix(".left.tsv")), "--device", "cpu",
             "--engine", engine, *extra], env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        n = sum(1 for p in pages.iterdir() if p.is_file())
        assert f"align corpus: {n} pages (0 already done)" in proc.stderr
        outs[engine] = out
    _same(outs["ray"], outs["local"])
    assert len(outs["local"].read_text(encoding="utf-8").splitlines()) > 10


@pytest.mark.parametrize("fmt", ["jsonl", "moses", "parquet"])
def test_every_format_equals_local(ray_cluster, corpus, tmp_path, fmt) -> None:
    """JSONL, Moses (two files) and Parquet (deduplicated shards at assembly) as local."""
    from align.corpus.ray_engine import RayCorpusRun, RayOptions

    root, _ = corpus
    outs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine / ("c" if fmt == "parquet" else f"c.{fmt}")
        out.parent.mkdir()
        opts = _opts(out, fmt=fmt)
        if engine == "local":
            CorpusRun(PageAligner(HashEmbedder(_meaning())), opts).run([str(root)])
        else:
            RayCorpusRun(opts, RayOptions(embedder=_factory(), progress_bars=False)).run(
                [str(root)])
        outs[engine] = out.parent
    names = sorted(p.relative_to(outs["local"]) for p in outs["local"].rglob("*")
                   if p.is_file() and ".journal" not in p.name and ".lock" not in p.name)
    assert names and names == sorted(
        p.relative_to(outs["ray"]) for p in outs["ray"].rglob("*")
        if p.is_file() and ".journal" not in p.name and ".lock" not in p.name
        and ".shards" not in str(p.relative_to(outs["ray"])))
    for name in names:
        local, ray_out = outs["local"] / name, outs["ray"] / name
        if name.suffix == ".parquet":
            import pyarrow.parquet as pq

            assert pq.read_table(ray_out).equals(pq.read_table(local)), name
        else:
            assert ray_out.read_bytes() == local.read_bytes(), name
