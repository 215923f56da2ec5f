"""DGMSampler: deep generative models (the SEDG paper, Section 3.5) as an imbalanced-learn sampler."""

from __future__ import annotations

import json
import numbers

import numpy as np
import torch
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from sedg._dense import DenseSampler
from sedg._errors import SedgInputError
from sedg._random import resolve_seed
from sedg._subsample import DIAGNOSTIC_ROWS, stratified_subsample
from sedg.defaults import N_SYNTHETIC
from sedg.dgm._choices import DISCRIMINATOR_TARGETS, GUARDS, INPUTS, MODELS
from sedg.dgm._training import FittedGenerator, train_generator
from sedg.memory import MEMORY_CONSTRAINT, cached, check_memory, data_key
from sedg.nn import batch_rows, resolve_device
from sedg.synthesis import classifier_diagnostics, select_samples, shortfall_labels

__all__ = ["INPUTS", "DGMSampler"]



class DGMSampler(DenseSampler):
    """Generate rows with an auto-encoder, a VAE, or their adversarial and conditional variants.

    ``model`` is one of ``ae``, ``vae``, ``aae`` (adversarial AE), ``avae``,
    ``caae`` and ``cavae`` (conditional adversarial: the class label enters
    decoder and discriminator through an embedding). Rows are encoded with
    one-hot blocks for discrete features (reconstructed by a softmax each) and
    standardised continuous ones, so every generated row decodes to valid values.

    Input (``input``):

    - ``noise``: ``n_synthetic`` rows spread over the classes by their shortfall
      from the mode. A conditional model decodes N(0, I) draws with the class
      as condition; an unconditional one decodes the latent code of a random
      member of the class plus noise, so every row has a label;
    - ``rss``, ``pass``, ``pess``, ``ppss``: the SEDG sample selections choose
      the rows; each is encoded, perturbed in latent space and decoded with
      its own label.

    Latent noise is ``noise_scale`` times the spread of the training codes.
    The fitted generator depends only on the training rows and the model's
    own parameters, so trials that change only ``input``, ``noise_scale`` or
    ``n_synthetic`` reuse it through ``memory``.

    Parameters
    ----------
    model : {"ae", "vae", "aae", "avae", "caae", "cavae"}, default="vae"
    latent_dim, hidden_size, n_layers : int, default=8, 64, 2
    epochs : int, default=100
        The cap; a guard may stop earlier (``stopped_epoch_``).
    max_steps : int or None, default=500
        A budget of optimisation steps: the epochs are cut to what fits in it, so
        training time stops growing with the table. Up to 640 training rows (the
        SEDG paper's tables) ``epochs`` bites first and nothing changes; beyond, it
        keeps a generator's training under the classifier's fit on large tables.
        3000, 1000 and 600 steps made rows of the same use to XGBoost at 10^4 and
        10^5 rows (``benchmarks/DGM_BUDGET.md``). ``None``: no budget.
    batch_size : int or "auto", default="auto"
        Rows per step; ``"auto"`` is 128 up to about 18,000 rows and grows with them
        beyond (:func:`sedg.nn.batch_rows`).
    learning_rate : float, default=1e-3
    alpha : float, default=0.2
        Weight of the adversarial loss (reconstruction gets ``1 - alpha``).
    discriminator_target : {"latent", "sample"}, default="latent"
    input : {"noise", "rss", "pass", "pess", "ppss"}, default="noise"
    guard : {"heuristic", "validation", "none"}, default="heuristic"
        When training stops before ``epochs``: the paper's heuristic (stop once
        at least 50 % of the training rows are reconstructed with at least 80 %
        of their features unchanged: the model has begun to copy), the
        validation loss (a deviation: early stopping on 10 % held out), or never.
    n_synthetic : int, default=200
    noise_scale : float, default=0.5
        Latent noise, in spreads of the training codes (the paper gives no value;
        the search explores it).
    classifier : estimator or None
        Needed for ``pess`` and ``ppss`` input.
    discrete_features : list of int or None
    diagnostic_rows : int or None, default=5000
        The most rows the classifier's out-of-fold losses (``pess``, ``ppss``) are
        learnt on: a stratified subsample (:func:`sedg._subsample.stratified_subsample`);
        ``pess`` then draws from its rows. ``None``: all of them.
    memory : None, str, path, joblib.Memory or store, default=None
        Where fitted generators and diagnostics are cached (clones share it).
    device : {"auto", "cpu", "cuda"}, default="auto"
        CUDA when present, else the CPU.
    n_jobs : int or None, default=None
        Threads for torch, BLAS and OpenMP while resampling
        (:func:`sedg.threads.resolve_n_jobs`; ``None``: the CPUs the process may use).
    random_state : int, RandomState instance or None

    Attributes
    ----------
    stopped_epoch_ : int
    generated_labels_ : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sedg import DGMSampler
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 3, 90), rng.normal(size=90)])
    >>> y = np.repeat([0, 1, 2], [60, 20, 10])
    >>> sampler = DGMSampler(model="cavae", epochs=5, n_synthetic=30, discrete_features=[0],
    ...                      random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, set(X_res[90:, 0].tolist()) <= {0.0, 1.0, 2.0}
    ((120, 2), True)
    """

    _parameter_constraints: dict = {
        "model": [StrOptions(set(MODELS))],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "hidden_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_layers": [Interval(numbers.Integral, 1, None, closed="left")],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "alpha": [Interval(numbers.Real, 0, 1, closed="both")],
        "discriminator_target": [StrOptions(set(DISCRIMINATOR_TARGETS))],
        "input": [StrOptions(set(INPUTS))],
        "guard": [StrOptions(set(GUARDS))],
        "n_synthetic": [Interval(numbers.Integral, 1, None, closed="left")],
        "noise_scale": [Interval(numbers.Real, 0, None, closed="left")],
        "classifier": [HasMethods(["fit", "predict_proba"]), None],
        "discrete_features": ["array-like", None],
        "diagnostic_rows": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "memory": MEMORY_CONSTRAINT,
        "device": [StrOptions({"auto", "cpu", "cuda"})],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, model="vae", latent_dim=8, hidden_size=64, n_layers=2, epochs=100,
        max_steps=500, batch_size="auto",
        learning_rate=1e-3, alpha=0.2, discriminator_target="latent", input="noise",
        guard="heuristic", n_synthetic=N_SYNTHETIC, noise_scale=0.5, classifier=None,
        discrete_features=None, diagnostic_rows=DIAGNOSTIC_ROWS, memory=None, device="auto",
        n_jobs=None, random_state=None,
    ) -> None:
        self.model = model
        self.latent_dim = latent_dim
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.epochs = epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.discriminator_target = discriminator_target
        self.input = input
        self.guard = guard
        self.n_synthetic = n_synthetic
        self.noise_scale = noise_scale
        self.classifier = classifier
        self.discrete_features = discrete_features
        self.diagnostic_rows = diagnostic_rows
        self.memory = memory
        self.device = device
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        if self.input in ("pess", "ppss") and self.classifier is None:
            raise SedgInputError(f"DGMSampler input={self.input!r} needs a classifier")
        seed = resolve_seed(self.random_state)
        rng = np.random.default_rng(seed)
        self.memory_ = check_memory(self.memory)
        fitted = self._fitted(X, y, seed)
        self.stopped_epoch_ = fitted.stopped_epoch
        device = resolve_device(self.device)
        self.device_ = str(device)
        network = fitted.network.to(device)
        codes = self._codes(network, fitted.codec.encode(X), device)
        spread = codes.std(axis=0) + 1e-6
        if self.input == "noise":
            labels = shortfall_labels(y, self.n_synthetic)
            if fitted.conditional:
                latent = rng.standard_normal((labels.size, codes.shape[1]))
            else:
                sources = np.array([rng.choice(np.flatnonzero(y == label)) for label in labels])
                latent = codes[sources] + self.noise_scale * spread * rng.standard_normal(
                    (labels.size, codes.shape[1]))
        else:
            losses = aucs = None
            kept = None  # rows PeSS may draw: those the losses were learnt on
            if self.input in ("pess", "ppss"):
                kept = stratified_subsample(y, self.diagnostic_rows, seed)
                learn = slice(None) if kept is None else kept
                losses, aucs = classifier_diagnostics(
                    self.classifier, X[learn], y[learn], np.unique(y), random_state=seed,
                    memory=self.memory_)
            rows = select_samples(self.input, y, self.n_synthetic, rng, losses=losses,
                                  class_aucs=aucs, candidates=kept)
            labels = y[rows]
            latent = codes[rows] + self.noise_scale * spread * rng.standard_normal(
                (rows.size, codes.shape[1]))
        with torch.no_grad():
            z = torch.as_tensor(latent, dtype=torch.float32, device=device)
            condition = torch.as_tensor(np.searchsorted(fitted.classes, labels), device=device)
            output = network.decode(z, condition if fitted.conditional else None).cpu().numpy()
        network.cpu()
        X_new = fitted.codec.decode_logits(output)
        self.generated_labels_ = labels
        return np.vstack([X, X_new]).astype(X.dtype, copy=False), np.concatenate([y, labels])

    @staticmethod
    def _codes(network, encoded: np.ndarray, device) -> np.ndarray:
        with torch.no_grad():
            z, _ = network.encode(torch.as_tensor(encoded, dtype=torch.float32, device=device),
                                  sample=False)
        return z.cpu().numpy()

    def _fitted(self, X: np.ndarray, y: np.ndarray, seed: int) -> FittedGenerator:
        own = {name: getattr(self, name) for name in (
            "model", "latent_dim", "hidden_size", "n_layers", "epochs", "learning_rate", "alpha",
            "discriminator_target", "guard")}
        size = batch_rows(len(y), 128) if self.batch_size == "auto" else self.batch_size
        own.update(batch_size=size, max_steps=self.max_steps)
        key = f"{data_key(X, y)}|{json.dumps(own, sort_keys=True)}|{self.discrete_features}|{seed}"
        return cached(self.memory_, f"generator_{self.model}", key, lambda: train_generator(
            X, y, discrete=self.discrete_features, device=resolve_device(self.device),
            random_state=seed, **own))
