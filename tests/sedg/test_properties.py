"""Property-based: on any small table, a sampler returns finite, valid rows or says why not.

Tables are drawn with 1-member classes, constant columns, a single feature and up to 8
classes. A sampler either returns finite rows whose discrete columns hold codes seen in
training and whose labels are training labels, or raises ``SedgInputError`` (of which
``InvalidConfiguration`` is one) with a message; any other exception is a bug. A sampler that
refused every table would pass that check, so each one must also yield rows on at least
:data:`MIN_SHARE` of the tables, and a failure says which refusals were most common.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from evaluation import make_resampler
from evaluation.methods import METHODS
from sedg import GMCSMOTE, DGMSampler, NNModel, SedgInputError, SEDGSampler
from sedg.dgm import MODELS
from sedg.gmcsmote import DISTANCES, SHAPES
from sedg.synthesis import FEATURE_MODIFICATIONS, FEATURE_SELECTIONS, SAMPLE_SELECTIONS

PROPERTY = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
#: The share of drawn tables on which every sampler must return rows rather than refuse.
MIN_SHARE = 0.6


class Outcomes:
    """What a sampler did with each drawn table: rows returned, or refused (and why)."""

    def __init__(self) -> None:
        self.resampled, self.refusals = 0, Counter()

    def require(self, name: str, share: float = MIN_SHARE) -> None:
        total = self.resampled + sum(self.refusals.values())
        assert total > 0, f"{name}: no table was drawn"
        assert self.resampled / total >= share, (
            f"{name} returned rows on {self.resampled} of {total} tables (< {share:.0%}); "
            f"refusals: {self.refusals.most_common(3)}")


@st.composite
def tables(draw) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """``(X, y, discrete feature indices)``: 2..8 classes of 1..12 rows, features discrete (1..4 codes,
    so possibly constant), continuous or constant."""
    sizes = draw(st.lists(st.integers(1, 12), min_size=2, max_size=8))
    kinds = draw(st.lists(st.sampled_from(["discrete", "continuous", "constant"]),
                          min_size=1, max_size=4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    y = np.repeat(np.arange(len(sizes)) * 2, sizes)  # gapped labels: 0, 2, 4, ...
    columns, discrete = [], []
    for index, kind in enumerate(kinds):
        if kind == "discrete":
            codes = draw(st.integers(1, 4))
            columns.append(rng.integers(0, codes, y.size).astype(float))
            discrete.append(index)
        elif kind == "continuous":
            columns.append(y + rng.normal(scale=draw(st.sampled_from([1e-3, 1.0, 1e3])), size=y.size))
        else:
            columns.append(np.full(y.size, 7.5))
    return np.column_stack(columns), y, discrete


def _resampled(sampler, X: np.ndarray, y: np.ndarray,
               outcomes: Outcomes) -> tuple[np.ndarray, np.ndarray] | None:
    """The sampler's finite rows of training labels, or None when it refused with a message."""
    try:
        X_res, y_res = sampler.fit_resample(X, y)
    except SedgInputError as error:
        assert str(error).strip()
        event("refused")
        outcomes.refusals[str(error)[:80]] += 1
        return None
    event("resampled")
    outcomes.resampled += 1
    assert X_res.shape[1] == X.shape[1] and len(X_res) == len(y_res)
    assert np.isfinite(X_res).all() and set(np.unique(y_res)) <= set(np.unique(y))
    return X_res, y_res


def _check(sampler, X: np.ndarray, y: np.ndarray, discrete: list[int], outcomes: Outcomes) -> None:
    out = _resampled(sampler, X, y, outcomes)
    if out is None:
        return
    X_res, _ = out
    for column in discrete:
        assert set(np.unique(X_res[:, column])) <= set(np.unique(X[:, column])), column


