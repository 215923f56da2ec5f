"""Class reweighting: the rival a practitioner tries first. No row is made or removed; the
classifier weighs every class equally (scikit-learn's ``class_weight="balanced"`` as a weight per
row, :func:`evaluation._weights.balanced_weights`), so "does resampling beat reweighting?" has an
answer in every search."""

from __future__ import annotations

from evaluation.methods._registry import register_method
from sedg import SedgInputError

__all__ = ["CLASS_WEIGHT"]

#: The method's name, a row like any other in the store, ``best --by method`` and reports.
CLASS_WEIGHT = "class_weight"


def _build(params: dict, random_state: int) -> None:
    if params:
        raise SedgInputError(f"{CLASS_WEIGHT} takes no parameters, got {sorted(params)}")
    return None


def _space(trial, options: dict) -> None:
    return None


register_method(CLASS_WEIGHT, build=_build, space=_space, reweights=True)
