"""The one owner of an experiment folder: open it, read its settings and rows, rank them, write.

Every command that works on an existing experiment (``best``, ``list``, ``confirm``, ``explain``,
``export``, ``report``, ``extend``, ``resume``, ``check``) asks an :class:`Experiment`; nothing
else builds a path inside the folder. Its settings are read once per object (the one loader,
:meth:`search.settings.SearchSettings.load`), its rows once (:func:`search.experiment.store.load_results`),
and :meth:`Experiment.ranked` is the one ranking (:mod:`search.experiment.ranking`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from pathlib import Path

import pandas as pd

from search._defaults import DEFAULT_STORAGE_PATH, SETTINGS_FILE, TUNE_DIR, TUNER_FILE
from search.experiment._lock import experiment_lock
from search.experiment.ranking import ranked
from search.experiment.rows import plain_row
from search.experiment.store import (
    OK,
    DamagedStoreWarning,
    ResultsStore,
    json_problem,
    load_confirmed,
    load_evaluations,
    load_results,
)
from search.object_store import ObjectStore, is_uri, storage_uri
from search.settings import SearchSettings
from sedg import SedgInputError
from sedg.files import atomic_write_text

__all__ = ["REPORT_DIR", "TUNE_DIR", "Experiment"]

#: The folder of an experiment that reports and models are written to.
REPORT_DIR = "report"
#: Ray Tune's state files, one per session of the search (``TuneController.CKPT_FILE_TMPL``).
TUNE_STATE = "experiment_state-*.json"


class Experiment:
    """The experiment in ``directory`` (``<storage-path>/<name>``).

    Examples
    --------
    >>> experiment = Experiment.open("my-search", "sedg-results")  # doctest: +SKIP
    >>> experiment.ranked().head(3)  # doctest: +SKIP
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).resolve()

    @classmethod
    def open(cls, name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, *,
             settings_needed: bool = True) -> Experiment:
        """The experiment ``name`` of ``storage_path``, its settings read; one error when there is
        none (a folder without saved settings is none) or its settings do not read. With
        ``settings_needed=False`` a folder is enough: ``check`` reads one whose settings are damaged."""
        storage = _local(storage_path, [name] if name else [])
        experiment = cls(storage / name)
        found = experiment.has_settings() if settings_needed else experiment.directory.is_dir()
        if not name or not found:
            raise SedgInputError(f"no experiment {name!r} in {storage_uri(storage) or storage}")
        if settings_needed:
            experiment.settings  # noqa: B018 - an experiment opens with its settings, or not at all
        return experiment

    @classmethod
    def every(cls, storage_path: str | Path = DEFAULT_STORAGE_PATH) -> list[Experiment]:
        """Every experiment of ``storage_path``, by name; one reached through a link is the
        folder it links to, listed once."""
        found: dict[Path, Experiment] = {}
        for path in sorted(_local(storage_path).glob(f"*/{SETTINGS_FILE}")):
            experiment = cls(path.parent)
            found.setdefault(experiment.directory, experiment)
        return sorted(found.values(), key=lambda experiment: experiment.name)

    @classmethod
    def latest(cls, storage_path: str | Path = DEFAULT_STORAGE_PATH) -> Experiment:
        """The most recently started experiment of ``storage_path``."""
        candidates = sorted(cls.every(storage_path), key=lambda e: e.settings_path.stat().st_mtime)
        if not candidates:
            where = storage_path if is_uri(storage_path) else Path(storage_path).resolve()
            raise SedgInputError(f"no experiments in {where}")
        return candidates[-1]

    @property
    def name(self) -> str:
        return self.directory.name

    @property
    def storage_path(self) -> str | Path:
        """Where the experiment lives: its folder's parent, or the object-storage URI of which
        that is the working copy."""
        return storage_uri(self.directory.parent) or self.directory.parent

    @property
    def settings_path(self) -> Path:
        return self.directory / SETTINGS_FILE

    def has_settings(self) -> bool:
        return self.settings_path.is_file()

    @cached_property
    def settings(self) -> SearchSettings:
        return SearchSettings.load(self.directory)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """Every trial's row, read once (:func:`search.experiment.store.load_results`)."""
        return load_results(self.directory)

    @property
    def ok(self) -> pd.DataFrame:
        """The rows of trials that finished."""
        return self.rows[self.rows["status"] == OK] if "status" in self.rows else self.rows

    def records(self) -> list[dict]:
        """The rows as plain dicts (:func:`search.experiment.rows.plain_row`)."""
        return [plain_row(row) for row in self.rows.to_dict("records")]

    def row(self, trial_id: str) -> dict | None:
        """The plain row of trial ``trial_id`` (None: no such trial)."""
        if self.rows.empty:
            return None
        found = self.rows[self.rows["trial_id"].astype(str) == str(trial_id)]
        return plain_row(found.iloc[0].to_dict()) if len(found) else None

    @cached_property
    def confirmed(self) -> pd.DataFrame:
        """The confirmations of the top configurations (``confirmed/``)."""
        return load_confirmed(self.directory)

    def evaluations(self) -> pd.DataFrame:
        return load_evaluations(self.directory)

    @cached_property
    def store(self) -> ResultsStore:
        """The store's writers."""
        return ResultsStore(self.directory)

    def initialise(self, settings: SearchSettings, schema, evaluations_schema) -> None:
        """Make the store (with the columns of its rows and of its evaluations) and save the
        settings: what makes the folder an experiment."""
        self.store.initialise(schema, evaluations_schema)
        atomic_write_text(self.settings_path, settings.to_json())
        self.__dict__.pop("settings", None)

    def lock(self) -> AbstractContextManager[None]:
        """Held by whatever writes to the experiment (a driver, ``confirm``); on object storage
        the store's lock too, with the working copy sent back as it is written."""
        uri = storage_uri(self.directory.parent)
        return experiment_lock(self.directory) if uri is None else _driving(self, uri)

    def push(self) -> None:
        """On object storage, upload what a command wrote outside a driver's lock (a report, a
        model); nothing for a folder."""
        uri = storage_uri(self.directory.parent)
        if uri is not None:
            ObjectStore(uri).push(self.name)

    def objective(self, metric: str | None = None, mode: str | None = None) -> tuple[str, str]:
        """``(metric, mode)``: the search's first objective unless told; a metric it did not
        optimise is maximised, a time minimised."""
        settings = self.settings
        metric = metric or settings.metrics[0]
        if mode is None:
            default = "min" if metric.startswith("time_") else "max"
            mode = dict(zip(settings.metrics, settings.modes)).get(metric, default)
        return metric, mode

    def ranked(self, metric: str | None = None, mode: str | None = None, *, by: str = "confirmed",
               complete: bool = False, methods=None) -> pd.DataFrame:
        """Distinct configurations best first (:func:`search.experiment.ranking.ranked`);
        ``complete``: only trials that ran every split of the search."""
        metric, mode = self.objective(metric, mode)
        return ranked(self.rows, self.confirmed, metric, mode, by=by, methods=methods,
                      complete_splits=self.settings.n_splits if complete else None)

    def top_configurations(self, count: int) -> list[dict]:
        """The ``count`` configurations the confirmation confirms: the best by in-search mean
        among trials that ran every split."""
        return top_configurations(self.settings, self.rows, count)

    def data(self):
        """The rows the search's splits were drawn from, read from its data file as it is now:
        refused when the file is gone or holds other rows than the trials saw (their
        fingerprint), so nothing fits or scores on changed data under this experiment's name."""
        from search._data import reload_data
        from search.experiment.history import check_same_data

        settings = self.settings
        if settings.data and not is_uri(settings.data) and not Path(settings.data).is_file():
            raise SedgInputError(f"the experiment's data file is gone: {settings.data}")
        data = reload_data(settings.data_spec())
        check_same_data(self.rows, data.fingerprint, self.name)
        return data

    def schema_problems(self) -> dict[str, str]:
        """``{file name: what is wrong}`` for the store's schema files, read against the
        settings' columns: a damaged schema would write empty or mistyped rows."""
        import pyarrow as pa

        from search.experiment.schema import EVALUATION_COLUMNS, results_schema
        from search.experiment.store import schema_problem

        settings, store = self.settings, self.store
        tuned = settings.classifiers if settings.tune_classifier else ()
        checks = {store.schema_path: (results_schema(settings.methods, (), tuned), ("trial_id", "status")),
                  store.evaluations_schema_path: (pa.schema(list(EVALUATION_COLUMNS.items())),
                                                  tuple(EVALUATION_COLUMNS))}
        found = {path.name: schema_problem(path, known, needed)
                 for path, (known, needed) in checks.items() if path.exists()}
        return {name: why for name, why in found.items() if why}

    def tune_state_problem(self) -> tuple[str, str] | None:
        """``(file, what is wrong)`` when Ray Tune's newest state is missing or does not read
        (None: it reads, or Tune never started here). Tune restores from that one file and,
        when it cannot, logs the error and starts the search over (Ray 2.60,
        ``TuneController.__init__``)."""
        if not (self.tune_dir / TUNER_FILE).is_file():
            return None
        states = sorted(self.tune_dir.glob(TUNE_STATE))  # Tune takes the last name
        if not states:
            return (self.tune_dir / TUNE_STATE).relative_to(self.directory).as_posix(), "missing"
        why = json_problem(states[-1])
        return None if why is None else (states[-1].relative_to(self.directory).as_posix(), why)

    @property
    def tune_dir(self) -> Path:
        """Ray Tune's folder; the experiment's own for one made before Tune had a folder."""
        if (self.directory / TUNER_FILE).is_file():
            return self.directory
        return self.directory / TUNE_DIR

    @property
    def report_dir(self) -> Path:
        """Where reports are written (made on first use)."""
        path = self.directory / REPORT_DIR
        path.mkdir(exist_ok=True)
        return path

    def __repr__(self) -> str:
        return f"Experiment({str(self.directory)!r})"


