"""Train/test splits of the protocols, safe for 1-member classes, and the seed of each split."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "DEFAULT_PROTOCOL",
    "N_FOLDS",
    "PROTOCOLS",
    "REPEATED_PROTOCOLS",
    "REPEATS",
    "CONFIRM_STREAM",
    "FINAL_STREAM",
    "SEARCH_STREAM",
    "TEST_SIZE",
    "confirmation_protocol",
    "derive_seed",
    "final_test_split",
    "make_splits",
    "n_splits",
    "split_seeds",
]

#: The SEDG paper's holdout (40 % test) and the GMCSMOTE paper's 5-fold cross-validation,
#: each once with one seed; and their repeated forms, R times with a seed per repeat.
PAPER_PROTOCOLS = ("holdout", "cv")
REPEATED_PROTOCOLS = ("repeated_holdout", "repeated_cv")
PROTOCOLS = (*REPEATED_PROTOCOLS, *PAPER_PROTOCOLS)
#: What a search uses unless told otherwise: improvements averaged over paired splits.
DEFAULT_PROTOCOL = "repeated_holdout"
TEST_SIZE = 0.4
N_FOLDS = 5
REPEATS = 5
#: Seed streams, each apart from the others: the search's splits, the fresh ones a confirmation
#: uses, and the fit on the whole search part that the final-test part scores.
SEARCH_STREAM, CONFIRM_STREAM, FINAL_STREAM = 0, 1, 2


def derive_seed(seed: int, repeat: int, stream: int = SEARCH_STREAM) -> int:
    """The seed of repeat ``repeat``: a function of ``seed``, the repeat and the stream only.

    Examples
    --------
    >>> derive_seed(0, 1) == derive_seed(0, 1) != derive_seed(0, 2)
    True
    """
    state = np.random.SeedSequence([int(seed), int(stream), int(repeat)]).generate_state(1)[0]
    return int(state % (2**31 - 1))


def n_splits(protocol: str, *, n_folds: int = N_FOLDS, repeats: int = REPEATS) -> int:
    """How many (train, test) pairs ``protocol`` evaluates."""
    per_repeat = n_folds if protocol in ("cv", "repeated_cv") else 1
    return per_repeat * (repeats if protocol in REPEATED_PROTOCOLS else 1)


def split_seeds(protocol: str, seed: int, *, n_folds: int = N_FOLDS, repeats: int = REPEATS,
                stream: int = SEARCH_STREAM) -> list[int]:
    """The seed of every split: the resampler and the classifier use it on that split.

    The papers' protocols use ``seed`` throughout; a repeated protocol derives
    one seed per repeat (all folds of a repeat share it), so every trial of a
    search sees the same sequence and comparisons are paired split by split.
    """
    if protocol in PAPER_PROTOCOLS:
        return [seed] * n_splits(protocol, n_folds=n_folds)
    per_repeat = n_folds if protocol == "repeated_cv" else 1
    return [derive_seed(seed, repeat, stream) for repeat in range(repeats) for _ in range(per_repeat)]


def _holdout(y: np.ndarray, seed: int, test_size: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split  # here: the names load without it

    labels, counts = np.unique(y, return_counts=True)
    single = np.isin(y, labels[counts < 2])
    common = np.flatnonzero(~single)
    train, test = train_test_split(common, test_size=test_size, stratify=y[common], random_state=seed)
    return np.sort(np.concatenate([train, np.flatnonzero(single)])), np.sort(test)


def _folds(y: np.ndarray, seed: int, n_folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        return [(train, test) for train, test in folds.split(np.zeros(y.size), y)]


def make_splits(
    y: np.ndarray, protocol: str, *, seed: int, test_size: float = TEST_SIZE, n_folds: int = N_FOLDS,
    repeats: int = REPEATS, stream: int = SEARCH_STREAM,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Index pairs ``(train, test)`` of ``protocol``.

    ``holdout`` (SEDG paper): a stratified split with ``test_size`` of the rows
    in the test part. Classes with a single member cannot be stratified; they
    go to the training part whole, so the model can learn them and their
    class-AUC on the test part is NaN.

    ``cv`` (GMCSMOTE paper): stratified k-fold with shuffling. Classes with
    fewer members than folds are spread over as many folds as they have
    members (scikit-learn's rule); the other folds lack them.

    ``repeated_holdout`` and ``repeated_cv``: the same, ``repeats`` times, each
    repeat with its own seed from :func:`split_seeds` (``stream`` 1 gives
    splits a search never saw, for confirmation).

    All depend only on ``y``, ``seed`` and the counts, so every trial of a
    search sees the same splits.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0] * 10 + [1] * 10 + [2])
    >>> [(train.size, test.size) for train, test in make_splits(y, "holdout", seed=0)]
    [(13, 8)]
    >>> len(make_splits(y, "repeated_cv", seed=0, repeats=3))
    15
    """
    y = np.asarray(y)
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}")
    seeds = split_seeds(protocol, seed, n_folds=n_folds, repeats=repeats, stream=stream)
    if protocol in ("holdout", "repeated_holdout"):
        return [_holdout(y, split_seed, test_size) for split_seed in seeds]
    per_repeat = seeds[::n_folds]
    return [pair for repeat_seed in per_repeat for pair in _folds(y, repeat_seed, n_folds)]


def confirmation_protocol(protocol: str) -> str:
    """Fresh splits of the search's own kind: the repeated form of a paper's protocol.

    Examples
    --------
    >>> confirmation_protocol("cv"), confirmation_protocol("repeated_holdout")
    ('repeated_cv', 'repeated_holdout')
    """
    return {"holdout": "repeated_holdout", "cv": "repeated_cv"}.get(protocol, protocol)


def final_test_split(y: np.ndarray, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(search rows, final-test rows)``: a stratified ``share`` of the rows that no search
    split ever touches (``--final-test``); 1-member classes stay in the search part.

    Examples
    --------
    >>> y = np.array([0] * 10 + [1] * 10 + [2])
    >>> [part.size for part in final_test_split(y, 0.2, seed=0)]
    [17, 4]
    """
    (search_rows, final_rows), = make_splits(y, "holdout", seed=seed, test_size=share)
    return search_rows, final_rows
