"""The ``align`` command line: a thin layer over the Python API."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from functools import wraps
from pathlib import Path

import click

from align.errors import AlignError
from align.io.files import (
    atomic_output,
    check_output_dir,
    check_output_file,
    silence_stdout,
)
from align.io.formats import FORMATS
from align.io.reader import DEFAULT_MAX_PAGE_MB
from align.io.rows import LEFTOVER_COLUMNS, PAIR_COLUMNS, leftover_rows, pair_rows
from align.io.writers import RowSink, leftover_format
from align.progress import Progress


def _model_options(f: Callable) -> Callable:
    """--model, --device, --batch-size, --allow-download: shared by every embedding command."""
    f = click.option("--allow-download", is_flag=True,
                     help="Allow fetching --model from the Hugging Face hub.")(f)
    f = click.option("--batch-size", type=click.IntRange(1, 4096), default=32, show_default=True,
                     help="Sentences per encoder batch.")(f)
    f = click.option("--device", type=click.Choice(["auto", "cpu", "cuda", "mps"]),
                     default="auto", show_default=True)(f)
    f = click.option("--model", "model", default=None, metavar="NAME_OR_PATH",
                     help="sentence-transformers model name or folder "
                          "[default: embedded multilingual-e5-small].")(f)
    return f


def _max_page_option(f: Callable) -> Callable:
    """--max-page-mb: a larger page is refused from its size, before it is read."""
    return click.option("--max-page-mb", type=click.FloatRange(min=0, min_open=True),
                        default=DEFAULT_MAX_PAGE_MB, show_default=True,
                        help="Refuse pages larger than this (after decompression).")(f)


def _page_options(f: Callable) -> Callable:
    """--html/--no-html and --max-page-mb: how page files are read."""
    f = _max_page_option(f)
    return click.option("--html/--no-html", "html", default=None,
                        help="Read pages as HTML and keep only their text blocks [default: by "
                             "name (.html, .htm) or by content (<!doctype html>, <html>, or a "
                             "fragment such as <div>…</div>)].")(f)


def _encoder(model, device, batch_size, allow_download):
    from align.api import load_encoder

    return load_encoder(model, device=device, batch_size=batch_size,
                        allow_download=allow_download)


def _friendly(f: Callable) -> Callable:
    """Turn AlignError into a one-line message and its exit code (no traceback)."""

    @wraps(f)
    def run(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except AlignError as exc:
            click.echo(f"align: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return run


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="align")
def cli() -> None:
    """Align Vietnamese and English sentences in messy bilingual web pages."""


@cli.command("model")
@click.option("--check", is_flag=True, help="Embed a few sentences and print a self-check.")
@_model_options
@_friendly
def model_cmd(check, model, device, batch_size, allow_download) -> None:
    """Show (and build if missing) the model in use."""
    enc = _encoder(model, device, batch_size, allow_download)
    for key, value in enc.describe().items():
        click.echo(f"{key}: {value}")
    if check:
        from align.embed.selfcheck import self_check

        ok, lines = self_check(enc)
        for line in lines:
            click.echo(line)
        if not ok:
            raise click.exceptions.Exit(1)


def _stem(path: str) -> str:
    return "stdin" if path == "-" else Path(path).stem


#: file name endings for --out-dir (Moses adds .vi/.en itself)
_SUFFIX = {"tsv": ".tsv", "jsonl": ".jsonl", "parquet": ".parquet", "moses": "", "tmx": ".tmx"}


def _format_option(f: Callable) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="tsv",
                        show_default=True,
                        help="tsv (raw, header), jsonl, parquet (Hugging Face layout), moses "
                             "(OUT.vi + OUT.en), tmx (TMX 1.4b). Leftovers of moses/tmx are "
                             "TSV.")(f)


def _emit_stats(stats: dict) -> None:
    import json

    click.echo(json.dumps(stats, ensure_ascii=False), err=True)


@cli.command("mixed")
@click.argument("pages", nargs=-1, required=True, metavar="PAGE...")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write DIR/<stem>.pairs.<ext> and DIR/<stem>.leftovers.<ext> for every page.")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="Pairs file (default: standard output).")
@click.option("--leftovers", default=None, metavar="FILE", help="Leftovers file.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Keep pairs whose probability of being a translation is at least X "
                   "[default: the scorer's, 0.5]; the others become low_score leftovers "
                   "(0 keeps every pair the search found).")
@_format_option
@click.option("--batch-pages", type=click.IntRange(1, 10000), default=64, show_default=True,
              help="Pages embedded together in shared batches.")
@click.option("--stats", is_flag=True,
              help="Print counts, timings and the run signature as JSON on standard error.")
@click.option("-q", "--quiet", is_flag=True, help="No per-page summary on standard error.")
@click.option("--review", default=None, metavar="FILE",
              help="Also write a self-contained HTML review page of the results.")
@_page_options
@_model_options
@_friendly
def mixed_cmd(pages, out_dir, output, leftovers, min_score, fmt, batch_pages, stats, quiet,
              review,
              html, max_page_mb, model, device, batch_size, allow_download) -> None:
    """Align mixed vi/en PAGEs into sentence pairs and flagged leftovers (- = stdin)."""
    from align.aligners.mixed import PageAligner
    from align.aligners.pair_model import load_pair_model
    from align.api import LazyEncoder, damage_warning, run_signature
    from align.io.reader import max_bytes_for, read_page
    from align.text.page import draft_page

    if out_dir is not None and (output or leftovers):
        raise click.UsageError("--out-dir writes its own files; drop -o/--leftovers")
    if pages.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    drafts_ok = []
    failures = 0
    for path in pages:  # read everything first: a bad page fails fast, before model loading
        try:
            text = read_page(path, html=html, max_bytes=max_bytes_for(max_page_mb))
            drafts_ok.append(draft_page(text, path, normalized=True))
        except AlignError as exc:
            click.echo(f"align: error: {exc}", err=True)
            failures += 1
    if failures:  # nothing is written when a page is missing: one rule, no partial output
        sys.exit(2)
    if out_dir is not None:
        check_output_dir(out_dir)
    check_output_file(output)
    check_output_file(leftovers)
    scorer = load_pair_model()
    min_score = scorer.min_score if min_score is None else min_score
    signature = run_signature("mixed", model, {"min_score": min_score, "scorer": scorer.version,
                                                 "html": html, "max_page_mb": max_page_mb})
    progress = None if quiet else Progress("align mixed", len(drafts_ok))
    encoder = LazyEncoder(model=model, device=device, batch_size=batch_size,
                          allow_download=allow_download,
                          on_batch=progress.embedded if progress else None)
    aligner = PageAligner(encoder, min_score=min_score, scorer=scorer)
    left_fmt = leftover_format(fmt)
    sink_args = {"signature": signature.to_json() if fmt == "parquet" else signature.short,
                 "version": signature.version}
    if review:
        check_output_file(review)
    reviewed = []
    totals = {"pages": 0, "pairs": 0, "leftovers": 0, "sentences": 0, "seconds": 0.0}
    with ExitStack() as stack:
        pair_out = left_out = None
        if out_dir is None:
            pair_out = stack.enter_context(RowSink(fmt, output, PAIR_COLUMNS, **sink_args))
            if leftovers:
                left_out = stack.enter_context(
                    RowSink(left_fmt, leftovers, LEFTOVER_COLUMNS, **sink_args))
        for start in range(0, len(drafts_ok), batch_pages):
            batch = drafts_ok[start : start + batch_pages]
            if progress is not None:
                progress.begin_batch(len(batch))
            for result in aligner.align_drafts(batch):
                if out_dir is not None:
                    stem = _stem(result.page)
                    with RowSink(fmt, out_dir / f"{stem}.pairs{_SUFFIX[fmt]}", PAIR_COLUMNS,
                                 **sink_args) as sink:
                        sink.write(pair_rows(result))
                    with RowSink(left_fmt, out_dir / f"{stem}.leftovers{_SUFFIX[left_fmt]}",
                                 LEFTOVER_COLUMNS, **sink_args) as sink:
                        sink.write(leftover_rows(result))
                else:
                    pair_out.write(pair_rows(result))
                    if left_out is not None:
                        left_out.write(leftover_rows(result))
                totals["pages"] += 1
                totals["pairs"] += len(result.pairs)
                totals["leftovers"] += len(result.leftovers)
                totals["sentences"] += len(result.sentences)
                totals["seconds"] += result.seconds
                if progress is not None:
                    progress.note(_summary(result))
                    warning = damage_warning(result)
                    if warning:
                        progress.note(f"align: warning: {warning}")
                    progress.finished(totals["pages"], f"{totals['pairs']} pairs")
                if review:
                    reviewed.append(result)
    if review:
        from align.review import from_alignments, write_review

        write_review(from_alignments(reviewed, min_score, Path(review).stem), review)
    if progress is not None:
        progress.close()
        click.echo(f"align mixed: {totals['pages']} pages, {totals['pairs']} pairs "
                   f"[{signature.short}]", err=True)
    if stats:
        totals["seconds"] = round(totals["seconds"], 3)
        _emit_stats({**totals, "signature": signature.as_dict()})


def _summary(result) -> str:
    counts = result.leftover_counts()
    parts = " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"
    return (f"{result.page}: {len(result.pairs)} pairs; leftovers {parts}; "
            f"{result.seconds:.2f} s")


def _doc_jobs(src, tgt, src_dir, tgt_dir, pairs_list):
    """The document pairs of the single or batch forms of ``parallel``."""
    from align.io.inputs import DocJob, doc_jobs_from_dirs, doc_jobs_from_list

    if src_dir or tgt_dir:
        if not (src_dir and tgt_dir) or src or tgt or pairs_list:
            raise click.UsageError("use --src-dir with --tgt-dir, and no SRC/TGT or --pairs")
        return doc_jobs_from_dirs(src_dir, tgt_dir)
    if pairs_list:
        if src or tgt:
            raise click.UsageError("use either SRC TGT or --pairs")
        return doc_jobs_from_list(pairs_list)
    if not (src and tgt):
        raise click.UsageError("give SRC and TGT, or --src-dir/--tgt-dir, or --pairs")
    return [DocJob(Path(src).name, src, tgt)]


@cli.command("parallel")
@click.argument("src", required=False)
@click.argument("tgt", required=False)
@click.option("-o", "--output", default=None, metavar="FILE|DIR",
              help="Output file (one document) or directory (batch); default stdout.")
@click.option("--format", "fmt", type=click.Choice(("beads", *FORMATS)), default="beads",
              show_default=True,
              help="beads ([i]:[j]:score, every line of both sides), or pairs as tsv, jsonl, "
                   "parquet, moses (OUT.<src-lang> + OUT.<tgt-lang>), tmx.")
@click.option("--src-lang", default="vi", show_default=True,
              help="Language code of SRC (column names, Moses suffixes, TMX xml:lang).")
@click.option("--tgt-lang", default="en", show_default=True, help="Language code of TGT.")
@click.option("--src-dir", type=click.Path(file_okay=False, exists=True), default=None)
@click.option("--tgt-dir", type=click.Path(file_okay=False, exists=True), default=None)
@click.option("--pairs", "pairs_list", type=click.Path(dir_okay=False, exists=True),
              default=None, help="File of SRC<TAB>TGT[<TAB>OUT-NAME] lines.")
@click.option("--stats", is_flag=True,
              help="Print counts, timings and the run signature as JSON on standard error.")
@click.option("--quality", type=click.Choice(["fast", "best"]), default="fast",
              show_default=True, help="fast: one encoder pass; best: also embeds the real "
              "text of windows where unsure (about 2x; worse on deletions).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
@_max_page_option
@_model_options
@_friendly
def parallel_cmd(src, tgt, output, fmt, src_lang, tgt_lang, src_dir, tgt_dir, pairs_list, stats,
                 quality, quiet, max_page_mb, model, device, batch_size, allow_download) -> None:
    """Align two documents with one sentence per line (or many pairs, --src-dir/--tgt-dir)."""
    from align.aligners.parallel import DocAligner, read_sentence_lines
    from align.api import run_signature
    from align.eval.beads import format_bead
    from align.io.reader import decode, max_bytes_for, read_bytes
    from align.io.rows import BEAD_PAIR_COLUMNS, bead_rows

    jobs = _doc_jobs(src, tgt, src_dir, tgt_dir, pairs_list)
    limit = max_bytes_for(max_page_mb)
    docs = []
    for job in jobs:
        docs.append((job.name,
                     read_sentence_lines(decode(read_bytes(job.src, limit), job.src)),
                     read_sentence_lines(decode(read_bytes(job.tgt, limit), job.tgt))))
    batch = len(jobs) > 1
    if batch and output is None:
        raise click.UsageError("several document pairs need -o DIR")
    if batch:
        check_output_dir(output)
    else:
        check_output_file(output)
        if fmt == "moses" and output is not None:
            check_output_file(Path(f"{output}.{src_lang}"))
    signature = run_signature("parallel", model, {"max_page_mb": max_page_mb,
                                                   "quality": quality})
    langs = (src_lang, tgt_lang)
    encoder = _encoder(model, device, batch_size, allow_download)
    progress = None if quiet else Progress("align parallel", len(docs), unit="document")
    if progress is not None and hasattr(encoder, "on_batch"):
        encoder.on_batch = progress.embedded
    aligner = DocAligner(encoder, quality=quality)
    pairs = 0
    for start in range(0, len(docs), 8):
        chunk = docs[start : start + 8]
        if progress is not None:
            progress.begin_batch(len(chunk))
        results = aligner.align_many([(s, t) for _, s, t in chunk])
        if progress is not None:
            progress.finished(start + len(chunk))
        for (name, s, t), beads in zip(chunk, results, strict=True):
            target = (Path(output) / name) if batch else output
            if fmt == "beads":
                with atomic_output(target) as out:
                    out.writelines(format_bead(b) + "\n" for b in beads)
                continue
            with RowSink(fmt, target, BEAD_PAIR_COLUMNS, langs=langs,
                         signature=signature.to_json() if fmt == "parquet" else signature.short,
                         version=signature.version) as sink:
                pairs += sink.write(bead_rows(s, t, beads, page=name))
    if progress is not None:
        progress.close()
    if stats:
        tm = aligner.timings
        _emit_stats({
            "documents": len(docs), "sentences": tm.sentences, "pairs": pairs,
            "embed_seconds": round(tm.embed_seconds, 3),
            "align_seconds": round(tm.align_seconds, 3),
            "texts_per_sentence": round(tm.texts_per_sentence, 3),
            "signature": signature.as_dict()})


@cli.command("review")
@click.argument("pages", nargs=-1, metavar="[PAGE...]")
@click.option("-o", "--output", required=True, metavar="FILE", help="The review page (.html).")
@click.option("--from-outputs", "outputs", type=click.Path(exists=True, path_type=Path),
              default=None, help="Pairs and leftovers TSVs already written (folder or file).")
@click.option("--src", type=click.Path(dir_okay=False, exists=True), default=None,
              help="`align parallel` source document (with --tgt and --beads).")
@click.option("--tgt", type=click.Path(dir_okay=False, exists=True), default=None)
@click.option("--beads", type=click.Path(dir_okay=False, exists=True), default=None)
@click.option("--min-score", type=float, default=None,
              help="Mark pairs below X as low score (left out of the gold unless accepted).")
@click.option("--title", default=None, help="Title shown on the page.")
@_page_options
@_model_options
@_friendly
def review_cmd(pages, output, outputs, src, tgt, beads, min_score, title, html, max_page_mb,
               model, device, batch_size, allow_download) -> None:
    """Write one self-contained HTML page to review an alignment and download gold from it."""
    from align import review as rv

    parallel = (src, tgt, beads)
    if sum((bool(pages), outputs is not None, any(parallel))) != 1 or (
            any(parallel) and not all(parallel)):
        raise click.UsageError("give PAGE..., or --from-outputs DIR, or --src S --tgt T --beads B")
    if outputs is not None:
        doc = rv.from_outputs(outputs, title)
    elif src:
        doc = rv.from_parallel(src, tgt, beads, title)
    else:
        from align.api import LazyEncoder
        from align.io.reader import max_bytes_for

        encoder = LazyEncoder(model=model, device=device, batch_size=batch_size,
                              allow_download=allow_download)
        doc = rv.review_pages(list(pages), encoder, html=html,
                              max_bytes=max_bytes_for(max_page_mb), min_score=min_score,
                              title=title)
    doc.min_score = min_score
    rv.write_review(doc, output)
    n = doc.counts()
    click.echo(f"align review: {output}: {n['pages']} pages, {n['pairs']} pairs, "
               f"{n['units']} sentences and blocks", err=True)


@cli.command("evaluate")
@click.argument("gold", type=click.Path(exists=True))
@click.argument("pred", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_friendly
def evaluate_cmd(gold, pred, as_json) -> None:
    """Score predicted beads, pair TSVs or leftover TSVs against gold (files or dirs)."""
    import json

    from align.eval.paths import evaluate

    result = evaluate(Path(gold), Path(pred))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, default=_jsonable))
        return
    for line in result.lines():
        click.echo(line)


def _jsonable(obj):
    as_dict = getattr(obj, "as_dict", None)
    return as_dict() if as_dict else str(obj)


@cli.command("corpus")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Corpus file, appended page by page (resumable); a directory of Parquet "
                   "shards with --format parquet.")
@click.option("--leftovers", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Leftovers and unreadable pages, one row each (JSONL for a JSONL run, "
                   "TSV otherwise).")
@click.option("--glob", "pattern", default="*", show_default=True,
              help="File name pattern when walking directories.")
@_format_option
@click.option("--plain", is_flag=True, help="TSV of vi<TAB>en only, no header (Moses/fairseq).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Keep pairs whose probability of being a translation is at least X "
                   "[default: the scorer's, 0.5]; the others become low_score leftovers "
                   "(0 keeps every pair the search found).")
@click.option("--dedupe/--no-dedupe", default=True, show_default=True,
              help="Drop pairs already written for another page.")
@click.option("--learn-chrome/--no-learn-chrome", default=True, show_default=True,
              help="Treat short lines recurring on many pages of a site as boilerplate.")
@click.option("--batch-pages", type=click.IntRange(1, 10000), default=128, show_default=True,
              help="Pages embedded together: larger batches sort more texts by length "
                   "(128 embeds 10 % faster than 32); one Parquet shard per batch.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes in all: from 2 on, helpers read and split the next pages while "
                   "this one embeds (on 2 cores: from no gain to 7 %, see README).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True,
              help="local: this machine; ray: a Ray cluster (see README), the same output.")
@click.option("--ray-address", default=None, metavar="auto|ray://HOST:10001",
              help="Ray cluster to join [default: start a local Ray].")
@click.option("--actors", type=click.IntRange(1, 4096), default=1, show_default=True,
              help="--engine ray: encoder actors (each loads the model once).")
@click.option("--gpus-per-actor", type=click.FloatRange(0, 64), default=0.0, show_default=True,
              help="--engine ray: GPUs per actor (0: actors run on CPUs).")
@click.option("--restart", is_flag=True, help="Ignore an earlier run's journal; start over.")
@click.option("--strict", is_flag=True, help="Exit non-zero if any page was unreadable.")
@click.option("--stats", is_flag=True,
              help="Print counts, timings and the run signature as JSON on standard error.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, notices or summary line.")
@_page_options
@_model_options
@_friendly
def corpus_cmd(inputs, output, leftovers, pattern, fmt, plain, min_score, dedupe, learn_chrome,
               batch_pages, workers, engine, ray_address, actors, gpus_per_actor, restart, strict,
               stats, quiet, html, max_page_mb, model, device, batch_size,
               allow_download) -> None:
    """Build one parallel corpus from many pages (files, directories, @lists, .gz/.zst)."""
    from align.aligners.mixed import PageAligner
    from align.aligners.pair_model import load_pair_model
    from align.api import LazyEncoder, run_signature
    from align.corpus.run import CorpusOptions, CorpusRun

    if plain and fmt != "tsv":
        raise click.UsageError("--plain is a form of --format tsv")
    scorer = load_pair_model()
    min_score = scorer.min_score if min_score is None else min_score
    opts = CorpusOptions(output=output, leftovers=leftovers, fmt=fmt, plain=plain,
                         min_score=min_score, scorer=scorer.version, dedupe=dedupe,
                         learn_chrome=learn_chrome, batch_pages=batch_pages, restart=restart,
                         model=model or "default", html=html, max_page_mb=max_page_mb,
                         workers=workers)
    check_output_file(leftovers)
    if fmt == "parquet":
        check_output_dir(output)
    else:
        check_output_file(output)
    opts.run_signature = run_signature("corpus", model, opts.settings())
    encoder = LazyEncoder(model=model, device=device, batch_size=batch_size,
                          allow_download=allow_download)
    aligner = PageAligner(encoder, min_score=min_score, scorer=scorer)
    progress = None if quiet else Progress("align corpus")
    report = None if quiet else (lambda message: click.echo(f"align: {message}", err=True))

    def prepare() -> None:  # once inputs, lock and journal are checked, before any output
        encoder.on_batch = progress.embedded if progress is not None else None
        encoder.loaded  # noqa: B018 - loading is the point: a bad model fails before output

    if engine == "ray":
        run = _ray_run(opts, progress and _corpus_progress(progress), report, ray_address,
                       actors, gpus_per_actor, model, device, batch_size, allow_download)
    else:
        run = CorpusRun(aligner, opts, progress and _corpus_progress(progress), report,
                        prepare=prepare)
    try:
        result = run.run(list(inputs), pattern)
    finally:
        if progress is not None:
            progress.close()
    if not quiet:
        click.echo(f"align corpus: {result.summary()} [{opts.run_signature.short}]", err=True)
        for name, message in result.error_pages[:20]:
            click.echo(f"  unreadable: {name}: {message}", err=True)
    if stats:
        _emit_stats({**result.as_dict(), "signature": opts.run_signature.as_dict()})
    if strict and result.errors:
        sys.exit(1)


def _ray_run(opts, progress, report, address, actors, gpus_per_actor, model, device, batch_size,
             allow_download):
    """``--engine ray``: the corpus run on Ray (the model loads in the actors, not here)."""
    from align.corpus.ray_engine import RayCorpusRun, RayOptions, require_ray

    require_ray()
    ray_opts = RayOptions(address=address, actors=actors, gpus_per_actor=gpus_per_actor,
                          model=model, device=device, batch_size=batch_size,
                          allow_download=allow_download, progress_bars=progress is not None)
    return RayCorpusRun(opts, ray_opts, progress, report)


def _corpus_progress(progress):
    """Adapts ``CorpusRun``'s per-page and per-batch reports to a ``Progress``."""
    seen = {"batches": 0}

    def report(stats) -> None:
        if progress.total is None and stats.total:
            progress.set_total(stats.total - stats.skipped)
        if stats.batches > seen["batches"]:
            seen["batches"] = stats.batches
            progress.begin_batch(stats.batch_size)
        progress.finished(stats.pages, f"{stats.pairs} pairs")

    return report


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that a run stops as cleanly as on Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def main(args: list[str] | None = None) -> None:
    """Entry point: no traceback reaches the user unless ALIGN_DEBUG is set.

    The click command is invoked directly (not through ``cli.main``, which turns Ctrl-C into
    ``Aborted!`` or a blank line plus ``Abort``): an interrupted run says so in one line and
    exits 130, as shells expect; SIGTERM (a job scheduler, ``kill``) stops the same way and
    exits 143. What a corpus run journalled stays; the same command resumes.
    """
    import signal

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        _run(args)
    finally:  # a caller in the same process (tests, a host program) gets its handlers back
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _run(args: list[str] | None) -> None:
    """Invoke the command; every way out is an exit code (see ``main``)."""
    try:
        with cli.make_context("align", list(sys.argv[1:] if args is None else args)) as ctx:
            cli.invoke(ctx)
        code = 0
    except click.exceptions.Exit as exc:  # --help, --version, ctx.exit()
        code = exc.exit_code
    except Terminated:
        _stop("align: terminated", 143)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _stop("align: interrupted", 130)
    except click.exceptions.ClickException as exc:  # usage errors: click's own message
        exc.show()
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `align ... | head`: the reader left, which is no error
        silence_stdout()
        sys.exit(141)
    except Exception as exc:  # last resort: one line, not a traceback
        if os.environ.get("ALIGN_DEBUG"):
            raise
        click.echo(f"align: internal error: {type(exc).__name__}: {exc} "
                   "(set ALIGN_DEBUG=1 for details)", err=True)
        sys.exit(70)
    sys.exit(code)


def _stop(message: str, code: int) -> None:
    """Say once why we stop; a second Ctrl-C or SIGTERM while leaving is ignored."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    click.echo(message, err=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
