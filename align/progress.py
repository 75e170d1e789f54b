"""Progress on standard error for the CLI: a tqdm bar on a terminal, a log line every 10 s
otherwise (logs, job schedulers).

Work is counted in pages (or documents); while a batch of pages is being embedded, which is
most of the time, the position moves with the encoder's batches, so the bar and its ETA are
real from the first seconds, not once per batch of pages.
"""

from __future__ import annotations

import sys
import time

import click

#: share of a page's time spent embedding it (the rest: aligning and writing it)
EMBED_SHARE = 0.9
LOG_EVERY = 10.0


class Progress:
    """Counts finished items and the embedding progress of the batch in hand."""

    def __init__(self, label: str, total: int | None = None, unit: str = "page") -> None:
        self.label, self.unit = label, unit
        self.total = total
        self.done = 0
        self.batch = 0  # items of the batch being embedded
        self.fraction = 0.0  # how much of that batch's embedding is done
        self.extra = ""
        self.start = time.monotonic()
        self.last_log = self.start
        self.bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, desc=label, dynamic_ncols=True,
                            file=sys.stderr, bar_format=None)

    def set_total(self, total: int) -> None:
        self.total = total
        if self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def begin_batch(self, items: int) -> None:
        """A batch of ``items`` is about to be embedded."""
        self.batch, self.fraction = items, 0.0
        self._show()

    def embedded(self, done: int, total: int) -> None:
        """Encoder callback: ``done`` of ``total`` texts of the current batch are embedded."""
        self.fraction = done / total if total else 1.0
        self._show()

    def finished(self, done: int, extra: str = "") -> None:
        """``done`` items are finished in all (absolute, not an increment)."""
        if done > self.done:
            self.batch = max(0, self.batch - (done - self.done))
            self.fraction = 1.0 if self.batch else 0.0
        self.done, self.extra = done, extra
        self._show()

    @property
    def position(self) -> float:
        return self.done + self.batch * EMBED_SHARE * self.fraction

    def _show(self) -> None:
        if self.bar is not None:
            self.bar.n = round(self.position, 1)
            if self.extra:
                self.bar.set_postfix_str(self.extra, refresh=False)
            self.bar.refresh()
            return
        now = time.monotonic()
        if now - self.last_log < LOG_EVERY:
            return
        self.last_log = now
        elapsed = now - self.start
        pos = self.position
        rate = pos / elapsed if elapsed else 0.0
        of = f"/{self.total}" if self.total else ""
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {_clock((self.total - pos) / rate)}"
        extra = f", {self.extra}" if self.extra else ""
        click.echo(f"{self.label}: {pos:.0f}{of} {self.unit}s{extra}, {rate:.2f} {self.unit}s/s"
                   f"{eta}", err=True)

    def note(self, line: str) -> None:
        """A line on standard error that does not tear the bar."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.n = self.done
            self.bar.refresh()
            self.bar.close()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
