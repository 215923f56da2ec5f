from __future__ import annotations

import numpy as np
import pytest
import torch

from sedg import NNModel


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 4, 300), rng.normal(size=300), rng.normal(size=300)])
    y = (X[:, 0] + (X[:, 1] > 0)).astype(int)
    return X, y


def _model(**params):
    return NNModel(**{"discrete_features": [0], "cardinalities": [4], "max_epochs": 15,
                      "random_state": 0, **params})


def test_fit_predict_proba_shapes(small):
    X, y = small
    model = _model().fit(X, y)
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (300, 5)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert set(model.predict(X)) <= set(model.classes_)
    assert (model.predict(X) == y).mean() > 0.5


def test_embedding_has_documented_shape(small):
    X, y = small
    model = _model(hidden_size=16, embedding_dim=4).fit(X, y)
    assert model.embed(X[:7]).shape == (7, X.shape[1] * 4)
    assert model.embed(X[:7], layer="hidden").shape == (7, 16)


def test_input_embedding_is_the_per_feature_mapping_phi(small):
    # phi(S) is the concatenation of phi_i(f_i): the paper's per-feature comparison reads the same map.
    X, y = small
    model = _model(embedding_dim=4).fit(X, y)
    rows = model.embed(X[:5])
    for feature in range(X.shape[1]):
        np.testing.assert_allclose(
            model.embed_values(feature, X[:5, feature]), rows[:, 4 * feature: 4 * feature + 4],
            rtol=1e-5, atol=1e-6)


def test_embed_refuses_an_unknown_layer(small):
    X, y = small
    model = _model().fit(X, y)
    with pytest.raises(ValueError, match="layer must be one of"):
        model.embed(X, layer="output")


def test_same_seed_same_model(small):
    X, y = small
    first, second = _model().fit(X, y), _model().fit(X, y)
    np.testing.assert_allclose(first.predict_proba(X), second.predict_proba(X))


def test_warm_start_keeps_weights(small):
    X, y = small
    model = _model(warm_start=True, max_epochs=1).fit(X, y)
    network = model.network_
    before = {k: v.clone() for k, v in network.state_dict().items()}
    model.fit(X[:100], y[:100])
    assert model.network_ is network  # continued, not rebuilt
    changed = any(not torch.equal(before[k], v) for k, v in network.state_dict().items())
    assert changed
    cold = _model(max_epochs=1).fit(X, y)
    cold_network = cold.network_
    cold.fit(X[:100], y[:100])
    assert cold.network_ is not cold_network


def test_cuda_request_falls_back_to_cpu(small):
    X, y = small
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        model = _model(device="cuda").fit(X, y)
    assert model.device_ == "cpu"


def test_invalid_parameter_message(small):
    X, y = small
    with pytest.raises(ValueError, match="'hidden_size' parameter of NNModel must be"):
        _model(hidden_size=0).fit(X, y)


def test_float64_precision_trains_a_float64_network(small):
    X, y = small
    model = _model(precision="float64").fit(X, y)
    assert {parameter.dtype for parameter in model.network_.parameters()} == {torch.float64}
    assert model.predict_proba(X).shape == (len(y), 5) and model.embed_values(1, [0.0, 1.0]).shape[0] == 2
    assert model.precision == "float64" and _model().precision == "float32"  # the paper's default


def test_unknown_precision_message(small):
    X, y = small
    with pytest.raises(ValueError, match="'precision' parameter of NNModel must be a str among"):
        _model(precision="float16").fit(X, y)
