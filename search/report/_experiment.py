"""What every report needs: the experiment's settings, its rows, its data and output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.metrics import minority_labels
from search.settings import SearchSettings, load_data
from search.store import OK, load_results, read_settings
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
        return load_data(self.settings.data_spec())

    def minority(self) -> list:
        return minority_labels(self.data().class_counts)


def open_experiment(name: str, storage_path: str | Path) -> Experiment:
    """Load an experiment (finished or still running) by name."""
    directory = Path(storage_path).resolve() / name
    if not (directory / "search.json").is_file():
        raise SedgInputError(f"no experiment {name!r} in {Path(storage_path).resolve()}")
    values = read_settings(directory)
    values["name"], values["storage_path"] = name, str(directory.parent)
    if values.get("data") and not Path(values["data"]).is_file():
        raise SedgInputError(f"the experiment's data file is gone: {values['data']}")
    settings = SearchSettings(**{k: v for k, v in values.items()
                                 if k in SearchSettings.__dataclass_fields__})
    return Experiment(name, directory, settings, load_results(directory))
