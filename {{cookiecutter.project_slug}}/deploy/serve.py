"""Serve app.py in production: Panel's server, plus what running it for many users needs.

    ALLOWED_ORIGINS=app.example.com python deploy/serve.py

Settings come only from the environment (so no secret is ever written into a file):

    ALLOWED_ORIGINS               required: the host[:port] names users type, comma-separated
    PORT, ADDRESS                 default 5006, 0.0.0.0
    DRAIN_SECONDS                 default 300: the longest a drain waits for open sessions
    MAX_RSS_MB                    optional: past it, the process drains itself (see below)
    UNUSED_SESSION_LIFETIME_MS    default 60000: how long a closed tab's session is kept
    CHECK_UNUSED_SESSIONS_MS      default 10000: how often closed sessions are freed
    WEBSOCKET_MAX_MESSAGE_BYTES   default 1048576: a larger message closes its connection
    SESSION_TOKEN_EXPIRATION_S    default 300: a page's token must open its websocket by then
    COOKIE_SECRET                 signs cookies (with sign-in required: sign_in_settings.py)
    METRICS_PORT                  default 9090: Prometheus metrics at /metrics (metrics.py); off: none
    LOG_FORMAT                    text (default) or json: one JSON object per line, for log shippers

Each session lives in this process's memory, so a restart would drop every user on
it. Instead, SIGTERM drains: /readiness turns 503 and new page requests get a
retryable 503 (nginx and Kubernetes send those users to another replica), while
the open sessions keep working; the process exits when the last has closed, or
after DRAIN_SECONDS. A second SIGTERM, or SIGINT, exits at once. /liveness stays
200 throughout. With MAX_RSS_MB set, a process whose memory passes it drains
itself the same way, and the orchestrator starts a fresh one: CPython keeps the
memory that many sessions once used (docs/deploying.md).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from pathlib import Path

import metrics
import panel as pn
import sign_in_settings  # this app's sign-in, if it has one
from bokeh.util.token import get_session_id
from panel.io.server import get_server
from tornado.ioloop import PeriodicCallback
from tornado.routing import Matcher, Rule
from tornado.web import RequestHandler

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGE = f"/{APP.stem}"


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


class Drain:
    """Whether this process still takes new sessions, and ending it when its users are done."""

    def __init__(self, seconds: float, max_rss_mb: int | None):
        self.seconds, self.max_rss_mb = seconds, max_rss_mb
        self.deadline: float | None = None
        self.server = None  # set once it exists

    @property
    def draining(self) -> bool:
        return self.deadline is not None

    def sessions(self) -> list:
        return self.server.get_sessions(PAGE)

    def connected(self) -> int:
        """Sessions with a browser still attached (a closed tab's session lingers a while)."""
        return sum(1 for session in self.sessions() if session.connection_count)

    def start(self, why: str) -> None:
        if self.draining:
            self.exit("second signal: exiting at once")
        self.deadline = time.monotonic() + self.seconds
        open_now = self.connected()
        log(f"draining ({why}): no new sessions; {open_now} open, {self.seconds:.0f} s at most")

    def check(self) -> None:
        """Every second: end a drain once nobody is left or time is up; start one on memory."""
        if not self.draining:
            if self.max_rss_mb and rss_mb() > self.max_rss_mb:
                self.start(f"memory {rss_mb():.0f} MB is over MAX_RSS_MB={self.max_rss_mb}")
            return
        if self.connected() == 0:
            self.exit("drained: every session has closed")
        elif time.monotonic() > self.deadline:
            self.exit(f"drain deadline: {self.connected()} sessions still open")

    def exit(self, why: str) -> None:
        log(why)
        self.server.io_loop.add_callback(self.server.io_loop.stop)


class NewSessionsWhileDraining(Matcher):
    """Matches, while draining, what would start a session here: a page request, or a
    websocket for a session this process does not hold (its page came from another)."""

    def __init__(self, drain: Drain):
        self.drain = drain

    def match(self, request):
        if not self.drain.draining:
            return None
        if request.path in (PAGE, f"{PAGE}/"):
            return {}
        if request.path == f"{PAGE}/ws":
            token = request.headers.get("Sec-WebSocket-Protocol", "").split(",")[-1].strip()
            held = {session.id for session in self.drain.sessions()}
            if not token or get_session_id(token) not in held:
                return {}
        return None


class Draining(RequestHandler):
    def prepare(self) -> None:
        self.set_status(503)
        self.set_header("Retry-After", "1")
        self.finish("This server is restarting; another will answer.\n")


class Readiness(RequestHandler):
    """200 while this process takes new sessions, 503 while it drains."""

    def initialize(self, drain: Drain) -> None:
        self.drain = drain

    def get(self) -> None:
        self.set_status(503 if self.drain.draining else 200)
        self.set_header("Content-Type", "application/json")
        body = {"ready": not self.drain.draining, "open_sessions": self.drain.connected()}
        self.finish(json.dumps(body))


class RejectedClientMessages(logging.Filter):
    """Bokeh logs a traceback when a client sends a message it cannot apply: a value no
    widget would send, a model that does not exist, malformed JSON. Bokeh refuses it
    (and closes the connection of a malformed one) and nothing changes, so it is the
    client's doing, not the app's: keep one line, as a warning, not an alarm."""

    SIGNS = ("error handling message", "Unhandled exception receiving a message")
    CLOSING = "Bokeh Server internal error: server failed to parse a message"

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and str(record.msg).startswith(self.SIGNS):
            record.msg, record.args = "rejected a client message: %r", (record.exc_info[1],)
            record.exc_info = None
        elif not record.getMessage().startswith(self.CLOSING):
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class JsonLines(logging.Formatter):
    """LOG_FORMAT=json: one object per line, with the session id on session events."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}  # fmt: skip
        if session_id := getattr(record, "session_id", None):
            entry["session_id"] = session_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def log_sessions() -> None:
    """One line as each session starts and as the server frees it."""
    logger = logging.getLogger("deploy.sessions")
    for event, register in (("started", pn.state.on_session_created),
                            ("ended", pn.state.on_session_destroyed)):  # fmt: skip
        register(lambda context, event=event: logger.info(
            "session %s %s", event, context.id, extra={"session_id": context.id}))  # fmt: skip


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def log(message: str) -> None:
    logging.getLogger("deploy.serve").info(message)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log_format = os.environ.get("LOG_FORMAT") or "text"
    if log_format not in ("text", "json"):
        sys.exit("LOG_FORMAT is text or json")
    if log_format == "json":
        logging.getLogger().handlers[0].setFormatter(JsonLines())
    origins = os.environ.get("ALLOWED_ORIGINS", "")
    if not origins.strip():
        sys.exit("set ALLOWED_ORIGINS to the host names users type, e.g. app.example.com")
    if os.environ.get("COOKIE_SECRET"):  # Panel reads its own variable; argv would show in `ps`
        os.environ["PANEL_COOKIE_SECRET"] = os.environ["COOKIE_SECRET"]
    for name in ("bokeh.server.protocol_handler", "bokeh.server.views.ws"):
        logging.getLogger(name).addFilter(RejectedClientMessages())
    drain = Drain(setting("DRAIN_SECONDS", 300), setting("MAX_RSS_MB", 0) or None)
    address = os.environ.get("ADDRESS") or "0.0.0.0"
    sign_in = sign_in_settings.from_environment()
    log_sessions()
    server = drain.server = get_server(
        {APP.stem: str(APP)},
        port=setting("PORT", 5006),
        address=address,
        websocket_origin=[origin.strip() for origin in origins.split(",") if origin.strip()],
        liveness=True,
        warm=True,  # run app.py once now, so pn.cache is filled before the first user
        use_xheaders=True,  # the client's address and scheme from the proxy in front
        unused_session_lifetime_milliseconds=setting("UNUSED_SESSION_LIFETIME_MS", 60_000),
        check_unused_sessions_milliseconds=setting("CHECK_UNUSED_SESSIONS_MS", 10_000),
        websocket_max_message_size=setting("WEBSOCKET_MAX_MESSAGE_BYTES", 2**20),
        session_token_expiration=setting("SESSION_TOKEN_EXPIRATION_S", 300),
        extra_patterns=[("/readiness", Readiness, {"drain": drain}), *sign_in.pop("routes", [])],
        **sign_in,
    )
    if (metrics_port := os.environ.get("METRICS_PORT") or "9090") != "off":
        metrics.serve(int(metrics_port), address, drain.connected, lambda: drain.draining)
    # Ahead of the app's own routes (tornado tries rules in order). Bokeh keeps its
    # tornado application in a private attribute; the drain test fails if that changes.
    server._tornado.default_router.rules.insert(0, Rule(NewSessionsWhileDraining(drain), Draining))
    server.start()
    loop = server.io_loop.asyncio_loop
    loop.add_signal_handler(signal.SIGTERM, drain.start, "SIGTERM")
    loop.add_signal_handler(signal.SIGINT, drain.exit, "SIGINT: exiting at once")
    PeriodicCallback(drain.check, 1000).start()
    log(f"serving {APP.name} on port {server.port}")
    server.io_loop.start()
    server.stop()


if __name__ == "__main__":
    main()
