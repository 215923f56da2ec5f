"""The search dimensions of ``method=sedg`` (the SEDG paper, Sections 3.1-3.4).

Impossible combinations are never offered: mean-decrease-in-impurity
importances only for tree-based classifiers, warm start only for classifiers
that keep their weights (NNModel). An NNModel embedding is always possible:
for another classifier a separate NNModel is trained for it.
"""

from __future__ import annotations

from evaluation.classifiers import CLASSIFIERS
from search.space import register_space

__all__: list[str] = []


def _capability(classifier: str | None, name: str) -> bool:
    # None: the store's columns are being listed, so every branch is offered.
    return classifier is None or getattr(CLASSIFIERS[classifier], name)


@register_space("sedg")
def sedg_space(trial, options: dict) -> dict:
    classifier = options.get("classifier")
    selection = trial.suggest_categorical("sample_selection", ["rss", "pass", "pess", "ppss"])
    if selection == "pass":
        trial.suggest_categorical(
            "member_probability", ["proportional", "inverse", "uniform", "largest", "smallest"]
        )
    if selection in ("pass", "ppss"):
        trial.suggest_categorical("member_replacement", [True, False])
        trial.suggest_int("samples_per_draw", 1, 20)
    features = trial.suggest_categorical("feature_selection", ["random", "imbalance", "importance"])
    if features == "importance":
        if _capability(classifier, "tree_based"):
            trial.suggest_categorical("feature_importance", ["mdi", "permutation", "drop_column"])
        if classifier is None or not CLASSIFIERS[classifier].tree_based:
            trial.suggest_categorical("feature_importance_model_agnostic", ["permutation", "drop_column"])
    trial.suggest_int("n_features", 1, 8)
    modification = trial.suggest_categorical(
        "feature_modification",
        ["random", "pca_nn", "pca_cosine", "embedding_nn", "embedding_cosine"],
    )
    if modification.startswith("embedding"):
        embedding = trial.suggest_categorical("embedding", ["nnmodel", "ae", "vae"])
        if embedding != "nnmodel":
            trial.suggest_int("latent_dim", 4, 16)
        if trial.suggest_categorical("embedding_pca", [True, False]):
            trial.suggest_int("pca_components", 2, 10)
    elif modification.startswith("pca"):
        trial.suggest_int("pca_components", 2, 10)
    if modification != "random":
        trial.suggest_categorical("carry_replacements", [True, False])
    if _capability(classifier, "warm_start"):
        trial.suggest_categorical("usage_start", ["cold", "warm"])
    if trial.suggest_int("iterations", 1, 3) > 1:
        mode = trial.suggest_categorical("iteration_mode", ["append", "replace", "replace_fraction"])
        if mode == "replace_fraction":
            trial.suggest_float("replace_fraction", 0.1, 0.9)
    return {"n_synthetic": options.get("n_synthetic", 200)}
