"""Every benchmark and tuning script imports: a renamed module must not break them silently."""

from __future__ import annotations

import importlib

import pytest

from tests.helpers import ROOT

SCRIPTS = sorted(p.stem for p in (ROOT / "scripts").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_imports(name) -> None:
    module = importlib.import_module(f"scripts.{name}")
    assert callable(getattr(module, "main", None)) or name in ("shared_data", "synth_pages",
                                                                "embed_cache", "scorer_data")
