"""Shared helpers of the SEDG generator: cache keys, cached computation, probability vectors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["cached", "data_key", "estimator_key", "normalise", "shortfall_counts"]


def data_key(X: np.ndarray, y: np.ndarray) -> str:
    """A content hash of the training rows: equal data, equal artifacts."""
    digest = hashlib.sha256(np.ascontiguousarray(X, dtype=np.float64).tobytes())
    digest.update(np.asarray(y).astype(str).astype("U").tobytes())
    return digest.hexdigest()[:16]


def estimator_key(estimator) -> str:
    """A stable description of an unfitted estimator and all its parameters."""
    if estimator is None:
        return "none"
    params = estimator.get_params(deep=True)
    text = json.dumps({k: repr(v) for k, v in params.items()}, sort_keys=True)
    return f"{type(estimator).__name__}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def cached(artifacts, kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` through an artifact store when there is one (duck-typed: ``get_or_compute``)."""
    if artifacts is None:
        return compute()
    value, _ = artifacts.get_or_compute(kind, key, compute)
    return value


def normalise(weights: np.ndarray) -> np.ndarray:
    """Non-negative weights to probabilities; all zero (or not finite) gives uniform."""
    weights = np.where(np.isfinite(weights), np.clip(weights, 0.0, None), 0.0)
    total = weights.sum()
    if total <= 0:
        return np.full(weights.shape, 1.0 / weights.size)
    return weights / total


def shortfall_counts(y: np.ndarray, n_synthetic: int) -> dict:
    """Spread ``n_synthetic`` new rows over the classes in proportion to their shortfall
    from the mode (largest remainders get the rows flooring left over).

    Examples
    --------
    >>> import numpy as np
    >>> shortfall_counts(np.array([0] * 10 + [1] * 4 + [2] * 8), 30)
    {0: 0, 1: 23, 2: 7}
    """
    labels, counts = np.unique(y, return_counts=True)
    shortfall = counts.max() - counts
    if shortfall.sum() == 0:  # already balanced: spread evenly
        shortfall = np.ones_like(counts)
    share = shortfall / shortfall.sum()
    extra = np.floor(share * n_synthetic).astype(int)
    left = n_synthetic - extra.sum()
    extra[np.argsort(-(share * n_synthetic - extra), kind="stable")[:left]] += 1
    return {label: int(add) for label, add in zip(labels.tolist(), extra)}
