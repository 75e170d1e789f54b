"""The ``align`` command line: a thin layer over the Python API."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from functools import wraps
from pathlib import Path

import click

from .errors import AlignError
from .files import atomic_output
from .writers import LEFTOVER_COLUMNS, PAIR_COLUMNS, RowWriter, leftover_rows, pair_rows


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


def _encoder(model, device, batch_size, allow_download):
    from .api import load_encoder

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
        from .selfcheck import self_check

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
@click.option("--batch-pages", type=click.IntRange(1, 10000), default=16, show_default=True,
              help="Pages embedded together in shared batches.")
@click.option("-q", "--quiet", is_flag=True, help="No per-page summary on standard error.")
@_model_options
@_friendly
def mixed_cmd(pages, out_dir, output, leftovers, min_score, fmt, batch_pages, quiet,
              model, device, batch_size, allow_download) -> None:
    """Align mixed vi/en PAGEs into sentence pairs and flagged leftovers (- = stdin)."""
    from .mixed import PageAligner, draft_page
    from .reader import read_page

    if out_dir is not None and (output or leftovers):
        raise click.UsageError("--out-dir writes its own files; drop -o/--leftovers")
    if pages.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    drafts_ok = []
    failures = 0
    for path in pages:  # read everything first: a bad page fails fast, before model loading
        try:
            drafts_ok.append(draft_page(read_page(path), path))
        except AlignError as exc:
            click.echo(f"align: error: {exc}", err=True)
            failures += 1
    if not drafts_ok:
        sys.exit(2)
    aligner = PageAligner(_encoder(model, device, batch_size, allow_download),
                          min_score=min_score)
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


def main() -> None:
    """Entry point: no traceback reaches the user unless ALIGN_DEBUG is set."""
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("align: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(141)
    except Exception as exc:  # last resort: one line, not a traceback
        if os.environ.get("ALIGN_DEBUG"):
            raise
        click.echo(f"align: internal error: {type(exc).__name__}: {exc} "
                   "(set ALIGN_DEBUG=1 for details)", err=True)
        sys.exit(70)


if __name__ == "__main__":
    main()
