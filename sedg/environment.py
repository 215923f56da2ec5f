"""Environment variables set for a block of code and put back after it: a library that sets one
for its own work (a timeout, a switch its dependency reads) leaves the process as it found it."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager

__all__ = ["environment_for"]


@contextmanager
def environment_for(values: Mapping[str, str], *, replace: Collection[str] = ()) -> Iterator[None]:
    """Each of ``values`` in ``os.environ`` for the block (one the user already set keeps its
    value, unless its name is in ``replace``), then every one of them as it was.

    Examples
    --------
    >>> import os
    >>> with environment_for({"SEDG_EXAMPLE": "1"}):
    ...     os.environ["SEDG_EXAMPLE"]
    '1'
    >>> "SEDG_EXAMPLE" in os.environ
    False
    """
    saved = {name: os.environ.get(name) for name in values}
    for name, value in values.items():
        if name in replace:
            os.environ[name] = value
        else:
            os.environ.setdefault(name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
