"""report and explain on a small real experiment (student-por.csv); confirm in test_confirm.py."""

from __future__ import annotations

import pandas as pd
import pytest

from search.experiment.query import config_columns

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, student_por_path, ray_cluster):
    from tests.search.conftest import main_here

    storage = tmp_path_factory.mktemp("reports")
    main_here("run", "--data", str(student_por_path), "--target", "G3", "--methods",
                "none,smote,sedg,dgm", "--classifier", "blrr", "--num-samples", "8", "--num-cpus", "2",
                "--searcher", "random", "--storage-path", str(storage), "--name", "small",
                "--protocol", "holdout", "--confirm-top", "0")  # the papers' protocol: one split
    return storage


def _is_png(path):
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


def test_report_writes_figures_and_a_page_matching_the_store(cli, experiment):
    output = cli("report", "small", "--storage-path", str(experiment)).stdout
    report = experiment / "small" / "report"
    figures = sorted(report.glob("*.png"))
    assert {p.name for p in figures} >= {"improvement_delta_qwk.png", "class_auc.png", "progress.png",
                                         "improvement_delta_minority_auc.png"}
    assert all(_is_png(p) for p in figures)
    page = (report / "report.html").read_text()
    for figure in figures:
        assert f"src='{figure.name}'" in page and str(figure) in output
    rows = pd.read_parquet(experiment / "small" / "results")
    ok = rows[rows["status"] == "ok"].sort_values("delta_qwk", ascending=False, kind="stable")
    # A configuration proposed again is listed once, under any one of its trials.
    signature = ok[config_columns(ok)].apply(lambda row: "|".join(map(str, row)), axis=1)
    for key in signature.drop_duplicates().head(5):
        trials, value = ok.loc[signature == key, "trial_id"], ok.loc[signature == key, "delta_qwk"].iloc[0]
        assert any(trial in page for trial in trials) and f"{value:+.4f}" in page
    for _method, group in ok.groupby("method"):
        assert f"{group['delta_qwk'].max():+.4f}" in page


def test_report_by_another_dimension_and_aggregate(cli, experiment):
    cli("report", "small", "--storage-path", str(experiment), "--by", "classifier", "--agg", "median")
    bad = cli("report", "small", "--storage-path", str(experiment), "--agg", "mode", check=False)
    assert bad.returncode == 2 and "--agg must be one of mean, median, max" in bad.stderr


def test_explain_writes_a_heat_map_and_a_csv(cli, experiment):
    output = cli("explain", "small", "--storage-path", str(experiment)).stdout
    report = experiment / "small" / "report"
    assert _is_png(report / "explain.png") and str(report / "explain.csv") in output
    table = pd.read_csv(report / "explain.csv")
    assert {"class", "feature", "synthetic_rows", "modified_share", "top_values"} <= set(table.columns)
    assert table["modified_share"].between(0, 1).all() and table["modified_share"].max() > 0
    config = '{"method": "sedg", "classifier": "blrr", "feature_modification": "random", "n_features": 1}'
    cli("explain", "small", "--storage-path", str(experiment), "--config", config)
    single = pd.read_csv(report / "explain.csv")
    # one feature per synthetic row was changed, so the shares of a class sum to at most 1
    assert (single.groupby("class")["modified_share"].sum() <= 1.0 + 1e-9).all()
    for bad, message in (("[]", "--config must be a JSON object of the configuration's values"),
                         ('{"method": "sedg", "n_featurez": 1}',
                          "--config names 'n_featurez', which sedg does not take; it takes ")):
        process = cli("explain", "small", "--storage-path", str(experiment), "--config", bad, check=False)
        lines = process.stderr.strip().splitlines()
        assert process.returncode == 2 and lines == [lines[0]] and message in lines[0], lines


def test_reports_of_a_missing_experiment(cli, tmp_path):
    for command in ("report", "explain", "confirm"):
        process = cli(command, "nope", "--storage-path", str(tmp_path), check=False)
        assert process.returncode == 2 and "no experiment 'nope'" in process.stderr


def test_the_report_page_escapes_every_name_it_shows(tmp_path, student_por_path, capsys):
    from evaluation.metrics import result_names
    from search.cli import main
    from search.experiment.schema import evaluations_schema, results_schema
    from search.experiment.store import ResultsStore
    from search.settings import SearchSettings
    from sedg.datasets import load_table, read_frame

    hostile = "<img src=x onerror=alert(1)>"
    data = tmp_path / "grades.csv"
    read_frame(student_por_path).rename(columns={"G3": hostile}).to_csv(data, index=False)
    settings = SearchSettings(data=str(data), target=hostile, methods=("smote", "gmcsmote"),
                              classifiers=("blrr",), name="page", storage_path=str(tmp_path))
    labels = load_table(data, target=hostile).labels
    store = ResultsStore(settings.experiment_dir)
    store.initialise(results_schema(settings.methods, result_names(labels)),
                     evaluations_schema(result_names(labels)))
    (settings.experiment_dir / "search.json").write_text(settings.to_json())
    for index, method in enumerate(["smote", "gmcsmote", "smote"]):
        store.write({"trial_id": f"t{index}", "status": "ok", "method": method, "classifier": "blrr",
                     "n_splits": 5, "delta_qwk": 0.01 * index, "delta_qwk_se": 0.01,
                     "finished_at": f"2026-01-0{index + 1}"})
    assert main(["report", "page", "--storage-path", str(tmp_path)]) == 0
    page = (settings.experiment_dir / "report" / "report.html").read_text()
    assert hostile not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
