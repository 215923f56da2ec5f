"""Evaluation: metrics, classifiers, baseline resamplers and the paired protocol."""

from __future__ import annotations

from evaluation.artifacts import ArtifactStore, MemoryArtifacts
from evaluation.classifiers import CLASSIFIERS, make_classifier
from evaluation.metrics import METRICS, compute_metrics, improvements, minority_labels
from evaluation.protocol import EvaluationConfig, EvaluationResult, InvalidConfiguration, evaluate
from evaluation.resamplers import RESAMPLERS, make_resampler

__all__ = [
    "CLASSIFIERS",
    "METRICS",
    "RESAMPLERS",
    "ArtifactStore",
    "EvaluationConfig",
    "EvaluationResult",
    "InvalidConfiguration",
    "MemoryArtifacts",
    "compute_metrics",
    "evaluate",
    "improvements",
    "make_classifier",
    "make_resampler",
    "minority_labels",
]
