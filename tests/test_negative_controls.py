"""The generated checks can fail: a deliberately leaky app must be caught.

The classic Panel bug is state kept in an imported module: Python imports it
once per process, so every session shares it. Here the rows move into such a
module; the generated isolation test and namespace guard must both fail.
"""

from __future__ import annotations

import pytest

from conftest import bake

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


@pytest.fixture(scope="module")
def leaky_run(cookies_session, suite_board):
    result = bake(cookies_session, project_name="Leaky App")
    make_leaky(result.project_path, "leaky_app")
    run = suite_board.run(result.project_path, "3.12")
    if isinstance(run, str):
        pytest.skip(run)
    return run


@pytest.mark.parametrize(
    "test_name",
    [
        "test_rows_added_in_one_session_stay_in_that_session",
        "test_editing_a_value_changes_only_that_session",
        "test_package_modules_create_nothing_at_import_time",
        "test_importing_the_package_creates_no_panel_object",
    ],
)
def test_leaky_app_is_caught_by(leaky_run, test_name):
    assert leaky_run.returncode != 0
    assert test_name in {name.rsplit("::", 1)[-1] for name in leaky_run.failed}, leaky_run.output[
        -4000:
    ]


def test_the_guard_names_the_leak_by_file_and_line(leaky_run):
    assert "src/leaky_app/state.py:5: creates a Panel object (pn.Column)" in leaky_run.output
