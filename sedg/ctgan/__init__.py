"""CTGAN and TVAE, the ``ctgan`` package's synthesizers, as a sampler (optional extra ``ctgan``).

Names are imported on first use: the model names without the package, for the search space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.ctgan._sampler import CTGAN_MODELS, CTGANSampler

__all__ = ["CTGAN_MODELS", "CTGANSampler"]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "CTGAN_MODELS": "sedg.ctgan._sampler",
    "CTGANSampler": "sedg.ctgan._sampler",
})
