"""The results store: one Parquet file per finished trial, written atomically.

Layout of an experiment directory ``<storage-path>/<name>/`` (the README's "The results
store" describes every file; ``tests/test_readme.py`` keeps the two in step):

- ``results/<trial_id>.parquet``: one row per trial, all files with one schema
  (``schema.json``), so ``pandas.read_parquet("<name>/results")`` reads them;
- ``evaluations/<trial_id>-<phase>-<split>.parquet``: one row per split a trial
  (phase ``search``) or a confirmation (``confirm``, ``final``) evaluated, with
  the schema ``evaluations_schema.json``;
- ``confirmed/<trial_id>.parquet``: the confirmation of a top configuration.

A row is first written under a hidden name (which pyarrow skips) and then
renamed (:func:`sedg.files.atomic_write`), so a crash never leaves a
half-written file in the data set. The file name is the trial id: a trial that
runs again after a resume replaces its row rather than adding a second one.
"""

from __future__ import annotations

import json
import warnings
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from search._defaults import SETTINGS_FILE
from search.object_store import syncing
from sedg import SedgInputError
from sedg.files import atomic_write, atomic_write_text

__all__ = [
    "FAILED", "INVALID", "OK", "STATUSES", "STOPPED", "DamagedStoreWarning", "ResultsStore",
    "json_problem", "load_confirmed", "load_evaluations", "load_results", "missing_rows",
    "schema_problem", "unreadable_files",
]

#: A trial's ``status``: it ran; it raised; a parameter value the method rejects (not retried);
#: a scheduler ended it early.
OK, FAILED, INVALID, STOPPED = "ok", "error", "invalid", "stopped"
STATUSES = (OK, FAILED, INVALID, STOPPED)
#: The folders of row files: a trial's row, its split evaluations, a confirmation.
ROW_FOLDERS = ("results", "evaluations", "confirmed")


class DamagedStoreWarning(UserWarning):
    """A file of the store could not be read and was left out (``sedg-search check`` lists them)."""


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
    def evaluations_schema(self) -> pa.Schema:
        return _read_schema(self.evaluations_schema_path)

    def write(self, row: dict) -> Path:
        """Write one trial's row atomically; the same trial id overwrites its own file."""
        return _write_row(row, self.schema, self.results_dir, row["trial_id"])

    def has_row(self, trial_id: str) -> bool:
        """Whether the trial's row file exists (readable or not: ``check`` tells those apart)."""
        return (self.results_dir / f"{trial_id}.parquet").exists()

    def write_evaluation(self, row: dict) -> Path:
        """Write one split's evaluation; a trial run again after a resume overwrites its own."""
        name = f"{row['trial_id']}-{row['phase']}-{row['split']}"
        return _write_row(row, self.evaluations_schema, self.evaluations_dir, name)

    def forget_evaluations(self, trial_id: str, phase: str) -> int:
        """Remove a trial's evaluations of ``phase`` (a trial that starts again after a resume or a
        retry must not keep splits its new run does not reach); returns how many."""
        stale = list(self.evaluations_dir.glob(f"{trial_id}-{phase}-*.parquet"))
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def write_confirmed(self, row: dict, schema: pa.Schema) -> Path:
        return _write_row(row, schema, self.confirmed_dir, row["trial_id"])


def load_results(experiment_dir: str | Path) -> pd.DataFrame:
    """Read an experiment's rows with plain pandas (none yet: no rows, every column of the schema).

    Raises
    ------
    SedgInputError
        The directory holds no sedg-search experiment.
    """
    experiment_dir = Path(experiment_dir)
    results = experiment_dir / "results"
    if not (experiment_dir / SETTINGS_FILE).is_file():
        raise SedgInputError(f"no sedg-search experiment at {experiment_dir}")
    frame = _read_folder(results)
    if frame.empty and not len(frame.columns):
        frame = _empty(experiment_dir / "schema.json")
    if "finished_at" in frame:
        frame = frame.sort_values("finished_at", kind="stable").reset_index(drop=True)
    return frame


def load_evaluations(experiment_dir: str | Path) -> pd.DataFrame:
    """Every (trial, split) evaluation of an experiment (none yet: every column, no rows)."""
    frame = _read_folder(Path(experiment_dir) / "evaluations")
    if frame.empty and not len(frame.columns):
        frame = _empty(Path(experiment_dir) / "evaluations_schema.json")
    return frame


