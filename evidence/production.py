"""Helpers for the template's tests of a baked project's deploy files: its production
server (deploy/serve.py) and its nginx config, run for real on 127.0.0.1.

Copied into the project's tests/ with the tests that use it (tests/test_evidence.py).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from client import Session, free_port, responds

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = ROOT / "deploy" / "nginx" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="needs nginx (Debian: apt-get install nginx)"
)
ROW = "Enter a number"


def rows(session: Session) -> list:
    """The starter page's row values, as this session shows them."""
    return [m.value for m in session.models() if getattr(m, "title", None) == ROW]


def click_and_see(session: Session, label: str, then_rows: int, seconds: float = 30) -> bool:
    """Click, then whether the row count became `then_rows` within `seconds` (False: lost)."""
    try:
        session.click(label)
    except Exception:  # the connection is gone: the click is lost
        return False
    return session.wait_for(lambda s: len(rows(s)) == then_rows, seconds)


@contextmanager
def sessions() -> Iterator[Callable[..., Session]]:
    """Open sessions with the function this yields; all are closed when the block ends."""
    with ExitStack() as opened:
        yield lambda url, **options: opened.enter_context(closing(Session(url, **options)))


@dataclass
class Replica:
    """A running `python deploy/serve.py`, as the Docker image runs it."""

    port: int
    process: subprocess.Popen
    log: IO[bytes]
    metrics_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/app"

    def readiness(self) -> tuple[int, dict]:
        """(status, body) of /readiness; (0, {}) when nothing answers."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readiness", timeout=5) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)
        except OSError:
            return 0, {}

    def metrics(self) -> dict[str, float]:
        """What Prometheus would scrape: unlabelled samples by name (histograms' _count, _sum)."""
        from prometheus_client.parser import text_string_to_metric_families

        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            families = text_string_to_metric_families(response.read().decode())
            return {s.name: s.value for f in families for s in f.samples if not s.labels}

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


@contextmanager
def replica(origins: list[str] = (), **settings: str) -> Iterator[Replica]:
    """deploy/serve.py on a free port, with these environment settings, until the block ends."""
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "ADDRESS": "127.0.0.1", "PORT": str(port), "METRICS_PORT": str(metrics_port),
           **settings}  # fmt: skip
    env["ALLOWED_ORIGINS"] = ",".join([f"127.0.0.1:{port}", *origins])
    with tempfile.TemporaryFile() as log:
        command = [sys.executable, str(ROOT / "deploy" / "serve.py")]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        running = Replica(port, process, log, metrics_port)
        live = f"http://127.0.0.1:{port}/liveness"
        try:
            wait_until(lambda: responds(live) or process.poll() is not None, 60)
            assert responds(live), f"deploy/serve.py did not start:\n{running.output()}"
            yield running
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def oidc_settings(issuer: str, client_id: str) -> dict[str, str]:
    """deploy/serve.py's sign-in settings in an auth=oidc bake, as an operator gives them."""
    from cryptography.fernet import Fernet

    return {
        "OIDC_ISSUER": issuer,
        "PANEL_OAUTH_KEY": client_id,
        "PANEL_OAUTH_SECRET": secrets.token_urlsafe(16),
        "PANEL_OAUTH_ENCRYPTION": Fernet.generate_key().decode(),
        "COOKIE_SECRET": secrets.token_urlsafe(32),
    }


def wait_until(condition, seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


# Just enough of a main nginx.conf to run the project's site config as a normal user or root.
NGINX_MAIN = string.Template("""
daemon off;
worker_processes 1;
pid $directory/nginx.pid;
error_log $directory/error.log warn;
$user
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $directory/body;
    proxy_temp_path $directory/proxy;
    fastcgi_temp_path $directory/fastcgi;
    uwsgi_temp_path $directory/uwsgi;
    scgi_temp_path $directory/scgi;
    include $directory/site.conf;
}
""")


def site_config(backends: list[int], port: int, rate_limit: bool = True) -> str:
    """The project's nginx config, pointed at local processes instead of Docker's `app`."""
    config = NGINX_CONF.read_text(encoding="utf-8")
    if not rate_limit:  # every test client is 127.0.0.1: one client, to nginx
        config, removed = re.subn(r"^\s*limit_req zone=.*$", "", config, flags=re.MULTILINE)
        assert removed == 1, "deploy/nginx/nginx.conf should limit page requests"
    upstreams = "\n".join(f"    server 127.0.0.1:{backend};" for backend in backends)
    config, replaced = re.subn(r"^\s*server app:5006;$", upstreams, config, flags=re.MULTILINE)
    assert replaced == 1, "deploy/nginx/nginx.conf should name its upstream `server app:5006;`"
    config, replaced = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", config)
    assert replaced == 1, "deploy/nginx/nginx.conf should `listen 8080;`"
    return config


@contextmanager
def nginx(
    directory: Path, backends: list[int], port: int, rate_limit: bool = True
) -> Iterator[str]:
    """nginx in the foreground with the project's config in front of `backends`; yields the
    app's URL through it."""
    site = site_config(backends, port, rate_limit)
    (directory / "site.conf").write_text(site, encoding="utf-8")
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / name).mkdir()
    main = NGINX_MAIN.substitute(
        directory=directory, user="user root;" if os.geteuid() == 0 else ""
    )
    (directory / "nginx.conf").write_text(main, encoding="utf-8")
    command = [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")]
    with (directory / "error.log").open("ab") as log:  # startup errors go to stderr
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        live = f"http://127.0.0.1:{port}/liveness"  # through nginx to a backend
        wait_until(lambda: responds(live) or process.poll() is not None, 30)
        assert responds(live), f"nginx did not start:\n{(directory / 'error.log').read_text()}"
        yield f"http://127.0.0.1:{port}/app"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def behind_nginx(directory: Path, replicas: int = 2) -> Iterator[tuple[Callable, list, str]]:
    """`replicas` production servers behind the project's nginx config: yields a function
    that opens sessions (all closed at the end), the replicas, and the app's URL via nginx."""
    port = free_port()
    with ExitStack() as stack:
        open_session = stack.enter_context(sessions())
        running = [stack.enter_context(replica([f"127.0.0.1:{port}"])) for _ in range(replicas)]
        url = stack.enter_context(nginx(directory, [r.port for r in running], port))
        yield open_session, running, url
