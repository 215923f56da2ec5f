"""Deep generative models (the SEDG paper, Section 3.5) as a method."""

from __future__ import annotations

from evaluation.methods._registry import register_method
from sedg.defaults import N_SYNTHETIC
from sedg.dgm import ADVERSARIAL_MODELS, DISCRIMINATOR_TARGETS, GUARDS, INPUTS, MODELS

__all__: list[str] = []

#: Widths of hidden layers: one list for every method that searches ``hidden_size`` (Optuna
#: refuses two sets of choices for one parameter name in a study).
HIDDEN_SIZES = [32, 64, 128]


def _build(params: dict, random_state: int):
    from sedg import DGMSampler

    return DGMSampler(random_state=random_state, **params)


def _space(trial, options: dict) -> dict:
    model = trial.suggest_categorical("model", list(MODELS))
    trial.suggest_int("latent_dim", 4, 16)
    trial.suggest_categorical("hidden_size", HIDDEN_SIZES)
    trial.suggest_int("n_layers", 1, 3)
    trial.suggest_int("epochs", 10, 100)  # a cap: the guard usually stops training earlier
    trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
    if model in ADVERSARIAL_MODELS:
        trial.suggest_float("alpha", 0.05, 0.5)
        trial.suggest_categorical("discriminator_target", list(DISCRIMINATOR_TARGETS))
    trial.suggest_categorical("input", list(INPUTS))
    trial.suggest_categorical("guard", list(GUARDS))
    trial.suggest_float("noise_scale", 0.1, 1.5)
    return {"n_synthetic": options.get("n_synthetic", N_SYNTHETIC)}


register_method("dgm", build=_build, space=_space, uses_torch=True)
