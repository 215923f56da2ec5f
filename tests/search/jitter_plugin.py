"""A plugin method from outside the project: one module, one call.

``jitter`` duplicates random rows of the smaller classes and moves their continuous
features by Gaussian noise (imbalanced-learn's smoothed bootstrap, ``shrinkage``).
"""

from __future__ import annotations

from imblearn.over_sampling import RandomOverSampler

from search import register_method

register_method(
    "jitter",
    build=lambda params, random_state: RandomOverSampler(random_state=random_state, **params),
    space=lambda trial, options: trial.suggest_float("shrinkage", 0.0, 2.0) and None,
)
