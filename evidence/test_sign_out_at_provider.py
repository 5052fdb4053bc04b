"""With auth=oidc, "Sign out" in deploy/serve.py's app ends the session at the provider
too (OpenID Connect RP-Initiated Logout, when the discovery document has an
end_session_endpoint), comes back signed out, and the cookies from before no longer
open the app. Without that endpoint it signs out locally. In Chromium and over HTTP,
against the real provider (oidc-provider-mock, started by the project's tests/sign_in.py).

Runs inside a baked project with docker=yes and auth=oidc (evidence/).
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from test_sign_in import first_response  # the bake's own helper

from production import oidc_settings, replica


@pytest.fixture
def settings(identity_provider: str) -> dict[str, str]:
    return oidc_settings(identity_provider, "sign-out-test")


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.mark.timeout(120)
def test_sign_out_ends_the_provider_session_and_returns_signed_out(
    page: Page, settings, identity_provider, sign_in
):
    with replica(**settings) as app:
        signed_out_page = app.url.replace("/app", "/logout")
        page.goto(app.url)
        sign_in(page, "alice", app.url)
        before = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
        assert first_response(app.url, before)[0] == 200  # the cookies open the app

        page.get_by_role("link", name="Sign out").click()
        expect(page).to_have_url(re.compile(re.escape(f"{identity_provider}/oauth2/end_session?")))
        asked = parse_qs(urlsplit(page.url).query)
        assert asked["client_id"] == ["sign-out-test"]
        assert asked["post_logout_redirect_uri"] == [signed_out_page]
        assert claims(asked["id_token_hint"][0])["sub"] == "alice"
        page.get_by_role("button", name="End session").click()

        expect(page).to_have_url(signed_out_page)
        expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
        assert "user" not in {cookie["name"] for cookie in page.context.cookies()}
        page.goto(app.url)  # the app again: sign-in comes first
        expect(page).to_have_url(re.compile(re.escape(f"{identity_provider}/oauth2/authorize?")))
        assert first_response(app.url, before)[0] == 403, app.output()


@pytest.mark.timeout(120)
def test_without_an_end_session_endpoint_sign_out_is_local(
    settings, identity_provider, sign_in_over_http
):
    endpoints = {  # given, so the discovery document (and its end_session_endpoint) is not read
        "PANEL_OAUTH_AUTHORIZE_URL": f"{identity_provider}/oauth2/authorize",
        "PANEL_OAUTH_TOKEN_URL": f"{identity_provider}/oauth2/token",
        "PANEL_OAUTH_USER_URL": f"{identity_provider}/userinfo",
    }
    with replica(**settings, **endpoints) as app:
        before = sign_in_over_http(app.url, "alice")
        assert first_response(app.url, before)[0] == 200
        assert first_response(app.url.replace("/app", "/logout"), before)[0] == 200  # no redirect
        assert first_response(app.url, before)[0] == 403, app.output()
