"""Seeds from ``random_state``, the scikit-learn way."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["resolve_seed"]


def resolve_seed(random_state) -> int:
    """An integer seed: ``random_state`` itself when it is one, else a draw from
    :func:`sklearn.utils.check_random_state` (None: numpy's global generator).

    Samplers seed numpy Generators and torch from it, so an integer gives the
    same rows every time and None gives new rows every call.

    Examples
    --------
    >>> resolve_seed(7)
    7
    >>> isinstance(resolve_seed(None), int)
    True
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
