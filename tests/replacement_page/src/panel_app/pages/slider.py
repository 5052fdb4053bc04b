"""A slider page, with no button: what the template's tests put in place of the starter
page, following the generated README's "Replacing the starter page"."""

import panel as pn
import param

from .base import Page


class SliderPage(Page):
    """Pick a number; the page says what it is twice over."""

    title = "Slider"

    number = param.Integer(default=3, bounds=(0, 10), doc="The number picked.")

    def __init__(self, **params):
        super().__init__(**params)
        self.slider = pn.widgets.IntSlider.from_param(self.param.number, label="Number")
        self._layout = pn.Column(
            f"## {self.title}",
            self.slider,
            pn.pane.Markdown(self.param.number.rx.pipe(lambda n: f"Twice that: {2 * n}")),
        )

    def __panel__(self) -> pn.Column:
        return self._layout
