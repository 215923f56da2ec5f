"""What the made rows look like beside the real ones: fidelity, detection, privacy, agreement.

The measures SDMetrics and synthcity report beside a model's utility, computed with scipy and
scikit-learn on one split: the made rows against the split's real training rows, the split's
held-out rows as the reference for privacy. Rows are compared in a common design: numbers
standardised by the real training rows, nominal columns one-hot (their codes are not numbers).
At most ``max_rows`` made rows and ``max_rows`` real rows take part (drawn with ``random_state``),
so the cost stays small beside a trial's.

- ``quality_column_distance``: for each class rows were made for, the mean over columns of the
  Kolmogorov–Smirnov statistic (numbers) or the total variation distance (nominal columns)
  between that class's made and real rows, averaged over those classes (SDMetrics'
  KSComplement and TVComplement are one minus these); ``quality_column_distance_worst``: the
  class with the largest. 0: the same marginals; 1: disjoint.
- ``quality_correlation_distance``: the mean absolute difference between the pairwise Pearson
  correlations of the numeric columns in the made rows and in the real rows of those classes
  (SDMetrics' CorrelationSimilarity is one minus half of it).
- ``quality_detection_auc``: the cross-validated ROC AUC of a logistic regression telling the
  real rows of those classes from the made rows (SDMetrics' LogisticDetection reports
  ``1 - 2 * max(AUC - 0.5, 0)``): 0.5 indistinguishable, 1 told apart every time.
- ``quality_dcr_close_share``: the share of made rows whose distance to the closest real training
  row is at most the 5th percentile of the held-out real rows' distances to the training rows
  (synthcity's and SDMetrics' distance to closest record, against the held-out baseline): about
  0.05 for rows as new as unseen real ones, 1 for copies of training rows.
- ``quality_label_agreement``: the share of made rows that a 5-nearest-neighbour classifier
  trained on the real training rows assigns to the class they were made for.

Every measure is NaN where it cannot be computed (no rows made, a class with too few rows).
"""

from __future__ import annotations

import numpy as np

__all__ = ["QUALITY_COLUMNS", "made_row_quality", "mean_quality"]

#: The columns :func:`made_row_quality` returns, in order.
QUALITY_COLUMNS = ("quality_column_distance", "quality_column_distance_worst",
                   "quality_correlation_distance", "quality_detection_auc",
                   "quality_dcr_close_share", "quality_label_agreement")
#: The held-out percentile a made row's distance to the training rows is compared with.
DCR_PERCENTILE = 5.0


def made_row_quality(X_train: np.ndarray, y_train: np.ndarray, X_holdout: np.ndarray,
                     X_made: np.ndarray, y_made: np.ndarray, nominal=(), *, max_rows: int = 500,
                     random_state: int = 0) -> dict[str, float]:
    """The measures of the module's docstring for one split's made rows.

    Parameters
    ----------
    X_train, y_train : real training rows and labels.
    X_holdout : real rows the generator never saw (the split's test rows).
    X_made, y_made : the rows made and the classes they were made for.
    nominal : indices of the nominal columns (integer codes).
    max_rows : at most this many made and this many real rows take part.
    random_state : seed of the subsamples and of the detection's folds.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(400, 3)), np.repeat([0, 1], 200)
    >>> copies = made_row_quality(X, y, rng.normal(size=(100, 3)), X[:50], y[:50])
    >>> copies["quality_dcr_close_share"]
    1.0
    """
    rng = np.random.default_rng(random_state)
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    X_made, y_made = np.asarray(X_made, dtype=float), np.asarray(y_made)
    quality = dict.fromkeys(QUALITY_COLUMNS, float("nan"))
    if len(y_made) == 0:
        return quality
    made = _subsample(len(y_made), max_rows, rng)
    X_made, y_made = X_made[made], y_made[made]
    nominal = sorted(int(index) for index in nominal)
    numeric = [index for index in range(X_train.shape[1]) if index not in set(nominal)]
    classes = np.unique(y_made)
    real_of_classes = np.isin(y_train, classes)
    real = np.flatnonzero(real_of_classes)[_subsample(int(real_of_classes.sum()), max_rows, rng)]

    distances = [_column_distance(X_train[y_train == label], X_made[y_made == label], numeric, nominal)
                 for label in classes]
    if distances:
        quality["quality_column_distance"] = float(np.mean(distances))
        quality["quality_column_distance_worst"] = float(np.max(distances))
    quality["quality_correlation_distance"] = _correlation_distance(X_train[real], X_made, numeric)
    design = _Design(X_train, numeric, nominal)
    train, made_design = design(X_train), design(X_made)
    quality["quality_detection_auc"] = _detection_auc(design(X_train[real]), made_design, random_state)
    quality["quality_dcr_close_share"] = _dcr_close_share(train, design(np.asarray(X_holdout, float)),
                                                          made_design)
    quality["quality_label_agreement"] = _label_agreement(train, y_train, made_design, y_made)
    return quality


