"""The served app costs nothing while nobody uses it.

A server that keeps working with nobody clicking slows every user down and
wastes what you pay for. Panel 1.10 has such a bug (src/{{ cookiecutter.package_name }}/panel_fixes.py
works around it): after the first click, one core stays at 100%. This test
clicks once, then measures the server's CPU time while the session is idle.
"""

from __future__ import annotations

import time

import psutil

IDLE_SECONDS = 1.0
# Idle, the server uses next to nothing; the bug uses the whole second.
MOST_CPU_SECONDS = 0.25 * IDLE_SECONDS


def test_the_server_does_no_work_between_clicks(server, open_session):
    session = open_session()
    session.click("Add new row")
    session.wait_for(lambda snapshot: len(snapshot.values) == 1)
    session.roundtrip()

    process = psutil.Process(server.process.pid)
    before = sum(process.cpu_times()[:2])
    time.sleep(IDLE_SECONDS)
    used = sum(process.cpu_times()[:2]) - before
    assert used < MOST_CPU_SECONDS, (
        f"the server used {used:.2f} s of CPU in {IDLE_SECONDS} s with nobody clicking"
    )
