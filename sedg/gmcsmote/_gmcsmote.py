"""GMCSMOTE: Gaussian-shaped multiclass SMOTE (the GMCSMOTE paper's Algorithm 1)."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions

from sedg._errors import SedgInputError
from sedg.gmcsmote._replication import replicate_small_classes
from sedg.gmcsmote._targets import DISTANCES, gaussian_targets
from sedg.nominal import NOMINAL_HANDLING, smote_for

__all__ = ["GMCSMOTE", "SHAPES"]

#: Target shapes: the paper's bell around the mode, or its uniform-SMOTE baseline.
SHAPES = ("gaussian", "uniform")


class GMCSMOTE(BaseOverSampler):
    """Over-sample every class towards a bell shape around the mode class.

    Our reading of Algorithm 1 (the extracted text lost some symbols):

    1. classes with fewer than ``min_samples`` members are replicated up to
       ``min_samples`` (the paper's "at least six samples" rule);
    2. the mode class keeps its count ``n_mode``; a class at distance ``d``
       from the mode gets the target ``max(n_c, floor(min(n_mode / d, cap * n_c)))``,
       with ``n_c`` its count after step 1 — the paper's ``D_class / posAway``
       read as ``n_mode / posAway`` (its Figure 2 histograms rise towards the
       mode, which ``n_c / d`` could not give) and capped at 250 % of the class;
    3. SMOTE, one class against the rest, fills each class up to its target.

    ``d`` is the difference of label values (``distance="value"``, the
    paper's ``posAway <- M - class``, numeric labels) or, a deviation for
    labels that are not numbers, positions in the sorted label set
    (``distance="index"``).

    ``shape="uniform"`` is the paper's baseline: the same replication and
    the same SMOTE, every class filled up to the mode's count, so the two
    differ only in their targets. SMOTE runs on the raw features, as in the
    paper; ``standardize=True`` finds neighbours on standardised features
    instead (features in wide units then no longer rule the neighbourhoods).

    The paper's essay features are all numbers. Given ``nominal_features``
    (the protocol gives a table's), the SMOTE step never interpolates them: it
    is imbalanced-learn's SMOTENC (SMOTEN when every feature is nominal), whose
    synthetic rows take each nominal value from their neighbourhood, a
    deviation from the paper for tables the paper did not have;
    ``nominal="interpolate"`` runs plain SMOTE on the codes instead.

    Parameters
    ----------
    cap : float, default=2.5
        Largest target as a multiple of the class's count.
    min_samples : int, default=6
        Classes are first replicated up to this count.
    k_neighbors : int, default=5
        SMOTE's neighbours; lowered to ``min class count - 1`` when a class is
        smaller, recorded in ``k_neighbors_``.
    distance : {"value", "index"}, default="value"
    shape : {"gaussian", "uniform"}, default="gaussian"
    standardize : bool, default=False
    nominal_features : list of int, optional
        Columns holding nominal codes.
    nominal : {"category", "interpolate"}, default="category"
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    target_counts_ : dict
        Class count after resampling, per label (bell-shaped, or all the mode's count).
    replicated_ : dict
        Rows added by replication, per label.
    k_neighbors_ : int
        The neighbour count SMOTE used.
    nominal_ : str or None
        ``smotenc``, ``smoten`` or ``interpolated`` when nominal features were
        given and rows were made; None otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from sedg import GMCSMOTE
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([1, 2, 3, 4, 5], [4, 10, 40, 12, 6])
    >>> X = rng.normal(size=(y.size, 3))
    >>> X_res, y_res = GMCSMOTE(random_state=0).fit_resample(X, y)
    >>> np.unique(y_res, return_counts=True)[1].tolist()
    [15, 25, 40, 30, 15]
    """

    _parameter_constraints: dict = {
        "cap": [Interval(numbers.Real, 1, None, closed="left")],
        "min_samples": [Interval(numbers.Integral, 2, None, closed="left")],
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "distance": [StrOptions(set(DISTANCES))],
        "shape": [StrOptions(set(SHAPES))],
        "standardize": ["boolean"],
        "nominal_features": [None, "array-like"],
        "nominal": [StrOptions(set(NOMINAL_HANDLING))],
        "random_state": ["random_state"],
    }
    # The base class checks this strategy before ``_fit_resample``; GMCSMOTE's
    # own targets replace it, so it is not a parameter.
    sampling_strategy = "auto"

    def __init__(
        self,
        *,
        cap: float = 2.5,
        min_samples: int = 6,
        k_neighbors: int = 5,
        distance: str = "value",
        shape: str = "gaussian",
        standardize: bool = False,
        nominal_features=None,
        nominal: str = "category",
        random_state=None,
    ) -> None:
        self.cap = cap
        self.min_samples = min_samples
        self.k_neighbors = k_neighbors
        self.distance = distance
        self.shape = shape
        self.standardize = standardize
        self.nominal_features = nominal_features
        self.nominal = nominal
        self.random_state = random_state

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        gaussian = self.shape == "gaussian"
        if gaussian and self.distance == "value" and not np.issubdtype(y.dtype, np.number):
            raise SedgInputError(
                "GMCSMOTE distance='value' needs numeric class labels; use distance='index'")
        scaler = StandardScaler().fit(X) if self.standardize else None
        Z = scaler.transform(X) if scaler is not None else X
        Z_rep, y_rep, self.replicated_ = replicate_small_classes(Z, y, self.min_samples)
        labels, counts = np.unique(y_rep, return_counts=True)
        counted = dict(zip(labels.tolist(), counts.tolist()))
        targets = (
            gaussian_targets(counted, cap=self.cap, distance=self.distance) if gaussian
            else dict.fromkeys(counted, int(counts.max()))
        )
        self.target_counts_ = targets
        grow = {
            label: target
            for label, count, target in zip(labels.tolist(), counts, targets.values())
            if target > count
        }
        self.k_neighbors_ = int(min(self.k_neighbors, counts.min() - 1))
        nominal = list(self.nominal_features) if self.nominal_features is not None else []
        self.nominal_ = None
        if grow:
            parameters = {"sampling_strategy": grow, "k_neighbors": self.k_neighbors_,
                          "random_state": self.random_state}
            smote = smote_for(nominal if self.nominal == "category" else [], X.shape[1], **parameters)
            if nominal:
                self.nominal_ = type(smote).__name__.lower() if self.nominal == "category" else "interpolated"
            Z_rep, y_rep = smote.fit_resample(Z_rep, y_rep)
        return (scaler.inverse_transform(Z_rep) if scaler is not None else Z_rep), y_rep
