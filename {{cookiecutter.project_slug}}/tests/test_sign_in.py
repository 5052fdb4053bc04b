"""Sign-in: only signed-in users reach the app, each sees their own name, and signing
out ends it. Against the real served app (conftest.py), signed in as sign_in.py says,
over HTTP, over the websocket and in Chromium."""

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def first_response(url: str, cookies: dict[str, str] | None = None) -> tuple[int, str, str]:
    """GET `url` once, not following redirects: (status, Location, body)."""
    headers = {"Cookie": cookie_header(cookies)} if cookies else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def websocket_opens(url: str, token: str, cookies: dict[str, str]) -> bool:
    """Whether the app's websocket opens for the session `token` names, with `cookies`."""
    origin = re.match(r"https?://[^/]+", url).group(0)  # browsers send it; the server checks it
    headers = {"Origin": origin, **({"Cookie": cookie_header(cookies)} if cookies else {})}
    try:  # the session token rides in the subprotocol header, as browsers send it
        with connect(re.sub(r"^http", "ws", url) + "/ws", additional_headers=headers,
                     subprotocols=["bokeh", token], open_timeout=30):  # fmt: skip
            return True
    except InvalidStatus:
        return False


@pytest.fixture
def signed_in(server, sign_in_over_http) -> dict[str, str]:
    """The cookies of a signed-in user, alice."""
    return sign_in_over_http(server.url, "alice")


# -- Over HTTP and the websocket ---------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_sign_in(server):
    status, location, body = first_response(server.url)
    assert (status, "login" in location) == (302, True)
    assert '"token"' not in body  # no session token, so no websocket either


def test_a_signed_in_user_gets_the_app(server, signed_in):
    status, _, page = first_response(server.url, signed_in)
    assert status == 200
    assert '"token"' in page


def test_a_made_up_sign_in_cookie_is_refused(server, signed_in):
    assert first_response(server.url, {**signed_in, "user": "alice"})[0] == 302  # not signed
    assert first_response(server.url, signed_in)[0] == 200  # the real one still works


def test_a_websocket_without_the_sign_in_cookie_is_refused(server, signed_in):
    _, _, page = first_response(server.url, signed_in)  # a page, so a session token
    token = re.search(r'"token":\s*"([^"]+)"', page).group(1)
    assert websocket_opens(server.url, token, signed_in)  # the check can pass
    assert not websocket_opens(server.url, token, {})


# -- In a real browser --------------------------------------------------------------------
@pytest.mark.ui
def test_two_users_each_see_their_own_name(open_tab, users):
    alice, bob = open_tab("alice").page, open_tab("bob").page
    expect(alice.locator(".signed-in-user")).to_have_text(users["alice"])
    expect(bob.locator(".signed-in-user")).to_have_text(users["bob"])


@pytest.mark.ui
def test_a_user_name_is_shown_as_text(open_tab, users):
    [(odd, shown)] = [(user, name) for user, name in users.items() if "<b>" in name]
    page = open_tab(odd).page
    expect(page.locator(".signed-in-user")).to_have_text(shown)
    expect(page.locator(".signed-in-user b")).to_have_count(0)  # not made bold: not HTML


@pytest.mark.ui
def test_signing_out_ends_the_session(open_tab, server):
    page = open_tab().page
    page.get_by_role("link", name="Sign out").click()
    page.goto(server.url)  # the app again: sign-in comes first
    expect(page).not_to_have_url(server.url)
