"""Evaluation: metrics, classifiers, methods (one spec each) and the paired protocol."""

from __future__ import annotations

from evaluation._embedding import EmbeddingClassifier
from evaluation.classifiers import CLASSIFIERS, make_classifier
from evaluation.methods import METHODS, MethodSpec, make_resampler, register_method
from evaluation.metrics import METRICS, compute_metrics, improvements, minority_labels
from evaluation.protocol import EvaluationConfig, EvaluationResult, InvalidConfiguration, evaluate
from sedg import MemoryArtifacts
from sedg._memory import ArtifactStore

__all__ = [
    "CLASSIFIERS",
    "METHODS",
    "METRICS",
    "ArtifactStore",
    "EmbeddingClassifier",
    "EvaluationConfig",
    "EvaluationResult",
    "InvalidConfiguration",
    "MemoryArtifacts",
    "MethodSpec",
    "compute_metrics",
    "evaluate",
    "improvements",
    "make_classifier",
    "make_resampler",
    "minority_labels",
    "register_method",
]
