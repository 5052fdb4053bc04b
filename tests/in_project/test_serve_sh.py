"""The production server script (deploy/serve.sh, the Docker image's command), run for real.

Runs inside a baked project with docker=yes (tests/in_project/, see generated_suites.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from support import free_port

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "deploy" / "serve.sh"


def test_serve_sh_refuses_to_start_without_allowed_origins():
    env = {k: v for k, v in os.environ.items() if k != "ALLOWED_ORIGINS"}
    result = subprocess.run([SERVE], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "set ALLOWED_ORIGINS" in result.stderr


@pytest.mark.timeout(120)
def test_serve_sh_serves_the_app_from_environment_settings():
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # this `panel`
        "ALLOWED_ORIGINS": f"127.0.0.1:{port},app.example.com",
        "ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "COOKIE_SECRET": "only-for-this-test",
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([SERVE], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/liveness", timeout=2):
                        break
                except OSError:
                    log.seek(0)
                    assert process.poll() is None, log.read().decode()
                    assert time.monotonic() < deadline, "deploy/serve.sh did not come up"
                    time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=10) as page:
                assert page.status == 200
            # The secret reaches Panel through its environment, not `ps`.
            assert "only-for-this-test" not in " ".join(psutil.Process(process.pid).cmdline())
        finally:
            process.terminate()
            process.wait(timeout=20)
