"""Feature modification (SEDG paper, Section 3.3): candidates scored in one batch per step."""

from __future__ import annotations

import numpy as np

__all__ = ["SIMILARITY_TOLERANCE", "candidate_values", "most_similar", "modify"]

#: Candidates whose similarity is within this fraction of a sample's largest |similarity| of its
#: best are equally similar. Ties are common, not rare: a ReLU embedding is linear between its
#: kinks, so the values one step above and one step below the current one are exactly as far
#: from it, and float32 training leaves the two distances apart by machine-dependent noise
#: (5e-7 of the scale for the VAE embedding, 3e-5 for a trained NNModel's, measured across
#: ATEN_CPU_CAPABILITY and MKL_CBWR settings). 1e-4 is above that noise and below any
#: difference that expresses a preference.
SIMILARITY_TOLERANCE = 1e-4


def candidate_values(
    column: np.ndarray, discrete: bool, current: float, *, max_candidates: int, grid_steps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Values a feature may take instead of ``current``.

    Discrete: the other values seen in training (a random ``max_candidates``
    of them when there are more). Continuous: a grid of ``grid_steps`` evenly
    spaced values over the training range, without the current value; a
    column whose training values are all whole numbers (absences, earlier
    grades) gets its grid rounded to whole numbers, so it stays integer.

    Examples
    --------
    >>> import numpy as np
    >>> candidate_values(np.array([0.0, 3.0, 9.0]), False, 3.0, max_candidates=20, grid_steps=4,
    ...                  rng=np.random.default_rng(0)).tolist()
    [0.0, 6.0, 9.0]
    """
    return _pick(_value_pool(column, discrete, grid_steps), current, max_candidates, rng)


def _value_pool(column: np.ndarray, discrete: bool, grid_steps: int) -> np.ndarray:
    """Every value a feature's candidates come from: the values seen, or the grid."""
    if discrete:
        return np.unique(column)
    values = np.linspace(column.min(), column.max(), grid_steps)
    if np.all(column == np.round(column)):
        values = np.unique(np.round(values))
    return values


def _pick(pool: np.ndarray, current: float, max_candidates: int, rng: np.random.Generator):
    values = pool[pool != current]
    if values.size > max_candidates:
        values = rng.choice(values, size=max_candidates, replace=False)
    return values


def _similarity(candidates: np.ndarray, references: np.ndarray, kind: str) -> np.ndarray:
    if kind == "cosine":
        dot = np.einsum("ij,ij->i", candidates, references)
        norms = np.linalg.norm(candidates, axis=1) * np.linalg.norm(references, axis=1)
        return dot / np.maximum(norms, 1e-12)
    return -np.linalg.norm(candidates - references, axis=1)  # nearest neighbour


def _feature_scores(embed_values, owner, column, value, base, kind: str) -> np.ndarray:
    """Similarity of phi_i(candidate) to phi_i(current value), one embedding call per feature."""
    score = np.empty(owner.size)
    for feature in np.unique(column):
        at = np.flatnonzero(column == feature)
        candidates = embed_values(int(feature), value[at])
        references = embed_values(int(feature), base[owner[at], feature])
        score[at] = _similarity(candidates, references, kind)
    return score


def most_similar(
    owner: np.ndarray, score: np.ndarray, *, tolerance: float, rng: np.random.Generator
) -> np.ndarray:
    """Index of each sample's chosen candidate: the most similar, ties drawn at random.

    ``owner`` (sorted, candidates of one sample together) says whose each
    candidate is, ``score`` how similar it is (larger: more). Candidates
    within ``tolerance`` × the sample's largest |score| of its best score are
    tied, and one of them is drawn uniformly, so a choice between equally
    similar values neither leans to one side (the lower value, as a stable
    sort would) nor depends on floating-point noise.

    Examples
    --------
    >>> import numpy as np
    >>> owner, score = np.array([0, 0, 0, 1, 1]), np.array([-1.0, -0.5, -0.50001, -2.0, -3.0])
    >>> most_similar(owner, score, tolerance=0.0, rng=np.random.default_rng(0)).tolist()
    [1, 3]
    >>> {int(most_similar(owner, score, tolerance=1e-4, rng=np.random.default_rng(seed))[0])
    ...  for seed in range(20)}
    {1, 2}
    """
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    sizes = np.diff(np.r_[starts, owner.size])
    best = np.repeat(np.maximum.reduceat(score, starts), sizes)
    scale = np.repeat(np.maximum.reduceat(np.abs(score), starts), sizes)
    tied = score >= best - tolerance * scale
    return _first_best(owner, np.where(tied, rng.random(owner.size), -np.inf))


def _first_best(owner: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Index of each owner's largest score (the first of equal ones)."""
    order = np.lexsort((-score, owner))
    _, first = np.unique(owner[order], return_index=True)
    return order[first]


def modify(
    rows: np.ndarray,
    features: list[np.ndarray],
    train: np.ndarray,
    discrete_mask: np.ndarray,
    *,
    similarity: str,
    embed=None,
    embed_values=None,
    carry: bool = True,
    max_candidates: int = 20,
    grid_steps: int = 20,
    tolerance: float = SIMILARITY_TOLERANCE,
    rng: np.random.Generator,
) -> np.ndarray:
    """Replace the chosen features of each row by the candidate most similar to the row.

    ``similarity`` is ``"random"`` (any candidate), ``"nn"`` (smallest
    Euclidean distance between embeddings) or ``"cosine"``. Rows are compared
    whole (``embed``: phi(S) against phi(S')) or, given ``embed_values``
    (``(feature, values) -> vectors``), feature by feature (phi_i of the
    candidate against phi_i of the current value, the paper's phi_i: yi -> Ei). For each feature
    position, the candidate rows of all samples are embedded in one call and
    scored against their samples' embeddings. With ``carry`` each replacement
    is kept for the comparisons of the following features (the modified row
    becomes the reference); without it every feature is compared against the
    original row and the replacements are applied together at the end.
    Candidates within ``tolerance`` of the most similar are equally similar
    and one of them is drawn (:func:`most_similar`).

    Examples
    --------
    >>> import numpy as np
    >>> train = np.array([[0.0, 1.0], [1.0, 0.0], [0.7, 0.7]])
    >>> out = modify(np.array([[1.0, 0.1]]), [np.array([0])], train, np.array([True, True]),
    ...              similarity="cosine", embed=lambda X: X, rng=np.random.default_rng(0))
    >>> out.tolist()  # 0.7 keeps the row's angle best among the other values 0.0 and 0.7
    [[0.7, 0.1]]
    """
    base = np.array(rows, dtype=float, copy=True)
    output = base.copy()
    longest = max((len(chosen) for chosen in features), default=0)
    pools: dict[int, np.ndarray] = {}  # per column, read from the training rows once
    for position in range(longest):
        owners, candidate_rows, values, columns = [], [], [], []
        for i, chosen in enumerate(features):
            if position >= len(chosen):
                continue
            column = int(chosen[position])
            if column not in pools:
                pools[column] = _value_pool(train[:, column], bool(discrete_mask[column]), grid_steps)
            options = _pick(pools[column], base[i, column], max_candidates, rng)
            if options.size == 0:
                continue
            block = np.repeat(base[i : i + 1], options.size, axis=0)
            block[:, column] = options
            owners.append(np.full(options.size, i))
            candidate_rows.append(block)
            values.append(options)
            columns.append(np.full(options.size, column))
        if not owners:
            continue
        owner, value, column = np.concatenate(owners), np.concatenate(values), np.concatenate(columns)
        if similarity == "random":
            best = _first_best(owner, rng.random(owner.size))
        else:
            if embed_values is not None:
                score = _feature_scores(embed_values, owner, column, value, base, similarity)
            else:
                candidates = embed(np.vstack(candidate_rows))
                references = embed(base)[owner]
                score = _similarity(candidates, references, similarity)
            best = most_similar(owner, score, tolerance=tolerance, rng=rng)
        output[owner[best], column[best]] = value[best]
        if carry:
            base[owner[best], column[best]] = value[best]
    return output
