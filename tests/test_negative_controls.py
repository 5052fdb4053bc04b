"""Each check the generated project carries is seen to fail: its suite runs on a copy
with one defence taken out, and exactly the tests guarding it must fail.

The classic Panel bug is state kept where every session shares it: in an imported
module (Python imports it once per process), a class attribute, a default argument."""

import pytest

from bakes import DEFAULT, DEFAULT_PACKAGE, DEFAULT_PYTHON, bake
from suites import copy_with, needs_chromium, run_suite

SRC = f"src/{DEFAULT_PACKAGE}"
PAGE, LAYOUT = f"{SRC}/pages/rows.py", f"{SRC}/layout.py"
OWN_ROWS = "        self.rows = pn.Column()"
LEAKS = {  # the same leak, three ways
    "imported module": {
        f"{SRC}/state.py": '"""Leaked on purpose."""\n\nimport panel as pn\n\nROWS = pn.Column()\n',
        PAGE: [(OWN_ROWS, "        from ..state import ROWS\n\n        self.rows = ROWS")],
    },
    "class attribute": {PAGE: [('    title = "Dynamic rows"\n', '    title = "Dynamic rows"\n    shared = pn.Column()\n'),
                               (OWN_ROWS, "        self.rows = self.shared")]},
    "default argument": {PAGE: [("def __init__(self, **params):", "def __init__(self, shared=pn.Column(), **params):"),
                                (OWN_ROWS, "        self.rows = shared")]},
}  # fmt: skip


QUICK_FAIL = ("expect.set_options(timeout=15_000)", "expect.set_options(timeout=4_000)")


def broken(bakery, tmp_path, edits, *pytest_args, **answers):
    """The suite run (or the `pytest_args` part) of a default bake with these edits; a
    browser assertion gives up sooner (a failure here is expected, and waits its timeout)."""
    edits = edits | {"tests/conftest.py": [QUICK_FAIL, *edits.get("tests/conftest.py", [])]}
    project = bakery(DEFAULT | answers).project_path
    return run_suite(
        copy_with(project, tmp_path / project.name, edits), DEFAULT_PYTHON, *pytest_args
    )


ROWS_TEST = "tests/test_session_isolation.py::test_rows_added_and_edited_in_one_session_stay_in_that_session"
GUARD_TEST = "tests/test_namespace_guard.py::test_package_modules_hold_no_state_after_import"
LEAKY_RUNS = [  # the browser sees the leak signed in or not; the guard names it however written
    ("imported module", "none", (ROWS_TEST, GUARD_TEST)), ("imported module", "basic", (ROWS_TEST,)),
    ("imported module", "oidc", (ROWS_TEST,)), ("class attribute", "none", (GUARD_TEST,)),
    ("default argument", "none", (GUARD_TEST,)),
]  # fmt: skip


@needs_chromium
@pytest.mark.parametrize(
    ("leak", "auth", "tests"), LEAKY_RUNS, ids=[f"{leak}-{auth}" for leak, auth, _ in LEAKY_RUNS]
)
def test_a_leaky_app_fails_the_isolation_tests_signed_in_or_not(
    bakery, tmp_path, leak, auth, tests
):
    run = broken(bakery, tmp_path, LEAKS[leak], *tests, auth=auth)
    assert run.named("failed") == {test.split("::")[1] for test in tests}, run.output[-4000:]
    if GUARD_TEST in tests:
        assert "Every session would share these" in run.output


# Text that runs as script if it is ever inserted into the page as HTML.
HOSTILE = {"project_name": "<img src=x onerror=alert(1)> Board",
           "description": "<script>alert('description')</script> & <b>bold</b>"}  # fmt: skip


