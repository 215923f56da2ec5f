"""Connecting the driver to an existing Ray cluster."""

from __future__ import annotations

import os
import socket

from sedg import SedgInputError

__all__ = ["connect"]


def _reachable(address: str, timeout: float) -> bool:
    host_port = address.removeprefix("ray://")
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def connect(address: str | None = None, *, timeout: float = 10.0) -> None:
    """Join the Ray cluster at ``address`` (``host:port`` of the GCS or ``ray://host:port``).

    ``RAY_ADDRESS`` is used when no address is given. A cluster that does not
    accept a connection within ``timeout`` seconds is a clear error, not a hang.

    Raises
    ------
    SedgInputError
        No address, a malformed one, or nothing answering there.
    """
    import ray

    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise SedgInputError("no Ray cluster address: pass --address or set RAY_ADDRESS")
    if address != "auto" and not _reachable(address, timeout):
        raise SedgInputError(f"no Ray cluster answers at {address} (waited {timeout:g} s)")
    ray.init(address=address, logging_level="ERROR", log_to_driver=False)
