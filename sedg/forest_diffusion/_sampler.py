"""ForestDiffusionSampler: the ``ForestDiffusion`` package's flow and diffusion models as a sampler."""

from __future__ import annotations

import json
import numbers
from contextlib import contextmanager

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from sedg._dense import DenseSampler
from sedg._made_rows import ColumnLimits, column_indices, library_errors, require_extra
from sedg._random import resolve_seed
from sedg._subsample import stratified_subsample
from sedg.defaults import N_SYNTHETIC
from sedg.memory import MEMORY_CONSTRAINT, cached, check_memory, data_key
from sedg.synthesis import shortfall_labels
from sedg.threads import resolve_n_jobs

__all__ = ["DIFFUSION_TYPES", "ForestDiffusionSampler"]

#: ``flow``: conditional flow matching (the paper's better variant); ``vp``: variance-preserving diffusion.
DIFFUSION_TYPES = ("flow", "vp")


@contextmanager
def _global_numpy_seed(seed: int):
    """The package draws from numpy's global generator (and seeds it in its constructor):
    seeded here for reproducible rows, and given back as it was."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


class ForestDiffusionSampler(DenseSampler):
    """Make rows with ForestDiffusion: flow matching or diffusion whose score or velocity at each
    noise level is a gradient-boosted tree model (XGBoost), as in Jolicoeur-Martineau, Fatras
    and Kachman (AISTATS 2024; the ``ForestDiffusion`` package, MIT licence).

    Class-conditional by the package's covariates: one model learns the rows given the class
    (one-hot, ``X_covs``), and ``n_synthetic`` rows, spread over the classes by their
    shortfall from the mode, are generated given the class they are made for. The package's
    own ``label_y`` trains a model per class instead; with every class a model (20 grades on
    the student table), that cost 16 times as much, so it is not the default here.

    Nominal features with three or more values are dummy-coded (the package's
    ``cat_indexes``), the other discrete features and every whole-number column are rounded
    (``int_indexes``), and every made value stays in its column's training range.

    The package's defaults (50 noise levels, 100 noisy copies of each row, 100 trees of
    depth 7 per level and column) took over 5 minutes for one class of 97 rows here; the
    defaults below are cut to a budget (a deviation, in ``benchmarks/SCALE.md``): 10 levels,
    20 trees of depth 4, and ``max_rows`` rows per level (the rows copied with fresh noise
    up to it, or a stratified subsample of them beyond it).

    Parameters
    ----------
    diffusion_type : {"flow", "vp"}, default="flow"
    n_t : int, default=10
        Noise levels (the package: 50).
    n_estimators : int, default=20
        Trees per level and column (the package: 100).
    max_depth : int, default=4
        (the package: 7)
    learning_rate : float, default=0.3
        XGBoost's ``eta`` (the package's).
    max_rows : int, default=2000
        Training rows per noise level: ``duplicate_K`` is ``max_rows // n_rows`` (at least 1).
    n_synthetic : int, default=200
    discrete_features, nominal_features : list of int or None
        Column numbers. Nominal columns of 3 or more values are dummy-coded; every column of
        whole numbers stays whole whether named or not, so ``discrete_features`` is checked
        and keys the cached model, as the protocol fills it for every sampler.
    memory : None, str, path, joblib.Memory or store, default=None
        Where fitted models are cached: trials that change only ``n_synthetic`` reuse one.
    device : {"cpu", "cuda"}, default="cpu"
        XGBoost's device (``cuda`` needs its CUDA build and a GPU).
    n_jobs : int or None, default=None
        XGBoost's threads (``None``: the CPUs the process may use).
    random_state : int, RandomState instance or None
        Seeds the package's numpy draws and XGBoost; an integer gives the same rows.

    Attributes
    ----------
    generated_labels_ : ndarray
    duplicate_k_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from sedg.forest_diffusion import ForestDiffusionSampler
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 3, 90), rng.normal(size=90)])
    >>> y = np.repeat([0, 1, 2], [60, 20, 10])
    >>> sampler = ForestDiffusionSampler(n_t=3, n_estimators=3, n_synthetic=30,
    ...                                  discrete_features=[0], random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)  # doctest: +SKIP
    >>> X_res.shape, set(X_res[90:, 0].tolist()) <= {0.0, 1.0, 2.0}  # doctest: +SKIP
    ((120, 2), True)
    """

    _parameter_constraints: dict = {
        "diffusion_type": [StrOptions(set(DIFFUSION_TYPES))],
        "n_t": [Interval(numbers.Integral, 2, None, closed="left")],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_rows": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_synthetic": [Interval(numbers.Integral, 1, None, closed="left")],
        "discrete_features": ["array-like", None],
        "nominal_features": ["array-like", None],
        "memory": MEMORY_CONSTRAINT,
        "device": [StrOptions({"cpu", "cuda"})],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, diffusion_type="flow", n_t=10, n_estimators=20, max_depth=4, learning_rate=0.3,
        max_rows=2000, n_synthetic=N_SYNTHETIC, discrete_features=None, nominal_features=None,
        memory=None, device="cpu", n_jobs=None, random_state=None,
    ) -> None:
        self.diffusion_type = diffusion_type
        self.n_t = n_t
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.max_rows = max_rows
        self.n_synthetic = n_synthetic
        self.discrete_features = discrete_features
        self.nominal_features = nominal_features
        self.memory = memory
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        require_extra("ForestDiffusion", "forest", "method 'forest_diffusion'")
        seed = resolve_seed(self.random_state)
        self.memory_ = check_memory(self.memory)
        discrete = column_indices("discrete_features", self.discrete_features, X.shape[1])
        nominal = column_indices("nominal_features", self.nominal_features, X.shape[1])
        classes = np.unique(y)
        labels = shortfall_labels(y, self.n_synthetic)
        model = self._fitted(X, y, classes, discrete, nominal, seed)
        with library_errors("forest_diffusion sampling"), _global_numpy_seed(seed + 1):
            X_new = model.generate(batch_size=labels.size, X_covs=_one_hot(labels, classes))
        self.generated_labels_ = labels
        X_new = ColumnLimits.of(X).apply(X_new)
        return np.vstack([X, X_new]).astype(X.dtype, copy=False), np.concatenate([y, labels])

    def _fitted(self, X: np.ndarray, y: np.ndarray, classes: np.ndarray, discrete: list[int],
                nominal: list[int], seed: int):
        own = {name: getattr(self, name) for name in (
            "diffusion_type", "n_t", "n_estimators", "max_depth", "learning_rate", "max_rows", "device")}
        key = f"{data_key(X, y)}|{json.dumps(own, sort_keys=True)}|{nominal}|{discrete}|{seed}"
        model, self.duplicate_k_ = cached(self.memory_, "forest_diffusion", key,
                                          lambda: self._train(X, y, classes, nominal, seed))
        return model

    def _train(self, X: np.ndarray, y: np.ndarray, classes: np.ndarray, nominal: list[int], seed: int):
        from ForestDiffusion import ForestDiffusionModel

        kept = stratified_subsample(y, self.max_rows, seed)
        if kept is not None:
            X, y = X[kept], y[kept]
        duplicate_k = max(1, self.max_rows // len(y))
        limits = ColumnLimits.of(X)
        categories = {i: np.unique(X[:, i]).size for i in nominal}
        cat = [i for i in nominal if categories[i] >= 3]
        whole = [i for i in np.flatnonzero(limits.whole).tolist() if i not in cat]
        with library_errors("forest_diffusion training"), _global_numpy_seed(seed):
            model = ForestDiffusionModel(
                X, X_covs=_one_hot(y, classes), n_t=self.n_t, model="xgboost",
                diffusion_type=self.diffusion_type, max_depth=self.max_depth,
                n_estimators=self.n_estimators, eta=self.learning_rate, duplicate_K=duplicate_k,
                cat_indexes=cat, int_indexes=whole, gpu_hist=self.device == "cuda",
                n_jobs=1, n_batch=0, seed=seed, nthread=resolve_n_jobs(self.n_jobs))
        return model, duplicate_k


def _one_hot(labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return (labels[:, None] == classes[None, :]).astype(float)
