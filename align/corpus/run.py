"""``align corpus``: many pages → one clean parallel corpus, resumable, with progress.

Pages are read and split in order, aligned in batches that share one loaded model and
length-sorted encoder batches, and appended page by page through a journal (``journal.py``)
so a killed run resumes where it stopped. Pairs seen before (same normalised texts) are
dropped across the whole corpus, and short lines that recur on many pages of a site are
learnt as chrome in a first pass.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from align.aligners.mixed import PageAligner
from align.corpus.helpers import helper_pool, stop_pool
from align.errors import AlignError, InputError
from align.io.files import OutputError, check_output_dir
from align.io.formats import TextFormat, text_format
from align.io.inputs import PageRef, iter_pages
from align.io.journal import Journal
from align.io.parquet import ParquetWriter, pair_schema
from align.io.reader import max_bytes_for, read_page
from align.io.rows import (
    CORPUS_COLUMNS,
    LEFTOVER_COLUMNS,
    LeftoverRow,
    PairRow,
    leftover_rows,
    pair_rows,
    unreadable_row,
)
from align.records import PageAlignment, Reason
from align.signature import RunSignature
from align.text.chrome import ChromeLearner
from align.text.normalize import dedupe_key
from align.text.page import PageDraft, draft_page

#: The marker page the journal records once a text format's closing bytes (TMX) are written.
END_PAGE = "\x00end"
KEY_BYTES = 12


@dataclass
class CorpusOptions:
    """Settings of a corpus run; those that change the output make up its signature."""

    output: Path
    leftovers: Path | None = None
    fmt: str = "tsv"  # tsv | jsonl | parquet | moses | tmx
    plain: bool = False  # TSV without header, texts only
    min_score: float | None = None
    #: the pair scorer's digest (``PairModel.version``): other weights write other pairs
    scorer: str = ""
    dedupe: bool = True
    learn_chrome: bool = True
    batch_pages: int = 128
    restart: bool = False
    model: str = "default"
    html: bool | None = None  # None: HTML pages are detected by name or first bytes
    max_page_mb: float | None = None  # None: reader.DEFAULT_MAX_PAGE_MB
    #: processes in all: with more than one, helpers read and split the next batch of pages
    #: while this process embeds and aligns the current one
    workers: int = 1
    #: version, model and weights, output-changing settings (None: a bare signature)
    run_signature: RunSignature | None = None

    def settings(self) -> dict[str, object]:
        """The settings that change what a corpus run writes."""
        return {"format": "plain" if self.plain else self.fmt, "min_score": self.min_score,
                "scorer": self.scorer,
                "dedupe": self.dedupe, "learn_chrome": self.learn_chrome, "html": self.html,
                "max_page_mb": self.max_page_mb}

    def signature(self, inputs: list[str], pattern: str) -> dict:
        """What the journal must match to resume: the run signature, inputs and outputs."""
        run = (self.run_signature.as_dict() if self.run_signature is not None
               else {"model": self.model, "settings": self.settings()})
        return {"run": run, "inputs": inputs, "glob": pattern,
                "leftovers": str(self.leftovers) if self.leftovers else None}

    def read(self, ref: PageRef) -> str:
        """The page's normalised text, or InputError (reported as ``unreadable``)."""
        if ref.error:
            raise InputError(ref.error)
        return read_page(ref.path, html=self.html, max_bytes=max_bytes_for(self.max_page_mb))

    def pair_format(self) -> TextFormat | None:
        """The appendable format of the pairs (None for Parquet shards)."""
        if self.fmt == "parquet":
            return None
        sig = self.run_signature
        return text_format(self.fmt, CORPUS_COLUMNS, plain=self.plain,
                           signature=sig.short if sig else "", version=sig.version if sig else "")

    def leftover_format(self) -> TextFormat:
        """Leftovers are JSONL for a JSONL run and TSV otherwise (appendable, journalled)."""
        return text_format("jsonl" if self.fmt == "jsonl" else "tsv", LEFTOVER_COLUMNS)


@dataclass
class CorpusStats:
    """Counts for the progress bar and the final summary."""

    pages: int = 0
    skipped: int = 0
    pairs: int = 0
    duplicate_pairs: int = 0
    errors: int = 0
    sentences: int = 0
    seconds: float = 0.0
    total: int = 0  # pages listed as input, known before any page is aligned
    batches: int = 0  # batches started (each is embedded in one go)
    batch_size: int = 0  # pages in the batch started last
    error_pages: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        return (f"{self.pages} pages ({self.skipped} already done), {self.pairs} pairs, "
                f"{self.duplicate_pairs} duplicate pairs dropped, {self.errors} unreadable, "
                f"{self.seconds:.1f} s, {rate:.2f} pages/s")

    def as_dict(self) -> dict[str, object]:
        return {"pages": self.pages, "skipped": self.skipped, "pairs": self.pairs,
                "duplicate_pairs": self.duplicate_pairs, "unreadable": self.errors,
                "sentences": self.sentences, "seconds": round(self.seconds, 3)}


