"""Bad input: one line on stderr, exit code 2, nothing written."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from search.cli import main
from search.settings import SearchSettings
from sedg import SedgInputError


@pytest.mark.parametrize(("args", "message"), [
    (["run", "--data", "missing.csv"], "data file not found"),
    (["run", "--methods", "smoot"], "unknown method 'smoot'"),
    (["run", "--classifier", "svm"], "unknown classifier 'svm'"),
    (["run", "--metric", "f1"], "unknown metric 'f1'"),
    (["run", "--metric", "delta_class_auc_99"], "metric 'delta_class_auc_99' does not exist"),
    (["run", "--num-samples", "0"], "--num-samples must be an integer >= 1"),
    (["run", "--protocol", "loo"], "unknown protocol 'loo'"),
    (["run", "--scheduler", "asha", "--protocol", "holdout"], "asha stops trials between splits"),
    (["run", "--repeats", "1"], "--repeats must be an integer >= 2, got 1"),
    (["run", "--confirm-top", "-1"], "--confirm-top must be an integer >= 0, got -1"),
    (["run", "--final-test", "0.6"], "--final-test must be between 0 and 0.5, got 0.6"),
    (["run", "--final-test", "0"], "--final-test must be between 0 and 0.5, got 0.0"),
    (["run", "--trials-per-method", "0"], "--trials-per-method must be an integer >= 1, got 0"),
    (["run", "--race-alpha", "0.7"], "--race-alpha must be at most 0.5, got 0.7"),
    (["run", "--mode", "up"], "--mode takes max or min"),
    (["run", "--plugin", "no_such_module"], "cannot import plugin 'no_such_module'"),
    (["run", "--num-samples", "many"], "argument --num-samples: invalid int value"),
    (["run", "--address", "127.0.0.1:1"], "no Ray cluster answers at 127.0.0.1:1"),
    (["run", "--methods", "smote,none,smote"], "--methods names smote more than once"),
    (["run", "--classifier", "blrr,blrr"], "--classifier names blrr more than once"),
    (["run", "--metric", "delta_qwk", "delta_qwk"], "--metric names delta_qwk more than once"),
    (["run", "--metric", "delta_qwk", "--metric=accuracy"], "--metric is given more than once; give it "
     "once (several metrics go after one flag: --metric delta_qwk delta_mcc)"),
    (["run", "--seed", "1", "--seed", "2"], "--seed is given more than once; give it once"),
    (["run", "--num-cpus", "0"], "--num-cpus must be an integer >= 1, got 0"),
    (["run", "--num-cpus", "-1"], "--num-cpus must be an integer >= 1, got -1"),
    (["run", "--methods", "smote,none", "--trials-per-method", "2", "--num-samples", "5"],
     "--num-samples 5 disagrees with --trials-per-method 2 x 2 methods = 4; give one of them"),
    (["run", "--label-order", "low,high"], "--label-order orders a data file's word labels"),
    (["resume", "nothing-here", "--num-cpus", "0"], "--num-cpus must be an integer >= 1, got 0"),
    (["run", "--name", "n" * 300], "experiment name is 300 bytes long; the file system allows at most"),
    (["best", "nothing-here"], "no experiment 'nothing-here'"),
    (["resume", "nothing-here"], "no experiment 'nothing-here'"),
    (["run", "--time-budget", "0"], "--time-budget must be a finite number > 0, got 0.0"),
    (["run", "--time-budget", "-5"], "--time-budget must be a finite number > 0, got -5.0"),
    (["run", "--time-budget", "nan"], "--time-budget must be a finite number > 0, got nan"),
    (["run", "--cpus-per-trial", "inf"], "--cpus-per-trial must be a finite number > 0, got inf"),
    (["run", "--race-alpha", "nan"], "--race-alpha must be a finite number > 0, got nan"),
    (["run", "--gpus-per-trial", "nan"], "--gpus-per-trial must be a finite number >= 0, got nan"),
    (["extend", "nothing-here", "--num-samples", "2"], "no experiment 'nothing-here'"),
    (["extend", "nothing-here"], "extend needs --num-samples N, --time-budget SECONDS, or both"),
    (["run", "--optuna-storage", "not a url"], "--optuna-storage 'not a url' is not a database URL"),
    (["run", "--optuna-storage", "sqlite://"], "an SQLite URL needs a file"),
    (["run", "--optuna-storage", "sqlite:////dev/null/optuna.db"],
     "--optuna-storage sqlite:////dev/null/optuna.db: cannot open it"),
    (["run", "--optuna-storage", "postgresql://user@127.0.0.1:9/db"],
     "--optuna-storage postgresql://user@127.0.0.1:9/db: cannot open it"),
    (["run", "--mlflow-tracking-uri", "nonsense"], "--mlflow-tracking-uri 'nonsense' is not a URI"),
    (["run", "--mlflow-tracking-uri", "nosuchscheme://x"], "--mlflow-tracking-uri nosuchscheme://x: "
     "unreachable or unusable"),
    (["run", "--mlflow-tracking-uri", "http://127.0.0.1:9"], "--mlflow-tracking-uri http://127.0.0.1:9: "
     "unreachable or unusable"),
    (["run", "--mlflow-tracking-uri", "sqlite:////dev/null/mlflow.db"],
     "--mlflow-tracking-uri sqlite:////dev/null/mlflow.db: unreachable or unusable"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, request, args, message):
    if "--address" in args:
        request.getfixturevalue("outside_ray")
    storage = tmp_path / "store"
    environment = dict(os.environ)
    code = main([*args, "--storage-path", str(storage)])
    captured = capsys.readouterr()
    assert code == 2
    import ray  # noqa: F401  (importing Ray sets RAY_CLIENT_MODE: Ray's doing, not the command's)

    environment.setdefault("RAY_CLIENT_MODE", "0")
    assert dict(os.environ) == environment  # what a command sets, it puts back
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], captured.err
    assert not storage.exists() or not any(storage.iterdir())


def test_unknown_column_in_data(tmp_path, capsys, student_por_path):
    code = main(["run", "--data", str(student_por_path), "--target", "grade",
                 "--storage-path", str(tmp_path / "store")])
    assert code == 2
    assert "target column 'grade' not in the data" in capsys.readouterr().err
    assert not (tmp_path / "store").exists()


def _binary(path):
    path.write_bytes(bytes(range(256)) * 8)


def _continuous_target(path):
    values = np.random.default_rng(0).normal(size=60)
    pd.DataFrame({"x": np.arange(60), "score": values}).to_csv(path, index=False)


def _missing_values(path):
    pd.DataFrame({"x": [1.5, None, 2.5, 3.5] * 5, "y": [0, 1] * 10}).to_csv(path, index=False)


def _word_labels(path):
    pd.DataFrame({"x": np.arange(40), "level": ["low", "mid", "high", "mid"] * 10}).to_csv(path, index=False)


def _infinite(path):
    pd.DataFrame({"x": [1.5, 2.5, np.inf, 3.5] * 5, "y": [0, 1] * 10}).to_csv(path, index=False)


def _duplicated_columns(path):
    path.write_text("age,score,age,y\n" + "".join(f"{i},{i % 3},{i},{i % 2}\n" for i in range(20)))


def _fractional_labels(path):
    pd.DataFrame({"x": np.arange(60.0), "grade": np.tile([1.5, 2.5, 3.0], 20)}).to_csv(path, index=False)


def _excel(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60))


@pytest.mark.parametrize(("write", "target", "message"), [
    (_excel, "G3", "is an Excel .xls workbook, not a CSV or Parquet file: save the sheet as CSV"),
    (_duplicated_columns, "y", "column 'age' appears more than once in the header; rename or drop"),
    (lambda path: path.mkdir(), "G3", "is a directory, not a data file"),
    (_word_labels, "level", "target column 'level' holds words (high, low, mid), which have no "
                            "order of their own: give it, lowest first, with --label-order"),
    (_infinite, "y", "column 'x' holds inf in row 3 (5 non-finite values); fix or drop them, or "
                     "pass --impute"),
    (_binary, "G3", "cannot parse CSV file"),
    (_continuous_target, "score",
     "target column 'score' looks continuous: 60 of its 60 values occur once; bin it into classes"),
    (_missing_values, "y", "column 'x' has 5 missing values (first in row 2); pass --impute"),
    (_fractional_labels, "grade", "target column 'grade' holds 1.5 in row 1: classes are whole numbers "
                                  "or words"),
])
def test_bad_data_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, write, target, message):
    path = tmp_path / "data.csv"
    write(path)
    storage = tmp_path / "store"
    code = main(["run", "--data", str(path), "--target", target, "--storage-path", str(storage)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and message in lines[0], lines
    assert not storage.exists()


@pytest.fixture(scope="module")
def foreign_servers():
    """Ports where something answers that is not Ray: an HTTP server, a bare gRPC server, and a
    socket that accepts and never replies."""
    import socket
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    import grpc

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the test reads this process's stderr
            pass

    http = HTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    rpc = grpc.server(ThreadPoolExecutor(max_workers=1))
    rpc_port = rpc.add_insecure_port("127.0.0.1:0")
    rpc.start()
    silent = socket.create_server(("127.0.0.1", 0))
    yield {"http": f"127.0.0.1:{http.server_port}", "grpc": f"127.0.0.1:{rpc_port}",
           "silent": f"127.0.0.1:{silent.getsockname()[1]}"}
    http.shutdown()
    rpc.stop(None)
    silent.close()


@pytest.fixture
def outside_ray():
    """This process joined to no Ray for the test: a command checks an address only where Ray does
    not run yet (``init_ray``), and an earlier test of this worker may have joined the shared one,
    which it joins again after."""
    import ray

    joined = ray.get_runtime_context().gcs_address if ray.is_initialized() else None
    ray.shutdown()
    yield
    if joined and not ray.is_initialized():
        ray.init(address=joined, logging_level="ERROR", log_to_driver=False)


@pytest.mark.parametrize(("server", "scheme", "message"), [
    ("http", "", "an HTTP server answers at {address}, not a Ray GCS (a dashboard?"),
    ("http", "http://", "{address} is a Ray dashboard (Jobs API) address; a driver joins"),
    ("grpc", "", "a gRPC server answers at {address} but it is not a Ray GCS (is ray://"),
    ("grpc", "ray://", "a gRPC server answers at {address} but it is not a Ray Client server"),
    ("http", "ftp://", "unknown scheme ftp:// in {address}"),
])
@pytest.mark.parametrize("through", ["--address", "RAY_ADDRESS"])
def test_an_address_that_is_not_a_ray_cluster_fails_fast(
        tmp_path, capsys, monkeypatch, foreign_servers, outside_ray, server, scheme, message, through):
    import time

    address = scheme + foreign_servers[server]
    args = ["run", "--storage-path", str(tmp_path / "store")]
    if through == "RAY_ADDRESS":
        monkeypatch.setenv("RAY_ADDRESS", address)
    else:
        args += ["--address", address]
    started = time.perf_counter()
    code = main(args)
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and message.format(address=address) in lines[0], lines
    assert time.perf_counter() - started < 15  # Ray's own retries take minutes
    assert not (tmp_path / "store").exists()


def test_a_port_that_accepts_and_never_replies_times_out(foreign_servers):
    from cluster import connect

    address = foreign_servers["silent"]
    with pytest.raises(SedgInputError, match=f"nothing answered at {address} within 1 s"):
        connect(address, timeout=1)


def test_an_address_other_than_the_cluster_this_process_joined_is_refused(tmp_path, capsys,
                                                                          ray_cluster):
    from cluster.connect import check_joined

    port = ray_cluster.rpartition(":")[2]
    for same in (ray_cluster, f"localhost:{port}", "auto"):
        check_joined(same)  # the cluster joined: nothing to say
    code = main(["run", "--address", "127.0.0.1:1", "--storage-path", str(tmp_path / "store")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and lines == [
        f"sedg-search: error: this process is joined to the Ray cluster at {ray_cluster} already, "
        "not 127.0.0.1:1: Ray joins one cluster per process; run the command in a new process, or "
        "call ray.shutdown() first"]
    assert not (tmp_path / "store").exists()


def test_gpu_share_without_gpus_is_refused(tmp_path, capsys, ray_cluster):
    code = main(["run", "--classifier", "nnmodel", "--gpus-per-trial", "0.5", "--num-cpus", "1",
                 "--storage-path", str(tmp_path / "store")])  # on the shared Ray instance: no GPU
    assert code == 2
    assert "--gpus-per-trial asks for GPUs but the Ray cluster declares none" in capsys.readouterr().err
    assert not (tmp_path / "store").exists()


def test_storage_path_is_a_folder_or_object_storage():
    from search.settings import SearchSettings
    from sedg import SedgInputError

    with pytest.raises(SedgInputError, match=r"^--storage-path http://host/x: http:// is not a store "
                                             "sedg-search reads; give a path, s3://bucket/prefix or "):
        SearchSettings(storage_path="http://host/x", name="x")
    with pytest.raises(SedgInputError, match=r"^--storage-path s3:///x: give s3://bucket or "):
        SearchSettings(storage_path="s3:///x", name="x")
    with pytest.raises(SedgInputError, match="cannot live on object storage"):
        SearchSettings(storage_path="s3://bucket/x", name="x", optuna_storage=True)
    settings = SearchSettings(storage_path="s3://bucket/results/", name="x")
    assert settings.storage_path == "s3://bucket/results"  # nothing is reached before a command


def test_run_options_come_from_the_settings_dataclass():
    from dataclasses import fields

    from search._options import cli_options
    from search.cli._main import _build_parser
    from search.settings import SearchSettings

    parser = _build_parser(["run"])
    names = {name for name, _, _ in cli_options(SearchSettings)}
    assert names == {item.name for item in fields(SearchSettings)}
    parsed = vars(parser.parse_args(["run"]))
    assert not names & set(parsed)  # no defaults in argparse: the dataclass's apply
    parsed = vars(parser.parse_args(["run", "--classifier", "blrr,svm_ovr", "--no-artifact-sharing",
                                     "--plugin", "a", "--plugin", "b", "--metric", "qwk", "accuracy"]))
    assert parsed["classifiers"] == ("blrr", "svm_ovr") and parsed["share_artifacts"] is False
    assert parsed["plugins"] == ["a", "b"] and parsed["metrics"] == ["qwk", "accuracy"]


def test_python_and_cli_get_the_same_message():
    with pytest.raises(SedgInputError, match="--concurrency must be an integer >= 1, got 0"):
        SearchSettings(concurrency=0)
    with pytest.raises(SedgInputError, match="unknown searcher 'grid'; choose tpe or random"):
        SearchSettings(searcher="grid")


def test_a_final_test_part_that_cannot_be_stratified_is_refused(tmp_path, capsys):
    import pandas as pd

    table = tmp_path / "small.csv"
    pd.DataFrame({"x": range(30), "target": [i % 6 for i in range(30)]}).to_csv(table, index=False)
    storage = tmp_path / "store"
    code = main(["run", "--data", str(table), "--final-test", "0.1", "--storage-path", str(storage)])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sedg-search: error: --final-test 0.1 cannot be stratified on this data")
    assert len(err.splitlines()) == 1 and not storage.exists()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
@pytest.mark.parametrize("command", [["best", "broken"], ["resume", "broken"], ["report", "broken"]])
def test_an_unreadable_search_json_is_an_error_not_defaults(tmp_path, capsys, content, command):
    experiment = tmp_path / "broken"
    experiment.mkdir()
    (experiment / "search.json").write_text(content)
    code = main([*command, "--storage-path", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert "search.json" in err[0] and ("is unreadable" in err[0] or "holds no settings" in err[0])
    assert sorted(p.name for p in experiment.iterdir()) == ["search.json"]  # nothing written


def test_list_names_an_unreadable_experiment_and_lists_the_others(tmp_path, capsys):
    from search.experiment.schema import results_schema
    from search.experiment.store import ResultsStore
    from search.settings import SearchSettings

    good = SearchSettings(methods=("none",), name="good", storage_path=str(tmp_path))
    ResultsStore(good.experiment_dir).initialise(results_schema(("none",), [], ()))
    (good.experiment_dir / "search.json").write_text(good.to_json())
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "search.json").write_text("{not json")
    code = main(["list", "--storage-path", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0 and "good" in out and "broken" not in out
    assert err.strip().splitlines() == [
        f"sedg-search: warning: {tmp_path / 'broken' / 'search.json'} is unreadable (JSONDecodeError): "
        "restore it or remove the experiment"]


def test_a_corrupt_cluster_record_is_an_error_not_a_tokenless_client(tmp_path):
    from cluster.state import ClusterState

    (tmp_path / "cluster.json").write_text('{"address": "127.0.0.1:1"}')  # fields missing
    with pytest.raises(SedgInputError, match="cluster.json is unreadable"):
        ClusterState.load(tmp_path)


def test_settings_are_written_whole_or_not_at_all(tmp_path):
    from sedg.files import atomic_write, atomic_write_text

    atomic_write_text(tmp_path / "search.json", '{"num_samples": 4}')
    assert SearchSettings.load(tmp_path).num_samples == 4
    assert [p.name for p in tmp_path.iterdir()] == ["search.json"]  # no temporary left behind

    def fails(staging):
        staging.write_text('{"num_samp')
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(tmp_path / "search.json", fails)
    assert SearchSettings.load(tmp_path).num_samples == 4  # the old file, whole
    assert [p.name for p in tmp_path.iterdir()] == ["search.json"]  # and no staging file


def _experiment(tmp_path):
    experiment = tmp_path / "busy"
    experiment.mkdir()
    (experiment / "search.json").write_text(SearchSettings(name="busy").to_json())
    return experiment


def _hold_lock(experiment):
    """A real second driver: a process that takes the experiment's lock and waits."""
    import subprocess
    import sys

    code = ("import sys, time\nfrom pathlib import Path\nfrom search.experiment import Experiment\n"
            "with Experiment(sys.argv[1]).lock():\n    print('held', flush=True)\n    time.sleep(120)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(experiment)], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_driver_on_a_running_experiment_is_refused_naming_the_holder(tmp_path, capsys):
    import socket

    experiment = _experiment(tmp_path)
    holder = _hold_lock(experiment)
    try:
        code = main(["resume", "busy", "--storage-path", str(tmp_path)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, err
        assert f"is being run by pid {holder.pid} on {socket.gethostname()} since " in err[0]
        assert holder.poll() is None and (experiment / "driver.json").exists()  # left alone
    finally:
        holder.kill()
        holder.wait()


def test_a_driver_killed_while_holding_the_lock_does_not_block_a_resume(tmp_path, capsys):
    experiment = _experiment(tmp_path)
    holder = _hold_lock(experiment)
    holder.kill()  # SIGKILL: none of its own clean-up runs
    holder.wait()
    assert (experiment / "driver.json").exists()  # its record is left behind
    code = main(["resume", "busy", "--storage-path", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "has no Ray Tune state to resume from" in err  # past the lock
    assert not (experiment / "driver.json").exists()  # taken, then released


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--top", "0", "--top must be an integer >= 1, got 0"),
    ("--repeats", "1", "--repeats must be an integer >= 2, got 1"),
])
def test_confirm_refuses_bad_counts_before_reading_anything(tmp_path, capsys, flag, value, message):
    assert main(["confirm", "anything", "--storage-path", str(tmp_path), flag, value]) == 2
    assert capsys.readouterr().err.strip() == f"sedg-search: error: {message}"
    assert list(tmp_path.iterdir()) == []


def test_a_metric_newer_than_the_store_is_one_line(tmp_path, capsys):
    import pandas as pd

    experiment = tmp_path / "old"
    (experiment / "results").mkdir(parents=True)
    (experiment / "search.json").write_text(SearchSettings(name="old").to_json())
    # A row as stores wrote them before balanced accuracy, macro-F1 and MCC were recorded.
    pd.DataFrame([{"trial_id": "t1", "status": "ok", "method": "smote", "classifier": "blrr",
                   "delta_qwk": 0.01}]).to_parquet(experiment / "results" / "t1.parquet")
    before = sorted(p.name for p in experiment.rglob("*"))
    assert main(["best", "old", "--storage-path", str(tmp_path), "--metric", "delta_mcc"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["sedg-search: error: experiment 'old' has no 'delta_mcc': its store predates that "
                   "metric, or the data has no such label; a new search records it"]
    assert sorted(p.name for p in experiment.rglob("*")) == before


def test_a_storage_path_that_is_a_file_is_one_line(tmp_path, capsys):
    a_file = tmp_path / "results.txt"
    a_file.write_text("not a folder")
    code = main(["run", "--storage-path", str(a_file / "deeper")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and lines == [
        f"sedg-search: error: --storage-path {a_file / 'deeper'}: {a_file} is a file, not a folder"]
    assert a_file.read_text() == "not a folder"


def test_a_name_too_long_leaves_no_folder_behind(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default storage path, ./sedg-results, must not appear
    assert main(["run", "--name", "n" * 300]) == 2
    assert "the file system allows at most 255" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_storage_path_that_is_not_writable_is_one_line(tmp_path, capsys, monkeypatch):
    import os

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if str(path) == str(tmp_path)
                        else real_access(path, mode))  # tests often run as root, who may write anywhere
    code = main(["run", "--storage-path", str(tmp_path / "store")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and lines == [
        f"sedg-search: error: --storage-path {tmp_path / 'store'}: {tmp_path} is not writable"]
    assert list(tmp_path.iterdir()) == []


def test_a_plugin_that_raises_at_import_is_one_line_naming_what_it_raised(tmp_path, capsys, monkeypatch):
    (tmp_path / "raising_plugin.py").write_text("raise ValueError('the plugin is misconfigured')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = main(["run", "--plugin", "raising_plugin", "--storage-path", str(tmp_path / "store")])
    assert code == 2 and capsys.readouterr().err.strip().splitlines() == [
        "sedg-search: error: plugin 'raising_plugin' failed while importing: ValueError: the plugin "
        "is misconfigured"]
    assert not (tmp_path / "store").exists()
