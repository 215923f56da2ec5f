"""Deep generative models as samplers: AE, VAE, adversarial and conditional adversarial variants.

Names are imported on first use: the choice lists without torch, for the search space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.dgm._choices import ADVERSARIAL_MODELS, DISCRIMINATOR_TARGETS, GUARDS, INPUTS, MODELS
    from sedg.dgm._sampler import DGMSampler
    from sedg.dgm._training import FittedGenerator, copies_fraction, train_generator

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

__getattr__, __dir__ = lazy_attributes(__name__, {
    "ADVERSARIAL_MODELS": "sedg.dgm._choices",
    "DGMSampler": "sedg.dgm._sampler",
    "DISCRIMINATOR_TARGETS": "sedg.dgm._choices",
    "FittedGenerator": "sedg.dgm._training",
    "GUARDS": "sedg.dgm._choices",
    "INPUTS": "sedg.dgm._choices",
    "MODELS": "sedg.dgm._choices",
    "copies_fraction": "sedg.dgm._training",
    "train_generator": "sedg.dgm._training",
})