def test_gmcsmote():
    outcomes = Outcomes()

    @given(table=tables(), distance=st.sampled_from(DISTANCES),
           shape=st.sampled_from(SHAPES), standardize=st.booleans())
    @PROPERTY
    def check(table, distance, shape, standardize):
        X, y, _ = table
        sampler = GMCSMOTE(distance=distance, shape=shape, standardize=standardize, random_state=0)
        out = _resampled(sampler, X, y, outcomes)
        if out is None:
            return
        # Interpolation (the protocol snaps discrete columns afterwards): within each column's range.
        X_res, _ = out
        low, high = X.min(axis=0), X.max(axis=0)
        assert ((X_res >= low - 1e-9) & (X_res <= high + 1e-9)).all()

    check()
    outcomes.require("GMCSMOTE")


def test_sedg():
    outcomes = Outcomes()

    @given(table=tables(), selection=st.sampled_from(SAMPLE_SELECTIONS),
           features=st.sampled_from(FEATURE_SELECTIONS),
           modification=st.sampled_from([m for m in FEATURE_MODIFICATIONS if not m.startswith("embedding")]),
           n_features=st.integers(1, 5), iterations=st.integers(1, 2))
    @PROPERTY
    def check(table, selection, features, modification, n_features, iterations):
        X, y, discrete = table
        sampler = SEDGSampler(
            sample_selection=selection, feature_selection=features, feature_modification=modification,
            n_features=n_features, iterations=iterations, n_synthetic=20, pca_components=2,
            classifier=LogisticRegression(max_iter=200), discrete_features=discrete, random_state=0)
        _check(sampler, X, y, discrete, outcomes)

    check()
    outcomes.require("SEDGSampler")


#: Learnt embeddings and the comparisons each allows (per-feature comparison reads NNModel's
#: per-feature input embeddings only).
EMBEDDINGS = [("ae", "row"), ("vae", "row"), ("nnmodel", "row"), ("nnmodel", "feature")]


def test_sedg_with_a_learnt_embedding():
    outcomes = Outcomes()

    @given(table=tables(), embedding=st.sampled_from(EMBEDDINGS))
    @settings(max_examples=12, deadline=None, derandomize=True)
    def check(table, embedding):
        X, y, discrete = table
        kind, comparison = embedding
        network = NNModel(max_epochs=3, hidden_size=8, device="cpu", random_state=0)
        sampler = SEDGSampler(feature_modification="embedding_cosine", embedding=kind,
                              feature_comparison=comparison, n_synthetic=10, latent_dim=2,
                              classifier=network if kind == "nnmodel" else None,
                              discrete_features=discrete, random_state=0)
        _check(sampler, X, y, discrete, outcomes)

    check()
    outcomes.require("SEDGSampler with a learnt embedding")


def test_dgm():
    outcomes = Outcomes()

    @given(table=tables(), model=st.sampled_from(sorted(MODELS)))
    @PROPERTY
    def check(table, model):
        X, y, discrete = table
        sampler = DGMSampler(model=model, epochs=2, hidden_size=8, latent_dim=2, n_synthetic=12,
                             classifier=LogisticRegression(max_iter=200), discrete_features=discrete,
                             random_state=0)
        _check(sampler, X, y, discrete, outcomes)

    check()
    outcomes.require("DGMSampler")


#: imbalanced-learn's resamplers as registered (wrapped to adapt; plugins from other tests left out).
CLASSIC = sorted(name for name, method in METHODS.items()
                 if method.build.__module__ == "evaluation.methods._classic" and name != "none")


#: Cleaners remove every row whose neighbours disagree with it; most drawn tables carry no
#: signal (discrete, constant or very noisy features), so on them every row can go.
CLEANER_SHARE = {"enn": 0.3, "smote_enn": 0.3}


@pytest.mark.parametrize("name", CLASSIC)
def test_every_classic_resampler(name):
    outcomes = Outcomes()

    @given(table=tables())
    @settings(max_examples=8, deadline=None, derandomize=True)
    def check(table):
        X, y, _ = table
        _resampled(make_resampler(name, random_state=0, params={}), X, y, outcomes)

    check()
    outcomes.require(name, CLEANER_SHARE.get(name, MIN_SHARE))
