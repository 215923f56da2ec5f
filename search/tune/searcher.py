"""The searcher: Optuna under Ray Tune, its time counted for ``--profile``."""

from __future__ import annotations

import warnings

import numpy as np
import optuna
import pandas as pd
from ray.tune.search import Searcher
from ray.tune.search.optuna import OptunaSearch

from cluster.ray_internals import forget_optuna_trial, optuna_study, optuna_trial
from search.experiment.rows import row_of
from search.experiment.store import OK, STOPPED
from search.settings import SearchSettings
from search.space import define_space
from search.tune._distinct import Distinct
from search.tune._study_storage import check_optuna_storage, open_storage, study_exists
from search.tune.profile import timed

__all__ = ["TRIAL_ID_ATTRIBUTE", "TimedOptunaSearch", "check_optuna_storage", "close_study", "make_sampler",
           "make_searcher"]

#: The user attribute of each Optuna trial that holds the store's ``trial_id`` (Ray Tune's).
TRIAL_ID_ATTRIBUTE = "sedg_trial_id"


class TimedOptunaSearch(OptunaSearch):
    """Ray Tune's ``OptunaSearch`` that never runs a configuration twice in an experiment; its
    suggestions and updates count as the ``searcher`` phase of ``profile`` when it has one (a
    module-level class: Tune pickles the searcher with the experiment).

    With :attr:`distinct` set, a proposal equal to a configuration evaluated or running (across
    ``extend`` and ``resume`` too) is not run: the study learns that configuration's answer
    (its value, or PRUNED while it runs, FAIL where it raised) as a trial marked
    ``repeat_of``, and the searcher draws again. A method drawn :attr:`dry_after` times in a
    row for nothing new gives its next draw to the method that repeated least (a method with no
    configuration left would otherwise be drawn again and again). After :attr:`redraws`
    repeats in a row the search ends, saying so. Methods that take turns
    (``--trials-per-method``) are drawn as before.
    """

    profile = None
    distinct: Distinct | None = None
    redraws = 100
    dry_after = 3

    @timed("searcher")
    def suggest(self, trial_id: str) -> dict | str | None:
        for _ in range(self.redraws):
            config = super().suggest(trial_id)
            if not isinstance(config, dict):
                return config
            holder = None if self.distinct is None else self.distinct.holder(config)
            if holder is None:
                if self.distinct is not None:
                    self.distinct.claim(config, trial_id)
                    self._dry()[config.get("method")] = 0
                # The store's trial id on the study's trial: one leads to the other.
                optuna_trial(self, trial_id).set_user_attr(TRIAL_ID_ATTRIBUTE, trial_id)
                return config
            self._answer_repeat(trial_id, config, holder)
        print(f"{self.redraws} draws in a row proposed configurations this experiment has "
              f"evaluated: the space has few or none left ({len(self.distinct.holders)} distinct "
              "ones); no more trials start", flush=True)
        return Searcher.FINISHED

    def _answer_repeat(self, trial_id: str, config: dict, holder: str) -> None:
        repeat = forget_optuna_trial(self, trial_id)
        repeat.set_user_attr("repeat_of", holder)
        answer = self.distinct.answer(self.distinct.key(config))
        study = optuna_study(self)
        if isinstance(answer, optuna.trial.TrialState):
            study.tell(repeat, state=answer)
        else:
            study.tell(repeat, answer)
        dry = self._dry()
        dry[config.get("method")] = dry.get(config.get("method"), 0) + 1
        methods = self.distinct.settings.methods
        if len(methods) > 1 and dry[config.get("method")] >= self.dry_after:
            study.enqueue_trial({"method": min(methods, key=lambda method: dry.get(method, 0))})
        else:  # TPE returns to what it knows is good: a uniform draw nearby explores instead
            study.enqueue_trial(_uniform_draw(repeat.distributions, self._rng()))

    def _rng(self) -> np.random.Generator:
        if "_repeat_rng" not in self.__dict__:
            self._repeat_rng = np.random.default_rng(self.distinct.settings.seed)
        return self._repeat_rng

    def _dry(self) -> dict:
        """Method → how many draws in a row gave it nothing new."""
        if "_dry_counts" not in self.__dict__:  # saved and restored with the searcher's state
            self._dry_counts = {}
        return self._dry_counts

    @timed("searcher")
    def on_trial_complete(self, trial_id: str, result: dict | None = None, error: bool = False) -> None:
        # A trial racing stopped ends with the mean of its first splits, which is no answer:
        # without a value, Ray's OptunaSearch tells the study PRUNED (as extend replays it).
        row = row_of(result or {})
        if row is not None and row.get("status") == STOPPED and not error:
            result = None
        if self.distinct is not None:
            self.distinct.settle(trial_id, self._answer_of(result, error, row))
        super().on_trial_complete(trial_id, result, error)

    def _answer_of(self, result: dict | None, error: bool, row: dict | None):
        if error or (row is not None and row.get("status") not in (OK, STOPPED)):
            return optuna.trial.TrialState.FAIL
        metrics = self.metric if isinstance(self.metric, list) else [self.metric]
        values = [None if result is None else result.get(metric) for metric in metrics]
        if any(value is None for value in values):
            return optuna.trial.TrialState.PRUNED
        return values[0] if len(values) == 1 else values

    @timed("searcher")
    def on_trial_result(self, trial_id: str, result: dict) -> None:
        # A trial restarted by resume reports its splits again, with the values they had: Optuna
        # keeps the first and warns (with a file path, on two lines) at each; nothing is lost.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The reported value is ignored because this "
                                    "`step=", category=UserWarning)
            super().on_trial_result(trial_id, result)


