"""Where export and predict may write: never a file they did not write (without --overwrite),
never the experiment's own files, never half of their outputs; and a rebuild script holds names
and paths as literals, never as code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from search.cli import main
from tests.search.test_export import ROWS, _experiment


@pytest.fixture(scope="module")
def storage(tmp_path_factory, student_por_path):
    storage = tmp_path_factory.mktemp("targets")
    _experiment(storage, "fab", student_por_path)
    return storage


def _refused(capsys, arguments: list[str], message: str) -> None:
    capsys.readouterr()
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"sedg-search: error: {message}"), err


def _snapshot(*folders) -> dict:
    return {path: path.read_bytes() for folder in folders for path in sorted(folder.rglob("*"))
            if path.is_file()}


def test_export_never_replaces_a_file_it_did_not_write(storage, student_por_path, tmp_path, capsys):
    experiment = storage / "fab"
    data_copy = tmp_path / "data.csv"
    shutil.copy(student_por_path, data_copy)
    (tmp_path / "victim.joblib").write_text("someone's file")
    (tmp_path / "lonely.json").write_text("{}")
    (tmp_path / "folder.joblib").mkdir()
    (tmp_path / "script.py").write_text("print('mine')\n")
    before = _snapshot(experiment, tmp_path)
    export = ["export", "fab", "--storage-path", str(storage), "--trial", "t-smote"]
    cases = [
        (["--output", str(experiment / "search.joblib")],
         f"--output {experiment / 'search.joblib'} is inside experiment folder {experiment}, where "
         "only models/ takes outputs"),
        (["--output", str(experiment / "report" / "m.joblib")], "--output"),
        (["--output", str(data_copy)], "--output must end in .joblib"),
        (["--output", str(tmp_path / "victim.joblib")],
         f"--output {tmp_path / 'victim.joblib'} exists and was not written by this command"),
        (["--output", str(tmp_path / "lonely.joblib")],
         f"--output's description {tmp_path / 'lonely.json'} exists and was not written"),
        (["--output", str(tmp_path / "folder.joblib")], "--output is a folder, not a file"),
        (["--output", str(tmp_path / "m.joblib"), "--python", str(tmp_path)],
         "--python is a folder, not a file"),
        (["--output", str(tmp_path / "m.joblib"), "--python", str(tmp_path / "script.py")],
         f"--python {tmp_path / 'script.py'} exists and was not written by this command"),
        (["--output", str(tmp_path / "m.joblib"), "--python", str(experiment / "search.py")],
         "--python"),
    ]
    for arguments, message in cases:
        _refused(capsys, [*export, *arguments], message)
    assert _snapshot(experiment, tmp_path) == before  # nothing replaced, nothing added


def test_a_model_written_again_keeps_its_mode_and_overwrite_is_explicit(storage, tmp_path, capsys):
    model = tmp_path / "m.joblib"
    export = ["export", "fab", "--storage-path", str(storage), "--trial", "t-smote"]
    assert main([*export, "--output", str(model), "--python", str(tmp_path / "m.py")]) == 0
    model.chmod(0o600)
    assert main([*export, "--output", str(model), "--python", str(tmp_path / "m.py")]) == 0  # its own
    assert oct(model.stat().st_mode & 0o777) == "0o600"
    victim = tmp_path / "victim.joblib"
    victim.write_text("old")
    assert main([*export, "--output", str(victim), "--overwrite"]) == 0
    assert json.loads(victim.with_suffix(".json").read_text())["trial_id"] == "t-smote"


def test_a_failed_script_leaves_no_model_and_a_full_models_folder_is_one_line(storage, tmp_path, capsys):
    model = tmp_path / "m.joblib"
    # /proc takes no new files, for root too: the script fails after the model was fitted.
    _refused(capsys, ["export", "fab", "--storage-path", str(storage), "--trial", "t-smote",
                      "--output", str(model), "--python", "/proc/rebuild.py"],
             "cannot write --python")
    assert not model.exists() and not model.with_suffix(".json").exists()
    blocked = tmp_path / "blocked"
    shutil.copytree(storage / "fab", blocked / "fab")
    (blocked / "fab" / "models").write_text("a file where the folder goes")
    _refused(capsys, ["export", "fab", "--storage-path", str(blocked), "--trial", "t-smote"],
             f"the folder of --output is a file: {blocked / 'fab' / 'models'}")


def test_predict_writes_only_where_it_may(storage, student_por_path, tmp_path, capsys):
    model = tmp_path / "m.joblib"
    assert main(["export", "fab", "--storage-path", str(storage), "--trial", "t-smote",
                 "--output", str(model)]) == 0
    existing = tmp_path / "old.csv"
    existing.write_text("keep me\n")
    (tmp_path / "folder.csv").mkdir()
    predict = ["predict", str(model), "--data", str(student_por_path), "--output"]
    _refused(capsys, [*predict, "/proc/p.csv"], "cannot write --output")
    _refused(capsys, [*predict, str(tmp_path / "folder.csv")], "--output is a folder, not a file")
    _refused(capsys, [*predict, str(existing)],
             f"--output {existing} exists and was not written by this command")
    _refused(capsys, [*predict, str(student_por_path)], "--output")
    assert existing.read_text() == "keep me\n"
    assert main([*predict, str(existing), "--overwrite"]) == 0
    assert existing.read_text().startswith("prediction")


HOSTILE_NAME = 'x"""+str(__import__("os").system("touch PWNED"))+"""'


def test_a_hostile_experiment_name_is_refused_in_one_line(tmp_path, capsys):
    for name in (HOSTILE_NAME, "a#b", ".hidden", "two\nlines"):
        _refused(capsys, ["run", "--name", name, "--storage-path", str(tmp_path)],
                 f"experiment name {name!r} must be a plain folder name: a letter or digit, then")
    assert list(tmp_path.iterdir()) == []


def test_a_rebuild_script_from_a_hostile_path_runs_no_injected_code(student_por_path, tmp_path):
    folder = tmp_path / 'data \\N{x} \'"""+str(__import__("os").system("touch PWNED"))+"""'
    folder.mkdir()
    data = folder / "grades.csv"
    shutil.copy(student_por_path, data)
    storage = tmp_path / "store"
    _experiment(storage, "plain", data)
    script = tmp_path / "rebuild.py"
    assert main(["export", "plain", "--storage-path", str(storage), "--trial", "t-gmc",
                 "--output", str(tmp_path / "m.joblib"), "--python", str(script)]) == 0
    run = subprocess.run([sys.executable, str(script), str(data)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode == 0, run.stderr
    assert not any(tmp_path.rglob("PWNED"))
    namespace: dict = {}
    exec(compile(script.read_text().split("\n\ndef build", 1)[0], str(script), "exec"), namespace)
    assert namespace["DATA"] == str(data) and namespace["EXPERIMENT"] == "plain"


def test_a_tilde_in_a_path_option_is_the_home_folder(student_por_path, tmp_path, monkeypatch, capsys):
    from search.settings import SearchSettings

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    _experiment(home / "store", "fab", student_por_path)
    assert SearchSettings(storage_path="~/store").storage_path == str(home / "store")
    for storage in (["--storage-path", "~/store"], ["--storage-path=~/store"]):
        capsys.readouterr()
        assert main(["list", *storage]) == 0 and "fab" in capsys.readouterr().out
    assert main(["export", "fab", "--storage-path=~/store", "--trial", "t-gmc",
                 "--output", "~/m.joblib"]) == 0
    assert (home / "m.joblib").is_file() and not (tmp_path / "~").exists()


def test_commands_that_fit_refuse_a_data_file_that_changed(student_por_path, tmp_path, capsys):
    from search.experiment import Experiment
    from search.experiment.store import ResultsStore

    data = tmp_path / "grades.csv"
    shutil.copy(student_por_path, data)
    settings = _experiment(tmp_path, "fp", data)
    fingerprint = Experiment.open("fp", tmp_path).data().fingerprint
    store = ResultsStore(settings.experiment_dir)
    for rank, row in enumerate(ROWS):  # rows that saw the file as it was
        store.write({"status": "ok", "n_splits": 5, "delta_qwk": 0.05 - 0.01 * rank, **row,
                     "dataset_fingerprint": fingerprint})
    with open(data, "a") as handle:  # one more row
        handle.write(data.read_text().splitlines()[1] + "\n")
    before = _snapshot(settings.experiment_dir)
    message = "experiment 'fp' was searched on other rows"
    for command in (["export", "fp", "--trial", "t-gmc", "--output", str(tmp_path / "m.joblib")],
                    ["confirm", "fp", "--top", "1"], ["explain", "fp", "--trial-id", "t-sedg"],
                    ["report", "fp"]):
        _refused(capsys, [*command, "--storage-path", str(tmp_path)], message)
    assert _snapshot(settings.experiment_dir) == before and not (tmp_path / "m.joblib").exists()
