"""Deep generative models as samplers: AE, VAE, adversarial and conditional adversarial variants."""

from __future__ import annotations

from sedg.dgm._sampler import DGMSampler
from sedg.dgm._training import MODELS, FittedGenerator, copies_fraction, train_generator
from sedg.dgm.base import MixedCodec

__all__ = ["MODELS", "DGMSampler", "FittedGenerator", "MixedCodec", "copies_fraction", "train_generator"]
