"""Running a search: Ray Tune's Tuner under an Optuna searcher, and resuming one."""

from __future__ import annotations

import importlib
import json
import os
import threading
from contextlib import nullcontext
from pathlib import Path

import pandas as pd

from evaluation.metrics import metric_names, result_names
from search._assembly import (
    check_gpus,
    check_services,
    make_callbacks,
    make_scheduler,
    running_means_of,
    track_report,
)
from search._data import load_data, reload_data
from search._defaults import DEFAULT_STORAGE_PATH, SETTINGS_FILE
from search._interrupt import check, deferred, keeping_sigterm
from search._lock import experiment_lock
from search._profile import PROFILE_FILE, Profile
from search._runs import record_run, timing_of
from search._schema import evaluations_schema, results_schema
from search.settings import SearchSettings
from search.store import ResultsStore, load_results, missing_rows, unreadable_files
from sedg import SedgInputError
from sedg._files import atomic_write_text

__all__ = ["extend", "resume", "run"]

# Ray Tune's own console tables and its checks for storage and metrics are noise for our users.
os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
os.environ.setdefault("RAY_DEDUP_LOGS", "0")
# Save the experiment state at every step (not every >= 10 s): a driver killed right after a
# trial finished must not forget it, or a resume would run a replacement trial too.
os.environ.setdefault("TUNE_GLOBAL_CHECKPOINT_S", "0")


def _check_metrics(settings: SearchSettings, labels) -> None:
    known = set(metric_names(labels))
    for metric in settings.metrics:
        if metric not in known:
            raise SedgInputError(f"metric {metric!r} does not exist for this data's labels")


def _check_num_cpus(num_cpus) -> None:
    if num_cpus is not None and (not isinstance(num_cpus, int) or isinstance(num_cpus, bool)
                                 or num_cpus < 1):
        raise SedgInputError(f"--num-cpus must be an integer >= 1, got {num_cpus!r}")


def _init_ray(settings: SearchSettings, num_cpus: int | None) -> None:
    import ray

    if ray.is_initialized():
        return
    address = settings.address or os.environ.get("RAY_ADDRESS")  # set inside a Ray Job
    with keeping_sigterm():
        if address:
            from cluster.connect import connect

            connect(address)
            return
        ray.init(
            address="local",  # a new instance, never a cluster some other process left running
            num_cpus=num_cpus,
            include_dashboard=False,
            log_to_driver=False,
            logging_level="ERROR",
            configure_logging=True,
        )


#: The driver's own heavy imports, done while ``ray.init`` waits on its processes.
DRIVER_MODULES = ("ray.tune", "search._searcher", "search.trainable", "search.callbacks",
                  "search.racing")


def _import_in_background() -> threading.Thread:
    """Import :data:`DRIVER_MODULES` in a thread. Ray must start in the main thread (its
    processes die with the thread that started them); an import that fails here fails
    again, with its message, where the module is used."""

    def load() -> None:
        for module in DRIVER_MODULES:
            try:
                importlib.import_module(module)
            except Exception:
                return

    thread = threading.Thread(target=load, name="sedg-driver-imports", daemon=True)
    thread.start()
    return thread


def run(settings: SearchSettings, *, num_cpus: int | None = None) -> pd.DataFrame:
    """Run a new search and return its rows (see :func:`search.store.load_results`).

    Everything is validated (data file, target, metrics) before the
    experiment directory is created, so bad input writes nothing. With
    ``settings.profile``, the driver's phases are timed, Ray is shut down (its
    shutdown is a phase too) and the table is saved as ``profile.json`` beside
    the results (:func:`search._profile.read_profile` prints it).
    """
    _check_num_cpus(num_cpus)
    settings.check_storage()
    profile = Profile()
    experiment_dir = settings.experiment_dir
    if (experiment_dir / SETTINGS_FILE).exists():
        raise SedgInputError(
            f"experiment {settings.name!r} already exists in {settings.storage_path}; "
            "resume it or choose another --name"
        )
    with profile.phase("setup"):
        data = load_data(settings.data_spec())
        _check_metrics(settings, data.class_names)
        check_services(settings, new=True)
    importing = _import_in_background()
    with deferred():  # Ray runs from here on: a signal waits for a safe point (search._interrupt)
        rows = _search(settings, data, profile, num_cpus, importing)
    return rows


