"""method=sedg: every choice is a dimension, impossible combinations are never offered."""

from __future__ import annotations

import optuna
import pytest

from evaluation.methods import METHODS
from search._parameters import explore
from search.recipe import resampler_params
from search.space import define_space


def _dimensions(classifier: str) -> set[str]:
    return set(explore(lambda trial: METHODS["sedg"].space(trial, {"classifier": classifier})))


def test_mdi_only_for_tree_based_and_warm_start_only_for_nnmodel():
    assert "feature_importance" in _dimensions("random_forest")
    for classifier in ("svm_ovr", "svm_ovo", "blrr", "nnmodel"):
        assert "feature_importance" not in _dimensions(classifier)
        assert "feature_importance_model_agnostic" in _dimensions(classifier)
    assert "usage_start" in _dimensions("nnmodel")
    for classifier in ("xgboost", "random_forest", "svm_ovr"):
        assert "usage_start" not in _dimensions(classifier)


def test_every_choice_of_the_paper_is_a_dimension():
    expected = {
        "sample_selection", "member_probability", "member_replacement", "samples_per_draw",
        "feature_selection", "feature_importance", "n_features", "feature_modification", "embedding",
        "embedding_pca", "pca_components", "latent_dim", "carry_replacements", "usage_start",
        "iterations", "iteration_mode", "replace_fraction", "n_synthetic",
        # The knobs that shape results (issues 12 and 15): each a dimension too.
        "diagnostics", "samples_per_draw_max", "n_features_max", "embedding_layer",
        "feature_comparison", "kl_weight", "grid_steps", "max_candidates",
    }
    assert expected <= set(explore(lambda trial: METHODS["sedg"].space(trial, {"classifier": None})))


def test_random_trials_never_propose_an_impossible_configuration():
    space = define_space(["sedg"], ["svm_ovr", "xgboost", "nnmodel", "random_forest"], n_synthetic=200)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(300):
        trial = study.ask()
        config = {**space(trial), **trial.params}
        params = resampler_params(config, "sedg")
        classifier = config["classifier"]
        if params.get("feature_importance") == "mdi":
            assert classifier in ("random_forest", "xgboost")
        if params.get("usage_start") == "warm":
            assert classifier == "nnmodel"
        assert params["n_synthetic"] == 200
        study.tell(trial, 0.0)


def test_a_row_turns_back_into_a_sampler():
    from evaluation.methods import make_resampler

    config = {"method": "sedg", "classifier": "blrr", "sample_selection": "ppss",
              "feature_selection": "importance", "feature_importance_model_agnostic": "permutation",
              "feature_modification": "embedding_cosine", "embedding": "vae", "n_synthetic": 200,
              "n_features": 2, "iterations": 1}
    sampler = make_resampler("sedg", params=resampler_params(config, "sedg"))
    assert sampler.feature_importance == "permutation" and sampler.embedding == "vae"


@pytest.mark.slow
def test_sedg_search_with_nnmodel_on_student_por(cli, tmp_path, student_por_path):
    import json

    import pandas as pd

    from sedg import artifact_counts

    # Seed 2's four configurations take both NNModel embedding layers, PeSS and PPSS with both
    # diagnostics, warm and cold starts and 1-3 iterations in about 30 s; seed 0's drew
    # drop-column importance, one NNModel refit per feature of 32, three times over (90 s).
    cli("run", "--data", str(student_por_path), "--target", "G3", "--methods", "sedg",
        "--classifier", "nnmodel", "--num-samples", "4", "--num-cpus", "2", "--seed", "2",
        "--storage-path", str(tmp_path), "--name", "sedg", "--protocol", "holdout", "--confirm-top", "0")
    rows = pd.read_parquet(tmp_path / "sedg" / "results")
    assert len(rows) == 4
    assert (rows["status"] == "ok").mean() >= 0.8, rows[["status", "error"]]
    for column in ("sample_selection", "feature_selection", "feature_modification", "embedding",
                   "usage_start", "iterations", "carry_replacements", "n_synthetic", "kl_weight",
                   "embedding_layer", "feature_comparison", "diagnostics", "samples_per_draw_max"):
        assert column in rows.columns
    for column in ("n_features_max", "grid_steps", "max_candidates", "n_synthetic"):
        assert rows[column].notna().all()
    conditional = {"kl_weight": rows["embedding"] == "vae",
                   "diagnostics": rows["sample_selection"].isin(["pess", "ppss"]),
                   "samples_per_draw_max": rows["sample_selection"].isin(["pass", "ppss"]),
                   "embedding_layer": rows["embedding"] == "nnmodel"}
    for column, applies in conditional.items():
        assert rows.loc[applies & (rows["status"] == "ok"), column].notna().all(), column
    log = [json.loads(line) for line in (tmp_path / "sedg" / "artifacts" / "log.jsonl").open()]
    computed = [(entry["kind"], entry["key"]) for entry in log if entry["event"] == "computed"]
    assert len(computed) == len(set(computed))  # every embedding, importance, baseline: once per key
    assert artifact_counts(tmp_path / "sedg" / "artifacts")["baseline"]["computed"] == 1
    reused = [json.loads(value) for value in rows["artifacts_reused"]]
    assert sum("baseline" in kinds for kinds in reused) == 3
