"""SEDG: synthetic embedding-based data generation (sample selection, feature selection,
embedding-guided feature modification, synthetic sample usage)."""

from __future__ import annotations

from sedg.synthesis._allocation import normalise, shortfall_counts
from sedg.synthesis._context import classifier_diagnostics, continue_training, keeps_weights
from sedg.synthesis._embeddings import (
    EMBEDDINGS,
    AutoEncoderEmbedder,
    ModelEmbedder,
    PCAEmbedder,
    fit_autoencoder,
)
from sedg.synthesis._features import (
    FEATURE_IMPORTANCES,
    FEATURE_SELECTIONS,
    MODEL_AGNOSTIC_IMPORTANCES,
    choose_features,
    imbalance_weights,
    importance_weights,
)
from sedg.synthesis._modification import FEATURE_MODIFICATIONS, candidate_values, modify
from sedg.synthesis._sampler import (
    DIAGNOSTICS,
    FEATURE_COMPARISONS,
    ITERATION_MODES,
    USAGE_STARTS,
    SEDGSampler,
)
from sedg.synthesis._selection import (
    MEMBER_PROBABILITIES,
    SAMPLE_SELECTIONS,
    member_weights,
    select_samples,
)

__all__ = [
    "DIAGNOSTICS",
    "EMBEDDINGS",
    "FEATURE_COMPARISONS",
    "FEATURE_IMPORTANCES",
    "FEATURE_MODIFICATIONS",
    "FEATURE_SELECTIONS",
    "ITERATION_MODES",
    "MEMBER_PROBABILITIES",
    "MODEL_AGNOSTIC_IMPORTANCES",
    "SAMPLE_SELECTIONS",
    "USAGE_STARTS",
    "AutoEncoderEmbedder",
    "ModelEmbedder",
    "PCAEmbedder",
    "SEDGSampler",
    "candidate_values",
    "choose_features",
    "continue_training",
    "keeps_weights",
    "classifier_diagnostics",
    "fit_autoencoder",
    "imbalance_weights",
    "importance_weights",
    "member_weights",
    "modify",
    "normalise",
    "select_samples",
    "shortfall_counts",
]
