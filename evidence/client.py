"""The template's protocol-level client for its evidence: `Session` drives one session
of a served app over its websocket the way BokehJS does, without a browser, so hundreds
can run at once (scale-out, drain, faults, memory, the idle server). Generated projects
test through the browser instead; this is copied in beside the evidence (tests/test_evidence.py)."""

from __future__ import annotations

import asyncio
import html
import re
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterable

import panel  # noqa: F401 - registers Panel's Bokeh models, so served documents load
from bokeh.client.websocket import WebSocketClientConnectionWrapper
from bokeh.document import Document
from bokeh.document.events import MessageSentEvent
from bokeh.events import ButtonClick, DocumentReady
from bokeh.model import Model
from bokeh.models import Button
from bokeh.protocol import Protocol
from bokeh.protocol.receiver import Receiver
from bokeh.util.token import get_session_id
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

SETTLE_SECONDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def responds(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def cookies_set(set_cookie_headers: Iterable[str]) -> dict[str, str]:
    """The cookies these Set-Cookie headers set (not those they clear)."""
    pairs = (header.split(";", 1)[0].partition("=") for header in set_cookie_headers)
    return {
        name.strip(): value.strip() for name, _, value in pairs if value.strip() not in ("", '""')
    }


class Session:
    """One session of the served app, driven the way BokehJS drives it in a browser.

    It requests the app's page (the server creates the session then, and a sticky
    balancer sets its cookie), opens the page's websocket with the same cookies,
    pulls the document and from then on applies every change the server pushes,
    counting those messages in `pushes`. The session runs on an event loop of its
    own, in its own thread, so tests call it plainly, alongside Playwright's loop.
    (bokeh.client would do, but it drops what the server pushes while it waits for
    a reply, and its websocket request carries no cookies, so nginx could not keep
    a session on its replica.)
    """

    def __init__(self, url: str, cookies: dict[str, str] | None = None, timeout: float = 30):
        self.cookies = dict(cookies or {})
        request = urllib.request.Request(url, headers=self._cookie_header())
        with urllib.request.urlopen(request, timeout=timeout) as page:
            self.cookies |= cookies_set(page.headers.get_all("Set-Cookie") or [])
            token = re.search(r'"token":\s*"([^"]+)"', page.read().decode()).group(1)
        self.id = get_session_id(token)
        self.document = Document()
        self.pushes = 0  # messages the server sent on its own, not as replies
        self._protocol = Protocol()
        self._replies: dict[str, asyncio.Future] = {}
        self._changed, self._greeted = asyncio.Event(), asyncio.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._run(self._connect(url, token), timeout)

    def click(self, label: str) -> None:
        """Click the button with this label: the browser sends a ButtonClick event."""

        async def click() -> None:
            [button] = [m for m in self.models() if isinstance(m, Button) and m.label == label]
            await self._send([MessageSentEvent(self.document, "bokeh_event", ButtonClick(button))])

        self._run(click())

    def roundtrip(self, timeout: float = SETTLE_SECONDS) -> None:
        """Ask the server something and wait: all it pushed before has then arrived."""
        self._run(self._request("SERVER-INFO-REQ"), timeout)

    def wait_for(
        self, condition: Callable[[Session], bool], timeout: float = SETTLE_SECONDS
    ) -> bool:
        """Wait until `condition(self)` holds as the server's changes arrive; False if it never did."""

        async def until() -> None:
            while not condition(self):
                self._changed.clear()
                await self._changed.wait()

        try:
            self._run(until(), timeout)
        except TimeoutError:
            return False
        return True

    def models(self) -> list[Model]:
        """Every model of the document (read on the session's thread, where it changes)."""
        if threading.current_thread() is self._thread:
            return list(self.document.models)

        async def models() -> list[Model]:
            return list(self.document.models)

        return self._run(models())

    def texts(self) -> list[str]:
        """The text each Markdown or HTML pane shows (Panel sends their HTML escaped)."""
        markup = [
            html.unescape(m.text)
            for m in self.models()
            if isinstance(getattr(m, "text", None), str)
        ]
        return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in markup]

    def close(self) -> None:
        if self._loop.is_closed():
            return

        async def leave() -> None:
            self._socket.close(1000, "closed")  # as a browser leaving the page does
            await asyncio.wait([self._reader], timeout=5)
            self._reader.cancel()

        self._run(leave())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self, coroutine, timeout: float = SETTLE_SECONDS):
        """Run `coroutine` on the session's loop; its result, or TimeoutError after `timeout`."""
        wait = asyncio.wait_for(coroutine, timeout)
        return asyncio.run_coroutine_threadsafe(wait, self._loop).result()

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    async def _connect(self, url: str, token: str) -> None:
        origin = re.match(r"https?://[^/]+", url).group(0)  # browsers send it; Bokeh checks it
        # The session token rides in the subprotocol header, spelt as browsers do.
        headers = {
            **self._cookie_header(),
            "Origin": origin,
            "Sec-WebSocket-Protocol": f"bokeh, {token}",
        }
        request = HTTPRequest(re.sub(r"^http", "ws", url) + "/ws", headers=headers)
        socket = await websocket_connect(request)
        socket.stream.set_nodelay(True)  # as browsers do: no Nagle delay on small messages
        self._socket = WebSocketClientConnectionWrapper(socket)
        self._reader = asyncio.ensure_future(self._read())
        await self._greeted.wait()  # the server reads messages only after its ACK
        await self._request("PULL-DOC-REQ")  # _read loads the reply, in order
        # BokehJS reports a rendered document; Panel marks the session ready only then.
        await self._send([MessageSentEvent(self.document, "bokeh_event", DocumentReady())])

    async def _send(self, events: list) -> None:
        await self._protocol.create("PATCH-DOC", events).send(self._socket)

    async def _request(self, msgtype: str):
        message = self._protocol.create(msgtype)
        reply = self._replies[message.header["msgid"]] = self._loop.create_future()
        await message.send(self._socket)
        return await reply

    async def _read(self) -> None:
        receiver = Receiver(self._protocol)
        while (fragment := await self._socket.read_message()) is not None:
            message = await receiver.consume(fragment)
            if message is None:  # more fragments of it to come
                continue
            if message.msgtype == "ACK":
                self._greeted.set()
            elif "reqid" in message.header:  # a reply, unless nobody waits for it any more
                if message.msgtype == "PULL-DOC-REPLY":
                    message.push_to_document(self.document)
                    self.document.models.flush_synced()  # the server knows them all: ids only
                reply = self._replies.pop(message.header["reqid"], None)
                if reply is not None and not reply.done():
                    reply.set_result(message)
            else:
                self.pushes += 1
                # A change pushed before the document arrived is in the document
                # (a process-wide busy indicator pushes to sessions still connecting).
                if message.msgtype == "PATCH-DOC" and self.document.roots:
                    message.apply_to_document(self.document, self)
                    self.document.models.flush_synced()
                    self._changed.set()
