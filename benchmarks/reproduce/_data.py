"""The data sets of the reproduction, loaded once per process."""

from __future__ import annotations

from functools import cache

from sedg.datasets import TabularData, load_table, make_grades

__all__ = ["load"]


@cache
def load(spec: tuple[str, str | None]) -> TabularData:
    """``("student-por", path)``: the SEDG paper's data (target G3); ``("grades", None)``: embedded."""
    name, path = spec
    if path is None:
        return make_grades(seed=0)
    return load_table(path, target="G3")
