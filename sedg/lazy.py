"""Package attributes imported on first use, so ``sedg-search --help`` never loads torch or Ray."""

from __future__ import annotations

import importlib
from collections.abc import Callable

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, where: dict[str, str]) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for ``package``: ``where`` maps a public name to its module.

    Examples
    --------
    >>> getattr_, _ = lazy_attributes("demo", {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0)
    3.0
    """

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(where[name]), name)

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__