@dataclass
class PageRows:
    """What one aligned page contributes to a corpus, before deduplication: every engine
    produces these, and one writer (``CorpusRun``) turns them into output."""

    pairs: list[PairRow]
    leftovers: list[LeftoverRow]
    sentences: int = 0
    damaged: int = 0  # blocks set aside as damaged (U+FFFD)

    @classmethod
    def of(cls, result: PageAlignment, page: str) -> PageRows:
        return cls(list(pair_rows(result, page=page)), list(leftover_rows(result, page=page)),
                   len(result.sentences),
                   sum(1 for left in result.leftovers if left.reason == Reason.DAMAGED))


#: One batch of pages in input order, each with its rows or the reason it could not be read.
ResultBatch = list[tuple[PageRef, "PageRows | str"]]


def _pair_key(vi: str, en: str) -> bytes:
    return hashlib.blake2b(f"{dedupe_key(vi)}\t{dedupe_key(en)}".encode(),
                           digest_size=KEY_BYTES).digest()


def _pair_key_name(key: str) -> str:
    """Journal key of a pairs file: ``pairs``, or ``pairs.vi``/``pairs.en`` for Moses."""
    return "pairs" if key == "main" else f"pairs.{key}"


def shard_name(n: int) -> str:
    """Deterministic name of the n-th Parquet shard of a corpus."""
    return f"part-{n:05d}.parquet"


