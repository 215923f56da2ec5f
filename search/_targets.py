"""Where ``export`` and ``predict`` may write: the rules both follow, checked before any work.

A target is refused in one line when it is a folder, when its folder is missing or cannot be
written, when it lies inside an experiment folder anywhere but that experiment's ``models/``
(the store, the settings and the reports are not outputs), or when it is an existing file the
command did not write itself (``overwrite`` replaces it). A file replaced keeps its mode
(:func:`sedg.files.atomic_write`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from search._defaults import DISK_ERRORS, SETTINGS_FILE
from sedg import SedgInputError

__all__ = ["MODELS_DIR", "check_target", "removed_on_failure", "write_errors_said"]

#: Where exported models go by default, in the experiment's folder: the one place in an
#: experiment folder that a command may be told to write to.
MODELS_DIR = "models"


def check_target(path: str | os.PathLike, option: str, *, suffixes: tuple[str, ...] = (),
                 ours: Callable[[Path], bool] = lambda path: False, overwrite: bool = False,
                 create_folder: bool = False) -> Path:
    """``path`` as a place ``option`` may write to, or :class:`~sedg.SedgInputError`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check_target(folder / "model.joblib", "--output", suffixes=(".joblib",)).name
    'model.joblib'
    >>> check_target(folder, "--output")
    Traceback (most recent call last):
    ...
    sedg._errors.SedgInputError: --output is a folder, not a file: ...
    """
    path = Path(os.path.expanduser(path))
    if path.is_dir():
        raise SedgInputError(f"{option} is a folder, not a file: {path}")
    if suffixes and path.suffix.lower() not in suffixes:
        raise SedgInputError(f"{option} must end in {' or '.join(suffixes)}, got {path}")
    folder = path.resolve().parent
    _check_not_in_an_experiment(path.resolve(), option)
    if folder.exists() and not folder.is_dir():
        raise SedgInputError(f"the folder of {option} is a file: {folder}")
    if not folder.is_dir():
        if not create_folder:
            raise SedgInputError(f"the folder of {option} does not exist: {path.parent}")
    elif not os.access(folder, os.W_OK):
        raise SedgInputError(f"the folder of {option} cannot be written: {folder}")
    if path.exists() and not overwrite and not ours(path):
        raise SedgInputError(f"{option} {path} exists and was not written by this command: choose "
                             "another path, or pass --overwrite to replace it")
    return path


def _check_not_in_an_experiment(path: Path, option: str) -> None:
    for folder in path.parents:
        if (folder / SETTINGS_FILE).is_file():  # an experiment folder
            if path.parent != folder / MODELS_DIR:
                raise SedgInputError(
                    f"{option} {path} is inside experiment folder {folder}, where only "
                    f"{MODELS_DIR}/ takes outputs")
            return


@contextmanager
def removed_on_failure(paths: Iterable[Path]) -> Iterator[None]:
    """Files of ``paths`` that do not exist yet are removed again if the block fails: a command
    that writes several files leaves all of them or none of the new ones."""
    new = [path for path in paths if not path.exists()]
    try:
        yield
    except BaseException:
        for path in new:
            path.unlink(missing_ok=True)
        raise


@contextmanager
def write_errors_said(option: str) -> Iterator[None]:
    """A write that fails for a reason other than a full disk (whose message the command line
    gives) becomes one line naming ``option``."""
    try:
        yield
    except OSError as error:
        if error.errno in DISK_ERRORS:
            raise
        raise SedgInputError(f"cannot write {option} {error.filename or ''}: "
                             f"{(error.strerror or str(error)).lower()}") from None
