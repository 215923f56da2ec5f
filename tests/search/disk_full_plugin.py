"""A test plugin: the disk fills once the results store has written ``SEDG_TEST_ROOM`` rows in
this process (the driver writes them). Without the variable (pytest collecting this module as a
doctest) it changes nothing."""

from __future__ import annotations

import errno
import os

import search.experiment.store as store

_write_row = store._write_row
_written = {"rows": 0}


def _write_until_full(row, schema, folder, name):
    if folder.name == "results":
        if _written["rows"] >= int(os.environ["SEDG_TEST_ROOM"]):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / f"{name}.parquet"))
        _written["rows"] += 1
    return _write_row(row, schema, folder, name)


if "SEDG_TEST_ROOM" in os.environ:
    store._write_row = _write_until_full
