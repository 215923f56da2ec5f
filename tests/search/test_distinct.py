"""No configuration runs twice in an experiment: a repeat proposal is answered from what is known
and drawn again; a space with nothing left ends the search and says so."""

from __future__ import annotations

import pandas as pd
import pytest

from search.recipe import config_key
from search.settings import SearchSettings
from search.tune.searcher import TRIAL_ID_ATTRIBUTE, make_searcher


def _searcher(settings: SearchSettings, history: pd.DataFrame | None = None):
    searcher = make_searcher(settings, history=history)
    searcher.set_search_properties(settings.metrics[0], settings.modes[0], {})
    return searcher


def _draw(searcher, count: int) -> list:
    configs = []
    for index in range(count):
        config = searcher.suggest(f"t{index}")
        configs.append(config)
        if isinstance(config, dict):
            searcher.on_trial_complete(f"t{index}", {searcher.metric: 0.01 * index})
    return configs


def test_a_small_space_is_drawn_once_each_then_the_search_ends(capsys):
    settings = SearchSettings(name="small", methods=("none", "random_over"), classifiers=("blrr",),
                              searcher="random")
    searcher = _searcher(settings)
    configs = _draw(searcher, 12)
    drawn = [config for config in configs if isinstance(config, dict)]
    keys = [config_key(config, settings) for config in drawn]
    # none, and random_over making N_SYNTHETIC rows or balancing: three configurations in all.
    assert len(drawn) == 3 and len(set(keys)) == 3 and configs[3] == "FINISHED"
    assert ("draws in a row proposed configurations this experiment has evaluated: the space has "
            "few or none left (3 distinct ones)") in capsys.readouterr().out
    study = searcher._ot_study
    ran = [trial for trial in study.trials if TRIAL_ID_ATTRIBUTE in trial.user_attrs]
    repeats = [trial for trial in study.trials if "repeat_of" in trial.user_attrs]
    assert len(ran) == 3 and repeats and all(trial.state.is_finished() for trial in repeats)


@pytest.mark.parametrize("searcher", ["tpe", "random"])
def test_every_trial_of_a_larger_space_is_a_new_configuration(searcher):
    settings = SearchSettings(name="larger", methods=("none", "random_over", "smote", "gmcsmote"),
                              classifiers=("blrr",), searcher=searcher)
    drawn = _draw(_searcher(settings), 20)
    assert all(isinstance(config, dict) for config in drawn)
    assert len({config_key(config, settings) for config in drawn}) == 20


def test_an_extension_proposes_none_of_the_stored_configurations():
    settings = SearchSettings(name="grown", methods=("none", "random_over"), classifiers=("blrr",),
                              searcher="random")
    stored = pd.DataFrame([{"trial_id": "old1", "status": "ok", "method": "none", "classifier": "blrr",
                            "delta_qwk": 0.0},
                           {"trial_id": "old2", "status": "stopped", "method": "random_over",
                            "classifier": "blrr", "n_synthetic": 200.0, "delta_qwk": -0.1}])
    drawn = [config for config in _draw(_searcher(settings, stored), 6) if isinstance(config, dict)]
    assert [config_key(config, settings) for config in drawn] == [config_key(
        {"method": "random_over", "classifier": "blrr", "n_synthetic": None}, settings)]


def test_a_search_and_its_extension_on_an_exhausted_space_run_nothing_twice(cli, tmp_path):
    common = ("--storage-path", str(tmp_path))
    run = cli("run", "--methods", "none,random_over", "--classifier", "blrr", "--num-samples", "6",
              "--searcher", "random", "--confirm-top", "0", "--num-cpus", "2", "--name", "few", *common)
    assert "the space has few or none left (3 distinct ones)" in run.stdout
    rows = pd.read_parquet(tmp_path / "few" / "results")
    keys = {config_key(row) for row in rows.to_dict("records")}
    assert len(rows) == 3 and len(keys) == 3
    again = cli("extend", "few", "--num-samples", "2", *common)
    assert again.returncode == 0
    assert "the space has few or none left (3 distinct ones)" in again.stdout
    assert len(pd.read_parquet(tmp_path / "few" / "results")) == 3  # nothing re-run
