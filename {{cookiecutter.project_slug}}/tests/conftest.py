"""Fixtures: the real app served by `panel serve`, and sessions on it (websocket or browser){% if cookiecutter.auth == "basic" %},
signed in with the user names and passwords of a credentials file made for the run{% elif cookiecutter.auth == "oidc" %},
signed in at a real OpenID Connect provider the tests start on 127.0.0.1{% endif %}."""

from __future__ import annotations
{% if cookiecutter.auth == "basic" %}
import json
{%- endif %}
import os
{%- if cookiecutter.auth != "none" %}
import secrets
{%- endif %}
{%- if cookiecutter.auth == "oidc" %}
import threading
{%- endif %}
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
{%- if cookiecutter.auth == "oidc" %}
import werkzeug.serving
from cryptography.fernet import Fernet
from oidc_provider_mock import User
from oidc_provider_mock import app as identity_provider_app
{%- endif %}
from playwright.sync_api import Browser, BrowserType, Dialog, Page, Request, Route, expect

from support import Server, Session, serve{% if cookiecutter.auth != "none" %}, sign_in{% endif %}

APP = Path(__file__).resolve().parents[1] / "app.py"

expect.set_options(timeout=15_000)  # browser assertions retry this long: busy CI machines
{%- if cookiecutter.auth == "basic" %}

# Who may sign in, with a fresh password each run. The odd name shows that names are
# shown as text, never run as HTML.
PASSWORDS = {user: secrets.token_urlsafe(16) for user in ("alice", "bob", "O'Hara <b>&</b>")}


@pytest.fixture(scope="session")
def sign_in_settings(tmp_path_factory) -> dict[str, str]:
    """What the server needs for sign-in, as production passes it: the environment."""
    credentials = tmp_path_factory.mktemp("sign-in") / "credentials.json"
    credentials.write_text(json.dumps(PASSWORDS), encoding="utf-8")
    return {"PANEL_BASIC_AUTH": str(credentials), "PANEL_COOKIE_SECRET": secrets.token_urlsafe(32)}


@pytest.fixture(scope="session")
def passwords() -> dict[str, str]:
    """User name -> password, for tests that sign in themselves. (A fixture, as tests
    must not import conftest: that would make a second copy, with other passwords.)"""
    return PASSWORDS
{%- elif cookiecutter.auth == "oidc" %}

