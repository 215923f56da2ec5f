"""Where a local cluster keeps its address, token and processes, and the environment clients need.

Ray 2.60 turns ``127.0.0.1`` into the machine's outside address unless
``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` is set, in which case every node,
server and client stays on the loopback interface. A cluster started by
``sedg-search cluster up`` runs that way (unless ``--host`` says otherwise),
with token authentication on (``RAY_AUTH_MODE=token``) and its own token
file (mode 0600) that workers, drivers and job submissions are pointed to.
The token never leaves the state directory: not in commands, configs or logs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cluster.ray_internals import reread_configuration
from sedg import SedgInputError
from sedg.environment import environment_for
from sedg.files import atomic_write_text

__all__ = ["LOOPBACK_VARIABLE", "ClusterState", "client_environment", "default_state_dir", "find_state",
           "loopback_only"]


def default_state_dir() -> Path:
    return Path(os.environ.get("SEDG_CLUSTER_DIR", Path.home() / ".sedg-search" / "cluster"))


@dataclass
class ClusterState:
    """What ``cluster up`` records in ``<state-dir>/cluster.json``."""

    address: str
    dashboard_url: str
    host: str
    token_path: str
    daemon_pid: int
    nodes: list[dict] = field(default_factory=list)

    @classmethod
    def load(cls, state_dir: Path) -> ClusterState:
        path = Path(state_dir) / "cluster.json"
        if not path.is_file():
            raise SedgInputError(f"no local cluster recorded in {state_dir}; start one with 'cluster up'")
        try:  # a corrupt record must not become a client without its token
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError) as error:
            raise SedgInputError(
                f"{path} is unreadable ({type(error).__name__}); stop the cluster's processes "
                "('ray stop') and remove it, then 'cluster up' again") from None

    def save(self, state_dir: Path) -> None:
        path = Path(state_dir) / "cluster.json"
        atomic_write_text(path, json.dumps(asdict(self), indent=1))

    def environment(self) -> dict[str, str]:
        return client_environment(self.token_path, self.host)


def client_environment(token_path: str, host: str) -> dict[str, str]:
    """Variables a process needs to talk to the cluster: token auth, and loopback mode."""
    env = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token_path)}
    if host in ("127.0.0.1", "localhost"):
        env[LOOPBACK_VARIABLE] = "0"
    return env


def find_state(address: str | None, state_dir: Path | None = None) -> ClusterState | None:
    """The recorded local cluster at ``address`` (or any, when ``address`` is None)."""
    try:
        state = ClusterState.load(state_dir or default_state_dir())
    except SedgInputError:
        return None
    if address is None or address.removeprefix("ray://") in (state.address, state.dashboard_url):
        return state
    return None


#: Ray keeps every server and client on 127.0.0.1 with this set to "0" (see the module's notes).
LOOPBACK_VARIABLE = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


@contextmanager
def loopback_only() -> Iterator[None]:
    """Around the start of a Ray instance of this process's own: every port it opens, metrics
    included, on the loopback interface (a value the user set is kept); the environment is put
    back afterwards, the instance keeps what it started with."""
    with environment_for({LOOPBACK_VARIABLE: "0"}):
        reread_configuration()
        yield
