"""The ``sedg-search`` command line (``main``), its tables and how a command ends other than well."""

from __future__ import annotations

from search.cli._main import main

__all__ = ["main"]
