"""Methods: one spec each (how to build the sampler, which parameters the search suggests).

Built-in: no resampling, class reweighting, imbalanced-learn's classics, GMCSMOTE, SEDG,
the deep generative models, CTGAN, TVAE and ForestDiffusion. :func:`register_method` adds more
(``--plugin``).
"""

from __future__ import annotations

from evaluation.methods._registry import (
    METHODS,
    NO_RESAMPLING,
    MethodSpec,
    import_plugins,
    make_resampler,
    register_method,
)

from evaluation.methods._classic import shortfall_strategy  # isort: skip (registers in order)
from evaluation.methods import _class_weight, _dgm, _gmcsmote, _sedg  # noqa: F401,E402  isort: skip
from evaluation.methods import _generators  # noqa: F401,E402  isort: skip (after the paper's methods)

__all__ = [
    "METHODS",
    "NO_RESAMPLING",
    "MethodSpec",
    "import_plugins",
    "make_resampler",
    "register_method",
    "shortfall_strategy",
]
