"""Sample selection (SEDG paper, Section 3.1): RSS, PaSS, PeSS and PPSS."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from sedg.synthesis._allocation import normalise

__all__ = ["member_weights", "select_samples"]



def member_weights(sizes: np.ndarray, rule: str) -> np.ndarray:
    """Probability of choosing each class partition member, by the member-selection rule."""
    sizes = sizes.astype(float)
    if rule == "proportional":
        return normalise(sizes)
    if rule == "inverse":
        return normalise(1.0 / sizes)
    if rule == "uniform":
        return normalise(np.ones_like(sizes))
    target = sizes.max() if rule == "largest" else sizes.min()
    return normalise((sizes == target).astype(float))


def _draw_members(
    y: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    k: int,
    per_draw: tuple[int, int],
    replacement: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    """Pick a member, take m of its rows uniformly, repeat until k rows (PaSS and PPSS)."""
    chosen: list[np.ndarray] = []
    available = np.ones(labels.size, dtype=bool)
    total = 0
    while total < k:
        if not available.any():  # every member used once without replacement: start over
            available[:] = True
        p = normalise(np.where(available, weights, 0.0))
        member = rng.choice(labels.size, p=p)
        if not replacement:
            available[member] = False
        rows = np.flatnonzero(y == labels[member])
        m = min(int(rng.integers(per_draw[0], per_draw[1] + 1)), k - total)
        chosen.append(rng.choice(rows, size=m, replace=m > rows.size))
        total += m
    return np.concatenate(chosen)


def select_samples(
    method: str,
    y: np.ndarray,
    k: int,
    rng: np.random.Generator,
    *,
    member_probability: str = "proportional",
    replacement: bool = True,
    per_draw: tuple[int, int] = (10, 10),
    losses: np.ndarray | None = None,
    class_aucs: np.ndarray | None = None,
    candidates: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the ``k`` rows synthetic samples are made from.

    - ``rss``: uniform over all rows;
    - ``pass``: class partition, member chosen by ``member_probability``
      (the paper's ``proportional``; ``inverse``, ``uniform``, and the
      deterministic ``largest``/``smallest``), ``m`` rows per draw (fixed, or
      uniform in ``per_draw``), members drawn with or without replacement;
    - ``pess``: each row with probability proportional to the rank of the
      classifier's loss on it, so misclassified rows come first and a
      confidently right row last;
    - ``ppss``: like ``pass`` with the member probability proportional to
      ``1 - class AUC`` (a class whose AUC is undefined counts as 0.5).

    ``candidates`` (``pess``): the rows ``losses`` belong to, when they are
    known for some rows only (a subsample's); rows are then drawn among them.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0] * 8 + [1] * 2)
    >>> rows = select_samples("pass", y, 5, np.random.default_rng(0), member_probability="largest",
    ...                       per_draw=(2, 2))
    >>> set(y[rows].tolist())
    {0}
    """
    labels, sizes = np.unique(y, return_counts=True)
    if method == "rss":
        return rng.choice(y.size, size=k, replace=k > y.size)
    if method == "pess":
        probabilities = normalise(rankdata(losses))
        pool = y.size if candidates is None else np.asarray(candidates)
        return rng.choice(pool, size=k, replace=True, p=probabilities)
    if method == "pass":
        weights = member_weights(sizes, member_probability)
    elif method == "ppss":
        aucs = np.where(np.isfinite(class_aucs), class_aucs, 0.5)
        weights = normalise(1.0 - aucs + 1e-6)
    else:
        raise ValueError(f"unknown sample selection {method!r}")
    return _draw_members(y, labels, weights, k, per_draw, replacement, rng)
