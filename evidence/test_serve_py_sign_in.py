"""deploy/serve.py with sign-in, run for real: it refuses to start without its sign-in
settings, takes them from the environment (never the command line), keeps the probes
open, and sends anonymous visitors to sign in. With auth=oidc it finds the provider's
endpoints from OIDC_ISSUER alone, and a user signs in at the real provider (conftest.py
starts oidc-provider-mock on 127.0.0.1).

Runs inside a baked project with docker=yes and auth=basic or oidc (evidence/).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

import psutil
import pytest
from test_sign_in import first_response  # the bake's own helper

from production import ROOT, oidc_settings, replica

OIDC = "OIDC_ISSUER" in (ROOT / "deploy" / "sign_in_settings.py").read_text(encoding="utf-8")
PASSWORD = secrets.token_urlsafe(16)
SIGN_IN_VARIABLES = ("COOKIE_SECRET", "PANEL_COOKIE_SECRET", "PANEL_BASIC_AUTH", "OIDC_ISSUER")


@pytest.fixture
def settings(tmp_path, request) -> dict[str, str]:
    """Sign-in settings as an operator gives them: the environment."""
    if OIDC:
        return oidc_settings(request.getfixturevalue("identity_provider"), "serve-py-test")
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"alice": PASSWORD}), encoding="utf-8")
    return {"PANEL_BASIC_AUTH": str(credentials), "COOKIE_SECRET": secrets.token_urlsafe(32)}


@pytest.mark.parametrize("left_out", ["COOKIE_SECRET", "PANEL_BASIC_AUTH|PANEL_OAUTH_KEY"])
def test_it_refuses_to_start_without_a_sign_in_setting(settings, left_out):
    name = next(n for n in left_out.split("|") if n in settings)
    env = {k: v for k, v in os.environ.items() if k not in SIGN_IN_VARIABLES}
    env |= {k: v for k, v in settings.items() if k != name}
    env["ALLOWED_ORIGINS"] = "app.example.com"
    command = [sys.executable, str(ROOT / "deploy" / "serve.py")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "set " in result.stderr
    assert name.removeprefix("PANEL_") in result.stderr  # COOKIE_SECRET: PANEL_COOKIE_SECRET


@pytest.mark.timeout(120)
def test_it_signs_users_in_from_environment_settings(settings, sign_in_over_http):
    with replica(**settings) as running:
        status, location, _ = first_response(running.url)
        assert (status, "login" in location) == (302, True)
        # Orchestrators probe without signing in.
        assert first_response(running.url.replace("/app", "/liveness"))[0] == 200
        assert running.readiness()[0] == 200
        cookies = sign_in_over_http(running.url, "alice", *([] if OIDC else [PASSWORD]))
        assert cookies, running.output()
        request = urllib.request.Request(
            running.url, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        )
        with urllib.request.urlopen(request, timeout=10) as page:
            assert page.status == 200
            assert '"token"' in page.read().decode()
        command_line = " ".join(psutil.Process(running.process.pid).cmdline())
        assert not any(secret in command_line for secret in settings.values())
