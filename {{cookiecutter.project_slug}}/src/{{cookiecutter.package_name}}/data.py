"""Data shared by every session in the server process.

Functions here are cached with `pn.cache`: the first call computes the result
and every later call, from any session, gets the very same object. That is only
safe for data nobody changes, so they return immutable values (frozen
dataclasses, tuples). A session's own, changing state never belongs here; it
lives on the page objects that app.py creates for each session.
"""

from __future__ import annotations

from dataclasses import dataclass

import panel as pn


@dataclass(frozen=True)
class RowLimits:
    """Bounds for the numbers in the dynamic-rows page."""

    start: int
    end: int


@pn.cache
def load_row_limits() -> RowLimits:
    """Load the row limits once per process; every session shares the result.

    In a real app this is where a slow query or file read goes. Sharing is safe
    because `RowLimits` is frozen: no session can change what another one sees.
    """
    return RowLimits(start=0, end=100)
