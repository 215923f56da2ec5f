"""An experiment store on S3: a real S3-compatible server (moto's standalone server) on loopback.

One server for the module. Each "machine" is a working copy of its own (``SEDG_CACHE_DIR``):
the driver that is killed, the one that resumes, and every reader start from nothing but the
bucket.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.search.conftest import REPO

pytestmark = pytest.mark.slow

BUCKET, STORE = "sedg-store", "s3://sedg-store/searches"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3(student_por_path):
    """``{variable: value}`` that point a client at the server, whose bucket holds the data."""
    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1",
                               "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("moto's server did not start") from None
            time.sleep(0.2)
    env = {**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
    client = _client(env)
    client.create_bucket(Bucket=BUCKET)
    client.upload_file(str(student_por_path), BUCKET, "data/por.csv")
    yield env
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def _client(env: dict):
    import boto3

    return boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def _keys(env: dict, prefix: str) -> list[str]:
    pages = _client(env).get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    # Not the empty markers pyarrow leaves for a folder whose last file it removed.
    return sorted(item["Key"] for page in pages for item in page.get("Contents", [])
                  if not item["Key"].endswith("/"))


def _rows(env: dict, name: str, folder: str = "results") -> pd.DataFrame:
    import io

    client = _client(env)
    frames = [pd.read_parquet(io.BytesIO(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()))
              for key in _keys(env, f"searches/{name}/{folder}/")]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _machine(monkeypatch, s3: dict, folder: Path) -> None:
    """This process as a machine whose working copy starts in ``folder``."""
    for variable, value in {**s3, "SEDG_CACHE_DIR": str(folder)}.items():
        monkeypatch.setenv(variable, value)


def test_a_search_on_s3_survives_a_killed_driver_and_every_command_reads_it(s3, cli, monkeypatch,
                                                                          tmp_path):
    env = {**os.environ, **s3, "PYTHONPATH": str(REPO), "SEDG_CACHE_DIR": str(tmp_path / "killed")}
    env.pop("RAY_ADDRESS", None)
    args = [sys.executable, "-m", "search.cli", "run", "--storage-path", STORE, "--name", "grades",
            "--data", f"s3://{BUCKET}/data/por.csv", "--target", "G3", "--num-samples", "6",
            "--num-cpus", "2", "--methods", "none,smote,gmcsmote", "--classifier", "blrr",
            "--searcher", "random", "--repeats", "2", "--confirm-top", "1", "--confirm-repeats", "2"]
    driver = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_keys(s3, "searches/grades/results/")) < 2:
        time.sleep(0.2)
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and the Ray instance it started
    driver.wait()
    before = _rows(s3, "grades")
    assert 2 <= len(before) < 6, "the search should have been interrupted part-way"

    _machine(monkeypatch, s3, tmp_path / "resumed")  # the lock's holder is dead: taken over at once
    process = cli("resume", "grades", "--storage-path", STORE)
    assert "6 trials" in process.stdout, process.stdout[-2000:]
    rows = _rows(s3, "grades")
    assert len(rows) == 6 and rows["trial_id"].is_unique  # none lost, none twice
    assert set(before["trial_id"]) <= set(rows["trial_id"])  # a trial run again replaced its row
    searched = _rows(s3, "grades", "evaluations")
    searched = searched[searched["phase"] == "search"]
    assert (searched.groupby("trial_id").size() == rows.set_index("trial_id")["n_splits"]).all()
    assert len(_rows(s3, "grades", "confirmed")) == 1
    assert "searches/grades/driver.lock" not in _keys(s3, "searches/grades/")  # released

    _machine(monkeypatch, s3, tmp_path / "extended")
    cli("extend", "grades", "--storage-path", STORE, "--num-samples", "2")
    assert len(_rows(s3, "grades")) == 8

    _machine(monkeypatch, s3, tmp_path / "confirming")
    cli("confirm", "grades", "--storage-path", STORE, "--top", "2", "--repeats", "2")
    assert len(_rows(s3, "grades", "confirmed")) >= 2

    _machine(monkeypatch, s3, tmp_path / "reader")
    assert "every file reads" in cli("check", "grades", "--storage-path", STORE).stdout
    cli("report", "grades", "--storage-path", STORE)
    assert "searches/grades/report/report.html" in _keys(s3, "searches/grades/report/")
    assert "best by the objective" in cli("best", "grades", "--storage-path", STORE).stdout
    assert "grades" in cli("list", "--storage-path", STORE).stdout
    cli("export", "grades", "--storage-path", STORE)
    model, = [key for key in _keys(s3, "searches/grades/models/") if key.endswith(".joblib")]

    _machine(monkeypatch, s3, tmp_path / "predicting")
    predicted = cli("predict", f"s3://{BUCKET}/{model}", "--data",
                    f"s3://{BUCKET}/data/por.csv").stdout
    assert len(predicted.strip().splitlines()) == 1 + 649


def test_the_lock_refuses_a_second_driver_and_passes_from_a_dead_one(s3, monkeypatch, tmp_path):
    import json

    from search.object_store import ObjectStore
    from sedg import SedgInputError

    _machine(monkeypatch, s3, tmp_path)
    with ObjectStore(STORE).driving("held"):
        with pytest.raises(SedgInputError, match=rf"experiment 'held' is being run by pid {os.getpid()} "
                                                 rf"on {socket.gethostname()} since "):
            with ObjectStore(STORE).driving("held"):
                pass
    assert "searches/held/driver.lock" not in _keys(s3, "searches/held/")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    holder = {"pid": int(dead), "host": socket.gethostname(), "since": "2026-01-01T00:00:00+00:00"}
    _client(s3).put_object(Bucket=BUCKET, Key="searches/held/driver.lock", Body=json.dumps(holder))
    with ObjectStore(STORE).driving("held"):  # its holder no longer runs: taken over
        body = _client(s3).get_object(Bucket=BUCKET, Key="searches/held/driver.lock")["Body"].read()
        assert json.loads(body)["pid"] == os.getpid()


BAD_STORES = {
    "no credentials": ({"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}, STORE,
                       f"{STORE}: no AWS credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                       "or AWS_PROFILE"),
    "unreachable endpoint": ({"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, STORE,
                             f"{STORE}: cannot reach the object store at http://127.0.0.1:9"),
    "missing bucket": ({}, "s3://no-such-bucket/x",
                       "s3://no-such-bucket/x: bucket 'no-such-bucket' does not exist at"),
    "another scheme": ({}, "ftp://host/x",
                       "--storage-path ftp://host/x: ftp:// is not a store sedg-search reads"),
}


@pytest.mark.parametrize("case", list(BAD_STORES))
def test_a_store_that_cannot_be_used_is_one_line_before_ray_starts(case, s3, monkeypatch, capsys, tmp_path):
    from tests.search.conftest import in_process

    changes, store, message = BAD_STORES[case]
    _machine(monkeypatch, s3, tmp_path / "cache")
    for variable, value in {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                            "AWS_EC2_METADATA_DISABLED": "true", **changes}.items():
        monkeypatch.delenv(variable) if value is None else monkeypatch.setenv(variable, value)
    monkeypatch.chdir(tmp_path)
    for command in (["run", "--num-samples", "1"], ["best", "x"]):
        started = time.monotonic()
        process = in_process(capsys, *command, "--storage-path", store, check=False)
        assert process.returncode == 2, process.stderr
        lines = process.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"sedg-search: error: {message}"), lines
        assert time.monotonic() - started < 10
        assert not (tmp_path / "cache").exists() and not (tmp_path / "sedg-results").exists()


def test_gs_without_its_client_says_what_to_install(tmp_path):
    try:
        import google.cloud.storage  # noqa: F401
        pytest.skip("google-cloud-storage is installed here: the message is for a machine without it")
    except ImportError:
        pass
    process = subprocess.run([sys.executable, "-m", "search.cli", "best", "x", "--storage-path",
                              "gs://bucket/searches"], capture_output=True, text=True, cwd=tmp_path,
                             env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert process.returncode == 2
    assert process.stderr.strip() == ("sedg-search: error: gs:// needs google-cloud-storage: "
                                      "pip install 'sedg-search[gcs]'")


class _Proxy:
    """A TCP relay on loopback between the clients and the server: ``down()`` cuts every
    connection and refuses new ones (the store unreachable, as a network failure makes it),
    ``up()`` relays again on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.port = target_port, _free_port()
        self._connections: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def up(self) -> None:
        import threading

        self._listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def down(self) -> None:
        self._listener.close()
        for connection in self._connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed: down
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def test_a_store_that_fails_mid_search_stops_it_and_resume_goes_on(s3, cli, monkeypatch, tmp_path,
                                                                  ray_env, student_por_path):
    proxy = _Proxy(int(s3["AWS_ENDPOINT_URL"].rsplit(":", 1)[1]))
    proxy.up()
    through = {**s3, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}"}
    env = {**ray_env, **through, "PYTHONPATH": str(REPO), "SEDG_CACHE_DIR": str(tmp_path)}
    driver = subprocess.Popen(
        [sys.executable, "-m", "search.cli", "run", "--storage-path", STORE, "--name", "cut",
         "--data", str(student_por_path), "--target", "G3", "--num-samples", "6", "--concurrency", "1",
         "--methods", "none,smote", "--classifier", "blrr", "--searcher", "random", "--repeats", "2",
         "--confirm-top", "0"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_keys(s3, "searches/cut/results/")) < 2:
        time.sleep(0.1)
    proxy.down()
    stored = set(_rows(s3, "cut")["trial_id"])
    _, stderr = driver.communicate(timeout=120)
    assert driver.returncode == 2, stderr[-3000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-3000:]
    line = lines[0]
    assert line.startswith(f"sedg-search: error: object store {STORE}: ") and line.endswith(
        f"what was written is kept: once the store answers, continue with: sedg-search resume cut "
        f"--storage-path {STORE}"), line
    assert stored <= set(_rows(s3, "cut")["trial_id"]) and len(stored) < 6  # kept, not finished

    proxy.up()
    _machine(monkeypatch, through, tmp_path)
    assert "6 trials" in cli("resume", "cut", "--storage-path", STORE).stdout
    rows = _rows(s3, "cut")
    assert len(rows) == 6 and rows["trial_id"].is_unique
    proxy.down()



@pytest.mark.parametrize("kind", ["json", "pkl"])
def test_a_file_rewritten_in_place_is_uploaded_whole_never_torn(kind, s3, monkeypatch, tmp_path):
    """Ray Tune copies its state into the experiment at every step with
    :func:`pyarrow.fs.copy_files`, which truncates the file and writes it again; a push that
    reads it in between must not upload the empty or cut version (a resume would find no state
    and start the search over), and must still upload while the rewrites go on."""
    import json
    import pickle
    import threading

    from pyarrow import fs

    from search.object_store import ObjectStore

    dumps, loads = (json.dumps, json.loads) if kind == "json" else (pickle.dumps, pickle.loads)
    _machine(monkeypatch, s3, tmp_path / "cache")
    store = ObjectStore(STORE)
    state = store.working_copy() / "torn" / "tune" / f"state-x.{kind}"
    key = f"searches/torn/tune/{state.name}"
    state.parent.mkdir(parents=True)
    sources = []
    for version in range(2):
        source = tmp_path / f"state-{version}.{kind}"
        data = dumps({"version": version, "trials": ["t" * 64] * 20_000})
        source.write_bytes(data.encode() if isinstance(data, str) else data)
        sources.append(str(source))
    stop = threading.Event()

    def rewrite() -> None:  # a save every few hundredths of a second, as Tune's loop saves
        version = 0
        while not stop.wait(0.02):
            version = 1 - version
            fs.copy_files(sources[version], str(state))

    fs.copy_files(sources[0], str(state))
    writer = threading.Thread(target=rewrite)
    writer.start()
    uploaded = []
    try:
        for _ in range(100):
            if store.push("torn"):
                uploaded.append(_client(s3).get_object(Bucket=BUCKET, Key=key)["Body"].read())
    finally:
        stop.set()
        writer.join()
    store.push("torn", final=True)  # the writer is done: its last version goes up as it is
    uploaded.append(_client(s3).get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert len(uploaded) >= 3, len(uploaded)
    for body in uploaded:
        assert loads(body)["version"] in (0, 1), len(body)  # whole, never torn
    assert uploaded[-1] == state.read_bytes()
