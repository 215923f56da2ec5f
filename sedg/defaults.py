"""Defaults shared by sedg's samplers and the layers above them (one place each)."""

from __future__ import annotations

__all__ = ["N_SYNTHETIC"]

#: Synthetic rows a method makes unless told otherwise: the SEDG paper's 200.
N_SYNTHETIC = 200
