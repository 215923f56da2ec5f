"""SEDG's options on small hand-made data where the outcome is known, and on the real data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from sedg import SedgInputError, SEDGSampler
from sedg.synthesis import (
    SIMILARITY_TOLERANCE,
    fit_autoencoder,
    imbalance_weights,
    importance_weights,
    modify,
    most_similar,
    select_samples,
)
from sedg.synthesis._context import _losses_and_aucs
from sedg.synthesis._selection import member_weights


def test_pass_largest_only_draws_from_the_largest_class():
    y = np.repeat([0, 1, 2], [5, 30, 8])
    rows = select_samples("pass", y, 50, np.random.default_rng(0), member_probability="largest",
                          per_draw=(3, 7))
    assert rows.size == 50 and set(y[rows]) == {1}


def test_pass_member_rules():
    sizes = np.array([10, 30, 60])
    np.testing.assert_allclose(member_weights(sizes, "proportional"), [0.1, 0.3, 0.6])
    inverse = member_weights(sizes, "inverse")
    assert inverse[0] > inverse[1] > inverse[2]
    np.testing.assert_allclose(member_weights(sizes, "smallest"), [1, 0, 0])


def test_pass_without_replacement_visits_every_class():
    y = np.repeat([0, 1, 2, 3], [40, 5, 5, 5])
    rows = select_samples("pass", y, 4, np.random.default_rng(1), member_probability="proportional",
                          replacement=False, per_draw=(1, 1))
    assert sorted(set(y[rows])) == [0, 1, 2, 3]


def test_pess_ranks_a_misclassified_sample_above_a_confident_one():
    labels = np.array([0, 1])
    y = np.array([0, 0, 1])
    probabilities = np.array([[0.99, 0.01], [0.3, 0.7], [0.2, 0.8]])  # row 1 is misclassified
    losses, _ = _losses_and_aucs(probabilities, y, labels)
    assert losses[1] > losses[2] > losses[0]
    rows = select_samples("pess", y, 3000, np.random.default_rng(0), losses=losses)
    counts = np.bincount(rows, minlength=3)
    assert counts[1] > counts[2] > counts[0]


def test_ppss_prefers_the_class_with_the_lowest_auc():
    y = np.repeat([0, 1, 2], [20, 20, 20])
    rows = select_samples("ppss", y, 600, np.random.default_rng(0), class_aucs=np.array([0.95, 0.6, 0.8]),
                          per_draw=(5, 5))
    counts = np.bincount(y[rows], minlength=3)
    assert counts[1] > counts[2] > counts[0]
    # an undefined AUC (a class absent from a fold) counts as chance, 0.5
    rows = select_samples("ppss", y, 600, np.random.default_rng(0), class_aucs=np.array([0.9, np.nan, 0.7]),
                          per_draw=(5, 5))
    counts = np.bincount(y[rows], minlength=3)
    assert counts[1] > counts[2] > counts[0]


def test_feature_imbalance_ranks_a_95_5_feature_above_a_50_50_one():
    X = np.column_stack([np.r_[np.zeros(95), np.ones(5)], np.r_[np.zeros(50), np.ones(50)]])
    weights = imbalance_weights(X)
    assert weights[0] > weights[1] and weights[1] == 0.0


def test_drop_column_importance_of_pure_noise_is_about_zero():
    rng = np.random.default_rng(0)
    signal = rng.normal(size=400)
    X = np.column_stack([signal, rng.normal(size=400)])
    y = (signal > 0).astype(int)
    weights = importance_weights("drop_column", LogisticRegression(), X, y, random_state=0)
    assert weights[1] < 0.05 and weights[0] > 0.95


def test_mdi_needs_a_tree_based_classifier():
    X, y = np.random.default_rng(0).normal(size=(30, 2)), np.repeat([0, 1], 15)
    with pytest.raises(SedgInputError, match="needs a tree-based classifier"):
        importance_weights("mdi", LogisticRegression(), X, y)


@pytest.mark.parametrize("model", ["forest", "logistic"])
def test_permutation_drops_are_scikit_learns_permutation_importances(model, monkeypatch):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance

    import sedg.synthesis._features as features

    rng = np.random.default_rng(3)
    X = np.column_stack([rng.integers(0, 4, 240), rng.normal(size=(240, 5))])
    y = (X[:, 0] + X[:, 1] + rng.normal(size=240) > 1.5).astype(int) + (X[:, 2] > 1)
    estimator = (RandomForestClassifier(n_estimators=30, random_state=0) if model == "forest"
                 else LogisticRegression(max_iter=500))
    fitted = estimator.fit(X[:160], y[:160])
    expected = permutation_importance(fitted, X[160:], y[160:], n_repeats=5, random_state=11,
                                      scoring="accuracy").importances_mean
    assert np.array_equal(features.permutation_accuracy_drops(fitted, X[160:], y[160:], random_state=11),
                          expected)
    # Stacked predictions of one feature per call (a cap of the batch's cells) give the same.
    monkeypatch.setattr(features, "PERMUTATION_BATCH_CELLS", 1)
    assert np.array_equal(features.permutation_accuracy_drops(fitted, X[160:], y[160:], random_state=11),
                          expected)


def test_cosine_modification_with_identity_embedding_picks_the_closest_angle():
    train = np.array([[0.0, 1.0], [2.0, 1.0], [5.0, 1.0], [-3.0, 1.0]])
    row = np.array([[1.0, 1.0]])  # angle 45 degrees; candidates 0, 2, 5, -3 for feature 0
    out = modify(row, [np.array([0])], train, np.array([True, True]), similarity="cosine",
                 embed=lambda X: X, rng=np.random.default_rng(0))
    assert out[0, 0] == 2.0  # (2, 1) is closest in angle to (1, 1)
    out_nn = modify(row, [np.array([0])], train, np.array([True, True]), similarity="nn",
                    embed=lambda X: X, rng=np.random.default_rng(0))
    assert out_nn[0, 0] in (0.0, 2.0)


def test_equally_similar_values_above_and_below_are_drawn_not_chosen_by_rounding():
    # Under a linear embedding 2 and 4 are equally far from 3; rounding (here a nudge far below
    # the tolerance, as another machine's kernels would make) must not decide between them.
    train = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [5.0, 0.0]])
    row = np.array([[3.0, 0.0]])
    picks = {nudge: [modify(row, [np.array([0])], train, np.array([True, True]), similarity="nn",
                            embed=lambda X, nudge=nudge: X + nudge * (X[:, :1] > 3),
                            rng=np.random.default_rng(seed))[0, 0] for seed in range(40)]
             for nudge in (0.0, 1e-9, -1e-9)}
    assert picks[0.0] == picks[1e-9] == picks[-1e-9]  # the seed decides, not the rounding
    assert set(picks[0.0]) == {2.0, 4.0}  # and both sides are drawn


def test_similarity_ties_are_within_a_tolerance_of_the_best():
    owner = np.array([0, 0, 0, 1, 1])
    score = np.array([-1.0, -0.5, -0.5 - 1e-5, -2.0, -2.0 - 0.1])
    chosen = {tuple(most_similar(owner, score, tolerance=SIMILARITY_TOLERANCE,
                                 rng=np.random.default_rng(seed)).tolist()) for seed in range(30)}
    assert chosen == {(1, 3), (2, 3)}  # 1e-5 of a scale of 1 is a tie; 0.1 of 2.1 is not
    exact = {tuple(most_similar(owner, score, tolerance=0.0, rng=np.random.default_rng(seed)).tolist())
             for seed in range(30)}
    assert exact == {(1, 3)}


def test_similarity_tolerance_message():
    X, y = np.random.default_rng(0).normal(size=(30, 2)), np.repeat([0, 1], 15)
    with pytest.raises(ValueError, match="'similarity_tolerance' parameter of SEDGSampler must be a float"):
        SEDGSampler(similarity_tolerance=-0.1).fit_resample(X, y)


def test_the_autoencoder_embedding_trains_in_float64_unless_asked():
    X = np.random.default_rng(0).normal(size=(40, 4))
    for precision, dtype in (("float64", np.float64), ("float32", np.float32)):
        embedder = fit_autoencoder(X, variational=False, latent_dim=2, epochs=3, precision=precision)
        assert {str(p.dtype) for p in embedder.network.parameters()} == {f"torch.{np.dtype(dtype).name}"}
        assert embedder.transform(X).dtype == np.float64


def test_carrying_replacements_changes_the_reference():
    train = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0], [2.0, 5.0]])
    row = np.array([[1.0, 1.0]])  # at 45 degrees
    embed = lambda X: X  # noqa: E731
    kept, carried = (
        modify(row, [np.array([0, 1])], train, np.array([True, True]), similarity="cosine",
               embed=embed, carry=carry, rng=np.random.default_rng(0))
        for carry in (False, True))
    # Feature 0 first: 2 keeps the angle best (26.6 degrees). Feature 1 is then compared with
    # the original row (45 degrees: 3 gives 71.6) or, carried, with (2, 1) (26.6: 0 gives 0).
    assert kept.tolist() == [[2.0, 3.0]]
    assert carried.tolist() == [[2.0, 0.0]]


@pytest.mark.parametrize("mode", ["replace", "replace_fraction"])
def test_iterative_replace_keeps_the_synthetic_set_size_constant(grades, mode):
    from evaluation import make_classifier

    sampler = SEDGSampler(classifier=make_classifier("blrr", grades), n_synthetic=50,
                          iterations=3, iteration_mode=mode, feature_modification="pca_cosine",
                          discrete_features=grades.discrete_indices, random_state=0)
    X_res, y_res = sampler.fit_resample(grades.X, grades.y)
    assert len(y_res) == len(grades.y) + 50 and sampler.sources_.size == 50


@pytest.mark.parametrize("mode", ["append", "replace", "replace_fraction"])
def test_iterative_usage_keeps_the_synthetic_budget(grades, mode):
    from evaluation import make_classifier

    sampler = SEDGSampler(classifier=make_classifier("blrr", grades), n_synthetic=40, iterations=3,
                          iteration_mode=mode, feature_modification="random",
                          discrete_features=grades.discrete_indices, random_state=0)
    _, y_res = sampler.fit_resample(grades.X, grades.y)
    assert len(y_res) == len(grades.y) + 40 and sampler.sources_.size == 40


@pytest.mark.parametrize("params", [
    {"sample_selection": "ppss", "feature_selection": "importance", "feature_importance": "mdi"},
    {"sample_selection": "pess", "embedding": "vae", "embedding_pca": True},
    {"sample_selection": "rss", "feature_modification": "embedding_nn", "embedding": "nnmodel",
     "carry_replacements": False},
    {"sample_selection": "pass", "member_probability": "proportional", "feature_modification": "pca_nn"},
])
def test_synthetic_rows_decode_to_valid_values(student_por, params):
    from evaluation import make_classifier

    sampler = SEDGSampler(classifier=make_classifier("random_forest", student_por), n_synthetic=60,
                          discrete_features=student_por.discrete_indices, random_state=0, **params)
    X_res, y_res = sampler.fit_resample(student_por.X, student_por.y)
    synthetic = student_por.decode(X_res[649:])
    assert len(synthetic) == 60
    mjob = set(student_por.categories[student_por.feature_names.index("Mjob")])
    assert set(synthetic["Mjob"]) <= mjob
    assert synthetic["age"].between(15, 22).all() and synthetic["age"].dtype.kind == "i"
    np.testing.assert_array_equal(X_res[:649], student_por.X)
    assert set(y_res[649:]) <= set(student_por.y)
    assert (X_res[649:] != student_por.X[sampler.sources_]).any(axis=1).mean() > 0.5


def test_classifier_is_required_where_needed():
    X, y = np.random.default_rng(0).normal(size=(30, 2)), np.repeat([0, 1], 15)
    with pytest.raises(SedgInputError, match="needs a classifier"):
        SEDGSampler(sample_selection="pess").fit_resample(X, y)


def test_invalid_option_message():
    X, y = np.random.default_rng(0).normal(size=(30, 2)), np.repeat([0, 1], 15)
    with pytest.raises(ValueError, match="'sample_selection' parameter of SEDGSampler must be"):
        SEDGSampler(sample_selection="best").fit_resample(X, y)


def test_works_in_an_imblearn_pipeline(grades):
    from imblearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier

    pipeline = make_pipeline(
        SEDGSampler(feature_modification="pca_cosine", discrete_features=grades.discrete_indices,
                    random_state=0),
        DecisionTreeClassifier(random_state=0),
    )
    assert pipeline.fit(grades.X, grades.y).predict(grades.X[:5]).shape == (5,)
