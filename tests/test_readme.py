"""The README's set-up commands are the ones CI runs, and its main command works as written."""

from __future__ import annotations

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
    assert {"sedg", "dgm", "gmcsmote"} <= set(rows["method"])
    confirmed = pd.read_parquet(experiment / "confirmed")
    # The top 3 by the search, a configuration proposed twice confirmed once.
    assert 1 <= len(confirmed) <= 3 and confirmed["confirmed_delta_qwk"].notna().all()
    assert "top configurations" in process.stdout
