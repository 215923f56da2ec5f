"""Large tables: threads held to the caller's share, diagnostics on a subsample, step budgets."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_info

import sedg.nn._training as training
from sedg import DGMSampler, NNModel, SEDGSampler
from sedg._subsample import diagnostic_quotas, stratified_subsample
from sedg.synthesis._features import importance_weights
from sedg.threads import available_cpus, limited_threads, resolve_n_jobs


def _table(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.integers(0, 4, n), rng.normal(size=n), rng.normal(size=n)])
    y = np.digitize(X[:, 1] + 0.5 * rng.normal(size=n), [-1.5, 0.0, 1.5])
    return X, y


@pytest.fixture
def threads_seen(monkeypatch):
    """Torch's thread count each time a training loop runs its epochs."""
    seen = []
    run = training._run_epochs

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return run(*args, **kwargs)

    monkeypatch.setattr(training, "_run_epochs", spy)
    return seen


def test_a_limit_holds_torch_and_blas_and_puts_them_back():
    torch.set_num_threads(2)
    with limited_threads(1) as threads:
        assert threads == 1 and torch.get_num_threads() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
        assert resolve_n_jobs(None) == 1 and resolve_n_jobs(8) == 1  # nested: never wider
    assert torch.get_num_threads() == 2


def test_by_default_a_fit_uses_the_cpus_the_process_may_use_and_never_more(monkeypatch):
    assert resolve_n_jobs(None) == available_cpus() and resolve_n_jobs(10_000) == available_cpus()
    assert resolve_n_jobs(-1) == available_cpus() and resolve_n_jobs(-10_000) == 1
    # Within a Ray task, the CPU share Ray assigned counts, not the machine's cores.
    ray = SimpleNamespace(is_initialized=lambda: True, get_runtime_context=lambda: SimpleNamespace(
        get_assigned_resources=lambda: {"CPU": 1.0}))
    monkeypatch.setitem(sys.modules, "ray", ray)
    assert available_cpus() == 1


def test_nnmodel_and_the_samplers_train_with_the_threads_they_are_given(threads_seen):
    X, y = _table(300)
    torch.set_num_threads(2)
    NNModel(discrete_features=[0], max_epochs=2, n_jobs=1, random_state=0).fit(X, y)
    SEDGSampler(n_synthetic=20, n_jobs=1, random_state=0, discrete_features=[0]).fit_resample(X, y)
    DGMSampler(epochs=2, n_synthetic=20, n_jobs=1, random_state=0,
               discrete_features=[0]).fit_resample(X, y)
    assert threads_seen == [1, 1, 1] and torch.get_num_threads() == 2
    # An NNModel without n_jobs inside a sampler's limit stays within it.
    with limited_threads(1):
        NNModel(discrete_features=[0], max_epochs=2, random_state=0).fit(X, y)
    assert threads_seen[-1] == 1


def test_every_class_smaller_than_its_share_keeps_all_its_rows():
    counts = np.array([50, 4000, 9000, 700, 250])
    quotas = diagnostic_quotas(counts, 2000)
    assert quotas[0] == 50 and quotas[4] == 250  # under 2000 / 5 = 400 each: all kept
    # The rest share what is left (1700) in proportion to their sizes.
    np.testing.assert_allclose(quotas[[1, 2, 3]], 1700 * counts[[1, 2, 3]] / 13700, atol=1)
    assert quotas.sum() == 2000
    y = np.repeat(np.arange(5), counts)
    rows = stratified_subsample(y, 2000, random_state=3)
    assert np.array_equal(np.bincount(y[rows]), quotas)
    assert np.array_equal(rows, stratified_subsample(y, 2000, random_state=3))


def test_diagnostics_learn_on_the_subsample_and_pess_draws_from_it(monkeypatch):
    import sedg.synthesis._context as context

    X, y = _table(900)
    fitted_rows = []
    fit = context.fit_autoencoder
    monkeypatch.setattr(context, "fit_autoencoder",
                        lambda X, **kw: fitted_rows.append(len(X)) or fit(X, **kw))
    SEDGSampler(n_synthetic=20, diagnostic_rows=200, random_state=0).fit_resample(X, y)
    assert fitted_rows == [200]
    sampler = SEDGSampler(sample_selection="pess", diagnostics="out_of_fold", n_synthetic=50,
                          classifier=DecisionTreeClassifier(random_state=0), diagnostic_rows=200,
                          feature_modification="random", random_state=0)
    sampler.fit_resample(X, y)
    assert np.isin(sampler.sources_, stratified_subsample(y, 200, random_state=0)).all()


def test_where_the_cap_does_not_bite_the_rows_made_are_the_same():
    X, y = _table(400)
    made = [SEDGSampler(n_synthetic=30, diagnostic_rows=cap, random_state=0).fit_resample(X, y)[0]
            for cap in (None, 400, 20_000)]
    assert np.array_equal(made[0], made[1]) and np.array_equal(made[0], made[2])


