"""User-facing errors: one clear line, non-zero exit, never a traceback."""

from __future__ import annotations


class AlignError(Exception):
    """An error caused by the user's input or environment, shown as one line by the CLI."""

    exit_code = 2


class InputError(AlignError):
    """A page or file cannot be read as text (binary, unknown encoding, missing)."""


class ModelError(AlignError):
    """A model cannot be found, built or loaded."""

    exit_code = 3
