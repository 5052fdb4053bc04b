"""What a person sees: the real served app in a real browser (Chromium, via Playwright).

Every page they open must load with no console errors, failed requests or
unexpected offsite requests: the `open_tab` fixture checks it when a test ends.
These tests carry the `ui` marker: `pytest -m ui` runs only them, `pytest -m "not ui"`
skips them. Without a browser they skip, saying how to get one.
"""

import importlib.util
import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from {{ cookiecutter.package_name }}.layout import (
    DESCRIPTION,
    TITLE,
)
from {{ cookiecutter.package_name }}.testing import find_chromium

pytestmark = pytest.mark.ui

try:
    find_chromium()
except LookupError as missing:
    pytest.skip(f"no browser for the ui tests: {missing}", allow_module_level=True)

SCREENSHOT = Path(__file__).resolve().parents[1] / "scripts" / "screenshot.py"
SUMMARY = re.compile(r"^Rows: \d+, sum: \d+$")


def rows(page: Page):
    return page.get_by_label("Enter a number")


def summary(page: Page):
    return page.get_by_text(SUMMARY)


def add_row(page: Page) -> None:
    page.get_by_role("button", name="Add new row").click()


def shown_values(page: Page) -> list[int]:
    return [int(value) for value in rows(page).evaluate_all("inputs => inputs.map(i => i.value)")]


def opened(tab) -> Page:
    """The tab's page, once the app has loaded in it."""
    expect(summary(tab.page)).to_have_text("Rows: 0, sum: 0")
    return tab.page


def test_two_browser_sessions_never_share_rows(open_tab):
    a, b = opened(open_tab()), opened(open_tab())

    for _ in range(3):
        add_row(a)
    expect(rows(a)).to_have_count(3)
    expect(summary(a)).to_have_text(f"Rows: 3, sum: {sum(shown_values(a))}")
    expect(rows(b)).to_have_count(0)

    new_value = 7 if shown_values(a)[0] != 7 else 8  # a real change, whatever was drawn
    first = rows(a).first
    first.fill(str(new_value))
    first.press("Enter")
    values = shown_values(a)
    assert values[0] == new_value
    expect(summary(a)).to_have_text(f"Rows: 3, sum: {sum(values)}")
    expect(summary(b)).to_have_text("Rows: 0, sum: 0")

    add_row(b)
    expect(rows(b)).to_have_count(1)
    expect(rows(a)).to_have_count(3)

    a.get_by_role("button", name="Clear all rows").click()
    expect(rows(a)).to_have_count(0)
    expect(summary(a)).to_have_text("Rows: 0, sum: 0")
    expect(rows(b)).to_have_count(1)
    expect(summary(b)).to_have_text(f"Rows: 1, sum: {sum(shown_values(b))}")


def test_a_reload_starts_a_new_session(open_tab):
    """State is per session, not per browser: reloading the page starts afresh."""
    page = opened(open_tab())
    add_row(page)
    add_row(page)
    expect(rows(page)).to_have_count(2)
    page.reload()
    expect(summary(page)).to_have_text("Rows: 0, sum: 0")
    expect(rows(page)).to_have_count(0)


def test_the_project_name_and_description_are_shown_as_text(open_tab):
    tab = open_tab()
    page = opened(tab)
    assert tab.dialogs == [], "project text ran as script"  # e.g. <img onerror=alert(1)>
    expect(page).to_have_title(TITLE)
    expect(page.get_by_text(TITLE, exact=True).first).to_be_visible()
    if DESCRIPTION.strip():
        # The <p> under the header: the title may read the same.
        description = page.get_by_text(DESCRIPTION.strip(), exact=True).and_(page.locator("p"))
        expect(description).to_be_visible()


def test_the_screenshot_script_writes_a_png(open_tab, tmp_path):
    """scripts/screenshot.py's drawing step, in this test's browser (the script serves and
    launches its own when run as `python scripts/screenshot.py`)."""
    spec = importlib.util.spec_from_file_location("screenshot", SCREENSHOT)
    screenshot = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screenshot)
    page = open_tab().page
    page.set_viewport_size({"width": 800, "height": 600})
    path = tmp_path / "starter.png"
    screenshot.take(page, path, rows=2)
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (800, 600)  # width, height
