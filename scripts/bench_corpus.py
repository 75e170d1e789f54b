"""Benchmark ``align corpus`` on synthetic pages: throughput, memory, overhead over embedding.

Writes N synthetic mixed pages (from IWSLT15 dev talks, see ``synth_pages.py``) to a temporary
directory, runs a corpus build over them with the real model once per ``--workers`` value (and,
with ``--engines local,ray``, once on a local Ray started here with ``--actors`` encoder
actors), then embeds every sentence of those pages once with the same encoder. Prints one JSON
object per run; ``ratio_total_to_embed`` is the whole run's time over that embedding-only time
(target ≤ 1.3), ``speed_vs_first`` compares the runs of one invocation (same machine, same
load). A Ray run also reports Ray's start-up (``ray_init_s``), the time to its first finished
shard (worker start-up, model load in the actor) and the peak RSS of every process of the run
(the driver, Ray's own daemons, the reading workers and the actors), sampled from /proc.

    python -m scripts.bench_corpus --pages 500 --workers 1,2
    python -m scripts.bench_corpus --pages 200 --workers 2 --engines local,ray --batch-pages 32
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import tempfile
import threading
import time
from pathlib import Path

from align.aligners.mixed import PageAligner
from align.corpus.run import CorpusOptions, CorpusRun
from align.text.page import draft_page
from align.text.sentences import split_sentences
from scripts.shared_data import iwslt_talks
from scripts.synth_pages import make_pages


class _Timed:
    """Passes calls to an encoder and adds up the seconds spent encoding."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.seconds = 0.0

    def encode(self, texts):
        start = time.perf_counter()
        try:
            return self.encoder.encode(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def token_counts(self, texts):
        return self.encoder.token_counts(texts)


class _RssSampler:
    """Peak RSS of this process and all its descendants (Ray's daemons and workers), by name,
    sampled from /proc every ``every`` seconds while running (Linux)."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.by_pid: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            procs = {}
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    _, tail = stat.read_text().rsplit(")", 1)
                    cmd = (stat.parent / "cmdline").read_bytes().split(b"\0")[0].decode()
                    rss = int(tail.split()[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
                    procs[int(stat.parent.name)] = (int(tail.split()[1]), cmd, rss)
                except (OSError, ValueError, IndexError):
                    continue
            mine = {os.getpid()}
            grew = True
            while grew:
                new = {pid for pid, (ppid, _, _) in procs.items() if ppid in mine} - mine
                grew, mine = bool(new), mine | new
            for pid in mine & procs.keys():
                _, cmd, rss = procs[pid]
                name = "driver" if pid == os.getpid() else _title(cmd)
                old_name, old_rss = self.by_pid.get(pid, ("", 0.0))
                if old_name.startswith("ray::") and not name.startswith("ray::"):
                    name = old_name  # keep the most telling title a worker had
                self.by_pid[pid] = (name, max(old_rss, round(rss, 1)))

    @property
    def peaks(self) -> dict[str, float]:
        """Peak RSS MB by process title (the largest of processes sharing one)."""
        out: dict[str, float] = {}
        for name, rss in self.by_pid.values():
            out[name] = max(out.get(name, 0.0), rss)
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _title(cmd: str) -> str:
    """``ray::MapWorker(MapBatches(AlignActor)).submit`` → ``ray::MapWorker(…AlignActor))``."""
    first = cmd.split()[0] if cmd else "?"
    if first.startswith("ray::"):
        return re.sub(r"\.[A-Za-z_]\w*$", "", first)
    return Path(first).name


def _ray_run(root: Path, tmp: str, args) -> tuple[object, float, dict]:
    """One ``--engine ray`` run on a local Ray started here; its timings and RSS peaks."""
    import ray

    from align.corpus.ray_engine import RayCorpusRun, RayOptions

    with _RssSampler() as rss:
        start = time.perf_counter()
        ray.init(num_cpus=args.ray_cpus, include_dashboard=False, logging_level="warning")
        ray_init = time.perf_counter() - start
        run_start = time.perf_counter()
        opts = CorpusOptions(output=Path(tmp) / "corpus-ray.tsv", batch_pages=args.batch_pages)
        run = RayCorpusRun(opts, RayOptions(actors=args.actors, model=args.model, device="cpu",
                                            progress_bars=False))
        first: list[float] = []
        run.on_shard = lambda k: first or first.append(time.perf_counter() - run_start)
        stats = run.run([str(root.parent)])
        total = time.perf_counter() - start
        ray.shutdown()
    extra = {"ray_init_s": round(ray_init, 2),
             **{f"{k}_s": round(v, 2) for k, v in run.seconds.items()},
             "first_shard_s": round(first[0], 2) if first else None,
             "actors": args.actors, "peak_rss_mb_by_process": rss.peaks}
    return stats, total, extra


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--splits", default="dev2010,tst2010,tst2011")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--batch-pages", type=int, default=CorpusOptions.batch_pages)
    ap.add_argument("--model", default=None)
    ap.add_argument("--workers", default="1", help="comma-separated values to compare")
    ap.add_argument("--engines", default="local", help="local, ray or local,ray")
    ap.add_argument("--actors", type=int, default=1, help="encoder actors of a Ray run")
    ap.add_argument("--ray-cpus", type=int, default=None, help="CPUs of the local Ray")
    args = ap.parse_args()
    engines = args.engines.split(",")

    from align.api import load_encoder

    talks = [(t.docid, t.en, t.vi) for s in args.splits.split(",") for t in iwslt_talks(s)]
    # split_sentences lost its language argument; make_pages still passes one
    pages = make_pages(talks, args.pages, args.seed, split_sentences)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pages" / "site"
        root.mkdir(parents=True)
        for p in pages:
            (root / f"{p.name}.txt").write_text(p.text, encoding="utf-8")
        runs = []
        if "ray" in engines:  # first, so that the driver's RSS is its own (no model loaded)
            stats, total, extra = _ray_run(root, tmp, args)
            runs.append(({"engine": "ray", **extra}, stats, total, None))
        encoder = load_encoder(args.model)
        encoder.encode(["warm up"])
        for workers in (int(w) for w in args.workers.split(",") if "local" in engines):
            timed = _Timed(encoder)
            aligner = PageAligner(timed)  # a fresh embedding cache for every run
            aligner.background("vi"), aligner.background("en")
            timed.seconds = 0.0
            opts = CorpusOptions(output=Path(tmp) / f"corpus-{workers}.tsv",
                                 batch_pages=args.batch_pages, workers=workers)
            start = time.perf_counter()
            stats = CorpusRun(aligner, opts).run([str(root.parent)])
            runs.append(({"engine": "local", "workers": workers}, stats,
                         time.perf_counter() - start, timed.seconds))
        texts = sorted({s.text for p in pages for s in draft_page(p.text).sentences})
        start = time.perf_counter()
        encoder.encode(texts)
        embed = time.perf_counter() - start
    for what, stats, total, in_run in runs:
        rss = ({"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                     1)} if what["engine"] == "local" else {})
        print(json.dumps({
            "bench": "corpus", **what, "pages": stats.pages, "pairs": stats.pairs,
            "sentences": stats.sentences, "unique_sentences": len(texts),
            "seconds": round(total, 2), "embed_once_seconds": round(embed, 2),
            "ratio_total_to_embed": round(total / embed, 3),
            "encoder_seconds_in_run": round(in_run, 2) if in_run is not None else None,
            "speed_vs_first": round(runs[0][2] / total, 3),
            "pages_per_s": round(stats.pages / total, 3),
            "pairs_per_s": round(stats.pairs / total, 2),
            "sentences_per_s": round(stats.sentences / total, 1), **rss,
        }))


if __name__ == "__main__":
    main()
