"""A synthetic, student-performance-shaped table: the embedded default data set."""

from __future__ import annotations

import numpy as np

from sedg._errors import SedgInputError
from sedg.datasets.base import TabularData

__all__ = ["GRADES_TARGET", "make_grades"]

#: The class column of the embedded data set.
GRADES_TARGET = "G3"

_YES_NO = ("no", "yes")
# name, values (low latent to high latent), shares of each value, loading on ability.
# Ordered so that the most predictive features come first when n_features is small.
_TEMPLATES: tuple[tuple[str, tuple, tuple[float, ...], float], ...] = (
    ("failures", (3, 2, 1, 0), (0.03, 0.03, 0.09, 0.85), 0.55),
    ("higher", _YES_NO, (0.11, 0.89), 0.45),
    ("studytime", (1, 2, 3, 4), (0.33, 0.47, 0.15, 0.05), 0.35),
    ("school", ("MS", "GP"), (0.35, 0.65), 0.30),
    ("Medu", (0, 1, 2, 3, 4), (0.01, 0.22, 0.28, 0.21, 0.28), 0.30),
    ("Dalc", (5, 4, 3, 2, 1), (0.03, 0.03, 0.07, 0.18, 0.69), 0.25),
    ("sex", ("M", "F"), (0.41, 0.59), 0.15),
    ("Fedu", (0, 1, 2, 3, 4), (0.01, 0.27, 0.32, 0.20, 0.20), 0.25),
    ("internet", _YES_NO, (0.23, 0.77), 0.20),
    ("address", ("R", "U"), (0.30, 0.70), 0.20),
    ("Mjob", ("at_home", "other", "services", "health", "teacher"),
     (0.21, 0.40, 0.21, 0.07, 0.11), 0.25),
    ("reason", ("other", "home", "course", "reputation"), (0.11, 0.23, 0.44, 0.22), 0.15),
    ("Walc", (5, 4, 3, 2, 1), (0.07, 0.13, 0.19, 0.23, 0.38), 0.20),
    ("age", (22, 21, 20, 19, 18, 17, 16, 15), (0.01, 0.01, 0.01, 0.05, 0.22, 0.28, 0.27, 0.15), 0.20),
    ("schoolsup", ("yes", "no"), (0.10, 0.90), 0.10),
    ("famsup", _YES_NO, (0.39, 0.61), 0.05),
    ("paid", ("yes", "no"), (0.06, 0.94), 0.05),
    ("Fjob", ("at_home", "other", "services", "health", "teacher"),
     (0.06, 0.57, 0.28, 0.04, 0.05), 0.15),
    ("guardian", ("other", "father", "mother"), (0.06, 0.24, 0.70), 0.10),
    ("traveltime", (4, 3, 2, 1), (0.02, 0.08, 0.33, 0.57), 0.15),
    ("freetime", (5, 4, 3, 2, 1), (0.07, 0.27, 0.40, 0.17, 0.09), 0.10),
    ("goout", (5, 4, 3, 2, 1), (0.17, 0.22, 0.32, 0.22, 0.07), 0.10),
    ("romantic", ("yes", "no"), (0.37, 0.63), 0.10),
    ("famrel", (1, 2, 3, 4, 5), (0.03, 0.04, 0.16, 0.49, 0.28), 0.05),
    ("health", (1, 2, 3, 4, 5), (0.14, 0.12, 0.19, 0.17, 0.38), 0.0),
    ("famsize", ("LE3", "GT3"), (0.30, 0.70), 0.0),
    ("Pstatus", ("A", "T"), (0.12, 0.88), 0.0),
    ("activities", _YES_NO, (0.51, 0.49), 0.05),
)


