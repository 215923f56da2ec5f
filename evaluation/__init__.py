"""Evaluation: metrics, classifiers, methods (one spec each) and the paired protocol.

Names are imported on first use, so a light module (``evaluation.splits``) loads alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from evaluation._config import EvaluationConfig
    from evaluation._embedding import EmbeddingClassifier
    from evaluation._pipeline import SynthesisPipeline, make_pipeline
    from evaluation._trial import InvalidConfiguration
    from evaluation.classifiers import CLASSIFIERS, make_classifier
    from evaluation.methods import METHODS, MethodSpec, make_resampler, register_method
    from evaluation.metrics import METRICS, compute_metrics, improvements, minority_labels
    from evaluation.protocol import evaluate, resample_split
    from evaluation.results import EvaluationResult
    from sedg import MemoryArtifacts
    from sedg.memory import ArtifactStore

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
    "SynthesisPipeline",
    "compute_metrics",
    "evaluate",
    "improvements",
    "make_classifier",
    "make_pipeline",
    "make_resampler",
    "minority_labels",
    "register_method",
    "resample_split",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "CLASSIFIERS": "evaluation.classifiers",
    "METHODS": "evaluation.methods",
    "METRICS": "evaluation.metrics",
    "ArtifactStore": "sedg.memory",
    "EmbeddingClassifier": "evaluation._embedding",
    "EvaluationConfig": "evaluation._config",
    "EvaluationResult": "evaluation.results",
    "InvalidConfiguration": "evaluation._trial",
    "MemoryArtifacts": "sedg.memory",
    "MethodSpec": "evaluation.methods",
    "SynthesisPipeline": "evaluation._pipeline",
    "compute_metrics": "evaluation.metrics",
    "evaluate": "evaluation.protocol",
    "improvements": "evaluation.metrics",
    "make_classifier": "evaluation.classifiers",
    "make_pipeline": "evaluation._pipeline",
    "make_resampler": "evaluation.methods",
    "minority_labels": "evaluation.metrics",
    "register_method": "evaluation.methods",
    "resample_split": "evaluation.protocol",
})
