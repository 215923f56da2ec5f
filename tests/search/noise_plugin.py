"""A clearly bad method for racing tests: the training labels are shuffled."""

from __future__ import annotations

import numpy as np
from imblearn import FunctionSampler

from search import register_method


def _shuffle_labels(X, y, seed):
    return X, np.random.default_rng(seed).permutation(y)


register_method(
    "label_noise",
    build=lambda params, random_state: FunctionSampler(
        func=_shuffle_labels, kw_args={"seed": random_state}, validate=False),
    space=lambda trial, options: None,
)
