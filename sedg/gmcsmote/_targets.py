"""Target class counts of GMCSMOTE's Algorithm 1."""

from __future__ import annotations

import numpy as np

__all__ = ["DISTANCES", "gaussian_targets"]

#: How far a class is from the mode: the difference of label values (the paper's
#: ``posAway <- M - class``), or positions in the sorted label set.
DISTANCES = ("value", "index")


def gaussian_targets(
    counts: dict, *, cap: float = 2.5, distance: str = "value"
) -> dict:
    """Bell-shaped target count per class around the mode class.

    ``counts`` maps each label to its member count (after the replication of
    tiny classes). The mode keeps its count; a class at distance ``d`` from
    the mode gets ``max(n_c, floor(min(n_mode / d, cap * n_c)))``.
    ``distance="value"`` measures ``d`` as ``|label - mode|`` (numeric labels
    only), ``"index"`` in positions of the sorted label set (they differ on a
    gapped scale such as 0, 2, 4, 18, 20). Ties for the mode
    go to the class closest to the middle of the label order, then the lowest.

    Examples
    --------
    >>> gaussian_targets({1: 4, 2: 10, 3: 40, 4: 12, 5: 6})
    {1: 10, 2: 25, 3: 40, 4: 30, 5: 15}
    """
    labels = sorted(counts)
    sizes = np.array([counts[label] for label in labels], dtype=float)
    largest = np.flatnonzero(sizes == sizes.max())
    middle = (len(labels) - 1) / 2
    mode_position = int(min(largest, key=lambda position: (abs(position - middle), position)))
    mode = labels[mode_position]
    targets = {}
    for position, label in enumerate(labels):
        n_class = counts[label]
        if label == mode:
            targets[label] = int(n_class)
            continue
        away = abs(position - mode_position) if distance == "index" else abs(label - mode)
        shaped = min(counts[mode] / away, cap * n_class)
        targets[label] = int(max(n_class, np.floor(shaped)))
    return targets
