"""Mixed-type rows in and out of a network: one-hot blocks for discrete features, scaled continuous.

The one description of a table's columns that sedg's networks share: which
features are discrete and how many codes each has, and the training rows'
scaling of the continuous ones. NNModel feeds discrete codes to embedding
tables (:meth:`MixedCodec.standardise`); the generators and their guards work
on one-hot blocks (:meth:`MixedCodec.encode`, :meth:`MixedCodec.decode_logits`).

Discrete features are reconstructed through a softmax per feature (a
cross-entropy term each), continuous ones are standardised on the training
rows, reconstructed with squared error, inverse-scaled and clipped to the
training range, so decoded rows are always valid encoded rows.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["MixedCodec"]


class MixedCodec:
    """Encode rows for a network, decode its outputs, and score reconstructions.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.5], [2.0, 3.0], [1.0, 2.0]])
    >>> codec = MixedCodec(X, discrete=[0])
    >>> codec.width, codec.decode_logits(codec.encode(X)).tolist() == X.tolist()
    (4, True)
    """

    def __init__(self, X: np.ndarray, discrete, cardinalities=None) -> None:
        given = [int(j) for j in (discrete if discrete is not None else [])]
        mask = np.zeros(X.shape[1], dtype=bool)
        mask[given] = True
        self.discrete = np.flatnonzero(mask)
        self.continuous = np.flatnonzero(~mask)
        if cardinalities is not None:  # given in the order of ``discrete``
            by_column = dict(zip(given, cardinalities))
            self.cardinalities = [int(by_column[j]) for j in self.discrete]
        else:
            self.cardinalities = [int(X[:, j].max()) + 1 for j in self.discrete]
        self.offsets = np.cumsum([0, *self.cardinalities])
        values = X[:, self.continuous]
        self.mean, self.std = values.mean(axis=0), np.where(values.std(axis=0) > 0, values.std(axis=0), 1.0)
        self.low, self.high = values.min(axis=0), values.max(axis=0)
        self.n_features = X.shape[1]
        self.width = int(self.offsets[-1]) + self.continuous.size

    def standardise(self, X: np.ndarray) -> np.ndarray:
        """Discrete codes as they are, continuous values standardised (NNModel's input)."""
        out = np.array(X, dtype=np.float64)
        out[:, self.continuous] = (out[:, self.continuous] - self.mean) / self.std
        return out

    def encode(self, X: np.ndarray) -> np.ndarray:
        """One-hot blocks (discrete) followed by standardised values (continuous)."""
        out = np.zeros((X.shape[0], self.width))
        codes = np.clip(np.rint(X[:, self.discrete]), 0, np.array(self.cardinalities) - 1).astype(int)
        rows = np.arange(X.shape[0])[:, None]
        out[rows, self.offsets[:-1] + codes] = 1.0
        out[:, self.offsets[-1]:] = (X[:, self.continuous] - self.mean) / self.std
        return out

    def decode_logits(self, output: np.ndarray) -> np.ndarray:
        """Network output back to encoded rows: argmax per discrete block, inverse-scaled continuous."""
        X = np.empty((output.shape[0], self.n_features))
        for i, j in enumerate(self.discrete):
            X[:, j] = output[:, self.offsets[i]: self.offsets[i + 1]].argmax(axis=1)
        values = output[:, self.offsets[-1]:] * self.std + self.mean
        X[:, self.continuous] = np.clip(values, self.low, self.high)
        return X

    def loss(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mean over rows of: cross-entropy per discrete feature + squared error per continuous one."""
        total = torch.zeros((), device=output.device)
        for i in range(len(self.discrete)):
            block = slice(int(self.offsets[i]), int(self.offsets[i + 1]))
            total = total + nn.functional.cross_entropy(output[:, block], target[:, block].argmax(dim=1))
        start = int(self.offsets[-1])
        if self.width > start:
            squared = nn.functional.mse_loss(output[:, start:], target[:, start:])
            total = total + squared * (self.width - start)
        return total / self.n_features
