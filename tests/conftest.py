"""Fixtures for the template's own tests.

`pytest` bakes a few combinations that together use every choice of every option
(fast, for local work); `pytest --matrix=full` bakes every combination, as CI does.
Bakes go through pytest-cookies, once per combination per session.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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


SYSTEM_TEMP_DIR = Path(tempfile.gettempdir())
SESSION_STARTED = time.time()


def hooks_left_in_system_temp_dir() -> list[Path]:
    """This template's rendered hooks written to the system temp dir since the session began."""
    ours = ("Refuse answers that cannot work", "Remove what the answers turned off")
    return [
        path
        for path in SYSTEM_TEMP_DIR.glob("tmp*.py")
        if path.stat().st_mtime >= SESSION_STARTED
        and any(marker in path.read_text(errors="replace") for marker in ours)
    ]


@pytest.fixture(scope="session", autouse=True)
def temp_files_stay_in_pytests_temp_dir(tmp_path_factory) -> Iterator[Path]:
    """Point this process's and its children's temp dir into pytest's own.

    cookiecutter writes each hook it runs to a temp file and never deletes it
    (cookiecutter#886, closed as intended): one full-matrix run left over 5,000
    files in /tmp. pytest keeps only its last three temp dirs, so they go too.
    A subprocess given an environment copied before this ran still writes to
    /tmp: the check at the end of the session names what did.
    """
    temp = tmp_path_factory.mktemp("tmp")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temp))
        patch.setattr(tempfile, "tempdir", str(temp))
        yield temp
    left = hooks_left_in_system_temp_dir()
    assert not left, f"bakes this session left their hooks in {SYSTEM_TEMP_DIR}: {left}"


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
def bakery(cookies_session, temp_files_stay_in_pytests_temp_dir) -> Bakery:
    # Asks for the temp-dir fixture by name: autouse alone does not order it
    # before other session fixtures that bake (such as _matrix_starts_first).
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


# Generated suites run on this many threads besides pytest's own. A run spends
# much of its time waiting (on servers, a browser, timeouts), so one more than
# the cores keeps them busy (with only 2 threads on 2 cores, the full matrix's
# 96 runs took 27 minutes in a CI run).
WORKERS = (os.cpu_count() or 2) + 1


@dataclass
class SuiteBoard:
    """Runs generated suites, one run per distinct (Python version, suite inputs).

    `submit` queues runs on background threads and returns at once, so the
    matrix runs while the rest of the tests do; `run` waits for one run, doing
    it on the calling thread if nobody queued it.
    """

    work: Path
    report: list[str] = field(default_factory=list)
    _runs: dict[tuple[str, str], Future] = field(default_factory=dict)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(WORKERS))

    @staticmethod
    def key(project: Path, python_version: str, *pytest_args: str) -> tuple[str, str]:
        """Runs are shared by (Python version, suite inputs, pytest arguments)."""
        digest = hashlib.sha256("\0".join(pytest_args).encode())
        for name, data in suite_inputs(project).items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return python_version, digest.hexdigest()

    def _prepare(self, key, project: Path, pytest_args) -> Callable[[], SuiteRun | str]:
        """What running this suite takes (making its venv first, if no run has yet)."""
        python, origin = find_python(key[0])
        if python is None:
            return lambda: origin  # the reason to skip
        work = self.work / key[1][:16] / key[0]

        def run() -> SuiteRun:
            venv = venv_for(python, project_requirements(project))
            result = run_suite(project, venv, work, *pytest_args)
            self.report.append(
                f"python {key[0]} suite {key[1][:8]}: {len(result.passed)} passed, "
                f"{len(result.failed)} failed, {len(result.skipped)} skipped "
                f"in {result.seconds:.1f}s"
            )
            return result

        return run

    def submit(self, jobs: dict[tuple[str, str], tuple[Path, tuple[str, ...]]]) -> None:
        """Queue every suite not yet run or queued; returns without waiting."""
        for key, (project, pytest_args) in jobs.items():
            if key not in self._runs:
                self._runs[key] = self._pool.submit(self._prepare(key, project, pytest_args))

    def run(self, project: Path, python_version: str, *pytest_args: str) -> SuiteRun | str:
        """The run of `project`'s suite (with these pytest arguments), or why it was skipped."""
        key = self.key(project, python_version, *pytest_args)
        if key not in self._runs:
            done: Future = Future()
            done.set_result(self._prepare(key, project, pytest_args)())
            self._runs[key] = done
        return self._runs[key].result()

    def runs(self) -> list[SuiteRun | str]:
        """Every run so far, waiting for those still queued."""
        return [future.result() for future in list(self._runs.values())]

    def finished(self) -> list[SuiteRun]:
        """The runs that have ended (for the summary, which must not wait or raise)."""
        done = [f for f in list(self._runs.values()) if f.done() and not f.cancelled()]
        return [
            f.result() for f in done if f.exception() is None and isinstance(f.result(), SuiteRun)
        ]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


SUITE_BOARD = pytest.StashKey[SuiteBoard]()


@pytest.fixture(scope="session")
def suite_board(request, tmp_path_factory) -> Iterator[SuiteBoard]:
    board = SuiteBoard(tmp_path_factory.mktemp("suites"))
    request.config.stash[SUITE_BOARD] = board
    yield board
    board.close()


def pytest_collection_modifyitems(items):
    """Tests that wait for the matrix's suite runs go last: the others run meanwhile."""
    items.sort(key=lambda item: "matrix_runs" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session", autouse=True)
def _matrix_starts_first(request):
    """Queue the matrix's suite runs before the first test, so they run alongside the rest."""
    if any("matrix_runs" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("matrix_runs")


@dataclass
class MatrixRuns:
    """Which combinations share which suite run."""

    groups: dict[tuple[str, str], list[Combination]]
    board: SuiteBoard


@pytest.fixture(scope="session")
def matrix_runs(request, bakery, suite_board) -> MatrixRuns:
    """Bake every selected combination, group them, and queue each group's suite run.

    A group's run is queued as soon as its first combination is baked: baking all
    576 takes about 100 s, which the suite threads would otherwise spend idle.
    """
    groups: dict[tuple[str, str], list[Combination]] = defaultdict(list)
    for combination in selected_combinations(request.config):
        project = bakery(combination).project_path
        key = SuiteBoard.key(project, combination.context["python_version"])
        if key not in groups:
            suite_board.submit({key: (project, ())})
        groups[key].append(combination)
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
    runs = board.finished()
    if runs:
        seconds = sorted(run.seconds for run in runs)
        terminalreporter.write_line(
            f"{len(runs)} suite runs: median {seconds[len(seconds) // 2]:.1f}s, "
            f"slowest {seconds[-1]:.1f}s (wall time, up to {WORKERS + 1} at a time)"
        )
