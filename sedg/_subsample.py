"""The stratified subsample that diagnostics (embeddings, importances, losses) are learnt on.

What a generator learns about the training rows — an embedding network, feature
importances, a classifier's out-of-fold losses — is an estimate; past some tens of
thousands of rows more rows sharpen it little and cost in proportion. The rows made are
a few hundred or thousand, so on a large table these diagnostics, not the generation,
would dominate. They are learnt on at most ``diagnostic_rows`` rows instead, drawn per
class so that no class is thinned below a fair share.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DIAGNOSTIC_ROWS", "diagnostic_quotas", "stratified_subsample"]

#: The default cap. Diagnostics learnt on it (importances, an embedding network, three
#: out-of-fold fits) must cost less than fitting the classifier once on the 60,000 training
#: rows of a 10^5-row table. Against XGBoost, whose fit grows slowly with the rows, 10,000
#: did not: three out-of-fold fits were 3.8 s beside one 60,000-row fit of 3.5-4.5 s, and
#: permutation importances 4.4 s (benchmarks/SCALE.md); 5,000 halves them. Every class keeps
#: at least a sixth of the cap (833 rows) or all its rows. Tables up to the size of the
#: papers' (hundreds to a few thousand rows) are never subsampled, so their results are the
#: same as without a cap.
DIAGNOSTIC_ROWS = 5_000


def diagnostic_quotas(counts: np.ndarray, cap: int) -> np.ndarray:
    """Rows kept per class when ``counts`` are cut to ``cap`` in all.

    A class with no more rows than an equal share of what is left keeps them all
    (repeatedly, from the smallest class up); the other classes share the rest in
    proportion to their sizes (largest remainders), so their mix is the table's own.

    Examples
    --------
    >>> diagnostic_quotas(np.array([30, 900, 2000, 70]), 1000).tolist()
    [30, 279, 621, 70]
    >>> diagnostic_quotas(np.array([30, 900]), 1000).tolist()
    [30, 900]
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.sum() <= cap:
        return counts.copy()
    quotas = np.zeros_like(counts)
    rest = np.ones(counts.size, dtype=bool)
    left = int(cap)
    while rest.any():
        small = rest & (counts <= left / rest.sum())
        if not small.any():
            break
        quotas[small] = counts[small]
        left -= int(counts[small].sum())
        rest &= ~small
    if rest.any():  # largest remainders: the quotas add up to the cap exactly
        share = left * counts[rest] / counts[rest].sum()
        whole = np.floor(share).astype(np.int64)
        whole[np.argsort(whole - share)[: left - int(whole.sum())]] += 1
        quotas[rest] = whole
    return quotas


def stratified_subsample(y: np.ndarray, cap: int | None, random_state: int) -> np.ndarray | None:
    """Sorted indices of at most ``cap`` rows (see :func:`diagnostic_quotas`), or ``None`` when
    every row is kept (``cap`` None, or no more rows than ``cap``).

    Examples
    --------
    >>> y = np.repeat([0, 1, 2], [20, 300, 680])
    >>> rows = stratified_subsample(y, 100, random_state=0)
    >>> np.bincount(y[rows]).tolist()
    [20, 24, 56]
    >>> stratified_subsample(y, 5000, random_state=0) is None
    True
    """
    if cap is None or y.size <= cap:
        return None
    labels, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    quotas = diagnostic_quotas(counts, cap)
    rng = np.random.default_rng(random_state)
    kept = [rng.choice(np.flatnonzero(inverse == k), size=int(quota), replace=False)
            for k, quota in enumerate(quotas)]
    return np.sort(np.concatenate(kept))
