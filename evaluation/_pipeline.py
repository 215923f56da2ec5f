"""A configuration as one model: raw rows in, grades out, fitted exactly as the protocol fits it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from evaluation._config import EvaluationConfig
from evaluation._trial import build_resampler, fit_resampled
from evaluation.classifiers import CLASSIFIERS, make_classifier
from sedg import SedgInputError, __version__
from sedg.datasets import TableEncoder, TabularData, named_labels

__all__ = ["SynthesisPipeline", "make_pipeline"]


class SynthesisPipeline(ClassifierMixin, BaseEstimator):
    """encoder → resampler → snap → classifier: a configuration as a model of raw tables.

    imbalanced-learn's ``Pipeline`` runs its sampler only in ``fit``, as this
    does; this one also does what the protocol does between the steps, so the
    model it fits is the one :func:`evaluation.evaluate` scores on the same rows
    and seed: the resampled rows' discrete columns are snapped to valid codes,
    a warm-started SEDG sampler's own model goes on training instead of a fresh
    classifier, and a reweighting method (``class_weight``) fits the classifier
    with balanced class weights (:func:`evaluation._trial.fit_resampled`).

    Parameters
    ----------
    encoder : TableEncoder
        Raw rows (a DataFrame with the data file's columns) to the encoded matrix.
    resampler : sampler or None
        With the protocol's context set (:func:`make_pipeline` builds it).
    classifier : estimator
    config : EvaluationConfig
        The configuration (names for messages, the method's kind).
    cardinalities : dict of int to int
        Codes of each discrete feature, for snapping.
    embedding_network : NNModel, optional
        For the SEDG paper's Table 1 classifiers: the network whose input
        embedding the classifier reads, trained on the training rows before
        resampling (as the protocol trains it once per split and shares it).
    label_names : tuple of str, optional
        A word target's labels in their order: ``fit`` takes the words, the steps
        see their ranks (as the protocol does), ``predict`` answers in words.

    Attributes
    ----------
    encoder_, resampler_, classifier_ : the fitted steps
    classes_ : ndarray
        The labels, in label order (words for a word target).
    version_ : str
        The sedg-search version that fitted it; loading it under another warns.
    """

    def __init__(self, encoder, resampler, classifier, *, config: EvaluationConfig | None = None,
                 cardinalities: dict | None = None, embedding_network=None,
                 label_names: tuple | None = None) -> None:
        self.encoder = encoder
        self.resampler = resampler
        self.classifier = classifier
        self.config = config
        self.cardinalities = cardinalities
        self.embedding_network = embedding_network
        self.label_names = label_names

    @property
    def named_steps(self) -> dict:
        """The steps by name, as a scikit-learn ``Pipeline`` has them (fitted once fitted)."""
        fitted = hasattr(self, "classifier_")
        return {"encode": self.encoder_ if fitted else self.encoder,
                "resample": self.resampler_ if fitted else self.resampler,
                "classify": self.classifier_ if fitted else self.classifier}

    def fit(self, X: pd.DataFrame, y) -> SynthesisPipeline:
        y = self._ranks(np.asarray(y))
        self.encoder_ = clone(self.encoder).fit(X)
        encoded = self.encoder_.transform(X)
        self.resampler_ = clone(self.resampler) if self.resampler is not None else None
        classifier = clone(self.classifier)
        if self.embedding_network is not None:
            from sedg.synthesis import ModelEmbedder  # torch: only here

            network = clone(self.embedding_network).fit(encoded, y)
            classifier.set_params(estimator__embedder=ModelEmbedder(network))
        self.classifier_, _, _ = fit_resampled(
            self.config, self.resampler_, lambda: classifier, encoded, y, self.cardinalities or {})
        self.classes_ = named_labels(self.label_names, np.asarray(self.classifier_.classes_))
        self.version_ = __version__
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        return named_labels(self.label_names, self.classifier_.predict(self.encoder_.transform(X)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """One column per label of the training table, in label order."""
        check_is_fitted(self, "classifier_")
        return self.classifier_.predict_proba(self.encoder_.transform(X))

    def _ranks(self, y: np.ndarray) -> np.ndarray:
        if self.label_names is None:
            return y
        rank = {name: position for position, name in enumerate(self.label_names)}
        unknown = sorted({str(label) for label in y.tolist() if label not in rank})
        if unknown:
            raise SedgInputError(f"label {unknown[0]!r} is not one of the model's labels "
                                 f"({', '.join(self.label_names)})")
        return np.array([rank[label] for label in y.tolist()], dtype=np.int64)

    def __setstate__(self, state: dict) -> None:
        saved = state.get("version_")
        if saved is not None and saved != __version__:
            warnings.warn(f"this model was saved by sedg-search {saved} and is loaded by {__version__}; "
                          "refit it with this version if its predictions matter", UserWarning,
                          stacklevel=2)
        self.__dict__.update(state)


def make_pipeline(config: EvaluationConfig, data: TabularData, *, impute: bool | None = None
                  ) -> SynthesisPipeline:
    """The unfitted model of ``config`` for tables encoded like ``data``: its encoder (the
    encoding learnt from ``data``; ``impute`` defaults to whether ``data`` has missing values;
    ``fit`` takes the labels as the data file writes them, :meth:`TabularData.name_labels`),
    the resampler with the protocol's context (classifier, discrete and nominal columns) and the
    classifier, each seeded with ``config.seed``. ``data``'s rows are not kept.

    Examples
    --------
    >>> from sedg.datasets import make_grades
    >>> data = make_grades(n_samples=200)
    >>> model = make_pipeline(EvaluationConfig(classifier="blrr", resampler="smote"), data)
    >>> model.fit(data.to_frame(), data.y).predict(data.to_frame().head(2)).shape
    (2,)
    """
    seed = config.seed
    embeds = CLASSIFIERS[config.classifier].embeds
    return SynthesisPipeline(
        encoder=TableEncoder.from_data(data, impute=data.has_missing if impute is None else impute),
        resampler=build_resampler(config, data, seed, None, None),
        classifier=make_classifier(config.classifier, data, random_state=seed,
                                   params=config.classifier_params),
        config=config,
        cardinalities=dict(data.cardinalities),
        embedding_network=make_classifier("nnmodel", data, random_state=seed) if embeds else None,
        label_names=data.label_names,
    )
