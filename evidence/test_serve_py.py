"""The production server, deploy/serve.py (the Docker image's command), run for real.

Runs inside a baked project with docker=yes (evidence/, see tests/test_evidence.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import psutil
import pytest

from production import ROOT, click_and_see, replica, sessions


def test_it_refuses_to_start_without_allowed_origins():
    env = {k: v for k, v in os.environ.items() if k != "ALLOWED_ORIGINS"}
    command = [sys.executable, str(ROOT / "deploy" / "serve.py")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "set ALLOWED_ORIGINS" in result.stderr


@pytest.mark.timeout(120)
def test_it_serves_the_app_from_environment_settings_with_a_clean_log():
    with replica(["app.example.com"], COOKIE_SECRET="only-for-this-test") as running:
        with urllib.request.urlopen(running.url, timeout=10) as page:
            assert page.status == 200
        assert running.readiness() == (200, {"ready": True, "open_sessions": 0})
        # The secret reaches Panel through its environment, not `ps`.
        assert "only-for-this-test" not in " ".join(psutil.Process(running.process.pid).cmdline())
        # Warm-up, start and a page request log nothing alarming.
        assert not re.search(r"Traceback|Error|WARNING", running.output()), running.output()


@pytest.mark.timeout(120)
def test_log_format_json_writes_one_object_per_line_with_session_ids():
    with sessions() as open_session, replica(LOG_FORMAT="json") as running:
        session = open_session(running.url)
        assert click_and_see(session, "Add new row", 1)
        session.close()
        entries = [json.loads(line) for line in running.output().splitlines()]
    assert {"time", "level", "logger", "message"} <= entries[0].keys()
    started = [e for e in entries if e["message"].startswith("session started")]
    assert [e.get("session_id") for e in started] == [session.id], started


def test_an_unknown_log_format_is_refused():
    env = {**os.environ, "ALLOWED_ORIGINS": "app.example.com", "LOG_FORMAT": "xml"}
    command = [sys.executable, str(ROOT / "deploy" / "serve.py")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "LOG_FORMAT is text or json" in result.stderr
