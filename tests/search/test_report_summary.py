"""The report's numbers per group (search.report.group_summary) and its page's cells, on tiny
fixed rows: no search runs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from search.experiment.display import cell_text
from search.report.report import _table, group_summary

ROWS = pd.DataFrame({
    "trial_id": ["a", "b", "c", "d", "e"],
    "method": ["smote", "smote", "sedg", "sedg", "none"],
    "status": ["ok", "ok", "stopped", "stopped", "ok"],
    "delta_qwk": [0.02, 0.06, -0.01, 0.03, 0.0],
    "delta_qwk_se": [0.03, 0.04, 0.05, 0.05, 0.0],
})


def test_a_group_whose_every_trial_stopped_is_shown_with_its_partial_mean_and_marked():
    summary = group_summary(ROWS, "delta_qwk", "method", "mean").set_index("method")
    assert summary.loc["sedg", "mean"] == pytest.approx(0.01) and summary.loc["sedg", "partial"]
    assert not summary.loc["smote", "partial"] and summary.loc["smote", "count"] == 2
    assert list(summary.index) == ["smote", "sedg", "none"]  # best first


def test_a_stopped_trial_beside_a_finished_one_is_left_out_of_its_group():
    rows = pd.concat([ROWS, pd.DataFrame({"trial_id": ["f"], "method": ["smote"], "status": ["stopped"],
                                          "delta_qwk": [0.9], "delta_qwk_se": [0.1]})])
    summary = group_summary(rows, "delta_qwk", "method", "max").set_index("method")
    assert summary.loc["smote", "max"] == 0.06 and summary.loc["smote", "count"] == 2


def test_error_bars_are_standard_errors_one_trial_included():
    mean = group_summary(ROWS, "delta_qwk", "method", "mean").set_index("method")
    assert mean.loc["smote", "se"] == pytest.approx(math.sqrt((0.03 ** 2 + 0.04 ** 2) / 2))
    best = group_summary(ROWS, "delta_qwk", "method", "max").set_index("method")
    assert best.loc["smote", "se"] == 0.04  # the best trial's own
    alone = group_summary(ROWS.iloc[:1], "delta_qwk", "method", "mean")
    assert alone.loc[0, "se"] == 0.03 and math.isnan(alone.loc[0, "std"])  # not zero width


def test_the_page_prints_parameters_as_values_and_improvements_signed():
    top = pd.DataFrame({"trial_id": ["a"], "method": ["smote"], "classifier": ["blrr"],
                        "k_neighbors": [5.0], "n_synthetic": [200.0], "delta_qwk": [0.0123]})
    page = _table(top)
    assert "n_synthetic=200, k_neighbors=5" in page and "+0.0123" in page and "+200" not in page
    assert cell_text("count", 3) == "3" and cell_text("ratio", 0.25) == "0.25"


def test_measures_of_the_made_rows_print_unsigned_to_four_decimals():
    assert cell_text("quality_detection_auc", 0.68716) == "0.6872"  # an AUC, but not a gain
    assert cell_text("quality_dcr_close_share", 1.0) == "1.0000"
    assert cell_text("delta_macro_auc", 0.01) == "+0.0100"
