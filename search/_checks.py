"""Whole numbers and real numbers a command takes, declared once (as scikit-learn's
``_parameter_constraints`` declare an estimator's) and checked by one rule each.

A whole number is an ``int`` that is not a ``bool``; a number is a finite ``int`` or ``float``
that is not a ``bool`` (NaN and infinity are refused: a budget of NaN seconds never ends). The
error names the option as the command line spells it, so one message fits Python and the CLI.

Examples
--------
>>> check_values({"top": Whole(1)}, top=3)
>>> check_values({"top": Whole(1)}, top=True)
Traceback (most recent call last):
...
sedg._errors.SedgInputError: --top must be an integer >= 1, got True
>>> check_values({"time_budget_s": Number(positive=True)}, time_budget_s=float("nan"),
...              flags={"time_budget_s": "--time-budget"})
Traceback (most recent call last):
...
sedg._errors.SedgInputError: --time-budget must be a finite number > 0, got nan
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sedg import SedgInputError

__all__ = ["Number", "Whole", "check_values", "flag_for"]


@dataclass(frozen=True)
class Whole:
    """An integer of at least ``minimum``; ``None`` allowed when ``optional``."""

    minimum: int
    optional: bool = False

    def holds(self, value) -> bool:
        if value is None:
            return self.optional
        return isinstance(value, int) and not isinstance(value, bool) and value >= self.minimum

    def wanted(self) -> str:
        return f"an integer >= {self.minimum}"


@dataclass(frozen=True)
class Number:
    """A finite real number, ``> 0`` when ``positive`` else ``>= 0``."""

    positive: bool = False
    optional: bool = False

    def holds(self, value) -> bool:
        if value is None:
            return self.optional
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return False
        return value > 0 if self.positive else value >= 0

    def wanted(self) -> str:
        return "a finite number > 0" if self.positive else "a finite number >= 0"


def flag_for(name: str) -> str:
    """The option's spelling on the command line: ``--`` and the name with dashes."""
    return "--" + name.replace("_", "-")


def check_values(constraints: dict, flags: dict[str, str] | None = None, **values) -> None:
    """Check each of ``values`` against its constraint; the first that fails is one error naming
    its flag (``flags`` where it is not the name with dashes)."""
    for name, constraint in constraints.items():
        value = values.get(name)
        if not constraint.holds(value):
            flag = (flags or {}).get(name) or flag_for(name)
            raise SedgInputError(f"{flag} must be {constraint.wanted()}, got {value!r}")
