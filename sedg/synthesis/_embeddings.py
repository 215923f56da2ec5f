"""Embeddings for feature modification (SEDG paper, Section 3.3.1).

Every embedder maps encoded rows to vectors with ``transform``; all are
picklable so the search can share a fitted one between trials. They are
fitted on training rows only.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler
from torch import nn

from sedg.nn import PRECISIONS, kl_divergence, train_epochs
from sedg.synthesis._choices import EMBEDDINGS

__all__ = [
    "EMBEDDINGS", "AutoEncoderEmbedder", "ModelEmbedder", "PCAEmbedder", "Reduced", "fit_autoencoder",
]


class PCAEmbedder:
    """Standardised raw features projected on their principal components."""

    def __init__(self, n_components: int, random_state: int = 0) -> None:
        self.n_components, self.random_state = n_components, random_state

    def fit(self, X: np.ndarray) -> PCAEmbedder:
        self.scaler_ = StandardScaler().fit(X)
        components = min(self.n_components, X.shape[1], X.shape[0])
        self.pca_ = PCA(components, random_state=self.random_state).fit(self.scaler_.transform(X))
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self.pca_.transform(self.scaler_.transform(X))


class ModelEmbedder:
    """The learned embedding of a fitted classifier that has ``embed`` (NNModel).

    ``layer="input"`` is the paper's phi (one vector per feature,
    concatenated), which also offers the per-feature phi_i through
    :meth:`embed_values`; ``"hidden"`` is the last LRND block's output.
    A handle: copies are the embedder itself (it is read-only once fitted), so
    classifiers cloned around it share one fitted network.
    """

    def __init__(self, model, layer: str = "input") -> None:
        self.model, self.layer = model, layer

    def _inner(self):
        return getattr(self.model, "estimator_", self.model)

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self._inner().embed(X, layer=self.layer)

    def embed_values(self, feature: int, values: np.ndarray) -> np.ndarray:
        return self._inner().embed_values(feature, values)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class Reduced:
    """Another embedder followed by PCA (fitted on the training rows' embeddings)."""

    def __init__(self, inner, X: np.ndarray, n_components: int, random_state: int = 0) -> None:
        self.inner = inner
        embedded = inner.transform(X)
        components = min(n_components, embedded.shape[1], embedded.shape[0])
        self.pca = PCA(components, random_state=random_state).fit(embedded)

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self.pca.transform(self.inner.transform(X))


class _AutoEncoder(nn.Module):
    def __init__(self, n_inputs: int, hidden: int, latent: int, variational: bool) -> None:
        super().__init__()
        self.variational = variational
        self.encoder = nn.Sequential(nn.Linear(n_inputs, hidden), nn.ReLU())
        self.mean = nn.Linear(hidden, latent)
        self.log_var = nn.Linear(hidden, latent) if variational else None
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(), nn.Linear(hidden, n_inputs))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.mean(self.encoder(x))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(x)
        mean = self.mean(hidden)
        if not self.variational:
            return self.decoder(mean), torch.zeros((), device=x.device)
        log_var = self.log_var(hidden)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        kl = kl_divergence(mean, log_var)
        return self.decoder(z), kl


class AutoEncoderEmbedder:
    """The bottleneck of an auto-encoder (or a VAE's latent mean) over standardised features."""

    def __init__(self, scaler: StandardScaler, network: _AutoEncoder) -> None:
        self.scaler, self.network = scaler, network

    def transform(self, X: np.ndarray) -> np.ndarray:
        dtype = next(self.network.parameters()).dtype
        inputs = torch.as_tensor(self.scaler.transform(X), dtype=dtype)
        with torch.no_grad():
            return self.network.encode(inputs).numpy().astype(np.float64)


def fit_autoencoder(
    X: np.ndarray,
    *,
    variational: bool,
    latent_dim: int = 8,
    hidden: int = 64,
    epochs: int = 150,
    learning_rate: float = 1e-2,
    kl_weight: float = 0.1,
    precision: str = "float64",
    random_state: int = 0,
) -> AutoEncoderEmbedder:
    """Train an auto-encoder (MSE) or a VAE (MSE + ``kl_weight`` × KL) on the training rows, full batch.

    ``precision`` is float64 by default: in float32 the rounding of the CPU's
    kernels (AVX-512 or AVX2, MKL's code path) grew over training into
    embeddings 0.6 % apart on the same rows, which changed the rows SEDG made;
    in float64 they agree. It costs about twice float32's time (5,000 rows,
    150 epochs: 1.4 s against 0.6 s here).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(40, 5))
    >>> fit_autoencoder(X, variational=True, latent_dim=2, epochs=5).transform(X).shape
    (40, 2)
    """
    dtype = PRECISIONS[precision]
    scaler = StandardScaler().fit(X)
    inputs = torch.as_tensor(scaler.transform(X), dtype=dtype)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(random_state)
        network = _AutoEncoder(X.shape[1], hidden, latent_dim, variational).to(dtype)
        optimiser = torch.optim.Adam(network.parameters(), lr=learning_rate)

        def step(batch: torch.Tensor) -> None:
            optimiser.zero_grad()
            reconstruction, kl = network(batch)
            loss = nn.functional.mse_loss(reconstruction, batch) + kl_weight * kl
            loss.backward()
            optimiser.step()

        train_epochs(network, max_epochs=epochs, batches=lambda: (inputs,), step=step)
    return AutoEncoderEmbedder(scaler, network)
