"""``align corpus --engine ray``: the same corpus, computed on a Ray cluster (or a laptop).

Ray Data schedules the work; this module only says what the work is:

1. pages are listed in input order (``iter_pages``), exactly as the local engine lists them;
2. chrome is learnt per site by a distributed count: tasks count the short lines of chunks of
   pages (``ChromeLearner``), the driver adds the counts up, before any page is aligned;
3. batch *k* of ``batch_pages`` pages is read and split by a Ray task, then embedded and aligned
   by an actor of a pool (each actor loads the encoder once; on a GPU with ``gpus_per_actor``);
   the actor returns the batch's rows, not yet deduplicated, as the bytes of a Parquet file
   that the driver renames into place as ``OUT.shards/part-0000k.parquet``;
4. at the end the driver streams the shards in input order through the local engine's writer
   (``CorpusRun``: journal, dedupe rule, formats), so every output is byte-identical to
   ``--engine local``.

A shard that exists (and was made for the same run signature, pages and chrome) is never
computed again: a killed driver resumes where it stopped. A worker killed mid-task is
restarted and its task retried by Ray (Ray Data's actor pools restart actors and retry their
tasks by default); the driver writes each shard once, whole, so nothing is duplicated.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.aligners.mixed import PageAligner
from align.corpus.run import (
    CorpusOptions,
    CorpusRun,
    CorpusStats,
    PageRows,
    ResultBatch,
    _draft_pages,
    shard_name,
)
from align.embed.embedder import Embedder
from align.errors import AlignError, InputError
from align.io.files import OutputError, default_file_mode
from align.io.inputs import PageRef
from align.io.rows import LeftoverRow, PairRow
from align.records import Reason
from align.text.chrome import ChromeLearner
from align.text.normalize import one_line

INSTALL_HINT = "--engine ray needs Ray: pip install -e '.[ray]' (or pip install 'ray[data]')"
WORK_KEY = b"align.work"
#: pages per chrome-counting task (a count is cheap: no model, no sentence splitting)
CHROME_CHUNK = 512


def require_ray() -> Any:
    """The ``ray`` module, or a one-line error that says how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise InputError(INSTALL_HINT) from exc
    return ray


@dataclass
class RayOptions:
    """Where and how the Ray engine runs; none of these change the output."""

    address: str | None = None  # None: start a local Ray here; "auto", "ray://HOST:10001"
    actors: int = 1  # encoder actors in the pool
    gpus_per_actor: float = 0.0  # 0: actors run on CPUs
    num_cpus: int | None = None  # CPUs of a local Ray started here (None: all)
    #: builds the encoder in each actor (None: the CLI's model, device and batch size)
    embedder: Callable[[], Embedder] | None = None
    model: str | None = None
    device: str = "auto"
    batch_size: int = 32
    allow_download: bool = False
    progress_bars: bool = True  # Ray Data's progress bars on standard error
    #: memory Ray reserves per actor (the model, the batch, the embedding cache): Ray places
    #: no more actors on a node than its memory holds
    actor_memory_gb: float = 2.0

    def encoder_factory(self) -> Callable[[], Embedder]:
        if self.embedder is not None:
            return self.embedder
        from align.api import load_encoder

        device = "cuda" if self.gpus_per_actor > 0 else self.device
        return functools.partial(load_encoder, self.model, device=device,
                                 batch_size=self.batch_size, allow_download=self.allow_download)


@dataclass
class ShardCounts:
    """What the Ray stage did in this run (a test counts recomputed shards with it)."""

    computed: list[int] = field(default_factory=list)  # shards made by this run
    reused: list[int] = field(default_factory=list)  # shards found done on disk


