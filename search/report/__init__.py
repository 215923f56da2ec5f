"""Reports over experiments: figures and an HTML page, feature-modification heat maps, confirmation runs."""

from __future__ import annotations

from search.report.confirm import confirm
from search.report.explain import explain
from search.report.report import write_report

__all__ = ["confirm", "explain", "write_report"]
