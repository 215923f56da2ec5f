"""sedg: synthetic-data generation for class-imbalanced ordinal and multiclass tables.

Samplers here follow imbalanced-learn's API (``fit_resample``) and import no Ray,
so they work in a plain imblearn ``Pipeline``.
"""

from __future__ import annotations

from sedg._errors import SedgInputError
from sedg._memory import DiskArtifacts, MemoryArtifacts, artifact_counts, check_memory
from sedg.dgm import DGMSampler
from sedg.gmcsmote import GMCSMOTE
from sedg.nn import NNModel
from sedg.synthesis import SEDGSampler

__all__ = [
    "DGMSampler",
    "DiskArtifacts",
    "GMCSMOTE",
    "MemoryArtifacts",
    "NNModel",
    "SEDGSampler",
    "SedgInputError",
    "artifact_counts",
    "check_memory",
]
__version__ = "0.1.0"
