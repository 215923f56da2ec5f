"""An Optuna study's database (``--optuna-storage``), opened and checked without Ray Tune: the
check runs before Ray starts, while Ray Tune loads in the background (``search.tune._ray``)."""

from __future__ import annotations

from search._defaults import OPTUNA_DB
from search.settings import SearchSettings
from sedg import SedgInputError

__all__ = ["check_optuna_storage", "open_storage", "study_exists"]


def open_storage(url: str):
    """The ``optuna.storages.RDBStorage`` at ``url``; any failure to open it is one line naming
    the URL."""
    import optuna

    options = {}
    if url.startswith(("postgresql", "mysql")):  # an unreachable server fails in seconds
        options = {"connect_args": {"connect_timeout": 5}}
    try:
        return optuna.storages.RDBStorage(url, engine_kwargs=options)
    except Exception as error:  # sqlalchemy, a missing driver, a bad path: all the user's to fix
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise SedgInputError(f"--optuna-storage {url}: cannot open it ({first})") from None


def study_exists(storage, name: str) -> bool:
    """Whether ``storage`` holds a study named ``name``."""
    return any(study.study_name == name for study in storage.get_all_studies())


def check_optuna_storage(settings: SearchSettings, *, new: bool) -> None:
    """Before Ray starts: the storage opens, and a new search's study name is not taken (two
    searches must not write into one study)."""
    url = settings.optuna_storage_url
    if url is None or (new and settings.optuna_storage == OPTUNA_DB):  # made with the experiment
        return
    storage = open_storage(url)
    if new and study_exists(storage, settings.name):
        raise SedgInputError(f"--optuna-storage {url} already holds a study named {settings.name!r}: "
                             "choose another --name, or extend that experiment")