@needs_chromium
def test_hostile_project_text_is_shown_as_text_and_caught_without_escaping(
    cookies_session, tmp_path
):
    project = bake(cookies_session, **HOSTILE).project_path
    [layout] = project.glob("src/*/layout.py")
    layout_name = layout.relative_to(project).as_posix()
    kept = run_suite(copy_with(project, tmp_path / "kept", {}), DEFAULT_PYTHON, "tests/test_ui.py")
    assert kept.named("passed") == {"test_the_project_name_and_description_are_shown_as_text"}, (
        kept.output[-3000:]
    )
    unescaped = [("html.escape(TITLE)", "TITLE"), ("html.escape(DESCRIPTION)", "DESCRIPTION")]
    run = run_suite(
        copy_with(project, tmp_path / "unescaped", {layout_name: unescaped}),
        DEFAULT_PYTHON,
        "tests/test_ui.py",
    )
    assert run.named("failed") == {"test_the_project_name_and_description_are_shown_as_text"}
    assert "project text ran as script" in run.output, run.output[-3000:]


SIGN_IN = "tests/test_sign_in.py"
CONTROLS = {  # what is broken: (edits, the tests it runs, the tests that must fail, a line they say[, answers])
    "a warning the served app logs": (
        {"app.py": [("\ncreate_app().servable()\n", '\ncreate_app().servable()\n__import__("warnings").warn("noisy", UserWarning, stacklevel=1)\n')]},
        "tests/test_session_isolation.py::test_a_reload_starts_a_new_session",
        {"test_a_reload_starts_a_new_session"}, "UserWarning: noisy"),
    "a process-wide busy indicator": (
        {LAYOUT: [("busy_indicator=None,", "")]},
        "tests/test_session_isolation.py::test_a_click_sends_nothing_to_other_sessions",
        {"test_a_click_sends_nothing_to_other_sessions"}, "assert"),
    "a failing request on the page": (
        {LAYOUT: [('main=[pn.pane.HTML(f"<p>{html.escape(DESCRIPTION)}</p>"), main],', "main=[pn.pane.HTML('<img src=\"missing.png\">'), main],")]},
        "tests/test_session_isolation.py::test_a_reload_starts_a_new_session",
        {"test_a_reload_starts_a_new_session"}, "missing.png"),
    "a spinner that ignores the pages": (
        {LAYOUT: [("value=pn.bind(lambda *busy: any(busy), *[view.param.busy for view in views]),", "value=False,")]},
        "tests/test_layout.py", {"test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only"}, "assert"),
    **{f"a user name shown as HTML ({auth})": (
        {LAYOUT: [("{html.escape(user)}", "{user}")]}, SIGN_IN + "::test_a_user_name_is_shown_as_text",
        {"test_a_user_name_is_shown_as_text"}, "assert", {"auth": auth})
       for auth in ("basic", "oidc")},
    "a server without sign-in": (
        {"tests/conftest.py": [("serve(APP, env=sign_in_settings)", "serve(APP)")]}, (SIGN_IN, "-m", "not ui"),
        {"test_an_anonymous_visitor_is_sent_to_sign_in", "test_a_made_up_sign_in_cookie_is_refused",
         "test_a_websocket_without_the_sign_in_cookie_is_refused"}, "assert", {"auth": "basic"}),
    "an access rule that lets everyone in": (
        {f"{SRC}/access.py": [('may use the app."""\n', 'may use the app."""\n    return True\n')]},
        "tests/test_access.py", {"test_an_email_domain_rule_lets_in_only_that_domain", "test_a_group_rule_lets_in_only_members",
                                 "test_a_user_the_rules_refuse_gets_panels_error_page"}, "assert", {"auth": "oidc"}),
}  # fmt: skip


@needs_chromium
@pytest.mark.parametrize("broken_part", CONTROLS)
def test_the_suite_catches(bakery, tmp_path, broken_part):
    edits, tests, must_fail, said, *answers = CONTROLS[broken_part]
    tests = (tests,) if isinstance(tests, str) else tests
    run = broken(bakery, tmp_path, edits, *tests, **(answers[0] if answers else {}))
    assert run.named("failed") == must_fail, run.output[-4000:]
    assert said.lower() in run.output.lower()
