"""Faults and overload, with the project's production server (deploy/serve.py) behind its
nginx config: a replica killed mid-clicking, a burst of page requests, and clients that
send what no widget would. Runs inside a baked default project with its tests/support.py."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, expect

from client import Session
from production import (
    ROW,
    behind_nginx,
    click_and_see,
    needs_nginx,
    replica,
    rows,
    sessions,
    wait_until,
)

ADD = "Add new row"
LOST = "Connection to the server lost. Reload the page to start again."


def open_users_on_both(open_session, url: str, a, b, each: int = 2) -> list[Session]:
    """Users through nginx (a new visitor each) until both replicas hold `each` of them."""
    users: list[Session] = []
    for _ in range(20):  # within nginx's burst of new sessions per client
        if min(r.readiness()[1]["open_sessions"] for r in (a, b)) >= each:
            return users
        users.append(open_session(url))
    raise AssertionError("nginx never spread 20 visitors over both replicas")


@needs_nginx
@pytest.mark.timeout(300)
def test_a_killed_replicas_users_reload_onto_the_other_and_nobody_else_loses_a_click(tmp_path):
    with behind_nginx(tmp_path) as (open_session, (a, b), url):
        users = open_users_on_both(open_session, url, a, b)
        on_a = a.readiness()[1]["open_sessions"]
        for user in users:
            assert click_and_see(user, ADD, 1)

        def keep_clicking(user: Session) -> int:
            """Clicks until one is lost or 10 have shown; how many showed."""
            for count in range(2, 12):
                if not click_and_see(user, ADD, count, seconds=10):
                    return count - 2
                time.sleep(0.05)
            return 10

        with ThreadPoolExecutor(len(users)) as pool:
            clicked = pool.map(keep_clicking, users)
            time.sleep(0.3)
            a.process.send_signal(signal.SIGKILL)
            clicked = list(clicked)
        lost = [user for user, shown in zip(users, clicked, strict=True) if shown < 10]
        assert len(lost) == on_a, (
            f"{len(lost)} users lost clicks, but {on_a} were on the killed replica"
        )

        for user in lost:  # a reload: a new page through nginx, with the same cookie
            again = open_session(url, cookies=user.cookies)
            assert click_and_see(again, ADD, 1)  # a new, empty session, on the live replica
        assert b.readiness()[1]["open_sessions"] == len(users)


@needs_nginx
@pytest.mark.ui
@pytest.mark.timeout(300)
def test_a_browser_whose_replica_dies_says_to_reload_and_a_reload_works(browser: Browser, tmp_path):
    with behind_nginx(tmp_path) as (_, (a, b), url):
        for _ in range(20):  # new visitors until one lands on A
            page = browser.new_context().new_page()
            page.goto(url)
            expect(page.get_by_text("Rows: 0, sum: 0")).to_be_visible()
            if a.readiness()[1]["open_sessions"]:
                break
            page.context.close()
        else:
            raise AssertionError("no visitor landed on the first replica")
        page.get_by_role("button", name=ADD).click()
        expect(page.get_by_label(ROW)).to_have_count(1)

        a.process.send_signal(signal.SIGKILL)
        expect(page.get_by_text(LOST)).to_be_visible()
        page.reload()
        expect(page.get_by_text("Rows: 0, sum: 0")).to_be_visible()
        assert b.readiness()[1]["open_sessions"] >= 1
        page.context.close()


def get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    return status, (time.perf_counter() - started) * 1000


@needs_nginx
@pytest.mark.timeout(300)
def test_a_burst_of_page_requests_is_refused_at_once_while_an_open_session_keeps_answering(
    tmp_path,
):
    """Bound: every click of the open session shows its row within 15 s during the burst
    (the 21 sessions nginx lets through cost the server about 3 s of CPU; CI runs other
    suites beside this one). Without the limit, the burst's 300 sessions cost over 30 s."""
    with behind_nginx(tmp_path, replicas=1) as (open_session, _, url):
        user = open_session(url)
        assert click_and_see(user, ADD, 1)
        burst = 300
        with ThreadPoolExecutor(20) as pool:
            answers = pool.map(get, [url] * burst)
            clicks = []
            for count in range(2, 7):
                started = time.perf_counter()
                assert click_and_see(user, ADD, count, seconds=15), "a click took over 15 s"
                clicks.append((time.perf_counter() - started) * 1000)
            answers = list(answers)
        refused = sorted(ms for status, ms in answers if status == 429)
        served = [ms for status, ms in answers if status == 200]
        assert len(refused) + len(served) == burst, sorted({status for status, _ in answers})
        p95 = refused[int(0.95 * (len(refused) - 1))]
        print(
            f"{burst} page requests: {len(served)} served, {len(refused)} refused (p95 {p95:.0f} ms);"
            f" clicks meanwhile: slowest {max(clicks):.0f} ms"
        )
        assert len(refused) >= 0.8 * burst, f"only {len(refused)} of {burst} refused"
        assert p95 < 500, f"refusals took {p95:.0f} ms (p95): queued, not refused"


def send_raw(session: Session, *fragments: str) -> None:
    """Write websocket frames on this session's connection, bypassing the client's checks."""

    async def write() -> None:
        for fragment in fragments:
            await session._socket.write_message(fragment)

    session._run(write())


def patch(model_id: str, value: object) -> list[str]:
    """A PATCH-DOC message setting `value` on a model, as three frames."""
    header = json.dumps({"msgid": uuid.uuid4().hex, "msgtype": "PATCH-DOC"})
    event = {"kind": "ModelChanged", "model": {"id": model_id}, "attr": "value", "new": value}
    return [header, "{}", json.dumps({"events": [event]})]


@pytest.mark.timeout(120)
def test_messages_no_widget_would_send_change_nothing_and_log_no_exception():
    with sessions() as open_session, replica() as a:
        hostile, other = open_session(a.url), open_session(a.url)
        for session in (hostile, other):
            assert click_and_see(session, ADD, 1)
        [row] = [m for m in hostile.models() if getattr(m, "title", None) == ROW]
        summary = [text for text in hostile.texts() if text.startswith("Rows: ")]
        for value in ("a string", 10**30, -5, [1], {"x": 1}):
            send_raw(hostile, *patch(row.id, value))
        send_raw(hostile, *patch("p999999", 1))  # a model that does not exist
        hostile.roundtrip()
        time.sleep(1)  # the page puts out-of-range values back on the next tick
        hostile.roundtrip()
        assert [t for t in hostile.texts() if t.startswith("Rows: ")] == summary, (
            "something changed"
        )
        assert rows(hostile) == [row.value]
        assert click_and_see(hostile, ADD, 2)  # its session works
        assert click_and_see(other, ADD, 2)  # and everyone else's

        send_raw(hostile, "{not json", "{}", "{}")  # malformed: Bokeh closes that connection
        assert wait_until(lambda: "rejected a client message" in a.output(), 10)
        assert click_and_see(other, ADD, 3)
        assert click_and_see(open_session(a.url), ADD, 1)
        assert "Traceback" not in a.output(), a.output()
        assert a.output().count("rejected a client message") == 5, a.output()  # one a message
        assert "ERROR" not in a.output(), a.output()
