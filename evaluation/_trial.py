"""One trial's pieces for the protocol: its classifier and resampler, built, fitted, run."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from evaluation._config import EvaluationConfig
from evaluation._weights import balanced_weights
from evaluation.classifiers import CLASSIFIERS, make_classifier
from evaluation.methods import METHODS, make_resampler
from sedg import SedgInputError
from sedg.datasets import TabularData
from sedg.datasets.base import snap_codes
from sedg.memory import data_key

__all__ = [
    "InvalidConfiguration", "build_classifier", "build_resampler", "fit", "fit_resampled", "resample",
    "resampler_info",
]


class InvalidConfiguration(SedgInputError):
    """A configuration that cannot run on this data (bad parameter value); retrying won't help."""


def build_classifier(config: EvaluationConfig, data: TabularData, seed: int, train, artifacts):
    """The trial's classifier; one on NNModel's embedding gets the split's shared network (without
    a store, it trains its own on the rows it is fitted on: the same network)."""
    model = make_classifier(config.classifier, data, random_state=seed, params=config.classifier_params)
    if CLASSIFIERS[config.classifier].embeds and artifacts is not None:
        X_train, y_train = train

        def fit_network():
            from sedg.synthesis import ModelEmbedder  # torch: only here

            network = make_classifier("nnmodel", data, random_state=seed)
            return ModelEmbedder(network.fit(X_train, y_train))

        key = f"{data_key(X_train, y_train)}|seed{seed}"
        embedder, _ = artifacts.get_or_compute("nnmodel_embedding", key, fit_network)
        model.set_params(estimator__embedder=embedder)
    return model


def build_resampler(config: EvaluationConfig, data: TabularData, seed: int, artifacts, train):
    if isinstance(config.resampler, str):
        sampler = make_resampler(config.resampler, random_state=seed, params=config.resampler_params)
    else:
        sampler = clone(config.resampler)
        if config.resampler_params:
            sampler.set_params(**config.resampler_params)
    # The protocol's context: samplers that learn from the classifier (SEDG, DGMs) get the
    # trial's classifier, the data's discrete columns and the shared store as their ``memory``
    # (a handle: cloning keeps it shared); interpolating ones its nominal columns, unless they
    # were given their own.
    if sampler is not None and hasattr(sampler, "get_params"):
        params = sampler.get_params(deep=False)
        context = {
            "classifier": lambda: build_classifier(config, data, seed, train, artifacts),
            "discrete_features": lambda: data.discrete_indices,
            "nominal_features": lambda: data.nominal_indices,
            "memory": lambda: artifacts,
        }
        sampler.set_params(**{
            name: make() for name, make in context.items() if name in params and params[name] is None
        })
    return sampler


def fit(model, X: np.ndarray, y: np.ndarray, config: EvaluationConfig, sample_weight=None) -> None:
    try:
        if sample_weight is None:
            model.fit(X, y)
        else:
            model.fit(X, y, sample_weight=sample_weight)
    except InvalidParameterError as error:
        raise InvalidConfiguration(f"classifier {config.classifier!r}: {error}") from None


def resample(sampler, X: np.ndarray, y: np.ndarray, config: EvaluationConfig):
    try:
        X_res, y_res = sampler.fit_resample(X, y)
    except (InvalidParameterError, SedgInputError) as error:
        raise InvalidConfiguration(f"resampler {config.resampler_name!r}: {error}") from None
    if np.unique(y_res).size < 2:
        raise InvalidConfiguration(
            f"resampler {config.resampler_name!r} left {len(y_res)} rows of "
            f"{np.unique(y_res).size} class(es); nothing to train on"
        )
    return X_res, y_res


def resampler_info(sampler) -> dict:
    """What the resampler adapted: replicated classes, neighbours used, fallbacks."""
    info = {}
    for source in (sampler, getattr(sampler, "sampler_", None)):
        for name in ("replicated_", "k_neighbors_", "fallback_", "nominal_", "stopped_epoch_"):
            if source is not None and getattr(source, name, None) not in (None, {}):
                info[name.rstrip("_")] = getattr(source, name)
    return info


def fit_resampled(config: EvaluationConfig, sampler, classifier: Callable[[], object], X: np.ndarray,
                  y: np.ndarray, cardinalities: dict[int, int], timings: dict | None = None):
    """The fit of a configuration on training rows, as the protocol scores it and ``export``
    saves it: ``(model, X_res, y_res)``.

    The sampler resamples the rows (discrete columns snapped to valid codes; no sampler: the
    rows as they are) and a fresh ``classifier()`` is fitted on the result; under warm start
    the sampler's own model goes on training instead; a reweighting method (``class_weight``)
    fits on the rows themselves with balanced class weights.
    """
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    if isinstance(config.resampler, str) and METHODS[config.resampler].reweights:
        model = classifier()
        fit(model, X, y, config, sample_weight=balanced_weights(y))
        timings["fit"] = timings.get("fit", 0.0) + time.perf_counter() - started
        return model, X, y
    if sampler is None:  # no resampling: the baseline's own fit
        X_res, y_res = X, y
    else:
        X_res, y_res = resample(sampler, X, y, config)
        X_res = snap_codes(X_res, cardinalities)
    timings["resample"] = timings.get("resample", 0.0) + time.perf_counter() - started
    started = time.perf_counter()
    model = getattr(sampler, "warm_start_model_", None)
    if model is not None:  # warm start: one more fit, continuing the sampler's weights
        from sedg.synthesis import continue_training

        continue_training(model, X_res, y_res)
    else:
        model = classifier()
        fit(model, X_res, y_res, config)
    timings["fit"] = timings.get("fit", 0.0) + time.perf_counter() - started
    return model, X_res, y_res
