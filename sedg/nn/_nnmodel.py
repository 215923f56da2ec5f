"""NNModel: the SEDG paper's MLP of LRND blocks as a scikit-learn classifier."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data
from torch import nn

from sedg._random import resolve_seed
from sedg.nn._choices import EMBEDDING_LAYERS
from sedg.nn._codec import MixedCodec
from sedg.nn._network import FeatureEmbedding, LRNDNetwork
from sedg.nn._training import batch_rows, epochs_within, train_epochs
from sedg.threads import limited_threads

__all__ = ["EMBEDDING_LAYERS", "PRECISIONS", "NNModel", "resolve_device"]

#: The floating-point types a network trains in, by name.
PRECISIONS = {"float32": torch.float32, "float64": torch.float64}


def resolve_device(device: str) -> torch.device:
    """``"auto"`` and ``"cuda"`` use CUDA when present, else the CPU; never fail for lack of it."""
    if device in {"auto", "cuda"} and torch.cuda.is_available():
        return torch.device("cuda")
    if device == "cuda":
        warnings.warn("CUDA is not available; running on the CPU", stacklevel=3)
    return torch.device("cpu")


class NNModel(ClassifierMixin, BaseEstimator):
    """A torch MLP classifier: feature embeddings, N LRND blocks, softmax.

    Discrete features (integer codes) go through embedding tables, continuous
    ones through a linear map (standardised on the first fit); N blocks of
    Linear → ReLU → BatchNorm → Dropout follow, then a softmax layer. Trained
    with cross-entropy and Adam, the learning rate cut tenfold on plateaus of
    the validation loss, and early stopping on an internal validation split
    (best weights restored).

    Parameters
    ----------
    discrete_features : list of int or None, default=None
        Column indices of the discrete features.
    cardinalities : list of int or None, default=None
        Codes per discrete feature (same order); inferred as ``max + 1`` at the
        first fit when None. Unseen codes are clipped into range.
    embedding_dim : int, default=8
    hidden_size : int, default=64
        Width of each LRND block, and so of :meth:`embed`'s output.
    n_blocks : int, default=2
    dropout : float, default=0.2
    learning_rate : float, default=1e-2
    batch_size : int or "auto", default="auto"
        Rows per step; ``"auto"`` is 64 (the paper's size) up to about 9,000
        training rows and grows with them beyond (:func:`sedg.nn.batch_rows`).
    max_epochs : int, default=100
    max_steps : int or None, default=None
        A budget of optimisation steps: the epochs are cut to what fits in it (as
        :class:`sedg.DGMSampler`'s). ``None``: ``max_epochs`` alone; SEDG's own NNModel
        embedding, learnt for the rows it makes, sets one (``sedg.synthesis``).
    patience : int, default=20
        Epochs without validation improvement before stopping; the learning
        rate drops after ``patience // 2``.
    validation_fraction : float, default=0.1
    warm_start : bool, default=False
        Keep the weights (and scaling) of the previous fit when refit, as SEDG's
        warm-start usage needs. A new class in ``y`` forces a fresh network.
    device : {"auto", "cpu", "cuda"}, default="auto"
        CUDA when present, else the CPU.
    precision : {"float32", "float64"}, default="float32"
        The network's floating-point type. ``"float64"`` makes training
        reproducible across machines (float32 rounding differs with the CPU's
        kernels and grows over training); SEDG's own NNModel embedding uses it.
    n_jobs : int or None, default=None
        Torch's threads while fitting and predicting (:func:`sedg.threads.resolve_n_jobs`;
        ``None``: the CPUs the process may use, or the enclosing limit).
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout and batching (see :func:`sklearn.utils.check_random_state`).

    Attributes
    ----------
    classes_ : ndarray
    network_ : torch.nn.Module
    device_ : str
    codec_ : MixedCodec
        Discrete columns, their code counts, and the continuous scaling of the first fit.
    n_epochs_ : int
        Epochs run by the last fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sedg import NNModel
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 3, 120), rng.normal(size=120)])
    >>> y = (X[:, 0] + (X[:, 1] > 0)).astype(int)
    >>> model = NNModel(discrete_features=[0], max_epochs=5, random_state=0).fit(X, y)
    >>> model.predict_proba(X).shape, model.embed(X).shape, model.embed(X, layer="hidden").shape
    ((120, 4), (120, 16), (120, 64))
    """

    _parameter_constraints: dict = {
        "discrete_features": ["array-like", None],
        "cardinalities": ["array-like", None],
        "embedding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_blocks": [Interval(numbers.Integral, 1, None, closed="left")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "patience": [Interval(numbers.Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "warm_start": ["boolean"],
        "device": [StrOptions({"auto", "cpu", "cuda"})],
        "precision": [StrOptions(set(PRECISIONS))],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        discrete_features=None,
        cardinalities=None,
        embedding_dim: int = 8,
        hidden_size: int = 64,
        n_blocks: int = 2,
        dropout: float = 0.2,
        learning_rate: float = 1e-2,
        batch_size: int | str = "auto",
        max_epochs: int = 100,
        max_steps: int | None = None,
        patience: int = 20,
        validation_fraction: float = 0.1,
        warm_start: bool = False,
        device: str = "auto",
        precision: str = "float32",
        n_jobs: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.discrete_features = discrete_features
        self.cardinalities = cardinalities
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.n_blocks = n_blocks
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.warm_start = warm_start
        self.device = device
        self.precision = precision
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None) -> NNModel:
        """Train; ``sample_weight`` weighs each row's cross-entropy (the loss is their weighted
        mean), as class reweighting needs."""
        self._validate_params()
        reuse = self.warm_start and hasattr(self, "network_")
        X, y = validate_data(self, X, y, reset=not reuse, dtype=np.float64)
        check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
            if not sample_weight.sum() > 0:
                raise ValueError("sample_weight must not be all zero")
        classes = np.unique(y)
        if reuse and not np.all(np.isin(classes, self.classes_)):
            reuse = False
        seed = resolve_seed(self.random_state)
        generator = torch.Generator().manual_seed(seed)
        # Dropout and initialisation draw from torch's global generator: seed a private copy.
        with torch.random.fork_rng(devices=[]), limited_threads(self.n_jobs):
            torch.manual_seed(seed)
            if not reuse:
                self.classes_ = classes
                self._build(X)
            targets = torch.as_tensor(np.searchsorted(self.classes_, y), dtype=torch.long)
            weights = None if sample_weight is None else torch.as_tensor(sample_weight, dtype=self._dtype())
            self.n_epochs_ = self._train(self._tensor(X), targets, generator, weights)
        return self

    def _build(self, X: np.ndarray) -> None:
        self.device_ = str(resolve_device(self.device))
        self.codec_ = MixedCodec(X, self.discrete_features, self.cardinalities)
        discrete, continuous = self.codec_.discrete.tolist(), self.codec_.continuous.tolist()
        embedding = FeatureEmbedding(discrete, self.codec_.cardinalities, continuous, self.embedding_dim)
        self.network_ = LRNDNetwork(
            embedding, self.hidden_size, self.n_blocks, self.dropout, len(self.classes_)
        ).to(self.device_, self._dtype())

    def _dtype(self) -> torch.dtype:
        return PRECISIONS[getattr(self, "precision", "float32")]  # older pickles lack it

    def _tensor(self, X: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(self.codec_.standardise(X), dtype=self._dtype())

    def _train(self, X: torch.Tensor, y: torch.Tensor, generator: torch.Generator,
               weights: torch.Tensor | None = None) -> int:
        order = torch.randperm(len(y), generator=generator)
        n_valid = int(len(y) * self.validation_fraction) if len(y) >= 20 else 0
        valid, train = order[:n_valid], order[n_valid:]
        device = self.device_
        X_train, y_train = X[train].to(device), y[train].to(device)
        X_valid, y_valid = X[valid].to(device), y[valid].to(device)
        # foreach: one multi-tensor update per step, the same numbers as the per-tensor loop
        optimizer = torch.optim.Adam(self.network_.parameters(), lr=self.learning_rate, foreach=True)
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, factor=0.1, patience=max(1, self.patience // 2)
        )
        if weights is None:
            unweighted = nn.CrossEntropyLoss()

            def loss_function(logits, targets, rows):
                return unweighted(logits, targets)
        else:
            per_row, weights = nn.CrossEntropyLoss(reduction="none"), weights.to(device)

            def loss_function(logits, targets, rows):
                return (per_row(logits, targets) * weights[rows]).sum() / weights[rows].sum()

        def step(batch: torch.Tensor) -> None:
            if len(batch) < 2:  # BatchNorm needs two rows in training mode
                return
            optimizer.zero_grad()
            loss_function(self.network_(X_train[batch]), y_train[batch], train[batch]).backward()
            optimizer.step()

        def validation_loss() -> float:
            with torch.no_grad():
                return float(loss_function(self.network_(X_valid), y_valid, valid))

        size = batch_rows(len(y_train), 64) if self.batch_size == "auto" else self.batch_size
        epochs = epochs_within(self.max_epochs, getattr(self, "max_steps", None),  # older pickles
                               math.ceil(len(y_train) / size))
        return train_epochs(
            self.network_, max_epochs=epochs, step=step,
            batches=lambda: torch.randperm(len(y_train), generator=generator).split(size),
            validation_loss=validation_loss if n_valid else None,
            patience=self.patience, min_delta=1e-6, on_validation=scheduler.step,
        )

    def _forward(self, X, method: str) -> np.ndarray:
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        self.network_.eval()
        with torch.no_grad(), limited_threads(getattr(self, "n_jobs", None)):  # older pickles lack it
            inputs = self._tensor(X).to(self.device_)
            output = getattr(self.network_, method)(inputs)
        return output.cpu().numpy().astype(np.float64)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        logits = self._forward(X, "forward")
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        return probabilities / probabilities.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        probabilities = self.predict_proba(X)  # checks fitted first
        return self.classes_[np.argmax(probabilities, axis=1)]

    def embed(self, X, layer: str = "input") -> np.ndarray:
        """The learned embedding of rows.

        ``layer="input"`` (default) is the SEDG paper's embedding mapping phi
        (its Fig. 5 and Eq. 3): every feature mapped to an ``embedding_dim``
        vector, concatenated, shape (n_samples, n_features * embedding_dim).
        ``layer="hidden"`` is the last LRND block's output, shape
        (n_samples, hidden_size).
        """
        if layer not in EMBEDDING_LAYERS:
            raise ValueError(f"layer must be one of {EMBEDDING_LAYERS}, got {layer!r}")
        return self._forward(X, "embedding" if layer == "input" else "hidden")

    def embed_values(self, feature: int, values) -> np.ndarray:
        """phi_i, one feature's own embedding of candidate ``values`` (raw units), one row each.

        The SEDG paper compares a feature's current value with its candidates
        under phi_i: yi -> Ei; this is that mapping.
        """
        check_is_fitted(self, "network_")
        column = np.zeros((len(values), self.n_features_in_))
        column[:, feature] = np.asarray(values, dtype=np.float64)
        standardised = self.codec_.standardise(column)[:, feature]
        self.network_.eval()
        with torch.no_grad():
            inputs = torch.as_tensor(standardised, dtype=self._dtype()).to(self.device_)
            output = self.network_.embedding.embed_values(int(feature), inputs)
        return output.cpu().numpy().astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags
