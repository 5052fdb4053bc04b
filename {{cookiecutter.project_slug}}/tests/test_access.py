"""Who may enter (src/{{ cookiecutter.package_name }}/access.py): its rules, and Panel's
"not authorized" page for a user they refuse, with the real provider (sign_in.py)."""

import urllib.error
import urllib.request
from pathlib import Path

import {{ cookiecutter.package_name }}.access as access
from support import serve

APP = Path(__file__).resolve().parents[1] / "app.py"


def test_by_default_every_signed_in_user_may_enter(claims):
    assert all(access.authorize(user) for user in claims.values())
    assert access.authorize({})


def test_an_email_domain_rule_lets_in_only_that_domain(monkeypatch):
    monkeypatch.setattr(access, "ALLOWED_EMAIL_DOMAINS", frozenset({"example.com"}))
    assert access.authorize({"email": "alice@example.com"})
    assert access.authorize({"email": "Alice@EXAMPLE.com"})
    assert not access.authorize({"email": "bob@example.org"})
    assert not access.authorize({"email": "bob@example.com.evil.org"})
    assert not access.authorize({})


def test_a_group_rule_lets_in_only_members(monkeypatch):
    monkeypatch.setattr(access, "ALLOWED_GROUPS", frozenset({"staff"}))
    assert access.authorize({"groups": ["staff", "other"]})
    assert not access.authorize({"groups": ["other"]})
    assert not access.authorize({"groups": "staff"})  # a string is not a list of groups
    assert not access.authorize({})


def test_a_user_the_rules_refuse_gets_panels_error_page(
    sign_in_settings, sign_in_over_http, tmp_path
):
    """access.py restricted to example.com: alice (example.com) gets the app, bob
    (example.org) Panel's "not authorized" page."""
    setup = tmp_path / "only_example_com.py"  # runs once in the server, before any session
    setup.write_text(
        f"import {access.__name__} as access\n"
        "access.ALLOWED_EMAIL_DOMAINS = frozenset({'example.com'})\n",
        encoding="utf-8",
    )
    with serve(APP, "--setup", str(setup), env=sign_in_settings) as restricted:
        pages = {
            user: page(restricted.url, sign_in_over_http(restricted.url, user))
            for user in ("alice", "bob")
        }
    assert "bokeh" in pages["alice"]
    assert "not authorized" not in pages["alice"]
    assert "User is not authorized." in pages["bob"]
    assert "bokeh" not in pages["bob"]


def page(url: str, cookies: dict[str, str]) -> str:
    """The page at `url` for a client with these cookies, whatever its status."""
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers={"Cookie": cookie}), timeout=30
        ) as response:
            return response.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.read().decode()
