"""The six deep generative models on the real data, the guards, and generator reuse."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation import MemoryArtifacts
from sedg import DGMSampler, SedgInputError
from sedg.synthesis import shortfall_counts


@pytest.mark.parametrize("model", ["ae", "vae", "aae", "avae", "caae", "cavae"])
def test_each_model_generates_valid_rows_per_class(student_por, model):
    sampler = DGMSampler(model=model, epochs=4, n_synthetic=120, random_state=0,
                         discrete_features=student_por.discrete_indices)
    X_res, y_res = sampler.fit_resample(student_por.X, student_por.y)
    new_X, new_y = X_res[649:], y_res[649:]
    requested = {label: n for label, n in shortfall_counts(student_por.y, 120).items() if n}
    assert dict(zip(*np.unique(new_y, return_counts=True))) == requested
    decoded = student_por.decode(new_X)
    assert set(decoded["Mjob"]) <= set(student_por.categories[student_por.feature_names.index("Mjob")])
    assert decoded["age"].between(15, 22).all()
    assert decoded["absences"].between(0, 32).all()
    np.testing.assert_array_equal(student_por.snap(new_X), new_X)  # already valid codes
    assert sampler.stopped_epoch_ <= 4


@pytest.mark.parametrize("model", ["caae", "cavae"])
def test_conditional_rows_carry_the_requested_class(grades, model):
    sampler = DGMSampler(model=model, epochs=3, n_synthetic=50, input="pass", random_state=1,
                         discrete_features=grades.discrete_indices)
    _, y_res = sampler.fit_resample(grades.X, grades.y)
    np.testing.assert_array_equal(y_res[len(grades.y):], sampler.generated_labels_)


@pytest.mark.parametrize("target", ["latent", "sample"])
def test_discriminator_targets(grades, target):
    sampler = DGMSampler(model="avae", epochs=3, discriminator_target=target, n_synthetic=20,
                         discrete_features=grades.discrete_indices, random_state=0)
    X_res, _ = sampler.fit_resample(grades.X, grades.y)
    assert np.isfinite(X_res).all()


def test_heuristic_guard_stops_on_duplicated_rows():
    rng = np.random.default_rng(0)
    base = np.column_stack([rng.integers(0, 3, 10), rng.integers(0, 4, 10), rng.normal(size=10)])
    X = np.repeat(base, 30, axis=0)
    y = np.repeat(np.arange(10) % 3, 30)
    sampler = DGMSampler(model="ae", epochs=300, guard="heuristic", learning_rate=1e-2,
                         discrete_features=[0, 1], n_synthetic=10, random_state=0)
    sampler.fit_resample(X, y)
    assert sampler.stopped_epoch_ < 300


def test_validation_guard_records_its_epoch(grades):
    sampler = DGMSampler(model="ae", epochs=400, guard="validation", learning_rate=1e-2,
                         discrete_features=grades.discrete_indices, n_synthetic=10, random_state=0)
    sampler.fit_resample(grades.X, grades.y)
    assert sampler.stopped_epoch_ < 400


def test_a_fitted_generator_is_reused_when_only_the_input_changes(grades):
    store = MemoryArtifacts()
    common = dict(model="cavae", epochs=3, discrete_features=grades.discrete_indices,
                  memory=store, random_state=0)
    DGMSampler(input="noise", **common).fit_resample(grades.X, grades.y)
    DGMSampler(input="rss", n_synthetic=50, **common).fit_resample(grades.X, grades.y)
    assert store.computed["generator_cavae"] == 1 and store.hits["generator_cavae"] == 1
    DGMSampler(input="rss", latent_dim=4, **common).fit_resample(grades.X, grades.y)
    assert store.computed["generator_cavae"] == 2


def test_cuda_request_runs_on_the_cpu_here(grades):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    sampler = DGMSampler(model="vae", epochs=2, device="cuda", n_synthetic=10, random_state=0,
                         discrete_features=grades.discrete_indices)
    sampler.fit_resample(grades.X, grades.y)
    assert sampler.device_ == "cpu"


def test_selection_input_needs_a_classifier_for_pess(grades):
    with pytest.raises(SedgInputError, match="input='pess' needs a classifier"):
        DGMSampler(input="pess", epochs=1).fit_resample(grades.X, grades.y)
