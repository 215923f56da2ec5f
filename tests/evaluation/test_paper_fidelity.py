"""The evaluation side of the papers' protocols (issue 12): BLRR on grade values, Table 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import cross_val_score

from evaluation import MemoryArtifacts, evaluate, make_classifier
from sedg.datasets import encode_frame


def _gapped():
    # Scores 0, 2, 4, 18, 20 and a feature equal to the score plus small noise.
    rng = np.random.default_rng(0)
    y = rng.choice([0, 2, 4, 18, 20], size=300)
    frame = pd.DataFrame({"signal": y + rng.normal(scale=0.5, size=y.size), "score": y})
    return encode_frame(frame, target="score")


def test_blrr_regresses_on_score_values_not_class_ranks():
    data = _gapped()
    accuracy = cross_val_score(make_classifier("blrr", data), data.X, data.y, cv=5).mean()
    assert accuracy > 0.95  # on class ranks 0..4 it was 0.53


def test_table_1_embedding_classifier_shares_one_network_per_training_split():
    from sedg.datasets import make_grades

    data = make_grades(n_samples=200, seed=0)
    store = MemoryArtifacts()
    params = {"classifier": "nnmodel_embedding_random_forest", "protocol": "repeated_holdout",
              "repeats": 2, "seed": 3, "artifacts": store}
    first = evaluate(data, resampler="smote", resampler_params={"k_neighbors": 3}, **params)
    second = evaluate(data, resampler="random_over", **params)
    assert store.computed["nnmodel_embedding"] == 2  # one per split, for baseline and both trials
    assert store.hits["nnmodel_embedding"] >= 2
    alone = evaluate(data, resampler="random_over", **{**params, "artifacts": MemoryArtifacts()})
    np.testing.assert_equal(second.fold_baselines, alone.fold_baselines)  # as with a fresh network
    np.testing.assert_equal(second.metrics, alone.metrics)
    assert np.isfinite(first.metrics["accuracy"])


def test_a_configuration_proposed_again_is_looked_up_not_recomputed():
    from sedg.datasets import make_grades

    data, store = make_grades(n_samples=150, seed=0), MemoryArtifacts()
    params = {"classifier": "random_forest", "resampler": "smote", "protocol": "repeated_holdout",
              "repeats": 2, "resampler_params": {"k_neighbors": 3}, "artifacts": store}
    first, again = evaluate(data, **params), evaluate(data, **params)
    assert store.computed["evaluation"] == 2 and store.hits["evaluation"] == 2
    np.testing.assert_equal(again.split_deltas, first.split_deltas)  # NaN-aware
    assert again.n_synthetic == first.n_synthetic
    evaluate(data, **{**params, "resampler_params": {"k_neighbors": 4}})
    assert store.computed["evaluation"] == 4
