"""Today's tabular generators as methods: CTGAN and TVAE (the ``ctgan`` package, extra
``ctgan``) and ForestDiffusion (extra ``forest``)."""

from __future__ import annotations

from evaluation.methods._dgm import HIDDEN_SIZES
from evaluation.methods._registry import register_method
from sedg.defaults import N_SYNTHETIC

__all__: list[str] = []


def _build_ctgan(model: str):
    def build(params: dict, random_state: int):
        from sedg.ctgan import CTGANSampler

        return CTGANSampler(model=model, random_state=random_state, **params)

    return build


def _space_ctgan(trial, options: dict) -> dict:
    trial.suggest_int("epochs", 50, 300)  # a cap: max_steps cuts it on larger tables
    trial.suggest_categorical("embedding_dim", [64, 128])
    trial.suggest_categorical("hidden_size", HIDDEN_SIZES)
    trial.suggest_categorical("batch_size", [100, 200, 500])
    trial.suggest_float("learning_rate", 1e-4, 1e-3, log=True)
    return {"n_synthetic": options.get("n_synthetic", N_SYNTHETIC)}


def _space_tvae(trial, options: dict) -> dict:
    trial.suggest_int("epochs", 50, 300)
    trial.suggest_categorical("embedding_dim", [64, 128])
    trial.suggest_categorical("hidden_size", HIDDEN_SIZES)
    trial.suggest_categorical("batch_size", [100, 200, 500])
    return {"n_synthetic": options.get("n_synthetic", N_SYNTHETIC)}


def _build_forest(params: dict, random_state: int):
    from sedg.forest_diffusion import ForestDiffusionSampler

    return ForestDiffusionSampler(random_state=random_state, **params)


def _space_forest(trial, options: dict) -> dict:
    trial.suggest_categorical("diffusion_type", ["flow", "vp"])
    # Trees per model: n_t x n_estimators x columns (one-hot nominal columns counted); these
    # bounds keep a model under about 40 s on the student table here.
    trial.suggest_int("n_t", 5, 15)
    trial.suggest_int("n_estimators", 10, 30)
    trial.suggest_int("max_depth", 3, 5)
    trial.suggest_float("learning_rate", 0.05, 0.5, log=True)  # log, as every method's learning rate
    return {"n_synthetic": options.get("n_synthetic", N_SYNTHETIC)}


register_method("ctgan", build=_build_ctgan("ctgan"), space=_space_ctgan, uses_torch=True,
                extra=("ctgan", "ctgan"))
register_method("tvae", build=_build_ctgan("tvae"), space=_space_tvae, uses_torch=True,
                extra=("ctgan", "ctgan"))
register_method("forest_diffusion", build=_build_forest, space=_space_forest,
                extra=("ForestDiffusion", "forest"))
