"""Test helpers: `serve` runs the app with `panel serve` and keeps its log. Waits are bounded."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Tracebacks Bokeh logs when a browser leaves while it writes: not the app's problem.
CLIENT_LEFT = re.compile("WebSocketClosedError|assert self._session is not None")


@dataclass
class Server:
    """A running `panel serve`: the app's URL and its log file."""

    url: str
    log: Path

    def problems(self) -> list[str]:
        """Logged tracebacks and warnings, but for browsers leaving (CLIENT_LEFT)."""
        log = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", self.log.read_text("utf-8"))
        return [r for r in log if re.search("Traceback|Warning", r) and not CLIENT_LEFT.search(r)]


@contextlib.contextmanager
def serve(entry: Path, *args: str, env: dict[str, str] | None = None):
    """Serve `entry` on a free local port until the block ends; `env` adds settings and
    secrets (to the environment: `ps` shows command lines)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "panel", "serve", str(entry), "--port", str(port),
               "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}",
               "--liveness", *args]  # fmt: skip
    with tempfile.TemporaryDirectory() as logs:
        server = Server(f"http://127.0.0.1:{port}/{entry.stem}", Path(logs, "panel.log"))
        with server.log.open("wb") as log:
            process = subprocess.Popen(command, cwd=entry.parent, env={**os.environ, **(env or {})},
                                       stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:  # until it answers
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=2).close()
                    break
                failed = process.poll() is not None or time.monotonic() > deadline
                assert not failed, f"{command} did not start:\n{server.log.read_text('utf-8')}"
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)
