"""Running searches on Ray clusters: connecting now; launching and submitting come next."""

from __future__ import annotations

from cluster.connect import connect

__all__ = ["connect"]
