"""Torch models of sedg: NNModel (the SEDG paper's classifier), the mixed-type codec, the training loop."""

from __future__ import annotations

from sedg.nn._codec import MixedCodec
from sedg.nn._nnmodel import EMBEDDING_LAYERS, NNModel, resolve_device
from sedg.nn._training import kl_divergence, train_epochs

__all__ = ["EMBEDDING_LAYERS", "MixedCodec", "NNModel", "kl_divergence", "resolve_device", "train_epochs"]
