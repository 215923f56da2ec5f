"""Column types of the results store, derived from the search space itself.

Every row file of an experiment carries the same columns, so that
``pandas.read_parquet(results_dir)`` sees every parameter: pyarrow takes a
data set's schema from one file. The parameter columns are the ones the search
space can suggest (:mod:`search._parameters`).
"""

from __future__ import annotations

import pyarrow as pa

from evaluation.quality import QUALITY_COLUMNS
from search._parameters import classifier_parameters, method_parameters

__all__ = ["CORE_COLUMNS", "EVALUATION_COLUMNS", "evaluations_schema", "results_schema"]

#: One row per (trial, split): which split, its seed, and whether the search or a
#: confirmation evaluated it; the metric columns follow.
EVALUATION_COLUMNS: dict[str, pa.DataType] = {
    "trial_id": pa.string(),
    "phase": pa.string(),
    "split": pa.int64(),
    "seed": pa.int64(),
}

CORE_COLUMNS: dict[str, pa.DataType] = {
    "trial_id": pa.string(),
    "status": pa.string(),
    "error": pa.string(),
    "traceback": pa.string(),
    "method": pa.string(),
    "fallback": pa.string(),
    "nominal": pa.string(),  # how an interpolating method treated nominal features
    "classifier": pa.string(),
    "protocol": pa.string(),
    "seed": pa.int64(),
    "dataset": pa.string(),
    "dataset_fingerprint": pa.string(),
    "node_id": pa.string(),
    "cpu_share": pa.float64(),
    "gpu_share": pa.float64(),
    "finished_at": pa.string(),
    "n_train": pa.int64(),
    "synthetic_rows": pa.int64(),
    "n_folds": pa.int64(),
    "n_splits": pa.int64(),
    "baseline_cache_hits": pa.int64(),
    "artifacts_reused": pa.string(),
    "resampler_info": pa.string(),
    "imputed": pa.string(),
    "time_data": pa.float64(),
    "time_baseline": pa.float64(),
    "time_resample": pa.float64(),
    "time_fit": pa.float64(),
    "time_score": pa.float64(),
    "time_total": pa.float64(),
    "time_wait": pa.float64(),  # blocked while another trial computed a shared artifact
    "time_quality": pa.float64(),  # measuring the rows made (evaluation.quality)
    **{name: pa.float64() for name in QUALITY_COLUMNS},
}


def results_schema(methods, metric_names, classifiers=()) -> pa.Schema:
    """Core columns, every parameter of ``methods`` (and of ``classifiers``, when they are
    tuned), then the metric columns (float)."""
    fields = dict(CORE_COLUMNS)
    for method in methods:
        for name, kind in method_parameters(method).items():
            fields.setdefault(name, kind)
    for classifier in classifiers:
        for name, kind in classifier_parameters(classifier).items():
            fields.setdefault(name, kind)
    for name in metric_names:
        fields.setdefault(name, pa.float64())
    return pa.schema(list(fields.items()))


def evaluations_schema(metric_names) -> pa.Schema:
    """The per-split store: identification, then every metric, baseline metric and improvement."""
    fields = dict(EVALUATION_COLUMNS)
    fields.update({name: pa.float64() for name in metric_names if not name.endswith("_se")})
    return pa.schema(list(fields.items()))
