"""Ray's private internals that sedg-search uses (``cluster/ray_internals.py``): each still where
it was, doing what it did. A Ray release that moves one fails here, not in a user's search."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import ray._private.utils as ray_utils

from cluster.ray_internals import (
    PROBES,
    forget_optuna_trial,
    no_sigterm_handler,
    optuna_study,
    optuna_trial,
    raylet_pid,
    reread_configuration,
    tune_result_files,
)

REPO = Path(__file__).resolve().parents[2]


def test_ray_init_installs_its_sigterm_handler_where_it_is_switched_off():
    from ray._private import worker

    assert "set_sigterm_handler" in inspect.getsource(worker)  # ray.init still calls it
    installer = ray_utils.set_sigterm_handler
    with no_sigterm_handler():
        assert ray_utils.set_sigterm_handler is not installer
        assert ray_utils.set_sigterm_handler(lambda *_: None) is None
    assert ray_utils.set_sigterm_handler is installer


def test_the_configuration_ray_reads_at_import_can_be_read_again(monkeypatch):
    from ray._private import ray_constants

    monkeypatch.setattr(ray_constants, "ENABLE_RAY_CLUSTER", True)
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    reread_configuration()
    assert ray_constants.ENABLE_RAY_CLUSTER is False


def test_the_probed_grpc_methods_are_rays():
    from ray.core.generated import gcs_service_pb2_grpc, ray_client_pb2_grpc

    sources = {"gcs": inspect.getsource(gcs_service_pb2_grpc.NodeInfoGcsServiceStub),
               "client": inspect.getsource(ray_client_pb2_grpc.RayletDriverStub)}
    for kind, (method, _) in PROBES.items():
        assert method in sources[kind], method


def test_a_cluster_utils_node_names_its_raylet_process():
    from ray._private import ray_constants
    from ray._private.node import Node

    assert ray_constants.PROCESS_TYPE_RAYLET == "raylet"
    assert "all_processes" in inspect.getsource(Node)

    class FakeNode:
        all_processes = {"raylet": [type("Info", (), {"process": type("P", (), {"pid": 42})()})()]}

    assert raylet_pid(FakeNode()) == 42


def test_tune_stops_gracefully_on_sigusr1():
    import ray.tune.tune as tune_module

    source = inspect.getsource(tune_module._setup_signal_catching)
    assert "signal.SIGUSR1, signal_interrupt_tune_run" in source


def test_tune_result_files_are_read_line_by_line(tmp_path):
    trial = tmp_path / "trial_1"
    trial.mkdir()
    trial.joinpath("result.json").write_text(json.dumps({"trial_id": "a"}) + "\n{cut sho")
    assert tune_result_files(tmp_path) == [{"trial_id": "a"}]


def test_the_optuna_trial_of_a_tune_trial_is_found():
    import optuna
    from ray.tune.search.optuna import OptunaSearch

    searcher = OptunaSearch(space=lambda trial: {"x": trial.suggest_int("x", 1, 3)}, metric="y",
                            mode="max", sampler=optuna.samplers.RandomSampler(seed=0))
    config = searcher.suggest("tune-trial-1")
    trial = optuna_trial(searcher, "tune-trial-1")
    assert isinstance(trial, optuna.Trial) and trial.params == config
    study = optuna_study(searcher)
    assert isinstance(study, optuna.Study) and study.trials[0].number == trial.number
    assert forget_optuna_trial(searcher, "tune-trial-1") is trial
    searcher.suggest("tune-trial-1")  # asks the study for another
    assert optuna_trial(searcher, "tune-trial-1").number == trial.number + 1


def test_a_worker_node_is_made_from_the_parameters_cluster_utils_uses():
    """What :func:`start_worker_node` builds (the node itself starts in
    tests/cluster/test_no_shared_disk.py, which needs root for its mount namespaces)."""
    import inspect

    import ray._private.node
    import ray._private.parameter

    params = ray._private.parameter.RayParams(
        gcs_address="127.0.0.1:1", num_cpus=1, num_gpus=0, node_ip_address="127.0.0.1",
        object_store_memory=1, min_worker_port=0, max_worker_port=0, node_manager_port=0,
        dashboard_agent_listen_port=None)
    assert params.gcs_address == "127.0.0.1:1"
    accepted = inspect.signature(ray._private.node.Node).parameters
    assert {"ray_params", "head", "shutdown_at_exit", "spawn_reaper"} <= set(accepted)
    assert hasattr(ray._private.node.Node, "kill_all_processes")


def test_tune_counts_callbacks_by_importing_every_tracking_library_unless_switched_off():
    """What :func:`no_callback_usage_tag` works around still happens (Tune calls the counter, and
    counting imports Ray's MLflow integration), and inside it nothing is imported."""
    import ray.tune.tune as tune_module

    assert "air_usage.tag_callbacks(callbacks)" in inspect.getsource(tune_module.run)
    probe = (
        "import sys\nfrom ray import tune\nfrom ray.air._internal import usage\n"
        "from cluster.ray_internals import no_callback_usage_tag\n"
        "tagger = usage.tag_callbacks\n"
        "with no_callback_usage_tag():\n"
        "    assert usage.tag_callbacks([tune.Callback()]) is False\n"
        "assert usage.tag_callbacks is tagger\n"
        "assert 'ray.air.integrations.mlflow' not in sys.modules\n"
        "usage._count_callbacks([tune.Callback()])\n"
        "assert 'ray.air.integrations.mlflow' in sys.modules\n")
    process = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                             timeout=120)
    assert process.returncode == 0, process.stderr[-2000:]