def _local(storage_path: str | Path, names: list[str] | None = None) -> Path:
    """The folder that holds the experiments of ``storage_path``: itself, or for an object-storage
    URI its working copy, brought up to date for ``names`` (None: every experiment there)."""
    if not is_uri(storage_path):
        return Path(storage_path).expanduser().resolve()
    store = ObjectStore(str(storage_path))
    store.check()
    for name in store.names() if names is None else names:
        store.pull(name)
    return store.working_copy()


@contextmanager
def _driving(experiment: Experiment, uri: str) -> Iterator[None]:
    with experiment_lock(experiment.directory), ObjectStore(uri).driving(experiment.name):
        yield


def top_configurations(settings: SearchSettings, rows: pd.DataFrame, count: int) -> list[dict]:
    """The ``count`` best distinct configurations of ``rows`` by the first metric's in-search
    mean, among trials that ran every split (plain dicts): what the confirmation confirms."""
    if count < 1:
        return []
    frame = ranked(rows, None, settings.metrics[0], settings.modes[0], by="search",
                   complete_splits=settings.n_splits)
    return [plain_row(row) for row in frame.head(count).to_dict("records")]


def readable(experiments: list[Experiment]) -> Iterator[Experiment]:
    """The experiments whose settings read; each that does not is named in a warning."""
    for experiment in experiments:
        try:
            experiment.settings  # noqa: B018 - read once, here, to know it reads
        except SedgInputError as error:
            warnings.warn(str(error), DamagedStoreWarning, stacklevel=3)
            continue
        yield experiment
