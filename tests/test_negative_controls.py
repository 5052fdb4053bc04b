"""Each check the generated project carries is seen to fail: its suite runs on a copy
with a defence taken out, and exactly the tests guarding it must fail, each saying why.
Defences whose tests differ come out together in one copy (a suite run costs 10-20 s);
what each failing test reports ties its failure to its own defence.

The classic Panel bug is state kept where every session shares it: in an imported
module (Python imports it once per process), a class attribute, a default argument."""

import pytest

from bakes import DEFAULT, DEFAULT_PACKAGE, DEFAULT_PYTHON, bake
from suites import copy_with, needs_chromium, run_suite

SRC = f"src/{DEFAULT_PACKAGE}"
PAGE, LAYOUT = f"{SRC}/pages/rows.py", f"{SRC}/layout.py"
OWN_ROWS = "        self.rows = pn.Column()"
IMPORTED_LEAK = {  # the rows every session would share, in a module Python imports once
    f"{SRC}/state.py": '"""Leaked on purpose."""\n\nimport panel as pn\n\nROWS = pn.Column()\n',
    PAGE: [(OWN_ROWS, "        from ..state import ROWS\n\n        self.rows = ROWS")],
}
# The same state held two more ways, unused in this copy: the guard must still name them.
THREE_LEAKS = IMPORTED_LEAK | {
    PAGE: [
        *IMPORTED_LEAK[PAGE],
        ('    title = "Dynamic rows"\n', '    title = "Dynamic rows"\n    shared = pn.Column()\n'),
        ("def __init__(self, **params):", "def __init__(self, rows=pn.Column(), **params):"),
    ]
}
GUARD_FINDS = ("state.ROWS: a Column object", "RowsPage.shared: a Column class attribute",
               "RowsPage.__init__: a Column default")  # fmt: skip


QUICK_FAIL = ("expect.set_options(timeout=15_000)", "expect.set_options(timeout=4_000)")


def broken(bakery, tmp_path, edits, *pytest_args, **answers):
    """The suite run (or the `pytest_args` part) of a bake with these edits; a browser
    assertion gives up sooner (a failure here is expected, and waits its timeout)."""
    edits = edits | {"tests/conftest.py": [QUICK_FAIL, *edits.get("tests/conftest.py", [])]}
    project = bakery(DEFAULT | answers).project_path
    return run_suite(
        copy_with(project, tmp_path / project.name, edits), DEFAULT_PYTHON, *pytest_args
    )


ISOLATION, SIGN_IN = "tests/test_session_isolation.py", "tests/test_sign_in.py"
ROWS_TEST = f"{ISOLATION}::test_rows_added_and_edited_in_one_session_stay_in_that_session"
GUARD_TEST = "tests/test_namespace_guard.py::test_package_modules_hold_no_state_after_import"
RELOAD_TEST = f"{ISOLATION}::test_a_reload_starts_a_new_session"
USER_TEST = f"{SIGN_IN}::test_a_user_name_is_shown_as_text"
ROWS_LEAK, GUARD_SAYS = "expected to have count '1'", "Every session would share these"
USER_AS_HTML = "Locator expected to have text 'O'Hara"  # the odd user of sign_in.py
UNESCAPED_USER = {LAYOUT: [("{html.escape(user)}", "{user}")]}
EVERYONE_IN = {
    f"{SRC}/access.py": [('may use the app."""\n', 'may use the app."""\n    return True\n')]
}
ACCESS_TESTS = {
    "test_an_email_domain_rule_lets_in_only_that_domain": "assert not True",
    "test_a_group_rule_lets_in_only_members": "assert not True",
    "test_a_user_the_rules_refuse_gets_panels_error_page": "'User is not authorized.' in",
}
CONTROLS = {  # what is taken out: (answers, edits, {test that must fail: what its report says, or a tuple of things it says})
    "state in a module, a class attribute and a default argument, a spinner ignoring the pages": ({}, THREE_LEAKS | {
        LAYOUT: [("value=pn.bind(lambda *busy: any(busy), *[view.param.busy for view in views]),", "value=False,")]},
        {ROWS_TEST: ROWS_LEAK, GUARD_TEST: (GUARD_SAYS, *GUARD_FINDS),
         "tests/test_layout.py::test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only": "(True, False)"}),
    "a warning the served app logs": (
        {}, {"app.py": [("\ncreate_app().servable()\n", '\ncreate_app().servable()\n__import__("warnings").warn("noisy", UserWarning, stacklevel=1)\n')]},
        {RELOAD_TEST: "UserWarning: noisy"}),
    "a process-wide busy indicator": ({}, {LAYOUT: [("busy_indicator=None,", "")]},
        {f"{ISOLATION}::test_a_click_sends_nothing_to_other_sessions": "len(idle.received) == before"}),
    "a failing request on the page": (
        {}, {LAYOUT: [('main=[pn.pane.HTML(f"<p>{html.escape(DESCRIPTION)}</p>"), main],', "main=[pn.pane.HTML('<img src=\"missing.png\">'), main],")]},
        {RELOAD_TEST: "missing.png"}),
    "basic: state in an imported module, a user name shown as HTML": (
        {"auth": "basic"}, IMPORTED_LEAK | UNESCAPED_USER, {ROWS_TEST: ROWS_LEAK, USER_TEST: USER_AS_HTML}),
    "basic: a server without sign-in": ({"auth": "basic"}, {"tests/conftest.py": [("serve(APP, env=sign_in_settings)", "serve(APP)")]},
        {f"{SIGN_IN}::{test}": "assert" for test in ("test_an_anonymous_visitor_is_sent_to_sign_in",
         "test_a_made_up_sign_in_cookie_is_refused", "test_a_websocket_without_the_sign_in_cookie_is_refused")}),
    "oidc: state in an imported module, a user name shown as HTML, an access rule that lets everyone in": (
        {"auth": "oidc"}, IMPORTED_LEAK | UNESCAPED_USER | EVERYONE_IN,
        {ROWS_TEST: ROWS_LEAK, USER_TEST: USER_AS_HTML, **{f"tests/test_access.py::{test}": said for test, said in ACCESS_TESTS.items()}}),
}  # fmt: skip


@needs_chromium
@pytest.mark.parametrize("taken_out", CONTROLS)
def test_the_suite_catches(bakery, tmp_path, taken_out):
    answers, edits, must_fail = CONTROLS[taken_out]
    run = broken(bakery, tmp_path, edits, *must_fail, **answers)
    assert run.named("failed") == {test.split("::")[1] for test in must_fail}, run.output[-4000:]
    for test, says in must_fail.items():
        for said in (says,) if isinstance(says, str) else says:
            assert said in run.said(test.split("::")[1]), f"{test} failed, but not saying {said!r}"


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
