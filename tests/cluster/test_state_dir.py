"""``cluster up``'s state folder: a file there is one line, and a folder it did not create keeps
its mode (the token inside is 0600 on its own)."""

from __future__ import annotations

import os

from cluster.state import ClusterState
from search.cli import main


def _one_line(capsys, arguments: list[str]) -> str:
    capsys.readouterr()
    assert main(arguments) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_a_state_dir_that_is_a_file_is_one_line_and_left_alone(tmp_path, capsys):
    path = tmp_path / "not-a-folder"
    path.write_text("mine")
    assert _one_line(capsys, ["cluster", "up", "--state-dir", str(path)]) == (
        f"sedg-search: error: --state-dir is a file, not a folder: {path}")
    assert path.read_text() == "mine"


def test_a_refusal_keeps_the_mode_of_a_folder_it_did_not_create(tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    ClusterState(address="127.0.0.1:1", dashboard_url="", host="127.0.0.1",
                 token_path=str(shared / "token"), daemon_pid=os.getpid()).save(shared)  # alive
    assert _one_line(capsys, ["cluster", "up", "--state-dir", str(shared)]) == (
        "sedg-search: error: a cluster is already running at 127.0.0.1:1; 'cluster down' first")
    assert oct(shared.stat().st_mode & 0o7777) == "0o1777"
