"""Prometheus metrics for deploy/serve.py, at /metrics on a port of their own
(METRICS_PORT, default 9090). nginx and the Ingress forward only the app's port, so
the metrics are never public; Prometheus scrapes each replica directly (the pod
annotations in deploy/kubernetes/deployment.yaml, the `expose` in compose.yaml).

    panel_sessions_open                 sessions with a browser attached now
    panel_sessions_created_total        sessions started (one per page load)
    panel_session_duration_seconds      from a session's start until the server frees it
    panel_event_duration_seconds        handling one browser event: its callbacks and changes
    panel_messages_sent_total           websocket messages to browsers
    panel_sent_bytes_total              their bytes
    panel_draining                      1 while this replica drains, else 0
    process_resident_memory_bytes       the process's memory (and the other process_* metrics)

Everything runs on the server's event loop, so counting costs no locks or threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import panel as pn
from bokeh.server.views.ws import WSHandler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from tornado.web import Application, RequestHandler

SESSIONS_CREATED = Counter("panel_sessions_created", "Sessions started (one per page load)")
SESSION_SECONDS = Histogram(
    "panel_session_duration_seconds",
    "From a session's start until the server frees it",
    buckets=(10, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600),
)
EVENT_SECONDS = Histogram(
    "panel_event_duration_seconds",
    "Handling one browser event: the callbacks it runs and the changes they make",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
MESSAGES_SENT = Counter("panel_messages_sent", "Websocket messages sent to browsers")
BYTES_SENT = Counter("panel_sent_bytes", "Bytes of the websocket messages sent to browsers")


class Metrics(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(REGISTRY))


def serve(port: int, address: str, sessions_open: Callable[[], int], draining: Callable[[], bool]):
    """Start counting, and serve /metrics on `port`; call before the server starts."""
    Gauge("panel_sessions_open", "Sessions with a browser attached").set_function(sessions_open)
    Gauge("panel_draining", "1 while this replica drains").set_function(lambda: int(draining()))
    pn.state.on_session_created(session_started)
    pn.state.on_session_destroyed(session_ended)
    pn.state.param.watch(busy_changed, "busy")  # Panel is busy while it handles an event
    count_sent_messages()
    Application([("/metrics", Metrics)]).listen(port, address)


_started: dict[str, float] = {}  # session id -> when it started


def session_started(context) -> None:
    SESSIONS_CREATED.inc()
    _started[context.id] = time.monotonic()


def session_ended(context) -> None:
    if (started := _started.pop(context.id, None)) is not None:
        SESSION_SECONDS.observe(time.monotonic() - started)


_busy_since: list[float] = []


def busy_changed(event) -> None:
    if event.new:
        _busy_since[:] = [time.perf_counter()]
    elif _busy_since:
        EVENT_SECONDS.observe(time.perf_counter() - _busy_since.pop())


def count_sent_messages() -> None:
    """Bokeh sends each message as frames through WSHandler.write_message: count them there."""
    send, write = WSHandler.send_message, WSHandler.write_message

    async def send_message(self, message):
        MESSAGES_SENT.inc()
        return await send(self, message)

    async def write_message(self, message, binary=False, locked=True):
        BYTES_SENT.inc(len(message if isinstance(message, bytes) else message.encode()))
        return await write(self, message, binary, locked)

    WSHandler.send_message, WSHandler.write_message = send_message, write_message
