"""A generated ordinal table of any size, shaped like the ones users bring at scale.

20 features (12 continuous, 4 ordinal, 4 nominal) loading on a hidden ability; a
6-class ordinal target cut at 3/12/35/30/15/5 %. Vectorised: 10^6 rows in seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CLASS_SHARES", "TARGET", "make_large_table"]

TARGET = "grade"
CLASS_SHARES = (0.03, 0.12, 0.35, 0.30, 0.15, 0.05)
_NOMINAL_WORDS = ("north", "south", "east", "west", "centre")


def make_large_table(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """The table as a DataFrame: ``c0..c11`` continuous, ``o0..o3`` ordinal (1–5),
    ``n0..n3`` nominal words, and the target ``grade`` (0–5).

    Examples
    --------
    >>> frame = make_large_table(1000)
    >>> frame.shape, sorted(frame["grade"].unique().tolist())
    ((1000, 21), [0, 1, 2, 3, 4, 5])
    """
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=n_rows)
    columns = {}
    loadings = np.linspace(0.8, 0.05, 12)
    for j, loading in enumerate(loadings):
        columns[f"c{j}"] = np.round(loading * ability + rng.normal(size=n_rows), 4)
    for j in range(4):
        latent = (0.6 - 0.1 * j) * ability + rng.normal(size=n_rows)
        columns[f"o{j}"] = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1
    for j in range(4):
        # Nominal: which word depends on the ability through an unordered mapping.
        latent = (0.5 - 0.1 * j) * ability + rng.normal(size=n_rows)
        bins = np.digitize(latent, [-1.0, -0.3, 0.3, 1.0])
        order = rng.permutation(len(_NOMINAL_WORDS))
        columns[f"n{j}"] = np.asarray(_NOMINAL_WORDS)[order[bins]]
    score = ability + 0.6 * rng.normal(size=n_rows)
    cuts = np.quantile(score, np.cumsum(CLASS_SHARES)[:-1])
    columns[TARGET] = np.digitize(score, cuts)
    return pd.DataFrame(columns)
