{%- set basic = cookiecutter.auth == "basic" -%}
"""Sign-in: only signed-in users reach the app, each sees their own name and their own
rows, and signing out ends it. Checked against the real served app (conftest.py){% if basic %}
with Panel's basic auth and a credentials file made for the run{% else %}
with Panel's generic OAuth provider and a real OpenID Connect provider on 127.0.0.1{% endif %},
over HTTP, over the websocket and in Chromium.
"""

import asyncio
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
{%- if not basic %}
from pathlib import Path
{%- endif %}

import pytest
from playwright.sync_api import expect
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.web import create_signed_value
from tornado.websocket import websocket_connect

{% if not basic -%}
import {{ cookiecutter.package_name }}.access as access
{% endif -%}
from support import Session, cookies_set, {% if not basic %}serve, {% endif %}sign_in, subprotocols

ADD = "Add new row"
{%- if not basic %}
APP = Path(__file__).resolve().parents[1] / "app.py"
{%- endif %}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_response(url: str, cookies: dict[str, str] | None = None) -> tuple[int, str, str]:
    """GET `url` once, not following redirects: (status, Location, body)."""
    cookie = "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode()


def websocket_opens(url: str, signed_in: dict[str, str], cookies: dict[str, str]) -> bool:
    """Whether the app's websocket opens with `cookies`, for a session whose page was
    fetched with `signed_in` (so it has a valid session token)."""
    status, _, page = first_response(url, signed_in)
    assert status == 200
    token = re.search(r'"token":\s*"([^"]+)"', page).group(1)

    async def connect() -> None:
        headers = {"Origin": re.match(r"https?://[^/]+", url).group(0), **subprotocols(token)}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        request = HTTPRequest(re.sub(r"^http", "ws", url) + "/ws", headers=headers)
        socket = await websocket_connect(request)
        socket.close()
        while await socket.read_message() is not None:  # until the server has closed it too
            pass

    try:  # on a thread of its own: the browser tests' event loop may be running here
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, asyncio.wait_for(connect(), 30)).result()
    except HTTPClientError:
        return False
    return True


@pytest.fixture
def signed_in(server{% if basic %}, passwords{% endif %}) -> dict[str, str]:
    """Cookies of a signed-in user (alice)."""
    return sign_in(server.url, "alice"{% if basic %}, passwords["alice"]{% endif %})


# -- Over HTTP and the websocket -------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_sign_in(server):
    status, location, body = first_response(server.url)
    assert status == 302
    assert "login" in location
    assert '"token"' not in body  # no session token, so no websocket either


def test_a_signed_in_user_gets_the_app(server, signed_in):
    status, _, page = first_response(server.url, signed_in)
    assert status == 200
    assert '"token"' in page
{%- if basic %}


def test_a_wrong_password_or_an_unknown_user_is_refused(server, passwords):
    assert sign_in(server.url, "alice", passwords["bob"]) == {}
    assert sign_in(server.url, "mallory", passwords["alice"]) == {}
    assert sign_in(server.url, "alice", "") == {}
    assert sign_in(server.url, "alice", passwords["alice"])  # the test can pass
{%- endif %}


def test_a_forged_or_expired_sign_in_cookie_is_refused(server, signed_in, sign_in_settings):
    secret = sign_in_settings["PANEL_COOKIE_SECRET"]
    two_days_ago = time.time() - 2 * 24 * 3600  # Panel's sign-in cookies last a day
    forged = {
        "unsigned": "alice",
        "signed with another secret": create_signed_value("not-the-secret", "user", "alice"),
        "expired": create_signed_value(secret, "user", "alice", clock=lambda: two_days_ago),
    }
    for why, value in forged.items():
        cookies = {**signed_in, "user": value if isinstance(value, str) else value.decode()}
        status, location, _ = first_response(server.url, cookies)
        assert (status, "login" in location) == (302, True), why
    assert first_response(server.url, signed_in)[0] == 200  # the real one still works


def test_a_websocket_without_the_sign_in_cookie_is_refused(server, signed_in):
    assert websocket_opens(server.url, signed_in, signed_in)
    assert not websocket_opens(server.url, signed_in, {})
    session = Session(server.url, signed_in)  # and a signed-in session works as usual
    session.click(ADD)
    assert session.wait_for(lambda s: any(getattr(m, "title", None) for m in s.models()))
    session.close()


def test_cookies_set_ignores_cleared_cookies():
    headers = ['user="2|1:0|abc"; HttpOnly; Path=/', 'is_guest=""; expires=Thu, 01 Jan 1970']
    assert cookies_set(headers) == {"user": '"2|1:0|abc"'}
{%- if not basic %}


