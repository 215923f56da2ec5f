"""Connecting the driver to an existing Ray cluster."""

from __future__ import annotations

import os
import socket
import sys

from cluster.state import find_state
from sedg import SedgInputError

__all__ = ["connect", "prepare_environment"]


def _reachable(address: str, timeout: float) -> bool:
    host_port = address.removeprefix("ray://")
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def prepare_environment(address: str | None) -> None:
    """Point this process at a recorded local cluster's token and loopback mode.

    Must run before Ray reads its configuration; when Ray is already
    imported, its configuration is re-read so the token applies.
    """
    state = find_state(address)
    if state is None:
        return
    os.environ.update(state.environment())
    if "ray" in sys.modules:
        from ray._private import ray_constants
        from ray._raylet import Config

        ray_constants.ENABLE_RAY_CLUSTER = os.environ.get("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER") != "0"
        Config.initialize("")


def connect(address: str | None = None, *, timeout: float = 10.0) -> None:
    """Join the Ray cluster at ``address`` (``host:port`` of the GCS or ``ray://host:port``).

    ``RAY_ADDRESS`` is used when no address is given (as inside a Ray Job). A
    cluster that does not accept a connection within ``timeout`` seconds is a
    clear error, not a hang. For a cluster started by ``cluster up`` the
    token is found in its state directory.

    Raises
    ------
    SedgInputError
        No address, a malformed one, or nothing answering there.
    """
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise SedgInputError("no Ray cluster address: pass --address or set RAY_ADDRESS")
    if address != "auto" and not _reachable(address, timeout):
        raise SedgInputError(f"no Ray cluster answers at {address} (waited {timeout:g} s)")
    prepare_environment(address)
    import ray

    try:
        ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    except (ConnectionError, RuntimeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SedgInputError(f"cannot join the Ray cluster at {address}: {reason}") from None
