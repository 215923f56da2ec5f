"""Deep generative models as samplers: AE, VAE, adversarial and conditional adversarial variants."""

from __future__ import annotations

from sedg.dgm._sampler import INPUTS, DGMSampler
from sedg.dgm._training import (
    ADVERSARIAL_MODELS,
    DISCRIMINATOR_TARGETS,
    GUARDS,
    MODELS,
    FittedGenerator,
    copies_fraction,
    train_generator,
)

__all__ = [
    "ADVERSARIAL_MODELS",
    "DISCRIMINATOR_TARGETS",
    "GUARDS",
    "INPUTS",
    "MODELS",
    "DGMSampler",
    "FittedGenerator",
    "copies_fraction",
    "train_generator",
]
