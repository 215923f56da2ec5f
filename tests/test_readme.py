"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    install_and_test = 'pip install torch==2.13.0 -e ".[test]" && pytest'
    assert install_and_test in readme and install_and_test in ci
    assert "pip install torch==2.13.0 -e . && sedg-search run" in readme
