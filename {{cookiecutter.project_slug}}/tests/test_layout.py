"""The app frame: the chosen template, the title, one tab per page, a spinner per session.

These tests know nothing of what the pages do, so they hold when you replace them.
"""

import html

import panel as pn

from {{ cookiecutter.package_name }}.layout import (
    DESCRIPTION,
    TITLE,
    create_app,
)
from {{ cookiecutter.package_name }}.pages import PAGES, Page


def create_app_and_its_pages(pages=PAGES) -> tuple[pn.template.BaseTemplate, list[Page]]:
    """create_app(), and the page objects it made (in the app, a page shows as its view)."""
    made = []

    def recorded(page_class: type[Page]) -> type[Page]:
        class Recorded(page_class):
            def __init__(self, **params):
                super().__init__(**params)
                made.append(self)

        return Recorded

    return create_app([recorded(page) for page in pages]), made


def views_in(app) -> list:
    return [v for obj in app.main for v in (obj.objects if isinstance(obj, pn.Tabs) else [obj])]


def test_the_app_is_the_pages_in_the_template():
    app, pages = create_app_and_its_pages()
    assert app.title == html.escape(TITLE)  # the template shows its title as HTML
    assert [type(page).__base__ for page in pages] == list(PAGES)
    assert all(page.__panel__() in views_in(app) for page in pages)


def test_the_description_is_shown_as_text_not_html():
    shown = create_app().main[0].object
    inner = shown.removeprefix("<p>").removesuffix("</p>")
    assert shown == f"<p>{inner}</p>"
    assert not {"<", ">"} & set(inner)  # escaped, so never run as HTML
    assert html.unescape(inner) == DESCRIPTION


def test_two_pages_become_two_tabs_with_their_own_objects():
    app, pages = create_app_and_its_pages((PAGES[0], PAGES[0]))
    [tabs] = [obj for obj in app.main if isinstance(obj, pn.Tabs)]
    assert list(tabs) == [page.__panel__() for page in pages]
    assert pages[0] is not pages[1]


def test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only():
    """The user sees a busy indicator for their own session's work, and nobody else's."""
    (mine, [my_page, *_]), (theirs, _) = create_app_and_its_pages(), create_app_and_its_pages()
    [spinner], [their_spinner] = (
        [obj for obj in app.header if isinstance(obj, pn.indicators.LoadingSpinner)]
        for app in (mine, theirs)
    )
    assert (spinner.value, their_spinner.value) == (False, False)
    my_page.busy = True
    assert (spinner.value, their_spinner.value) == (True, False)
    my_page.busy = False
    assert spinner.value is False
