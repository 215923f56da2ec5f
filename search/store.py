"""The results store: one Parquet file per finished trial, written atomically.

Layout of an experiment directory ``<storage-path>/<name>/``:

- ``results/<trial_id>.parquet``: one row per trial, all files with one schema
  (``schema.json``), so ``pandas.read_parquet("<name>/results")`` reads them;
- ``evaluations/<trial_id>-<phase>-<split>.parquet``: one row per split a trial
  (phase ``search``) or a confirmation (``confirm``, ``final``) evaluated;
- ``confirmed/<trial_id>.parquet``: the confirmation of a top configuration;
- ``search.json``: the settings of the search (for resume, best, reports);
- ``artifacts/``: shared baselines and other artifacts (:mod:`search.artifacts`);
- Ray Tune's own experiment state, beside them.

A row is first written under a hidden name (``.<trial_id>.parquet.tmp``,
which pyarrow skips) and then renamed, so a crash never leaves a half-written
file in the data set. The file name is the trial id: a trial that runs again
after a resume replaces its row rather than adding a second one.
"""

from __future__ import annotations

import json
import os
import uuid
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sedg import SedgInputError

__all__ = [
    "FAILED", "INVALID", "OK", "STOPPED", "ResultsStore", "atomic_write_text", "load_confirmed",
    "load_evaluations", "load_results", "read_settings",
]

#: A trial's ``status``: it ran; it raised; a parameter value the method rejects (not retried);
#: a scheduler ended it early.
OK, FAILED, INVALID, STOPPED = "ok", "error", "invalid", "stopped"


class ResultsStore:
    """Write and read the rows of one experiment directory."""

    def __init__(self, experiment_dir: str | Path) -> None:
        self.experiment_dir = Path(experiment_dir)
        self.results_dir = self.experiment_dir / "results"
        self.schema_path = self.experiment_dir / "schema.json"
        self.evaluations_dir = self.experiment_dir / "evaluations"
        self.evaluations_schema_path = self.experiment_dir / "evaluations_schema.json"
        self.confirmed_dir = self.experiment_dir / "confirmed"

    def initialise(self, schema: pa.Schema, evaluations: pa.Schema | None = None) -> None:
        self.results_dir.mkdir(parents=True, exist_ok=True)
        for path, value in ((self.schema_path, schema), (self.evaluations_schema_path, evaluations)):
            if value is not None and not path.exists():
                fields = [[field.name, str(field.type)] for field in value]
                atomic_write_text(path, json.dumps(fields, indent=1))

    @cached_property
    def schema(self) -> pa.Schema:
        """The experiment's column schema, read once per store object."""
        return _read_schema(self.schema_path)

    @cached_property
    def evaluations_schema(self) -> pa.Schema | None:
        if not self.evaluations_schema_path.exists():
            return None  # an experiment from before the per-split store
        return _read_schema(self.evaluations_schema_path)

    def write(self, row: dict) -> Path:
        """Write one trial's row atomically; the same trial id overwrites its own file."""
        return _write_row(row, self.schema, self.results_dir, row["trial_id"])

    def write_evaluation(self, row: dict) -> Path | None:
        """Write one split's evaluation; a trial run again after a resume overwrites its own."""
        if self.evaluations_schema is None:
            return None
        name = f"{row['trial_id']}-{row['phase']}-{row['split']}"
        return _write_row(row, self.evaluations_schema, self.evaluations_dir, name)

    def write_confirmed(self, row: dict, schema: pa.Schema) -> Path:
        return _write_row(row, schema, self.confirmed_dir, row["trial_id"])

    def load(self) -> pd.DataFrame:
        """All rows, one per trial, sorted by finishing time."""
        return load_results(self.experiment_dir)


def load_results(experiment_dir: str | Path) -> pd.DataFrame:
    """Read an experiment's rows with plain pandas (an empty frame if none yet).

    Raises
    ------
    SedgInputError
        The directory holds no sedg-search experiment.
    """
    experiment_dir = Path(experiment_dir)
    results = experiment_dir / "results"
    if not (experiment_dir / "search.json").is_file():
        raise SedgInputError(f"no sedg-search experiment at {experiment_dir}")
    if not results.is_dir() or not any(results.glob("*.parquet")):
        return pd.DataFrame()
    frame = pd.read_parquet(results)
    if "finished_at" in frame:
        frame = frame.sort_values("finished_at", kind="stable").reset_index(drop=True)
    return frame


def load_evaluations(experiment_dir: str | Path) -> pd.DataFrame:
    """Every (trial, split) evaluation of an experiment (an empty frame if none yet)."""
    return _read_folder(Path(experiment_dir) / "evaluations")


def load_confirmed(experiment_dir: str | Path) -> pd.DataFrame:
    """The confirmations of an experiment's top configurations (an empty frame if none)."""
    return _read_folder(Path(experiment_dir) / "confirmed")


def _read_folder(folder: Path) -> pd.DataFrame:
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return pd.DataFrame()
    return pd.read_parquet(folder)


_TYPES = {"string": pa.string(), "double": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}


def _read_schema(path: Path) -> pa.Schema:
    return pa.schema([(name, _TYPES[kind]) for name, kind in json.loads(path.read_text())])


def _write_row(row: dict, schema: pa.Schema, folder: Path, name: str) -> Path:
    """One row as ``folder/name.parquet``, staged under a hidden name and renamed (atomic)."""
    known = {column: row.get(column) for column in schema.names}
    table = pa.Table.from_pylist([known], schema=schema)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{name}.parquet"
    staging = _staging(final)
    pq.write_table(table, staging)
    _durable_replace(staging, final)
    return final


def _staging(path: Path) -> Path:
    """A hidden name of this writer alone: two processes never share a temporary file."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _durable_replace(staging: Path, path: Path) -> None:
    """Flush the staged file to disk, rename it into place, and flush the folder's entry."""
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    staging = _staging(path)
    staging.write_text(text)
    _durable_replace(staging, path)


def read_settings(experiment_dir: str | Path) -> dict:
    """The experiment's saved ``search.json``; an unreadable one is an error, never defaults."""
    path = Path(experiment_dir) / "search.json"
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise SedgInputError(
            f"{path} is unreadable ({type(error).__name__}): restore it or remove the experiment"
        ) from None
    if not isinstance(values, dict):
        raise SedgInputError(f"{path} holds no settings (a JSON object was expected)")
    return values
