"""Run a generated project's own test suite, under the Python version it names.

- Interpreters are found, not assumed: $PYTHON3_12-style variables, `python3.12`
  on PATH, then pyenv's and the usual install directories. A version that is not
  found is skipped with that reason.
- Each distinct dependency set gets one virtualenv under .cache/ (reused across
  runs), installed by uv from the generated pyproject.toml with
  requirements-dev.txt as constraints, so CI is reproducible.
- The suite runs with the package on PYTHONPATH, as an editable install would
  put it, and with an audit hook that records every file under the project that
  any Python process of the run opens.
- `SuiteBoard` shares runs: one per distinct (Python version, suite inputs, pytest
  arguments), queued on background threads while the other tests run.
- The template's own evidence (tests/in_project/) runs the same way, inside a copy
  of a baked project, with its fixtures and tests/support.py.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from bakes import Combination, project_files

ROOT = Path(__file__).resolve().parents[1]
IN_PROJECT = ROOT / "tests" / "in_project"  # template tests that run inside a baked project
CONSTRAINTS = ROOT / "requirements-dev.txt"
VENVS = ROOT / ".cache" / "generated-venvs"
SUITE_TIMEOUT = 600
INSTALL_TIMEOUT = 1200

# Loaded into every Python process of a suite run (via PYTHONPATH): logs each
# file opened under the project root. os.write on a raw fd raises no audit event.
AUDIT_SITECUSTOMIZE = """\
import os, sys
_root = os.environ["SUITE_AUDIT_ROOT"] + os.sep
_fd = os.open(os.environ["SUITE_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
_seen = set()
def _hook(event, args):
    if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    if path.startswith(_root) and path not in _seen:
        _seen.add(path)
        os.write(_fd, (path[len(_root):] + "\\n").encode("utf-8", "surrogateescape"))
sys.addaudithook(_hook)
"""


SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


def chromium_for_suites() -> str | None:
    """The Chromium generated ui tests are pointed at: $CHROMIUM_EXECUTABLE or /usr/bin/chromium."""
    named = os.environ.get("CHROMIUM_EXECUTABLE")
    if named:
        return named
    return str(SYSTEM_CHROMIUM) if SYSTEM_CHROMIUM.exists() else None


@cache
def find_python(version: str) -> tuple[str | None, str]:
    """(path to a working python<version>, how it was found or why it was not)."""
    env_var = "PYTHON" + version.replace(".", "_")
    candidates = [(os.environ.get(env_var), f"${env_var}")]
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        candidates.append((sys.executable, "the running interpreter"))
    candidates.append((shutil.which(f"python{version}"), "PATH"))
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for pattern in (f"{pyenv_root}/versions/{version}*/bin/python{version}",
                    f"/usr/bin/python{version}", f"/usr/local/bin/python{version}",
                    f"/opt/python/{version}*/bin/python{version}"):  # fmt: skip
        candidates += [(path, path) for path in sorted(glob.glob(pattern), reverse=True)]
    for path, origin in candidates:
        if not path:
            continue
        probe = subprocess.run(
            [path, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return path, origin
    return None, (
        f"no working python{version} found (looked at ${env_var}, PATH, "
        f"{pyenv_root}/versions, /usr/bin, /usr/local/bin); set {env_var} to run these"
    )


def project_requirements(project: Path) -> list[str]:
    """Runtime dependencies plus the dev group, as the README's install would get."""
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    groups = data.get("dependency-groups", {})

    def group(name: str) -> list[str]:
        items = []
        for item in groups[name]:
            items += group(item["include-group"]) if isinstance(item, dict) else [item]
        return items

    return [*data["project"].get("dependencies", []), *group("dev")]


def venv_for(python: str, requirements: list[str]) -> Path:
    """A virtualenv with `requirements`, made once and reused while nothing changes."""
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    ).stdout
    key = hashlib.sha256(
        "\n".join([version, *sorted(requirements), CONSTRAINTS.read_text()]).encode()
    ).hexdigest()[:16]
    venv = VENVS / f"py{version.split()[0]}-{key}"
    with _LOCKS_LOCK:
        lock = _VENV_LOCKS.setdefault(venv, threading.Lock())
    with lock:  # suites run on several threads; the first to need a venv makes it
        return _make_venv(venv, python, requirements)


_LOCKS_LOCK = threading.Lock()
_VENV_LOCKS: dict[Path, threading.Lock] = {}


def _make_venv(venv: Path, python: str, requirements: list[str]) -> Path:
    marker = venv / ".complete"
    if marker.exists():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    uv = [sys.executable, "-m", "uv", "--quiet"]  # far quicker than venv + pip, same result
    for command in (
        [*uv, "venv", "--python", python, str(venv)],
        [
            *uv,
            "pip",
            "install",
            "--compile-bytecode",  # runs never write .pyc, so compile once here
            "--python",
            str(venv / "bin" / "python"),
            "-c",
            str(CONSTRAINTS),
            *requirements,
        ],
    ):
        result = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    marker.write_text("\n".join(requirements) + "\n")
    return venv


def project_env(project: Path, *more_paths: Path) -> dict[str, str]:
    """The environment a baked project's code runs in: its package importable (as an
    editable install makes it), its tests/support.py too, and the browser for the ui tests."""
    paths = [project / "src", project / "tests", *more_paths]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("VIRTUAL_ENV", None)
    if chromium_for_suites():
        env["CHROMIUM_EXECUTABLE"] = chromium_for_suites()
    return env


def project_python(project: Path, version: str) -> Path:
    """The virtualenv Python with `project`'s dependencies (LookupError if `version` is missing)."""
    python, origin = find_python(version)
    if python is None:
        raise LookupError(origin)
    return venv_for(python, project_requirements(project)) / "bin" / "python"


def with_in_project_tests(
    project: Path, copy: Path, *names: str, more: dict[str, Path] | None = None
) -> Path:
    """A copy of `project` with these files of tests/in_project/ added to its tests/,
    and `more` (path in the project: file to copy there) too."""
    shutil.copytree(project, copy)
    for name in names:
        shutil.copy(IN_PROJECT / name, copy / "tests" / name)
    for name, source in (more or {}).items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, copy / name)
    return copy


