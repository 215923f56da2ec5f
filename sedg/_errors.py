"""The one exception type that bad input raises everywhere in sedg-search."""

from __future__ import annotations

__all__ = ["SedgInputError"]


class SedgInputError(ValueError):
    """Bad input from a user: a file, a column, a name or a parameter value.

    The message names the problem in one line. The command-line interface turns
    this exception into that line on stderr and exit code 2; every other
    exception is a bug.

    Examples
    --------
    >>> from sedg import SedgInputError
    >>> try:
    ...     raise SedgInputError("unknown classifier 'svm'")
    ... except SedgInputError as error:
    ...     print(error)
    unknown classifier 'svm'
    """
