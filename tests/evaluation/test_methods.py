"""The method registry: one spec per method, bad specs refused with a message."""

from __future__ import annotations

import pytest

from evaluation.methods import METHODS, make_resampler, register_method
from sedg import SedgInputError
from sedg.synthesis import SAMPLE_SELECTIONS


def test_every_built_in_method_builds_with_its_defaults():
    from search._parameters import method_parameters

    for name, spec in METHODS.items():
        method_parameters(name)  # the space is explored without error
        sampler = spec.build({}, 0)
        assert (sampler is None) == (name == "none" or spec.reweights)  # none or class_weight


def test_choice_lists_are_shared_by_sampler_and_space():
    from sedg import DGMSampler, SEDGSampler

    constraint = SEDGSampler._parameter_constraints["sample_selection"][0]
    assert constraint.options == set(SAMPLE_SELECTIONS)
    assert DGMSampler._parameter_constraints["input"][0].options == {"noise", *SAMPLE_SELECTIONS}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "two words"}, "a method name must be an identifier, got 'two words'"),
    ({"name": "x", "build": None}, "method 'x': build and space must be callables"),
])
def test_bad_specs_are_refused(kwargs, message):
    spec = {"build": lambda params, random_state: None, "space": lambda trial, options: None, **kwargs}
    with pytest.raises(SedgInputError, match=message):
        register_method(spec.pop("name"), **spec)
    assert "x" not in METHODS and "two words" not in METHODS


def test_a_registered_method_is_built_by_name():
    from imblearn.over_sampling import RandomOverSampler

    register_method("test_ros", build=lambda params, random_state: RandomOverSampler(
        random_state=random_state, **params), space=lambda trial, options: None)
    try:
        sampler = make_resampler("test_ros", random_state=3, params={"shrinkage": 0.2})
        assert sampler.random_state == 3 and sampler.shrinkage == 0.2
        with pytest.raises(SedgInputError, match="invalid parameter for resampler 'test_ros'"):
            make_resampler("test_ros", params={"shrinkag": 0.2})
    finally:
        del METHODS["test_ros"]
