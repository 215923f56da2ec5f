"""Driver-side Ray Tune callbacks that log every trial to MLflow or Weights & Biases
(:mod:`search.tracking` says what goes where)."""

from __future__ import annotations

from ray.tune import Callback

from search.experiment.rows import row_of
from search.tracking._mlflow import (
    SEARCH_TAG,
    TRIAL_TAG,
    _client,
    _finite,
    _metric_batch,
    _metric_name,
    _metrics,
    _param,
    _params,
    _tag,
    has_wandb,
    start_search_run,
)

__all__ = ["MlflowCallback", "WandbCallback", "tracking_callbacks"]


class MlflowCallback(Callback):
    """Driver-side: one nested MLflow run per trial (see the module docstring).

    Only strings are kept, so Tune can pickle it with the experiment; the
    client is made on first use.
    """

    def __init__(self, uri: str, parent_run_id: str, experiment: str, metric: str) -> None:
        self.uri, self.parent_run_id, self.experiment, self.metric = uri, parent_run_id, experiment, metric
        self._client = None
        self._runs: dict[str, str] = {}

    @property
    def client(self):
        if self._client is None:
            self._client = _client(self.uri)
        return self._client

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_client": None}

    def _run_of(self, trial) -> str:
        if trial.trial_id not in self._runs:
            parent = self.client.get_run(self.parent_run_id)
            run = self.client.create_run(
                parent.info.experiment_id, run_name=trial.trial_id,
                tags={TRIAL_TAG: trial.trial_id, SEARCH_TAG: self.experiment,
                      "mlflow.parentRunId": self.parent_run_id})
            self.client.log_batch(run.info.run_id, params=[_param(k, v) for k, v in
                                                           _params(trial.config).items()])
            self._runs[trial.trial_id] = run.info.run_id
        return self._runs[trial.trial_id]

    def on_trial_result(self, iteration, trials, trial, result, **info) -> None:
        if "split" in result:
            value = result.get(self.metric)
            if _finite(value):
                self.client.log_batch(self._run_of(trial), metrics=_metric_batch(
                    {_metric_name(self.metric): float(value)}, step=int(result["split"]) + 1))

    def _finish(self, trial, status: str) -> None:
        row = row_of(trial.last_result or {}) or {}
        run_id = self._run_of(trial)
        final = _metrics(row)
        final.pop(_metric_name(self.metric), None)  # its history ends with the trial's value
        self.client.log_batch(run_id, metrics=_metric_batch(final),
                              tags=[_tag("status", row.get("status") or "stopped")])
        self.client.set_terminated(run_id, status=status)
        self._runs.pop(trial.trial_id, None)

    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        self._finish(trial, "FINISHED")

    def on_trial_error(self, iteration, trials, trial, **info) -> None:
        self._finish(trial, "FAILED")

    def on_experiment_end(self, trials, **info) -> None:
        """Trials the time budget stopped get no completion call: their runs end here."""
        for trial in trials:
            if trial.trial_id in self._runs:
                self._finish(trial, "FINISHED")


class WandbCallback(Callback):
    """Driver-side: one Weights & Biases run per trial in ``project``, grouped by the search,
    its configuration as config, the objective per split and the row's metrics at the end.

    ``wandb.init`` takes a second or two, so the calls run in order on a thread of their own
    and Tune's loop never waits for them; the experiment's end waits for the last.
    """

    def __init__(self, project: str, experiment: str, metric: str, directory: str) -> None:
        self.project, self.experiment, self.metric = project, experiment, metric
        self.directory = directory  # wandb's own folder (offline runs too) inside the experiment
        self._runs: dict = {}  # the worker thread's
        self._open: set[str] = set()  # trials with a run not finished yet (Tune's thread)
        self._calls = self._thread = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_runs": {}, "_open": set(), "_calls": None, "_thread": None}

    def _later(self, call, *args) -> None:
        import queue
        import threading

        if self._thread is None:
            self._calls = queue.Queue()
            self._thread = threading.Thread(target=self._work, name="sedg-wandb", daemon=True)
            self._thread.start()
        self._calls.put((call, args))

    def _work(self) -> None:
        while (item := self._calls.get()) is not None:
            call, args = item
            try:
                call(*args)
            except Exception as error:  # tracking must never stop the search: said, then skipped
                print(f"wandb: {type(error).__name__}: {error}".splitlines()[0], flush=True)

    def _run_of(self, trial_id: str, config: dict):
        import wandb

        if trial_id not in self._runs:
            self._runs[trial_id] = wandb.init(
                project=self.project, group=self.experiment, name=trial_id,
                config=_params(config), reinit="create_new", dir=self.directory)
        return self._runs[trial_id]

    def _log(self, trial_id: str, config: dict, values: dict, step: int) -> None:
        self._run_of(trial_id, config).log(values, step=step)

    def _finish(self, trial_id: str, config: dict, summary: dict) -> None:
        run = self._run_of(trial_id, config)
        run.summary.update(summary)
        run.finish()
        self._runs.pop(trial_id, None)

    def on_trial_result(self, iteration, trials, trial, result, **info) -> None:
        if "split" in result and _finite(result.get(self.metric)):
            self._open.add(trial.trial_id)
            self._later(self._log, trial.trial_id, dict(trial.config), {self.metric: result[self.metric]},
                        int(result["split"]) + 1)

    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        self._open.discard(trial.trial_id)
        row = row_of(trial.last_result or {}) or {}
        self._later(self._finish, trial.trial_id, dict(trial.config),
                    _metrics(row) | {"status": row.get("status") or "stopped"})

    on_trial_error = on_trial_complete

    def on_experiment_end(self, trials, **info) -> None:
        for trial in trials:  # the time budget stopped these: no completion call came
            if trial.trial_id in self._open:
                self.on_trial_complete(0, trials, trial)
        if self._thread is not None:
            self._calls.put(None)
            self._thread.join()
            self._thread = None


def tracking_callbacks(settings) -> list:
    """The search's tracking callbacks (none when no tracking is asked for)."""
    callbacks = []
    run_id = start_search_run(settings)
    if run_id is not None:
        callbacks.append(MlflowCallback(settings.mlflow_tracking_uri, run_id, settings.name,
                                        settings.metrics[0]))
    if settings.wandb_project and has_wandb():
        callbacks.append(WandbCallback(settings.wandb_project, settings.name, settings.metrics[0],
                                       str(settings.experiment_dir)))
    return callbacks