# The users the test provider knows: subject -> claims (the ID token's). The odd name
# shows that names are shown as text, never run as HTML.
USERS = {
    "alice": {"email": "alice@example.com", "name": "Alice", "groups": ["staff"]},
    "bob": {"email": "bob@example.org", "name": "Bob", "groups": []},
    "ohara": {"email": "O'Hara<b>&</b>@example.com", "name": "O'Hara", "groups": []},
}


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[str]:
    """A real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1: its URL."""
    users = [User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    provider = werkzeug.serving.make_server(
        "127.0.0.1", 0, identity_provider_app(user_claims=users), threaded=True
    )
    thread = threading.Thread(target=provider.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{provider.server_port}"
    provider.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def users() -> dict[str, dict]:
    """The provider's users: subject -> claims (tests must not import conftest)."""
    return USERS


@pytest.fixture(scope="session")
def sign_in_settings(identity_provider: str) -> dict[str, str]:
    """What the server needs for sign-in, as production passes it: the environment."""
    return {
        "PANEL_OAUTH_PROVIDER": "generic",
        "PANEL_OAUTH_AUTHORIZE_URL": f"{identity_provider}/oauth2/authorize",
        "PANEL_OAUTH_TOKEN_URL": f"{identity_provider}/oauth2/token",
        "PANEL_OAUTH_USER_URL": f"{identity_provider}/userinfo",
        "PANEL_OAUTH_SCOPE": "openid,email,profile",
        "PANEL_OAUTH_KEY": "tests",
        "PANEL_OAUTH_SECRET": secrets.token_urlsafe(16),
        "PANEL_OAUTH_REFRESH_TOKENS": "true",
        "PANEL_OAUTH_ENCRYPTION": Fernet.generate_key().decode(),
        "PANEL_COOKIE_SECRET": secrets.token_urlsafe(32),
    }
{%- endif %}


@pytest.fixture(scope="session")
def server({% if cookiecutter.auth != "none" %}sign_in_settings: dict[str, str]{% endif %}) -> Iterator[Server]:
    """app.py, served once for the whole test run. Its log must stay free of errors."""
    with serve(APP{% if cookiecutter.auth != "none" %}, env=sign_in_settings{% endif %}) as running:
        yield running
        problems = running.problems()
        assert not problems, "the served app logged:\n" + "\n".join(problems)


@pytest.fixture
def open_session(server: Server) -> Iterator[Callable[..., Session]]:
{%- if cookiecutter.auth == "none" %}
    """Open sessions on the served app over its websocket; all are closed after the test."""
{%- else %}
    """Open sessions on the served app over its websocket, signed in as `user`; all are
    closed after the test."""
{%- endif %}
    sessions: list[Session] = []

    def open_({% if cookiecutter.auth != "none" %}user: str = "alice"{% endif %}) -> Session:
{%- if cookiecutter.auth == "basic" %}
        cookies = sign_in(server.url, user, PASSWORDS[user])
{%- elif cookiecutter.auth == "oidc" %}
        cookies = sign_in(server.url, user)
{%- endif %}
        sessions.append(Session(server.url{% if cookiecutter.auth != "none" %}, cookies{% endif %}))
        return sessions[-1]

    yield open_
    for session in sessions:
        session.close()


# Chromium flags for containers and closed networks: no sandbox (root), no GPU,
# and none of the background connections a locked-down network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, browser_type: BrowserType) -> dict:
    """Chromium for the browser tests: $CHROMIUM_EXECUTABLE, else Playwright's own,
    else /usr/bin/chromium. With none of them, the browser tests skip, saying so."""
    named = os.environ.get("CHROMIUM_EXECUTABLE")
    found = [named, browser_type.executable_path, "/usr/bin/chromium"]
    executable = next((path for path in found if path and Path(path).exists()), None)
    if executable is None:
        pytest.skip("no Chromium: run `playwright install chromium`, or set CHROMIUM_EXECUTABLE")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


# Tests never use the internet: a request that would leave 127.0.0.1 gets an empty
# stylesheet. Panel's {{ cookiecutter.ui_template }} template asks only these hosts.
{%- if cookiecutter.ui_template == "bootstrap" %}
OFFSITE_HOSTS_ALLOWED: set[str] = set()  # bootstrap loads everything from the app's server
{%- elif cookiecutter.ui_template == "material" %}
OFFSITE_HOSTS_ALLOWED = {
    "fonts.googleapis.com",  # Roboto and Material Icons
    "cdn.jsdelivr.net",  # material-components-web's stylesheet
}
{%- else %}
OFFSITE_HOSTS_ALLOWED = {"fonts.googleapis.com"}  # the template's web font
{%- endif %}
{%- if cookiecutter.auth != "none" %}
OFFSITE_HOSTS_ALLOWED |= {"cdn.holoviz.org", "fonts.googleapis.com"}  # Panel's sign-in pages
{%- endif %}
{%- if cookiecutter.auth == "oidc" %}
OFFSITE_HOSTS_ALLOWED.add("cdn.jsdelivr.net")  # the test provider's stylesheet
{%- endif %}


@dataclass
class Tab:
    """The served app in its own browser context, i.e. its own session."""

    page: Page
    problems: list[str] = field(default_factory=list)  # console errors, failed requests
    dialogs: list[str] = field(default_factory=list)  # alert() and the like: script ran

    def record(self, problem: str) -> None:
        self.problems.append(problem)


@pytest.fixture
def open_tab(browser: Browser, server: Server) -> Iterator[Callable[..., Tab]]:
{%- if cookiecutter.auth == "none" %}
    """Open the app in new browser contexts (new sessions); all are closed after the test,
    which fails if any of them saw a console error, a failed request, a dialog, or a
    request offsite but to OFFSITE_HOSTS_ALLOWED."""
{%- else %}
    """Open the app in new browser contexts (new sessions), signed in as `user` (at
    `url`, if not the served app's); all are closed after the test, which fails if
    any of them saw a console error, a failed request, a dialog, or a request
    offsite but to OFFSITE_HOSTS_ALLOWED."""
{%- endif %}
    tabs: list[Tab] = []

    def open_({% if cookiecutter.auth != "none" %}user: str | None = "alice", url: str | None = None{% endif %}) -> Tab:
        context = browser.new_context()
        tab = Tab(context.new_page())
        tabs.append(tab)
        context.route(_offsite, lambda route: _answer_offsite(tab, route))
        tab.page.on("console", lambda m: m.type == "error" and tab.record(m.text))
        tab.page.on("pageerror", lambda error: tab.record(f"page error: {error}"))
        tab.page.on("requestfailed", lambda request: _failed(tab, request))
        tab.page.on("response", lambda r: r.status >= 400 and tab.record(f"{r.status}: {r.url}"))
        # Listen before the page loads: a dialog nobody listens for is dismissed unseen.
        tab.page.on("dialog", lambda dialog: _dialog(tab, dialog))
{%- if cookiecutter.auth == "none" %}
        tab.page.goto(server.url)
{%- else %}
        tab.page.goto(url or server.url)
{%- endif %}
{%- if cookiecutter.auth == "basic" %}
        if user is not None:  # None: stay on the sign-in page
            tab.page.get_by_label("Username").fill(user)
            tab.page.get_by_label("Password").fill(PASSWORDS[user])
            tab.page.get_by_role("button", name="Log in").click()
            expect(tab.page).to_have_url(url or server.url)
{%- elif cookiecutter.auth == "oidc" %}
        if user is not None:  # None: stay at the provider
            tab.page.get_by_role("button", name=f"Authorize as {user}").click()
            expect(tab.page).to_have_url(url or server.url)
{%- endif %}
        return tab

    yield open_
    problems = []
    for tab in tabs:
        tab.page.wait_for_load_state("networkidle")  # what loads late counts too
        problems += tab.problems + [f"dialog: {message}" for message in tab.dialogs]
        tab.page.context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


def _offsite(url: str) -> bool:
    return url.startswith(("http://", "https://")) and urlsplit(url).hostname != "127.0.0.1"


def _answer_offsite(tab: Tab, route: Route) -> None:
    if urlsplit(route.request.url).hostname not in OFFSITE_HOSTS_ALLOWED:
        tab.record(f"offsite: {route.request.url}")
    route.fulfill(status=200, content_type="text/css", body="")


def _dialog(tab: Tab, dialog: Dialog) -> None:
    tab.dialogs.append(dialog.message)
    dialog.dismiss()


def _failed(tab: Tab, request: Request) -> None:
    # ERR_ABORTED is the browser cancelling, e.g. a reload while a file still loads.
    if request.failure != "net::ERR_ABORTED":
        tab.record(f"{request.failure}: {request.url}")
