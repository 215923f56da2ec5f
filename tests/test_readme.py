"""The README's set-up commands are the ones CI runs, and its main command works as written."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def _set_up_commands() -> list[str]:
    """The shell commands of the README's set-up section, in order."""
    section = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_ci_runs_the_readme_test_command():
    main_job, tests = _set_up_commands()
    ci = (REPO / ".ci" / "run").read_text()
    assert tests.endswith('pip install torch==2.13.0 -e ".[test]" && pytest')
    assert tests.split("&& ", 2)[2] in ci  # the install and test steps, in CI's fresh venv
    assert main_job.endswith("pip install torch==2.13.0 -e . && sedg-search run")


@pytest.mark.slow
def test_the_readme_main_command_runs_end_to_end(tmp_path):
    """CI's environment has what the main command installs (its extras add test tools only),
    so the command after the install runs here as a new user would run it."""
    main_job = _set_up_commands()[0]
    command = shlex.split(main_job.rsplit("&& ", 1)[1])
    assert command == ["sedg-search", "run"]
    executable = Path(sys.executable).parent / command[0]  # the installed entry point
    process = subprocess.run([str(executable), *command[1:]], cwd=tmp_path, capture_output=True,
                             text=True, timeout=400)
    assert process.returncode == 0, process.stderr[-3000:]
    experiment, = (tmp_path / "sedg-results").iterdir()
    rows = pd.read_parquet(experiment / "results")
    assert len(rows) == 20 and set(rows["status"]) <= {"ok", "stopped"}, rows["error"].dropna()
    assert {"sedg", "dgm", "gmcsmote", "class_weight"} <= set(rows["method"])
    confirmed = pd.read_parquet(experiment / "confirmed")
    # The top 3 by the search, a configuration proposed twice confirmed once.
    assert 1 <= len(confirmed) <= 3 and confirmed["confirmed_delta_qwk"].notna().all()
    assert "top configurations" in process.stdout
    # Its own Ray instance declares the CPUs the command may run on: a pytest-xdist worker's
    # share, else Ray's count of the machine's.
    from search.tune._ray import pinned_cpus

    (entry,) = json.loads((experiment / "runs.json").read_text())
    assert entry["cluster_cpus"] == (pinned_cpus() or entry["cluster_cpus"]) >= 1, entry


def _table_after(heading: str) -> list[list[str]]:
    """The cells of the first Markdown table after the line that starts with ``heading``."""
    text = README.split(heading, 1)[1]
    lines = text[text.index("\n|"):].strip().splitlines()
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip("|"))]
        if not set(cells[0]) <= set("-"):
            rows.append(cells)
    return rows[1:]  # without the header


def test_the_readme_lists_every_run_option_and_no_other():
    from search._options import cli_options
    from search.settings import SearchSettings

    documented = {flag for cells in _table_after("Options of `run`")
                  for flag in re.findall(r"`(--[a-z-]+)", cells[0])}
    assert documented == {flag for _, flag, _ in cli_options(SearchSettings)}


def test_the_readme_column_table_matches_the_store_schema():
    from evaluation.metrics import result_names
    from search._parameters import classifier_parameters
    from search.experiment.schema import CORE_COLUMNS, results_schema
    from search.settings import DEFAULT_METHODS
    from sedg.datasets import make_grades

    documented = {name for cells in _table_after("Every file of `results/` has the same columns")
                  for name in re.findall(r"`([^`]+)`", cells[0])}
    labels = make_grades(n_samples=200).labels
    schema = results_schema(DEFAULT_METHODS, result_names(labels), ("random_forest",)).names

    def described(column: str) -> bool:
        """A column the table names, or one of the patterns it names (<metric>, <label> ...)."""
        if column in documented:
            return True
        patterns = [re.sub(r"<[a-z]+>", "[A-Za-z0-9_.-]+", name) for name in documented if "<" in name]
        return any(re.fullmatch(pattern, column) for pattern in patterns)

    assert [c for c in CORE_COLUMNS if c not in documented] == []  # each named outright
    method_parameters = set(schema) - set(CORE_COLUMNS) - set(result_names(labels)) - set(
        classifier_parameters("random_forest"))
    # Method parameters are one row ("one column per parameter of every method"), examples given.
    assert {"k_neighbors", "n_synthetic"} <= method_parameters and "k_neighbors" in documented
    undescribed = [c for c in schema if c not in method_parameters and not described(c)]
    assert undescribed == []
    stale = [name for name in documented if "<" not in name and name not in schema
             and name not in ("ok", "error", "invalid", "stopped", "smote")]
    assert stale == []
