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
from align.io.files import atomic_output, silence_stdout
from align.io.reader import DEFAULT_MAX_PAGE_MB
from align.io.writers import LEFTOVER_COLUMNS, PAIR_COLUMNS, RowWriter, leftover_rows, pair_rows


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


@cli.command("mixed")
@click.argument("pages", nargs=-1, required=True, metavar="PAGE...")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write DIR/<stem>.pairs.tsv and DIR/<stem>.leftovers.tsv for every page.")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="Pairs file (default: standard output).")
@click.option("--leftovers", default=None, metavar="FILE", help="Leftovers file.")
@click.option("--min-score", type=float, default=None,
              help="Drop pairs whose margin score is below X (they become low_score leftovers).")
@click.option("--format", "fmt", type=click.Choice(["tsv", "jsonl"]), default="tsv",
              show_default=True)
@click.option("--batch-pages", type=click.IntRange(1, 10000), default=64, show_default=True,
              help="Pages embedded together in shared batches.")
@click.option("-q", "--quiet", is_flag=True, help="No per-page summary on standard error.")
@_page_options
@_model_options
@_friendly
def mixed_cmd(pages, out_dir, output, leftovers, min_score, fmt, batch_pages, quiet,
              html, max_page_mb, model, device, batch_size, allow_download) -> None:
    """Align mixed vi/en PAGEs into sentence pairs and flagged leftovers (- = stdin)."""
    from align.aligners.mixed import PageAligner
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
    if not drafts_ok:
        sys.exit(2)
    from align.api import LazyEncoder

    encoder = LazyEncoder(model=model, device=device, batch_size=batch_size,
                          allow_download=allow_download)
    aligner = PageAligner(encoder, min_score=min_score)
    suffix = "tsv" if fmt == "tsv" else "jsonl"
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AlignError(f"{out_dir}: cannot create output directory ({exc.strerror})") from exc
    with ExitStack() as stack:
        pair_out = left_out = None
        if out_dir is None:
            pair_out = RowWriter(stack.enter_context(atomic_output(output)), PAIR_COLUMNS, fmt)
            if leftovers:
                left_out = RowWriter(stack.enter_context(atomic_output(leftovers)),
                                     LEFTOVER_COLUMNS, fmt)
        for start in range(0, len(drafts_ok), batch_pages):
            batch = drafts_ok[start : start + batch_pages]
            for result in aligner.align_drafts(batch):
                if out_dir is not None:
                    stem = _stem(result.page)
                    with atomic_output(out_dir / f"{stem}.pairs.{suffix}") as f:
                        RowWriter(f, PAIR_COLUMNS, fmt).write(pair_rows(result))
                    with atomic_output(out_dir / f"{stem}.leftovers.{suffix}") as f:
                        RowWriter(f, LEFTOVER_COLUMNS, fmt).write(leftover_rows(result))
                else:
                    pair_out.write(pair_rows(result))
                    if left_out is not None:
                        left_out.write(leftover_rows(result))
                if not quiet:
                    click.echo(_summary(result), err=True)
    if failures:
        sys.exit(2)


def _summary(result) -> str:
    counts = result.leftover_counts()
    parts = " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none"
    return (f"{result.page}: {len(result.pairs)} pairs; leftovers {parts}; "
            f"{result.seconds:.2f} s")


def _doc_pairs(src, tgt, src_dir, tgt_dir, pairs_list) -> list[tuple[str, str, str]]:
    """(name, source path, target path) for the single or batch forms of ``parallel``."""
    if src_dir or tgt_dir:
        if not (src_dir and tgt_dir) or src or tgt or pairs_list:
            raise click.UsageError("use --src-dir with --tgt-dir, and no SRC/TGT or --pairs")
        names = sorted(p.name for p in Path(src_dir).iterdir() if p.is_file())
        missing = [n for n in names if not (Path(tgt_dir) / n).is_file()]
        if missing:
            raise AlignError(f"{tgt_dir}: no target file for {missing[0]}")
        return [(n, str(Path(src_dir) / n), str(Path(tgt_dir) / n)) for n in names]
    if pairs_list:
        if src or tgt:
            raise click.UsageError("use either SRC TGT or --pairs")
        out = []
        for k, line in enumerate(Path(pairs_list).read_text("utf-8").splitlines(), 1):
            parts = line.split("\t")
            if not line.strip():
                continue
            if len(parts) < 2:
                raise AlignError(f"{pairs_list}:{k}: expected SRC<TAB>TGT[<TAB>OUT]")
            out.append((parts[2] if len(parts) > 2 else Path(parts[0]).name, parts[0], parts[1]))
        return out
    if not (src and tgt):
        raise click.UsageError("give SRC and TGT, or --src-dir/--tgt-dir, or --pairs")
    return [(Path(src).name, src, tgt)]


