"""The classifier registry: every classifier of the papers, by name.

``make_classifier(name, data)`` returns an unfitted scikit-learn estimator
that takes the encoded matrix of :class:`~sedg.datasets.TabularData` and
answers ``predict_proba`` over the data's whole label set (see
:class:`LabelSetClassifier`). Linear and kernel models get nominal features
one-hot encoded and the rest standardised, fitted on the training rows only.

scikit-learn is imported when a classifier is built, not with the registry: the commands that
read an experiment need its names only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sedg import SedgInputError
from sedg.lazy import lazy_attributes
from sedg.threads import resolve_n_jobs

if TYPE_CHECKING:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC

    from evaluation._forest import ReproducibleForest
    from evaluation._wrappers import LabelSetClassifier
    from sedg.datasets import TabularData

__all__ = ["CLASSIFIERS", "FOREST_ROWS", "ClassifierSpec", "ReproducibleForest", "make_classifier"]

#: Past this many rows in the table, each tree of the random forest draws its bootstrap
#: from a fraction ``FOREST_ROWS / rows`` of the rows it is fitted on (``max_samples``),
#: so a tree sees about as many rows at 10^6 as at 10^5: fitting stops growing with the
#: table and a forest of 200 such trees loses little.
FOREST_ROWS = 50_000


@dataclass(frozen=True)
class ClassifierSpec:
    """What the search needs to know about a classifier besides how to build it.

    ``tree_based``: offers mean-decrease-in-impurity importances;
    ``warm_start``: keeps its weights when refitted on augmented data (NNModel; a
    forest would only add trees, XGBoost restarts);
    ``uses_torch``: benefits from a GPU;
    ``on_label_scale``: regresses on the label values, so it is given the
    labels themselves rather than class codes (BLRR);
    ``embeds``: fitted on NNModel's embedding of the rows (the SEDG paper's
    Table 1), the network trained once per training split by the protocol;
    ``space``: the classifier's own hyper-parameters, ``space(trial, prefix)``
    suggesting each as ``prefix + name`` (``--tune-classifier``).

    Classifiers that can use several threads (the forest, XGBoost) get ``n_jobs``
    from the CPUs the building process may use (:func:`sedg.threads.resolve_n_jobs`:
    within :func:`evaluation.evaluate` or a search trial, its share).
    """

    build: Callable[[TabularData, int, dict], object]
    tree_based: bool = False
    warm_start: bool = False
    uses_torch: bool = False
    on_label_scale: bool = False
    embeds: bool = False
    space: Callable[[object, str], None] | None = None


def _preprocessor(data: TabularData) -> ColumnTransformer:
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    nominal = [i for i, kind in enumerate(data.feature_kinds) if kind == "nominal"]
    others = [i for i, kind in enumerate(data.feature_kinds) if kind != "nominal"]
    categories = [np.arange(data.cardinalities[i], dtype=float) for i in nominal]
    return ColumnTransformer(
        [
            ("nominal", OneHotEncoder(categories=categories, handle_unknown="ignore"), nominal),
            ("scaled", StandardScaler(), others),
        ],
        sparse_threshold=0.0,
    )


def _scaled(data: TabularData, model) -> Pipeline:
    from sklearn.pipeline import Pipeline

    return Pipeline([("prepare", _preprocessor(data)), ("model", model)])


def _svc(seed: int, params: dict) -> SVC:
    from sklearn.svm import SVC

    return SVC(**{"C": 1.0, "kernel": "rbf", "random_state": seed, **params})


def _one_vs_rest_svc(seed: int, params: dict):
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(_svc(seed, params))


def _svm_ovr(data: TabularData, seed: int, params: dict):
    return _scaled(data, _one_vs_rest_svc(seed, params))


def _svm_ovo(data: TabularData, seed: int, params: dict):
    return _scaled(data, _svc(seed, params))


def _random_forest(data: TabularData | None, seed: int, params: dict):
    from evaluation._forest import ReproducibleForest

    rows = 0 if data is None else len(data.y)
    defaults = {"n_estimators": 200, "n_jobs": resolve_n_jobs(), "random_state": seed,
                "max_samples": FOREST_ROWS / rows if rows > FOREST_ROWS else None}
    return ReproducibleForest(**{**defaults, **params})


def _xgboost(data: TabularData, seed: int, params: dict):
    from xgboost import XGBClassifier  # here, not at import: the driver needs only the names

    defaults = {
        "n_estimators": 200,
        "max_depth": 4,
        "learning_rate": 0.1,
        "tree_method": "hist",
        "n_jobs": resolve_n_jobs(),
        "random_state": seed,
        "verbosity": 0,
    }
    return XGBClassifier(**{**defaults, **params})


def _on_embedding(model: Callable[[int, dict], object]) -> Callable[[TabularData, int, dict], object]:
    """A builder of ``model`` fitted on NNModel's input embedding (scaled: it is unbounded)."""

    def build(data: TabularData, seed: int, params: dict):
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        from evaluation._embedding import EmbeddingClassifier

        downstream = Pipeline([("scale", StandardScaler()), ("model", model(seed, params))])
        return EmbeddingClassifier(downstream, _nnmodel(data, seed, {}))

    return build


def _blrr(data: TabularData, seed: int, params: dict):
    from evaluation._wrappers import BLRRClassifier

    return _scaled(data, BLRRClassifier(**params))


