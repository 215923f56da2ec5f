"""The deep generative models' choice lists that the search space needs (no torch here)."""

from __future__ import annotations

from sedg.synthesis import SAMPLE_SELECTIONS

__all__ = ["ADVERSARIAL_MODELS", "DISCRIMINATOR_TARGETS", "GUARDS", "INPUTS", "MODELS"]

#: model -> (variational, adversarial, conditional)
MODELS = {
    "ae": (False, False, False),
    "vae": (True, False, False),
    "aae": (False, True, False),
    "avae": (True, True, False),
    "caae": (False, True, True),
    "cavae": (True, True, True),
}
ADVERSARIAL_MODELS = tuple(name for name, (_, adversarial, _) in MODELS.items() if adversarial)
DISCRIMINATOR_TARGETS = ("latent", "sample")
#: Over-fitting guards: the paper's copies heuristic, held-out loss, or none.
GUARDS = ("heuristic", "validation", "none")
#: Where generation starts: prior noise, or the rows a SEDG sample selection picks.
INPUTS = ("noise", *SAMPLE_SELECTIONS)
