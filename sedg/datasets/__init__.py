"""Data handling: loading tables, the embedded default data set, encoding and decoding.

Names are imported on first use: what reads an experiment's table needs neither scikit-learn
(the encoder) nor scipy (the embedded data's generator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from sedg.datasets._encoder import TableEncoder
    from sedg.datasets._grades import GRADES_TARGET, make_grades
    from sedg.datasets._impute import SplitImputation, impute_split
    from sedg.datasets._loader import encode_frame, load_table, read_frame
    from sedg.datasets.base import FEATURE_KINDS, TabularData, named_labels

__all__ = [
    "FEATURE_KINDS", "GRADES_TARGET", "SplitImputation", "TableEncoder", "TabularData", "encode_frame",
    "impute_split", "load_table", "make_grades", "named_labels", "read_frame",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "FEATURE_KINDS": "sedg.datasets.base",
    "GRADES_TARGET": "sedg.datasets._grades",
    "SplitImputation": "sedg.datasets._impute",
    "TableEncoder": "sedg.datasets._encoder",
    "TabularData": "sedg.datasets.base",
    "encode_frame": "sedg.datasets._loader",
    "impute_split": "sedg.datasets._impute",
    "load_table": "sedg.datasets._loader",
    "make_grades": "sedg.datasets._grades",
    "named_labels": "sedg.datasets.base",
    "read_frame": "sedg.datasets._loader",
})
