"""Running searches on Ray clusters: connect, a local multi-node launcher, job submission."""

from __future__ import annotations

from cluster.connect import connect, prepare_environment
from cluster.local import cluster_down, cluster_status, cluster_up
from cluster.state import ClusterState
from cluster.submit import submit_search

__all__ = [
    "ClusterState",
    "cluster_down",
    "cluster_status",
    "cluster_up",
    "connect",
    "prepare_environment",
    "submit_search",
]
