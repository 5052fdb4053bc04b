"""The generated checks can fail: a deliberately leaky app must be caught.

The classic Panel bug is state kept in an imported module: Python imports it
once per process, so every session shares it. Here the rows move into such a
module; the generated isolation tests (websocket and browser) and the namespace
guard must all fail. Likewise, project text that would run as script if inserted
as HTML must be caught by the browser test once the escaping is removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bakes import DEFAULT_PYTHON, OPTIONS, bake
from generated_suites import chromium_for_suites, replace_in

needs_chromium = pytest.mark.skipif(
    chromium_for_suites() is None,
    reason="no Chromium for the generated browser tests (set CHROMIUM_EXECUTABLE)",
)

LEAKY_STATE_MODULE = '''\
"""Leaked on purpose: module-level state, shared by every session."""

import panel as pn

ROWS = pn.Column()
'''


def make_leaky(project, package: str) -> None:
    (project / "src" / package / "state.py").write_text(LEAKY_STATE_MODULE, encoding="utf-8")
    rows = project / "src" / package / "pages" / "rows.py"
    source = rows.read_text(encoding="utf-8")
    assert "self.rows = pn.Column()" in source
    source = source.replace("self.rows = pn.Column()", "self.rows = ROWS")
    source = source.replace("from ..data import", "from ..state import ROWS\nfrom ..data import")
    rows.write_text(source, encoding="utf-8")


@pytest.fixture(scope="module", params=OPTIONS["auth"])
def leaky_run(request, cookies_session, suite_board):
    """The leaky app, with each sign-in choice: signed in or not, sessions must not share."""
    result = bake(cookies_session, project_name="Leaky App", auth=request.param)
    make_leaky(result.project_path, "leaky_app")
    # Only the checks this control is about: the others would also fail, but slowly.
    return suite_board.run(
        result.project_path, DEFAULT_PYTHON, "-k", "session_isolation or namespace_guard"
    )


@pytest.mark.parametrize(
    "test_name",
    [
        "test_rows_added_in_one_session_stay_in_that_session",
        "test_editing_a_value_changes_only_that_session",
        "test_package_modules_create_nothing_at_import_time",
        pytest.param("test_two_browser_sessions_never_share_rows", marks=needs_chromium),
    ],
)
def test_leaky_app_is_caught_by(leaky_run, test_name):
    assert leaky_run.returncode != 0
    assert test_name in leaky_run.failed_tests, leaky_run.output[-4000:]


def test_the_guard_names_the_leak_by_file_and_line(leaky_run):
    assert "src/leaky_app/state.py:5: creates a Panel object (pn.Column)" in leaky_run.output


# Text that runs as script if it is ever inserted into the page as HTML.
HOSTILE_TEXT = {
    "project_name": "<img src=x onerror=alert(1)> Board",
    "description": "<script>alert('description')</script> & <b>bold</b>",
}


@pytest.fixture(scope="module")
def hostile_project(cookies_session):
    result = bake(cookies_session, **HOSTILE_TEXT)
    assert result.exit_code == 0, result.exception
    return result.project_path


@needs_chromium
def test_hostile_project_text_is_shown_as_text(hostile_project, suite_board):
    run = suite_board.run(hostile_project, DEFAULT_PYTHON, "-k", "shown_as_text")
    assert run.returncode == 0, run.output[-4000:]
    passed = {name.rsplit("::", 1)[-1] for name in run.passed}
    assert "test_the_project_name_and_description_are_shown_as_text[chromium]" in passed


@needs_chromium
def test_without_escaping_the_browser_test_catches_the_injection(
    hostile_project, suite_board, tmp_path
):
    unescaped = tmp_path / hostile_project.name
    shutil.copytree(hostile_project, unescaped)
    [layout] = unescaped.glob("src/*/layout.py")
    source = layout.read_text(encoding="utf-8")
    for escaped, raw in [
        ("html.escape(TITLE)", "TITLE"),
        ("html.escape(DESCRIPTION)", "DESCRIPTION"),
    ]:
        assert escaped in source
        source = source.replace(escaped, raw)
    layout.write_text(source, encoding="utf-8")
    run = suite_board.run(unescaped, DEFAULT_PYTHON, "-k", "shown_as_text")
    assert "test_the_project_name_and_description_are_shown_as_text" in run.failed_tests
    assert "project text ran as script" in run.output, run.output[-3000:]


def test_a_warning_logged_by_the_served_app_fails_its_suite(default_project, suite_board, tmp_path):
    """The generated server fixture reads the server's log: a warning there is a failure."""
    noisy = '\n__import__("warnings").warn("deliberately noisy", UserWarning, stacklevel=1)\n'
    project = default_project_with(
        default_project,
        tmp_path,
        "app.py",
        "\ncreate_app().servable()\n",
        "\ncreate_app().servable()\n" + noisy,
    )
    run = run_selected(suite_board, project, "session_isolation")  # they serve app.py
    assert run.returncode != 0
    assert "the served app logged:" in run.output
    assert "UserWarning: deliberately noisy" in run.output