@cli.command("parallel")
@click.argument("src", required=False)
@click.argument("tgt", required=False)
@click.option("-o", "--output", default=None, metavar="FILE|DIR",
              help="Output file (one document) or directory (batch); default stdout.")
@click.option("--format", "fmt", type=click.Choice(["beads", "tsv"]), default="beads",
              show_default=True)
@click.option("--src-dir", type=click.Path(file_okay=False, exists=True), default=None)
@click.option("--tgt-dir", type=click.Path(file_okay=False, exists=True), default=None)
@click.option("--pairs", "pairs_list", type=click.Path(dir_okay=False, exists=True),
              default=None, help="File of SRC<TAB>TGT[<TAB>OUT-NAME] lines.")
@click.option("--stats", is_flag=True, help="Print timings as JSON on standard error.")
@click.option("--quality", type=click.Choice(["fast", "best"]), default="fast",
              show_default=True, help="fast: one encoder pass; best: also embeds the real "
              "text of windows where unsure (about 2x; worse on deletions).")
@_max_page_option
@_model_options
@_friendly
def parallel_cmd(src, tgt, output, fmt, src_dir, tgt_dir, pairs_list, stats, quality,
                 max_page_mb, model, device, batch_size, allow_download) -> None:
    """Align two documents with one sentence per line (or many pairs, --src-dir/--tgt-dir)."""
    import json

    from align.aligners.parallel import DocAligner, read_sentence_lines
    from align.eval.beads import format_bead
    from align.io.reader import decode, max_bytes_for, read_bytes

    jobs = _doc_pairs(src, tgt, src_dir, tgt_dir, pairs_list)
    limit = max_bytes_for(max_page_mb)
    docs = []
    for name, s, t in jobs:
        docs.append((name,
                     read_sentence_lines(decode(read_bytes(s, limit), s)),
                     read_sentence_lines(decode(read_bytes(t, limit), t))))
    batch = len(jobs) > 1
    if batch and output is None:
        raise click.UsageError("several document pairs need -o DIR")
    if batch:
        Path(output).mkdir(parents=True, exist_ok=True)
    aligner = DocAligner(_encoder(model, device, batch_size, allow_download), quality=quality)
    for start in range(0, len(docs), 8):
        chunk = docs[start : start + 8]
        results = aligner.align_many([(s, t) for _, s, t in chunk])
        for (name, s, t), beads in zip(chunk, results, strict=True):
            target = (Path(output) / name) if batch else output
            with atomic_output(target) as out:
                for b in beads:
                    if fmt == "beads":
                        out.write(format_bead(b) + "\n")
                    elif b.src and b.tgt:
                        out.write("\t".join([" ".join(s[i] for i in b.src),
                                             " ".join(t[j] for j in b.tgt),
                                             f"{b.score:.4f}"]) + "\n")
    if stats:
        tm = aligner.timings
        click.echo(json.dumps({
            "documents": len(docs), "sentences": tm.sentences,
            "embed_seconds": round(tm.embed_seconds, 3),
            "align_seconds": round(tm.align_seconds, 3),
            "texts_per_sentence": round(tm.texts_per_sentence, 3)}), err=True)


@cli.command("evaluate")
@click.argument("gold", type=click.Path(exists=True))
@click.argument("pred", type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_friendly
def evaluate_cmd(gold, pred, as_json) -> None:
    """Score predicted beads, pair TSVs or leftover TSVs against gold (files or dirs)."""
    import json

    from align.eval.pair_eval import evaluate_paths

    result = evaluate_paths(Path(gold), Path(pred))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, default=_jsonable))
        return
    for kind in ("beads", "pairs"):
        score = result.get(kind)
        if score:
            click.echo(f"{kind}: strict P {score['strict_p']:.4f} R {score['strict_r']:.4f} "
                       f"F1 {score['strict_f1']:.4f} | lax P {score['lax_p']:.4f} "
                       f"R {score['lax_r']:.4f} F1 {score['lax_f1']:.4f} "
                       f"({score['n_docs']} documents)")
    left = result.get("leftovers")
    if left:
        click.echo(f"leftovers ({', '.join(left['reasons'])}): P {left['p']:.4f} "
                   f"R {left['r']:.4f} F1 {left['f1']:.4f} ({left['n_docs']} documents)")
    for key in ("missing", "unmatched", "skipped"):
        if result.get(key):
            click.echo(f"{key}: {', '.join(result[key])}")


