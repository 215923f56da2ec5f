"""ForestDiffusion (Jolicoeur-Martineau et al., AISTATS 2024) as a sampler (optional extra
``forest``): flow matching or diffusion with gradient-boosted trees.

Names are imported on first use: the variant names without the package, for the search space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.forest_diffusion._sampler import DIFFUSION_TYPES, ForestDiffusionSampler

__all__ = ["DIFFUSION_TYPES", "ForestDiffusionSampler"]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "DIFFUSION_TYPES": "sedg.forest_diffusion._sampler",
    "ForestDiffusionSampler": "sedg.forest_diffusion._sampler",
})
