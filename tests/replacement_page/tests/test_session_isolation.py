"""Two sessions of the real served app never see each other's number (Chromium)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.ui


def test_a_number_picked_in_one_session_stays_in_that_session(open_tab):
    a, b = open_tab().page, open_tab().page
    for page in (a, b):
        expect(page.get_by_text("Twice that: 6")).to_be_visible()
    a.get_by_role("slider").first.focus()
    a.keyboard.press("ArrowRight")
    expect(a.get_by_text("Twice that: 8")).to_be_visible()
    b.reload()
    expect(b.get_by_text("Twice that: 6")).to_be_visible()
