"""The searcher: Optuna under Ray Tune, its time counted for ``--profile``."""

from __future__ import annotations

import optuna
from ray.tune.search.optuna import OptunaSearch

from search._profile import timed
from search.settings import SearchSettings
from search.space import define_space

__all__ = ["TimedOptunaSearch", "make_searcher"]


class TimedOptunaSearch(OptunaSearch):
    """Ray Tune's ``OptunaSearch``; its suggestions and updates count as the ``searcher`` phase
    of ``profile`` when it has one (a module-level class: Tune pickles the searcher with the
    experiment)."""

    profile = None

    suggest = timed("searcher")(OptunaSearch.suggest)
    on_trial_result = timed("searcher")(OptunaSearch.on_trial_result)
    on_trial_complete = timed("searcher")(OptunaSearch.on_trial_complete)


def make_searcher(settings: SearchSettings, profile=None) -> TimedOptunaSearch:
    """Optuna's TPE (constant liar) or random sampler over the search space, as Tune's searcher."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if settings.searcher == "tpe":
        # constant_liar: trials running in parallel count as bad, so TPE does not
        # propose the same configuration to several of them.
        sampler = optuna.samplers.TPESampler(seed=settings.seed, constant_liar=True)
    else:
        sampler = optuna.samplers.RandomSampler(seed=settings.seed)
    storage = None
    if settings.optuna_storage:
        url = f"sqlite:///{settings.experiment_dir / 'optuna.db'}"
        storage = optuna.storages.RDBStorage(url)
    single = len(settings.metrics) == 1
    # Every method is tried once before the searcher chooses (a method TPE never drew would
    # have no row); with --trials-per-method the methods already take turns.
    first = ([{"method": method} for method in settings.methods]
             if len(settings.methods) > 1 and not settings.trials_per_method else None)
    searcher = TimedOptunaSearch(
        space=define_space(settings.methods, settings.classifiers, n_synthetic=settings.n_synthetic,
                           trials_per_method=settings.trials_per_method,
                           tune_classifier=settings.tune_classifier),
        metric=settings.metrics[0] if single else list(settings.metrics),
        mode=settings.modes[0] if single else list(settings.modes),
        sampler=sampler,
        points_to_evaluate=first,
        study_name=settings.name,
        storage=storage,
    )
    searcher.profile = profile
    return searcher
