"""deploy/serve.py's Prometheus metrics move as the sessions do: scraped from /metrics
on METRICS_PORT while waves of sessions open, click and close (churn), and while a
replica drains; nothing of it is on the app's port, which nginx and the Ingress publish.
Runs inside a baked default project (deploy/metrics.py)."""

from __future__ import annotations

import signal
import urllib.error
import urllib.request

import pytest

from production import click_and_see, replica, sessions, wait_until

ADD = "Add new row"
WAVES, SESSIONS, CLICKS = 3, 8, 2
# Freed a second after their websocket closes (60 s in production), so durations come soon.
QUICK_FREE = {"UNUSED_SESSION_LIFETIME_MS": "1000", "CHECK_UNUSED_SESSIONS_MS": "250"}


def durations(replica) -> float:
    return replica.metrics()["panel_session_duration_seconds_count"]


def grew(before: dict, after: dict, name: str) -> float:
    return after[name] - before[name]


@pytest.mark.timeout(300)
def test_the_metrics_follow_sessions_as_they_open_click_and_close():
    with replica(**QUICK_FREE) as a:
        start = a.metrics()
        assert start["panel_sessions_open"] == 0
        assert start["process_resident_memory_bytes"] > 10 * 2**20
        for wave in range(1, WAVES + 1):
            before = a.metrics()
            with sessions() as open_session:
                users = [open_session(a.url) for _ in range(SESSIONS)]
                for user in users:
                    assert all(click_and_see(user, ADD, n) for n in range(1, CLICKS + 1))
                during = a.metrics()
            assert during["panel_sessions_open"] == SESSIONS, during
            assert grew(before, during, "panel_sessions_created_total") == SESSIONS
            assert grew(before, during, "panel_event_duration_seconds_count") >= SESSIONS * CLICKS
            assert grew(before, during, "panel_messages_sent_total") >= SESSIONS * CLICKS
            assert grew(before, during, "panel_sent_bytes_total") > 0
            ended = wave * SESSIONS  # every session so far, once the server has let it go
            assert wait_until(lambda: durations(a) == ended, 30), a.metrics()  # noqa: B023
            after = a.metrics()
            assert after["panel_sessions_open"] == 0
            print(f"wave {wave}: {during['panel_messages_sent_total']:.0f} messages sent, "
                  f"RSS {after['process_resident_memory_bytes'] / 2**20:.0f} MB")  # fmt: skip
        assert after["panel_draining"] == 0


@pytest.mark.timeout(120)
def test_draining_shows_in_the_metrics_and_they_are_not_on_the_app_port():
    with sessions() as open_session, replica() as a:
        stays = open_session(a.url)
        assert click_and_see(stays, ADD, 1)
        with pytest.raises(urllib.error.HTTPError) as not_there:
            urllib.request.urlopen(a.url.replace("/app", "/metrics"), timeout=5)
        with not_there.value as answer:  # an HTTPError holds its response open
            assert answer.code == 404
        a.process.send_signal(signal.SIGTERM)
        assert wait_until(lambda: a.metrics()["panel_draining"] == 1, 10)
        assert a.metrics()["panel_sessions_open"] == 1
        stays.close()
        assert a.process.wait(timeout=30) == 0, a.output()


@pytest.mark.timeout(120)
def test_metrics_port_off_serves_none():
    with replica(METRICS_PORT="off") as a:
        with pytest.raises(urllib.error.URLError, match="refused"):
            a.metrics()
        assert a.readiness()[0] == 200
