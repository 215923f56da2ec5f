"""Shared fixtures: the real student data (skipped when absent) and small tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sedg.datasets import encode_frame, load_table, make_grades

STUDENT_POR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "student-por.csv"


@pytest.fixture(scope="session")
def student_por_path() -> Path:
    if not STUDENT_POR.is_file():
        pytest.skip(f"real data not found at {STUDENT_POR}")
    return STUDENT_POR


@pytest.fixture(scope="session")
def student_por(student_por_path):
    return load_table(student_por_path, target="G3")


@pytest.fixture(scope="session")
def grades():
    return make_grades(seed=0)


@pytest.fixture(scope="session")
def tiny_with_singleton():
    """60 rows, 4 classes, one of them a single row."""
    import pandas as pd

    rng = np.random.default_rng(7)
    y = np.repeat([1, 2, 3, 4], [20, 25, 14, 1])
    frame = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], y.size),
            "level": rng.integers(1, 5, y.size),
            "score": y * 2.0 + rng.normal(size=y.size),
            "grade": y,
        }
    )
    return encode_frame(frame, "grade", name="tiny")
