"""The dynamic-rows starter page.

A Streamlit version needs `st.session_state["rows"]`, because Streamlit re-runs
the whole script on every click. Panel runs app.py once per session, so the rows
simply live on this page object: each session has its own `RowsPage`, and
nothing is stored at module level, where every session would share it.
"""

from __future__ import annotations

import random

import panel as pn
import param

from ..data import load_row_limits
from .base import Page


class RowsPage(Page):
    """Add rows holding random numbers, edit them, clear them; a summary keeps count."""

    title = "Dynamic rows"

    values = param.List(
        default=[], item_type=(int, type(None)), doc="Each row's value; None while a row is empty."
    )

    def __init__(self, **params):
        super().__init__(**params)
        self._limits = load_row_limits()  # shared and read-only
        self.add_button = pn.widgets.Button(
            label="Add new row", color="primary", on_click=self.add_row
        )
        self.clear_button = pn.widgets.Button(label="Clear all rows", on_click=self.clear_rows)
        self.rows = pn.Column()  # one IntInput per row
        self._layout = pn.Column(
            f"## {self.title}",
            pn.Row(self.add_button, self.clear_button),
            pn.pane.Markdown(self.summary),
            self.rows,
        )

    def add_row(self, event: object = None) -> pn.widgets.IntInput:
        """Append a numeric input holding a random value within the limits."""
        row = pn.widgets.IntInput(
            label="Enter a number",
            value=random.randint(self._limits.start, self._limits.end),
            start=self._limits.start,
            end=self._limits.end,
        )
        row.param.watch(self._row_changed, "value")
        self.rows.append(row)
        self._read_values()
        return row

    def clear_rows(self, event: object = None) -> None:
        """Remove every row."""
        self.rows.clear()
        self._read_values()

    def _row_changed(self, event: param.parameterized.Event) -> None:
        # The browser keeps values within the limits; a client that sends others
        # anyway (never trust the client) gets its old value back.
        if event.new is not None and not self._limits.start <= event.new <= self._limits.end:
            event.obj.value = event.old
        else:
            self._read_values()

    def _read_values(self) -> None:
        self.values = [row.value for row in self.rows]

    @param.depends("values")
    def summary(self) -> str:
        """The row count and sum, as Markdown."""
        total = sum(value or 0 for value in self.values)
        return f"Rows: **{len(self.values)}**, sum: **{total}**"

    def __panel__(self) -> pn.Column:
        return self._layout
