"""Running a search: Ray Tune's Tuner under an Optuna searcher, resuming and extending one."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from dataclasses import replace

import pandas as pd

from cluster.ray_internals import no_callback_usage_tag
from evaluation.metrics import metric_names, result_names
from search._checks import Whole, check_values
from search._data import load_data
from search._defaults import DEFAULT_STORAGE_PATH
from search.experiment import Experiment
from search.experiment.runs import record_run, timing_of
from search.experiment.schema import evaluations_schema, results_schema
from search.settings import SearchSettings
from search.tune._assembly import (
    check_gpus,
    check_services,
    make_callbacks,
    make_scheduler,
    running_means_of,
    track_report,
)
from search.tune._ray import import_in_background, init_ray, tune_environment
from search.tune.artifacts import kept_artifacts
from search.tune.deadline import Deadline
from search.tune.interrupt import check, deferred
from search.tune.profile import PROFILE_FILE, Profile
from sedg import SedgInputError

__all__ = ["extend", "resume", "run"]


def _check_metrics(settings: SearchSettings, labels) -> None:
    known = set(metric_names(labels))
    for metric in settings.metrics:
        if metric not in known:
            raise SedgInputError(f"metric {metric!r} does not exist for this data's labels")


def run(settings: SearchSettings, *, num_cpus: int | None = None,
        started: float | None = None) -> pd.DataFrame:
    """Run a new search and return its rows (see :func:`search.experiment.store.load_results`).

    Everything is validated (data file, target, metrics) before the
    experiment directory is created, so bad input writes nothing. A time
    budget bounds the whole command from ``started`` (``time.monotonic()``;
    default: now), as :mod:`search.tune.deadline` divides it. With
    ``settings.profile``, the driver's phases are timed, Ray is shut down (its
    shutdown is a phase too) and the table is saved as ``profile.json`` beside
    the results (:func:`search.tune.profile.read_profile` prints it).
    """
    check_values({"num_cpus": Whole(1, optional=True)}, num_cpus=num_cpus)
    deadline = Deadline.of(settings, started)
    settings.check_storage()
    profile = Profile()
    experiment = Experiment(settings.experiment_dir)
    if experiment.has_settings():
        raise SedgInputError(
            f"experiment {settings.name!r} already exists in {settings.storage_path}; "
            "resume it or choose another --name"
        )
    with profile.phase("setup"):
        data = load_data(settings.data_spec())
        _check_metrics(settings, data.class_names)
        check_services(settings, new=True)
    print(opening_line(settings, data), flush=True)  # before the seconds Ray takes to start
    importing = import_in_background()
    with deferred(), tune_environment():  # a signal waits for a safe point (search.tune.interrupt)
        return _search(experiment, settings, data, profile, num_cpus, importing, deadline)


def opening_line(settings: SearchSettings, data) -> str:
    """What a search is about to do, in one line: its experiment, data, methods, trials or
    budget, and where its results go."""
    if settings.trials_per_method:
        trials = f"{settings.trials_per_method} trials per method"
    elif settings.num_samples is not None:
        trials = f"{settings.num_samples} trials"
    else:
        trials = "trials until the budget ends"
    budget = f" within {settings.time_budget_s:g}s" if settings.time_budget_s else ""
    counts = data.class_counts.values()
    return (f"experiment {settings.name}: {data.name}, {len(data.y)} rows x {len(data.feature_names)} "
            f"features, {len(counts)} classes of {min(counts)} to {max(counts)} rows; methods "
            f"{', '.join(settings.methods)}; "
            f"classifier {', '.join(settings.classifiers)}; {trials}{budget}; results in "
            f"{settings.experiment_dir}")


def _search(experiment: Experiment, settings: SearchSettings, data, profile: Profile,
            num_cpus: int | None, importing: threading.Thread | None, deadline: Deadline | None, *,
            history: pd.DataFrame | None = None, num_samples: int | None = None,
            command: str = "run") -> pd.DataFrame:
    """Start Ray, run the Tuner, confirm: the part of :func:`run` that Ray is running for.

    ``history`` (the stored rows) and ``num_samples`` (this run's trials) make it an
    :func:`extend`, which holds the experiment's lock already.
    """
    with profile.phase("ray_start"):
        init_ray(settings, num_cpus)
    check()
    if deadline is not None:
        deadline.check_started()  # before anything is written
    with profile.phase("imports"):  # what is left of them once Ray has started
        if importing is not None:
            importing.join()
        import ray
        from ray import tune

        from search.tune.budget import TimeBudget
        from search.tune.searcher import close_study, make_searcher
        from search.tune.trainable import make_trainable
    check_gpus(settings)
    planned = settings.num_samples if history is None else num_samples
    with experiment.lock() if history is None else nullcontext():
        with profile.phase("setup"):
            tuned = settings.classifiers if settings.tune_classifier else ()
            experiment.initialise(settings, results_schema(settings.methods,
                                                           result_names(data.class_names), tuned),
                                  evaluations_schema(metric_names(data.class_names)))
            timing = profile if settings.profile else None
            search_seconds = None if deadline is None else deadline.search_seconds()
            searcher = make_searcher(settings, profile=timing, history=history,
                                     running_means=running_means_of(settings, history))
            tuner = tune.Tuner(
                make_trainable(settings, data),
                tune_config=tune.TuneConfig(
                    search_alg=searcher,
                    scheduler=make_scheduler(settings, timing),
                    num_samples=-1 if planned is None else planned,  # -1: until the budget ends
                    max_concurrent_trials=settings.concurrency,
                    reuse_actors=True,
                ),
                run_config=tune.RunConfig(
                    name=experiment.tune_dir.name,
                    storage_path=str(experiment.tune_dir.parent),
                    stop=None if search_seconds is None else TimeBudget(search_seconds),
                    callbacks=make_callbacks(settings, timing, planned, history, search_seconds),
                    verbose=0,
                    failure_config=tune.FailureConfig(max_failures=settings.max_failures),
                    checkpoint_config=tune.CheckpointConfig(checkpoint_at_end=False),
                ),
            )
        with kept_artifacts(settings):
            with (profile.phase("search"), deferred("tune"), timing_of("search") as searched,
                  no_callback_usage_tag()):
                tuner.fit()
            close_study(settings)
            with profile.phase("confirmation"), timing_of("confirmation") as confirmed:
                _confirm(settings, deadline, data)
        resources = ray.cluster_resources()
        record_run(settings, command, searched, confirmed, asked=planned, deadline=deadline,
                   resources=resources)
        track_report(settings)
        rows = Experiment(experiment.directory).rows  # read afresh: the search wrote them
        if rows.empty:
            budget = f" within its {settings.time_budget_s:g}s budget" if settings.time_budget_s else ""
            print(f"{command}: no trial finished a split{budget}; the rows are empty", flush=True)
        if settings.profile:
            with profile.phase("shutdown"):
                ray.shutdown()
            # The trials that could run at once: a cluster of fewer CPUs than --concurrency asks
            # for holds the rest back.
            slots = min(settings.concurrency,
                        max(1, int(resources.get("CPU", 1) // settings.cpus_per_trial)))
            profile.write(experiment.directory / PROFILE_FILE, rows, slots)
    return rows


def _confirm(settings: SearchSettings, deadline: Deadline | None = None, data=None) -> None:
    """The confirmed best (see :mod:`search.confirmation`), once the search has ended, within
    the command's ``deadline``, on the ``data`` the driver read; its numbers also go to the
    tracking server."""
    if settings.confirm_top > 0:
        from search.confirmation import confirm_top
        from search.tracking import log_confirmation

        log_confirmation(settings, confirm_top(settings, deadline=deadline, data=data))


def _going_on(name: str, storage_path: str, address: str | None) -> tuple[Experiment, SearchSettings]:
    """An existing experiment (``resume``, ``extend``) and its settings, on ``address`` if given."""
    experiment = Experiment.open(name, storage_path)
    settings = experiment.settings
    for file, why in experiment.schema_problems().items():
        raise SedgInputError(f"{file} of experiment {name!r} is damaged ({why}): nothing was run; "
                             f"'sedg-search check {name}' says what to do")
    if address:
        settings.address = address
    return experiment, settings


def resume(name: str, storage_path: str = DEFAULT_STORAGE_PATH, *, num_cpus: int | None = None,
           address: str | None = None) -> pd.DataFrame:
    """Continue an interrupted search from Ray Tune's experiment state.

    Finished trials are not run again; trials that were running restart and
    replace their own row, so every trial appears once in the store. Racing
    starts from the stored split values (its incumbent included); a time
    budget applies afresh to the resumed part.
    """
    check_values({"num_cpus": Whole(1, optional=True)}, num_cpus=num_cpus)
    import ray
    from ray import tune

    from search.tune._rebuild import rebuild_rows
    from search.tune.callbacks import restoring
    from search.tune.searcher import close_study
    from search.tune.trainable import make_trainable

    experiment, settings = _going_on(name, storage_path, address)
    with experiment.lock():
        if not tune.Tuner.can_restore(str(experiment.tune_dir)):
            raise SedgInputError(f"experiment {name!r} has no Ray Tune state to resume from")
        if damaged := experiment.tune_state_problem():
            file, why = damaged
            raise SedgInputError(
                f"{file} of experiment {name!r} is {why}: Ray Tune would start the search over, so "
                f"nothing was run; 'sedg-search extend {name} --num-samples N' goes on from its "
                f"{len(experiment.rows)} stored trials")
        data = experiment.data()
        check_services(settings, new=False)
        with deferred(), tune_environment():  # as in run
            init_ray(settings, num_cpus)
            check()
            with restoring(experiment.directory):
                tuner = tune.Tuner.restore(
                    str(experiment.tune_dir),
                    trainable=make_trainable(settings, data),
                    resume_unfinished=True,
                    resume_errored=True,
                )
            rebuild_rows(experiment, tuner)
            with kept_artifacts(settings):
                with deferred("tune"), timing_of("search") as searched, no_callback_usage_tag():
                    tuner.fit()
                close_study(settings)
                with timing_of("confirmation") as confirmed:
                    _confirm(settings, data=data)
            record_run(settings, "resume", searched, confirmed, resources=ray.cluster_resources())
            track_report(settings)
    return Experiment(experiment.directory).rows


def extend(name: str, storage_path: str = DEFAULT_STORAGE_PATH, *, num_samples: int | None = None,
           time_budget_s: float | None = None, num_cpus: int | None = None,
           address: str | None = None, started: float | None = None) -> pd.DataFrame:
    """Add ``num_samples`` trials (or as many as ``time_budget_s`` allows) to a finished or
    interrupted search, and return all its rows.

    The Optuna study starts from every stored trial (:func:`search.tune.searcher.make_searcher`),
    so TPE goes on rather than restarts; racing starts from the stored split
    values and incumbent; the trials use the search's splits (same settings,
    same seed). The confirmation then confirms the top configurations that
    are not confirmed yet. With ``--trials-per-method`` the trials added are a
    multiple of the methods, so each keeps an equal share. ``time_budget_s`` bounds the whole
    command from ``started`` as in :func:`run`.
    """
    check_values({"num_cpus": Whole(1, optional=True)}, num_cpus=num_cpus)
    started = time.monotonic() if started is None else started
    if num_samples is None and time_budget_s is None:
        raise SedgInputError("extend needs --num-samples N, --time-budget SECONDS, or both")
    experiment, settings = _going_on(name, storage_path, address)
    with experiment.lock():
        history = experiment.rows
        data = experiment.data()
        settings = _extended(settings, len(history), num_samples, time_budget_s)
        check_services(settings, new=False)
        with deferred(), tune_environment():
            return _search(experiment, settings, data, Profile(), num_cpus, None,
                           Deadline.of(settings, started), history=history,
                           num_samples=num_samples, command="extend")


def _extended(settings: SearchSettings, done: int, added: int | None,
              budget: float | None) -> SearchSettings:
    """The settings an extension runs under: the trials planned in all, its own budget."""
    from search._options import flag_of

    check_values({"num_samples": Whole(1, optional=True)}, num_samples=added)
    if settings.trials_per_method and added is not None:
        methods = len(settings.methods)
        if added % methods:
            raise SedgInputError(
                f"{flag_of(SearchSettings, 'trials_per_method')} gives every method an equal share: "
                f"extend by a multiple of the {methods} methods, not {added}")
        return replace(settings, trials_per_method=settings.trials_per_method + added // methods,
                       num_samples=None, time_budget_s=budget)
    total = None if added is None else (settings.num_samples or done) + added
    return replace(settings, num_samples=total, time_budget_s=budget)
