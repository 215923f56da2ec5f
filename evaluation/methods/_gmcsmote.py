"""GMCSMOTE (the GMCSMOTE paper) as a method."""

from __future__ import annotations

from evaluation.methods._registry import register_method
from sedg import GMCSMOTE
from sedg.gmcsmote import DISTANCES

__all__: list[str] = []


def _build(params: dict, random_state: int) -> GMCSMOTE:
    # It copes with small classes and discrete codes itself: no SafeResampler.
    return GMCSMOTE(random_state=random_state, **params)


def _space(trial, options: dict) -> None:
    trial.suggest_float("cap", 1.5, 4.0)
    trial.suggest_int("min_samples", 2, 8)
    trial.suggest_int("k_neighbors", 1, 7)
    trial.suggest_categorical("distance", list(DISTANCES))


register_method("gmcsmote", build=_build, space=_space)
