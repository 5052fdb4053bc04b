"""Running a baked project's own test suite: find the Python it names, `uv sync` its
environment (uv's cache makes that seconds), run pytest, read the results."""

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

UV = [sys.executable, "-m", "uv"]
CACHE = Path(__file__).resolve().parents[1] / ".cache"
# Bakes have no lock: resolve as of a fixed date, so every run installs the same versions
# (bump it deliberately, as a pin). Projects keep their own uv.lock.
RESOLVED_AS_OF = "2026-12-01T00:00:00Z"


@cache
def find_python(version: str) -> tuple[str | None, str]:
    """(a working python<version>, where it was found) or (None, how to provide one).
    Not `uv python find`: it stops at the first python3.12 on PATH, and pyenv's shim
    there fails unless that version is made global."""
    variable = "PYTHON" + version.replace(".", "_")
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [os.environ.get(variable), shutil.which(f"python{version}")]
    for pattern in (f"{pyenv}/versions/{version}*/bin/python{version}", f"/usr/bin/python{version}",
                    f"/usr/local/bin/python{version}", f"/opt/python/{version}*/bin/python{version}"):  # fmt: skip
        candidates += sorted(glob.glob(pattern), reverse=True)
    for path in filter(None, candidates):
        probe = [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
        done = subprocess.run(probe, capture_output=True, text=True, timeout=60)
        if done.returncode == 0 and done.stdout.strip() == version:
            return path, path
    return (
        None,
        f"no python{version} (looked at ${variable}, PATH, pyenv, /usr, /opt); set {variable}",
    )


@cache
def chromium() -> str | None:
    """The browser the generated ui tests run in: $CHROMIUM_EXECUTABLE, else Debian's
    headless shell (Chromium's engine without the desktop browser: a quarter less CPU per
    suite, and what Playwright itself runs headless), else Debian's Chromium."""
    found = [
        os.environ.get("CHROMIUM_EXECUTABLE"),
        *map(shutil.which, ("chromium-headless-shell", "chromium")),
    ]
    return next((path for path in found if path and Path(path).exists()), None)


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="no Chromium: apt-get install chromium-headless-shell"
)


@dataclass
class Run:
    """A finished suite run: pytest's exit code, its output, and each test's outcome and report."""

    returncode: int
    output: str
    outcomes: dict[str, str]  # "tests/test_ui.py::test_x[chromium]": passed, failed, skipped
    reports: dict[str, str]  # the same names: what a failure or error said (junit's text)

    def named(self, outcome: str) -> set[str]:
        """Test function names (no file, no parameters) with this outcome."""
        return {_function(name) for name, o in self.outcomes.items() if o == outcome}

    def said(self, function: str) -> str:
        """What the failures and errors of this test function reported."""
        return "\n".join(text for name, text in self.reports.items() if _function(name) == function)


def _function(name: str) -> str:
    return name.split("::")[-1].split("[")[0]


def synced(project: Path, python_version: str | None, *also: str) -> tuple[Path, dict[str, str]]:
    """`uv sync` the project (plus `also`: psutil for the template's evidence) into a venv
    kept in .cache/ per Python, dependencies and xdist worker, so the next sync only swaps
    the project itself, and compiled bytecode is kept too (panel takes 5 s to compile).
    None: the lowest Python the project supports (`requires-python`). Returns the venv's
    Python and the environment to run it in. Skips without that Python."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    python_version = python_version or pyproject["project"]["requires-python"].removeprefix(">=")
    python, where = find_python(python_version)
    if python is None:
        pytest.skip(where)
    needs = [python, pyproject["project"]["dependencies"], pyproject.get("dependency-groups"), also]
    key = hashlib.sha256(json.dumps(needs).encode()).hexdigest()[:12]
    venv = CACHE / "venvs" / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{key}"
    env = {**os.environ, "UV_PYTHON": python, "UV_PYTHON_DOWNLOADS": "never", "UV_EXCLUDE_NEWER": RESOLVED_AS_OF,
           "UV_PROJECT_ENVIRONMENT": str(venv), "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}  # fmt: skip
    env.pop("VIRTUAL_ENV", None)
    env.update({"CHROMIUM_EXECUTABLE": chromium()} if chromium() else {})
    commands = [["sync"]]
    if also:
        commands.append(["pip", "install", "--python", str(venv / "bin" / "python"), *also])
    for command in commands:
        done = subprocess.run([*UV, *command, "--quiet"], cwd=project, env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, f"uv {command} failed in {project}:\n{done.stderr}"
    return venv / "bin" / "python", env


def run_suite(
    project: Path,
    python_version: str,
    *pytest_args: str,
    uv_with: str = "",
    env: dict | None = None,
) -> Run:
    """`uv sync` then pytest in `project`, as the generated README says; `env` changes
    the environment (a value of None removes the variable)."""
    python, synced_env = synced(project, python_version, *([uv_with] if uv_with else []))
    env = {k: v for k, v in (synced_env | (env or {})).items() if v is not None}
    command = [python, "-m", "pytest", "-p", "no:cacheprovider", "--junitxml=.junit.xml"]
    done = subprocess.run(
        [*command, *pytest_args], cwd=project, env=env, capture_output=True, text=True, timeout=1200
    )
    outcomes, reports = {}, {}
    if (project / ".junit.xml").exists():
        for case in ET.parse(project / ".junit.xml").iter("testcase"):
            name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
            found = [child for child in case if child.tag in ("failure", "error", "skipped")]
            tags = {child.tag for child in found}
            outcomes[name] = "skipped" if tags == {"skipped"} else "failed" if tags else "passed"
            reports[name] = "\n".join(f"{c.get('message', '')}\n{c.text or ''}" for c in found)
    return Run(done.returncode, done.stdout + done.stderr, outcomes, reports)


def copy_with(project: Path, copy: Path, edits: dict) -> Path:
    """A copy of `project` (without its environment) with `edits` made (see `edit`)."""
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".venv", ".junit.xml"))
    return edit(copy, edits)


def edit(project: Path, edits: dict[str, list[tuple[str, str]] | str | Path | None]) -> Path:
    """Edit files: path -> [(old, new), ...] replaces exactly one occurrence of each old,
    text or a Path puts that content there, None deletes the file."""
    for name, change in edits.items():
        path = project / name
        if change is None:
            path.unlink()
        elif isinstance(change, list):
            text = path.read_text(encoding="utf-8")
            for old, new in change:
                assert text.count(old) == 1, f"{name} should hold {old!r} exactly once"
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.read_bytes() if isinstance(change, Path) else change.encode())
    return project
