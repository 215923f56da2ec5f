from __future__ import annotations

import numpy as np
import pytest

from evaluation._safe import SafeResampler
from evaluation.methods import METHODS, NO_RESAMPLING, make_resampler
from sedg import SedgInputError

#: Every method that resamples (class reweighting changes no row: tests/evaluation/test_class_weight.py).
RESAMPLERS = sorted(name for name, spec in METHODS.items() if name != NO_RESAMPLING and not spec.reweights)
#: The methods that only add rows (SEDG's default PaSS draws classes in proportion to their size,
#: the paper's reading, so it need not pick the 1-member class).
OVERSAMPLERS = ("random_over", "smote", "borderline_smote", "adasyn", "uniform_smote", "gmcsmote", "dgm")


@pytest.mark.parametrize("name", RESAMPLERS)
def test_every_resampler_on_student_por(student_por, name):
    sampler = make_resampler(name, random_state=0)
    X_res, y_res = sampler.fit_resample(student_por.X, student_por.y)
    assert X_res.shape[1] == student_por.X.shape[1]
    assert np.isfinite(X_res).all() and len(np.unique(y_res)) >= 2


@pytest.mark.parametrize("name", RESAMPLERS)
def test_every_resampler_survives_a_one_member_class(tiny_with_singleton, name):
    data = tiny_with_singleton
    sampler = make_resampler(name, random_state=0, params=None)
    X_res, y_res = sampler.fit_resample(data.X, data.y)
    assert len(X_res) == len(y_res)
    if name in OVERSAMPLERS:
        assert (y_res == 4).sum() > 1  # the 1-member class grew
        if isinstance(sampler, SafeResampler) and sampler.min_class_size > 0:
            assert sampler.replicated_.get(4, 0) >= 1


def test_random_under_only_touches_classes_above_the_median(student_por):
    _, y_res = make_resampler("random_under").fit_resample(student_por.X, student_por.y)
    before = student_por.class_counts
    median = int(np.median(list(before.values())))
    after = dict(zip(*np.unique(y_res, return_counts=True)))
    for label, count in before.items():
        assert after[label] == (median if count > median else count)


def test_uniform_smote_fills_every_class_to_the_mode(student_por):
    _, y_res = make_resampler("uniform_smote").fit_resample(student_por.X, student_por.y)
    assert set(np.unique(y_res, return_counts=True)[1]) == {max(student_por.class_counts.values())}


def test_n_synthetic_budget(student_por):
    _, y_res = make_resampler("smote", params={"n_synthetic": 200}).fit_resample(
        student_por.X, student_por.y
    )
    # the 1-member classes were replicated to k + 1 = 6 first: 5 + 5 + 3 + 4 rows
    assert len(y_res) - len(student_por.y) == 200 + 17


def test_unknown_resampler_and_parameter():
    with pytest.raises(SedgInputError, match="unknown resampler 'smoot'; choose one of none, "):
        make_resampler("smoot")
    with pytest.raises(SedgInputError, match="invalid parameter for resampler 'smote'"):
        make_resampler("smote", params={"neighbours": 3})
    with pytest.raises(SedgInputError, match="k_neighbors must be a positive integer, got 0"):
        make_resampler("smote", params={"k_neighbors": 0})
    with pytest.raises(SedgInputError, match="resampler 'none' takes no parameters"):
        make_resampler("none", params={"k_neighbors": 3})
