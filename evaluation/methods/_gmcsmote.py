"""GMCSMOTE (the GMCSMOTE paper) and its uniform-SMOTE baseline as methods.

Both are :class:`~sedg.GMCSMOTE`: the same replication of small classes and
the same SMOTE, only the target shape differs (a bell around the mode, or
every class up to the mode), so the paper's comparison is like for like.
"""

from __future__ import annotations

from evaluation.methods._registry import register_method
from sedg.gmcsmote import DISTANCES

__all__: list[str] = []


def _build(params: dict, random_state: int):
    from sedg import GMCSMOTE

    # It copes with small classes and discrete codes itself: no SafeResampler.
    return GMCSMOTE(random_state=random_state, **params)


def _build_uniform(params: dict, random_state: int):
    from sedg import GMCSMOTE

    return GMCSMOTE(shape="uniform", random_state=random_state, **params)


def _shared_space(trial) -> None:
    trial.suggest_int("min_samples", 2, 8)
    trial.suggest_int("k_neighbors", 1, 7)
    trial.suggest_categorical("standardize", [False, True])


def _space(trial, options: dict) -> None:
    trial.suggest_float("cap", 1.5, 4.0)
    trial.suggest_categorical("distance", list(DISTANCES))
    _shared_space(trial)


def _uniform_space(trial, options: dict) -> None:
    _shared_space(trial)


register_method("gmcsmote", build=_build, space=_space)
register_method("uniform_smote", build=_build_uniform, space=_uniform_space)