def default_project_with(default_project: Path, tmp_path, name: str, old: str, new: str) -> Path:
    """A copy of the default project with `old` replaced by `new` in file `name`."""
    project = tmp_path / "panel-app"
    shutil.copytree(default_project, project)
    replace_in(project / name, old, new)
    return project


def run_selected(suite_board, project: Path, selection: str):
    """The run of the tests in `project` that `-k selection` picks."""
    return suite_board.run(project, DEFAULT_PYTHON, "-k", selection)


def test_a_process_wide_busy_indicator_is_caught_by_the_quiet_neighbours_test(
    default_project, suite_board, tmp_path
):
    """Panel templates' own busy indicator is shared by the process: put it back, and the
    generated test that counts messages to an idle session must fail."""
    project = default_project_with(
        default_project, tmp_path, "src/panel_app/layout.py", "busy_indicator=None,", ""
    )
    run = run_selected(suite_board, project, "sends_nothing_to_other_sessions")
    assert "test_a_click_sends_nothing_to_other_sessions" in run.failed_tests, run.output[-3000:]


@needs_chromium
def test_a_page_with_a_failing_request_fails_the_browser_test_that_opened_it(
    default_project, suite_board, tmp_path
):
    """Every tab a ui test opens is checked when the test ends: a broken image on the
    page (a 404 and a console error) fails the test even though it never looks for it."""
    project = default_project_with(
        default_project,
        tmp_path,
        "src/panel_app/layout.py",
        'main=[pn.pane.HTML(f"<p>{html.escape(DESCRIPTION)}</p>"), main],',
        "main=[pn.pane.HTML('<img src=\"missing.png\">'), main],",
    )
    run = run_selected(suite_board, project, "two_browser_sessions")
    assert run.failed_tests == {"test_two_browser_sessions_never_share_rows"}, run.output[-3000:]
    assert "the browser reported:" in run.output
    assert "missing.png" in run.output


def test_a_spinner_that_ignores_the_pages_is_caught(default_project, suite_board, tmp_path):
    """The header spinner must follow this session's pages: unhook it, and its test fails."""
    project = default_project_with(
        default_project,
        tmp_path,
        "src/panel_app/layout.py",
        "value=pn.bind(lambda *busy: any(busy), *[view.param.busy for view in views]),",
        "value=False,",
    )
    run = run_selected(suite_board, project, "header_spinner")
    assert run.failed_tests == {
        "test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only"
    }, run.output[-3000:]


def test_without_the_panel_fix_the_idle_server_test_fails(default_project, suite_board, tmp_path):
    """Panel 1.10 keeps a core busy after the first click unless panel_fixes.py steps in
    (the default project's Python gets Panel 1.10): take the call out, and the test fails."""
    project = default_project_with(
        default_project,
        tmp_path,
        "app.py",
        "\nstart_busy_cleanup_on_the_event_loop()",
        "\n",
    )
    run = run_selected(suite_board, project, "idle_server")
    assert run.failed_tests == {"test_the_server_does_no_work_between_clicks"}, run.output[-3000:]
    assert "with nobody clicking" in run.output
