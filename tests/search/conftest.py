from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def sedg_search(*args: str, timeout: int = 300, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, with the tests folder importable for plugins."""
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{REPO / 'tests' / 'search'}")
    process = subprocess.run(
        [sys.executable, "-m", "search.cli", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO,
    )
    if check and process.returncode != 0:
        raise AssertionError(f"exit {process.returncode}\n{process.stdout}\n{process.stderr}")
    return process


@pytest.fixture
def cli():
    return sedg_search


def read_json(text: str):
    return json.loads(text)
