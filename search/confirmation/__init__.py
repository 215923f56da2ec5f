"""The confirmed best: the top configurations re-evaluated on splits the search never saw, when a
search ends (:mod:`search.confirmation._splits`) and on demand (``sedg-search confirm``,
:mod:`search.confirmation.command`). Names are imported on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from search.confirmation._splits import confirm_rows, confirm_split, confirm_top, confirmed_schema
    from search.confirmation.command import confirm

__all__ = ["confirm", "confirm_rows", "confirm_split", "confirm_top", "confirmed_schema"]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "confirm": "search.confirmation.command",
    **{name: "search.confirmation._splits" for name in __all__ if name != "confirm"},
})
