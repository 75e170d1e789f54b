"""The run signature: what made an output, in the spirit of sacrebleu's metric signatures.

It names the package version, the model and its weights' sha256, and every setting that
changes output (never transient ones such as workers or batch sizes). It is stored in the
corpus journal (a run with another signature does not resume), in Parquet metadata and in
``--stats``; its short form ends the summary line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version


def package_version() -> str:
    """The installed version of ``align`` (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return _dist_version("align")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class RunSignature:
    """Version, model, weights and the output-changing settings of one run."""

    command: str
    model: str
    model_sha256: str
    settings: dict[str, object] = field(default_factory=dict)
    version: str = field(default_factory=package_version)

    def as_dict(self) -> dict[str, object]:
        return {"align": self.version, "command": self.command, "model": self.model,
                "model_sha256": self.model_sha256, "settings": dict(sorted(self.settings.items()))}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True)

    @property
    def short(self) -> str:
        """One line: ``align:0.1.0|mixed|model:NAME@SHA12|key:value|…``."""
        parts = [f"align:{self.version}", self.command,
                 f"model:{self.model}@{self.model_sha256[:12]}"]
        parts += [f"{k}:{_text(v)}" for k, v in sorted(self.settings.items())]
        return "|".join(parts)


def _text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)
