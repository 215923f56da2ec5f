"""The settings of one search: a dataclass that validates itself, round-trips through JSON, is
saved as ``search.json``, and defines the ``run`` command's options (flag, help, choices, default)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

from evaluation.methods import import_plugins
from evaluation.metrics import DEFAULT_OBJECTIVE, METRICS, is_metric_name
from evaluation.splits import (
    DEFAULT_PROTOCOL,
    N_FOLDS,
    PROTOCOLS,
    REPEATED_PROTOCOLS,
    REPEATS,
    TEST_SIZE,
    n_splits,
)
from search._checks import Number, Whole, check_values
from search._data import DataSpec
from search._defaults import DEFAULT_STORAGE_PATH, MODES, OPTUNA_DB, SETTINGS_FILE
from search._options import flag_of, option, split_list
from search.object_store import ObjectStore, is_uri, storage_uri
from sedg import SedgInputError
from sedg.datasets import GRADES_TARGET
from sedg.defaults import N_SYNTHETIC

__all__ = ["DEFAULT_METHODS", "SCHEDULERS", "SEARCHERS", "SearchSettings"]

#: An experiment's name: one folder name of characters no shell, URL, script or file system
#: reads as anything else (``#`` broke resume; quotes reached generated code).
NAME_PATTERN = r"\w[\w .+=@,-]*"

#: The default search: what the project is for — SEDG, the deep generative models, GMCSMOTE —
#: next to the rivals a practitioner would try (class reweighting, a few classic resamplers)
#: and no resampling at all.
DEFAULT_METHODS = ("none", "class_weight", "random_over", "smote", "smote_tomek", "gmcsmote", "sedg",
                   "dgm")
#: Trials of a search unless ``--trials-per-method`` sets them.
DEFAULT_NUM_SAMPLES = 20
SEARCHERS = ("tpe", "random")
#: The settings that are numbers, and what each must be (checked once, in this order).
CONSTRAINTS = {
    "time_budget_s": Number(positive=True, optional=True),
    "num_samples": Whole(1, optional=True),  # None: as many as the time budget allows
    "concurrency": Whole(1), "n_synthetic": Whole(1), "grades_samples": Whole(1),
    "seed": Whole(0), "max_failures": Whole(0), "confirm_top": Whole(0), "confirm_repeats": Whole(2),
    "race_alpha": Number(positive=True), "cpus_per_trial": Number(positive=True),
    "gpus_per_trial": Number(),
}
SCHEDULERS = ("race", "fifo", "asha")


@dataclass
class SearchSettings:
    """Everything that defines a search; saved as ``search.json`` in the experiment.

    ``data=None`` is the embedded synthetic grades table (target ``G3``).
    ``metrics`` are result keys (``delta_qwk``, ``accuracy``,
    ``delta_class_auc_0`` ...); several give a multi-objective search, with
    one ``mode`` each or one for all. Every field is also a ``run`` option
    (its flag is in the error messages, which fit Python and the CLI alike).

    Examples
    --------
    >>> SearchSettings(methods=("smote",), num_samples=4).metrics
    ('delta_qwk',)
    """

    data: str | None = field(default=None, metadata=option(
        "CSV or Parquet file (default: the embedded synthetic grades)"))
    target: str | None = field(default=None, metadata=option(
        f"class column (default: {GRADES_TARGET} for the embedded data, else target)"))
    label_order: tuple[str, ...] | None = field(default=None, metadata=option(
        "the target's labels, lowest first, when they are words (poor,fair,good): QWK, BLRR and "
        "GMCSMOTE read the labels as a scale, and words have no order of their own",
        parse=split_list))
    impute: bool = field(default=False, metadata=option(
        "fill missing feature values inside each split from its training part (median for "
        "continuous, most frequent for discrete features); without it they are an error",
        action="store_true"))
    methods: tuple[str, ...] = field(default=DEFAULT_METHODS, metadata=option(
        "comma-separated methods", parse=split_list))
    classifiers: tuple[str, ...] = field(default=("random_forest",), metadata=option(
        "classifier, or several comma-separated to search over", flag="--classifier", parse=split_list))
    metrics: tuple[str, ...] = field(default=(DEFAULT_OBJECTIVE,), metadata=option(
        "objective metric(s)", flag="--metric", nargs="+"))
    modes: tuple[str, ...] = field(default=("max",), metadata=option(
        "per metric, or one for all", flag="--mode", nargs="+", choices=MODES))
    num_samples: int | None = field(default=None, metadata=option(
        f"number of trials (default: {DEFAULT_NUM_SAMPLES}, or --trials-per-method x the methods)",
        parse=int))
    concurrency: int = field(default=2, metadata=option("trials at once", parse=int))
    cpus_per_trial: float = field(default=1.0, metadata=option("CPUs per trial", parse=float))
    gpus_per_trial: float = field(default=0.0, metadata=option(
        "GPU share for torch-based trials (others ask for none)", parse=float))
    protocol: str = field(default=DEFAULT_PROTOCOL, metadata=option(
        f"repeated_holdout: --repeats stratified {1 - TEST_SIZE:.0%}/{TEST_SIZE:.0%} splits; "
        f"repeated_cv: --repeats x {N_FOLDS} folds; holdout and cv: the papers' single-seed protocols",
        choices=PROTOCOLS))
    repeats: int = field(default=REPEATS, metadata=option(
        "repeats of a repeated protocol (paired: every trial sees the same splits)", parse=int))
    scheduler: str = field(default="race", metadata=option(
        "race stops a trial once it is significantly worse than the incumbent on shared splits; "
        "asha stops by rank", choices=SCHEDULERS))
    race_alpha: float = field(default=0.5, metadata=option(
        "one-sided significance level at which racing stops a trial (0.5: as soon as its mean on "
        "shared splits is below the incumbent's, SMAC's rule)", parse=float))
    confirm_top: int = field(default=3, metadata=option(
        "configurations re-evaluated on fresh splits when the search ends (0: none)", parse=int))
    confirm_repeats: int = field(default=10, metadata=option(
        "repeats of the confirmation (splits the search never used)", parse=int))
    final_test: float | None = field(default=None, metadata=option(
        "share of the rows kept out of every search split and scored once by confirmation",
        parse=float))
    trials_per_method: int | None = field(default=None, metadata=option(
        "exactly this many trials for every method (--num-samples is then this x the methods)",
        parse=int))
    seed: int = field(default=0, metadata=option("seeds splits, searcher and models", parse=int))
    name: str = field(default="", metadata=option("experiment name (default: search-<time>)"))
    storage_path: str = field(default=DEFAULT_STORAGE_PATH, metadata=option(
        "where experiments live: a folder, or s3://bucket/prefix, gs://bucket/prefix"))
    searcher: str = field(default="tpe", metadata=option("Optuna's sampler", choices=SEARCHERS))
    address: str | None = field(default=None, metadata=option(
        "an existing Ray cluster (host:port or ray://host:port)"))
    tune_classifier: bool = field(default=False, metadata=option(
        "search each classifier's own parameters too (stored as <classifier>__<param>; baselines "
        "are then shared per parameter set)", action="store_true"))
    n_synthetic: int = field(default=N_SYNTHETIC, metadata=option(
        "synthetic rows where a method takes a budget", parse=int))
    optuna_storage: str | None = field(default=None, metadata=option(
        f"keep the Optuna study in a database: alone, {OPTUNA_DB} in the experiment; or a URL "
        "(sqlite:////abs/path.db, postgresql://user@host/db) that several searches and one "
        "optuna-dashboard share (the study is named after the experiment)", nargs="?",
        const=OPTUNA_DB))
    time_budget_s: float | None = field(default=None, metadata=option(
        "seconds the whole command may take (Ray's start, the search, the confirmation): the "
        "confirmation keeps a quarter of it and runs fewer fresh splits rather than overrun; in "
        "the search no trial starts after its share and running ones stop (status stopped, their "
        "finished splits kept). --num-samples is then optional (no limit but the budget)",
        flag="--time-budget",
        parse=float))
    mlflow_tracking_uri: str | None = field(default=None, metadata=option(
        "log each trial (parameters, metrics per split and at the end), the confirmation and the "
        "report's figures to MLflow here (sqlite:////abs/mlflow.db, http://host:5000); needs "
        "mlflow: pip install 'sedg-search[tracking]'"))
    mlflow_experiment: str = field(default="sedg-search", metadata=option(
        "the MLflow experiment: each search is a run in it, each trial a run nested under that"))
    wandb_project: str | None = field(default=None, metadata=option(
        "log each trial to this Weights & Biases project as a run grouped by the search (needs "
        "wandb; skipped with a line when it is not installed)"))
    max_failures: int = field(default=0, metadata=option(
        "retries of a trial whose process dies", parse=int))
    grades_samples: int = field(default=649, metadata=option(
        "rows of the embedded synthetic data", parse=int))
    plugins: tuple[str, ...] = field(default=(), metadata=option(
        "module that registers methods (repeatable)", flag="--plugin", action="append"))
    profile: bool = field(default=False, metadata=option(
        "print where the seconds went when the search ends: start-up, searcher, scheduler, "
        "store, the trials' data, baseline, resample, fit and score, idle slots, shutdown (also "
        "saved as profile.json)", action="store_true"))
    share_artifacts: bool = field(default=True, metadata=option(
        "every trial recomputes baselines and embeddings (to measure what sharing saves)",
        flag="--no-artifact-sharing", action="store_false"))

    def __post_init__(self) -> None:
        from search.space import check_names

        self.plugins = tuple(self.plugins)
        import_plugins(self.plugins)
        self.methods, self.classifiers = tuple(self.methods), tuple(self.classifiers)
        self.metrics, self.modes = tuple(self.metrics), tuple(self.modes)
        check_names(self.methods, self.classifiers)
        if not self.metrics:
            raise SedgInputError("at least one metric is required")
        for name in ("methods", "classifiers", "metrics"):
            _check_unique(name, getattr(self, name))
        if self.label_order is not None:
            self.label_order = tuple(str(label) for label in self.label_order)
            _check_unique("label_order", self.label_order)
        for metric in self.metrics:
            if not is_metric_name(metric):
                raise SedgInputError(
                    f"unknown metric {metric!r}; use {', '.join(METRICS)}, class_auc_<label>, "
                    "their delta_ improvements or delta_minority_auc"
                )
        if len(self.modes) == 1 and len(self.metrics) > 1:
            self.modes = self.modes * len(self.metrics)
        if len(self.modes) != len(self.metrics) or set(self.modes) - set(MODES):
            raise SedgInputError(f"{_flag('modes')} takes {' or '.join(MODES)}, once or once per metric")
        self._settle_num_samples()
        check_values(CONSTRAINTS, _flags(), **{name: getattr(self, name) for name in CONSTRAINTS})
        self._settle_optuna_storage()
        if self.protocol in REPEATED_PROTOCOLS:
            check_values({"repeats": Whole(2)}, repeats=self.repeats)
        if self.final_test is not None and not (
                isinstance(self.final_test, (int, float)) and 0 < self.final_test < 0.5):
            raise SedgInputError(f"--final-test must be between 0 and 0.5, got {self.final_test!r}")
        if self.race_alpha > 0.5:  # 0.5: stop once the mean is below the incumbent's (SMAC's rule)
            raise SedgInputError(f"--race-alpha must be at most 0.5, got {self.race_alpha!r}")
        for name in ("protocol", "searcher", "scheduler"):
            _check_choice(name, getattr(self, name))
        if self.scheduler == "asha" and self.n_splits < 2:
            raise SedgInputError(
                "--scheduler asha stops trials between splits: it needs a protocol with several "
                "(cv, repeated_holdout or repeated_cv)")
        # Checked when it is loaded: a moved file must not hide results.
        if self.data is not None and not is_uri(self.data):
            self.data = str(Path(self.data).expanduser().resolve())
        if self.target is None:
            self.target = GRADES_TARGET if self.data is None else "target"
        if not self.name:
            self.name = "search-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        if not re.fullmatch(NAME_PATTERN, self.name):
            raise SedgInputError(
                f"experiment name {self.name!r} must be a plain folder name: a letter or digit, "
                "then letters, digits, spaces or . _ - + = @ ,")
        if is_uri(self.storage_path):  # object storage (search.experiment.object_store)
            self.storage_path = ObjectStore(self.storage_path).uri
            if self.optuna_storage in (True, OPTUNA_DB):
                raise SedgInputError(
                    "--optuna-storage in the experiment's own SQLite file cannot live on object "
                    f"storage ({self.storage_path}): give a database URL (postgresql://user@host/db)")
        else:
            self.storage_path = str(Path(self.storage_path).expanduser().resolve())

    def _settle_num_samples(self) -> None:
        """``--trials-per-method`` fixes the trial count; a ``--num-samples`` beside it must agree."""
        if self.trials_per_method is None:
            if self.num_samples is None and self.time_budget_s is None:
                self.num_samples = DEFAULT_NUM_SAMPLES
            return
        check_values({"trials_per_method": Whole(1)}, trials_per_method=self.trials_per_method)
        total = self.trials_per_method * len(self.methods)
        if self.num_samples is not None and self.num_samples != total:
            raise SedgInputError(
                f"--num-samples {self.num_samples!r} disagrees with --trials-per-method "
                f"{self.trials_per_method} x {len(self.methods)} methods = {total}; give one of them")
        self.num_samples = total

    def _settle_optuna_storage(self) -> None:
        """``--optuna-storage``: the experiment's own file, or a database URL (a relative SQLite
        path made absolute, so every command finds it); the old ``true``/``false`` still read."""
        if self.optuna_storage in (None, False, ""):
            self.optuna_storage = None
            return
        if self.optuna_storage is True or self.optuna_storage == OPTUNA_DB:
            self.optuna_storage = OPTUNA_DB
            return
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(str(self.optuna_storage))
        except ArgumentError:
            raise SedgInputError(
                f"--optuna-storage {self.optuna_storage!r} is not a database URL; give "
                "sqlite:////abs/path.db, postgresql://user@host/db, or the flag alone") from None
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise SedgInputError("--optuna-storage: an SQLite URL needs a file "
                                     "(sqlite:////abs/path.db); an in-memory one is gone with the driver")
            url = url.set(database=str(Path(url.database).expanduser().resolve()))
        self.optuna_storage = url.render_as_string(hide_password=False)

    @property
    def optuna_storage_url(self) -> str | None:
        """Where the Optuna study is kept (None: in the driver's memory)."""
        if self.optuna_storage == OPTUNA_DB:
            return f"sqlite:///{self.experiment_dir / OPTUNA_DB}"
        return self.optuna_storage

    def check_storage(self) -> None:
        """The experiment's folder can be made here (a new search checks it before creating
        anything; reading an experiment does not need it)."""
        if is_uri(self.storage_path):
            store = ObjectStore(self.storage_path)
            store.check()
            store.pull(self.name)  # an experiment of this name there is seen as one here
            return
        storage = Path(self.storage_path)
        existing = next(folder for folder in (storage, *storage.parents) if folder.exists())
        if not existing.is_dir():
            raise SedgInputError(f"--storage-path {storage}: {existing} is a file, not a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise SedgInputError(f"--storage-path {storage}: {existing} is not writable")
        try:
            limit = os.pathconf(existing, "PC_NAME_MAX")
        except (OSError, ValueError):
            limit = 255
        if len(self.name.encode()) > limit:
            raise SedgInputError(f"experiment name is {len(self.name.encode())} bytes long; the file "
                                 f"system allows at most {limit}: choose a shorter --name")

    @property
    def n_splits(self) -> int:
        """Splits every trial evaluates (unless stopped early)."""
        return n_splits(self.protocol, repeats=self.repeats)

    @property
    def experiment_dir(self) -> Path:
        """The experiment's folder: on object storage, its working copy on this machine."""
        if is_uri(self.storage_path):
            return ObjectStore(self.storage_path).root / self.name
        return Path(self.storage_path) / self.name

    @property
    def artifacts_dir(self) -> Path:
        """Where trials share baselines, embeddings and fitted generators (a ``DiskArtifacts``)."""
        return self.experiment_dir / "artifacts"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> SearchSettings:
        """The settings a driver handed to its workers (:meth:`to_json`)."""
        return cls._from_values(json.loads(text))

    @classmethod
    def _from_values(cls, values: dict) -> SearchSettings:
        """Settings from saved values; a key this version does not know (a newer one's) is left out."""
        known = {item.name for item in fields(cls)}
        for item in fields(cls):  # a text where a list belongs would be read letter by letter
            if isinstance(item.default, tuple) and isinstance(values.get(item.name), str):
                raise SedgInputError(f"saved setting {item.name!r} must be a list, not the text "
                                     f"{values[item.name]!r}")
        return cls(**{key: value for key, value in values.items() if key in known})

    def data_spec(self) -> DataSpec:
        """What decides the search's rows (:func:`search._data.load_data` loads them once)."""
        return DataSpec(path=self.data, target=self.target, grades_samples=self.grades_samples,
                        impute=self.impute, final_test=self.final_test, seed=self.seed,
                        label_order=self.label_order)

    @classmethod
    def load(cls, experiment_dir: str | Path) -> SearchSettings:
        """The settings saved in ``experiment_dir``: the one way every command reads them.

        The name and storage path come from where the folder is now (a moved
        store still opens). An unreadable file is an error, never defaults.
        """
        directory = Path(experiment_dir).resolve()
        path = directory / SETTINGS_FILE
        try:
            values = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise SedgInputError(
                f"{path} is unreadable ({type(error).__name__}): restore it or remove the experiment"
            ) from None
        if not isinstance(values, dict):
            raise SedgInputError(f"{path} holds no settings (a JSON object was expected)")
        storage = storage_uri(directory.parent) or str(directory.parent)  # a working copy: its URI
        values.update(name=directory.name, storage_path=storage)
        return cls._from_values(values)


def _flag(name: str) -> str:
    return flag_of(SearchSettings, name)


def _flags() -> dict[str, str]:
    return {name: _flag(name) for name in CONSTRAINTS}


def _check_unique(name: str, values: tuple) -> None:
    repeated = sorted({str(value) for value in values if values.count(value) > 1})
    if repeated:
        raise SedgInputError(f"{_flag(name)} names {', '.join(repeated)} more than once")


def _check_choice(name: str, value) -> None:
    choices = next(item.metadata["choices"] for item in fields(SearchSettings) if item.name == name)
    if value not in choices:
        raise SedgInputError(f"unknown {name} {value!r}; choose {' or '.join(choices)}")


