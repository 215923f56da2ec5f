"""SEDG (the SEDG paper, Sections 3.1-3.4) as a method.

Impossible combinations are never offered: mean-decrease-in-impurity
importances only for tree-based classifiers, warm start only for classifiers
that keep their weights (NNModel). An NNModel embedding is always possible:
for another classifier a separate NNModel is trained for it.
"""

from __future__ import annotations

from evaluation.classifiers import CLASSIFIERS
from evaluation.methods._registry import register_method
from sedg.defaults import N_SYNTHETIC
from sedg.nn import EMBEDDING_LAYERS
from sedg.synthesis import (
    DIAGNOSTICS,
    EMBEDDINGS,
    FEATURE_COMPARISONS,
    FEATURE_IMPORTANCES,
    FEATURE_MODIFICATIONS,
    FEATURE_SELECTIONS,
    ITERATION_MODES,
    MEMBER_PROBABILITIES,
    MODEL_AGNOSTIC_IMPORTANCES,
    SAMPLE_SELECTIONS,
    USAGE_STARTS,
)

__all__: list[str] = []

#: Suggested under its own name because its choices depend on the classifier (Optuna needs
#: one distribution per name); the sampler takes it as ``feature_importance``.
MODEL_AGNOSTIC = "feature_importance_model_agnostic"


def _build(params: dict, random_state: int):
    from sedg import SEDGSampler

    params = dict(params)
    if MODEL_AGNOSTIC in params:
        params["feature_importance"] = params.pop(MODEL_AGNOSTIC)
    return SEDGSampler(random_state=random_state, **params)


def _capable(classifier: str | None, capability: str) -> bool:
    # None: the store's columns are being listed, so every branch is offered.
    return classifier is None or getattr(CLASSIFIERS[classifier], capability)


def _space(trial, options: dict) -> dict:
    classifier = options.get("classifier")
    selection = trial.suggest_categorical("sample_selection", list(SAMPLE_SELECTIONS))
    if selection == "pass":
        trial.suggest_categorical("member_probability", list(MEMBER_PROBABILITIES))
    if selection in ("pess", "ppss"):
        trial.suggest_categorical("diagnostics", list(DIAGNOSTICS))
    if selection in ("pass", "ppss"):
        trial.suggest_categorical("member_replacement", [True, False])
        # m rows per draw: uniform between the two (the larger wins when they cross).
        trial.suggest_int("samples_per_draw", 1, 20)
        trial.suggest_int("samples_per_draw_max", 1, 30)
    if trial.suggest_categorical("feature_selection", list(FEATURE_SELECTIONS)) == "importance":
        if _capable(classifier, "tree_based"):
            trial.suggest_categorical("feature_importance", list(FEATURE_IMPORTANCES))
        if classifier is None or not CLASSIFIERS[classifier].tree_based:
            trial.suggest_categorical(MODEL_AGNOSTIC, list(MODEL_AGNOSTIC_IMPORTANCES))
    # Features changed per row: uniform between the two (the larger wins when they cross).
    trial.suggest_int("n_features", 1, 8)
    trial.suggest_int("n_features_max", 1, 12)
    modification = trial.suggest_categorical("feature_modification", list(FEATURE_MODIFICATIONS))
    if modification.startswith("embedding"):
        embedding = trial.suggest_categorical("embedding", list(EMBEDDINGS))
        if embedding != "nnmodel":
            trial.suggest_int("latent_dim", 4, 16)
        if embedding == "vae":
            trial.suggest_float("kl_weight", 0.01, 1.0, log=True)
        pca = trial.suggest_categorical("embedding_pca", [True, False])
        if pca:
            trial.suggest_int("pca_components", 2, 10)
        if embedding == "nnmodel":
            layer = trial.suggest_categorical("embedding_layer", list(EMBEDDING_LAYERS))
            if layer == "input" and not pca:
                trial.suggest_categorical("feature_comparison", list(FEATURE_COMPARISONS))
    elif modification.startswith("pca"):
        trial.suggest_int("pca_components", 2, 10)
    if modification != "random":
        trial.suggest_categorical("carry_replacements", [True, False])
    trial.suggest_int("grid_steps", 5, 40)  # the continuous candidates' grid
    trial.suggest_int("max_candidates", 5, 40)
    if _capable(classifier, "warm_start"):
        trial.suggest_categorical("usage_start", list(USAGE_STARTS))
    if trial.suggest_int("iterations", 1, 3) > 1:
        if trial.suggest_categorical("iteration_mode", list(ITERATION_MODES)) == "replace_fraction":
            trial.suggest_float("replace_fraction", 0.1, 0.9)
    return {"n_synthetic": options.get("n_synthetic", N_SYNTHETIC)}


register_method("sedg", build=_build, space=_space)
