"""A newcomer replaces the starter page with their own (a counter, in tests/counter_page/),
editing exactly what the generated README's "Replacing the starter page" names, and
the project's whole suite passes: the other tests know nothing of the page."""

from __future__ import annotations

import re
import shutil

from bakes import DEFAULT_PACKAGE, DEFAULT_PYTHON, ROOT, project_files

COUNTER_PAGE = ROOT / "tests" / "counter_page"  # laid out as in the default project


def paths_the_readme_names(readme: str) -> set[str]:
    section = readme.split("## Replacing the starter page", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`((?:src|tests)/[^`]*)`", section))


def edited(path: str, named: set[str]) -> bool:
    """Whether the README's steps cover this path: a named file, or under a named folder."""
    return any(path == name or (name.endswith("/") and path.startswith(name)) for name in named)


def test_replacing_the_starter_page_as_the_readme_says(default_project, suite_board, tmp_path):
    project = tmp_path / default_project.name
    shutil.copytree(default_project, project)
    named = paths_the_readme_names((project / "README.md").read_text(encoding="utf-8"))
    pages = f"src/{DEFAULT_PACKAGE}/pages/"
    assert named == {pages, "tests/test_rows_page.py", "tests/test_session_isolation.py"}

    before = project_files(project)
    (project / pages / "rows.py").unlink()
    (project / "tests" / "test_rows_page.py").unlink()  # "replace it with your page's tests"
    shutil.copytree(COUNTER_PAGE, project, dirs_exist_ok=True)
    after = project_files(project)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    test_files = {path for path in changed if path.startswith("tests/")}
    assert test_files == {
        "tests/test_rows_page.py",
        "tests/test_counter_page.py",  # its replacement
        "tests/test_session_isolation.py",
    }
    assert {path for path in changed - test_files if not edited(path, named)} == set()

    run = suite_board.run(project, DEFAULT_PYTHON)
    assert run.returncode == 0, run.output[-4000:]
    passed = {name.rsplit("::", 1)[-1] for name in run.passed}
    assert {
        "test_counts_clicks_and_resets",
        "test_clicks_in_one_session_stay_in_that_session",
    } <= passed
    assert "test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only" in passed
