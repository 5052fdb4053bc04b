"""The app frame: the chosen template, the title, and one tab per page."""

import html

import panel as pn

from {{ cookiecutter.package_name }}.layout import (
    DESCRIPTION,
    TITLE,
    create_app,
)
from {{ cookiecutter.package_name }}.pages import RowsPage


def select(app, kind) -> list:
    """Everything of this kind in the app's main area."""
    return [found for obj in app.main for found in obj.select(kind)]


def button_labels(objects) -> list[str]:
    return [obj.label for obj in objects if isinstance(obj, pn.widgets.Button)]


def test_the_app_is_the_page_in_the_template():
    app = create_app()
    assert isinstance(app, pn.template.BaseTemplate)
    assert app.title == html.escape(TITLE)  # the template shows its title as HTML
    assert button_labels(select(app, pn.widgets.Button)) == ["Add new row", "Clear all rows"]


def test_the_description_is_shown_as_text_not_html():
    shown = create_app().main[0].object
    assert shown.startswith("<p>")
    assert shown.endswith("</p>")
    inner = shown.removeprefix("<p>").removesuffix("</p>")
    assert not {"<", ">"} & set(inner)  # escaped, so never run as HTML
    assert html.unescape(inner) == DESCRIPTION


def test_every_session_gets_new_objects():
    first, second = create_app(), create_app()
    [first_add, _] = select(first, pn.widgets.Button)
    [second_add, _] = select(second, pn.widgets.Button)
    assert first_add is not second_add


def test_two_pages_become_two_tabs():
    app = create_app(pages=(RowsPage, RowsPage))
    [tabs] = select(app, pn.Tabs)
    first, second = (tab.select(pn.widgets.Button) for tab in tabs)
    assert button_labels(first) == button_labels(second) == ["Add new row", "Clear all rows"]
    assert first[0] is not second[0]


def test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only():
    """The user sees a busy indicator for their own session's work, and nobody else's."""
    made = []

    class Tracked(RowsPage):
        def __init__(self, **params):
            super().__init__(**params)
            made.append(self)

    mine, theirs = create_app(pages=(Tracked,)), create_app(pages=(Tracked,))
    my_page, _ = made
    [spinner], [their_spinner] = (
        [obj for obj in app.header if isinstance(obj, pn.indicators.LoadingSpinner)]
        for app in (mine, theirs)
    )
    assert (spinner.value, their_spinner.value) == (False, False)
    my_page.busy = True
    assert (spinner.value, their_spinner.value) == (True, False)
    my_page.busy = False
    assert spinner.value is False
