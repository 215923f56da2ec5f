"""The evaluations behind the reproduction: pools of random configurations, each on every split.

A pool is a list of configurations drawn at random (Optuna's random sampler over
sedg-search's own space, as the SEDG paper drew its 50 trials per method). Every
configuration is evaluated on the paper's one 60/40 split and on ``repeats`` fresh
paired splits; the figures group one pool by the design choice they compare, so one
evaluation serves several figures. Evaluations run in a process pool sharing one
disk artifact store (baselines, diagnostics, importances, embeddings: once per split).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial

#: The paper's protocol: one stratified 60/40 split (seed 0). Fresh splits come from another stream.
PAPER_SEED = 0
HONEST_STREAM = 3
TRADITIONAL = ("svm_ovr", "svm_ovo", "random_forest", "xgboost")
CLASSIC = ("random_over", "random_under", "smote", "borderline_smote", "adasyn", "tomek_links",
           "enn", "smote_enn", "smote_tomek")


@dataclass
class Trial:
    """One configuration: its method, classifier, parameters, and per-split improvements."""

    pool: str
    method: str
    classifier: str
    params: dict
    paper: dict = field(default_factory=dict)       # improvements on the paper's split
    honest: list = field(default_factory=list)      # improvements on each fresh split
    seconds: float = 0.0
    error: str | None = None


def draw_pool(pool: str, methods: list[str], classifiers: tuple[str, ...], n: int, seed: int,
              fixed: dict | None = None) -> list[Trial]:
    """``n`` distinct random configurations of ``methods`` (in turn) and ``classifiers`` (at
    random): a configuration drawn again is drawn anew (a level's "3 trials" are 3 configurations;
    a method with fewer configurations than ``n``, such as a classic one without parameters on one
    classifier, gets what exists)."""
    import optuna

    from search.recipe import resampler_params
    from search.space import define_space

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.RandomSampler(seed=seed)
    if fixed:
        sampler = optuna.samplers.PartialFixedSampler(fixed, sampler)
    study = optuna.create_study(sampler=sampler)
    space = define_space(methods, list(classifiers), trials_per_method=True, n_synthetic=200)
    trials, seen, attempts = [], set(), 0
    while len(trials) < n and attempts < 50 * n:
        attempts += 1
        trial = study.ask()
        constants = space(trial)  # first: it makes the suggestions trial.params then holds
        config = {**trial.params, **constants}
        study.tell(trial, 0.0)
        method = config.pop("method", methods[0])
        classifier = config.pop("classifier", classifiers[0])
        params = resampler_params(config, method)
        key = (method, classifier, tuple(sorted(params.items())))
        if key not in seen:
            seen.add(key)
            trials.append(Trial(pool, method, classifier, params))
    return trials


def _limit_threads() -> None:
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    import torch

    torch.set_num_threads(1)


def _split_fields(split: str, repeats: int, index: int) -> dict:
    """``evaluate`` arguments for the paper's split or fresh split ``index``."""
    if split == "paper":
        return {"protocol": "holdout", "seed": PAPER_SEED}
    return {"protocol": "repeated_holdout", "seed": PAPER_SEED, "repeats": repeats,
            "stream": HONEST_STREAM, "split_indices": [index]}


def _evaluate(data_spec, store_path: str, trial: Trial, split: str, index: int, *,
              repeats: int) -> tuple[dict, float, str | None]:
    """Improvements of ``trial`` on one split: the paper's, or fresh split ``index``."""
    import time
    import warnings

    _limit_threads()
    from benchmarks.reproduce._data import load
    from evaluation import evaluate
    from sedg import DiskArtifacts

    warnings.filterwarnings("ignore")
    data = load(data_spec)
    fields = _split_fields(split, repeats, index)
    started = time.perf_counter()
    try:
        result = evaluate(data, classifier=trial.classifier, resampler=trial.method,
                          resampler_params=trial.params, artifacts=DiskArtifacts(store_path),
                          **fields)
    except Exception as error:  # noqa: BLE001 - a failed configuration is a reported row, not a crash
        return {}, time.perf_counter() - started, f"{type(error).__name__}: {error}"
    return result.deltas, time.perf_counter() - started, None


def _over_splits(items: list, repeats: int, jobs: int, task) -> list[dict]:
    """``task(item, split, index)`` on the paper's split and each fresh split, in parallel;
    per item, ``{"paper": value, "honest": [value per fresh split]}``."""
    from joblib import Parallel, delayed

    tasks = [(i, "paper", 0) for i in range(len(items))] + [
        (i, "honest", r) for i in range(len(items)) for r in range(repeats)]
    values = Parallel(n_jobs=jobs, backend="loky")(
        delayed(task)(items[i], split, index) for i, split, index in tasks)
    out: list[dict] = [{"paper": None, "honest": []} for _ in items]
    for (i, split, _), value in zip(tasks, values):
        if split == "paper":
            out[i]["paper"] = value
        else:
            out[i]["honest"].append(value)
    return out


def run_trials(trials: list[Trial], data_spec, store_path: str, repeats: int, jobs: int) -> None:
    """Fill every trial's ``paper`` and ``honest`` improvements (in place)."""
    task = partial(_evaluate, data_spec, store_path, repeats=repeats)
    for trial, runs in zip(trials, _over_splits(trials, repeats, jobs, task)):
        for _, seconds, error in [runs["paper"], *runs["honest"]]:
            trial.seconds += seconds
            trial.error = trial.error or error
        trial.paper, trial.honest = runs["paper"][0], [deltas for deltas, _, _ in runs["honest"]]


def baselines(classifiers: list[str], data_spec, store_path: str, repeats: int,
              jobs: int) -> dict[str, dict]:
    """No-resampling metrics per classifier: on the paper's split and on each fresh split."""
    task = partial(_baseline, data_spec, store_path, repeats=repeats)
    return dict(zip(classifiers, _over_splits(classifiers, repeats, jobs, task)))


def _baseline(data_spec, store_path, classifier, split, index, *, repeats) -> dict:
    _limit_threads()
    from benchmarks.reproduce._data import load
    from evaluation import evaluate
    from sedg import DiskArtifacts

    data = load(data_spec)
    fields = _split_fields(split, repeats, index)
    result = evaluate(data, classifier=classifier, resampler="none",
                      artifacts=DiskArtifacts(store_path), **fields)
    return result.baseline


def cv_folds(data_spec, methods: list[str], repeats: int, jobs: int) -> dict[str, dict]:
    """The GMCSMOTE paper's protocol: BLRR, 5-fold cv, QWK per fold; once (the paper's) and
    ``repeats`` more times with other seeds (the same folds for every method: paired)."""
    return dict(zip(methods, _over_splits(methods, repeats, jobs, partial(_cv, data_spec))))


def _cv(data_spec, method, split, index) -> list[float]:
    _limit_threads()
    from benchmarks.reproduce._data import load
    from evaluation import MemoryArtifacts, evaluate

    data = load(data_spec)
    if split == "paper":
        fields = {"protocol": "cv", "seed": PAPER_SEED}
    else:  # one repeat of 5-fold cv: the mean over its folds
        fields = {"protocol": "cv", "seed": 1000 + index}
    result = evaluate(data, classifier="blrr", resampler=method, artifacts=MemoryArtifacts(),
                      **fields)
    return [float(fold["qwk"]) for fold in result.fold_metrics]