def _nnmodel(data: TabularData, seed: int, params: dict):
    from sedg import NNModel  # torch: only where an NNModel is built

    indices = data.discrete_indices
    defaults = {
        "discrete_features": indices,
        "cardinalities": [data.cardinalities[i] for i in indices],
        "random_state": seed,
    }
    return NNModel(**{**defaults, **params})


def _svm_space(trial, prefix: str) -> None:
    trial.suggest_float(f"{prefix}C", 1e-2, 1e2, log=True)
    trial.suggest_float(f"{prefix}gamma", 1e-4, 1.0, log=True)


def _forest_space(trial, prefix: str) -> None:
    trial.suggest_int(f"{prefix}n_estimators", 50, 400)
    trial.suggest_int(f"{prefix}max_depth", 2, 32)
    trial.suggest_int(f"{prefix}min_samples_leaf", 1, 10)
    trial.suggest_float(f"{prefix}max_features", 0.1, 1.0)
    trial.suggest_float(f"{prefix}max_samples", 0.1, 1.0)  # each tree's share of the rows


def _xgboost_space(trial, prefix: str) -> None:
    trial.suggest_int(f"{prefix}n_estimators", 50, 400)
    trial.suggest_int(f"{prefix}max_depth", 2, 8)
    trial.suggest_float(f"{prefix}learning_rate", 0.01, 0.3, log=True)
    trial.suggest_float(f"{prefix}subsample", 0.5, 1.0)
    trial.suggest_float(f"{prefix}colsample_bytree", 0.5, 1.0)


def _blrr_space(trial, prefix: str) -> None:
    for prior in ("alpha_1", "alpha_2", "lambda_1", "lambda_2"):
        trial.suggest_float(f"{prefix}{prior}", 1e-7, 1e-3, log=True)


def _nnmodel_space(trial, prefix: str) -> None:
    trial.suggest_int(f"{prefix}n_blocks", 1, 4)
    trial.suggest_categorical(f"{prefix}hidden_size", [32, 64, 128, 256])
    trial.suggest_int(f"{prefix}embedding_dim", 2, 16)
    trial.suggest_float(f"{prefix}dropout", 0.0, 0.5)
    trial.suggest_float(f"{prefix}learning_rate", 1e-4, 3e-2, log=True)
    trial.suggest_int(f"{prefix}max_epochs", 20, 200)  # a cap: early stopping ends most runs


CLASSIFIERS: dict[str, ClassifierSpec] = {
    "svm_ovr": ClassifierSpec(_svm_ovr, space=_svm_space),
    "svm_ovo": ClassifierSpec(_svm_ovo, space=_svm_space),
    "random_forest": ClassifierSpec(_random_forest, tree_based=True, space=_forest_space),
    "xgboost": ClassifierSpec(_xgboost, tree_based=True, space=_xgboost_space),
    "blrr": ClassifierSpec(_blrr, on_label_scale=True, space=_blrr_space),
    "nnmodel": ClassifierSpec(_nnmodel, warm_start=True, uses_torch=True, space=_nnmodel_space),
}
#: Table 1 of the SEDG paper: each traditional classifier on NNModel's trained embedding
#: (its own parameters are the downstream model's; the network keeps NNModel's defaults).
CLASSIFIERS.update({
    f"nnmodel_embedding_{name}": ClassifierSpec(
        _on_embedding(model), embeds=True, uses_torch=True, space=CLASSIFIERS[name].space)
    for name, model in {
        "svm_ovr": _one_vs_rest_svc,
        "svm_ovo": _svc,
        "random_forest": lambda seed, params: _random_forest(None, seed, params),
        "xgboost": lambda seed, params: _xgboost(None, seed, params),
    }.items()
})


def make_classifier(
    name: str, data: TabularData, *, random_state: int = 0, params: dict | None = None
) -> LabelSetClassifier:
    """Build classifier ``name`` for ``data``'s columns and label set.

    Parameters
    ----------
    name : str
        One of ``CLASSIFIERS``.
    data : TabularData
        Supplies feature kinds, cardinalities and the label set.
    random_state : int, default=0
    params : dict, optional
        Overrides of the classifier's own parameters (e.g. ``{"C": 10}``).

    Raises
    ------
    SedgInputError
        Unknown name, or a parameter the classifier does not take.

    Examples
    --------
    >>> from sedg.datasets import make_grades
    >>> from evaluation.classifiers import make_classifier
    >>> model = make_classifier("blrr", make_grades(n_samples=100))
    >>> type(model).__name__
    'LabelSetClassifier'
    """
    if name not in CLASSIFIERS:
        raise SedgInputError(
            f"unknown classifier {name!r}; choose one of {', '.join(CLASSIFIERS)}"
        )
    from evaluation._wrappers import LabelSetClassifier

    spec = CLASSIFIERS[name]
    try:
        estimator = spec.build(data, random_state, dict(params or {}))
    except TypeError as error:
        raise SedgInputError(f"invalid parameter for classifier {name!r}: {error}") from None
    return LabelSetClassifier(estimator, data.labels, encode_labels=not spec.on_label_scale)


#: The forest is defined where scikit-learn is imported; its name stays importable here (models
#: exported before it moved are pickled under this module's name).
# (Only ``__getattr__``: ``dir()`` keeps listing the module's own names.)
__getattr__, _ = lazy_attributes(__name__, {"ReproducibleForest": "evaluation._forest"})
