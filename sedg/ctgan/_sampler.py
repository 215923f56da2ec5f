"""CTGANSampler: CTGAN and TVAE (Xu et al., NeurIPS 2019; the ``ctgan`` package) as a sampler."""

from __future__ import annotations

import json
import math
import numbers

import numpy as np
import pandas as pd
import torch  # noqa: F401  (imported before a fit: sedg.threads can only size a pool it sees)
from sklearn.utils._param_validation import Interval, StrOptions

from sedg._dense import DenseSampler
from sedg._errors import SedgInputError
from sedg._made_rows import ColumnLimits, column_indices, library_errors, require_extra
from sedg._random import resolve_seed
from sedg.defaults import N_SYNTHETIC
from sedg.memory import MEMORY_CONSTRAINT, cached, check_memory, data_key
from sedg.synthesis import shortfall_labels

__all__ = ["CTGAN_MODELS", "CTGANSampler"]

#: The two synthesizers of the ``ctgan`` package.
CTGAN_MODELS = ("ctgan", "tvae")
#: The label's column in the frame the synthesizers learn (a discrete column like the others).
LABEL = "__label__"


class CTGANSampler(DenseSampler):
    """Make rows with CTGAN or TVAE, the ``ctgan`` package's synthesizers (SDV project).

    Class-conditional by one joint model: the synthesizer learns the rows with the class as
    one more discrete column (discrete features are discrete columns too, so their values
    are categories), and ``n_synthetic`` rows, spread over the classes by their shortfall
    from the mode, are made for their classes:

    - CTGAN draws them with the package's conditioning on the class (its training-by-sampling
      sees every class, a one-row class too), and they carry the class they were drawn for,
      as the conditional DGMs' rows do; ``label_match_`` says, per class, the share whose
      own generated class column agreed;
    - TVAE has no conditioning, so it learns from rows drawn to equal class shares (a
      bootstrap of each class) and keeps the draws whose class column is the class wanted.
      A class not made within ``max_draws`` draws is a refusal (:class:`SedgInputError`: the
      search records the configuration as invalid), never rows of another class relabelled.

    Made values stay in each column's training range, and columns of whole numbers in the
    training rows (codes, counts) stay whole.

    The ``ctgan`` package is licensed BUSL-1.1 (source-available; production use beyond the
    licence's grant needs a licence from DataCebo): an optional extra,
    ``pip install 'sedg-search[ctgan]'``.

    Parameters
    ----------
    model : {"ctgan", "tvae"}, default="ctgan"
    epochs : int, default=300
        The package's default; ``max_steps`` cuts it on larger tables.
    max_steps : int or None, default=500
        A budget of optimisation steps, as the DGMs have: the epochs are cut to what fits,
        so training stops growing with the table. ``None``: no budget.
    batch_size : int, default=500
        The package's default; cut to the rows (CTGAN: a multiple of ``2 * pac``).
    embedding_dim : int, default=128
    hidden_size : int or None, default=None
        Width of the two hidden layers of each network; ``None``: the package's (256 for
        CTGAN, 128 for TVAE).
    learning_rate : float, default=2e-4
        CTGAN's generator and discriminator (TVAE uses Adam's default, 1e-3).
    pac : int, default=10
        CTGAN: rows the discriminator judges together (PacGAN).
    n_synthetic : int, default=200
    max_draws : int, default=20000
        TVAE: the most rows drawn per class before the class counts as not made.
    discrete_features : list of int or None
    memory : None, str, path, joblib.Memory or store, default=None
        Where fitted synthesizers are cached: trials that change only ``n_synthetic`` or
        ``max_draws`` reuse one.
    device : {"auto", "cpu", "cuda"}, default="auto"
    n_jobs : int or None, default=None
        Threads for torch while resampling.
    random_state : int, RandomState instance or None
        Seeds the package's numpy and torch generators (``set_random_state``) and the
        class bootstrap; an integer gives the same rows on the same machine and device.

    Attributes
    ----------
    generated_labels_ : ndarray
    draws_ : dict
        Rows drawn per class to make its rows.
    label_match_ : dict
        CTGAN: per class, the share of its rows whose generated class column was the class.
    epochs_ : int
        Epochs trained after the step budget.

    Examples
    --------
    >>> import numpy as np
    >>> from sedg.ctgan import CTGANSampler
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 3, 90), rng.normal(size=90)])
    >>> y = np.repeat([0, 1, 2], [60, 20, 10])
    >>> sampler = CTGANSampler(model="tvae", epochs=5, n_synthetic=30, discrete_features=[0],
    ...                        random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)  # doctest: +SKIP
    >>> X_res.shape, set(X_res[90:, 0].tolist()) <= {0.0, 1.0, 2.0}  # doctest: +SKIP
    ((120, 2), True)
    """

    _parameter_constraints: dict = {
        "model": [StrOptions(set(CTGAN_MODELS))],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left")],
        "embedding_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "pac": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_synthetic": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_draws": [Interval(numbers.Integral, 1, None, closed="left")],
        "discrete_features": ["array-like", None],
        "memory": MEMORY_CONSTRAINT,
        "device": [StrOptions({"auto", "cpu", "cuda"})],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, model="ctgan", epochs=300, max_steps=500, batch_size=500, embedding_dim=128,
        hidden_size=None, learning_rate=2e-4, pac=10, n_synthetic=N_SYNTHETIC, max_draws=20000,
        discrete_features=None, memory=None, device="auto", n_jobs=None, random_state=None,
    ) -> None:
        self.model = model
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.learning_rate = learning_rate
        self.pac = pac
        self.n_synthetic = n_synthetic
        self.max_draws = max_draws
        self.discrete_features = discrete_features
        self.memory = memory
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        require_extra("ctgan", "ctgan", f"method {self.model!r}")
        seed = resolve_seed(self.random_state)
        self.memory_ = check_memory(self.memory)
        discrete = column_indices("discrete_features", self.discrete_features, X.shape[1])
        synthesizer = self._fitted(X, y, discrete, seed)
        limits = ColumnLimits.of(X)
        generated = shortfall_labels(y, self.n_synthetic)  # the rows' order
        labels, counts = np.unique(generated, return_counts=True)  # that order's runs
        made, draws, label_match = [], {}, {}
        with library_errors(f"{self.model} sampling"):
            synthesizer.set_random_state(seed + 1)
            for label, count in zip(labels.tolist(), counts.tolist()):
                rows, draws[label], match = self._draw(synthesizer, label, count)
                made.append(rows)
                if match is not None:
                    label_match[label] = match
        X_new = limits.apply(np.vstack(made)) if made else np.empty((0, X.shape[1]))
        # Set once every class was made: a failed fit leaves none of them behind.
        self.generated_labels_, self.draws_, self.label_match_ = generated, draws, label_match
        return np.vstack([X, X_new]).astype(X.dtype, copy=False), np.concatenate([y, generated])

    def _draw(self, synthesizer, label, count: int) -> tuple[np.ndarray, int, float | None]:
        """``count`` rows made for ``label``, how many were drawn for them, and (CTGAN) the share
        of them whose label column is the class: CTGAN's drawn with the class as condition,
        TVAE's kept where its label column is the class."""
        if self.model == "ctgan":
            frame = synthesizer.sample(count, condition_column=LABEL, condition_value=str(label))
            match = float(np.mean(frame[LABEL] == str(label)))
            return frame.drop(columns=LABEL).to_numpy(float), count, match
        kept, have, drawn = [], 0, 0
        while have < count and drawn < self.max_draws:
            size = int(min(self.max_draws - drawn, max(2 * (count - have), 100)))
            frame = synthesizer.sample(size)
            drawn += size
            rows = frame.loc[frame[LABEL] == str(label)].drop(columns=LABEL).to_numpy(float)
            kept.append(rows[: count - have])
            have += len(kept[-1])
        if have < count:
            raise SedgInputError(
                f"{self.model} made {have} of the {count} rows class {label} needs in {drawn} "
                f"draws (max_draws={self.max_draws}): it has not learnt that class")
        return np.vstack(kept), drawn, None

    def _fitted(self, X: np.ndarray, y: np.ndarray, discrete: list[int], seed: int):
        own = {name: getattr(self, name) for name in (
            "model", "epochs", "max_steps", "batch_size", "embedding_dim", "hidden_size",
            "learning_rate", "pac", "device")}
        key = f"{data_key(X, y)}|{json.dumps(own, sort_keys=True)}|{discrete}|{seed}"
        synthesizer, self.epochs_ = cached(self.memory_, f"synthesizer_{self.model}", key,
                                           lambda: self._train(X, y, discrete, seed))
        return synthesizer

    def _train(self, X: np.ndarray, y: np.ndarray, discrete: list[int], seed: int):
        from ctgan import CTGAN, TVAE

        from sedg.nn import resolve_device  # torch: only with a sampler that trains

        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        if self.model == "tvae":  # each class to an equal share: rows of every class to draw from
            rng = np.random.default_rng(seed)
            classes = np.unique(y)
            share = math.ceil(len(y) / classes.size)
            rows = np.concatenate([rng.choice(np.flatnonzero(y == c), share) for c in classes])
            frame, labels = frame.iloc[rows].reset_index(drop=True), y[rows]
        else:
            labels = y
        frame[LABEL] = labels.astype(str)
        columns = [f"x{i}" for i in discrete] + [LABEL]
        gpu = resolve_device(self.device).type == "cuda"
        size = min(self.batch_size, len(frame))
        if self.model == "ctgan":
            step = 2 * self.pac // math.gcd(2, self.pac)  # even and a multiple of pac
            size = max(step, size // step * step)
            per_epoch = max(len(frame) // size, 1)
        else:
            per_epoch = math.ceil(len(frame) / size)
        epochs = self.epochs if self.max_steps is None else max(
            1, min(self.epochs, self.max_steps // per_epoch))
        hidden = {} if self.hidden_size is None else {"width": (self.hidden_size, self.hidden_size)}
        if self.model == "ctgan":
            width = hidden.get("width", (256, 256))
            synthesizer = CTGAN(
                embedding_dim=self.embedding_dim, generator_dim=width, discriminator_dim=width,
                generator_lr=self.learning_rate, discriminator_lr=self.learning_rate,
                batch_size=size, epochs=epochs, pac=self.pac, enable_gpu=gpu)
        else:
            width = hidden.get("width", (128, 128))
            synthesizer = TVAE(embedding_dim=self.embedding_dim, compress_dims=width,
                               decompress_dims=width, batch_size=size, epochs=epochs, enable_gpu=gpu)
        synthesizer.set_random_state(seed)
        with library_errors(f"{self.model} training"):
            synthesizer.fit(frame, columns)
        return synthesizer, epochs
