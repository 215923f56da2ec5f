"""Data handling: loading tables, the embedded default data set, encoding and decoding."""

from __future__ import annotations

from sedg.datasets._encoder import TableEncoder
from sedg.datasets._grades import GRADES_TARGET, make_grades
from sedg.datasets._impute import SplitImputation, impute_split
from sedg.datasets._loader import encode_frame, load_table, read_frame
from sedg.datasets.base import FEATURE_KINDS, TabularData, named_labels

__all__ = [
    "FEATURE_KINDS", "GRADES_TARGET", "SplitImputation", "TableEncoder", "TabularData", "encode_frame",
    "impute_split", "load_table", "make_grades", "named_labels", "read_frame",
]
