"""Vectors of fixed texts kept on disk per model, so every run does not embed them again.

The background pool (``align/data``) is embedded by every command that aligns: about a fifth
of a one-page run. Its vectors depend only on the model's weights and the texts, so they are
stored under the user cache, keyed by both; a file is written atomically and a damaged one is
simply recomputed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from align.embed.embedder import Embedder, embed_unique


def _store_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("align")) / "vectors"


def stored_vectors(embedder: Embedder, texts: list[str],
                   folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``embed_unique(embedder, texts)``, read from disk when this model embedded these texts
    before. Embedders without a ``weights_sha256`` (test stand-ins) are never stored."""
    model = getattr(embedder, "weights_sha256", None)
    if not model or not texts:
        return embed_unique(embedder, texts)
    key = hashlib.sha256("\n".join([model, *texts]).encode()).hexdigest()[:24]
    path = (folder or _store_dir()) / f"{key}.npz"
    with contextlib.suppress(Exception):  # missing or damaged: recompute
        with np.load(path) as data:
            vecs, counts = data["vecs"], data["counts"]
        if vecs.shape[0] == len(texts) == counts.shape[0]:
            return vecs.astype(np.float32), counts.astype(np.float32)
    vecs, counts = embed_unique(embedder, texts)
    with contextlib.suppress(OSError):  # a read-only cache only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".vec.", suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, vecs=vecs, counts=counts)
        os.replace(tmp, path)
    return vecs, counts
