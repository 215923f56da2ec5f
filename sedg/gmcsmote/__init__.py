"""Gaussian-shaped multiclass SMOTE and the helpers SMOTE-based samplers share."""

from __future__ import annotations

from sedg.gmcsmote._gmcsmote import GMCSMOTE, SHAPES
from sedg.gmcsmote._replication import replicate_small_classes
from sedg.gmcsmote._targets import DISTANCES, gaussian_targets

__all__ = ["DISTANCES", "GMCSMOTE", "SHAPES", "gaussian_targets", "replicate_small_classes"]
