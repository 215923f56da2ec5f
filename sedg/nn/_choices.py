"""NNModel's choice lists that the search space needs, in a module that imports no torch."""

from __future__ import annotations

__all__ = ["EMBEDDING_LAYERS"]

#: Where :meth:`NNModel.embed` reads rows: the input embedding phi, or the last LRND block.
EMBEDDING_LAYERS = ("input", "hidden")