@dataclass
class SuiteRun:
    """The outcome of one run of a generated test suite."""

    project: Path
    python: str
    returncode: int
    seconds: float
    output: str
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    opened: set[str] = field(default_factory=set)

    @property
    def failed_tests(self) -> set[str]:
        """Names of the test functions that failed (browser tests without "[chromium]")."""
        return {name.rsplit("::", 1)[-1].removesuffix("[chromium]") for name in self.failed}


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a project file for a negative control: `old`, which must be there, becomes `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer contains {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def run_suite(project: Path, venv: Path, work: Path, *pytest_args: str) -> SuiteRun:
    """Run `pytest` in `project` with the venv's Python; record results and opened files."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "sitecustomize.py").write_text(AUDIT_SITECUSTOMIZE)
    audit_log, junit = work / "opened.txt", work / "junit.xml"
    audit_log.unlink(missing_ok=True)
    env = project_env(project, work)
    env |= {"SUITE_AUDIT_ROOT": str(project), "SUITE_AUDIT_LOG": str(audit_log)}
    command = [str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider",
               f"--junitxml={junit}", "-q", *pytest_args]  # fmt: skip
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=project, env=env, capture_output=True, text=True, timeout=SUITE_TIMEOUT
        )
        returncode, output = result.returncode, result.stdout + result.stderr
    except subprocess.TimeoutExpired as expired:
        returncode, output = -1, f"timed out after {SUITE_TIMEOUT}s\n{expired.stdout or ''}"
    run = SuiteRun(project, str(venv), returncode, time.monotonic() - started, output)
    if junit.exists():
        for case in ET.parse(junit).iter("testcase"):
            name = f"{case.get('classname')}::{case.get('name')}"
            if case.find("skipped") is not None:
                run.skipped.append(name)
            elif case.find("failure") is not None or case.find("error") is not None:
                run.failed.append(name)
            else:
                run.passed.append(name)
    if audit_log.exists():
        run.opened = set(audit_log.read_text(encoding="utf-8", errors="replace").splitlines())
    return run


# Generated suites run on this many threads besides pytest's own. A run spends
# much of its time waiting (on servers, a browser, timeouts), so one more than
# the cores keeps them busy (with only 2 threads on 2 cores, 96 runs took 27
# minutes in a CI run).
WORKERS = (os.cpu_count() or 2) + 1


@dataclass
class SuiteBoard:
    """Runs generated suites, one run per distinct (Python version, suite inputs, arguments).

    `submit` queues runs on background threads and returns at once, so the matrix
    runs while the other tests do; `run` waits for one run (doing it on the calling
    thread if nobody queued it) and skips the calling test if its Python is missing.
    """

    work: Path
    report: list[str] = field(default_factory=list)
    _runs: dict[tuple[str, str], Future] = field(default_factory=dict)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(WORKERS))

    @staticmethod
    def key(project: Path, python_version: str, *pytest_args: str, inputs=project_files):
        """Runs are shared when these agree; `inputs(project)` are the files compared
        (the matrix compares only the files a generated test can read)."""
        digest = hashlib.sha256("\0".join(pytest_args).encode())
        for name, data in inputs(project).items():
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return python_version, digest.hexdigest()

    def _job(self, key, project: Path, pytest_args) -> Callable[[], SuiteRun | str]:
        """Running this suite (making its venv first, if no run has), or why it cannot run."""
        python, origin = find_python(key[0])
        if python is None:
            return lambda: origin

        def run() -> SuiteRun:
            venv = venv_for(python, project_requirements(project))
            result = run_suite(project, venv, self.work / key[1][:16] / key[0], *pytest_args)
            self.report.append(
                f"python {key[0]} suite {key[1][:8]}: {len(result.passed)} passed, "
                f"{len(result.failed)} failed, {len(result.skipped)} skipped "
                f"in {result.seconds:.1f}s"
            )
            return result

        return run

    def submit(self, project: Path, python_version: str, *pytest_args: str, inputs=project_files):
        """Queue this run unless it is already run or queued; returns its key at once."""
        key = self.key(project, python_version, *pytest_args, inputs=inputs)
        if key not in self._runs:
            self._runs[key] = self._pool.submit(self._job(key, project, pytest_args))
        return key

    def run(self, project: Path, python_version: str, *pytest_args: str, inputs=project_files):
        """The run of `project`'s suite with these pytest arguments."""
        key = self.key(project, python_version, *pytest_args, inputs=inputs)
        if key not in self._runs:
            done: Future = Future()
            done.set_result(self._job(key, project, pytest_args)())
            self._runs[key] = done
        return self.result(key)

    def result(self, key: tuple[str, str]) -> SuiteRun:
        """The run with this key, once it has ended; skips the calling test if it could not run."""
        result = self._runs[key].result()
        if isinstance(result, str):
            pytest.skip(result)
        return result

    def finished(self) -> list[SuiteRun]:
        """The runs that have ended (for the summary, which must not wait or raise)."""
        done = [f for f in list(self._runs.values()) if f.done() and not f.cancelled()]
        return [
            f.result() for f in done if f.exception() is None and isinstance(f.result(), SuiteRun)
        ]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class MatrixRuns:
    """Which combinations share which suite run."""

    groups: dict[tuple[str, str], list[Combination]]
    board: SuiteBoard

    def run(self, combination: Combination) -> SuiteRun:
        [key] = [key for key, members in self.groups.items() if combination in members]
        return self.board.result(key)
