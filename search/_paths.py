"""Where experiments live unless told otherwise (CLI and Python alike); import-free on purpose."""

from __future__ import annotations

__all__ = ["DEFAULT_STORAGE_PATH"]

DEFAULT_STORAGE_PATH = "./sedg-results"
