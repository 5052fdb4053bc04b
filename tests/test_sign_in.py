"""Sign-in (auth=basic and auth=oidc): deploy/serve.py signs users in for real, and the
generated sign-in tests can fail: each is run against a project with one defence
taken out."""

from __future__ import annotations

import pytest

from generated_suites import chromium_for_suites, replace_in

SIGNED_IN = ["basic", "oidc"]
SIGN_IN_TESTS = ("tests/test_sign_in.py",)
ESCAPED_USER = '    user = html.escape(pn.state.user or "")\n'


@pytest.mark.parametrize("auth", SIGNED_IN)
def test_serve_py_signs_users_in_from_the_environment(run_in_project, auth):
    run = run_in_project("test_serve_py_sign_in.py", "production.py", answers={"auth": auth})
    assert run.returncode == 0, run.output[-4000:]
    assert len(run.passed) == 3, run.output[-2000:]


@pytest.mark.skipif(chromium_for_suites() is None, reason="no Chromium for the browser tests")
@pytest.mark.parametrize("auth", SIGNED_IN)
def test_a_user_name_shown_as_html_is_caught(run_in_project, auth):
    def unescaped(project):
        [layout] = project.glob("src/*/layout.py")
        replace_in(layout, ESCAPED_USER, '    user = pn.state.user or ""\n')

    run = run_in_project(answers={"auth": auth}, edit=unescaped, pytest_args=SIGN_IN_TESTS)
    assert "test_a_user_name_is_shown_as_text" in run.failed_tests, run.output[-3000:]


def test_a_server_without_sign_in_is_caught(run_in_project):
    def open_to_all(project):
        replace_in(
            project / "tests" / "conftest.py", "serve(APP, env=sign_in_settings)", "serve(APP)"
        )

    run = run_in_project(answers={"auth": "basic"}, edit=open_to_all, pytest_args=SIGN_IN_TESTS)
    assert {
        "test_an_anonymous_visitor_is_sent_to_sign_in",
        "test_a_websocket_without_the_sign_in_cookie_is_refused",
    } <= run.failed_tests, run.output[-3000:]


def test_an_access_rule_that_lets_everyone_in_is_caught(run_in_project):
    def lets_everyone_in(project):
        [access] = project.glob("src/*/access.py")
        replace_in(access, '    """Whether this signed-in user may use the app."""\n',
                '    """Whether this signed-in user may use the app."""\n    return True\n')  # fmt: skip

    run = run_in_project(answers={"auth": "oidc"}, edit=lets_everyone_in, pytest_args=SIGN_IN_TESTS)
    expected = {
        "test_an_email_domain_rule_lets_in_only_that_domain",
        "test_a_group_rule_lets_in_only_members",
    }
    if chromium_for_suites() is not None:
        expected.add("test_a_user_the_access_rules_refuse_gets_panels_error_page")
    assert expected <= run.failed_tests, run.output[-3000:]
