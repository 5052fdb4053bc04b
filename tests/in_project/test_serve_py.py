"""The production server, deploy/serve.py (the Docker image's command), run for real.

Runs inside a baked project with docker=yes (tests/in_project/, see generated_suites.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import psutil
import pytest

from production import ROOT, replica


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
