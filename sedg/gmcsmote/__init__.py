"""Gaussian-shaped multiclass SMOTE and the helpers SMOTE-based samplers share.

Names are imported on first use (imbalanced-learn only with the sampler).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.gmcsmote._gmcsmote import GMCSMOTE, SHAPES
    from sedg.gmcsmote._replication import replicate_small_classes
    from sedg.gmcsmote._targets import DISTANCES, gaussian_targets

__all__ = [
    "DISTANCES",
    "GMCSMOTE",
    "SHAPES",
    "gaussian_targets",
    "replicate_small_classes",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "DISTANCES": "sedg.gmcsmote._targets",
    "GMCSMOTE": "sedg.gmcsmote._gmcsmote",
    "SHAPES": "sedg.gmcsmote._gmcsmote",
    "gaussian_targets": "sedg.gmcsmote._targets",
    "replicate_small_classes": "sedg.gmcsmote._replication",
})
