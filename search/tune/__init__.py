"""The Ray Tune machinery of a search: the runner (``run``, ``resume``, ``extend``), the Tuner's
parts (trainable, searcher, racing scheduler, time budget, callbacks), Ctrl-C and SIGTERM while
Ray runs, and ``--profile``. Names are imported on first use: Ray only when a search runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from search.tune.runner import extend, resume, run

__all__ = ["extend", "resume", "run"]

__getattr__, __dir__ = lazy_attributes(__name__, {name: "search.tune.runner" for name in __all__})
