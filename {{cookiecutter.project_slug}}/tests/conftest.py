"""Shared fixtures: the real app served by `panel serve`, and sessions on it.

The helpers live in {{ cookiecutter.package_name }}.testing, so scripts/ can use them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, Route, expect

from {{ cookiecutter.package_name }}.testing import (
    CHROMIUM_ARGS,
    AppSession,
    Server,
    client_loop,
    find_chromium,
    serve,
)

ROOT = Path(__file__).resolve().parents[1]
ENTRY = ROOT / "app.py"

# Browser assertions retry until this timeout: generous, for busy CI machines.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The scale-out test (about a minute, needs nginx) runs only when `-m` names it,
    e.g. `pytest -m scaleout`. (An addopts `-m "not scaleout"` would be replaced by
    any other `-m`, such as `-m "not ui"`.)"""
    if "scaleout" in config.getoption("markexpr"):
        return
    left_out = [item for item in items if item.get_closest_marker("scaleout")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """app.py, served once for the whole test run. Its log must stay free of errors."""
    with serve(ENTRY) as running:
        yield running
        problems = running.problems()
        assert not problems, "the served app logged:\n" + "\n".join(problems)


@pytest.fixture
def open_session(server: Server) -> Iterator[Callable[[], AppSession]]:
    """Open sessions on the served app; all are closed when the test ends."""
    sessions: list[AppSession] = []
    with client_loop() as loop:

        def open_() -> AppSession:
            sessions.append(AppSession(server.app_url, loop))
            return sessions[-1]

        yield open_
        for session in sessions:
            session.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the Chromium that find_chromium picks (test_ui.py skips if there is none)."""
    executable, _ = find_chromium()
    return {**browser_type_launch_args, "executable_path": executable, "args": [*CHROMIUM_ARGS]}


# Tests never use the internet: requests that would leave 127.0.0.1 get an empty
# stylesheet. Only these hosts may be asked; Panel's {{ cookiecutter.ui_template }} template needs them.
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
    dialogs: list[str] = field(default_factory=list)  # alert()s and the like: script ran
    offsite: list[str] = field(default_factory=list)  # requests answered locally, see above

    def unexpected_offsite(self) -> list[str]:
        return [url for url in self.offsite if urlsplit(url).hostname not in OFFSITE_HOSTS_ALLOWED]


@pytest.fixture
def open_tab(browser: Browser, server: Server) -> Iterator[Callable[[], Tab]]:
    """Open the app in new browser contexts (new sessions); all are closed after the test.

    When the test ends, every tab it opened must have had no console errors, no
    failed requests, no dialogs and no requests offsite but to OFFSITE_HOSTS_ALLOWED.
    """
    tabs: list[Tab] = []

    def open_() -> Tab:
        context = browser.new_context()
        tab = Tab(context.new_page())
        tabs.append(tab)

        def answer_offsite(route: Route) -> None:
            tab.offsite.append(route.request.url)
            route.fulfill(status=200, content_type="text/css", body="")

        context.route(_offsite, answer_offsite)
        tab.page.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
        tab.page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
        tab.page.on("requestfailed", partial(_request_failed, tab))
        # Listening before the page loads: a dialog nobody listens for is dismissed unseen.
        tab.page.on("dialog", partial(_dialog, tab))
        tab.page.on(
            "response", lambda r: r.status >= 400 and tab.problems.append(f"{r.status}: {r.url}")
        )
        tab.page.goto(server.app_url)
        return tab

    yield open_
    problems = []
    for tab in tabs:
        tab.page.wait_for_load_state("networkidle")  # what loads late counts too
        problems += tab.problems + [f"dialog: {message}" for message in tab.dialogs]
        problems += [f"offsite: {url}" for url in tab.unexpected_offsite()]
    for tab in tabs:
        tab.page.context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


def _request_failed(tab: Tab, request: Request) -> None:
    # ERR_ABORTED is the browser cancelling, e.g. a reload while a file still loads.
    if request.failure != "net::ERR_ABORTED":
        tab.problems.append(f"{request.failure}: {request.url}")


def _dialog(tab: Tab, dialog: Dialog) -> None:
    tab.dialogs.append(dialog.message)
    dialog.dismiss()


def _offsite(url: str) -> bool:
    return url.startswith(("http://", "https://")) and urlsplit(url).hostname != "127.0.0.1"
