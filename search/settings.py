"""The settings of one search: a dataclass that validates itself and round-trips through JSON."""

from __future__ import annotations

import importlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from sedg import SedgInputError
from sedg.datasets import TabularData, load_table, make_grades

__all__ = ["DEFAULT_METHODS", "SearchSettings", "load_data"]

#: The default search: no resampling, every classic resampler and GMCSMOTE.
DEFAULT_METHODS = (
    "none", "random_over", "random_under", "smote", "borderline_smote", "adasyn",
    "tomek_links", "enn", "smote_enn", "smote_tomek", "uniform_smote", "gmcsmote",
)
SEARCHERS = ("tpe", "random")
SCHEDULERS = ("fifo", "asha")


@dataclass
class SearchSettings:
    """Everything that defines a search; saved as ``search.json`` in the experiment.

    ``data=None`` is the embedded synthetic grades table (target ``G3``).
    ``metrics`` are result keys (``delta_qwk``, ``accuracy``,
    ``delta_class_auc_0`` ...); several give a multi-objective search, with
    one ``mode`` each or one for all.

    Examples
    --------
    >>> SearchSettings(methods=("smote",), num_samples=4).metrics
    ('delta_qwk',)
    """

    data: str | None = None
    target: str | None = None
    methods: tuple[str, ...] = DEFAULT_METHODS
    classifiers: tuple[str, ...] = ("random_forest",)
    metrics: tuple[str, ...] = ("delta_qwk",)
    modes: tuple[str, ...] = ("max",)
    num_samples: int = 20
    concurrency: int = 2
    cpus_per_trial: float = 1.0
    gpus_per_trial: float = 0.0
    protocol: str = "holdout"
    seed: int = 0
    name: str = ""
    storage_path: str = "./sedg-results"
    searcher: str = "tpe"
    scheduler: str = "fifo"
    address: str | None = None
    n_synthetic: int = 200
    optuna_storage: bool = False
    max_failures: int = 0
    grades_samples: int = 649
    plugins: tuple[str, ...] = ()
    share_artifacts: bool = True

    def __post_init__(self) -> None:
        from evaluation.metrics import METRICS
        from search.space import check_names

        self.plugins = tuple(self.plugins)
        import_plugins(self.plugins)
        self.methods, self.classifiers = tuple(self.methods), tuple(self.classifiers)
        self.metrics, self.modes = tuple(self.metrics), tuple(self.modes)
        check_names(self.methods, self.classifiers)
        for metric in self.metrics:
            base = metric.removeprefix("delta_").removeprefix("baseline_")
            if base not in (*METRICS, "minority_auc") and not base.startswith("class_auc_"):
                raise SedgInputError(
                    f"unknown metric {metric!r}; use accuracy, qwk, macro_auc, class_auc_<label>, "
                    "their delta_ improvements or delta_minority_auc"
                )
        if not self.metrics:
            raise SedgInputError("at least one metric is required")
        if len(self.modes) == 1 and len(self.metrics) > 1:
            self.modes = self.modes * len(self.metrics)
        if len(self.modes) != len(self.metrics) or set(self.modes) - {"max", "min"}:
            raise SedgInputError("--mode takes max or min, once or once per metric")
        _positive_int("num_samples", self.num_samples, "num-samples")
        _positive_int("concurrency", self.concurrency, "concurrency")
        if not (isinstance(self.cpus_per_trial, (int, float)) and self.cpus_per_trial > 0):
            raise SedgInputError(f"--cpus-per-trial must be > 0, got {self.cpus_per_trial!r}")
        if not (isinstance(self.gpus_per_trial, (int, float)) and self.gpus_per_trial >= 0):
            raise SedgInputError(f"--gpus-per-trial must be >= 0, got {self.gpus_per_trial!r}")
        if self.protocol not in ("holdout", "cv"):
            raise SedgInputError(f"unknown protocol {self.protocol!r}; choose holdout or cv")
        if self.searcher not in SEARCHERS:
            raise SedgInputError(f"unknown searcher {self.searcher!r}; choose tpe or random")
        if self.scheduler not in SCHEDULERS:
            raise SedgInputError(f"unknown scheduler {self.scheduler!r}; choose fifo or asha")
        if self.scheduler == "asha" and self.protocol != "cv":
            raise SedgInputError("--scheduler asha stops trials between folds: it needs --protocol cv")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise SedgInputError(f"--seed must be a non-negative integer, got {self.seed!r}")
        _positive_int("n_synthetic", self.n_synthetic, "n-synthetic")
        if not isinstance(self.max_failures, int) or self.max_failures < 0:
            raise SedgInputError(f"--max-failures must be >= 0, got {self.max_failures!r}")
        if self.data is not None:
            self.data = str(Path(self.data).resolve())
            if not Path(self.data).is_file():
                raise SedgInputError(f"data file not found: {self.data}")
        if self.target is None:
            self.target = "G3" if self.data is None else "target"
        if not self.name:
            self.name = "search-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        if "/" in self.name or self.name.startswith("."):
            raise SedgInputError(f"experiment name {self.name!r} must be a plain folder name")
        if "://" in self.storage_path:
            raise SedgInputError(
                "--storage-path must be a file-system path; on a multi-machine cluster use one "
                "that every node mounts (the results store and shared artifacts are files)"
            )
        self.storage_path = str(Path(self.storage_path).resolve())

    @property
    def experiment_dir(self) -> Path:
        return Path(self.storage_path) / self.name

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> SearchSettings:
        values = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})

    def data_spec(self) -> tuple:
        return (self.data, self.target, self.grades_samples)


def import_plugins(plugins) -> None:
    """Import modules that register extra methods (in the driver and in every trial process)."""
    for plugin in plugins:
        try:
            importlib.import_module(plugin)
        except ImportError as error:
            raise SedgInputError(f"cannot import plugin {plugin!r}: {error}") from None


def _positive_int(name: str, value, flag: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise SedgInputError(f"--{flag.replace('_', '-')} must be an integer >= 1, got {value!r}")


@cache
def load_data(spec: tuple) -> TabularData:
    """The data set of a search, loaded once per process (trials on one worker share it)."""
    path, target, grades_samples = spec
    if path is None:
        return make_grades(n_samples=grades_samples, seed=0)
    return load_table(path, target=target)