def _search(settings: SearchSettings, data, profile: Profile, num_cpus: int | None,
            importing: threading.Thread | None, *, history: pd.DataFrame | None = None,
            num_samples: int | None = None, command: str = "run") -> pd.DataFrame:
    """Start Ray, run the Tuner, confirm: the part of :func:`run` that Ray is running for.

    ``history`` (the stored rows) and ``num_samples`` (this run's trials) make it an
    :func:`extend`, which holds the experiment's lock already.
    """
    experiment_dir = settings.experiment_dir
    with profile.phase("ray_start"):
        _init_ray(settings, num_cpus)
    check()
    with profile.phase("imports"):  # what is left of them once Ray has started
        if importing is not None:
            importing.join()
        from ray import tune

        from search._budget import TimeBudget
        from search._searcher import close_study, make_searcher
        from search.trainable import make_trainable
    check_gpus(settings)
    planned = settings.num_samples if history is None else num_samples
    with experiment_lock(experiment_dir) if history is None else nullcontext():
        with profile.phase("setup"):
            store = ResultsStore(experiment_dir)
            tuned = settings.classifiers if settings.tune_classifier else ()
            store.initialise(results_schema(settings.methods, result_names(data.class_names), tuned),
                             evaluations_schema(metric_names(data.class_names)))
            atomic_write_text(experiment_dir / SETTINGS_FILE, settings.to_json())
            timing = profile if settings.profile else None
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
                    name=settings.name,
                    storage_path=settings.storage_path,
                    stop=None if settings.time_budget_s is None else TimeBudget(settings.time_budget_s),
                    callbacks=make_callbacks(settings, timing, planned, history),
                    verbose=0,
                    failure_config=tune.FailureConfig(max_failures=settings.max_failures),
                    checkpoint_config=tune.CheckpointConfig(checkpoint_at_end=False),
                ),
            )
        with profile.phase("search"), deferred("tune"), timing_of("search") as searched:
            tuner.fit()
        close_study(settings)
        with profile.phase("confirmation"), timing_of("confirmation") as confirmed:
            _confirm(settings)
        record_run(settings, command, searched, confirmed)
        track_report(settings)
        rows = load_results(experiment_dir)
        if rows.empty:
            budget = f" within its {settings.time_budget_s:g}s budget" if settings.time_budget_s else ""
            print(f"{command}: no trial finished a split{budget}; the rows are empty", flush=True)
        if settings.profile:
            import ray

            with profile.phase("shutdown"):
                ray.shutdown()
            profile.write(experiment_dir / PROFILE_FILE, rows, settings.concurrency)
    return rows


def _confirm(settings: SearchSettings) -> None:
    """The confirmed best (see :mod:`search.confirmation`), once the search has ended; its
    numbers also go to the tracking server."""
    if settings.confirm_top > 0:
        from search.confirmation import confirm_top
        from search.tracking import log_confirmation

        log_confirmation(settings, confirm_top(settings))


def _experiment(name: str, storage_path: str, address: str | None) -> SearchSettings:
    """The settings of an existing experiment (``resume``, ``extend``), or one line saying why not."""
    experiment_dir = Path(storage_path).resolve() / name
    if not (experiment_dir / SETTINGS_FILE).is_file():
        raise SedgInputError(f"no experiment {name!r} in {Path(storage_path).resolve()}")
    settings = SearchSettings.load(experiment_dir)
    if address:
        settings.address = address
    return settings


def _same_data(settings: SearchSettings, stored: pd.DataFrame):
    """The experiment's data, read from its file again, checked to be the rows its ``stored``
    trials saw."""
    from search._history import check_same_data

    data = reload_data(settings.data_spec())
    check_same_data(stored, data.fingerprint, settings.name)
    return data


