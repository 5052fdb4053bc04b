"""Fixtures: the app served for the whole run, and browser tabs on it, each its own session."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserType, Page, expect

from support import Server, serve

pytest_plugins = ["sign_in"]  # sign_in.py: how the server and a tab sign users in, if at all
APP = Path(__file__).resolve().parents[1] / "app.py"
expect.set_options(timeout=15_000)  # browser assertions retry this long: busy CI machines
# For containers and closed networks: no sandbox (root), no GPU, no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="session")
def server(sign_in_settings: dict[str, str]) -> Iterator[Server]:
    """app.py, served once for the whole run. Its log must stay free of errors."""
    with serve(APP, env=sign_in_settings) as running:
        yield running
        assert not running.problems(), "the app logged:\n" + "\n".join(running.problems())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, browser_type: BrowserType) -> dict:
    """$CHROMIUM_EXECUTABLE, else Playwright's own Chromium, else /usr/bin/chromium."""
    found = [os.environ.get("CHROMIUM_EXECUTABLE"), browser_type.executable_path]
    executable = next((p for p in [*found, "/usr/bin/chromium"] if p and Path(p).exists()), None)
    if executable is None:  # in CI (where CI is set) the browser tests must run
        why = "no Chromium, so the browser tests (-m ui) did not run: `uv run playwright install chromium` installs it"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(why)
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@dataclass
class Tab:
    """The app in a browser context of its own, so a session of its own."""

    page: Page
    problems: list[str] = field(default_factory=list)  # console errors, failed requests, ...
    received: list = field(default_factory=list)  # websocket messages the server sent


@pytest.fixture(scope="session")
def signed_in_states() -> dict:
    """Each user's cookies once signed in: later tabs start signed in, as a returning user."""
    return {}


@pytest.fixture
def open_tab(
    browser: Browser, server: Server, sign_in, signed_in_states
) -> Iterator[Callable[..., Tab]]:
    """Open the app in new browser contexts, signed in as `user` (sign_in.py's default if
    None). The test fails if one saw a console error, a failed request or a dialog."""
    tabs: list[Tab] = []

    def open_(user: str | None = None, url: str | None = None, signed_in: bool = True) -> Tab:
        returning = signed_in and url is None and user in signed_in_states
        context = browser.new_context(storage_state=signed_in_states[user] if returning else None)
        tab = Tab(context.new_page())
        tabs.append(tab)
        page, record = tab.page, tab.problems.append
        # Tests never use the internet: fonts and stylesheets from elsewhere come empty.
        page.context.route(
            lambda url: urlsplit(url).hostname not in (None, "127.0.0.1"),
            lambda route: route.fulfill(status=200, content_type="text/css", body=""),
        )
        page.on("console", lambda message: message.type == "error" and record(message.text))
        page.on("pageerror", lambda error: record(f"page error: {error}"))
        page.on("response", lambda r: r.status >= 400 and record(f"{r.status}: {r.url}"))
        # ERR_ABORTED is the browser cancelling, e.g. a reload while a file still loads.
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and record(r.failure))
        page.on("dialog", lambda dialog: (record(f"dialog: {dialog.message}"), dialog.dismiss()))
        keep = tab.received.append
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: keep(frame)))
        page.goto(url or server.url)
        if signed_in and not returning:
            sign_in(page, user, url or server.url)
            if url is None:
                signed_in_states[user] = page.context.storage_state()
        return tab

    yield open_
    for tab in tabs:
        tab.page.wait_for_load_state("networkidle")  # what loads late counts too
        tab.page.context.close()
    problems = [problem for tab in tabs for problem in tab.problems]
    assert not problems, "the browser reported:\n" + "\n".join(problems)
