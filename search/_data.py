"""The rows of a search: its table loaded once per process, less the final-test part if any."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from evaluation.splits import final_test_split
from search.object_store import fetched, is_uri
from sedg import SedgInputError
from sedg.datasets import TabularData

__all__ = ["DataSpec", "load_data", "load_table_of", "reload_data", "split_final_test"]


@dataclass(frozen=True)
class DataSpec:
    """Everything that decides a search's rows (hashable: loads are cached per spec).

    ``path=None`` is the embedded synthetic grades table of ``grades_samples`` rows.

    Examples
    --------
    >>> load_data(DataSpec(grades_samples=120)).X.shape[0]
    120
    """

    path: str | None = None
    target: str | None = None
    grades_samples: int = 649
    impute: bool = False
    final_test: float | None = None
    seed: int = 0
    label_order: tuple[str, ...] | None = None


@cache
def load_table_of(spec: DataSpec) -> TabularData:
    """The whole table of a search, loaded once per process."""
    from sedg.datasets import load_table, make_grades  # here: the commands that only read need neither

    if spec.path is None:
        if spec.label_order is not None:
            raise SedgInputError("--label-order orders a data file's word labels; the embedded "
                                 "grades are numbers")
        return make_grades(n_samples=spec.grades_samples, seed=0)
    path = fetched(spec.path) if is_uri(spec.path) else spec.path
    return load_table(path, target=spec.target, impute=spec.impute, label_order=spec.label_order)


@cache
def load_data(spec: DataSpec) -> TabularData:
    """The rows a search's splits are drawn from: the table less its final-test part, if any."""
    return split_final_test(spec)[0]


@cache
def split_final_test(spec: DataSpec) -> tuple[TabularData, TabularData | None]:
    """``(search part, final-test part)``: a stratified share ``final_test`` of the rows kept apart
    (:func:`evaluation.splits.final_test_split`).

    1-member classes stay in the search part; a class left without a member
    in the search part is an error (the search could never learn it).
    """
    data = load_table_of(spec)
    if not spec.final_test:
        return data, None
    try:
        search_rows, final_rows = final_test_split(data.y, spec.final_test, spec.seed)
    except ValueError as error:  # too few rows for a stratified part
        raise SedgInputError(
            f"--final-test {spec.final_test} cannot be stratified on this data: {error}") from None
    missing = data.name_labels(sorted(set(data.y.tolist()) - set(data.y[search_rows].tolist()))).tolist()
    if missing:
        raise SedgInputError(
            f"--final-test {spec.final_test} leaves class(es) {missing} with no member in the search "
            "part; use a smaller --final-test")

    def part(rows, suffix):
        return replace(data, X=data.X[rows], y=data.y[rows], name=f"{data.name}[{suffix}]")

    return part(search_rows, "search"), part(final_rows, "final-test")


def reload_data(spec: DataSpec) -> TabularData:
    """:func:`load_data` read from the file again, not from this process's cache: a search that
    goes on (``resume``, ``extend``) must see the file as it is now."""
    for cached in (load_table_of, split_final_test, load_data):
        cached.cache_clear()
    return load_data(spec)