def _empty(schema_path: Path) -> pd.DataFrame:
    """No rows, the columns of a schema file (none where it is missing or unreadable: ``check``
    names that)."""
    try:
        return _read_schema(schema_path).empty_table().to_pandas()
    except (OSError, ValueError, KeyError, TypeError):
        return pd.DataFrame()


def load_confirmed(experiment_dir: str | Path) -> pd.DataFrame:
    """The confirmations of an experiment's top configurations (an empty frame if none)."""
    return _read_folder(Path(experiment_dir) / "confirmed")


def _read_folder(folder: Path) -> pd.DataFrame:
    """Every row file of ``folder``; an unreadable one is left out with a
    :class:`DamagedStoreWarning` naming it (the others still count)."""
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return pd.DataFrame()
    try:
        return pd.read_parquet(folder)  # one read of the whole folder: the usual case
    except Exception:  # pyarrow raises many types for a damaged file: find which
        tables = []
        for path, error in _each_file(folder):
            if isinstance(error, Exception):
                warnings.warn(f"{path} is unreadable ({type(error).__name__}) and left out; "
                              "'sedg-search check' says what resume does about it",
                              DamagedStoreWarning, stacklevel=3)
            else:
                tables.append(error)
        if not tables:
            return pd.DataFrame()
        return pa.concat_tables(tables, promote_options="default").to_pandas()


def _each_file(folder: Path):
    """``(path, table)`` for each row file of ``folder``, or ``(path, exception)``."""
    for path in sorted(folder.glob("*.parquet")):
        try:
            yield path, pq.read_table(path)
        except Exception as error:  # noqa: BLE001 - reported, not raised
            yield path, error


def missing_rows(experiment_dir: str | Path) -> list[str]:
    """Trials whose search evaluations are stored but whose row file is not (lost from outside:
    rows are written atomically, after the evaluations)."""
    experiment_dir = Path(experiment_dir)
    rows = {path.stem for path in (experiment_dir / "results").glob("*.parquet")}
    evaluated = {path.name.split("-")[0]
                 for path in (experiment_dir / "evaluations").glob("*-search-*.parquet")}
    return sorted(evaluated - rows)


def unreadable_files(experiment_dir: str | Path, folders: tuple[str, ...] = ROW_FOLDERS
                     ) -> list[tuple[Path, str]]:
    """``(file, why)`` for every row file of the experiment (in ``folders``) that cannot be read."""
    experiment_dir = Path(experiment_dir)
    return [(path, f"{type(error).__name__}: {error}".splitlines()[0])
            for folder in folders
            for path, error in _each_file(experiment_dir / folder) if isinstance(error, Exception)]


_TYPES = {"string": pa.string(), "double": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}


def _read_schema(path: Path) -> pa.Schema:
    return pa.schema([(name, _TYPES[kind]) for name, kind in json.loads(path.read_text())])


def json_problem(path: Path) -> str | None:
    """What is wrong with the JSON file ``path`` (``"unreadable (JSONDecodeError)"``), or None."""
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        return f"unreadable ({type(error).__name__})"
    return None


def schema_problem(path: Path, known: pa.Schema, needed: tuple[str, ...],
                   others: pa.DataType = pa.float64()) -> str | None:
    """What is wrong with the schema file ``path``, or None: a list of ``[column, type]`` pairs
    that holds the columns ``needed``, each column of ``known`` it holds with that type, and
    every other column (a metric) of type ``others``. A known column may be missing: an
    experiment made by an earlier version lacks the columns added since, and its rows too."""
    try:
        pairs = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        return f"unreadable ({type(error).__name__})"
    if not isinstance(pairs, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            for pair in pairs):
        return "not a list of [column, type] pairs"
    kinds = dict(pairs)
    if len(kinds) < len(pairs):
        return "a column is named twice"
    for name, kind in kinds.items():
        wanted = known.field(name).type if name in known.names else others
        if _TYPES.get(kind) != wanted:
            return f"column {name!r} is typed {kind!r}, not {str(wanted)!r}"
    missing = [name for name in needed if name not in kinds]
    return f"column {missing[0]!r} is missing" if missing else None


def _write_row(row: dict, schema: pa.Schema, folder: Path, name: str) -> Path:
    """One row as ``folder/name.parquet``, written atomically."""
    known = {column: row.get(column) for column in schema.names}
    table = pa.Table.from_pylist([known], schema=schema)
    folder.mkdir(parents=True, exist_ok=True)
    path = atomic_write(folder / f"{name}.parquet", lambda staging: pq.write_table(table, staging))
    session = syncing(folder.parent)
    if session is not None:  # on object storage: the row is there once the write returns
        session.push()
    return path
