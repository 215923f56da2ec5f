"""SEDG: synthetic embedding-based data generation (sample selection, feature selection,
embedding-guided feature modification, synthetic sample usage).

Names are imported on first use: the choice lists without torch, for the search space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.synthesis._allocation import normalise, shortfall_counts, shortfall_labels
    from sedg.synthesis._choices import (
        DIAGNOSTICS,
        EMBEDDINGS,
        FEATURE_COMPARISONS,
        FEATURE_IMPORTANCES,
        FEATURE_MODIFICATIONS,
        FEATURE_SELECTIONS,
        ITERATION_MODES,
        MEMBER_PROBABILITIES,
        MODEL_AGNOSTIC_IMPORTANCES,
        SAMPLE_SELECTIONS,
        USAGE_STARTS,
    )
    from sedg.synthesis._context import classifier_diagnostics, continue_training, keeps_weights
    from sedg.synthesis._embeddings import AutoEncoderEmbedder, ModelEmbedder, PCAEmbedder, fit_autoencoder
    from sedg.synthesis._features import (
        choose_features,
        imbalance_weights,
        importance_weights,
    )
    from sedg.synthesis._modification import (
        SIMILARITY_TOLERANCE,
        candidate_values,
        modify,
        most_similar,
    )
    from sedg.synthesis._sampler import SEDGSampler
    from sedg.synthesis._selection import (
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
    "SIMILARITY_TOLERANCE",
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
    "most_similar",
    "normalise",
    "select_samples",
    "shortfall_counts",
    "shortfall_labels",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "AutoEncoderEmbedder": "sedg.synthesis._embeddings",
    "DIAGNOSTICS": "sedg.synthesis._choices",
    "EMBEDDINGS": "sedg.synthesis._choices",
    "FEATURE_COMPARISONS": "sedg.synthesis._choices",
    "FEATURE_IMPORTANCES": "sedg.synthesis._choices",
    "FEATURE_MODIFICATIONS": "sedg.synthesis._choices",
    "FEATURE_SELECTIONS": "sedg.synthesis._choices",
    "ITERATION_MODES": "sedg.synthesis._choices",
    "MEMBER_PROBABILITIES": "sedg.synthesis._choices",
    "MODEL_AGNOSTIC_IMPORTANCES": "sedg.synthesis._choices",
    "ModelEmbedder": "sedg.synthesis._embeddings",
    "PCAEmbedder": "sedg.synthesis._embeddings",
    "SAMPLE_SELECTIONS": "sedg.synthesis._choices",
    "SEDGSampler": "sedg.synthesis._sampler",
    "SIMILARITY_TOLERANCE": "sedg.synthesis._modification",
    "USAGE_STARTS": "sedg.synthesis._choices",
    "candidate_values": "sedg.synthesis._modification",
    "choose_features": "sedg.synthesis._features",
    "classifier_diagnostics": "sedg.synthesis._context",
    "continue_training": "sedg.synthesis._context",
    "fit_autoencoder": "sedg.synthesis._embeddings",
    "imbalance_weights": "sedg.synthesis._features",
    "importance_weights": "sedg.synthesis._features",
    "keeps_weights": "sedg.synthesis._context",
    "member_weights": "sedg.synthesis._selection",
    "modify": "sedg.synthesis._modification",
    "most_similar": "sedg.synthesis._modification",
    "normalise": "sedg.synthesis._allocation",
    "select_samples": "sedg.synthesis._selection",
    "shortfall_counts": "sedg.synthesis._allocation",
    "shortfall_labels": "sedg.synthesis._allocation",
})
