"""Torch models of sedg: NNModel (the SEDG paper's classifier), the mixed-type codec, the training loop.

Names are imported on first use: ``EMBEDDING_LAYERS`` without torch, for the search space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.nn._choices import EMBEDDING_LAYERS
    from sedg.nn._codec import MixedCodec
    from sedg.nn._nnmodel import PRECISIONS, NNModel, resolve_device
    from sedg.nn._training import batch_rows, epochs_within, kl_divergence, train_epochs

__all__ = [
    "EMBEDDING_LAYERS",
    "MixedCodec",
    "NNModel",
    "PRECISIONS",
    "batch_rows",
    "epochs_within",
    "kl_divergence",
    "resolve_device",
    "train_epochs",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "EMBEDDING_LAYERS": "sedg.nn._choices",
    "MixedCodec": "sedg.nn._codec",
    "NNModel": "sedg.nn._nnmodel",
    "PRECISIONS": "sedg.nn._nnmodel",
    "batch_rows": "sedg.nn._training",
    "epochs_within": "sedg.nn._training",
    "kl_divergence": "sedg.nn._training",
    "resolve_device": "sedg.nn._nnmodel",
    "train_epochs": "sedg.nn._training",
})
