"""The command line's tables: rich tables on a terminal (long names fold, a configuration's
parameters in one column), plain ones in a pipe or a log (nothing cut), JSON and CSV for scripts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from search.experiment.display import cell_text, parameters_in_one_column

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["emit"]


def _print_table(frame: pd.DataFrame, title: str) -> None:
    """On a terminal, a table of the terminal's width (long cells fold); in a pipe or a log, a
    plain table whose lines are as long as its cells need: no column is ever cut."""
    import sys

    import pandas as pd

    frame = parameters_in_one_column(frame)
    if not sys.stdout.isatty():
        cells = pd.DataFrame({str(column): [cell_text(column, value) for value in frame[column]]
                              for column in frame.columns})
        print(title)
        print(cells.to_string(index=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in frame.columns:  # long names fold, never cut; parameters get room to read
        table.add_column(str(column), overflow="fold", min_width=48 if column == "parameters" else None)
    for row in frame.itertuples(index=False):
        table.add_row(*(cell_text(column, value) for column, value in zip(frame.columns, row)))
    Console().print(table)


def _terminal_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The top table on a terminal: the objective's columns; the other improvements are in
    ``--format json|csv``."""
    objective = frame.attrs.get("objective")
    if objective is None:
        return frame
    others = [c for c in frame.columns if c.startswith("delta_") and not c.startswith(objective)]
    return frame.drop(columns=others)


def emit(frame: pd.DataFrame, fmt: str, title: str) -> None:
    if fmt == "json":  # Python's own float text: a value read back is the value stored
        from search.experiment.rows import plain_row

        records = [plain_row(row) for row in frame.to_dict("records")]
        print(json.dumps(records, indent=1))
    elif fmt == "csv":
        print(frame.to_csv(index=False), end="")
    elif frame.empty:
        print(f"{title}: no finished trials yet")
    else:
        if frame.attrs.get("note"):
            print(frame.attrs["note"])
        _print_table(_terminal_columns(frame), title)