def _uniform_draw(distributions: dict, rng: np.random.Generator) -> dict:
    """One value of each of ``distributions`` (a trial's), drawn uniformly."""
    values = {}
    for name, distribution in distributions.items():
        if isinstance(distribution, optuna.distributions.CategoricalDistribution):
            values[name] = distribution.choices[rng.integers(len(distribution.choices))]
        elif isinstance(distribution, optuna.distributions.IntDistribution):
            steps = (distribution.high - distribution.low) // distribution.step
            values[name] = distribution.low + distribution.step * int(rng.integers(steps + 1))
        else:
            values[name] = float(rng.uniform(distribution.low, distribution.high))
    return values


def make_sampler(searcher: str, seed: int, done: int = 0) -> optuna.samplers.BaseSampler:
    """Optuna's TPE (constant liar) or random sampler. A search that goes on after ``done``
    trials draws from the stream ``seed + done``: the first run's stream again would repeat
    its random start-up draws."""
    if searcher == "tpe":
        # constant_liar: trials running in parallel count as bad, so TPE does not
        # propose the same configuration to several of them.
        return optuna.samplers.TPESampler(seed=seed + done, constant_liar=True)
    return optuna.samplers.RandomSampler(seed=seed + done)


def make_searcher(settings: SearchSettings, profile=None, history: pd.DataFrame | None = None,
                  running_means: dict | None = None) -> TimedOptunaSearch:
    """Optuna's TPE (constant liar) or random sampler over the search space, as Tune's searcher.

    ``history``, the stored rows of a search that goes on (``extend``), is told to the study
    first (:func:`search.experiment.history.replay_trials`) unless the study is kept in a database that
    already holds it, so TPE continues rather than restarts.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = make_sampler(settings.searcher, settings.seed, done=0 if history is None else len(history))
    url = settings.optuna_storage_url
    storage = open_storage(url) if url else None
    single = len(settings.metrics) == 1
    directions = ["minimize" if mode == "min" else "maximize" for mode in settings.modes]
    if history is not None and not history.empty:
        if storage is None:
            storage = optuna.storages.InMemoryStorage()
        if not study_exists(storage, settings.name):
            from search.experiment.history import replay_trials

            study = optuna.create_study(storage=storage, study_name=settings.name,
                                        directions=directions, sampler=sampler)
            replay_trials(study, history, settings, running_means or {})
    # Every method is tried once before the searcher chooses (a method TPE never drew would
    # have no row); with --trials-per-method the methods already take turns, and a search
    # that goes on has tried them all.
    first = ([{"method": method} for method in settings.methods]
             if len(settings.methods) > 1 and not settings.trials_per_method and history is None
             else None)
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
    if not settings.trials_per_method:  # methods taking turns by trial number keep their turns
        searcher.distinct = Distinct(settings, history)
    return searcher


def close_study(settings: SearchSettings) -> int:
    """When the search phase ends, a trial the study still holds as running never reported (the
    budget stopped it before its first split, or its driver died), and one still queued will
    never run: mark each failed, so the study in the database says what happened and a
    dashboard shows no phantom runs. Returns how many it marked."""
    url = settings.optuna_storage_url
    if url is None:
        return 0
    study = optuna.load_study(study_name=settings.name, storage=open_storage(url))
    running = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))
    for trial in running:
        study.tell(trial.number, state=optuna.trial.TrialState.FAIL)
    # A trial queued for the search (a method's first turn) that the search ended before: taken
    # from the queue and failed, so the study holds no WAITING trial that will never run.
    waiting = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,)))
    for _ in range(waiting):
        queued = study.ask()
        queued.set_user_attr("never_run", True)
        study.tell(queued, state=optuna.trial.TrialState.FAIL)
    return len(running) + waiting
