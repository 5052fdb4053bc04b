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
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

import panel  # noqa: F401 - registers Panel's Bokeh models, so served documents deserialize
from bokeh.client.websocket import WebSocketClientConnectionWrapper
from bokeh.document import Document
from bokeh.document.events import MessageSentEvent
from bokeh.events import ButtonClick, DocumentReady
from bokeh.model import Model
from bokeh.models import Button
from bokeh.protocol import Protocol
from bokeh.protocol.message import Message
from bokeh.protocol.receiver import Receiver
from bokeh.util.token import get_session_id
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

STARTUP_SECONDS = 60
SETTLE_SECONDS = 10
# In a served app's log, these tracebacks mean a client left (see Server.problems).
CLIENT_LEFT = ("WebSocketClosedError", "assert self._session is not None")


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

        A client leaving is not a bug, yet Bokeh logs tracebacks for it: a
        WebSocketClosedError when the server writes to a closed socket, and
        `assert self._session is not None` when a keep-alive ping finds the
        socket closing and drops its session before the last messages are read.
        """
        records = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", self.output())
        return [
            record
            for record in records
            if ("Traceback" in record or "Warning" in record)
            and not any(sign in record for sign in CLIENT_LEFT)
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
    """What a session shows right now."""

    values: list  # what each row input holds
    summary: str


class LiveSession:
    """One session, opened and driven the way a browser does it (asyncio).

    It GETs the app page, which makes the server create the session (and lets a
    sticky load balancer set its cookie), then opens the websocket with the
    page's token and the same cookies, pulls the document, and from then on
    applies every change the server pushes, counting the messages. The socket
    gets TCP_NODELAY, as browsers' do, so Nagle's algorithm adds no delay.
    """

    def __init__(self, socket: WebSocketClientConnection, cookies: dict[str, str]):
        self._socket = socket
        self._connection = WebSocketClientConnectionWrapper(socket)
        self._protocol = Protocol()
        self._receiver = Receiver(self._protocol)
        self._replies: dict[str, asyncio.Future] = {}
        self._changed = asyncio.Event()
        self._acknowledged = asyncio.Event()  # the server is ready for our messages
        self.cookies = cookies
        self.document = Document()
        self.pushes = 0  # messages the server sent on its own, not as replies
        self.id = ""
        self._reader: asyncio.Task | None = None
        self._sending: set[asyncio.Future] = set()

    @classmethod
    async def open(
        cls, app_url: str, cookies: dict[str, str] | None = None, timeout: float = 30
    ) -> LiveSession:
        cookies = dict(cookies or {})
        page = await AsyncHTTPClient().fetch(
            app_url, headers=_cookie_header(cookies), request_timeout=timeout
        )
        for header in page.headers.get_list("Set-Cookie"):
            name, _, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value.strip()
        token = re.search(r'"token":\s*"([^"]+)"', page.body.decode()).group(1)
        origin = re.match(r"https?://[^/]+", app_url).group(0)  # browsers send it; Bokeh checks it
        request = HTTPRequest(
            re.sub(r"^http", "ws", app_url) + "/ws",
            headers={**_cookie_header(cookies), "Origin": origin},
            connect_timeout=timeout,
            request_timeout=timeout,
        )
        socket = await websocket_connect(request, subprotocols=["bokeh", token])
        socket.stream.set_nodelay(True)
        session = cls(socket, cookies)
        session.id = get_session_id(token)
        session._reader = asyncio.ensure_future(session._read())
        await asyncio.wait_for(session._acknowledged.wait(), timeout)  # as BokehJS waits
        reply = await asyncio.wait_for(session._request("PULL-DOC-REQ"), timeout)
        reply.push_to_document(session.document)
        session.document.models.flush_synced()  # all known to the server: refer to them by id
        session.document.callbacks.on_change_dispatch_to(session)
        # BokehJS reports a rendered document; Panel marks the session live (and runs
        # pn.state.onload callbacks) only then.
        ready = MessageSentEvent(session.document, "bokeh_event", DocumentReady())
        await session._send("PATCH-DOC", [ready])
        return session

    async def close(self) -> None:
        self._socket.close(1000, "closed")  # like a browser leaving the page
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)

    async def click(self, label: str) -> None:
        """Click the button with this label: BokehJS sends a ButtonClick event."""
        [button] = [b for b in self.document.select({"type": Button}) if b.label == label]
        event = MessageSentEvent(self.document, "bokeh_event", ButtonClick(button))
        await self._send("PATCH-DOC", [event])

    async def set_row_value(self, index: int, value: int | None) -> None:
        """Type a value into a row: the change goes to the server as a model patch."""
        self.rows()[index].value = value  # _document_patched sends it
        await asyncio.gather(*self._sending)

    async def roundtrip(self, timeout: float = SETTLE_SECONDS) -> None:
        """Ask the server something and wait: every earlier push has then been read."""
        await asyncio.wait_for(self._request("SERVER-INFO-REQ"), timeout)

    async def wait_for(
        self, condition: Callable[[Snapshot], bool], timeout: float = SETTLE_SECONDS
    ) -> Snapshot:
        """Wait until `condition(snapshot)` holds, or `timeout` passes; return the snapshot."""
        deadline = time.monotonic() + timeout
        while not condition(snapshot := self.snapshot()) and time.monotonic() < deadline:
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
        return snapshot

    def snapshot(self) -> Snapshot:
        values = [row.value for row in self.rows()]
        texts = [_text(model) for model in self.document.models]
        summary = next((text for text in texts if text.startswith("Rows: ")), "")
        return Snapshot(values=values, summary=summary)

    def rows(self) -> list[Model]:
        """The row inputs (labelled "Enter a number"), in the order the page shows them."""
        return [
            model
            for root in self.document.roots
            for model in _in_layout_order(root)
            if getattr(model, "title", None) == "Enter a number"
        ]

    async def _request(self, msgtype: str) -> Message:
        message = self._protocol.create(msgtype)
        reply = self._replies[message.header["msgid"]] = asyncio.get_running_loop().create_future()
        await message.send(self._connection)
        return await reply

    async def _send(self, msgtype: str, *args) -> None:
        await self._protocol.create(msgtype, *args).send(self._connection)

    def _document_patched(self, event) -> None:
        """Local changes (a typed value) go to the server, as BokehJS sends them."""
        if event.setter is not self:
            task = asyncio.ensure_future(self._send("PATCH-DOC", [event]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _read(self) -> None:
        while (fragment := await self._socket.read_message()) is not None:
            message = await self._receiver.consume(fragment)
            if message is None:
                continue  # more fragments of the same message to come
            reply_to = message.header.get("reqid")
            if reply_to is not None:  # a reply to something we sent (OK, a pulled document, ...)
                if reply_to in self._replies:
                    self._replies.pop(reply_to).set_result(message)
                continue
            if message.msgtype == "ACK":
                self._acknowledged.set()
                continue
            self.pushes += 1
            if message.msgtype == "PATCH-DOC":
                message.apply_to_document(self.document, self)
                self.document.models.flush_synced()
                self._changed.set()


class AppSession:
    """A LiveSession driven synchronously, so a test reads top to bottom."""

    def __init__(self, url: str, loop: asyncio.AbstractEventLoop):
        self._loop = loop
        self.live = loop.run_until_complete(LiveSession.open(url))

    @property
    def id(self) -> str:
        return self.live.id

    @property
    def pushes(self) -> int:
        return self.live.pushes

    def click(self, label: str) -> None:
        self._loop.run_until_complete(self.live.click(label))

    def set_row_value(self, index: int, value: int | None) -> None:
        self._loop.run_until_complete(self.live.set_row_value(index, value))

    def roundtrip(self) -> None:
        self._loop.run_until_complete(self.live.roundtrip())

    def wait_for(self, condition: Callable[[Snapshot], bool]) -> Snapshot:
        """The session's state once `condition` holds, or after SETTLE_SECONDS."""
        return self._loop.run_until_complete(self.live.wait_for(condition))

    def now(self) -> Snapshot:
        """The session's state once everything the server has sent so far has arrived."""
        self.roundtrip()
        return self.live.snapshot()

    def close(self) -> None:
        self._loop.run_until_complete(self.live.close())


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


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
def client_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop for driving sessions synchronously (AppSession)."""
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
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
