"""Fixtures for the template's own tests.

`pytest` bakes a few combinations that together use every choice of every option
(fast, for local work); `pytest --matrix=full` bakes every combination, as CI does.
Bakes go through pytest-cookies, once per combination per session.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import checkers
from generated_suites import (
    SuiteRun,
    chromium_for_suites,
    find_python,
    project_requirements,
    run_suite,
    venv_for,
)
from matrix import (
    NOT_READ_BY_GENERATED_TESTS,
    OPTIONS,
    ROOT,
    Combination,
    all_combinations,
    check_extra_context,
    covering_combinations,
)


def pytest_addoption(parser):
    parser.addoption(
        "--matrix",
        choices=("fast", "full"),
        default="fast",
        help="fast: a few combinations covering every choice (default); full: all of them",
    )


def selected_combinations(config) -> list[Combination]:
    return all_combinations() if config.getoption("--matrix") == "full" else covering_combinations()


def pytest_generate_tests(metafunc):
    if "combination" in metafunc.fixturenames:
        combinations = selected_combinations(metafunc.config)
        metafunc.parametrize("combination", combinations, ids=[c.id for c in combinations])


def bake(cookies, **extra_context):
    """Bake this template with pytest-cookies; unknown option names are an error."""
    check_extra_context(extra_context)
    return cookies.bake(extra_context=extra_context, template=str(ROOT))


class Bakery:
    """Bakes each combination at most once per test session."""

    def __init__(self, cookies):
        self._cookies = cookies
        self._results: dict[Combination, object] = {}

    def __call__(self, combination: Combination):
        if combination not in self._results:
            self._results[combination] = bake(self._cookies, **combination.context)
        return self._results[combination]


@pytest.fixture(scope="session")
def bakery(cookies_session) -> Bakery:
    return Bakery(cookies_session)


@pytest.fixture
def baked(bakery, combination):
    """The result of baking this test's combination."""
    return bakery(combination)


@pytest.fixture(scope="session")
def ruff_report(request, bakery) -> dict[Path, list[str]]:
    """ruff over every selected combination at once (one process, each project's own config)."""
    projects = [bakery(c).project_path for c in selected_combinations(request.config)]
    return checkers.ruff(projects)


def project_files(project: Path) -> dict[str, bytes]:
    """Every file of a baked project, by path relative to it."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def suite_inputs(project: Path) -> dict[str, bytes]:
    """The files a generated test suite can read: all but NOT_READ_BY_GENERATED_TESTS."""
    return {
        name: data
        for name, data in project_files(project).items()
        if name not in NOT_READ_BY_GENERATED_TESTS
    }


@dataclass
class SuiteBoard:
    """Runs generated suites, one run per distinct (Python version, suite inputs)."""

    work: Path
    report: list[str] = field(default_factory=list)
    _runs: dict[tuple[str, str], SuiteRun | str] = field(default_factory=dict)

    @staticmethod
    def key(project: Path, python_version: str, *pytest_args: str) -> tuple[str, str]:
        """Runs are shared by (Python version, suite inputs, pytest arguments)."""
        digest = hashlib.sha256("\0".join(pytest_args).encode())
        for name, data in suite_inputs(project).items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return python_version, digest.hexdigest()

    def run_all(self, jobs: dict[tuple[str, str], tuple[Path, tuple[str, ...]]]) -> None:
        """Run every suite not yet run, in parallel (each run is mostly waiting on a server)."""
        todo = {key: job for key, job in jobs.items() if key not in self._runs}
        ready = {}
        for key, (project, pytest_args) in todo.items():
            python, origin = find_python(key[0])
            if python is None:
                self._runs[key] = origin  # the reason to skip
                continue
            venv = venv_for(python, project_requirements(project))
            ready[key] = (project, venv, pytest_args)
        workers = (os.cpu_count() or 2) + 1  # runs also wait (on servers, browsers)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                key: pool.submit(run_suite, project, venv, self.work / key[1][:16] / key[0], *args)
                for key, (project, venv, args) in ready.items()
            }
            for key, future in futures.items():
                self._runs[key] = future.result()
                run = self._runs[key]
                self.report.append(
                    f"python {key[0]} suite {key[1][:8]}: {len(run.passed)} passed, "
                    f"{len(run.failed)} failed, {len(run.skipped)} skipped in {run.seconds:.1f}s"
                )

    def runs(self) -> list[SuiteRun | str]:
        return list(self._runs.values())

    def run(self, project: Path, python_version: str, *pytest_args: str) -> SuiteRun | str:
        """The run of `project`'s suite (with these pytest arguments), or why it was skipped."""
        key = self.key(project, python_version, *pytest_args)
        self.run_all({key: (project, pytest_args)})
        return self._runs[key]


SUITE_BOARD = pytest.StashKey[SuiteBoard]()


@pytest.fixture(scope="session")
def suite_board(request, tmp_path_factory) -> SuiteBoard:
    board = SuiteBoard(tmp_path_factory.mktemp("suites"))
    request.config.stash[SUITE_BOARD] = board
    return board


@dataclass
class MatrixRuns:
    """Which combinations share which suite run."""

    groups: dict[tuple[str, str], list[Combination]]
    board: SuiteBoard


@pytest.fixture(scope="session")
def matrix_runs(request, bakery, suite_board) -> MatrixRuns:
    """Bake every selected combination, group them, and run each group's suite once."""
    groups: dict[tuple[str, str], list[Combination]] = defaultdict(list)
    representatives: dict[tuple[str, str], tuple[Path, tuple[str, ...]]] = {}
    for combination in selected_combinations(request.config):
        project = bakery(combination).project_path
        key = SuiteBoard.key(project, combination.context["python_version"])
        groups[key].append(combination)
        representatives.setdefault(key, (project, ()))
    suite_board.run_all(representatives)
    return MatrixRuns(dict(groups), suite_board)


def pytest_terminal_summary(terminalreporter, config):
    board = config.stash.get(SUITE_BOARD, None)
    if board is None:
        return
    terminalreporter.section("generated test suites")
    for version in sorted(OPTIONS["python_version"]):
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
    runs = [run for run in board._runs.values() if isinstance(run, SuiteRun)]
    if runs:
        seconds = sorted(run.seconds for run in runs)
        terminalreporter.write_line(
            f"{len(runs)} suite runs: median {seconds[len(seconds) // 2]:.1f}s, "
            f"slowest {seconds[-1]:.1f}s (wall time, {(os.cpu_count() or 2) + 1} at a time)"
        )
