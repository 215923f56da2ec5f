"""A test plugin: registers a method whose sampler always raises."""

from __future__ import annotations

from imblearn import FunctionSampler

from evaluation.resamplers import RESAMPLERS, ResamplerSpec
from search.space import register_space


def _explode(X, y):
    raise RuntimeError("this configuration always fails")


RESAMPLERS["explode"] = ResamplerSpec(lambda seed, **params: FunctionSampler(func=_explode), "over")


@register_space("explode")
def _explode_space(trial, options: dict) -> None:
    return None
