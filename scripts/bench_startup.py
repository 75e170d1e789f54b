"""Start-up cost of ``align mixed`` on one small page, and where it goes.

Prints JSON lines: the median wall time of the whole command with the background vectors
stored on disk (the default from the second run on) and with them recomputed (as every run did
before they were stored), plus the in-process phases (importing the CLI, importing
sentence-transformers, loading the model, background vectors, the page). Both variants run
alternately in one invocation, so their ratio holds on a noisy machine.

    python -m scripts.bench_startup [--runs 3] [--page corpus/pages/01_vi_then_en.txt]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = """
import json, time
t0 = time.perf_counter()
import align.cli  # noqa: F401
t1 = time.perf_counter()
import sentence_transformers  # noqa: F401
t2 = time.perf_counter()
from align.api import load_encoder
from align.aligners.mixed import PageAligner
from align.io.reader import read_page
from align.text.page import draft_page
enc = load_encoder()
t3 = time.perf_counter()
aligner = PageAligner(enc)
aligner.background("vi"), aligner.background("en")
t4 = time.perf_counter()
aligner.align_drafts([draft_page(read_page(PAGE), "p", normalized=True)])
t5 = time.perf_counter()
print(json.dumps({"import_cli": t1 - t0, "import_sentence_transformers": t2 - t1,
                  "load_model": t3 - t2, "background": t4 - t3, "page": t5 - t4}))
"""


def _vector_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("align")) / "vectors"


def _wall(page: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "align.cli", "mixed", page, "-o", "/dev/null", "-q"],
                   check=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page", default="corpus/pages/01_vi_then_en.txt")
    args = ap.parse_args()
    store = _vector_dir()
    saved = Path(tempfile.mkdtemp(prefix="align-vectors-"))
    if store.exists():  # keep the user's stored vectors; put them back at the end
        shutil.copytree(store, saved, dirs_exist_ok=True)
    walls: dict[str, list[float]] = {"stored": [], "recomputed": []}
    try:
        _wall(args.page)  # builds the model if needed and stores the vectors
        for _ in range(args.runs):
            walls["stored"].append(_wall(args.page))
            shutil.rmtree(store, ignore_errors=True)
            walls["recomputed"].append(_wall(args.page))
        phases = subprocess.run([sys.executable, "-c", f"PAGE = {args.page!r}\n{PHASES}"],
                                check=True, capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(saved, store, dirs_exist_ok=True)
        shutil.rmtree(saved, ignore_errors=True)
    for mode, values in walls.items():
        print(json.dumps({"mode": mode, "median_wall_s": round(statistics.median(values), 2),
                          "runs": [round(v, 2) for v in values]}))
    print(json.dumps({"ratio_stored_to_recomputed": round(
        statistics.median(walls["stored"]) / statistics.median(walls["recomputed"]), 3)}))
    print(json.dumps({"phases_s": {k: round(v, 2) for k, v in json.loads(phases).items()}}))


if __name__ == "__main__":
    main()
