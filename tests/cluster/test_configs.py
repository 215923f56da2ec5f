"""The shipped cluster-launcher configs and the KubeRay manifest parse, have what they need,
run commands that exist, and carry no secrets."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from search.cli._main import _build_parser

CONFIGS = Path(__file__).resolve().parents[2] / "cluster" / "configs"


def _load(name: str) -> dict:
    return yaml.safe_load((CONFIGS / name).read_text())


def _search_commands(text: str) -> list[str]:
    return [match.strip() for match in re.findall(r"sedg-search run[^\n]*", text)]


@pytest.mark.parametrize("name", ["onprem.yaml", "aws.yaml"])
def test_launcher_configs(name):
    config = _load(name)
    for field in ("cluster_name", "provider", "auth", "setup_commands", "head_start_ray_commands",
                  "worker_start_ray_commands"):
        assert field in config, field
    head = " ".join(config["head_start_ray_commands"])
    assert "RAY_AUTH_MODE=token" in head and "--dashboard-host=127.0.0.1" in head
    assert all("RAY_AUTH_MODE=token" in c for c in config["worker_start_ray_commands"] if "start" in c)
    if config["provider"]["type"] == "aws":
        assert config["head_node_type"] in config["available_node_types"]


def test_kuberay_rayjob_manifest():
    job = _load("rayjob.yaml")
    assert job["apiVersion"] == "ray.io/v1" and job["kind"] == "RayJob"
    spec = job["spec"]
    assert spec["entrypoint"].startswith("sedg-search run ")
    head = spec["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item for item in head["env"]}
    assert env["RAY_AUTH_MODE"]["value"] == "token"
    assert "secretKeyRef" in env["RAY_AUTH_TOKEN"]["valueFrom"]  # a reference, never the value
    assert spec["rayClusterSpec"]["workerGroupSpecs"][0]["template"]["spec"]["containers"][0]["env"]


@pytest.mark.parametrize("name", ["onprem.yaml", "aws.yaml", "rayjob.yaml"])
def test_the_commands_they_run_exist(name):
    commands = _search_commands((CONFIGS / name).read_text())
    assert commands
    for command in commands:
        arguments = shlex.split(command)[1:]
        parsed = _build_parser(arguments).parse_args(arguments)  # exits on an unknown option
        assert parsed.command == "run"


@pytest.mark.parametrize("name", ["onprem.yaml", "aws.yaml", "rayjob.yaml"])
def test_no_secrets(name):
    text = (CONFIGS / name).read_text()
    assert not re.search(r"\b[0-9a-f]{32,}\b", text)  # no token-like strings
    for word in ("password:", "aws_secret_access_key", "BEGIN PRIVATE KEY"):
        assert word not in text


def test_a_submitted_search_gets_one_absolute_storage_path_in_either_spelling(tmp_path, monkeypatch):
    from search.cli._main import _absolute_storage
    from sedg import SedgInputError

    monkeypatch.chdir(tmp_path)
    assert _absolute_storage(["--methods", "sedg", "--storage-path=/x"]) == [
        "--methods", "sedg", "--storage-path", "/x"]
    assert _absolute_storage(["--storage-path", "rel", "--num-samples", "5"]) == [
        "--num-samples", "5", "--storage-path", str(tmp_path / "rel")]
    assert _absolute_storage([])[-1] == str(tmp_path / "sedg-results")
    assert _absolute_storage(["--storage-path=s3://bucket/searches"])[-1] == "s3://bucket/searches"
    with pytest.raises(SedgInputError, match="--storage-path is given more than once; give it once"):
        _absolute_storage(["--storage-path", "a", "--storage-path=b"])
