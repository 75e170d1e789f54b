"""Which model a run uses, as a name and the sha256 of its weights, found without loading it.

The run signature (``align.signature``) carries both, so two outputs made with different
weights under the same name can be told apart, and a resumed corpus never mixes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from align.embed.model_build import DEFAULT_ALIASES, DEFAULT_NAME, default_bin_path, file_sha256

#: Weight files hashed for a model folder (the first ones found, in this order of preference).
_WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin", "*.bin", "*.onnx")


@dataclass(frozen=True)
class ModelIdentity:
    """A model's name and the sha256 of its weights (``unknown`` when they are not on disk)."""

    name: str
    sha256: str

    @property
    def short(self) -> str:
        return f"{self.name}@{self.sha256[:12]}"


def folder_sha256(folder: Path) -> str:
    """sha256 over the folder's weight files (name and content digest of each, sorted)."""
    for pattern in _WEIGHT_PATTERNS:
        files = sorted(p for p in folder.rglob(pattern) if p.is_file())
        if files:
            h = hashlib.sha256()
            for p in files:
                h.update(f"{p.relative_to(folder).as_posix()}\0{file_sha256(p)}\n".encode())
            return h.hexdigest()
    return "unknown"


def model_identity(model: str | None) -> ModelIdentity:
    """Identity of ``--model`` (None = the embedded default) without loading it."""
    if model is None or model.strip().lower() in DEFAULT_ALIASES:
        return ModelIdentity(DEFAULT_NAME, file_sha256(default_bin_path()))
    name = model.strip()
    local = Path(name).expanduser()
    if local.is_dir():
        return ModelIdentity(local.resolve().name, folder_sha256(local))
    from align.embed.encoder import cached_hub_folder

    cached = cached_hub_folder(name)
    return ModelIdentity(name, folder_sha256(cached) if cached else "unknown")