# -- Who may enter: access.py ---------------------------------------------------------------
def test_by_default_every_signed_in_user_may_enter(users):
    assert all(access.authorize(claims) for claims in users.values())
    assert access.authorize({})


def test_an_email_domain_rule_lets_in_only_that_domain(monkeypatch):
    monkeypatch.setattr(access, "ALLOWED_EMAIL_DOMAINS", frozenset({"example.com"}))
    assert access.authorize({"email": "alice@example.com"})
    assert access.authorize({"email": "Alice@EXAMPLE.com"})
    assert not access.authorize({"email": "bob@example.org"})
    assert not access.authorize({"email": "bob@example.com.evil.org"})
    assert not access.authorize({})


def test_a_group_rule_lets_in_only_members(monkeypatch):
    monkeypatch.setattr(access, "ALLOWED_GROUPS", frozenset({"staff"}))
    assert access.authorize({"groups": ["staff", "other"]})
    assert not access.authorize({"groups": ["other"]})
    assert not access.authorize({"groups": "staff"})  # a string is not a list of groups
    assert not access.authorize({})
{%- endif %}


# -- In a real browser --------------------------------------------------------------------
@pytest.mark.ui
def test_two_users_each_see_their_own_name_and_rows(open_tab{% if not basic %}, users{% endif %}):
    alice, bob = open_tab("alice").page, open_tab("bob").page
    expect(alice.locator(".signed-in-user")).to_have_text({% if basic %}"alice"{% else %}users["alice"]["email"]{% endif %})
    expect(bob.locator(".signed-in-user")).to_have_text({% if basic %}"bob"{% else %}users["bob"]["email"]{% endif %})
    for _ in range(2):
        alice.get_by_role("button", name=ADD).click()
    bob.get_by_role("button", name=ADD).click()
    expect(alice.get_by_label("Enter a number")).to_have_count(2)
    expect(bob.get_by_label("Enter a number")).to_have_count(1)


@pytest.mark.ui
def test_a_user_name_is_shown_as_text(open_tab{% if not basic %}, users{% endif %}):
    tab = open_tab({% if basic %}"O'Hara <b>&</b>"{% else %}"ohara"{% endif %})
    name = {% if basic %}"O'Hara <b>&</b>"{% else %}users["ohara"]["email"]{% endif %}
    expect(tab.page.locator(".signed-in-user")).to_have_text(name)
    assert tab.page.locator(".signed-in-user b").count() == 0  # not made bold: not HTML


@pytest.mark.ui
def test_signing_out_ends_the_session(open_tab, server):
    page = open_tab("alice").page
    page.get_by_role("button", name=ADD).click()
    expect(page.get_by_label("Enter a number")).to_have_count(1)
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("Signed out")).to_be_visible()
    page.goto(server.url)  # the app again: sign-in first, and the rows are gone
{%- if basic %}
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
{%- else %}
    expect(page.get_by_role("button", name="Authorize as alice")).to_be_visible()
    page.get_by_role("button", name="Authorize as alice").click()
    expect(page.get_by_role("button", name=ADD)).to_be_visible()
    expect(page.get_by_label("Enter a number")).to_have_count(0)
{%- endif %}
{%- if basic %}


@pytest.mark.ui
def test_a_wrong_password_in_the_form_shows_an_error(open_tab, server):
    page = open_tab(None).page
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid username or password")
    page.goto(server.url)
    expect(page).to_have_url(re.compile(r"/login"))
{%- else %}


@pytest.mark.ui
def test_a_user_the_access_rules_refuse_gets_panels_error_page(
    open_tab, sign_in_settings, tmp_path: Path
):
    """access.py restricted to example.com: alice (example.com) enters, bob (example.org)
    gets Panel's "not authorized" page, not the app."""
    setup = tmp_path / "only_example_com.py"  # runs once in the server, before any session
    setup.write_text(
        f"import {access.__name__} as access\n"
        "access.ALLOWED_EMAIL_DOMAINS = frozenset({'example.com'})\n",
        encoding="utf-8",
    )
    with serve(APP, "--setup", str(setup), env=sign_in_settings) as restricted:
        alice, bob = open_tab("alice", restricted.url).page, open_tab("bob", restricted.url).page
        expect(alice.get_by_role("button", name=ADD)).to_be_visible()
        expect(bob.get_by_text("User is not authorized.")).to_be_visible()
        expect(bob.get_by_role("button", name=ADD)).to_have_count(0)
        for page in (alice, bob):  # leave before the server stops, as a user would
            page.goto("about:blank")
{%- endif %}
