"""Choices and defaults that the command line needs before anything heavy is imported.

The CLI, the settings dataclass, queries and reports read them from here (one place each);
this module imports next to nothing, so ``sedg-search --help`` stays instant.
"""

from __future__ import annotations

import errno

__all__ = ["AGGREGATES", "DEFAULT_STORAGE_PATH", "DISK_ERRORS", "HEARTBEAT_S", "MODES",
           "OPTUNA_DB", "OUTPUT_FORMATS", "SETTINGS_FILE", "TUNER_FILE",
           "TUNE_DIR"]

#: Where experiments live unless told otherwise (search, reports and cluster submissions alike).
DEFAULT_STORAGE_PATH = "./sedg-results"
#: ``--optuna-storage`` given alone: the study in this SQLite file of the experiment's folder.
OPTUNA_DB = "optuna.db"
#: An experiment's saved settings, in its folder: what makes a folder an experiment.
SETTINGS_FILE = "search.json"
#: The folder of an experiment that holds Ray Tune's own state. Tune gets a folder of its own:
#: when it restores, it copies every JSON file at the top of its folder away and back again,
#: rewriting them in place (Ray 2.60, ``sync_down_experiment_state``), where readers of the
#: store's own files (``schema.json``, ``search.json``, ``driver.json``) would find them empty.
TUNE_DIR = "tune"
#: Ray Tune's own file in that folder, written once when a search starts: what makes the folder
#: one Tune can restore (``Tuner.can_restore``).
TUNER_FILE = "tuner.pkl"
#: Whether a metric is maximised or minimised.
MODES = ("max", "min")
#: How a report aggregates a group's trials: ``max`` is the papers' protocol (best trial).
AGGREGATES = ("mean", "median", "max")
#: What ``best`` and ``confirm`` print: a table for people, JSON or CSV for programs.
OUTPUT_FORMATS = ("table", "json", "csv")
#: A disk that cannot take the store's next file: the command stops with one line, keeping what
#: it wrote, and ``resume`` continues once there is room.
DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
#: When a search's log has been silent this long, a line says what runs: at most 30 s pass
#: without a line, as the driver's loop looks once a second (a run at 30.0 s measured 30.3 s).
HEARTBEAT_S = 29.0