class CorpusRun:
    """One run of ``align corpus``; ``progress`` is called after every page."""

    #: journal (and fsync) a whole batch at once rather than each page: for an engine whose
    #: batches arrive already computed, where a sync per page would be most of the writing
    journal_per_batch = False

    def __init__(self, aligner: PageAligner, opts: CorpusOptions,
                 progress: Callable[[CorpusStats], None] | None = None,
                 report: Callable[[str], None] | None = None,
                 prepare: Callable[[], None] | None = None) -> None:
        self.aligner = aligner
        self.opts = opts
        self.progress = progress or (lambda stats: None)
        self.report = report or (lambda message: None)
        #: runs after inputs, lock and journal are checked, before any output is written
        self.prepare = prepare
        self.stats = CorpusStats()
        self.seen: set[bytes] = set()
        self.pairs = opts.pair_format()
        self.lefts = opts.leftover_format()
        self.shards = 0
        self.refs: list[PageRef] = []  # every page of the run, in input order

    def outputs(self) -> dict[str, Path]:
        """Every appended output by journal key (pairs files, leftovers, dedupe keys)."""
        out: dict[str, Path] = {}
        if self.pairs is not None:
            out.update({_pair_key_name(k): p
                        for k, p in self.pairs.paths(self.opts.output).items()})
        if self.opts.leftovers:
            out["leftovers"] = self.opts.leftovers
        if self.opts.dedupe:
            out["dedupe"] = self.opts.output.with_name(self.opts.output.name + ".dedupe")
        return out

    def _chunks(self, pairs: dict[str, str] | None = None,
                lefts: dict[str, str] | None = None, keys: bytes = b"") -> dict[str, bytes]:
        chunks = {_pair_key_name(k): v.encode("utf-8") for k, v in (pairs or {}).items()}
        if self.opts.leftovers and lefts:
            chunks["leftovers"] = lefts["main"].encode("utf-8")
        if keys:
            chunks["dedupe"] = keys
        return chunks

    def run(self, inputs: list[str], pattern: str = "*") -> CorpusStats:
        start = time.perf_counter()
        refs = list(iter_pages(inputs, pattern))
        if not refs:
            raise InputError(f"no pages found in {', '.join(inputs)}"
                             + (f" (--glob {pattern!r} matched nothing)" if pattern != "*" else ""))
        self.stats.total = len(refs)
        self.refs = refs
        if self.opts.fmt == "parquet":
            journal_path = self.opts.output.with_name(self.opts.output.name + ".journal")
            if (not self.opts.restart and not journal_path.exists()
                    and any(self.opts.output.glob("part-*.parquet"))):
                raise OutputError(f"{self.opts.output}: holds shards and no journal to resume "
                                  "from; use --restart to overwrite them")
            check_output_dir(self.opts.output)
        # the lock comes first: a second run on the same output stops here, at once
        with Journal(self.opts.output, self.opts.signature(inputs, pattern), self.outputs(),
                     self.opts.restart) as journal:
            state = journal.open(self.prepare)
            self.shards = state.shards
            if self.opts.fmt == "parquet":
                self._drop_torn_shards()
            chrome = self._learn_chrome(refs) if self.opts.learn_chrome else None
            if not state.done:
                journal.write_page("", self._chunks(
                    self.pairs.begin() if self.pairs else None, self.lefts.begin()))
            else:
                self._reload_seen()
            todo = [r for r in refs if r.name not in state.done]
            self.stats.skipped = len(refs) - len(todo)
            self.progress(self.stats)
            for batch in self._result_batches(todo, chrome):
                if self.pairs is None:
                    self._write_shard(journal, batch, start)
                    continue
                if self.journal_per_batch:
                    self._write_batch(journal, batch, start)
                    continue
                for ref, rows in batch:
                    if isinstance(rows, str):
                        self._write_error(journal, ref, rows)
                    else:
                        self._write_page(journal, ref, rows)
                    self.stats.seconds = time.perf_counter() - start
                    self.progress(self.stats)
            if self.pairs is not None and END_PAGE not in state.done:
                journal.write_page(END_PAGE, self._chunks(self.pairs.end(), self.lefts.end()))
        self.stats.seconds = time.perf_counter() - start
        return self.stats

    def _result_batches(self, todo: list[PageRef],
                        chrome: ChromeLearner | None) -> Iterator[ResultBatch]:
        """Batches of ``todo`` aligned here, in order (another engine overrides this)."""
        for drafts in self._drafted_batches(todo, chrome):
            good = [d for _, d in drafts if not isinstance(d, str)]
            self.stats.batches += 1
            self.stats.batch_size = len(drafts)
            self.progress(self.stats)
            results = iter(self.aligner.align_drafts(good))
            yield [(ref, d if isinstance(d, str) else PageRows.of(next(results), ref.name))
                   for ref, d in drafts]

    def _drafted_batches(
        self, todo: list[PageRef], chrome: ChromeLearner | None
    ) -> Iterator[list[tuple[PageRef, PageDraft | str]]]:
        """Batches of pages read and split (or the reason they could not be), in order.

        With ``workers`` > 1 the next batch is drafted by helper processes while the caller
        embeds the current one; at most two batches are held at a time.
        """
        size = self.opts.batch_pages
        jobs = [[(ref, chrome.chrome_for(ref.site) if chrome else frozenset())
                 for ref in todo[i : i + size]] for i in range(0, len(todo), size)]
        if self.opts.workers <= 1:
            for job in jobs:
                yield _draft_pages(job, self.opts)
            return
        helpers = self.opts.workers - 1
        pool = helper_pool(helpers)
        try:
            def submit(job) -> list[Future]:
                step = max(1, -(-len(job) // helpers))
                return [pool.submit(_draft_pages, job[k : k + step], self.opts)
                        for k in range(0, len(job), step)]

            ahead = submit(jobs[0]) if jobs else []
            for n in range(len(jobs)):
                current, ahead = ahead, submit(jobs[n + 1]) if n + 1 < len(jobs) else []
                yield [d for fut in current for d in fut.result()]
        except BaseException:
            stop_pool(pool)
            raise
        pool.shutdown()

    def _learn_chrome(self, refs: list[PageRef]) -> ChromeLearner:
        learner = ChromeLearner()
        for ref in refs:
            try:
                text = self.opts.read(ref)
            except AlignError:
                continue
            learner.add_page(ref.site, [x.strip() for x in text.split("\n") if x.strip()])
        return learner

    def _reload_seen(self) -> None:
        """Rebuild the duplicate-pair set from the keys earlier runs recorded."""
        if not self.opts.dedupe:
            return
        path = self.outputs()["dedupe"]
        with open(path, "rb") as f:
            data = f.read()
        self.seen.update(data[k : k + KEY_BYTES] for k in range(0, len(data), KEY_BYTES))

    def _new_pairs(self, page: PageRows) -> tuple[list[PairRow], bytes]:
        """The page's pair rows that are not duplicates, and their dedupe keys."""
        rows, keys = [], []
        for row in page.pairs:
            if self.opts.dedupe:
                key = _pair_key(row.src, row.tgt)
                if key in self.seen:
                    self.stats.duplicate_pairs += 1
                    continue
                self.seen.add(key)
                keys.append(key)
            rows.append(row)
        return rows, b"".join(keys)

    def _write_page(self, journal: Journal, ref: PageRef, page: PageRows) -> None:
        assert self.pairs is not None
        self._warn_damage(ref, page)
        rows, keys = self._new_pairs(page)
        journal.write_page(ref.name, self._chunks(
            self.pairs.encode(rows), self.lefts.encode(page.leftovers), keys))
        self._count(page, len(rows))

    def _write_batch(self, journal: Journal, batch: ResultBatch, start: float) -> None:
        """A batch of pages appended and journalled in one record (same bytes as per page)."""
        assert self.pairs is not None
        pairs: dict[str, list[str]] = {}
        lefts: list[bytes] = []
        keys: list[bytes] = []
        for ref, page in batch:
            if isinstance(page, str):
                lefts.append(self._write_error(None, ref, page))
                continue
            self._warn_damage(ref, page)
            rows, page_keys = self._new_pairs(page)
            for key, text in self.pairs.encode(rows).items():
                pairs.setdefault(key, []).append(text)
            lefts.append(self.lefts.encode(page.leftovers)["main"].encode("utf-8"))
            keys.append(page_keys)
            self._count(page, len(rows))
        chunks = self._chunks({k: "".join(v) for k, v in pairs.items()}, keys=b"".join(keys))
        if self.opts.leftovers:
            chunks["leftovers"] = b"".join(lefts)
        journal.write_batch([ref.name for ref, _ in batch], chunks)
        self.stats.seconds = time.perf_counter() - start
        self.progress(self.stats)

    def _warn_damage(self, ref: PageRef, page: PageRows) -> None:
        if page.damaged:
            self.report(f"warning: {ref.name}: {page.damaged} block(s) hold U+FFFD replacement "
                        "characters (lost in decoding); set aside as damaged")

    def _count(self, page: PageRows, pairs: int) -> None:
        self.stats.pages += 1
        self.stats.pairs += pairs
        self.stats.sentences += page.sentences

    def _write_error(self, journal: Journal | None, ref: PageRef, message: str) -> bytes:
        """Record an unreadable page; returns its leftover bytes (written now when a journal
        is given, else by the caller with its batch)."""
        chunk = self.lefts.encode([unreadable_row(ref.name, message)])
        if journal is not None:
            journal.write_page(ref.name, self._chunks(lefts=chunk))
        self.stats.pages += 1
        self.stats.errors += 1
        self.stats.error_pages.append((ref.name, message))
        self.report(f"skipped {message}")
        return chunk["main"].encode("utf-8")

    def _write_shard(self, journal: Journal, batch: ResultBatch, start: float) -> None:
        """One batch as one Parquet shard, renamed into place, then journalled in one line."""
        schema = pair_schema(signature=self.opts.run_signature.to_json()
                             if self.opts.run_signature else "")
        path = self.opts.output / shard_name(self.shards)
        lefts: list[bytes] = []
        keys: list[bytes] = []
        with ParquetWriter(path, schema) as writer:
            for ref, page in batch:
                if isinstance(page, str):
                    lefts.append(self._write_error(None, ref, page))
                else:
                    self._warn_damage(ref, page)
                    rows, page_keys = self._new_pairs(page)
                    writer.write(rows)
                    keys.append(page_keys)
                    lefts.append(self.lefts.encode(page.leftovers)["main"].encode("utf-8"))
                    self._count(page, len(rows))
        self.shards += 1
        chunks = {"dedupe": b"".join(keys)} if self.opts.dedupe else {}
        if self.opts.leftovers:
            chunks["leftovers"] = b"".join(lefts)
        journal.write_batch([ref.name for ref, _ in batch], chunks, shards=self.shards)
        self.stats.seconds = time.perf_counter() - start
        self.progress(self.stats)

    def _drop_torn_shards(self) -> None:
        """Remove shards a killed run wrote but never journalled (they are redone)."""
        for path in self.opts.output.glob("part-*.parquet"):
            try:
                n = int(path.stem.split("-")[1])
            except (IndexError, ValueError):
                continue
            if n >= self.shards:
                path.unlink()


def _draft_pages(
    job: list[tuple[PageRef, frozenset[int]]], opts: CorpusOptions
) -> list[tuple[PageRef, PageDraft | str]]:
    """Read and split pages (in a helper process or not): each a draft or an error message."""
    out: list[tuple[PageRef, PageDraft | str]] = []
    for ref, site_chrome in job:
        try:
            out.append((ref, draft_page(opts.read(ref), ref.name, site_chrome,
                                        normalized=True)))
        except AlignError as exc:
            out.append((ref, str(exc)))
    return out
