"""Connecting the driver to an existing Ray cluster."""

from __future__ import annotations

import os

from cluster.ray_internals import PROBES, reread_configuration
from cluster.state import find_state
from sedg import SedgInputError

__all__ = ["check_joined", "connect", "prepare_environment"]


def _parse(address: str) -> tuple[str, str]:
    """``(kind, host:port)`` of a driver address; a dashboard or malformed address is an error."""
    scheme, separator, target = address.partition("://")
    if not separator:
        scheme, target = "", address
    if scheme in ("http", "https"):
        raise SedgInputError(
            f"{address} is a Ray dashboard (Jobs API) address; a driver joins the cluster's GCS "
            "(host:6379) or its Ray Client server (ray://host:10001); to hand a search to the "
            "cluster through the dashboard use 'sedg-search cluster submit'")
    if scheme not in ("", "ray"):
        raise SedgInputError(f"unknown scheme {scheme}:// in {address}; use host:port or ray://host:port")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        raise SedgInputError(f"malformed Ray address {address!r}; use host:port or ray://host:port")
    return ("client" if scheme == "ray" else "gcs"), target


def _why_not_ray(address: str, timeout: float) -> str | None:
    """``None`` when the endpoint a driver joins answers at ``address``; else why not, in words."""
    import grpc

    kind, target = _parse(address)
    method, what = PROBES[kind]
    with grpc.insecure_channel(target) as channel:
        call = channel.unary_unary(method, request_serializer=bytes, response_deserializer=bytes)
        try:
            call(b"", timeout=timeout)  # an empty message is a valid request of either method
            return None
        except grpc.RpcError as error:
            code, details = error.code(), error.details() or ""
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"nothing answered at {address} within {timeout:g} s"
    if code == grpc.StatusCode.UNIMPLEMENTED:
        other = f"ray://{target}" if kind == "gcs" else target
        return f"a gRPC server answers at {address} but it is not {what} (is {other} meant?)"
    if code == grpc.StatusCode.UNAVAILABLE and "HTTP/2" in details:
        return (f"an HTTP server answers at {address}, not {what} (a dashboard? the GCS port is "
                "6379 by default)")
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"no Ray cluster answers at {address}"
    if code == grpc.StatusCode.UNAUTHENTICATED and os.environ.get("RAY_AUTH_MODE") != "token":
        return (f"the Ray cluster at {address} requires token authentication: set "
                "RAY_AUTH_MODE=token and give its token (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, or "
                "~/.ray/auth_token where 'ray start' wrote it)")
    return None  # it knows the method (a refused token or request is Ray's to explain)


def prepare_environment(address: str | None) -> None:
    """Point this process at a recorded local cluster's token and loopback mode.

    Must run before Ray reads its configuration; when Ray is already
    imported, its configuration is re-read so the token applies.
    """
    state = find_state(address)
    if state is None:
        return
    os.environ.update(state.environment())
    reread_configuration()


def connect(address: str | None = None, *, timeout: float = 10.0) -> None:
    """Join the Ray cluster at ``address`` (``host:port`` of the GCS or ``ray://host:port``).

    ``RAY_ADDRESS`` is used when no address is given (as inside a Ray Job).
    Before Ray is asked to join (it retries for minutes), one gRPC call that
    only a GCS (or, for ``ray://``, a Ray Client server) knows tells a
    cluster from a closed port, a dashboard or another server, each a clear
    error within ``timeout`` seconds. For a cluster started by ``cluster up``
    the token is found in its state directory.

    Raises
    ------
    SedgInputError
        No address, a malformed or dashboard one, or no Ray endpoint answering there.
    """
    address = address or os.environ.get("RAY_ADDRESS")
    if not address:
        raise SedgInputError("no Ray cluster address: pass --address or set RAY_ADDRESS")
    prepare_environment(address)
    if address != "auto":
        reason = _why_not_ray(address, timeout)
        if reason is not None:
            raise SedgInputError(reason)
    import ray

    try:
        ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    except (ConnectionError, RuntimeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SedgInputError(f"cannot join the Ray cluster at {address}: {reason}") from None


def _endpoint(target: str) -> tuple[str, str]:
    """``(ip, port)`` of ``host:port``: a name that resolves is compared by its address."""
    import socket

    host, _, port = target.rpartition(":")
    host = host.strip("[]")
    try:
        host = socket.gethostbyname(host)
    except OSError:
        pass
    return host, port


def check_joined(address: str) -> None:
    """Refuse ``address`` when this process is joined to another Ray cluster already.

    Ray joins one cluster per process and keeps it until ``ray.shutdown()``; a
    command given another address there would run on the cluster joined before.
    ``auto`` is whichever one is joined, and a Ray Client address (``ray://``) is
    taken as the one asked for: a client session does not say which server it reached.

    Raises
    ------
    SedgInputError
        The process is joined to a cluster at another address.
    """
    import ray

    if address == "auto":
        return
    kind, target = _parse(address)
    if kind == "client":
        return
    try:
        joined = ray.get_runtime_context().gcs_address
    except Exception:  # a Ray Client session: no GCS address to compare
        return
    if _endpoint(target) != _endpoint(joined):
        raise SedgInputError(
            f"this process is joined to the Ray cluster at {joined} already, not {address}: Ray "
            "joins one cluster per process; run the command in a new process, or call "
            "ray.shutdown() first")
