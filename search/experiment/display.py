"""How a stored value reads in a table, for the command line and the report alike: an
improvement or metric signed to four decimals, a parameter as its value, a configuration's
parameters in one ``name=value`` column.

Examples
--------
>>> cell_text("delta_qwk", 0.0123), cell_text("n_synthetic", 200.0), cell_text("cap", None)
('+0.0123', '200', '')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.experiment.rows import CONFIRMED_PREFIX, FINAL_PREFIX

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cell_text", "is_signed", "parameters_in_one_column"]

#: Summary columns that hold an improvement (``best --by``, the report's tables).
_SIGNED_SUMMARIES = ("max", "min", "mean", "median", "best", "stopped_mean", "std", "se")


def is_signed(column: str) -> bool:
    """Whether ``column`` holds an improvement or a metric (shown signed), not a parameter or a
    measure of the rows made (``quality_*``: a distance, a share, an AUC of telling rows apart)."""
    if column.startswith("quality_"):
        return False
    return column in _SIGNED_SUMMARIES or "auc" in column or column.startswith(
        ("delta_", "accuracy", "qwk", CONFIRMED_PREFIX, FINAL_PREFIX, "optimism_gap_"))


def cell_text(column: str, value) -> str:
    """``value`` of ``column`` as a table shows it: empty when missing, an improvement signed to
    four decimals, a number otherwise in its shortest form (a whole one without decimals)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if column.startswith("quality_"):
            return f"{value:.4f}"
        return f"{value:+.4f}" if is_signed(column) else f"{value:g}"
    return str(value)


def parameters_in_one_column(frame: pd.DataFrame) -> pd.DataFrame:
    """A configuration's parameters as one ``name=value`` text (a SEDG row has twenty), put
    where the first of them was: a table stays readable; JSON and CSV keep one column each."""
    from search.experiment.query import config_columns

    parameters = [c for c in config_columns(frame) if c not in ("method", "classifier")]
    if not parameters:
        return frame
    text = frame[parameters].apply(
        lambda row: ", ".join(f"{name}={cell_text(name, value)}" for name, value in row.items()
                              if cell_text(name, value) != ""), axis=1)
    at = min(frame.columns.get_loc(c) for c in parameters)
    compact = frame.drop(columns=parameters)
    compact.insert(at, "parameters", text)
    return compact
