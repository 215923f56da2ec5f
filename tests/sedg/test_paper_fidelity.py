"""Where the SEDG and GMCSMOTE papers are followed by default (issue 12), pinned one by one."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.neural_network import MLPClassifier

from sedg import GMCSMOTE, DGMSampler, MemoryArtifacts, NNModel, SedgInputError, SEDGSampler
from sedg.synthesis import ModelEmbedder, keeps_weights, select_samples
from sedg.synthesis._context import make_embedder


class CountingMLP(MLPClassifier):
    """An MLP (its warm start keeps weights) that counts its fits."""

    fits: list = []

    def fit(self, X, y):
        CountingMLP.fits.append(bool(self.warm_start))
        return super().fit(X, y)


@pytest.fixture
def mixed():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], [60, 25, 15])
    X = np.column_stack([
        rng.integers(0, 3, y.size),          # a discrete code
        rng.integers(0, 30, y.size),         # a whole-number count (absences)
        y + rng.normal(scale=0.5, size=y.size),  # a real-valued feature
    ]).astype(float)
    return X, y


def test_pass_draws_classes_in_proportion_to_their_size_by_default():
    assert SEDGSampler().member_probability == "proportional"
    y = np.repeat([0, 1], [90, 10])
    rows = select_samples("pass", y, 2000, np.random.default_rng(0), per_draw=(1, 1))
    assert 0.85 < np.mean(y[rows] == 0) < 0.95


def test_whole_number_features_stay_whole_numbers(mixed):
    X, y = mixed
    sampler = SEDGSampler(n_synthetic=80, feature_selection="random", n_features=3,
                          feature_modification="pca_nn", discrete_features=[0], random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    new = X_res[len(y):]
    np.testing.assert_array_equal(new[:, 1], np.round(new[:, 1]))
    assert (new[:, 1] != X[sampler.sources_, 1]).any()  # it was modified, and stayed integer
    assert not np.array_equal(new[:, 2], np.round(new[:, 2]))  # real values stay real


@pytest.mark.parametrize("mode", ["append", "replace"])
def test_iterative_usage_keeps_the_budget(mixed, mode):
    X, y = mixed
    sampler = SEDGSampler(n_synthetic=50, iterations=3, iteration_mode=mode, classifier=CountingMLP(
        max_iter=50, random_state=0), feature_modification="random", random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert len(y_res) - len(y) == 50


def test_pess_reads_the_trained_classifier_on_its_own_rows_by_default(mixed):
    X, y = mixed
    store = MemoryArtifacts()
    sampler = SEDGSampler(n_synthetic=20, sample_selection="pess", feature_modification="random",
                          classifier=RandomForestClassifier(n_estimators=5, random_state=0),
                          memory=store, random_state=0)
    assert sampler.diagnostics == "in_sample"
    sampler.fit_resample(X, y)
    assert store.computed["fitted_classifier"] == 1 and "classifier_diagnostics" not in store.computed


def test_warm_start_continues_the_sampler_model_exactly_once(mixed):
    from sedg.synthesis import continue_training

    X, y = mixed
    CountingMLP.fits.clear()
    sampler = SEDGSampler(n_synthetic=30, usage_start="warm", classifier=CountingMLP(
        max_iter=50, random_state=0), feature_modification="random", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert CountingMLP.fits == [False]  # trained on the original rows only, not yet continued
    continue_training(sampler.warm_start_model_, X_res, y_res)  # what the protocol does
    assert CountingMLP.fits == [False, True]


def test_warm_start_is_refused_for_a_classifier_that_cannot_keep_weights(mixed):
    X, y = mixed
    assert not keeps_weights(RandomForestClassifier()) and keeps_weights(NNModel())
    sampler = SEDGSampler(usage_start="warm", classifier=RandomForestClassifier(n_estimators=5))
    with pytest.raises(SedgInputError, match="warm start keeps its weights.*RandomForestClassifier"):
        sampler.fit_resample(X, y)


def test_each_iterative_round_recomputes_its_pieces_on_the_augmented_rows(mixed):
    X, y = mixed
    store = MemoryArtifacts()
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    sampler = SEDGSampler(n_synthetic=30, iterations=3, sample_selection="ppss",
                          diagnostics="out_of_fold", feature_modification="pca_cosine",
                          classifier=forest, memory=store, random_state=0)
    sampler.fit_resample(X, y)
    assert store.computed["classifier_diagnostics"] == 3  # out of fold, once per round
    assert store.computed["embedding_pca"] == 3


def test_the_nnmodel_embedding_is_the_input_embedding_phi(mixed):
    X, y = mixed
    network = NNModel(discrete_features=[0], embedding_dim=4, max_epochs=5, random_state=0)
    embedder = make_embedder("nnmodel", X, y, classifier=network, discrete_features=[0],
                             latent_dim=8, pca=False, pca_components=2, random_state=0,
                             memory=MemoryArtifacts())
    assert isinstance(embedder, ModelEmbedder) and embedder.layer == "input"
    assert embedder.transform(X).shape == (len(y), 3 * 4)  # one vector per feature
    hidden = make_embedder("nnmodel", X, y, classifier=network, discrete_features=[0],
                           latent_dim=8, pca=False, pca_components=2, random_state=0,
                           memory=MemoryArtifacts(), layer="hidden")
    assert hidden.transform(X).shape == (len(y), network.hidden_size)


def test_per_feature_comparison_runs_and_needs_the_input_embedding(mixed):
    X, y = mixed
    network = NNModel(discrete_features=[0], max_epochs=5, random_state=0)
    sampler = SEDGSampler(n_synthetic=20, feature_modification="embedding_cosine",
                          embedding="nnmodel", feature_comparison="feature", classifier=network,
                          discrete_features=[0], random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.shape == (len(y) + 20, 3)
    with pytest.raises(SedgInputError, match="feature_comparison='feature' needs"):
        sampler.set_params(embedding="ae").fit_resample(X, y)


def test_dgm_stops_by_the_paper_heuristic_by_default():
    assert DGMSampler().guard == "heuristic"


def test_gmcsmote_measures_distance_in_score_values_by_default():
    y = np.repeat([0, 2, 4, 18, 20], [6, 10, 40, 8, 6])
    X = np.random.default_rng(0).normal(size=(y.size, 2))
    sampler = GMCSMOTE(random_state=0).fit(X, y)
    assert sampler.distance == "value"
    _, y_res = sampler.fit_resample(X, y)
    counts = dict(zip(*np.unique(y_res, return_counts=True)))
    assert counts[2] == 20 and counts[18] == 8  # d=2: 40/2; d=14: 40/14 < 8 stays


def test_uniform_smote_differs_from_gmcsmote_only_in_its_targets():
    from evaluation.methods import make_resampler

    y = np.repeat([1, 2, 3, 4], [3, 12, 30, 9])
    X = np.random.default_rng(0).normal(size=(y.size, 2)) * [1.0, 100.0]
    uniform = make_resampler("uniform_smote", random_state=0)
    gaussian = make_resampler("gmcsmote", random_state=0)
    assert type(uniform) is type(gaussian) is GMCSMOTE
    X_u, y_u = uniform.fit_resample(X, y)
    gaussian.fit_resample(X, y)
    assert np.unique(y_u, return_counts=True)[1].tolist() == [30, 30, 30, 30]
    assert uniform.replicated_ == gaussian.replicated_ == {1: 3}
    assert uniform.k_neighbors_ == gaussian.k_neighbors_
