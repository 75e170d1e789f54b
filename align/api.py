"""The typed Python API that the CLI wraps: load a model once, align pages."""

from __future__ import annotations

from pathlib import Path

from align.aligners.mixed import PageAligner
from align.aligners.sequence import AlignParams
from align.embed.embedder import Embedder
from align.io.reader import read_page
from align.records import PageAlignment, Reason
from align.signature import RunSignature
from align.text.page import draft_page


def load_encoder(
    model: str | None = None,
    device: str = "auto",
    batch_size: int = 32,
    allow_download: bool = False,
) -> Embedder:
    """The sentence-transformers encoder (default: the embedded multilingual-e5-small)."""
    from align.embed.encoder import Encoder

    return Encoder.load(model, device=device, batch_size=batch_size, allow_download=allow_download)


class LazyEncoder:
    """Loads the model on first use, so pages with nothing to embed never pay for it."""

    def __init__(self, on_batch=None, **kwargs) -> None:
        self.kwargs = kwargs
        #: handed to the encoder once loaded: ``on_batch(done, total)`` per encoder batch
        self.on_batch = on_batch
        self._encoder: Embedder | None = None

    @property
    def loaded(self) -> Embedder:
        if self._encoder is None:
            self._encoder = load_encoder(**self.kwargs)
            if self.on_batch is not None:
                self._encoder.on_batch = self.on_batch
        return self._encoder

    @property
    def weights_sha256(self) -> str | None:
        return getattr(self.loaded, "weights_sha256", None)

    def encode(self, texts: list[str]):
        return self.loaded.encode(texts)

    def token_counts(self, texts: list[str]):
        return self.loaded.token_counts(texts)


def align_page(
    text: str,
    encoder: Embedder | None = None,
    page: str = "-",
    min_score: float | None = None,
    params: AlignParams | None = None,
) -> PageAlignment:
    """Align one mixed vi/en page given as text: pairs plus leftovers with reasons.

    Loading the model is the slow part: for many pages, build one ``PageAligner`` (or pass
    the same ``encoder``) instead of calling this with ``encoder=None`` each time.
    """
    aligner = PageAligner(encoder or load_encoder(), params, min_score)
    return aligner.align_drafts([draft_page(text, page)])[0]


def pair_probabilities(
    vi: list[str],
    en: list[str],
    beads: list[tuple[tuple[int, ...], tuple[int, ...]]],
    encoder: Embedder | None = None,
) -> list[float]:
    """Probability that each bead is a translation, by the pair scorer of ``align mixed``.

    ``vi``/``en`` are sentences in document order, ``beads`` pairs of sentence-number tuples
    (e.g. ``align parallel``'s beads with both sides non-empty). Use it to filter another
    aligner's output with the same calibrated score ``align mixed`` writes.
    """
    aligner = PageAligner(encoder or load_encoder())
    return [round(float(p), 4) for p in aligner.score_beads(vi, en, beads)]


def align_files(
    paths: list[Path | str], aligner: PageAligner
) -> list[PageAlignment]:
    """Read and align several page files in shared embedding batches."""
    return aligner.align_drafts([draft_page(read_page(p), str(p), normalized=True) for p in paths])


def run_signature(command: str, model: str | None, settings: dict[str, object]) -> RunSignature:
    """The signature of a run: package version, model name and weights sha256, and the
    output-changing ``settings`` (found without loading the model)."""
    from align.embed.identity import model_identity

    ident = model_identity(model)
    return RunSignature(command, ident.name, ident.sha256, settings)


def damage_warning(result: PageAlignment) -> str | None:
    """A warning when a page held U+FFFD replacement characters (a lossy decode upstream):
    those blocks are set aside as ``damaged`` rather than paired."""
    n = sum(1 for left in result.leftovers if left.reason == Reason.DAMAGED)
    if not n:
        return None
    return (f"{result.page}: {n} block{'s hold' if n > 1 else ' holds'} U+FFFD replacement "
            "characters (lost in decoding); set aside as damaged")
