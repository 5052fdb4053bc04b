"""The counter page, driven in Python the way a user drives it in the browser."""

from panel_app.pages import CounterPage


def click(button) -> None:
    button.clicks += 1


def test_counts_clicks_and_resets():
    page = CounterPage()
    click(page.increment_button)
    click(page.increment_button)
    assert page.count == 2
    click(page.reset_button)
    assert page.count == 0


def test_each_page_object_has_its_own_count():
    first, second = CounterPage(), CounterPage()
    click(first.increment_button)
    assert (first.count, second.count) == (1, 0)
