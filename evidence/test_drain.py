"""A replica sent SIGTERM drains: its users keep working, new users go elsewhere, and it
exits when they are done or its deadline passes (deploy/serve.py, behind the project's
nginx config). Runs inside a baked default project with its tests/support.py."""

from __future__ import annotations

import signal
import time

import pytest

from production import behind_nginx, click_and_see, needs_nginx, replica, rows, sessions, wait_until

ADD = "Add new row"
CLICKS_WHILE_DRAINING = 5


@needs_nginx
@pytest.mark.timeout(300)
def test_a_stopped_replica_keeps_its_users_and_sends_new_ones_elsewhere(tmp_path):
    with behind_nginx(tmp_path) as (open_session, (a, b), url):
        on_a = [open_session(a.url) for _ in range(3)]
        on_b = [open_session(b.url) for _ in range(2)]
        for session in on_a + on_b:
            assert click_and_see(session, ADD, 1)

        a.process.send_signal(signal.SIGTERM)
        wait_until(lambda: a.readiness()[0] != 200, 10)
        for count in range(2, 2 + CLICKS_WHILE_DRAINING):  # A's users go on clicking
            lost = [s.id for s in on_a if not click_and_see(s, ADD, count, seconds=10)]
            assert not lost, f"clicks lost on the stopped replica: {lost}\n{a.output()}"
        assert a.readiness() == (503, {"ready": False, "open_sessions": 3})

        newcomers = [open_session(url) for _ in range(8)]  # through nginx, each a new visitor
        for session in newcomers:
            assert click_and_see(session, ADD, 1)
        assert a.readiness()[1]["open_sessions"] == 3, (
            "a new session started on the draining replica"
        )
        assert b.readiness()[1]["open_sessions"] == 2 + 8

        for session in on_a:
            session.close()
        started = time.monotonic()
        assert a.process.wait(timeout=30) == 0, a.output()
        assert "drained: every session has closed" in a.output()
        print(f"exited {time.monotonic() - started:.1f} s after its last session closed")
        for session in on_b + newcomers:  # the other replica's users never noticed
            assert click_and_see(session, ADD, len(rows(session)) + 1)


@pytest.mark.timeout(120)
def test_a_drain_ends_at_its_deadline_when_a_session_stays_open():
    with sessions() as open_session, replica(DRAIN_SECONDS="3") as a:
        stays = open_session(a.url)
        assert click_and_see(stays, ADD, 1)
        started = time.monotonic()
        a.process.send_signal(signal.SIGTERM)
        assert a.process.wait(timeout=30) == 0
        waited = time.monotonic() - started
        assert 3 <= waited < 10, f"exited after {waited:.1f} s, DRAIN_SECONDS=3"
        assert "drain deadline: 1 sessions still open" in a.output()


@pytest.mark.timeout(120)
def test_a_second_sigterm_exits_at_once():
    with sessions() as open_session, replica() as a:
        stays = open_session(a.url)
        assert click_and_see(stays, ADD, 1)
        a.process.send_signal(signal.SIGTERM)
        assert wait_until(lambda: a.readiness()[0] == 503, 10)
        started = time.monotonic()
        a.process.send_signal(signal.SIGTERM)
        assert a.process.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
        assert "second signal: exiting at once" in a.output()


@pytest.mark.timeout(120)
def test_a_replica_past_max_rss_drains_itself():
    """MAX_RSS_MB far below what any server uses: it drains at its first check and, with
    no session open, exits (the orchestrator then starts a fresh one)."""
    with replica(MAX_RSS_MB="1") as a:
        assert a.process.wait(timeout=30) == 0, a.output()
        assert "is over MAX_RSS_MB=1" in a.output()
        assert "drained: every session has closed" in a.output()
