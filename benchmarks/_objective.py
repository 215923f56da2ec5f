"""The searcher benchmarks' objective: a configuration's improvement in QWK with BLRR on one
holdout of a table, each configuration evaluated once (``benchmarks.run``'s search efficiency,
``benchmarks.extend``)."""

from __future__ import annotations

import json

__all__ = ["blrr_qwk_objective"]


def blrr_qwk_objective(data):
    """``value(config) -> delta_qwk`` for flat configurations (``method`` and its parameters);
    baselines shared, every configuration computed once and cached."""
    from evaluation import EvaluationConfig, MemoryArtifacts, evaluate
    from search.recipe import resampler_params

    store, cache = MemoryArtifacts(), {}

    def value(config: dict) -> float:
        key = json.dumps(config, sort_keys=True, default=str)
        if key not in cache:
            method = config["method"]
            result = evaluate(data, EvaluationConfig(classifier="blrr", resampler=method,
                              resampler_params=resampler_params(config, method)), artifacts=store)
            cache[key] = result.deltas["delta_qwk"]
        return cache[key]

    return value
