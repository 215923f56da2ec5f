"""``sedg-search confirm`` is the search's own confirmation on demand: same splits, same seeds,
same parameters, so it reproduces the automatic numbers exactly."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest

from evaluation import evaluate
from search._data import load_data
from search.recipe import CONFIRM, evaluation_config
from search.settings import SearchSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def searched(tmp_path_factory, ray_cluster):
    """A search with --tune-classifier (without it: tests/search/test_end_to_end.py)."""
    from tests.search.conftest import main_here

    storage = tmp_path_factory.mktemp("confirm")
    run = main_here("run", "--methods", "random_over,smote", "--classifier", "random_forest",
                "--num-samples", "3", "--num-cpus", "2", "--repeats", "2", "--confirm-top", "2",
                "--confirm-repeats", "3", "--grades-samples", "300", "--searcher", "random",
                "--storage-path", str(storage), "--name", "small", "--tune-classifier")
    automatic = pd.read_parquet(storage / "small" / "confirmed")
    # Nothing to look up: the on-demand confirmation recomputes every split.
    shutil.rmtree(storage / "small" / "artifacts")
    return storage, automatic, run.stdout


def test_the_automatic_confirmation_says_each_split_it_confirms(searched):
    _, automatic, log = searched
    lines = [line.split() for line in log.splitlines() if line.strip().startswith("confirmed trial")]
    assert sorted((words[2], words[4]) for words in lines) == sorted(
        (trial, f"{split}/3") for trial in automatic["trial_id"] for split in (1, 2, 3))


def test_confirm_top_1_reproduces_the_automatic_confirmation_exactly(cli, searched):
    storage, automatic, _ = searched
    output = cli("confirm", "small", "--storage-path", str(storage), "--top", "1", "--format", "json")
    again, = json.loads(output.stdout)
    before = automatic.set_index("trial_id").loc[again["trial_id"]]
    assert again["confirmed_n_splits"] == before["confirmed_n_splits"] == 3
    for name in ("confirmed_delta_qwk", "confirmed_delta_qwk_se", "confirmed_delta_qwk_low"):
        assert again[name] == before[name], name  # exactly: same splits, seeds and parameters
    # Every metric's confirmation, rewritten in the store by the on-demand run, is the same.
    rewritten = pd.read_parquet(storage / "small" / "confirmed").set_index("trial_id")
    after = rewritten.loc[again["trial_id"]]
    columns = [c for c in before.index if c.startswith("confirmed_delta_")]
    assert len(columns) > 20 and after[columns].equals(before[columns])
    # The tuned parameters matter: the default forest gives another number.
    rows = pd.read_parquet(storage / "small" / "results").set_index("trial_id")
    tuned_columns = [c for c in rows.columns if c.startswith("random_forest__")]
    assert tuned_columns
    settings = SearchSettings.load(storage / "small")
    row = rows.loc[again["trial_id"]].to_dict() | {"trial_id": again["trial_id"]}
    untuned = {k: v for k, v in row.items() if k not in tuned_columns}
    default = evaluate(load_data(settings.data_spec()), evaluation_config(untuned, settings, CONFIRM))
    assert default.deltas["delta_qwk"] != pytest.approx(again["confirmed_delta_qwk"], abs=1e-12)


def test_fewer_repeats_are_the_first_splits_of_the_same_stream(cli, searched):
    storage, _, _ = searched
    splits = pd.read_parquet(storage / "small" / "evaluations")  # before: the run's own splits
    output = cli("confirm", "small", "--storage-path", str(storage), "--top", "1", "--repeats", "2",
                 "--format", "csv")
    table = pd.read_csv(io.StringIO(output.stdout), dtype={"trial_id": str})
    assert len(table) == 1 and table.loc[0, "confirmed_n_splits"] == 2
    mine = splits[(splits["trial_id"] == table.loc[0, "trial_id"]) & (splits["phase"] == "confirm")]
    first_two = mine.sort_values("split")["delta_qwk"].iloc[:2]
    assert table.loc[0, "confirmed_delta_qwk"] == pytest.approx(first_two.mean(), abs=1e-12)
