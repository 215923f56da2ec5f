"""A test plugin: registers a method whose sampler always raises."""

from __future__ import annotations

from imblearn import FunctionSampler

from search import register_method


def _explode(X, y):
    raise RuntimeError("this configuration always fails")


register_method(
    "explode",
    build=lambda params, random_state: FunctionSampler(func=_explode),
    space=lambda trial, options: None,
)
