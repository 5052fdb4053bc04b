"""Fixtures: the real app served by `panel serve`, and sessions on it (websocket or browser)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserType, Dialog, Page, Request, Route, expect

from support import Server, Session, serve

APP = Path(__file__).resolve().parents[1] / "app.py"

expect.set_options(timeout=15_000)  # browser assertions retry this long: busy CI machines


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """app.py, served once for the whole test run. Its log must stay free of errors."""
    with serve(APP) as running:
        yield running
        problems = running.problems()
        assert not problems, "the served app logged:\n" + "\n".join(problems)


@pytest.fixture
def open_session(server: Server) -> Iterator[Callable[[], Session]]:
    """Open sessions on the served app over its websocket; all are closed after the test."""
    sessions: list[Session] = []

    def open_() -> Session:
        sessions.append(Session(server.url))
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


@dataclass
class Tab:
    """The served app in its own browser context, i.e. its own session."""

    page: Page
    problems: list[str] = field(default_factory=list)  # console errors, failed requests
    dialogs: list[str] = field(default_factory=list)  # alert() and the like: script ran

    def record(self, problem: str) -> None:
        self.problems.append(problem)


@pytest.fixture
def open_tab(browser: Browser, server: Server) -> Iterator[Callable[[], Tab]]:
    """Open the app in new browser contexts (new sessions); all are closed after the test,
    which fails if any of them saw a console error, a failed request, a dialog, or a
    request offsite but to OFFSITE_HOSTS_ALLOWED."""
    tabs: list[Tab] = []

    def open_() -> Tab:
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
        tab.page.goto(server.url)
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
