"""The parameters a method's (or a classifier's) space can suggest, found by running the space.

The parameter columns of the results store come from here: each method's space
function is run on a recording trial, once per combination of categorical
choices (so nested conditional parameters are found too).
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa

from sedg.defaults import N_SYNTHETIC

__all__ = ["classifier_parameters", "explore", "method_parameters"]


class _RecordingTrial:
    """Stands in for an Optuna trial: records each suggestion, follows a path of choices.

    Categorical suggestions branch; numbers do not (branching on both ends of every
    number multiplies the paths by two per number): they all take their ``end``, and
    :func:`explore` sweeps the tree once with every low end and once with every high
    end, so branches conditioned on a number (``iterations > 1``) are found.
    """

    def __init__(self, path: list[int], end: str = "low") -> None:
        self.path, self.end, self.taken, self.branches, self.params = path, end, [], [], {}

    def _branch(self, choices):
        index = self.path[len(self.taken)] if len(self.taken) < len(self.path) else 0
        self.taken.append(index)
        self.branches.append(len(choices))
        return choices[index]

    def suggest_categorical(self, name: str, choices):
        self.params[name] = _categorical_type(choices)
        return self._branch(list(choices))

    def suggest_int(self, name: str, low: int, high: int, **_) -> int:
        self.params[name] = pa.float64()  # float so that rows without it hold null
        return low if self.end == "low" else high

    def suggest_float(self, name: str, low: float, high: float, **_) -> float:
        self.params[name] = pa.float64()
        return low if self.end == "low" else high


def _categorical_type(choices) -> pa.DataType:
    values = [choice for choice in choices if choice is not None]
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64()
    if values and all(isinstance(v, bool) for v in values):
        return pa.bool_()
    return pa.string()


def explore(space_function) -> dict[str, pa.DataType]:
    """Every parameter ``space_function(trial)`` can suggest, over its categorical branches.

    A path whose suggestions (names, in order) repeat an explored one is not expanded
    again: its alternatives were tried from that one. This keeps the walk near the sum,
    not the product, of the choices of independent dimensions.
    """
    found: dict[str, pa.DataType] = {}
    seen: set[tuple] = set()
    pending: list[tuple[list[int], str]] = [([], "low"), ([], "high")]
    while pending:
        path, end = pending.pop()
        trial = _RecordingTrial(path, end)
        constants = space_function(trial) or {}
        found.update(trial.params)
        found.update({name: _categorical_type([value]) for name, value in constants.items()})
        signature = (end, tuple(trial.params), tuple(trial.branches))
        if signature in seen and len(path) > 0:
            continue
        seen.add(signature)
        for position in range(len(path), len(trial.branches)):
            for choice in range(1, trial.branches[position]):
                pending.append((trial.taken[:position] + [choice], end))
    return found


@cache
def method_parameters(method: str) -> dict[str, pa.DataType]:
    """The parameters a method's space can suggest, with their column types."""
    from evaluation.methods import METHODS

    options = {"classifier": None, "n_synthetic": N_SYNTHETIC}
    return explore(lambda trial: METHODS[method].space(trial, options))


@cache
def classifier_parameters(classifier: str) -> dict[str, pa.DataType]:
    """A classifier's own tunable parameters, as ``<classifier>__<param>`` columns."""
    from evaluation.classifiers import CLASSIFIERS

    space = CLASSIFIERS[classifier].space
    return explore(lambda trial: space(trial, f"{classifier}__")) if space is not None else {}
