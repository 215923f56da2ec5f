"""sedg: synthetic-data generation for class-imbalanced ordinal and multiclass tables.

Samplers here follow imbalanced-learn's API (``fit_resample``) and import no Ray,
so they work in a plain imblearn ``Pipeline``. Names are imported on first use
(torch only with a sampler that needs it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg._errors import SedgDataWarning, SedgInputError
from sedg.defaults import N_SYNTHETIC
from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.dgm import DGMSampler
    from sedg.gmcsmote import GMCSMOTE
    from sedg.memory import DiskArtifacts, MemoryArtifacts, artifact_counts, check_memory
    from sedg.nn import NNModel
    from sedg.synthesis import SEDGSampler

__all__ = [
    "N_SYNTHETIC",
    "DGMSampler",
    "DiskArtifacts",
    "GMCSMOTE",
    "MemoryArtifacts",
    "NNModel",
    "SEDGSampler",
    "SedgDataWarning",
    "SedgInputError",
    "artifact_counts",
    "check_memory",
]
__version__ = "0.1.0"

__getattr__, __dir__ = lazy_attributes(__name__, {
    "DGMSampler": "sedg.dgm",
    "DiskArtifacts": "sedg.memory",
    "GMCSMOTE": "sedg.gmcsmote",
    "MemoryArtifacts": "sedg.memory",
    "NNModel": "sedg.nn",
    "SEDGSampler": "sedg.synthesis",
    "artifact_counts": "sedg.memory",
    "check_memory": "sedg.memory",
})