class RayCorpusRun(CorpusRun):
    """``align corpus`` on Ray; the writer side (journal, dedupe, formats) is ``CorpusRun``'s."""

    journal_per_batch = True  # shards arrive computed: one sync per shard, not per page

    def __init__(self, opts: CorpusOptions, ray_opts: RayOptions,
                 progress: Callable[[CorpusStats], None] | None = None,
                 report: Callable[[str], None] | None = None,
                 prepare: Callable[[], None] | None = None) -> None:
        self.ray_opts = ray_opts
        self.counts = ShardCounts()
        #: wall seconds of the stages: chrome (count), compute (shards), assemble (writing)
        self.seconds: dict[str, float] = {}
        #: called with k once shard k is made and renamed into place (progress, tests)
        self.on_shard: Callable[[int], None] | None = None
        self._started_ray = False
        self._signature: dict = {}
        user_prepare = prepare

        def connect() -> None:  # after inputs, lock and journal are checked
            self._connect()
            if user_prepare is not None:
                user_prepare()

        super().__init__(None, opts, progress, report, prepare=connect)  # type: ignore[arg-type]

    @property
    def work_dir(self) -> Path:
        """The folder of the un-deduplicated shards, beside the output."""
        out = self.opts.output
        return out.with_name(out.name + ".shards")

    def run(self, inputs: list[str], pattern: str = "*") -> CorpusStats:
        self._signature = self.opts.signature(inputs, pattern)
        try:
            return super().run(inputs, pattern)
        finally:
            if self._started_ray:
                require_ray().shutdown()
                self._started_ray = False

    # --- Ray ------------------------------------------------------------------------

    def _connect(self) -> None:
        ray = require_ray()
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = self.ray_opts.progress_bars
        if not self.ray_opts.progress_bars:  # quiet: no per-dataset INFO lines either
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        if ray.is_initialized():
            return
        env = {k: os.environ[k] for k in ("PYTHONPATH",) if os.environ.get(k)}
        kwargs: dict[str, Any] = {"address": self.ray_opts.address,
                                  "logging_level": logging.WARNING,
                                  "runtime_env": {"env_vars": env} if env else None}
        if self.ray_opts.address is None:
            kwargs.update(num_cpus=self.ray_opts.num_cpus, include_dashboard=False)
        try:
            ray.init(**kwargs)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise InputError(f"cannot connect to Ray at {self.ray_opts.address}: "
                             f"{str(exc).splitlines()[0] if str(exc) else exc}") from exc
        self._started_ray = True

    def _learn_chrome(self, refs: list[PageRef]) -> ChromeLearner:
        """Count lines per site in Ray tasks, add the counts up here."""
        ray = require_ray()
        chunks = [refs[i : i + CHROME_CHUNK] for i in range(0, len(refs), CHROME_CHUNK)]
        ds = ray.data.from_items([{"refs": pickle.dumps(c)} for c in chunks],
                                 override_num_blocks=len(chunks))
        ds = ds.map(_count_chrome, fn_kwargs={"opts": self.opts})
        start = time.perf_counter()
        learner = ChromeLearner()
        for row in ds.iter_rows():
            learner.merge(pickle.loads(row["learner"]))
        self.seconds["chrome"] = time.perf_counter() - start
        return learner

    def _result_batches(self, todo: list[PageRef],
                        chrome: ChromeLearner | None) -> Iterator[ResultBatch]:
        """Make the missing shards on Ray, then read every needed shard back in order."""
        size = self.opts.batch_pages
        wanted = {ref.name for ref in todo}
        batches = [self.refs[i : i + size] for i in range(0, len(self.refs), size)]
        jobs = {k: [(ref, chrome.chrome_for(ref.site) if chrome else frozenset())
                    for ref in batch]
                for k, batch in enumerate(batches) if any(r.name in wanted for r in batch)}
        keys = {k: self._work_key(job) for k, job in jobs.items()}
        self._prepare_work_dir()
        missing = []
        for k in jobs:
            if _shard_key(self.work_dir / shard_name(k)) == keys[k]:
                self.counts.reused.append(k)
            else:
                missing.append(k)
        start = time.perf_counter()
        if missing:
            self._compute(missing, jobs, keys)
        self.seconds["compute"] = time.perf_counter() - start
        start = time.perf_counter()
        for k in jobs:
            pages = read_shard(self.work_dir / shard_name(k), [ref for ref, _ in jobs[k]])
            batch = [(ref, rows) for ref, rows in pages if ref.name in wanted]
            self.stats.batches += 1
            self.stats.batch_size = len(batch)
            self.progress(self.stats)
            yield batch
        self.seconds["assemble"] = time.perf_counter() - start  # the last batch is written

    def _compute(self, missing: list[int], jobs: dict[int, list], keys: dict[int, str]) -> None:
        ray = require_ray()
        items = [{"batch": k, "key": keys[k], "job": pickle.dumps(jobs[k])} for k in missing]
        ds = ray.data.from_items(items, override_num_blocks=len(items))
        ds = ds.map(_draft_batch, fn_kwargs={"opts": self.opts})
        ro = self.ray_opts
        ds = ds.map_batches(
            AlignActor, batch_size=1, compute=ray.data.ActorPoolStrategy(size=ro.actors),
            num_gpus=ro.gpus_per_actor or None, memory=int(ro.actor_memory_gb * 2**30),
            fn_constructor_kwargs={"factory": ro.encoder_factory(),
                                   "min_score": self.opts.min_score})
        for row in ds.iter_rows():
            k = int(row["batch"])
            write_atomic(self.work_dir / shard_name(k), row["shard"])
            self.counts.computed.append(k)
            if self.on_shard is not None:
                self.on_shard(k)

    # --- shards on disk -------------------------------------------------------------

    def _work_key(self, job: list[tuple[PageRef, frozenset[int]]]) -> str:
        """What a shard was made from: run signature, its pages, their chrome."""
        h = hashlib.sha256(json.dumps(self._signature, sort_keys=True, default=str).encode())
        for ref, chrome in job:
            h.update(f"\n{ref.name}\t{ref.path}\t{ref.error}\t".encode())
            h.update(",".join(str(x) for x in sorted(chrome)).encode())
        return h.hexdigest()

    def _prepare_work_dir(self) -> None:
        work = self.work_dir
        try:
            work.mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{work}: cannot create ({exc.strerror or exc})") from exc
        for tmp in work.glob(".part-*.tmp"):  # a driver killed while renaming a shard
            with contextlib.suppress(OSError):
                tmp.unlink()
        if self.opts.restart:
            for old in work.glob("part-*.parquet"):
                old.unlink()


