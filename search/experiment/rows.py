"""A stored row in Python, and the rows a search writes: one home for each.

The store keeps integer columns as floats (so that a row without the value holds null) and
pandas reads a missing value as NaN; :func:`plain` turns such a value back into what was
written. A trial's row is built by the trial itself and travels in its reports as ``row_json``
(:func:`row_of` reads it); a trial that never reported gets :func:`partial_row`; every split a
trial or a confirmation evaluates is one :func:`split_row`.

Examples
--------
>>> import numpy as np
>>> plain_row({"k_neighbors": np.float64(5.0), "cap": float("nan"), "method": "smote"})
{'k_neighbors': 5.0, 'cap': None, 'method': 'smote'}
>>> whole(np.float64(5.0)), whole(2.5)
(5, 2.5)
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

__all__ = [
    "CONFIRMED_PREFIX", "FINAL_PREFIX", "ROW_KEY", "SPLIT_KEY", "jsonable", "partial_row", "plain",
    "plain_row", "row_of", "split_row", "whole",
]

#: The columns of a confirmation: ``confirmed_<improvement>`` on fresh splits, ``final_<improvement>``
#: on the final-test part.
CONFIRMED_PREFIX, FINAL_PREFIX = "confirmed_", "final_"
#: Where a trial's report carries its row so far, and the split it just evaluated.
ROW_KEY, SPLIT_KEY = "row_json", "split_json"


def plain(value):
    """A stored value as Python: a numpy scalar as its Python number, NaN (pandas' missing) as None."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def plain_row(row: dict) -> dict:
    """Every value of ``row`` :func:`plain`."""
    return {key: plain(value) for key, value in row.items()}


def whole(value):
    """:func:`plain`, and a float that is a whole number back to an int (an integer parameter)."""
    value = plain(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def jsonable(value):
    """JSON's fallback for what a row may hold besides its own types."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def split_row(trial_id: str, phase: str, split: int, seed: int, metrics: dict, baseline: dict,
              deltas: dict) -> dict:
    """One evaluation of a configuration on one split (a row of ``evaluations/``): its metrics,
    the baseline's (``baseline_<metric>``) and the improvements."""
    return {"trial_id": trial_id, "phase": phase, "split": split, "seed": seed, **metrics,
            **{f"baseline_{name}": value for name, value in baseline.items()}, **deltas}


def row_of(result: dict) -> dict | None:
    """The row a trial built so far, from one of its reports (None before its first report)."""
    return json.loads(result[ROW_KEY]) if ROW_KEY in result else None


def partial_row(trial_id: str, config: dict, result: dict, status: str, error: str | None) -> dict:
    """The row of a trial that never sent one: its configuration, the numbers of its last report."""
    row = dict(config)
    row.update({k: v for k, v in result.items() if isinstance(v, (int, float, str)) and k != ROW_KEY})
    row.update(trial_id=trial_id, status=status, error=error,
               finished_at=datetime.now(timezone.utc).isoformat())
    return row
