"""The served app costs nothing while nobody uses it.

Panel 1.10 keeps one core busy after the first click, for the life of the process,
when a client's first message arrives off the event loop's thread (src/.../panel_fixes.py
works around it). Browsers never trigger it, so this uses the protocol client."""

import time
from pathlib import Path

import psutil
from bokeh.models import Button

from client import Session
from support import serve

APP = Path(__file__).resolve().parents[1] / "app.py"
IDLE_SECONDS = 2.0
# Idle, it uses next to nothing; the bug, a whole core, or on a busy machine whatever
# share of one it gets: a tenth is well clear of both.
MOST_CPU_SECONDS = 0.1 * IDLE_SECONDS


def test_the_server_does_no_work_between_clicks():
    with serve(APP) as server:
        session = Session(server.url)
        button = next(model for model in session.models() if isinstance(model, Button))
        before = session.pushes
        session.click(button.label)  # any button: the bug starts with the first click
        session.wait_for(lambda s: s.pushes > before, timeout=2)
        session.roundtrip()
        [process] = psutil.Process().children()  # the `panel serve` serve() started
        before = sum(process.cpu_times()[:2])
        time.sleep(IDLE_SECONDS)
        used = sum(process.cpu_times()[:2]) - before
        session.close()
    assert used < MOST_CPU_SECONDS, (
        f"the server used {used:.2f} s of CPU in {IDLE_SECONDS} s with nobody clicking"
    )