class AlignActor:
    """Ray Data actor: loads the encoder once, then embeds and aligns batches of drafts."""

    def __init__(self, factory: Callable[[], Embedder], min_score: float | None) -> None:
        self.aligner = PageAligner(factory(), min_score=min_score)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        out: dict[str, list] = {"batch": [], "shard": []}
        for k, key, payload in zip(batch["batch"], batch["key"], batch["drafts"], strict=True):
            drafts = pickle.loads(payload)
            results = iter(self.aligner.align_drafts(
                [d for _, d in drafts if not isinstance(d, str)]))
            pages = [(ref, d if isinstance(d, str) else PageRows.of(next(results), ref.name))
                     for ref, d in drafts]
            out["batch"].append(int(k))
            out["shard"].append(encode_shard(pages, str(key)))
        return out


def _count_chrome(row: dict[str, Any], opts: CorpusOptions) -> dict[str, Any]:
    """Ray task: the chrome counts of a chunk of pages (unreadable pages are skipped)."""
    learner = ChromeLearner()
    for ref in pickle.loads(row["refs"]):
        try:
            text = opts.read(ref)
        except AlignError:
            continue
        learner.add_page(ref.site, [x.strip() for x in text.split("\n") if x.strip()])
    return {"learner": pickle.dumps(learner)}


def _draft_batch(row: dict[str, Any], opts: CorpusOptions) -> dict[str, Any]:
    """Ray task: read and split one batch of pages."""
    drafts = _draft_pages(pickle.loads(row["job"]), opts)
    return {"batch": row["batch"], "key": row["key"], "drafts": pickle.dumps(drafts)}


# --- the shard format: one row per page, its rows nested ---------------------------------

def _schema(key: str = "") -> Any:
    import pyarrow as pa

    ints = pa.list_(pa.int64())
    pair = pa.struct([("src", pa.string()), ("tgt", pa.string()), ("score", pa.float64()),
                      ("margin", pa.float64()), ("bead", pa.string()), ("src_ids", ints),
                      ("tgt_ids", ints)])
    left = pa.struct([("lang", pa.string()), ("reason", pa.string()), ("block", pa.int64()),
                      ("ids", ints), ("duplicate_of", pa.int64()), ("text", pa.string())])
    return pa.schema([("page", pa.string()), ("error", pa.string()),
                      ("sentences", pa.int64()), ("damaged", pa.int64()),
                      ("pairs", pa.list_(pair)), ("leftovers", pa.list_(left))],
                     metadata={WORK_KEY: key.encode()} if key else None)


def encode_shard(pages: ResultBatch, key: str) -> bytes:
    """One batch's rows (not deduplicated) as the bytes of a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols: dict[str, list] = {n: [] for n in
                             ("page", "error", "sentences", "damaged", "pairs", "leftovers")}
    for ref, rows in pages:
        cols["page"].append(ref.name)
        err = isinstance(rows, str)
        cols["error"].append(rows if err else None)
        cols["sentences"].append(0 if err else rows.sentences)
        cols["damaged"].append(0 if err else rows.damaged)
        cols["pairs"].append([] if err else [
            {"src": p.src, "tgt": p.tgt, "score": p.score, "margin": p.margin, "bead": p.bead,
             "src_ids": list(p.src_ids), "tgt_ids": list(p.tgt_ids)} for p in rows.pairs])
        cols["leftovers"].append([] if err else [
            {"lang": x.lang, "reason": str(x.reason), "block": x.block, "ids": list(x.ids),
             "duplicate_of": x.duplicate_of, "text": x.text} for x in rows.leftovers])
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pydict(cols, schema=_schema(key)), sink)
    return sink.getvalue().to_pybytes()


def read_shard(path: Path, refs: list[PageRef]) -> ResultBatch:
    """A shard's pages back as rows, matched to ``refs`` (its pages, in order)."""
    import pyarrow.parquet as pq

    records = pq.read_table(path).to_pylist()
    if [r["page"] for r in records] != [ref.name for ref in refs]:
        raise OutputError(f"{path}: holds other pages than its batch; delete it or --restart")
    out: ResultBatch = []
    for ref, r in zip(refs, records, strict=True):
        if r["error"] is not None:
            out.append((ref, r["error"]))
            continue
        name = one_line(ref.name)
        pairs = [PairRow(p["src"], p["tgt"], p["score"], p["bead"], tuple(p["src_ids"]),
                         tuple(p["tgt_ids"]), name, p["margin"]) for p in r["pairs"]]
        lefts = [LeftoverRow(name, x["lang"], Reason(x["reason"]), x["block"], tuple(x["ids"]),
                             x["duplicate_of"], x["text"]) for x in r["leftovers"]]
        out.append((ref, PageRows(pairs, lefts, r["sentences"], r["damaged"])))
    return out


def _shard_key(path: Path) -> str | None:
    """The work key a finished shard was made with (None: no such shard, or unreadable)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # any file that cannot be read as Parquet is made again
        return None
    value = meta.get(WORK_KEY)
    return value.decode() if value else None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
