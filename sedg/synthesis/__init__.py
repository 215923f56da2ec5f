"""SEDG: synthetic embedding-based data generation (sample selection, feature selection,
embedding-guided feature modification, synthetic sample usage)."""

from __future__ import annotations

from sedg.synthesis._embeddings import AutoEncoderEmbedder, PCAEmbedder, fit_autoencoder
from sedg.synthesis._features import choose_features, imbalance_weights, importance_weights
from sedg.synthesis._modification import candidate_values, modify
from sedg.synthesis._sampler import SEDGSampler
from sedg.synthesis._selection import member_weights, select_samples

__all__ = [
    "AutoEncoderEmbedder",
    "PCAEmbedder",
    "SEDGSampler",
    "candidate_values",
    "choose_features",
    "fit_autoencoder",
    "imbalance_weights",
    "importance_weights",
    "member_weights",
    "modify",
    "select_samples",
]
