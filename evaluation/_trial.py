"""One trial's pieces for the protocol: its classifier and resampler, built, fitted, run."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from evaluation._config import EvaluationConfig
from evaluation.classifiers import CLASSIFIERS, make_classifier
from evaluation.methods import make_resampler
from sedg import SedgInputError
from sedg._memory import data_key
from sedg.datasets import TabularData

__all__ = [
    "InvalidConfiguration", "build_classifier", "build_resampler", "fit", "resample",
    "resampler_info",
]


class InvalidConfiguration(SedgInputError):
    """A configuration that cannot run on this data (bad parameter value); retrying won't help."""


def build_classifier(config: EvaluationConfig, data: TabularData, seed: int, train, artifacts):
    """The trial's classifier; one on NNModel's embedding gets the split's shared network."""
    model = make_classifier(config.classifier, data, random_state=seed, params=config.classifier_params)
    if CLASSIFIERS[config.classifier].embeds:
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
