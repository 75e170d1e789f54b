"""``align corpus``: many pages → one clean parallel corpus, resumable, with progress.

Pages are read and split in order, aligned in batches that share one loaded model and
length-sorted encoder batches, and appended page by page through a journal (``journal.py``)
so a killed run resumes where it stopped. Pairs seen before (same normalised texts) are
dropped across the whole corpus, and short lines that recur on many pages of a site are
learnt as chrome in a first pass.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from align.aligners.mixed import PageAligner
from align.errors import AlignError, InputError
from align.io.inputs import PageRef, iter_pages
from align.io.journal import Journal
from align.io.reader import max_bytes_for, read_page
from align.records import PageAlignment
from align.text.chrome import ChromeLearner
from align.text.normalize import dedupe_key, one_line
from align.text.page import PageDraft, draft_page

UNREADABLE = "unreadable"


@dataclass
class CorpusOptions:
    """Settings of a corpus run; those that change the output make up its signature."""

    output: Path
    leftovers: Path | None = None
    fmt: str = "tsv"  # tsv | plain | jsonl
    min_score: float | None = None
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

    def signature(self, inputs: list[str], pattern: str) -> dict:
        return {"inputs": inputs, "glob": pattern, "format": self.fmt,
                "min_score": self.min_score, "dedupe": self.dedupe,
                "learn_chrome": self.learn_chrome, "model": self.model,
                "leftovers": str(self.leftovers) if self.leftovers else None,
                "html": self.html, "max_page_mb": self.max_page_mb}

    def read(self, ref: PageRef) -> str:
        """The page's normalised text, or InputError (reported as ``unreadable``)."""
        if ref.error:
            raise InputError(ref.error)
        return read_page(ref.path, html=self.html, max_bytes=max_bytes_for(self.max_page_mb))


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
    error_pages: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        return (f"{self.pages} pages ({self.skipped} already done), {self.pairs} pairs, "
                f"{self.duplicate_pairs} duplicate pairs dropped, {self.errors} unreadable, "
                f"{self.seconds:.1f} s, {rate:.2f} pages/s")


def _pair_key(vi: str, en: str) -> bytes:
    return hashlib.blake2b(f"{dedupe_key(vi)}\t{dedupe_key(en)}".encode(),
                           digest_size=12).digest()


def _header(fmt: str) -> bytes:
    return {"tsv": b"vi\ten\tscore\tpage\n", "plain": b"", "jsonl": b""}[fmt]


LEFT_HEADER = b"page\tlang\treason\tblock\ttext\n"


class CorpusRun:
    """One run of ``align corpus``; ``progress`` is called after every page."""

    def __init__(self, aligner: PageAligner, opts: CorpusOptions,
                 progress: Callable[[CorpusStats], None] | None = None) -> None:
        self.aligner = aligner
        self.opts = opts
        self.progress = progress or (lambda stats: None)
        self.stats = CorpusStats()
        self.seen: set[bytes] = set()

    def run(self, inputs: list[str], pattern: str = "*") -> CorpusStats:
        start = time.perf_counter()
        refs = list(iter_pages(inputs, pattern))
        outputs = {"pairs": self.opts.output}
        if self.opts.leftovers:
            outputs["leftovers"] = self.opts.leftovers
        # the lock comes first: a second run on the same output stops here, at once
        with Journal(self.opts.output, self.opts.signature(inputs, pattern), outputs,
                     self.opts.restart) as journal:
            state = journal.open()
            chrome = self._learn_chrome(refs) if self.opts.learn_chrome else None
            if not state.done:
                journal.write_page("", {"pairs": _header(self.opts.fmt),
                                        "leftovers": LEFT_HEADER})
            else:
                self._reload_seen()
            todo = [r for r in refs if r.name not in state.done]
            self.stats.skipped = len(refs) - len(todo)
            for drafts in self._drafted_batches(todo, chrome):
                good = [d for _, d in drafts if not isinstance(d, str)]
                results = iter(self.aligner.align_drafts(good))
                for ref, d in drafts:
                    if isinstance(d, str):
                        self._write_error(journal, ref, d)
                    else:
                        self._write_page(journal, ref, next(results))
                    self.stats.seconds = time.perf_counter() - start
                    self.progress(self.stats)
        self.stats.seconds = time.perf_counter() - start
        return self.stats

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
        # fork on Linux: helpers only read and split text, they never touch torch's threads;
        # spawn elsewhere (and where fork is missing)
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context(
            "fork" if sys.platform.startswith("linux") and "fork" in methods else "spawn")
        with ProcessPoolExecutor(helpers, mp_context=context) as pool:
            def submit(job) -> list[Future]:
                step = max(1, -(-len(job) // helpers))
                return [pool.submit(_draft_pages, job[k : k + step], self.opts)
                        for k in range(0, len(job), step)]

            ahead = submit(jobs[0]) if jobs else []
            for n in range(len(jobs)):
                current, ahead = ahead, submit(jobs[n + 1]) if n + 1 < len(jobs) else []
                yield [d for fut in current for d in fut.result()]

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
        """Rebuild the duplicate-pair set from what earlier runs already wrote."""
        if not self.opts.dedupe:
            return
        with open(self.opts.output, encoding="utf-8") as f:
            for n, line in enumerate(f):
                if self.opts.fmt == "jsonl":
                    rec = json.loads(line)
                    vi, en = rec["vi"], rec["en"]
                else:
                    if n == 0 and self.opts.fmt == "tsv":
                        continue
                    vi, en = line.rstrip("\n").split("\t")[:2]
                self.seen.add(_pair_key(vi, en))

    def _write_page(self, journal: Journal, ref: PageRef, result: PageAlignment) -> None:
        rows = []
        for p in result.pairs:
            vi, en = one_line(p.vi_text), one_line(p.en_text)
            if self.opts.dedupe:
                key = _pair_key(vi, en)
                if key in self.seen:
                    self.stats.duplicate_pairs += 1
                    continue
                self.seen.add(key)
            if self.opts.fmt == "jsonl":
                rows.append(json.dumps({"vi": vi, "en": en, "score": p.score, "page": ref.name},
                                       ensure_ascii=False) + "\n")
            elif self.opts.fmt == "plain":
                rows.append(f"{vi}\t{en}\n")
            else:
                rows.append(f"{vi}\t{en}\t{p.score:.4f}\t{one_line(ref.name)}\n")
        left = "".join(
            f"{one_line(ref.name)}\t{x.lang}\t{x.reason}\t{x.block}\t{one_line(x.text)}\n"
            for x in result.leftovers)
        journal.write_page(ref.name, {"pairs": "".join(rows).encode("utf-8"),
                                      "leftovers": left.encode("utf-8")})
        self.stats.pages += 1
        self.stats.pairs += len(rows)
        self.stats.sentences += len(result.sentences)

    def _write_error(self, journal: Journal, ref: PageRef, message: str) -> None:
        line = f"{one_line(ref.name)}\t-\t{UNREADABLE}\t-\t{one_line(message)}\n"
        journal.write_page(ref.name, {"leftovers": line.encode("utf-8")})
        self.stats.pages += 1
        self.stats.errors += 1
        self.stats.error_pages.append((ref.name, message))
        print(f"align: skipped {message}", file=sys.stderr)


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
