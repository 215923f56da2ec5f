"""CTGAN, TVAE and ForestDiffusion as samplers: rows made for their classes, valid values, a
reproducible seed, and hard tables met with rows or one recorded reason."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.methods import METHODS, MethodSpec
from search.space import check_names
from sedg import MemoryArtifacts, SedgInputError
from sedg.ctgan import CTGANSampler
from sedg.forest_diffusion import ForestDiffusionSampler
from tests.sedg.test_properties import PROPERTY, Outcomes, _check, tables

#: Small enough for a test: a few seconds a fit.
SMALL = {
    "ctgan": lambda **kw: CTGANSampler(model="ctgan", epochs=30, hidden_size=16, embedding_dim=8,
                                       device="cpu", **kw),
    "tvae": lambda **kw: CTGANSampler(model="tvae", epochs=200, hidden_size=32, embedding_dim=8,
                                      device="cpu", **kw),
    "forest_diffusion": lambda **kw: ForestDiffusionSampler(n_t=4, n_estimators=5, max_depth=3,
                                                            max_rows=400, **kw),
}


def _table(seed: int = 0):
    """120 rows, 3 classes (80/30/10): a nominal code of 4 values, a count, a measurement."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], [80, 30, 10])
    X = np.column_stack([rng.integers(0, 4, y.size), rng.integers(0, 6, y.size) + y,
                         rng.normal(size=y.size) + 2 * y])
    return X.astype(float), y


@pytest.mark.parametrize("method", sorted(SMALL))
def test_rows_are_made_for_the_budget_s_classes_inside_each_column(method):
    X, y = _table()
    sampler = SMALL[method](n_synthetic=50, discrete_features=[0], random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    made, labels = X_res[len(y):], y_res[len(y):]
    assert np.bincount(labels, minlength=3).tolist() == [0, 21, 29]  # shortfall from the mode
    assert set(np.unique(made[:, 0])) <= {0.0, 1.0, 2.0, 3.0}  # a category, never between two
    assert (made[:, 1] == np.round(made[:, 1])).all()  # counts stay whole
    assert (made.min(axis=0) >= X.min(axis=0)).all() and (made.max(axis=0) <= X.max(axis=0)).all()
    again = SMALL[method](n_synthetic=50, discrete_features=[0], random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, again[0])  # an integer seed: the same rows


def test_a_fitted_synthesizer_is_reused_by_a_trial_that_changes_only_the_budget():
    X, y = _table()
    store = MemoryArtifacts()
    for n in (20, 40):
        SMALL["tvae"](n_synthetic=n, discrete_features=[0], memory=store, random_state=0).fit_resample(X, y)
    assert store.computed["synthesizer_tvae"] == 1 and store.hits["synthesizer_tvae"] == 1


def test_ctgan_says_how_often_its_own_class_column_agreed_with_the_condition():
    X, y = _table()
    sampler = SMALL["ctgan"](n_synthetic=30, discrete_features=[0], random_state=0)
    sampler.fit_resample(X, y)
    assert set(sampler.label_match_) == {1, 2}
    assert all(0.0 <= share <= 1.0 for share in sampler.label_match_.values())


def _hard_tables():
    rng = np.random.default_rng(3)
    y = np.repeat([0, 1, 2], [40, 12, 1])  # a one-row class
    base = np.column_stack([rng.integers(0, 3, y.size), rng.normal(size=y.size) + y]).astype(float)
    yield "one row in a class", base, y, [0]
    yield "a constant column", np.column_stack([base, np.full(y.size, 4.0)]), y, [0]
    yield "one category", np.column_stack([base, np.zeros(y.size)]), y, [0, 2]
    y_even = np.repeat([0, 1], [27, 26])  # a budget of 1 row: the mode's class gets none
    yield "a class given no rows", base[: y_even.size], y_even, [0]


@pytest.mark.parametrize("method", sorted(SMALL))
def test_hard_tables_get_valid_rows(method):
    """Each makes rows on each (a refusal would be one SedgInputError: see the TVAE test)."""
    for what, X, y, discrete in _hard_tables():
        sampler = SMALL[method](n_synthetic=1 if "no rows" in what else 20,
                                discrete_features=discrete, random_state=0)
        X_res, y_res = sampler.fit_resample(X, y)
        made = X_res[len(y):]
        assert len(made) == (1 if "no rows" in what else 20), what
        assert np.isfinite(made).all(), what
        assert (made.min(axis=0) >= X.min(axis=0)).all() and (made.max(axis=0) <= X.max(axis=0)).all(), what
        for column in discrete:
            assert set(np.unique(made[:, column])) <= set(np.unique(X[:, column])), what


def test_tvae_refuses_a_class_it_does_not_make_with_the_counts():
    X, y = _table()
    sampler = CTGANSampler(model="tvae", epochs=1, hidden_size=4, embedding_dim=2, max_draws=5,
                           n_synthetic=30, discrete_features=[0], device="cpu", random_state=0)
    with pytest.raises(SedgInputError, match=r"^tvae made \d+ of the \d+ rows class \d needs in 5 "
                                             r"draws \(max_draws=5\): it has not learnt that class$"):
        sampler.fit_resample(X, y)
    assert not any(hasattr(sampler, name) for name in ("generated_labels_", "draws_", "label_match_"))


@pytest.mark.parametrize(("method", "name"), [
    ("ctgan", "discrete_features"), ("tvae", "discrete_features"),
    ("forest_diffusion", "discrete_features"), ("forest_diffusion", "nominal_features")])
def test_a_column_number_out_of_range_is_one_line(method, name):
    X, y = _table()
    sampler = SMALL[method](**{name: [0, X.shape[1]]})
    with pytest.raises(SedgInputError, match=rf"^{name} \[0, 3\] out of range for 3 columns$"):
        sampler.fit_resample(X, y)


def test_a_missing_extra_is_one_line_naming_the_install():
    assert METHODS["ctgan"].extra == ("ctgan", "ctgan") and METHODS["forest_diffusion"].extra == (
        "ForestDiffusion", "forest")
    METHODS["doc_missing"] = MethodSpec("doc_missing", build=lambda p, r: None, space=lambda t, o: None,
                                        extra=("no_such_package_here", "ctgan"))
    try:
        with pytest.raises(SedgInputError) as raised:
            check_names(["none", "doc_missing"], ["random_forest"])
    finally:
        del METHODS["doc_missing"]
    assert str(raised.value) == ("method 'doc_missing' needs the no_such_package_here package: "
                                 "pip install 'sedg-search[ctgan]'")


@pytest.mark.parametrize("method", sorted(SMALL))
def test_property_suite(method):
    outcomes = Outcomes()

    @given(table=tables(), seed=st.integers(0, 3))
    @PROPERTY.__class__(parent=PROPERTY, max_examples=8)
    def check(table, seed):
        X, y, discrete = table
        _check(SMALL[method](n_synthetic=12, discrete_features=discrete, random_state=seed), X, y,
               discrete, outcomes)

    check()
    outcomes.require(method, share=0.5 if method == "tvae" else 0.6)


def test_torch_is_imported_with_the_sampler_so_the_first_fit_keeps_to_its_threads():
    """sedg.threads sizes torch's pool only once torch is imported: imported later, inside the
    first fit, that fit ran on every CPU and made other rows than the second (seen: one seed,
    two answers in one process)."""
    import subprocess
    import sys

    code = "import sys, sedg.ctgan; sedg.ctgan.CTGANSampler; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
