"""One point of the design space, as the protocol evaluates it: names, parameters, splits, seeds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evaluation.classifiers import CLASSIFIERS
from evaluation.methods import METHODS
from evaluation.splits import (
    DEFAULT_PROTOCOL,
    N_FOLDS,
    PROTOCOLS,
    REPEATS,
    SEARCH_STREAM,
    TEST_SIZE,
    make_splits,
    split_seeds,
)
from sedg import SedgInputError
from sedg.datasets import TabularData

__all__ = ["EvaluationConfig"]


@dataclass(frozen=True)
class EvaluationConfig:
    """One point of the design space, validated on creation.

    Parameters
    ----------
    classifier : str
        A name of ``evaluation.classifiers.CLASSIFIERS``.
    resampler : str or sampler
        ``"none"``, a name of ``evaluation.methods.METHODS``, or any
        object with ``fit_resample`` (an SEDG or DGM sampler, a Pipeline step).
    resampler_params, classifier_params : dict
    protocol : {"repeated_holdout", "repeated_cv", "holdout", "cv"}
        ``holdout`` and ``cv`` are the papers' protocols (one seed); the
        repeated ones (the default) average improvements over ``repeats``
        paired splits and report their standard errors.
    seed : int
        Seeds the split, the classifier and the resampler (per repeat, a seed
        derived from it: :func:`evaluation.splits.split_seeds`).
    test_size : float
        Holdout test share (the SEDG paper's 40 %).
    n_folds : int
        Folds for ``cv`` (the GMCSMOTE paper's 5).
    repeats : int
        Repeats of a repeated protocol.
    stream : int
        The seed stream (:mod:`evaluation.splits`): ``SEARCH_STREAM`` for the
        search's splits, ``CONFIRM_STREAM`` for fresh ones, ``FINAL_STREAM``
        for the fit a final-test part scores.

    Examples
    --------
    >>> EvaluationConfig(classifier="blrr", resampler="gmcsmote").protocol
    'repeated_holdout'
    """

    classifier: str = "random_forest"
    resampler: Any = "none"
    resampler_params: dict = field(default_factory=dict)
    classifier_params: dict = field(default_factory=dict)
    protocol: str = DEFAULT_PROTOCOL
    seed: int = 0
    test_size: float = TEST_SIZE
    n_folds: int = N_FOLDS
    repeats: int = REPEATS
    stream: int = SEARCH_STREAM

    def __post_init__(self) -> None:
        if self.classifier not in CLASSIFIERS:
            raise SedgInputError(
                f"unknown classifier {self.classifier!r}; choose one of {', '.join(CLASSIFIERS)}"
            )
        if isinstance(self.resampler, str):
            if self.resampler not in METHODS:
                raise SedgInputError(
                    f"unknown resampler {self.resampler!r}; choose one of {', '.join(METHODS)}"
                )
        elif not hasattr(self.resampler, "fit_resample"):
            raise SedgInputError("resampler must be a name or an object with fit_resample")
        if self.protocol not in PROTOCOLS:
            raise SedgInputError(f"unknown protocol {self.protocol!r}; choose {' or '.join(PROTOCOLS)}")
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise SedgInputError(f"seed must be a non-negative integer, got {self.seed!r}")
        if not 0.0 < float(self.test_size) < 1.0:
            raise SedgInputError(f"test_size must be between 0 and 1, got {self.test_size!r}")
        if not isinstance(self.n_folds, (int, np.integer)) or self.n_folds < 2:
            raise SedgInputError(f"n_folds must be an integer >= 2, got {self.n_folds!r}")
        if not isinstance(self.repeats, (int, np.integer)) or self.repeats < 1:
            raise SedgInputError(f"repeats must be an integer >= 1, got {self.repeats!r}")

    @property
    def resampler_name(self) -> str:
        return self.resampler if isinstance(self.resampler, str) else type(self.resampler).__name__

    @property
    def test_train_ratio(self) -> float:
        """n_test / n_train of the protocol's splits, for the corrected standard errors
        (:func:`evaluation.results.standard_errors`): 0.4 / 0.6 for the 60/40 holdout,
        1 / (K − 1) for K folds.

        Examples
        --------
        >>> round(EvaluationConfig(protocol="repeated_cv").test_train_ratio, 4)
        0.25
        """
        if "holdout" in self.protocol:
            return float(self.test_size) / (1.0 - float(self.test_size))
        return 1.0 / (self.n_folds - 1)

    def splits(self, y) -> list[tuple[np.ndarray, np.ndarray]]:
        return make_splits(y, self.protocol, seed=self.seed, test_size=self.test_size,
                           n_folds=self.n_folds, repeats=self.repeats, stream=self.stream)

    def split_seeds(self) -> list[int]:
        return split_seeds(self.protocol, self.seed, n_folds=self.n_folds, repeats=self.repeats,
                           stream=self.stream)

    def baseline_key(self, data: TabularData, split: int, split_seed: int) -> str:
        """Everything a baseline depends on: data, split, classifier and the split's seed."""
        scheme = f"holdout{self.test_size}" if "holdout" in self.protocol else f"cv{self.n_folds}"
        params = json.dumps(self.classifier_params, sort_keys=True, default=str)
        return (f"{data.fingerprint}|{self.protocol}|{scheme}|stream{self.stream}|split{split}|"
                f"{self.classifier}|{params}|seed{split_seed}")
