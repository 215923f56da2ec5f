"""make_pipeline: the model a configuration becomes is the one evaluate scores."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation import EvaluationConfig, MemoryArtifacts, evaluate, make_pipeline
from evaluation.metrics import compute_metrics
from evaluation.splits import make_splits

CASES = [
    ("blrr", "smote", {}, {}),
    ("blrr", "gmcsmote", {"cap": 3.0}, {}),
    ("blrr", "class_weight", {}, {}),
    ("random_forest", "random_over", {}, {"n_estimators": 30, "max_depth": 6}),  # tuned parameters
    ("blrr", "sedg", {"sample_selection": "ppss", "feature_modification": "pca_cosine"}, {}),
    ("nnmodel", "sedg", {"usage_start": "warm", "feature_modification": "random", "n_synthetic": 40},
     {"device": "cpu", "max_epochs": 5}),
    ("blrr", "dgm", {"model": "vae", "epochs": 3}, {}),
    ("nnmodel_embedding_svm_ovo", "none", {}, {}),
]


@pytest.mark.parametrize(("classifier", "method", "params", "classifier_params"), CASES,
                         ids=[f"{c}-{m}" for c, m, _, _ in CASES])
def test_the_fitted_model_scores_as_evaluate_scored_it(student_por, classifier, method, params,
                                                       classifier_params):
    data = student_por
    (train, test), = make_splits(data.y, "holdout", seed=3)
    config = EvaluationConfig(classifier=classifier, resampler=method, resampler_params=params,
                              classifier_params=classifier_params, seed=11)
    scored = evaluate(data, config, splits=[(train, test)], artifacts=MemoryArtifacts())
    frame = data.to_frame().drop(columns=[data.target])  # the raw table: values, not codes
    model = make_pipeline(config, data).fit(frame.iloc[train], data.y[train])
    mine = compute_metrics(data.y[test], model.predict(frame.iloc[test]),
                           model.predict_proba(frame.iloc[test]), data.labels)
    for name in ("qwk", "accuracy", "macro_auc", "mcc"):
        assert mine[name] == scored.metrics[name], name  # exactly: the same model
    assert list(model.classes_) == list(data.labels)


def test_missing_values_are_filled_as_a_split_fills_them(student_por):
    frame = student_por.to_frame()
    frame.loc[frame.index[::7], "age"] = np.nan
    frame.loc[frame.index[::11], "Mjob"] = None
    from sedg.datasets import encode_frame

    data = encode_frame(frame, "G3", impute=True, name="holes")
    (train, test), = make_splits(data.y, "holdout", seed=3)
    config = EvaluationConfig(classifier="blrr", resampler="smote", seed=11)
    scored = evaluate(data, config, splits=[(train, test)])
    raw = frame.drop(columns=["G3"])
    model = make_pipeline(config, data).fit(raw.iloc[train], data.y[train])
    assert model.named_steps["encode"].impute
    mine = compute_metrics(data.y[test], model.predict(raw.iloc[test]), model.predict_proba(raw.iloc[test]),
                           data.labels)
    assert mine["qwk"] == scored.metrics["qwk"] and scored.imputed is not None