def resume(name: str, storage_path: str = DEFAULT_STORAGE_PATH, *, num_cpus: int | None = None,
           address: str | None = None) -> pd.DataFrame:
    """Continue an interrupted search from Ray Tune's experiment state.

    Finished trials are not run again; trials that were running restart and
    replace their own row, so every trial appears once in the store. Racing
    starts from the stored split values (its incumbent included); a time
    budget applies afresh to the resumed part.
    """
    _check_num_cpus(num_cpus)
    from ray import tune

    from search._searcher import close_study
    from search.trainable import make_trainable

    settings = _experiment(name, storage_path, address)
    experiment_dir = settings.experiment_dir
    with experiment_lock(experiment_dir):
        if not tune.Tuner.can_restore(str(experiment_dir)):
            raise SedgInputError(f"experiment {name!r} has no Ray Tune state to resume from")
        data = _same_data(settings, load_results(experiment_dir))
        check_services(settings, new=False)
        with deferred():  # as in run
            _init_ray(settings, num_cpus)
            check()
            tuner = tune.Tuner.restore(
                str(experiment_dir),
                trainable=make_trainable(settings, data),
                resume_unfinished=True,
                resume_errored=True,
            )
            _rebuild_rows(experiment_dir, tuner)
            with deferred("tune"), timing_of("search") as searched:
                tuner.fit()
            close_study(settings)
            with timing_of("confirmation") as confirmed:
                _confirm(settings)
            record_run(settings, "resume", searched, confirmed)
            track_report(settings)
    return load_results(experiment_dir)


def extend(name: str, storage_path: str = DEFAULT_STORAGE_PATH, *, num_samples: int | None = None,
           time_budget_s: float | None = None, num_cpus: int | None = None,
           address: str | None = None) -> pd.DataFrame:
    """Add ``num_samples`` trials (or as many as ``time_budget_s`` allows) to a finished or
    interrupted search, and return all its rows.

    The Optuna study starts from every stored trial (:func:`search._searcher.make_searcher`),
    so TPE goes on rather than restarts; racing starts from the stored split
    values and incumbent; the trials use the search's splits (same settings,
    same seed). The confirmation then confirms the top configurations that
    are not confirmed yet. With ``--trials-per-method`` the trials added are a
    multiple of the methods, so each keeps an equal share.
    """
    _check_num_cpus(num_cpus)
    if num_samples is None and time_budget_s is None:
        raise SedgInputError("extend needs --num-samples N, --time-budget SECONDS, or both")
    settings = _experiment(name, storage_path, address)
    with experiment_lock(settings.experiment_dir):
        history = load_results(settings.experiment_dir)
        data = _same_data(settings, history)
        settings = _extended(settings, len(history), num_samples, time_budget_s)
        check_services(settings, new=False)
        with deferred():
            return _search(settings, data, Profile(), num_cpus, None, history=history,
                           num_samples=num_samples, command="extend")


def _extended(settings: SearchSettings, done: int, added: int | None,
              budget: float | None) -> SearchSettings:
    """The settings an extension runs under: the trials planned in all, its own budget."""
    from dataclasses import replace

    from search._options import flag_of

    if added is not None and (not isinstance(added, int) or isinstance(added, bool) or added < 1):
        raise SedgInputError(f"--num-samples must be an integer >= 1, got {added!r}")
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


def _rebuild_rows(experiment_dir: Path, tuner) -> list[str]:
    """Write again the row of every trial whose row file is unreadable, or missing while its
    evaluations exist, from the last result Ray Tune saved for it (the row the trial built,
    ``row_json``). A trial that runs again replaces it with its new row."""
    store = ResultsStore(experiment_dir)
    lost = {path.stem for path, _ in unreadable_files(experiment_dir, ("results",))}
    lost.update(missing_rows(experiment_dir))
    if not lost:
        return []
    saved = _saved_rows(experiment_dir, tuner)
    rebuilt = sorted(trial for trial in lost if trial in saved)
    for trial in rebuilt:
        store.write(json.loads(saved[trial]))
    if rebuilt:
        print(f"rebuilt the row of {len(rebuilt)} trial(s) from Ray Tune's saved state: "
              f"{', '.join(rebuilt)}")
    return rebuilt


def _saved_rows(experiment_dir: Path, tuner) -> dict[str, str]:
    """Trial id -> the last ``row_json`` Ray Tune saved for it."""
    try:
        metrics = [result.metrics or {} for result in tuner.get_results()]
    except Exception:  # Tune could not load its analysis (a trial cut short): read its files
        metrics = []
        for path in experiment_dir.glob("*/result.json"):
            for line in path.read_text(errors="replace").splitlines():  # one report per line
                try:
                    metrics.append(json.loads(line))
                except ValueError:
                    continue
    return {record["trial_id"]: record["row_json"] for record in metrics
            if "trial_id" in record and "row_json" in record}
