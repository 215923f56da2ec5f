"""The results store: one Parquet file per finished trial, written atomically.

Layout of an experiment directory ``<storage-path>/<name>/``:

- ``results/<trial_id>.parquet``: one row per trial, all files with one schema
  (``schema.json``), so ``pandas.read_parquet("<name>/results")`` reads them;
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
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sedg import SedgInputError

__all__ = ["FAILED", "INVALID", "OK", "STOPPED", "ResultsStore", "load_results"]

#: A trial's ``status``: it ran; it raised; a parameter value the method rejects (not retried);
#: a scheduler ended it early.
OK, FAILED, INVALID, STOPPED = "ok", "error", "invalid", "stopped"


class ResultsStore:
    """Write and read the rows of one experiment directory."""

    def __init__(self, experiment_dir: str | Path) -> None:
        self.experiment_dir = Path(experiment_dir)
        self.results_dir = self.experiment_dir / "results"
        self.schema_path = self.experiment_dir / "schema.json"

    def initialise(self, schema: pa.Schema) -> None:
        self.results_dir.mkdir(parents=True, exist_ok=True)
        if not self.schema_path.exists():
            fields = [[field.name, str(field.type)] for field in schema]
            _atomic_write_text(self.schema_path, json.dumps(fields, indent=1))

    @cached_property
    def schema(self) -> pa.Schema:
        """The experiment's column schema, read once per store object."""
        fields = json.loads(self.schema_path.read_text())
        types = {"string": pa.string(), "double": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}
        return pa.schema([(name, types[kind]) for name, kind in fields])

    def write(self, row: dict) -> Path:
        """Write one trial's row atomically; the same trial id overwrites its own file."""
        schema = self.schema
        known = {name: row.get(name) for name in schema.names}
        table = pa.Table.from_pylist([known], schema=schema)
        final = self.results_dir / f"{row['trial_id']}.parquet"
        staging = self.results_dir / f".{row['trial_id']}.parquet.tmp"
        pq.write_table(table, staging)
        os.replace(staging, final)
        return final

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


def _atomic_write_text(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(text)
    os.replace(staging, path)
