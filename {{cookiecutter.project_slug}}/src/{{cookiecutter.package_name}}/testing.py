"""Run the real app and drive it like a browser does: for tests and scripts.

`serve` starts `panel serve` on a free 127.0.0.1 port; `AppSession` opens a
session over the websocket (bokeh.client), clicks, types and reads back what
the server holds. `find_chromium` picks the browser for Playwright.
Nothing here runs at import time; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

import panel  # noqa: F401 - registers Panel's Bokeh models, so served documents deserialize
from bokeh.client import ClientSession, pull_session
from bokeh.document.events import MessageSentEvent
from bokeh.events import ButtonClick
from bokeh.model import Model
from bokeh.models import Button, Spinner
from tornado.ioloop import IOLoop

STARTUP_SECONDS = 60
SETTLE_SECONDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `panel serve` process and its output."""

    port: int
    process: subprocess.Popen
    log: IO[bytes]

    entry: Path

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.entry.stem}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def problems(self) -> list[str]:
        """Log records with a traceback or a warning, but for clients hanging up.

        A browser that closes while the server writes to it makes Tornado log a
        WebSocketClosedError traceback: that is the client leaving, not a bug.
        """
        records = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", self.output())
        return [
            record
            for record in records
            if ("Traceback" in record or "Warning" in record)
            and "WebSocketClosedError" not in record
        ]


def _is_live(process: subprocess.Popen, port: int) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def serve(entry: Path, *extra_args: str) -> Iterator[Server]:
    """Serve `entry` with `panel serve` on a free port until the block ends."""
    with tempfile.TemporaryFile() as log:
        for attempt in range(3):  # another process may take the free port first
            log.seek(0)
            log.truncate()
            port = free_port()
            command = [
                sys.executable, "-m", "panel", "serve", str(entry),
                "--address", "127.0.0.1", "--port", str(port),
                "--allow-websocket-origin", f"127.0.0.1:{port}",
                "--liveness", *extra_args,
            ]  # fmt: skip
            process = subprocess.Popen(
                command, cwd=entry.parent, stdout=log, stderr=subprocess.STDOUT
            )
            server = Server(port=port, process=process, log=log, entry=entry)
            if _is_live(process, port):
                break
            _stop(process)
            if attempt == 2 or "already in use" not in server.output():
                raise RuntimeError(f"panel serve did not start on port {port}:\n{server.output()}")
        try:
            yield server
        finally:
            _stop(process)


@dataclass(frozen=True)
class Snapshot:
    """What the server holds for one session right now."""

    values: list[int]
    summary: str


class AppSession:
    """One session of the served app, driven over the websocket like a browser."""

    def __init__(self, url: str, loop: IOLoop):
        self._url = url
        self._loop = loop
        self.client = _open_session(url, loop)

    @property
    def id(self) -> str:
        return self.client.id

    def click(self, label: str) -> None:
        """Click the button with this label, as BokehJS does: a ButtonClick event."""
        document = self.client.document
        [button] = [b for b in document.select({"type": Button}) if b.label == label]
        document.callbacks.trigger_on_change(
            MessageSentEvent(document, "bokeh_event", ButtonClick(button))
        )
        self.client.force_roundtrip()  # runs the client loop, which sends the event

    def set_row_value(self, index: int, value: int) -> None:
        """Type a value into a row: the change reaches the server as a model patch."""
        with self._reopened() as fresh:
            self._rows(fresh.document)[index].value = value
            fresh.force_roundtrip()

    def snapshot(self) -> Snapshot:
        """Read the server's state by pulling this session again, by id.

        The synchronous client does not apply everything the server pushes, so
        a fresh pull of the same session is the reliable view of server state.
        """
        with self._reopened() as fresh:
            document = fresh.document
            values = [row.value for row in self._rows(document)]
            texts = [_text(model) for model in document.models]
            [summary] = [text for text in texts if text.startswith("Rows: ")]
            return Snapshot(values=values, summary=summary)

    @contextmanager
    def _reopened(self) -> Iterator[ClientSession]:
        fresh = _open_session(self._url, self._loop, session_id=self.id)
        try:
            yield fresh
        finally:
            fresh.close()

    def wait_for(self, condition: Callable[[Snapshot], bool]) -> Snapshot:
        """Re-read the server's state until `condition` holds or SETTLE_SECONDS pass; return it."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            snapshot = self.snapshot()
            if condition(snapshot) or time.monotonic() > deadline:
                return snapshot
            time.sleep(0.05)

    @staticmethod
    def _rows(document) -> list[Spinner]:
        """The row inputs, in the order the page shows them."""
        return [
            model
            for root in document.roots
            for model in _in_layout_order(root)
            if isinstance(model, Spinner) and model.title == "Enter a number"
        ]


def _open_session(url: str, loop: IOLoop, session_id: str | None = None) -> ClientSession:
    """Open (or re-open) a session; its models all came from the server."""
    client = pull_session(session_id=session_id, url=url, io_loop=loop)
    # Mark them known to the server, so events refer to them by id (as BokehJS does)
    # instead of resending their definitions.
    client.document.models.flush_synced()
    return client


def _in_layout_order(model: Model) -> Iterator[Model]:
    yield model
    children = [*(getattr(model, "children", None) or []), *(getattr(model, "tabs", None) or [])]
    if isinstance(getattr(model, "child", None), Model):
        children.append(model.child)
    for child in children:
        if isinstance(child, Model):
            yield from _in_layout_order(child)


def _text(model) -> str:
    """The visible text of a model that shows HTML (Panel sends it escaped); "" for others."""
    markup = html.unescape(str(getattr(model, "text", "")))
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


@contextmanager
def client_loop() -> Iterator[IOLoop]:
    """An event loop for bokeh.client, which drives it synchronously."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield IOLoop.current()
    finally:
        asyncio.set_event_loop(None)
        loop.close()


# Chromium flags for containers and closed networks: no sandbox (root), no GPU,
# and none of the background connections a locked-down network refuses.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


@cache
def find_chromium() -> tuple[str | None, str]:
    """(executable for Playwright, or None for Playwright's own; how it was found).

    In order: $CHROMIUM_EXECUTABLE, Playwright's own Chromium (`playwright install
    chromium`), /usr/bin/chromium. Raises LookupError, with the reason, if none exists.
    """
    named = os.environ.get("CHROMIUM_EXECUTABLE")
    if named:
        path = shutil.which(named)
        if path is None:
            raise LookupError(f"CHROMIUM_EXECUTABLE={named!r} is not an executable")
        return path, "$CHROMIUM_EXECUTABLE"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = Path(playwright.chromium.executable_path)
    if own.exists():
        return None, f"Playwright's Chromium ({own})"
    if SYSTEM_CHROMIUM.exists():
        return str(SYSTEM_CHROMIUM), str(SYSTEM_CHROMIUM)
    raise LookupError(
        "no Chromium: set CHROMIUM_EXECUTABLE, run `python -m playwright install chromium`, "
        f"or install {SYSTEM_CHROMIUM}"
    )
