"""A counter: the page the template's tests put in place of the starter page,
following the generated README's "Replacing the starter page"."""

from __future__ import annotations

import panel as pn
import param

from .base import Page


class CounterPage(Page):
    """Count clicks; reset to zero."""

    title = "Counter"

    count = param.Integer(default=0, bounds=(0, None), doc="Clicks since the last reset.")

    def __init__(self, **params):
        super().__init__(**params)
        self.increment_button = pn.widgets.Button(
            label="Increment", color="primary", on_click=self.increment
        )
        self.reset_button = pn.widgets.Button(label="Reset", on_click=self.reset)
        self._layout = pn.Column(
            f"## {self.title}",
            pn.Row(self.increment_button, self.reset_button),
            pn.pane.Markdown(self.param.count.rx.pipe("Count: {}".format)),
        )

    def increment(self, event: object = None) -> None:
        self.count += 1

    def reset(self, event: object = None) -> None:
        self.count = 0

    def __panel__(self) -> pn.Column:
        return self._layout
