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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Tracebacks Bokeh logs when a browser leaves while it writes: not the app's problem.
CLIENT_LEFT = ("WebSocketClosedError", "assert self._session is not None")


@dataclass
class Server:
    """A running `panel serve`: the app's URL, its process and its log."""

    url: str
    process: subprocess.Popen
    log: IO[bytes]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def problems(self) -> list[str]:
        """Logged tracebacks and warnings, but for browsers leaving (CLIENT_LEFT)."""
        records = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", self.output())
        alarming = [record for record in records if "Traceback" in record or "Warning" in record]
        return [record for record in alarming if not any(s in record for s in CLIENT_LEFT)]


@contextmanager
def serve(entry: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Serve `entry` on a free 127.0.0.1 port until the block ends. `env` adds settings and
    secrets to the environment: never to the command line, where `ps` shows them."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "panel", "serve", str(entry), "--port", str(port),
               "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}",
               "--liveness", *args]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=entry.parent, env={**os.environ, **(env or {})}, stdout=log, stderr=log
        )
        server = Server(f"http://127.0.0.1:{port}/{entry.stem}", process, log)
        liveness = f"http://127.0.0.1:{port}/liveness"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError), urllib.request.urlopen(liveness, timeout=2):
                    break  # it answers
                assert process.poll() is None, f"{command} stopped:\n{server.output()}"
                assert time.monotonic() < deadline, f"{command} did not start:\n{server.output()}"
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)