def _jsonable(obj):
    as_dict = getattr(obj, "as_dict", None)
    return as_dict() if as_dict else str(obj)


@cli.command("corpus")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Corpus file, appended page by page (resumable).")
@click.option("--leftovers", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Leftovers and unreadable pages, one row each.")
@click.option("--glob", "pattern", default="*", show_default=True,
              help="File name pattern when walking directories.")
@click.option("--format", "fmt", type=click.Choice(["tsv", "jsonl"]), default="tsv",
              show_default=True)
@click.option("--plain", is_flag=True, help="Write only vi<TAB>en, no header (Moses/fairseq).")
@click.option("--min-score", type=float, default=None)
@click.option("--dedupe/--no-dedupe", default=True, show_default=True,
              help="Drop pairs already written for another page.")
@click.option("--learn-chrome/--no-learn-chrome", default=True, show_default=True,
              help="Treat short lines recurring on many pages of a site as boilerplate.")
@click.option("--batch-pages", type=click.IntRange(1, 10000), default=128, show_default=True,
              help="Pages embedded together: larger batches sort more texts by length "
                   "(128 embeds 10 % faster than 32).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes in all: from 2 on, helpers read and split the next pages while "
                   "this one embeds (2 measured 7 % faster than 1 on 2 cores; see README).")
@click.option("--restart", is_flag=True, help="Ignore an earlier run's journal; start over.")
@click.option("--strict", is_flag=True, help="Exit non-zero if any page was unreadable.")
@click.option("-q", "--quiet", is_flag=True)
@_page_options
@_model_options
@_friendly
def corpus_cmd(inputs, output, leftovers, pattern, fmt, plain, min_score, dedupe, learn_chrome,
               batch_pages, workers, restart, strict, quiet, html, max_page_mb, model, device,
               batch_size, allow_download) -> None:
    """Build one parallel corpus from many pages (files, directories, @lists, .gz/.zst)."""
    from align.aligners.mixed import PageAligner
    from align.corpus.run import CorpusOptions, CorpusRun

    opts = CorpusOptions(output=output, leftovers=leftovers, fmt="plain" if plain else fmt,
                         min_score=min_score, dedupe=dedupe, learn_chrome=learn_chrome,
                         batch_pages=batch_pages, restart=restart, model=model or "default",
                         html=html, max_page_mb=max_page_mb, workers=workers)
    aligner = PageAligner(_encoder(model, device, batch_size, allow_download),
                          min_score=min_score)
    progress = None if quiet else _progress()
    stats = CorpusRun(aligner, opts, progress).run(list(inputs), pattern)
    if progress is not None:
        progress.close()
    if not quiet:
        click.echo(f"align corpus: {stats.summary()}", err=True)
        for name, message in stats.error_pages[:20]:
            click.echo(f"  unreadable: {name}: {message}", err=True)
    if strict and stats.errors:
        sys.exit(1)


class _progress:
    """tqdm on a terminal; a plain log line every 10 s otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar = None
        self.last = 0.0
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(unit="page", dynamic_ncols=True, file=sys.stderr)

    def __call__(self, stats) -> None:
        import time

        if self.bar is not None:
            self.bar.update(stats.pages - self.bar.n)
            self.bar.set_postfix(pairs=stats.pairs, refresh=False)
            return
        now = time.monotonic()
        if now - self.last >= 10:
            self.last = now
            rate = stats.pages / stats.seconds if stats.seconds else 0.0
            click.echo(f"align corpus: {stats.pages} pages, {stats.pairs} pairs, "
                       f"{rate:.2f} pages/s", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def main() -> None:
    """Entry point: no traceback reaches the user unless ALIGN_DEBUG is set.

    Click runs in non-standalone mode so that Ctrl-C reaches us (standalone click prints
    "Aborted!" and exits 1): an interrupted run says so and exits 130, as shells expect.
    """
    try:
        code = cli.main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("align: interrupted", err=True)
        sys.exit(130)
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
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