def _subsample(count: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(count) if count <= limit else np.sort(rng.choice(count, size=limit, replace=False))


def _column_distance(real: np.ndarray, made: np.ndarray, numeric: list[int], nominal: list[int]) -> float:
    """Mean over columns of the KS statistic (numbers) or total variation distance (nominal)."""
    if len(real) == 0 or len(made) == 0:
        return float("nan")
    values = [_ks(real[:, index], made[:, index]) for index in numeric]
    for index in nominal:
        categories, codes = np.unique(np.concatenate([real[:, index], made[:, index]]), return_inverse=True)
        p = np.bincount(codes[:len(real)], minlength=len(categories)) / len(real)
        q = np.bincount(codes[len(real):], minlength=len(categories)) / len(made)
        values.append(0.5 * float(np.abs(p - q).sum()))
    return float(np.mean(values)) if values else float("nan")


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov–Smirnov statistic (scipy's ``ks_2samp(a, b).statistic``)."""
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, points, side="right") / len(a)
                               - np.searchsorted(b, points, side="right") / len(b))))


def _correlation_distance(real: np.ndarray, made: np.ndarray, numeric: list[int]) -> float:
    if len(numeric) < 2 or len(real) < 3 or len(made) < 3:
        return float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.corrcoef(real[:, numeric], rowvar=False)
        second = np.corrcoef(made[:, numeric], rowvar=False)
    upper = np.triu_indices(len(numeric), k=1)
    differences = np.abs(first[upper] - second[upper])
    differences = differences[np.isfinite(differences)]  # a constant column has no correlation
    return float(differences.mean()) if differences.size else float("nan")


class _Design:
    """Rows as a model sees them: numbers standardised by the real rows, nominal codes one-hot."""

    def __init__(self, reference: np.ndarray, numeric: list[int], nominal: list[int]) -> None:
        self.numeric, self.nominal = numeric, nominal
        self.mean = reference[:, numeric].mean(axis=0) if numeric else np.zeros(0)
        scale = reference[:, numeric].std(axis=0) if numeric else np.zeros(0)
        self.scale = np.where(scale > 0, scale, 1.0)
        self.categories = [np.unique(reference[:, index]) for index in nominal]

    def __call__(self, X: np.ndarray) -> np.ndarray:
        parts = [(X[:, self.numeric] - self.mean) / self.scale]
        parts += [(X[:, [index]] == categories[None, :]).astype(float)
                  for index, categories in zip(self.nominal, self.categories)]
        return np.hstack(parts) if parts else np.zeros((len(X), 0))


def _detection_auc(real: np.ndarray, made: np.ndarray, random_state: int) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    if min(len(real), len(made)) < 3 or real.shape[1] == 0:
        return float("nan")
    X = np.vstack([real, made])
    y = np.r_[np.zeros(len(real)), np.ones(len(made))]
    folds = StratifiedKFold(3, shuffle=True, random_state=random_state)
    scores = cross_val_predict(LogisticRegression(max_iter=500), X, y, cv=folds, method="predict_proba")[:, 1]
    return float(roc_auc_score(y, scores))


def _nearest(reference: np.ndarray, X: np.ndarray) -> np.ndarray:
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(n_neighbors=1).fit(reference).kneighbors(X)[0][:, 0]


def _dcr_close_share(train: np.ndarray, holdout: np.ndarray, made: np.ndarray) -> float:
    if len(holdout) == 0 or train.shape[1] == 0:
        return float("nan")
    threshold = np.percentile(_nearest(train, holdout), DCR_PERCENTILE)
    return float(np.mean(_nearest(train, made) <= threshold + 1e-9))


def _label_agreement(train: np.ndarray, y_train: np.ndarray, made: np.ndarray, y_made: np.ndarray) -> float:
    from sklearn.neighbors import KNeighborsClassifier

    if len(y_train) < 5 or train.shape[1] == 0:
        return float("nan")
    predicted = KNeighborsClassifier(n_neighbors=5).fit(train, y_train).predict(made)
    return float(np.mean(predicted == y_made))


def mean_quality(per_split: list[dict[str, float]]) -> dict[str, float]:
    """Each measure's mean over the splits that have it (NaN where none has).

    Examples
    --------
    >>> mean_quality([{"quality_detection_auc": 0.6}, {"quality_detection_auc": 0.8}, {}])[
    ...     "quality_detection_auc"]
    0.7
    """
    means = {}
    for column in QUALITY_COLUMNS:
        values = [split[column] for split in per_split if np.isfinite(split.get(column, np.nan))]
        means[column] = float(np.mean(values)) if values else float("nan")
    return means
