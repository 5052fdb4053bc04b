"""Two sessions of the real served app never see each other's count: over the
websocket, and in Chromium (marker `ui`)."""

import pytest
from playwright.sync_api import expect

INCREMENT, RESET = "Increment", "Reset"


def shown(session) -> str:
    return next((text for text in session.texts() if text.startswith("Count: ")), "")


def test_clicks_in_one_session_stay_in_that_session(open_session):
    a, b = open_session(), open_session()
    a.click(INCREMENT)
    a.click(INCREMENT)
    assert a.wait_for(lambda session: shown(session) == "Count: 2")
    b.roundtrip()
    assert shown(b) == "Count: 0"
    b.click(INCREMENT)
    assert b.wait_for(lambda session: shown(session) == "Count: 1")
    a.click(RESET)
    assert a.wait_for(lambda session: shown(session) == "Count: 0")
    b.roundtrip()
    assert shown(b) == "Count: 1"


def test_a_click_sends_nothing_to_other_sessions(open_session):
    a, idle = open_session(), open_session()
    idle.roundtrip()
    before = idle.pushes
    a.click(INCREMENT)
    assert a.wait_for(lambda session: shown(session) == "Count: 1")
    idle.roundtrip()
    assert idle.pushes == before


@pytest.mark.ui
def test_two_browser_sessions_never_share_the_count(open_tab):
    a, b = open_tab().page, open_tab().page
    expect(b.get_by_text("Count: 0")).to_be_visible()
    a.get_by_role("button", name=INCREMENT).click()
    expect(a.get_by_text("Count: 1")).to_be_visible()
    b.reload()
    expect(b.get_by_text("Count: 0")).to_be_visible()
