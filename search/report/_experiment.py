"""What every report needs: the experiment's settings, its rows, its data and output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.metrics import minority_labels
from search._data import load_data
from search._defaults import SETTINGS_FILE
from search.settings import SearchSettings
from search.store import OK, load_results
from sedg import SedgInputError

__all__ = ["Experiment", "open_experiment"]


@dataclass
class Experiment:
    name: str
    directory: Path
    settings: SearchSettings
    rows: pd.DataFrame

    @property
    def ok(self) -> pd.DataFrame:
        if self.rows.empty:
            return self.rows
        return self.rows[self.rows["status"] == OK]

    @property
    def output(self) -> Path:
        path = self.directory / "report"
        path.mkdir(exist_ok=True)
        return path

    def data(self):
        """The rows the search's splits were drawn from (its data file must still be there)."""
        if self.settings.data and not Path(self.settings.data).is_file():
            raise SedgInputError(f"the experiment's data file is gone: {self.settings.data}")
        return load_data(self.settings.data_spec())

    def minority(self) -> list:
        return minority_labels(self.data().class_counts)


def open_experiment(name: str, storage_path: str | Path) -> Experiment:
    """Load an experiment (finished or still running) by name."""
    directory = Path(storage_path).resolve() / name
    if not (directory / SETTINGS_FILE).is_file():
        raise SedgInputError(f"no experiment {name!r} in {Path(storage_path).resolve()}")
    return Experiment(name, directory, SearchSettings.load(directory), load_results(directory))
