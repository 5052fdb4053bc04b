"""Scale-out: two app processes behind the project's own nginx config.

50 users each add 20 rows at once, through nginx. Every user must end with
exactly their 20 rows, every session must have lived on exactly one process
(the page request and the websocket reached the same one: sticky routing), and
both processes must have served sessions. Needs nginx (Debian: apt-get install
nginx). Runs inside a baked default project (evidence/, see
tests/test_evidence.py), with its tests/support.py.
"""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from client import Session, free_port
from production import needs_nginx, nginx, rows
from support import serve

ROOT = Path(__file__).resolve().parents[1]
USERS, CLICKS = 50, 20
# A click counts as lost when its row has not shown after this long. There is no
# overall deadline below the test's own: on a loaded CI machine 1000 clicks can
# take minutes to work through, and slow is not lost.
STALL_SECONDS = 60

pytestmark = needs_nginx


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
    url = f"http://127.0.0.1:{urlsplit(server.url).port}/rest/session_info"
    with urllib.request.urlopen(url, timeout=10) as response:
        return set(json.load(response)["session_info"]["sessions"])


@pytest.mark.timeout(600)
def test_users_through_nginx_stay_on_one_process_and_keep_their_own_rows(tmp_path):
    port = free_port()
    flags = ("--allow-websocket-origin", f"127.0.0.1:{port}")
    flags += ("--rest-session-info", "--session-history", "-1")  # which sessions each process saw
    with serve(ROOT / "app.py", *flags) as one, serve(ROOT / "app.py", *flags) as two:
        with (
            # 50 users here share one address, which nginx would limit as one client.
            nginx(
                tmp_path, [urlsplit(one.url).port, urlsplit(two.url).port], port, rate_limit=False
            ) as url,
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
