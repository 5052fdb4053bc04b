"""A newcomer replaces the starter page with their own (a slider with no button, in
tests/replacement_page/),
editing exactly what the generated README's "Replacing the starter page" names, and
the project's whole suite passes: the other tests know nothing of the page."""

from __future__ import annotations

import ast
import re
import shutil

import pytest

from bakes import DEFAULT_PACKAGE, DEFAULT_PYTHON, ROOT, project_files
from suites import edit, run_suite

NEW_PAGE = ROOT / "tests" / "replacement_page"  # laid out as in the default project


def paths_the_readme_names(readme: str) -> set[str]:
    section = readme.split("## Replacing the starter page", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`((?:src|tests)/[^`]*)`", section))


def edited(path: str, named: set[str]) -> bool:
    """Whether the README's steps cover this path: a named file, or under a named folder."""
    return any(path == name or (name.endswith("/") and path.startswith(name)) for name in named)


@pytest.mark.slow  # a whole suite run (16 s of CPU); the check below runs in the fast loop
def test_replacing_the_starter_page_as_the_readme_says(default_project, tmp_path):
    project = tmp_path / default_project.name
    shutil.copytree(default_project, project)
    named = paths_the_readme_names((project / "README.md").read_text(encoding="utf-8"))
    pages = f"src/{DEFAULT_PACKAGE}/pages/"
    assert named == {pages, "tests/test_rows_page.py", "tests/test_session_isolation.py"}

    before = project_files(project)
    (project / pages / "rows.py").unlink()
    (project / "tests" / "test_rows_page.py").unlink()  # "replace it with your page's tests"
    shutil.copytree(
        NEW_PAGE, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    listed = [("from .rows import RowsPage", "from .slider import SliderPage"),
              ("(RowsPage,)", "(SliderPage,)")]  # fmt: skip
    edit(project, {f"{pages}__init__.py": listed})  # "list it in PAGES in __init__.py"
    after = project_files(project)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    test_files = {path for path in changed if path.startswith("tests/")}
    assert test_files == {
        "tests/test_rows_page.py",
        "tests/test_slider_page.py",  # its replacement
        "tests/test_session_isolation.py",
    }
    assert {path for path in changed - test_files if not edited(path, named)} == set()

    run = run_suite(project, DEFAULT_PYTHON)
    assert run.returncode == 0, run.output[-4000:]
    assert {"test_each_page_object_has_its_own_number",
            "test_a_number_picked_in_one_session_stays_in_that_session",
            "test_the_header_spinner_follows_the_busy_flags_of_this_sessions_pages_only"} <= run.named("passed")  # fmt: skip


def test_the_helpers_the_readme_says_to_rewrite_are_those_of_the_isolation_test(default_project):
    readme = (default_project / "README.md").read_text(encoding="utf-8")
    step = readme.split("3. `tests/test_session_isolation.py`", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`(\w+)`", step))
    test = (default_project / "tests" / "test_session_isolation.py").read_text(encoding="utf-8")
    body = ast.parse(test).body
    defined = {node.name for node in body if isinstance(node, ast.FunctionDef)}
    defined |= {name.id for node in body if isinstance(node, ast.Assign)
                for target in node.targets for name in ast.walk(target) if isinstance(name, ast.Name)}  # fmt: skip
    assert named, step
    assert named <= defined, f"README.md names {sorted(named - defined)}, not in that file"
