"""Metrics of a few configurations, pinned before the one-spec-per-method refactor.

A refactor of how methods are registered, built and trained must give the same rows for the
same seed. A deliberate change of behaviour (a fix) updates these numbers in the same commit:
the paper-fidelity fixes (issue 12) moved all but the first: BLRR regresses on grade values,
PaSS draws classes by size, iterative rounds recompute their pieces,
whole-number features keep whole-number candidates, NNModel's embedding is its input phi,
PeSS/PPSS read the trained classifier on its own rows. Issue 21 made nominal features categories
in every interpolating method (SMOTENC's rule): the SMOTE and GMCSMOTE rows below keep their old
numbers exactly under ``nominal="interpolate"`` (the papers' protocol, still a parameter), and
the default's numbers are pinned beside them.
"""

from __future__ import annotations

import pytest

from evaluation import MemoryArtifacts, evaluate
from sedg.datasets import make_grades

PINNED = [
    ("random_forest", "smote", {"k_neighbors": 3, "n_synthetic": 200, "nominal": "interpolate"},
     (0.6525754551150185, 0.18487394957983194, 0.7568823599467577, 216)),
    ("random_forest", "smote", {"k_neighbors": 3, "n_synthetic": 200},
     (0.5045655249281948, 0.21008403361344538, 0.7573021826327248, 216)),
    ("blrr", "gmcsmote", {"cap": 2.5, "min_samples": 6, "k_neighbors": 5, "distance": "index",
                          "nominal": "interpolate"},
     (0.6847880928355197, 0.15126050420168066, 0.8068026701757414, 44)),
    ("blrr", "gmcsmote", {"cap": 2.5, "min_samples": 6, "k_neighbors": 5, "distance": "index"},
     (0.6916706590924646, 0.15126050420168066, 0.8033371884970544, 44)),
    ("random_forest", "sedg", {
        "sample_selection": "ppss", "member_replacement": True, "samples_per_draw": 5,
        "feature_selection": "importance", "feature_importance": "mdi", "n_features": 3,
        "feature_modification": "pca_cosine", "pca_components": 4, "carry_replacements": True,
        "iterations": 1, "n_synthetic": 100},
     (0.5418801229508197, 0.20168067226890757, 0.7566631939491821, 100)),
    ("random_forest", "sedg", {
        "sample_selection": "pass", "member_probability": "proportional", "member_replacement": False,
        "samples_per_draw": 3, "feature_selection": "imbalance", "n_features": 2,
        "feature_modification": "embedding_nn", "embedding": "vae", "latent_dim": 4,
        "embedding_pca": False, "carry_replacements": False, "iterations": 2,
        "iteration_mode": "replace", "n_synthetic": 100},
     (0.6200844528229628, 0.25210084033613445, 0.7814015638907515, 100)),
    ("blrr", "dgm", {
        "model": "cavae", "latent_dim": 4, "hidden_size": 32, "n_layers": 1, "epochs": 20,
        "learning_rate": 0.003, "alpha": 0.2, "discriminator_target": "latent", "input": "pass",
        "guard": "validation", "n_synthetic": 100},
     (0.7076700528452371, 0.21008403361344538, 0.8168472192516327, 100)),
    ("blrr", "dgm", {
        "model": "ae", "latent_dim": 4, "hidden_size": 32, "n_layers": 1, "epochs": 20,
        "learning_rate": 0.003, "input": "noise", "guard": "heuristic", "n_synthetic": 100},
     (0.6736241016048046, 0.15966386554621848, 0.7841998942716761, 100)),
    ("nnmodel", "sedg", {
        "sample_selection": "pess", "feature_selection": "random", "n_features": 2,
        "feature_modification": "embedding_cosine", "embedding": "nnmodel", "embedding_pca": False,
        "carry_replacements": True, "usage_start": "cold", "iterations": 1, "n_synthetic": 60},
     (0.3535000142219188, 0.2184873949579832, 0.6537144425193746, 60)),
]


@pytest.fixture(scope="module")
def data():
    return make_grades(n_samples=300, seed=0)


@pytest.mark.parametrize(("classifier", "method", "params", "expected"), PINNED,
                         ids=[f"{c}-{m}-{i}" for i, (c, m, _, _) in enumerate(PINNED)])
def test_same_seed_same_metrics(data, classifier, method, params, expected):
    classifier_params = {"device": "cpu", "max_epochs": 15} if classifier == "nnmodel" else {}
    result = evaluate(data, classifier=classifier, resampler=method, resampler_params=params, seed=1,
                      protocol="holdout",
                      classifier_params=classifier_params, artifacts=MemoryArtifacts())
    qwk, accuracy, macro_auc, synthetic_rows = expected
    assert result.metrics["qwk"] == pytest.approx(qwk, abs=1e-9)
    assert result.metrics["accuracy"] == pytest.approx(accuracy, abs=1e-9)
    assert result.metrics["macro_auc"] == pytest.approx(macro_auc, abs=1e-9)
    assert result.n_synthetic == synthetic_rows
