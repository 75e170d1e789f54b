"""Benchmark the sentence encoder: sentences/s and peak memory per batching configuration.

Encodes N mixed Vietnamese/English sentences (IWSLT15 TED dev2010, alternating languages)
with batch sizes 8, 32 and 64, each with length-sorted and with unsorted batches. Prints one
JSON object per configuration on stdout, with ratios relative to the first configuration
(the default: batch 32, sorted); the setup goes to stderr.

    python -m scripts.bench_encode --n 1000
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from align.embed.encoder import Encoder

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "iwslt15_en_vi_ted"
PREFIX = "IWSLT15.TED.dev2010.en-vi"
SEG = re.compile(r'<seg id="\d+">(.*?)</seg>')
CONFIGS = [(32, True), (8, True), (64, True), (32, False), (8, False), (64, False)]


def read_segments(path: Path) -> list[str]:
    """The ``<seg id="N"> text </seg>`` lines of an IWSLT xml file, unescaped."""
    text = path.read_text(encoding="utf-8")
    return [html.unescape(m.group(1)).strip() for m in SEG.finditer(text)]


def mixed_sentences(data: Path, n: int) -> list[str]:
    """Alternate en and vi segments (so batches mix languages), the first ``n``."""
    en = read_segments(data / f"{PREFIX}.en.xml")
    vi = read_segments(data / f"{PREFIX}.vi.xml")
    out = [s for pair in zip(en, vi, strict=False) for s in pair if s]
    return out[:n]


def rss_bytes() -> int | None:
    """Current resident set size (Linux /proc; None elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def max_rss_bytes() -> int:
    """Process-lifetime peak RSS (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class PeakSampler:
    """Samples RSS in a thread: the peak during one configuration (ru_maxrss only grows)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = rss_bytes() or 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes() or 0)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes() or 0)


@dataclass
class Result:
    """One configuration's measurement."""

    batch_size: int
    sorted: bool
    n: int
    seconds: float
    peak_rss_mb: float
    max_abs_diff: float


def run(enc: Encoder, texts: list[str], batch_size: int, sort: bool, ref) -> tuple[Result, object]:
    enc.batch_size, enc.sort_by_length = batch_size, sort
    with PeakSampler() as sampler:
        start = time.perf_counter()
        vecs = enc.encode(texts)
        seconds = time.perf_counter() - start
    diff = float(abs(vecs - ref).max()) if ref is not None else 0.0
    res = Result(batch_size, sort, len(texts), seconds, sampler.peak / 2**20, diff)
    return res, vecs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="sentences per configuration")
    ap.add_argument("--data", type=Path, default=DATA,
                    help=f"folder holding {PREFIX}.{{en,vi}}.xml")
    ap.add_argument("--model", default=None)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()

    texts = mixed_sentences(args.data, args.n)
    if not texts:
        sys.exit(f"no sentences found under {args.data}")
    rss0 = rss_bytes() or 0
    start = time.perf_counter()
    enc = Encoder.load(args.model, device=args.device)
    load_s = time.perf_counter() - start
    enc.encode(texts[:16])  # warm-up: first-call allocations and lazy imports
    import torch

    print(json.dumps({
        "setup": {"model": enc.name, "device": enc.device, "torch_threads":
                  torch.get_num_threads(), "cpus": os.cpu_count(), "n": len(texts),
                  "chars_mean": round(sum(map(len, texts)) / len(texts), 1),
                  "load_s": round(load_s, 2), "rss_after_load_mb": round(
                      (rss_bytes() or 0) / 2**20, 1), "rss_before_load_mb": round(rss0 / 2**20, 1),
                  "loadavg_1m": round(os.getloadavg()[0], 2)}}), file=sys.stderr)

    first: Result | None = None
    ref = None
    for batch_size, sort in CONFIGS:
        res, vecs = run(enc, texts, batch_size, sort, ref)
        if first is None:
            first, ref = res, vecs
        rate = res.n / res.seconds
        print(json.dumps({
            "config": f"bs{batch_size}-{'sorted' if sort else 'unsorted'}",
            "batch_size": batch_size,
            "sorted": sort,
            "n": res.n,
            "seconds": round(res.seconds, 2),
            "sentences_per_s": round(rate, 1),
            "peak_rss_mb": round(res.peak_rss_mb, 1),
            "process_peak_rss_mb": round(max_rss_bytes() / 2**20, 1),
            "speed_ratio": round(rate / (first.n / first.seconds), 3),
            "peak_rss_ratio": round(res.peak_rss_mb / first.peak_rss_mb, 3),
            "max_abs_diff_vs_first": round(res.max_abs_diff, 7),
        }), flush=True)


if __name__ == "__main__":
    main()
