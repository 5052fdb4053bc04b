"""Fixtures for the template's own tests.

`pytest` bakes a few combinations that together use every choice of every option
(fast, for local work); `pytest --matrix=full` bakes every combination, as CI does.
Bakes go through pytest-cookies, once per combination per session.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import checkers
from bakes import (
    OPTIONS,
    SYSTEM_TEMP_DIR,
    Bakery,
    Combination,
    compared_combinations,
    covering_combinations,
    hooks_left_in_system_temp_dir,
    selected_combinations,
    suite_inputs,
)
from generated_suites import (
    WORKERS,
    MatrixRuns,
    SuiteBoard,
    SuiteRun,
    chromium_for_suites,
    find_python,
    with_in_project_tests,
)

collect_ignore = ["in_project", "counter_page"]  # they run inside baked projects, not here


def pytest_addoption(parser):
    parser.addoption(
        "--matrix",
        choices=("fast", "full"),
        default="fast",
        help="fast: a few combinations covering every choice (default); full: all of them",
    )


def pytest_generate_tests(metafunc):
    if "combination" in metafunc.fixturenames:
        combinations = selected_combinations(metafunc.config)
        metafunc.parametrize("combination", combinations, ids=[c.id for c in combinations])
    if "compared" in metafunc.fixturenames:
        combinations = compared_combinations(metafunc.config)
        metafunc.parametrize("compared", combinations, ids=[c.id for c in combinations])


def pytest_collection_modifyitems(items):
    """Tests that wait for the matrix's suite runs go last: the others run meanwhile."""
    items.sort(key=lambda item: "matrix_runs" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", autouse=True)
def temp_files_stay_in_pytests_temp_dir(tmp_path_factory) -> Iterator[Path]:
    """Point this process's and its children's temp dir into pytest's own (which
    pytest prunes), because cookiecutter leaves every hook it runs there. A child
    given an environment copied before this ran still writes to the system temp
    dir: the check at the end of the session names what did."""
    temp = tmp_path_factory.mktemp("tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temp))
        patch.setattr(tempfile, "tempdir", str(temp))
        yield temp
    left = hooks_left_in_system_temp_dir()
    assert not left, f"bakes this session left their hooks in {SYSTEM_TEMP_DIR}: {left}"


@pytest.fixture(scope="session")
def bakery(cookies_session, temp_files_stay_in_pytests_temp_dir) -> Bakery:
    # Asks for the temp-dir fixture by name: autouse alone does not order it
    # before other session fixtures that bake (such as _matrix_starts_first).
    return Bakery(cookies_session)


@pytest.fixture
def baked(bakery, combination):
    """The result of baking this test's combination."""
    return bakery(combination)


@pytest.fixture(scope="session")
def default_project(bakery) -> Path:
    """The project `cookiecutter --no-input` makes (read it, don't change it)."""
    return bakery(covering_combinations()[0]).project_path


@pytest.fixture(scope="session")
def ruff_report(request, bakery) -> dict[Path, list[str]]:
    """ruff over every selected combination at once (one process, each project's own config)."""
    projects = [bakery(c).project_path for c in selected_combinations(request.config)]
    return checkers.ruff(projects)


SUITE_BOARD = pytest.StashKey[SuiteBoard]()


@pytest.fixture(scope="session")
def suite_board(request, tmp_path_factory) -> Iterator[SuiteBoard]:
    board = SuiteBoard(tmp_path_factory.mktemp("suites"))
    request.config.stash[SUITE_BOARD] = board
    yield board
    board.close()


@pytest.fixture
def run_in_project(bakery, suite_board, tmp_path) -> Callable[..., SuiteRun]:
    """Run test files of tests/in_project/ inside a copy of a baked project (the default
    one, but for `answers`), with its fixtures and tests/support.py (and any helper
    module named with them); `edit(project)` may change the copy first, and `more`
    adds files to it (path in the project: file); `pytest_args` narrow the run."""
    copies = itertools.count()

    def run(*names: str, edit=None, more=None, answers=None, pytest_args=()) -> SuiteRun:
        default = covering_combinations()[0]
        combination = Combination(tuple((k, (answers or {}).get(k, v)) for k, v in default.choices))
        baked = bakery(combination).project_path
        copy = tmp_path / f"copy{next(copies)}" / baked.name
        project = with_in_project_tests(baked, copy, *names, more=more)
        if edit is not None:
            edit(project)
        tests = [f"tests/{name}" for name in names if name.startswith("test_")]
        return suite_board.run(project, combination.context["python_version"], *tests, *pytest_args)

    return run


@pytest.fixture
def run_in_default_project(run_in_project) -> Callable[..., SuiteRun]:
    """run_in_project, in the default project."""
    return run_in_project


@pytest.fixture(scope="session")
def matrix_runs(request, bakery, suite_board) -> MatrixRuns:
    """Bake every selected combination, group them, and queue each group's suite run
    as soon as its first combination is baked (baking them all takes over a minute)."""
    groups: dict[tuple[str, str], list[Combination]] = defaultdict(list)
    for combination in selected_combinations(request.config):
        project = bakery(combination).project_path
        python_version = combination.context["python_version"]
        key = suite_board.submit(project, python_version, inputs=suite_inputs)
        groups[key].append(combination)
    return MatrixRuns(dict(groups), suite_board)


@pytest.fixture(scope="session", autouse=True)
def _matrix_starts_first(request):
    """Queue the matrix's suite runs before the first test, so they run alongside the rest."""
    if any("matrix_runs" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("matrix_runs")


def pytest_terminal_summary(terminalreporter, config):
    board = config.stash.get(SUITE_BOARD, None)
    if board is None:
        return
    terminalreporter.section("generated test suites")
    for version in OPTIONS["python_version"]:
        python, origin = find_python(version)
        terminalreporter.write_line(f"python {version}: {python or 'SKIPPED'} ({origin})")
    chromium = chromium_for_suites()
    terminalreporter.write_line(
        f"browser for the generated ui tests: {chromium}"
        if chromium
        else "browser for the generated ui tests: none found, so they were allowed to skip"
    )
    for line in board.report:
        terminalreporter.write_line(line)
    runs = board.finished()
    if runs:
        seconds = sorted(run.seconds for run in runs)
        terminalreporter.write_line(
            f"{len(runs)} suite runs: median {seconds[len(seconds) // 2]:.1f}s, "
            f"slowest {seconds[-1]:.1f}s (wall time, up to {WORKERS + 1} at a time)"
        )
