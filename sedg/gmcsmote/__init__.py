"""Gaussian-shaped multiclass SMOTE and the helpers SMOTE-based samplers share."""

from __future__ import annotations

from sedg.gmcsmote._gmcsmote import GMCSMOTE
from sedg.gmcsmote._targets import gaussian_targets
from sedg.gmcsmote.base import replicate_small_classes

__all__ = ["GMCSMOTE", "gaussian_targets", "replicate_small_classes"]
