"""``sedg-search check NAME``: every damaged file of an experiment, and what ``resume`` does.

Rows are written atomically, so damage comes from outside (a disk that filled or failed, a file
edited or deleted by hand, a copy cut short). ``best``, ``list`` and ``report`` leave an
unreadable row file out with a warning naming it; this lists them all, with the trials whose
evaluations exist but whose row is missing, and says what ``resume`` does about each.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from search._defaults import DEFAULT_STORAGE_PATH, SETTINGS_FILE
from search.experiment._experiment import Experiment
from search.experiment.store import json_problem, missing_rows, unreadable_files

__all__ = ["check_experiment"]

#: What resume does, per folder of an unreadable file.
ACTIONS = {
    "results": "resume rebuilds the row from Ray Tune's saved state of the trial",
    "evaluations": "left out of reports (the trial's row keeps its means); delete the file to "
                   "silence this",
    "confirmed": "resume confirms the top configurations again and rewrites it",
}


def check_experiment(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH) -> pd.DataFrame:
    """One row per problem: ``file`` (relative to the experiment's folder, so a table never
    folds a trial id), ``problem``, ``resume`` (what resume does); empty when the experiment
    is whole.

    Examples
    --------
    >>> check_experiment("my-search", "sedg-results")  # doctest: +SKIP
    Empty DataFrame
    """
    experiment = Experiment.open(name, storage_path, settings_needed=False)
    directory = experiment.directory
    found = {path.name: _json_problem(path) for path in (
        directory / SETTINGS_FILE, directory / "schema.json", directory / "evaluations_schema.json")}
    if not found[SETTINGS_FILE]:  # the schemas are read against the settings' columns
        found.update(experiment.schema_problems())
    problems = [{"file": file, "problem": why, "resume": "cannot continue: restore the file from a copy"}
                for file, why in found.items() if why]
    if tune_state := experiment.tune_state_problem():
        problems.append({"file": tune_state[0], "problem": tune_state[1],
                         "resume": "cannot resume: extend goes on from the stored trials"})
    damaged = unreadable_files(directory)
    for path, why in damaged:
        problems.append({"file": str(path.relative_to(directory)), "problem": f"unreadable ({why})",
                         "resume": ACTIONS[path.parent.name]})
    for trial in missing_rows(directory):
        problems.append({"file": f"results/{trial}.parquet",
                         "problem": "missing: the trial has evaluations but no row",
                         "resume": ACTIONS["results"]})
    return pd.DataFrame(problems, columns=["file", "problem", "resume"])


def _json_problem(path: Path) -> str | None:
    if not path.exists():
        return None if path.name != SETTINGS_FILE else "missing"
    return json_problem(path)
