"""Two sessions of the real served app never see each other's state.

This is the property the project is built around: Panel runs app.py once per
session, so what it creates belongs to that session, while a module-level object
in the package would be shared by every session, and these tests would catch it.
They run twice over: over the websocket (each session applies everything the
server sends it, as a browser would) and in Chromium (marker `ui`).

Replacing the starter page? This file and its page's unit tests are the two test
files that know what the page does: rewrite `shown`, `act` and the tests below.
"""

import re

import pytest
from playwright.sync_api import Page, expect

# -- What the starter page does and shows ------------------------------------------
ROW = "Enter a number"  # each row's label
ADD, CLEAR = "Add new row", "Clear all rows"


def shown(session) -> tuple[list, str]:
    """What a websocket session shows: each row's value, and the summary line."""
    values = [model.value for model in session.models() if getattr(model, "title", None) == ROW]
    summary = next((text for text in session.texts() if text.startswith("Rows: ")), "")
    return values, summary


def summary_of(values: list) -> str:
    return f"Rows: {len(values)}, sum: {sum(values)}"


def has_rows(count: int):
    """Wait condition: `count` rows, and the summary already counts them."""

    def holds(session) -> bool:
        values, summary = shown(session)
        return len(values) == count and summary == summary_of(values)

    return holds


# -- Over the websocket -----------------------------------------------------------------
def test_rows_added_in_one_session_stay_in_that_session(open_session):
    a, b = open_session(), open_session()
    a.click(ADD)
    a.click(ADD)
    assert a.wait_for(has_rows(2))
    b.roundtrip()  # b has now read everything the server sent it
    assert shown(b) == ([], "Rows: 0, sum: 0")

    b.click(ADD)
    assert b.wait_for(has_rows(1))
    a.roundtrip()
    assert len(shown(a)[0]) == 2

    a.click(CLEAR)
    assert a.wait_for(has_rows(0))
    b.roundtrip()
    assert len(shown(b)[0]) == 1


def test_editing_a_value_changes_only_that_session(open_session):
    a, b = open_session(), open_session()
    for session in (a, b):
        session.click(ADD)
        assert session.wait_for(has_rows(1))
    before = shown(b)

    [row] = [model for model in a.models() if getattr(model, "title", None) == ROW]
    new_value = 42 if row.value != 42 else 43  # a real change, whatever was drawn
    a.set_value(row, new_value)
    assert a.wait_for(lambda session: shown(session) == ([new_value], summary_of([new_value])))
    b.roundtrip()
    assert shown(b) == before


def test_a_click_sends_nothing_to_other_sessions(open_session):
    """Quiet neighbours: one user's clicks cost other sessions no websocket traffic.

    (Panel templates' own busy indicator is process-wide and would send every open
    session two messages per click; layout.py gives each session its own.)
    """
    a, idle = open_session(), open_session()
    idle.roundtrip()
    before = idle.pushes
    for _ in range(3):
        a.click(ADD)
    assert a.wait_for(has_rows(3))
    idle.roundtrip()  # whatever the server sent before its reply has now arrived
    assert idle.pushes == before


# -- In a real browser ------------------------------------------------------------------
SUMMARY = re.compile(r"^Rows: \d+, sum: \d+$")


def rows(page: Page):
    return page.get_by_label(ROW)


def summary(page: Page):
    return page.get_by_text(SUMMARY)


def shown_values(page: Page) -> list[int]:
    return [int(value) for value in rows(page).evaluate_all("inputs => inputs.map(i => i.value)")]


def loaded(tab) -> Page:
    expect(summary(tab.page)).to_have_text("Rows: 0, sum: 0")
    return tab.page


@pytest.mark.ui
def test_two_browser_sessions_never_share_rows(open_tab):
    a, b = loaded(open_tab()), loaded(open_tab())
    for _ in range(3):
        a.get_by_role("button", name=ADD).click()
    expect(rows(a)).to_have_count(3)
    expect(rows(b)).to_have_count(0)

    new_value = 7 if shown_values(a)[0] != 7 else 8  # a real change, whatever was drawn
    rows(a).first.fill(str(new_value))
    rows(a).first.press("Enter")
    values = shown_values(a)
    assert values[0] == new_value
    expect(summary(a)).to_have_text(summary_of(values))
    expect(summary(b)).to_have_text("Rows: 0, sum: 0")

    b.get_by_role("button", name=ADD).click()
    expect(rows(b)).to_have_count(1)
    a.get_by_role("button", name=CLEAR).click()
    expect(summary(a)).to_have_text("Rows: 0, sum: 0")
    expect(rows(b)).to_have_count(1)


@pytest.mark.ui
def test_a_reload_starts_a_new_session(open_tab):
    """State is per session, not per browser: reloading the page starts afresh."""
    page = loaded(open_tab())
    page.get_by_role("button", name=ADD).click()
    expect(rows(page)).to_have_count(1)
    page.reload()
    expect(summary(page)).to_have_text("Rows: 0, sum: 0")
    expect(rows(page)).to_have_count(0)
