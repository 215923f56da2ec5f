"""Class reweighting as a method: balanced weights reach every classifier's learner."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from evaluation import METHODS, evaluate, make_classifier
from evaluation._weights import balanced_weights, fit_with_weights
from sedg import NNModel, SedgInputError
from sedg.datasets import make_grades


@pytest.fixture(scope="module")
def data():
    return make_grades(n_samples=240, seed=1)


def test_class_weight_is_a_method_that_makes_no_rows(data):
    assert METHODS["class_weight"].reweights
    result = evaluate(data, classifier="random_forest", resampler="class_weight", repeats=2,
                      keep_synthetic=True)
    assert result.n_synthetic == 0 and result.synthetic.empty
    assert any(abs(value) > 1e-9 for value in result.deltas.values())  # the weights did something


@pytest.mark.parametrize("classifier", ["svm_ovr", "svm_ovo", "random_forest", "xgboost", "blrr",
                                        "nnmodel", "nnmodel_embedding_random_forest"])
def test_every_classifier_takes_the_weights(data, classifier):
    params = {"device": "cpu", "max_epochs": 5} if classifier == "nnmodel" else {}
    weighted = evaluate(data, classifier=classifier, resampler="class_weight", protocol="holdout",
                        classifier_params=params)
    assert np.isfinite(weighted.metrics["qwk"])
    if classifier != "nnmodel_embedding_random_forest":
        # The model itself saw the weights: its fit differs from the baseline's.
        model = make_classifier(classifier, data, random_state=0, params=params)
        plain = make_classifier(classifier, data, random_state=0, params=params)
        weights = balanced_weights(data.y)
        model.fit(data.X, data.y, sample_weight=weights)
        plain.fit(data.X, data.y)
        assert not np.allclose(model.predict_proba(data.X), plain.predict_proba(data.X))


def test_the_weights_reach_the_model_not_the_scaler():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.repeat([0, 1, 2], [40, 15, 5])
    weights = balanced_weights(y)
    pipeline = fit_with_weights(make_pipeline(StandardScaler(), SVC(random_state=0)), X, y, weights)
    assert np.allclose(pipeline[0].mean_, X.mean(axis=0))  # an unweighted scaler
    by_hand = SVC(random_state=0).fit(StandardScaler().fit_transform(X), y, sample_weight=weights)
    assert np.allclose(pipeline[1].dual_coef_, by_hand.dual_coef_)


def test_uniform_weights_leave_nnmodel_as_it_was(data):
    network = NNModel(max_epochs=4, device="cpu", random_state=0)
    plain = network.fit(data.X, data.y).predict_proba(data.X)
    uniform = NNModel(max_epochs=4, device="cpu", random_state=0).fit(
        data.X, data.y, sample_weight=np.ones(len(data.y))).predict_proba(data.X)
    assert np.allclose(plain, uniform, atol=1e-5)


def test_a_model_that_cannot_take_weights_is_refused():
    X, y = np.arange(10.0)[:, None], np.repeat([0, 1], 5)
    with pytest.raises(SedgInputError, match="KNeighborsClassifier cannot take sample weights"):
        fit_with_weights(KNeighborsClassifier(), X, y, balanced_weights(y))


def test_class_weight_takes_no_parameters(data):
    with pytest.raises(SedgInputError, match="class_weight takes no parameters, got \\['k'\\]"):
        evaluate(data, classifier="blrr", resampler="class_weight", resampler_params={"k": 1})
