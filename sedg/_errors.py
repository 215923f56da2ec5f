"""The one exception type that bad input raises everywhere in sedg-search, and the one warning
that data read as something it may not be gives."""

from __future__ import annotations

__all__ = ["SedgDataWarning", "SedgInputError"]


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


class SedgDataWarning(UserWarning):
    """A column read in a way the user may not have meant (an identifier taken as a category,
    numbers with decimal commas taken as words): the data loads, and the warning names the
    column and what to do. The command line shows it as one line."""
