"""What a person sees: the served app in a real browser (Chromium, via Playwright).

Every tab a test opens must load with no console errors, failed requests or dialogs:
`open_tab` (conftest.py) checks that when the test ends. Browser tests carry the `ui`
marker (`pytest -m "not ui"` skips them).
"""

import pytest
from playwright.sync_api import expect

from {{ cookiecutter.package_name }}.layout import (
    DESCRIPTION,
    TITLE,
)

pytestmark = pytest.mark.ui


def test_the_project_name_and_description_are_shown_as_text(open_tab):
    tab = open_tab()
    page = tab.page
    expect(page.locator("p").first).to_be_attached()  # the description: the app has rendered
    ran = [problem for problem in tab.problems if problem.startswith("dialog:")]
    assert not ran, "project text ran as script"  # e.g. <img src=x onerror=alert(1)>
    expect(page).to_have_title(TITLE)
    expect(page.get_by_text(TITLE, exact=True).first).to_be_visible()
    if DESCRIPTION.strip():
        # The <p> under the header: the title may read the same.
        description = page.get_by_text(DESCRIPTION.strip(), exact=True).and_(page.locator("p"))
        expect(description).to_be_visible()
