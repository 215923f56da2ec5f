"""Torch models of sedg: NNModel, the SEDG paper's classifier with learned embeddings."""

from __future__ import annotations

from sedg.nn._nnmodel import NNModel, resolve_device

__all__ = ["NNModel", "resolve_device"]
