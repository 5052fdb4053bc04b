"""Scale-out: two app processes behind the project's own nginx config.

50 users each add 20 rows at once, through nginx. Every user must end with
exactly their 20 rows, every session must have lived on exactly one process
(the page request and the websocket reached the same one: sticky routing), and
both processes must have served sessions. Needs nginx (Debian: apt-get install
nginx). Runs inside a baked default project (tests/in_project/, see
generated_suites.py), with its tests/support.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import string
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from support import Session, free_port, serve

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = ROOT / "deploy" / "nginx" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
USERS, CLICKS = 50, 20
# A click counts as lost when its row has not shown after this long. There is no
# overall deadline below the test's own: on a loaded CI machine 1000 clicks can
# take minutes to work through, and slow is not lost.
STALL_SECONDS = 60
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

pytestmark = pytest.mark.skipif(NGINX is None, reason="needs nginx (Debian: apt-get install nginx)")


def site_config(backends: list[int], port: int) -> str:
    """The project's nginx config, pointed at local processes instead of Docker's `app`."""
    config = NGINX_CONF.read_text(encoding="utf-8")
    upstreams = "\n".join(f"    server 127.0.0.1:{backend};" for backend in backends)
    config, replaced = re.subn(r"^\s*server app:5006;$", upstreams, config, flags=re.MULTILINE)
    assert replaced == 1, "deploy/nginx/nginx.conf should name its upstream `server app:5006;`"
    config, replaced = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", config)
    assert replaced == 1, "deploy/nginx/nginx.conf should `listen 8080;`"
    return config


@contextmanager
def nginx(directory: Path, site: str, port: int) -> Iterator[str]:
    """Run nginx in the foreground with `site`, until the block ends."""
    (directory / "site.conf").write_text(site, encoding="utf-8")
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / name).mkdir()
    main = NGINX_MAIN.substitute(
        directory=directory, user="user root;" if os.geteuid() == 0 else ""
    )
    (directory / "nginx.conf").write_text(main, encoding="utf-8")
    command = [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                log = directory / "error.log"
                problem = log.read_text() if log.exists() else ""
                assert process.poll() is None, f"nginx exited:\n{problem}"
                assert time.monotonic() < deadline, f"nginx did not listen:\n{problem}"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/app"
    finally:
        process.terminate()
        process.wait(timeout=10)


def rows(session: Session) -> list:
    return [m.value for m in session.models() if getattr(m, "title", None) == "Enter a number"]


def summary(session: Session) -> str:
    return next((text for text in session.texts() if text.startswith("Rows: ")), "")


def user(url: str) -> tuple[str, list, str]:
    """Open the app through nginx, click "Add new row" CLICKS times; report what it shows.

    Like a person, each user clicks once its previous row has shown (all 50 at once,
    each on a thread of its own).
    """
    session = Session(url, timeout=60)
    try:
        for count in range(1, CLICKS + 1):
            session.click("Add new row")
            if not session.wait_for(lambda s, n=count: len(rows(s)) >= n, STALL_SECONDS):
                break  # lost: the assertions below report the missing rows
        session.roundtrip(timeout=STALL_SECONDS)
        return session.id, rows(session), summary(session)
    finally:
        session.close()


def session_ids(server) -> set[str]:
    url = f"http://127.0.0.1:{server.port}/rest/session_info"
    with urllib.request.urlopen(url, timeout=10) as response:
        return set(json.load(response)["session_info"]["sessions"])


@pytest.mark.timeout(600)
def test_users_through_nginx_stay_on_one_process_and_keep_their_own_rows(tmp_path):
    port = free_port()
    flags = ("--allow-websocket-origin", f"127.0.0.1:{port}")
    flags += ("--rest-session-info", "--session-history", "-1")  # which sessions each process saw
    with serve(ROOT / "app.py", *flags) as one, serve(ROOT / "app.py", *flags) as two:
        with (
            nginx(tmp_path, site_config([one.port, two.port], port), port) as url,
            ThreadPoolExecutor(USERS) as pool,
        ):
            outcomes = list(pool.map(user, [url] * USERS))
        seen = {"first": session_ids(one), "second": session_ids(two)}

    for session_id, values, shown_summary in outcomes:
        assert len(values) == CLICKS, f"{session_id} shows {len(values)} rows"
        assert shown_summary == f"Rows: {CLICKS}, sum: {sum(values)}"
        on = [name for name, ids in seen.items() if session_id in ids]
        assert len(on) == 1, f"session {session_id} was created on {on or 'no process'}"
    assert len({session_id for session_id, *_ in outcomes}) == USERS
    assert all(seen.values()), f"one process served no session: {[len(v) for v in seen.values()]}"
