from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGINS = Path(__file__).resolve().parent
# The plugin modules here are importable by name, as a user's are (README: "on PYTHONPATH"): the
# CLI processes get them on PYTHONPATH, the shared Ray instance's workers too, and this process
# (queries in-process read settings that name them) on its path.
if str(PLUGINS) not in sys.path:
    sys.path.append(str(PLUGINS))


#: 7 of the embedded data's 30 features (numeric, ordinal, nominal ``higher`` and ``Mjob``): a
#: table for tests of the path a generator's rows take, since the generators train per column.
FEW_FEATURES = ["failures", "higher", "studytime", "Medu", "Mjob", "absences", "prior_score"]


def sedg_search(*args: str, timeout: int = 300, check: bool = True, ray_address: str | None = None
                ) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, with the tests folder importable for plugins; with
    ``ray_address`` it joins that Ray instance instead of starting its own."""
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{PLUGINS}")
    if ray_address is not None:
        env["RAY_ADDRESS"] = ray_address
    process = subprocess.run(
        [sys.executable, "-m", "search.cli", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO,
    )
    if check and process.returncode != 0:
        raise AssertionError(f"exit {process.returncode}\n{process.stdout}\n{process.stderr}")
    return process


def in_process(capsys, *args: str, check: bool = True) -> SimpleNamespace:
    """Run the CLI's ``main`` here (a query needs no process of its own): its exit code and what
    it printed, as :func:`sedg_search` gives them."""
    from search.cli import main

    capsys.readouterr()  # what the test printed before is not this command's
    code = main(list(args))
    out = capsys.readouterr()
    if check and code != 0:
        raise AssertionError(f"exit {code}\n{out.out}\n{out.err}")
    return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)


def main_here(*args: str, check: bool = True) -> SimpleNamespace:
    """Run the CLI's ``main`` here with what it prints captured, for a module-scoped fixture
    (which has no ``capsys``): as :func:`sedg_search` gives it, without an interpreter, imports
    and a Ray job of its own (on the shared Ray instance, this process's workers serve it)."""
    import contextlib
    import io

    from search.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    if check and code != 0:
        raise AssertionError(f"exit {code}\n{out.getvalue()}\n{err.getvalue()}")
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


@pytest.fixture
def cli(ray_cluster, capsys):
    """The command line, run in this process on the shared Ray instance: no Ray of its own to
    start and stop, no interpreter and imports to load (about 10 s of two cores a search here).
    What needs a process of its own (a signal, a killed driver, ``--profile``'s shutdown of Ray,
    a plugin that reads the environment on the workers) uses :func:`sedg_search`."""

    def command(*args: str, check: bool = True):
        return in_process(capsys, *args, check=check)

    return command


def read_json(text: str):
    return json.loads(text)
