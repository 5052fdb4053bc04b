"""Memory stays flat under churn: ten waves of 50 sessions, each opened, clicked and
closed, in one server. Every closed session's page object is collected (a weakref to
each, counted in the server), and the process's RSS after wave 10 is within 5% of
its RSS after wave 2 (wave 1 grows the process to its working size). Runs inside a
baked default project; prints the figures."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from client import Session
from production import click_and_see, wait_until
from support import serve

ROOT = Path(__file__).resolve().parents[1]
WAVES, SESSIONS, CLICKS = 10, 50, 3
COLLECTED_WITHIN = 30  # seconds; Panel collects a discarded session's objects 5-10 s later
# Served in the same process as the app (panel serve --plugins): a weakref to every
# page object the app makes, and a count of those still alive after a collection.
PROBE = """\
import gc
import weakref

from tornado.web import RequestHandler

from {package}.pages.rows import RowsPage

PAGES = weakref.WeakSet()
_init = RowsPage.__init__


def _tracked_init(self, **params):
    _init(self, **params)
    PAGES.add(self)


RowsPage.__init__ = _tracked_init


class LivePages(RequestHandler):
    def get(self):
        gc.collect()
        self.write({{"live_pages": len(PAGES)}})


ROUTES = [("/live_pages", LivePages)]
"""


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def user(url: str) -> bool:
    session = Session(url)
    try:
        return all(click_and_see(session, "Add new row", n) for n in range(1, CLICKS + 1))
    finally:
        session.close()


@pytest.mark.timeout(900)
def test_memory_stays_flat_and_closed_sessions_are_collected():
    [package] = [path.parents[1].name for path in (ROOT / "src").glob("*/pages/rows.py")]
    (ROOT / "memory_probe.py").write_text(PROBE.format(package=package), encoding="utf-8")
    flags = ["--plugins", "memory_probe", "--rest-session-info"]
    # Closed sessions are discarded a second after their tab closes (60 s in production).
    flags += ["--unused-session-lifetime", "1000", "--check-unused-sessions", "250"]
    rss, live = [], []
    with serve(ROOT / "app.py", *flags) as server:
        base = f"http://127.0.0.1:{urlsplit(server.url).port}"
        [process] = psutil.Process().children()  # the `panel serve` serve() started
        for wave in range(1, WAVES + 1):
            with ThreadPoolExecutor(10) as pool:
                assert all(pool.map(user, [server.url] * SESSIONS)), (
                    f"a click was lost in wave {wave}"
                )
            gone = wait_until(
                lambda: get_json(f"{base}/rest/session_info")["session_info"]["live"] == 0, 60
            )
            assert gone, "the server did not discard the closed sessions"
            wait_until(
                lambda: get_json(f"{base}/live_pages")["live_pages"] == 0, COLLECTED_WITHIN, step=1
            )
            live.append(get_json(f"{base}/live_pages")["live_pages"])
            rss.append(process.memory_info().rss / 2**20)
            print(f"wave {wave}: RSS {rss[-1]:.1f} MB, page objects alive {live[-1]}")
    assert live == [0] * WAVES, f"page objects of closed sessions still alive: {live}"
    growth = (rss[-1] - rss[1]) / rss[1]
    print(
        f"RSS after wave 2: {rss[1]:.1f} MB, after wave {WAVES}: {rss[-1]:.1f} MB ({growth:+.1%})"
    )
    assert abs(growth) <= 0.05, f"RSS moved {growth:+.1%} from wave 2 to wave {WAVES}: {rss}"
