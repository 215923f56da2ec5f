"""Metrics of a classifier on an ordered label set, and improvements over a baseline.

Result keys, used everywhere in sedg-search: ``accuracy``, ``qwk``,
``macro_auc``, the imbalance metrics ``balanced_accuracy``, ``macro_f1`` and
``mcc`` (as imbalanced-learn, auto-sklearn and AutoSMOTE report them),
``class_auc_<label>``; improvements carry a ``delta_`` prefix, plus
``delta_minority_auc``.

Undefined values are NaN, never an exception:

- ``class_auc_<label>`` is NaN when the test part has no member of that class,
  or only members of it (one-vs-rest AUC needs both);
- ``macro_auc`` is the unweighted mean of the defined class AUCs, NaN if none is;
- ``qwk`` is NaN when the expected disagreement is zero (truth and
  predictions both a single, identical class); a class missing from the
  predictions is fine;
- ``balanced_accuracy``, ``macro_f1`` and ``mcc`` follow scikit-learn's
  definitions: recall averaged over the classes of the test part; F1 averaged
  over the classes in truth or predictions (0 for a class predicted but absent,
  or present but never predicted); MCC is 0 where scikit-learn's is (all
  predictions, or all truth, one class);
- an improvement is NaN when either side is NaN;
- ``delta_minority_auc`` is the mean of the defined class-AUC improvements of
  the minority classes (see :func:`minority_labels`), NaN if none is defined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "METRICS",
    "class_auc",
    "DEFAULT_OBJECTIVE",
    "IMPROVEMENTS",
    "compute_metrics",
    "imbalance_metrics",
    "improvements",
    "is_metric_name",
    "label_key",
    "metric_names",
    "result_names",
    "minority_labels",
    "quadratic_weighted_kappa",
]

#: The scalar metrics; per-class AUCs come on top as ``class_auc_<label>``.
METRICS = ("accuracy", "qwk", "macro_auc", "balanced_accuracy", "macro_f1", "mcc")
#: The improvements every report shows (``delta_<metric>`` = metric - baseline metric).
IMPROVEMENTS = ("delta_qwk", "delta_accuracy", "delta_macro_auc", "delta_minority_auc",
                "delta_balanced_accuracy", "delta_macro_f1", "delta_mcc")
#: What a search maximises unless told otherwise.
DEFAULT_OBJECTIVE = "delta_qwk"
_CLASS_AUC = "class_auc_"


def metric_names(labels) -> list[str]:
    """Every result key of a data set with ``labels``: metrics, baselines, improvements.

    Examples
    --------
    >>> metric_names([0, 1])[:8]
    ['accuracy', 'qwk', 'macro_auc', 'balanced_accuracy', 'macro_f1', 'mcc', 'class_auc_0', 'class_auc_1']
    """
    names = [*METRICS, *(label_key(label) for label in labels)]
    return [*names, *(f"baseline_{n}" for n in names), *(f"delta_{n}" for n in names), "delta_minority_auc"]


def result_names(labels) -> list[str]:
    """:func:`metric_names` and the standard error of every improvement (``delta_<metric>_se``)."""
    names = metric_names(labels)
    return [*names, *(f"{name}_se" for name in names if name.startswith("delta_"))]


def is_metric_name(name: str) -> bool:
    """Whether ``name`` has the shape of a result key (its label is checked against the data later).

    Examples
    --------
    >>> is_metric_name("delta_class_auc_3"), is_metric_name("delta_speed")
    (True, False)
    """
    base = name.removeprefix("delta_").removeprefix("baseline_")
    return base in METRICS or name == "delta_minority_auc" or (
        base.startswith(_CLASS_AUC) and len(base) > len(_CLASS_AUC))


def label_key(label) -> str:
    """How a label appears in result keys: ``class_auc_12``, ``class_auc_high``."""
    if isinstance(label, (float, np.floating)) and float(label).is_integer():
        label = int(label)
    return f"{_CLASS_AUC}{label}"


def _positions(labels: np.ndarray) -> np.ndarray:
    """Where each label stands on the ordinal scale: its value when numeric, else its rank."""
    if np.issubdtype(labels.dtype, np.number):
        return labels.astype(float)
    return np.arange(labels.size, dtype=float)


def quadratic_weighted_kappa(y_true, y_pred, labels) -> float:
    """Cohen's kappa with quadratic weights over the ordered label set.

    Weights are ``(v_i - v_j)^2`` with ``v`` the label values (numeric labels,
    so grades 1 and 5 are 4 apart even if 2–4 never occur) or the ranks in
    ``labels`` (other labels). NaN when the expected disagreement is zero.

    Examples
    --------
    >>> quadratic_weighted_kappa([0, 1, 2, 2], [0, 1, 2, 1], [0, 1, 2])
    0.8
    """
    labels = np.asarray(labels)
    observed = _confusion(y_true, y_pred, labels)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / max(observed.sum(), 1)
    positions = _positions(labels)
    weights = (positions[:, None] - positions[None, :]) ** 2
    denominator = float((weights * expected).sum())
    if denominator == 0.0:
        return float("nan")
    return float(1.0 - (weights * observed).sum() / denominator)


def class_auc(y_true, probabilities: np.ndarray, labels) -> np.ndarray:
    """One-vs-rest ROC AUC of every label, NaN where undefined; all columns at once.

    Uses the rank-sum (Mann–Whitney) form with average ranks for ties, which
    equals scikit-learn's ``roc_auc_score`` per column.
    """
    from scipy.stats import rankdata  # here: what reads a store needs the names, not scipy.stats

    y_true = np.asarray(y_true)
    labels = np.asarray(labels)
    positive = y_true[:, None] == labels[None, :]
    n_positive = positive.sum(axis=0).astype(float)
    n_negative = y_true.size - n_positive
    ranks = rankdata(probabilities, axis=0)
    rank_sum = (ranks * positive).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)
    auc[(n_positive == 0) | (n_negative == 0)] = np.nan
    return auc


def _confusion(y_true, y_pred, labels) -> np.ndarray:
    """Counts of (true label, predicted label) over the whole label set, in its order."""
    labels = np.asarray(labels)
    index = {label: i for i, label in enumerate(labels.tolist())}
    true_index = np.array([index[label] for label in np.asarray(y_true).tolist()], dtype=int)
    pred_index = np.array([index[label] for label in np.asarray(y_pred).tolist()], dtype=int)
    k = labels.size
    return np.bincount(true_index * k + pred_index, minlength=k * k).reshape(k, k)


def imbalance_metrics(confusion: np.ndarray) -> dict[str, float]:
    """Balanced accuracy, macro-F1 and Matthews correlation from a confusion matrix (scikit-
    learn's ``balanced_accuracy_score``, ``f1_score(average="macro")``, ``matthews_corrcoef``).

    Examples
    --------
    >>> values = imbalance_metrics(_confusion([0, 0, 1, 2], [0, 1, 1, 1], [0, 1, 2]))
    >>> {name: round(value, 4) for name, value in values.items()}
    {'balanced_accuracy': 0.5, 'macro_f1': 0.3889, 'mcc': 0.3873}
    """
    truth, predicted = confusion.sum(axis=1).astype(float), confusion.sum(axis=0).astype(float)
    hits = np.diag(confusion).astype(float)
    present = truth > 0
    recall = hits[present] / truth[present]
    seen = present | (predicted > 0)
    f1 = 2 * hits[seen] / (truth[seen] + predicted[seen])
    total, correct = truth.sum(), hits.sum()
    numerator = correct * total - predicted @ truth
    denominator = np.sqrt((total**2 - predicted @ predicted) * (total**2 - truth @ truth))
    return {
        "balanced_accuracy": float(recall.mean()) if recall.size else float("nan"),
        "macro_f1": float(f1.mean()) if f1.size else float("nan"),
        "mcc": float(numerator / denominator) if denominator > 0 else 0.0,
    }


def compute_metrics(y_true, y_pred, probabilities: np.ndarray, labels, names=None) -> dict[str, float]:
    """Every metric of one prediction: accuracy, QWK, macro-AUC, balanced accuracy, macro-F1,
    MCC and each class's AUC.

    ``probabilities`` has one column per entry of ``labels`` (the full label set
    of the data, in order), whatever classes the test part or the model saw.
    ``names`` name the classes in the keys (``class_auc_<name>``; the labels by
    default): a word target's labels are its ranks, its names the words.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    aucs = class_auc(y_true, np.asarray(probabilities, dtype=float), labels)
    defined = aucs[~np.isnan(aucs)]
    result = {
        "accuracy": float(np.mean(y_true == y_pred)),
        "qwk": quadratic_weighted_kappa(y_true, y_pred, labels),
        "macro_auc": float(defined.mean()) if defined.size else float("nan"),
        **imbalance_metrics(_confusion(y_true, y_pred, labels)),
    }
    names = np.asarray(labels) if names is None else np.asarray(names)
    result.update({label_key(name): float(auc) for name, auc in zip(names, aucs)})
    return result


def minority_labels(counts: Mapping) -> list:
    """Minority classes: those whose count is below the median class count.

    Examples
    --------
    >>> minority_labels({0: 15, 1: 1, 10: 97, 11: 104, 12: 72})
    [0, 1]
    """
    median = float(np.median(list(counts.values())))
    return [label for label, count in counts.items() if count < median]


def improvements(
    metrics: Mapping[str, float], baseline: Mapping[str, float], minority: Sequence = ()
) -> dict[str, float]:
    """``delta_<metric> = metric - baseline`` for every metric, and ``delta_minority_auc``."""
    deltas = {
        f"delta_{name}": float(metrics[name]) - float(baseline[name])
        for name in metrics
        if name in baseline
    }
    minority_deltas = np.array([deltas[f"delta_{label_key(label)}"] for label in minority])
    minority_deltas = minority_deltas[~np.isnan(minority_deltas)]
    deltas["delta_minority_auc"] = (
        float(minority_deltas.mean()) if minority_deltas.size else float("nan")
    )
    return deltas
