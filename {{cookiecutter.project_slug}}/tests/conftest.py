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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NO_BROWSER = "no Chromium for the browser tests"
DEBIAN_BROWSERS = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"]
signed_in_states: dict = {}  # each user's cookies after a first sign-in: returning users


@pytest.fixture(scope="session")
def server(sign_in_settings: dict[str, str]) -> Iterator[Server]:
    """app.py, served once for the whole run. Its log must stay free of errors."""
    with serve(APP, env=sign_in_settings) as running:
        yield running
        assert not running.problems(), "the app logged:\n" + "\n".join(running.problems())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, browser_type: BrowserType) -> dict:
    """$CHROMIUM_EXECUTABLE if set, else Playwright's own, else Debian's headless shell
    (apt-get install chromium-headless-shell: lighter than its chromium) or chromium."""
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    executable = os.environ.get("CHROMIUM_EXECUTABLE")
    if not executable and os.path.exists(browser_type.executable_path):
        return args  # Playwright picks its own headless shell
    executable = executable or next(filter(os.path.exists, DEBIAN_BROWSERS), "")
    if not os.path.exists(executable):  # in CI (where CI is set) the browser tests must run
        (pytest.fail if os.environ.get("CI") else pytest.skip)(NO_BROWSER)
    return {**args, "executable_path": executable}


def pytest_terminal_summary(terminalreporter) -> None:
    """Without a browser, one line at the end says what did not run and how to run it."""
    skipped = terminalreporter.stats.get("skipped", [])
    if missed := [r.head_line for r in skipped if NO_BROWSER in str(r.longrepr)]:
        fix = "install it: uv run playwright install --with-deps chromium"
        terminalreporter.write_line(f"{NO_BROWSER}, not run: {', '.join(missed)}; {fix}")


@dataclass
class Tab:  # the app in a browser context of its own, so a session of its own
    page: Page
    problems: list[str] = field(default_factory=list)  # console errors, failed requests, ...
    received: list = field(default_factory=list)  # websocket messages the server sent


@pytest.fixture
def open_tab(browser: Browser, server: Server, sign_in) -> Iterator[Callable[..., Tab]]:
    """Open the app in new browser contexts, signed in as `user` (sign_in.py's default if None).
    The test fails if a tab saw a console error, a failed request or a dialog."""
    tabs: list[Tab] = []

    def open_(user: str | None = None, signed_in: bool = True) -> Tab:
        returning = signed_in and user in signed_in_states
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
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: tab.received.append(f)))
        page.goto(server.url)
        if signed_in and not returning:
            sign_in(page, user, server.url)
            signed_in_states[user] = page.context.storage_state()
        return tab

    yield open_
    for tab in tabs:
        tab.page.wait_for_load_state("networkidle")  # what loads late counts too
        tab.page.context.close()
    problems = [problem for tab in tabs for problem in tab.problems]
    assert not problems, "the browser reported:\n" + "\n".join(problems)
