"""Two sessions of the real served app never see each other's state: the property the
project is built around. Panel runs app.py once per session, so what it creates belongs
to that session; a module-level object in the package would be shared by every session,
and these tests would catch it. Each tab (conftest.py) is a session of its own.

Replacing the starter page? This file and the page's unit tests are the two test files
that know what it does: rewrite the helpers at the top, and the tests, for your page.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.ui

# -- What the starter page shows, and how a user drives it --------------------------------
ROW, ADD, CLEAR = "Enter a number", "Add new row", "Clear all rows"
EMPTY = "Rows: 0, sum: 0"


def rows(page: Page):
    return page.get_by_label(ROW)


def summary(page: Page):
    return page.get_by_text(re.compile(r"^Rows: \d+, sum: \d+$"))


def values(page: Page) -> list[int]:
    return [int(value) for value in rows(page).evaluate_all("rows => rows.map(r => r.value)")]


def started(tab) -> Page:
    """The tab's page, once the app has rendered."""
    expect(summary(tab.page)).to_have_text(EMPTY)
    return tab.page


def quiet(tab, seconds: float = 0.5) -> int:
    """How many messages the tab has received, once none has arrived for `seconds` (loading is done)."""
    for _ in range(20):
        count = len(tab.received)
        tab.page.wait_for_timeout(seconds * 1000)
        if len(tab.received) == count:
            return count
    raise AssertionError("the tab never stopped receiving messages")


def add_rows(page: Page, count: int) -> None:
    for _ in range(count):
        page.get_by_role("button", name=ADD).click()


# -- The tests ------------------------------------------------------------------------------
def test_rows_added_and_edited_in_one_session_stay_in_that_session(open_tab):
    a, b = started(open_tab()), started(open_tab())
    add_rows(a, 2)
    expect(rows(a)).to_have_count(2)
    add_rows(b, 1)
    expect(rows(b)).to_have_count(1)
    expect(rows(a)).to_have_count(2)
    before = values(b)
    new_value = 7 if values(a)[0] != 7 else 8  # a real change, whatever was drawn
    rows(a).first.fill(str(new_value))
    rows(a).first.press("Enter")
    expect(summary(a)).to_have_text(re.compile(rf"^Rows: 2, sum: {new_value + values(a)[1]}$"))
    a.get_by_role("button", name=CLEAR).click()
    expect(summary(a)).to_have_text(EMPTY)
    expect(summary(b)).to_have_text(f"Rows: 1, sum: {before[0]}")
    assert values(b) == before


def test_a_click_sends_nothing_to_other_sessions(open_tab):
    """Quiet neighbours: one user's clicks cost the other sessions no websocket message.

    (Panel templates' own busy indicator is process-wide and would send every open
    session two messages per click; layout.py gives each session its own.)
    """
    active, idle = open_tab(), open_tab()
    started(active), started(idle)
    before = quiet(idle)
    add_rows(active.page, 3)
    expect(rows(active.page)).to_have_count(3)
    idle.page.wait_for_timeout(1000)  # what the server sent with the clicks has arrived
    assert len(idle.received) == before


def test_a_reload_starts_a_new_session(open_tab):
    """State is per session, not per browser: reloading the page starts afresh."""
    page = started(open_tab())
    add_rows(page, 1)
    expect(rows(page)).to_have_count(1)
    page.reload()
    expect(summary(page)).to_have_text(EMPTY)
    expect(rows(page)).to_have_count(0)