def test_drop_column_refits_a_smaller_ensemble_on_fewer_rows(monkeypatch):
    from sklearn.ensemble import RandomForestClassifier

    X, y = _table(6000)
    fits = []
    original = RandomForestClassifier.fit

    def spy(self, X, y, *args, **kwargs):
        fits.append((len(X), self.n_estimators))
        return original(self, X, y, *args, **kwargs)

    monkeypatch.setattr(RandomForestClassifier, "fit", spy)
    weights = importance_weights("drop_column", RandomForestClassifier(n_estimators=80, random_state=0),
                                 X, y, random_state=0)
    # 4200 fitting rows cut to max(1000, 4200 // 3) = 1400; the reference and 3 reduced
    # models, on the same rows, with 80 // 3 = 26 trees (the rows were cut).
    assert fits == [(1400, 26)] * 4
    assert weights.argmax() == 1  # the feature the classes are cut from
    fits.clear()  # a small table: its rows stay, its members are cut to 50 only
    importance_weights("drop_column", RandomForestClassifier(n_estimators=80, random_state=0),
                       X[:1000], y[:1000], random_state=0)
    assert fits == [(700, 50)] * 4


def test_a_step_budget_cuts_the_epochs_of_a_large_table():
    X, y = _table(3000)
    budgeted = DGMSampler(epochs=50, max_steps=50, guard="none", n_synthetic=10, random_state=0)
    budgeted.fit_resample(X, y)
    assert budgeted.stopped_epoch_ == 2  # 50 steps hold 2 epochs of ceil(3000 / 128) = 24
    unbudgeted = DGMSampler(epochs=3, max_steps=None, guard="none", n_synthetic=10, random_state=0)
    unbudgeted.fit_resample(X, y)
    assert unbudgeted.stopped_epoch_ == 3


def test_nnmodel_takes_a_step_budget_and_sedgs_own_embedding_sets_one():
    from sedg.memory import check_memory
    from sedg.synthesis._context import EMBEDDING_MAX_STEPS, make_embedder

    X, y = _table(3000)
    # 2700 training rows after validation, batches of 64 (about 100 per epoch, a power of
    # two): 43 steps per epoch; 100 steps hold 2 epochs, and patience never ends it first.
    model = NNModel(max_epochs=50, max_steps=100, patience=50, random_state=0).fit(X, y)
    assert model.n_epochs_ == 2
    assert NNModel(max_epochs=3, patience=50, random_state=0).fit(X, y).n_epochs_ == 3
    embedder = make_embedder("nnmodel", X[:300], y[:300], classifier=None, discrete_features=None,
                             latent_dim=None, pca=False, pca_components=None, random_state=0,
                             memory=check_memory(None))
    assert embedder.model.max_steps == EMBEDDING_MAX_STEPS


@pytest.mark.parametrize("make, name", [
    (lambda: SEDGSampler(diagnostic_rows=0), "diagnostic_rows"),
    (lambda: SEDGSampler(n_jobs=1.5), "n_jobs"),
    (lambda: DGMSampler(max_steps=0), "max_steps"),
    (lambda: DGMSampler(batch_size="big"), "batch_size"),
    (lambda: DGMSampler(diagnostic_rows=-5), "diagnostic_rows"),
])
def test_a_bad_scale_parameter_of_a_sampler_is_named_in_one_message(make, name):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = _table(60)
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter of"):
        make().fit_resample(X, y)


@pytest.mark.parametrize("params, name", [({"batch_size": 1}, "batch_size"),
                                          ({"n_jobs": "all"}, "n_jobs"),
                                          ({"max_steps": 0}, "max_steps")])
def test_a_bad_scale_parameter_of_nnmodel_is_named_in_one_message(params, name):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = _table(60)
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter of NNModel"):
        NNModel(**params).fit(X, y)


def test_smotenc_searches_dense_rows_and_makes_the_same_rows():
    from imblearn.over_sampling import SMOTENC

    from benchmarks._large_table import TARGET, make_large_table
    from sedg.datasets import encode_frame
    from sedg.nominal import smote_for

    data = encode_frame(make_large_table(3000), TARGET)  # 4 nominal, 16 other features
    nominal = data.nominal_indices
    ours = smote_for(nominal, data.X.shape[1], k_neighbors=5, random_state=0)
    theirs = SMOTENC(categorical_features=nominal, k_neighbors=5, random_state=0)
    X_ours, y_ours = ours.fit_resample(data.X, data.y)
    X_theirs, y_theirs = theirs.fit_resample(data.X, data.y)
    assert type(ours.nn_k_).__name__ == "DenseNeighbors"
    assert np.array_equal(X_ours, X_theirs) and np.array_equal(y_ours, y_theirs)


def test_permutation_importance_scores_on_at_most_its_cap_of_held_out_rows(monkeypatch):
    import sedg.synthesis._features as features

    X, y = _table(12_000)
    scored = []
    original = features.permutation_accuracy_drops
    monkeypatch.setattr(features, "permutation_accuracy_drops",
                        lambda model, X, y, **kw: scored.append(len(X)) or original(model, X, y, **kw))
    weights = importance_weights("permutation", DecisionTreeClassifier(max_depth=4, random_state=0),
                                 X, y, random_state=0)
    assert scored == [features.PERMUTATION_ROWS] and weights.argmax() == 1  # 3,600 held out


@pytest.mark.parametrize("params", [
    {"feature_selection": "importance", "feature_importance": "drop_column"},
    {"sample_selection": "pess", "diagnostics": "out_of_fold"},
    {"iterations": 2},
])
def test_no_full_classifier_fit_where_nothing_reads_it(params):
    from sedg import MemoryArtifacts

    X, y = _table(300)
    store = MemoryArtifacts()
    SEDGSampler(n_synthetic=20, classifier=DecisionTreeClassifier(random_state=0), memory=store,
                feature_modification="random", random_state=0, **params).fit_resample(X, y)
    assert "fitted_classifier" not in store.computed
