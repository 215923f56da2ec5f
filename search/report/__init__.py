"""Reports over an experiment: figures and an HTML page, and the feature-modification heat maps."""

from __future__ import annotations

from search.report.explain import explain
from search.report.report import write_report

__all__ = ["explain", "write_report"]
