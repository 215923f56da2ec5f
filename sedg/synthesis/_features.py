"""Feature selection (SEDG paper, Section 3.2): random, feature imbalance, feature importance."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from sedg._errors import SedgInputError
from sedg._subsample import stratified_subsample
from sedg.synthesis._allocation import normalise

__all__ = [
    "choose_features", "imbalance_weights", "importance_weights", "permutation_accuracy_drops",
    "two_means_gap",
]

#: Fewest rows each drop-column refit uses when the table is cut down for them.
DROP_COLUMN_ROWS = 1_000
#: Most held-out rows permutation importance scores on.
PERMUTATION_ROWS = 2_000
#: Times each feature is shuffled for permutation importance (scikit-learn's default).
PERMUTATION_REPEATS = 5
#: Most cells of shuffled copies predicted in one call (16 MiB of float64).
PERMUTATION_BATCH_CELLS = 2**21
#: Most members an ensemble refits with for drop-column importance.
DROP_COLUMN_MEMBERS = 50
#: Fewest members an ensemble refits with when a large table's refits are cut further.
DROP_COLUMN_MIN_MEMBERS = 10


def two_means_gap(counts: np.ndarray) -> float:
    """Distance between the two k-means (k=2) centroids of 1-D counts, over the largest count.

    In one dimension the optimal 2-means split is a cut of the sorted values,
    so every cut is tried (exact, no random restarts). One distinct count: 0.
    """
    values = np.sort(np.asarray(counts, dtype=float))
    if values.size < 2 or values[0] == values[-1]:
        return 0.0
    prefix, prefix_sq = np.cumsum(values), np.cumsum(values**2)
    n = values.size
    left = np.arange(1, n)
    left_sum, left_sq = prefix[:-1], prefix_sq[:-1]
    right_sum, right_sq = prefix[-1] - left_sum, prefix_sq[-1] - left_sq
    sse = (left_sq - left_sum**2 / left) + (right_sq - right_sum**2 / (n - left))
    cut = int(np.argmin(sse))
    gap = right_sum[cut] / (n - left[cut]) - left_sum[cut] / left[cut]
    return float(gap / values[-1])


def imbalance_weights(X: np.ndarray) -> np.ndarray:
    """Per feature: counts of each distinct value, 2-means gap ratio; normalised to probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.r_[np.zeros(95), np.ones(5)], np.r_[np.zeros(50), np.ones(50)]])
    >>> weights = imbalance_weights(X)
    >>> bool(weights[0] > weights[1])
    True
    """
    ratios = np.array(
        [two_means_gap(np.unique(X[:, j], return_counts=True)[1]) for j in range(X.shape[1])]
    )
    return normalise(ratios)


def _fitted_importances(model) -> np.ndarray | None:
    for candidate in (model, getattr(model, "estimator_", None)):
        values = getattr(candidate, "feature_importances_", None)
        if values is not None:
            return np.asarray(values, dtype=float)
    return None


def importance_weights(
    kind: str, classifier, X: np.ndarray, y: np.ndarray, *, random_state: int = 0
) -> np.ndarray:
    """Feature importances of ``classifier`` on the training rows, as probabilities.

    - ``mdi``: mean decrease in impurity (tree-based classifiers only);
    - ``permutation``: drop in accuracy on a held-out 30 % of the training
      rows when one feature is shuffled (5 repeats) — never the test part;
      scored on a stratified ``PERMUTATION_ROWS`` of them when there are more
      (:func:`permutation_accuracy_drops`: scikit-learn's numbers, from fewer
      and larger predictions);
    - ``drop_column``: accuracy of the model on that held-out part minus the
      accuracy of a model refitted with the feature held constant (one fit per
      feature; constant rather than removed so every classifier refits as is).
      The refits are made cheaper, the reference model alike, so the
      comparison stays paired: with more than ``DROP_COLUMN_ROWS`` fitting
      rows they are fitted on the same stratified
      ``max(DROP_COLUMN_ROWS, rows // n_features)`` of them, and an ensemble
      (any ``n_estimators``) refits with at most ``DROP_COLUMN_MEMBERS``
      members. When the rows are cut, the members are cut further to the
      classifier's own ÷ ``n_features`` (at least ``DROP_COLUMN_MIN_MEMBERS``),
      so the refits together grow about as many trees as the classifier once:
      a boosted model's cost on a thousand rows is per tree more than per row
      (at 10^5 rows, SEDG with 21 refits of 50 XGBoost members resampled in
      5.8 s beside one full fit of 4.9 s). Together the refits then cost about one fit of the
      classifier rather than ``n_features`` (a deviation a table of more than
      about 1,400 rows or a larger ensemble sees; the ranking of features,
      which is all the weights use, needs no more).

    Negative importances count as zero.
    """
    if kind == "mdi":
        values = _fitted_importances(clone(classifier).fit(X, y))
        if values is None:
            raise SedgInputError(
                "feature_importance='mdi' needs a tree-based classifier with feature_importances_"
            )
        return normalise(values)
    fit_rows, held_rows = _held_out(kind, y, random_state)
    if kind == "drop_column":  # the refits' rows (see above); the held-out part stays whole
        kept = stratified_subsample(y[fit_rows], max(DROP_COLUMN_ROWS, fit_rows.size // X.shape[1]),
                                    random_state)
        fit_rows = fit_rows if kept is None else fit_rows[kept]
        classifier = _fewer_members(classifier, None if kept is None else X.shape[1])
    X_fit, X_hold, y_fit, y_hold = X[fit_rows], X[held_rows], y[fit_rows], y[held_rows]
    model = clone(classifier).fit(X_fit, y_fit)
    if kind == "permutation":
        kept = stratified_subsample(y_hold, PERMUTATION_ROWS, random_state)
        if kept is not None:
            X_hold, y_hold = X_hold[kept], y_hold[kept]
        return normalise(permutation_accuracy_drops(model, X_hold, y_hold, random_state=random_state))
    if kind == "drop_column":
        reference = _accuracy(model, X_hold, y_hold)
        drops = np.empty(X.shape[1])
        for j in range(X.shape[1]):
            # "Dropped" as a constant column (its most common value): the model's
            # input layout stays the same, so any classifier pipeline refits unchanged.
            values, counts = np.unique(X_fit[:, j], return_counts=True)
            fit_j, hold_j = X_fit.copy(), X_hold.copy()
            fit_j[:, j] = hold_j[:, j] = values[counts.argmax()]
            reduced = clone(classifier).fit(fit_j, y_fit)
            drops[j] = reference - _accuracy(reduced, hold_j, y_hold)
        return normalise(drops)
    raise ValueError(f"unknown feature importance {kind!r}")


def permutation_accuracy_drops(
    model, X: np.ndarray, y: np.ndarray, *, n_repeats: int = PERMUTATION_REPEATS, random_state: int = 0
) -> np.ndarray:
    """Mean drop in ``model``'s accuracy on ``(X, y)`` when each feature is shuffled.

    The numbers of scikit-learn's ``permutation_importance(model, X, y,
    scoring="accuracy", n_repeats=n_repeats, random_state=random_state).importances_mean``:
    the same shuffles (every feature is shuffled by the same ``n_repeats``
    cumulative permutations of the rows, drawn from one seed, as there), but the
    shuffled copies of as many features as fit in ``PERMUTATION_BATCH_CELLS`` are
    stacked and predicted in one call rather than one call each, and accuracy is
    counted directly. On a few hundred held-out rows the per-call checks of the
    classifier and the scorer cost more than the predictions (3 x 151 calls of a
    200-tree forest took 5.5 of a SEDG trial's 11 s). The results are equal for a
    classifier that predicts each row on its own (trees, forests, boosting, a
    support vector machine); a linear layer's products in a larger batch may be
    rounded differently in their last bit, which changes an accuracy only on an
    exact tie between two classes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = np.column_stack([np.repeat([0, 1], 20), np.arange(40) % 3])
    >>> y = np.repeat([0, 1], 20)
    >>> drops = permutation_accuracy_drops(DecisionTreeClassifier().fit(X, y), X, y)
    >>> bool(drops[0] > 0.3), float(drops[1])
    (True, 0.0)
    """
    n_rows, n_features = X.shape
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    shuffler, shuffled, order = np.random.RandomState(seed), np.arange(n_rows), np.arange(n_rows)
    orders = np.empty((n_repeats, n_rows), dtype=np.intp)
    for repeat in range(n_repeats):  # scikit-learn shuffles the shuffled column again each time
        shuffler.shuffle(shuffled)
        orders[repeat] = order = order[shuffled]
    baseline = _accuracy(model, X, y)
    drops = np.empty((n_features, n_repeats))
    per_call = max(1, PERMUTATION_BATCH_CELLS // (n_repeats * n_rows * n_features))
    for start in range(0, n_features, per_call):
        features = np.arange(start, min(start + per_call, n_features))
        copies = np.tile(X, (features.size * n_repeats, 1)).reshape(
            features.size, n_repeats, n_rows, n_features)
        for index, feature in enumerate(features):
            copies[index, :, :, feature] = X[orders, feature]
        predicted = np.asarray(model.predict(copies.reshape(-1, n_features)))
        hits = predicted.reshape(features.size, n_repeats, n_rows) == y
        drops[features] = baseline - hits.mean(axis=2)
    return np.mean(drops, axis=1)


def _accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    """The share of ``X``'s rows ``model`` predicts right (scikit-learn's ``accuracy_score``)."""
    return float(np.mean(model.predict(X) == y))


def _fewer_members(classifier, n_features: int | None = None):
    """``classifier`` with every ``n_estimators`` (nested ones too) cut to ``DROP_COLUMN_MEMBERS``,
    and with ``n_features`` further to its ``n_estimators // n_features`` (at least
    ``DROP_COLUMN_MIN_MEMBERS``)."""
    params = classifier.get_params(deep=True) if hasattr(classifier, "get_params") else {}
    cut = {}
    for name, value in params.items():
        if name.split("__")[-1] != "n_estimators" or not isinstance(value, int):
            continue
        members = DROP_COLUMN_MEMBERS
        if n_features is not None:
            members = min(members, max(DROP_COLUMN_MIN_MEMBERS, value // n_features))
        if value > members:
            cut[name] = members
    return clone(classifier).set_params(**cut) if cut else classifier


def _held_out(kind: str, y: np.ndarray, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows to fit on and a stratified 30 % to score on; 1-member classes are fitted on only."""
    labels, counts = np.unique(y, return_counts=True)
    common = np.flatnonzero(np.isin(y, labels[counts >= 2]))
    try:
        fit_rows, held_rows = train_test_split(common, test_size=0.3, random_state=random_state,
                                               shuffle=True, stratify=y[common])
    except ValueError:  # too few rows for one of each class in either part
        raise SedgInputError(
            f"feature_importance={kind!r} scores on a stratified 30 % of the training rows; "
            f"{common.size} rows in {int(np.sum(counts >= 2))} classes of 2+ members are too few "
            "(use 'mdi' or another feature selection)") from None
    return np.concatenate([fit_rows, np.setdiff1d(np.arange(y.size), common)]), held_rows


def choose_features(
    weights: np.ndarray, n_samples: int, count: tuple[int, int], rng: np.random.Generator
) -> list[np.ndarray]:
    """For each sample, which features to modify: ``k`` of them (fixed or uniform in ``count``),
    drawn without replacement with probabilities ``weights``."""
    n_features = weights.size
    nonzero = int(np.count_nonzero(weights))
    chosen = []
    for _ in range(n_samples):
        k = int(rng.integers(count[0], count[1] + 1))
        k = max(1, min(k, n_features))
        p = weights if nonzero >= k else normalise(weights + 1e-9)
        chosen.append(rng.choice(n_features, size=k, replace=False, p=p))
    return chosen
