"""Basic auth: a wrong password or an unknown user is refused, over HTTP and in the form."""

import re

import pytest
from playwright.sync_api import expect


def test_a_wrong_password_or_an_unknown_user_is_refused(server, sign_in_over_http, passwords):
    assert sign_in_over_http(server.url, "alice", passwords["bob"]) == {}
    assert sign_in_over_http(server.url, "mallory", passwords["alice"]) == {}
    assert sign_in_over_http(server.url, "alice", "") == {}
    assert sign_in_over_http(server.url, "alice")  # the right one works: the test can pass


@pytest.mark.ui
def test_a_wrong_password_in_the_form_shows_an_error(open_tab, server):
    page = open_tab(signed_in=False).page
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid username or password")
    page.goto(server.url)
    expect(page).to_have_url(re.compile(r"/login"))
