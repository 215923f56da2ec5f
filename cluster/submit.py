"""``sedg-search cluster submit``: run a search as a Ray Job, its driver on the cluster."""

from __future__ import annotations

import sys
import time

from cluster.connect import prepare_environment
from cluster.state import find_state
from sedg import SedgInputError

__all__ = ["submit_search"]

_DONE = {"SUCCEEDED", "FAILED", "STOPPED"}
#: Seconds a just-started cluster may take before its job agent takes a job (Ray answers "No
#: available agent to submit job" until then; seen for several seconds on a loaded machine).
AGENT_WAIT_S = 60


def _submit(client, entrypoint: str) -> str:
    """``client.submit_job``, retried while the cluster's job agent is still starting."""
    deadline = time.monotonic() + AGENT_WAIT_S
    while True:
        try:
            return client.submit_job(entrypoint=entrypoint)
        except RuntimeError as error:
            if "No available agent" not in str(error) or time.monotonic() > deadline:
                first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise SedgInputError(f"the job server did not take the job: {first}") from None
            time.sleep(1.0)


def submit_search(arguments: list[str], address: str | None = None, *, stream=None,
                  timeout: float = 3600) -> tuple[str, str]:
    """Submit ``sedg-search run ARGUMENTS`` as a Ray Job; print its id and stream its logs.

    The job runs elsewhere: its paths (``--data``, ``--storage-path``) must mean the same there,
    which the command line sees to (it makes the storage path absolute).

    ``address`` is the cluster's dashboard URL (``http://host:8265``) or, for
    a cluster started by ``cluster up``, its GCS address; none means that
    recorded cluster. Returns ``(job_id, final_status)``.
    """
    stream = stream or sys.stdout
    state = find_state(address)
    if state is not None:
        address = state.dashboard_url
    if not address:
        raise SedgInputError("no cluster to submit to: pass --address or start one with 'cluster up'")
    prepare_environment(state.address if state else address)
    from ray.job_submission import JobSubmissionClient

    try:
        client = JobSubmissionClient(address)
    except Exception as error:  # the client raises several types for an unreachable server
        raise SedgInputError(f"cannot reach the job server at {address}: {error}") from None
    entrypoint = " ".join(["sedg-search", "run", *map(_quote, arguments)])
    job_id = _submit(client, entrypoint)
    print(f"submitted job {job_id} to {address}", file=stream, flush=True)
    printed, deadline = 0, time.monotonic() + timeout
    status = "PENDING"
    while time.monotonic() < deadline:
        status = str(client.get_job_status(job_id).value)
        logs = client.get_job_logs(job_id)
        if len(logs) > printed:
            stream.write(logs[printed:])
            stream.flush()
            printed = len(logs)
        if status in _DONE:
            break
        time.sleep(1.0)
    print(f"job {job_id}: {status}", file=stream, flush=True)
    return job_id, status


def _quote(argument: str) -> str:
    import shlex

    return shlex.quote(argument)