def make_grades(n_samples: int = 649, n_features: int = 30, seed: int = 0) -> TabularData:
    """Generate a synthetic student-performance table with a 0–20 grade.

    The table is **synthetic**: made-up students whose features load on a
    hidden ability, shaped after the UCI student-performance data (binary,
    nominal and ordinal survey answers, an age, an absence count and a prior
    test score). The grade ``G3`` is bell-shaped around 12 with thin tails and
    a small group of drop-outs at 0, so tail classes have 1–15 members at the
    default size, and the features really predict it. Deterministic for a
    ``seed``; vectorised, so 10^6 rows take seconds.

    Parameters
    ----------
    n_samples : int, default=649
    n_features : int, default=30
        The first 28 are survey-like features, then ``absences`` and
        ``prior_score``; beyond 30, weakly informative ``extra_<k>`` columns.
    seed : int, default=0

    Returns
    -------
    TabularData
        Named ``grades``, target ``G3``.

    Examples
    --------
    >>> from sedg.datasets import make_grades
    >>> data = make_grades(seed=0)
    >>> data.X.shape
    (649, 30)
    >>> int(data.y.min()) >= 0 and int(data.y.max()) <= 20
    True
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 20:
        raise SedgInputError(f"n_samples must be an integer >= 20, got {n_samples!r}")
    if not isinstance(n_features, (int, np.integer)) or n_features < 1:
        raise SedgInputError(f"n_features must be a positive integer, got {n_features!r}")
    rng = np.random.default_rng(seed)
    ability = rng.standard_normal(n_samples)
    templates = {template[0]: template for template in _TEMPLATES}
    names = _feature_plan(n_features)
    columns, kinds, categories, integers = [], [], {}, set()
    for index, name in enumerate(names):
        if name in templates:
            _, values, shares, loading = templates[name]
            codes, categories[index] = _discrete(rng, ability, values, shares, loading)
            columns.append(codes)
            kinds.append("nominal" if isinstance(values[0], str) else "ordinal")
            continue
        kinds.append("continuous")
        if name == "absences":
            rate = np.exp(1.0 - 0.45 * ability + 0.6 * rng.standard_normal(n_samples))
            columns.append(np.minimum(rng.poisson(rate), 32).astype(float))
            integers.add(index)
        elif name == "prior_score":
            score = 11.4 + 2.6 * (0.9 * ability + 0.44 * rng.standard_normal(n_samples))
            columns.append(np.clip(np.rint(score), 0, 19))
            integers.add(index)
        else:
            columns.append(np.round(0.2 * ability + rng.standard_normal(n_samples), 3))
    failures = columns[names.index("failures")] if "failures" in names else None
    return TabularData(
        X=np.column_stack(columns),
        y=_grades(rng, ability, failures),
        feature_names=tuple(names),
        feature_kinds=tuple(kinds),
        categories=categories,
        integer_features=frozenset(integers),
        target=GRADES_TARGET,
        name="grades",
    )


def _feature_plan(n_features: int) -> list[str]:
    survey = [template[0] for template in _TEMPLATES]
    base = survey + ["absences", "prior_score"]
    if n_features < len(base):
        # Keep the prior score (the strongest signal) even in small tables.
        return (survey[: n_features - 1] + ["prior_score"]) if n_features > 1 else ["prior_score"]
    return base + [f"extra_{k}" for k in range(n_features - len(base))]


def _discrete(
    rng: np.random.Generator,
    ability: np.ndarray,
    values: tuple,
    shares: tuple[float, ...],
    loading: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Codes (in sorted-value order, as the loader encodes) and the sorted values."""
    from scipy.stats import norm  # here: GRADES_TARGET is read where scipy.stats is not needed

    latent = loading * ability + np.sqrt(1.0 - loading**2) * rng.standard_normal(ability.size)
    cuts = norm.ppf(np.cumsum(shares)[:-1] / np.sum(shares))
    position = np.searchsorted(cuts, latent)
    ordered = np.asarray(values, dtype=object if isinstance(values[0], str) else np.int64)
    sort = np.argsort(ordered, kind="stable")
    code_of_position = np.empty(len(values), dtype=float)
    code_of_position[sort] = np.arange(len(values))
    return code_of_position[position], ordered[sort]


def _grades(rng: np.random.Generator, ability: np.ndarray, failures: np.ndarray | None) -> np.ndarray:
    noise = rng.standard_normal(ability.size)
    grade = np.clip(np.rint(11.9 + 2.9 * (0.92 * ability + 0.4 * noise)), 1, 20).astype(np.int64)
    risk = -4.3 - 0.6 * ability + (0.8 * failures if failures is not None else 0.0)
    dropped = rng.random(ability.size) < 1.0 / (1.0 + np.exp(-risk))
    grade[dropped] = 0
    return grade
